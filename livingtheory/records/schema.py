"""Check records against the JSON Schemas in schemas/ and say what is wrong in plain words."""
from __future__ import annotations

import difflib
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from jsonschema_rs import Draft202012Validator

from ..problems import Problem
from .yamlsource import Record

SCHEMA_DIR = Path(__file__).parent / "schemas"
KINDS = ("study", "cmoc", "quote", "service", "outcome", "theory", "content", "source", "reporting", "deidentification",
         "references")
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


_inlined = cache(inlined_schema)  # the validators' own copies


@cache
def _validators() -> dict[str, Draft202012Validator]:
    # The files use $ref to common.schema.json (for editors); validate against a copy with the
    # shared definitions written in place, so no reference is resolved while checking a value.
    return {kind: Draft202012Validator(_inlined(kind)) for kind in KINDS}


@dataclass(frozen=True)
class _Violation:
    """One schema violation, named as the JSON Schema keyword it breaks."""
    keyword: str          # "required", "type", "enum", ...
    expected: object      # the keyword's value in the schema
    schema: dict          # the (sub)schema holding the keyword
    value: object         # the value that breaks it
    path: tuple           # where the value is in the record
    missing: str = ""     # for "required": the missing field


def _violations(kind: str, data) -> list[_Violation]:
    """jsonschema-rs (Rust: imports and checks in a fraction of the pure-Python library's time)."""
    found = []
    for error in _validators()[kind].iter_errors(data):
        *parents, keyword = error.schema_path
        schema = _inlined(kind)
        for step in parents:
            schema = schema[step]
        found.append(_Violation(keyword, schema[keyword], schema, error.instance, tuple(error.instance_path),
                                getattr(error.kind, "property", "") if keyword == "required" else ""))
    return found


def _inline(node, definitions: dict):
    if isinstance(node, list):
        return [_inline(item, definitions) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _inline(value, definitions) for key, value in node.items()}
    ref = node.get("$ref", "")
    if ref.startswith("common.schema.json#/$defs/"):
        del node["$ref"]
        shared = _inline(definitions[ref.rsplit("/", 1)[1]], definitions)  # shared ones may use each other
        node = {**shared, **node}  # the local keywords refine the shared ones
    return node


def check_record(kind: str, record: Record) -> list[Problem]:
    """Every schema violation in one record, each at the line of the value concerned."""
    return [problem for violation in _violations(kind, record.data) for problem in _explain(violation, record)]


def field_name(path) -> str:  # noqa: D401
    """`history → entry 2 → date` for ('history', 1, 'date')."""
    words = []
    for part in path:
        words.append(f"entry {part + 1}" if isinstance(part, int) else part)
    return " → ".join(words) if words else "the record"


def _example(schema: dict) -> str:
    examples = schema.get("examples")
    return f" such as `{examples[0]}`" if examples else ""


def _explain(error: _Violation, record: Record) -> list[Problem]:
    if error.keyword == "additionalProperties":  # one error names every unknown field
        return [_unknown_field(error, record, key) for key in error.value
                if key not in error.schema.get("properties", {})]
    return [_explain_one(error, record)]


def _unknown_field(error: _Violation, record: Record, key: str) -> Problem:
    path = error.path
    allowed = list(error.schema.get("properties", {}))
    line, column = record.key_position(path + (key,))
    close = difflib.get_close_matches(key, allowed, n=1)
    hint = f"did you mean `{close[0]}`? " if close else ""
    where = f" in `{field_name(path)}`" if path else ""
    return Problem(record.file, line, column, f"unknown field `{key}`{where}",
                   f"{hint}allowed fields here: {', '.join(allowed)}")


def _explain_one(error: _Violation, record: Record) -> Problem:
    path = error.path
    name = f"`{field_name(path)}`"
    schema, value, keyword, expected = error.schema, error.value, error.keyword, error.expected
    line, column = record.position(path)
    if keyword == "required":
        key = error.missing
        where = f" in {name}" if path else ""
        return Problem(record.file, line, column, f"missing field `{key}`{where}",
                       f"add a line `{key}: ...` (the field reference lists what it holds)")
    if keyword == "type":
        wanted = expected if isinstance(expected, list) else [expected]
        words = " or ".join(_TYPE_WORDS.get(t, t) for t in wanted)
        if value is None:
            hint = "fill it in"
            if path and path[-1] == "participant":
                hint = 'write the tag in quotes, such as participant: "#07" (a bare # starts a YAML comment)'
            return Problem(record.file, line, column, f"{name} is empty", hint)
        hint = "put the value in double quotes" if "string" in wanted else f"write {words}"
        if isinstance(value, list) and "array" not in wanted:
            hint = (f"write {words} on the same line as `{path[-1] if path else 'the field'}:`, not a list: remove the "
                    "`- ` in front of the line(s) below it (join them into one text if they belong together)")
        elif isinstance(value, dict) and "object" not in wanted:
            hint = (f"write {words} after `{path[-1] if path else 'the field'}:` on the same line; the lines indented "
                    "below it make a group of fields (check the indentation)")
        elif isinstance(value, str) and "array" in wanted:
            hint = "write a list: each item on its own line, starting with `- `, indented under the field"
        elif "boolean" in wanted and isinstance(value, str):
            hint = "write true or false (yes/no are read as text here)"
        return Problem(record.file, line, column, f"{name} must be {words}, not {value!r}", hint)
    if keyword == "enum":
        options = ", ".join(str(v) for v in expected)
        return Problem(record.file, line, column, f"{name} is {value!r}, which is not one of: {options}",
                       "use one of the listed values, spelt exactly")
    if keyword == "const":
        return Problem(record.file, line, column, f"{name} must be {expected!r}",
                       f"write {expected!r}")
    if keyword in ("minLength", "pattern") and isinstance(value, str) and not value.strip():
        return Problem(record.file, line, column, f"{name} is empty text", "write the text, or remove the field if it is optional")
    if keyword == "pattern":
        return Problem(record.file, line, column, f"{name} is {value!r}, which is not in the expected form",
                       schema.get("x-pattern") or (schema.get("description", "check the form") + _example(schema)).strip())
    if keyword == "maxLength":
        return Problem(record.file, line, column,
                       f"{name} is {len(value)} characters long; at most {expected} fit",
                       f"shorten it to {expected} characters or fewer"
                       + (" (the full wording belongs in the `text` field beside it)" if path and path[-1] == "label" else ""))
    if keyword == "minItems":
        return Problem(record.file, line, column, f"{name} needs at least {expected} entr{'y' if expected == 1 else 'ies'}",
                       "add an entry")
    if keyword == "uniqueItems":
        seen, repeated = [], None
        for item in value if isinstance(value, list) else []:
            if item in seen:
                repeated = item
                break
            seen.append(item)
        what = f" ({repeated!r})" if isinstance(repeated, (str, int)) else ""
        return Problem(record.file, line, column, f"{name} lists the same value twice{what}", "remove the repeat")
    if keyword == "minimum":
        return Problem(record.file, line, column, f"{name} must be at least {expected}", "use a larger number")
    return Problem(record.file, line, column, f"{name} breaks the rule `{keyword}: {expected}`",
                   "see the field reference")  # pragma: no cover
