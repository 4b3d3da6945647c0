"""Check records against the JSON Schemas in schemas/ and say what is wrong in plain words."""
from __future__ import annotations

import difflib
import json
from functools import cache
from pathlib import Path

from jsonschema import Draft202012Validator
from referencing import Registry, Resource

from .problems import Problem
from .yamlsource import Record

SCHEMA_DIR = Path(__file__).parent / "schemas"
KINDS = ("study", "cmoc", "quote", "service", "outcome", "theory", "content")
_TYPE_WORDS = {"string": "text", "integer": "a whole number", "boolean": "true or false", "array": "a list",
               "object": "a group of fields", "null": "empty (null)", "number": "a number"}


def schema_path(kind: str) -> Path:
    return SCHEMA_DIR / f"{kind}.schema.json"


@cache
def _schemas() -> dict[str, dict]:
    return {kind: json.loads(schema_path(kind).read_text()) for kind in KINDS + ("common",)}


def inlined_schema(kind: str) -> dict:
    """A kind's schema with the shared definitions of common.schema.json written in place."""
    return _inline(_schemas()[kind], _schemas()["common"]["$defs"])


@cache
def _validators() -> dict[str, Draft202012Validator]:
    schemas = _schemas()
    registry = Registry().with_resources(
        (schema["$id"], Resource.from_contents(schema)) for schema in schemas.values())
    # The files use $ref to common.schema.json (for editors); resolving it per value costs ~40% of
    # loading, so validate against a copy with the shared definitions written in place.
    return {kind: Draft202012Validator(inlined_schema(kind), registry=registry) for kind in KINDS}


def _inline(node, definitions: dict):
    if isinstance(node, list):
        return [_inline(item, definitions) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _inline(value, definitions) for key, value in node.items()}
    ref = node.get("$ref", "")
    if ref.startswith("common.schema.json#/$defs/"):
        del node["$ref"]
        node = {**definitions[ref.rsplit("/", 1)[1]], **node}  # the local keywords refine the shared ones
    return node


def check_record(kind: str, record: Record) -> list[Problem]:
    """Every schema violation in one record, each at the line of the value concerned."""
    return [problem for error in _validators()[kind].iter_errors(record.data)
            for problem in _explain(error, record)]


def field_name(path) -> str:
    """`history → entry 2 → date` for ('history', 1, 'date')."""
    words = []
    for part in path:
        words.append(f"entry {part + 1}" if isinstance(part, int) else part)
    return " → ".join(words) if words else "the record"


def _example(schema: dict) -> str:
    examples = schema.get("examples")
    return f" such as `{examples[0]}`" if examples else ""


def _explain(error, record: Record) -> list[Problem]:
    if error.validator == "additionalProperties":  # one error names every unknown field
        return [_unknown_field(error, record, key) for key in error.instance
                if key not in error.schema.get("properties", {})]
    return [_explain_one(error, record)]


def _unknown_field(error, record: Record, key: str) -> Problem:
    path = tuple(error.absolute_path)
    allowed = list(error.schema.get("properties", {}))
    line, column = record.key_position(path + (key,))
    close = difflib.get_close_matches(key, allowed, n=1)
    hint = f"did you mean `{close[0]}`? " if close else ""
    where = f" in `{field_name(path)}`" if path else ""
    return Problem(record.file, line, column, f"unknown field `{key}`{where}",
                   f"{hint}allowed fields here: {', '.join(allowed)}")


def _explain_one(error, record: Record) -> Problem:
    path = tuple(error.absolute_path)
    name = f"`{field_name(path)}`"
    schema, value = error.schema, error.instance
    line, column = record.position(path)
    if error.validator == "required":
        key = error.message.split("'")[1]  # jsonschema: "'title' is a required property"
        where = f" in {name}" if path else ""
        return Problem(record.file, line, column, f"missing field `{key}`{where}",
                       f"add a line `{key}: ...` (the field reference lists what it holds)")
    if error.validator == "type":
        wanted = error.validator_value if isinstance(error.validator_value, list) else [error.validator_value]
        words = " or ".join(_TYPE_WORDS.get(t, t) for t in wanted)
        if value is None:
            hint = "fill it in"
            if path and path[-1] == "participant":
                hint = 'write the tag in quotes, e.g. participant: "#13" (a bare # starts a YAML comment)'
            return Problem(record.file, line, column, f"{name} is empty", hint)
        hint = "put the value in double quotes" if "string" in wanted else f"write {words}"
        if "boolean" in wanted and isinstance(value, str):
            hint = "write true or false (yes/no are read as text here)"
        return Problem(record.file, line, column, f"{name} must be {words}, not {value!r}", hint)
    if error.validator == "enum":
        options = ", ".join(str(v) for v in error.validator_value)
        return Problem(record.file, line, column, f"{name} is {value!r}, which is not one of: {options}",
                       "use one of the listed values, spelt exactly")
    if error.validator == "const":
        return Problem(record.file, line, column, f"{name} must be {error.validator_value!r}",
                       f"write {error.validator_value!r}")
    if error.validator in ("minLength", "pattern") and isinstance(value, str) and not value.strip():
        return Problem(record.file, line, column, f"{name} is empty text", "write the text, or remove the field if it is optional")
    if error.validator == "pattern":
        return Problem(record.file, line, column, f"{name} is {value!r}, which is not in the expected form",
                       (schema.get("description", "check the form") + _example(schema)).strip())
    if error.validator == "maxLength":
        return Problem(record.file, line, column,
                       f"{name} is {len(value)} characters long; at most {error.validator_value} fit",
                       "shorten it (the full wording belongs in the `text` field)")
    if error.validator == "minItems":
        return Problem(record.file, line, column, f"{name} needs at least {error.validator_value} entr{'y' if error.validator_value == 1 else 'ies'}",
                       "add an entry")
    if error.validator == "uniqueItems":
        return Problem(record.file, line, column, f"{name} lists the same value twice", "remove the repeat")
    if error.validator == "minimum":
        return Problem(record.file, line, column, f"{name} must be at least {error.validator_value}", "use a larger number")
    return Problem(record.file, line, column, f"{name}: {error.message}", "see the field reference")  # pragma: no cover
