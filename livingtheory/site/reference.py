"""The field reference: every field of every kind of record, from the JSON Schemas, each with an
example taken from the theory being built (a schema's own examples are generic)."""
from __future__ import annotations

import re
from dataclasses import dataclass, replace

from markupsafe import Markup, escape

from ..records.data import plain, theory_data
from ..records.model import ProgrammeTheory
from ..records.schema import inlined_schema

WHERE = {"study": "theory/study.yaml", "deidentification": "theory/deidentification.yaml", "cmoc": "theory/cmocs/<id>.yaml", "quote": "theory/quotes/<id>.yaml",
         "service": "theory/services/<id>.yaml", "outcome": "theory/outcomes/<id>.yaml",
         "theory": "theory/theories/<id>.yaml", "content": "theory/content/<id>.yaml",
         "source": "theory/sources/<id>.yaml", "reporting": "theory/reporting.yaml",
         "references": "theory/references.yaml"}
_TYPES = {"string": "text", "integer": "whole number", "boolean": "true or false", "array": "list",
          "object": "group of fields", "null": "empty"}


@dataclass(frozen=True)
class Field:
    name: str
    required: bool
    value: Markup
    description: Markup
    example: str | None = None


def code_spans(text: str) -> Markup:
    """Schema text (ours, but escaped all the same) with `code` shown as code."""
    return Markup(re.sub(r"`([^`]+)`", r"<code>\1</code>", str(escape(text))))


def fields_of(schema: dict, prefix: str = "", required: bool = True) -> list[Field]:
    """Every field, nested ones as `parent.child` and list items as `parent[].child`."""
    found = []
    needed = set(schema.get("required", []))
    for name, spec in schema.get("properties", {}).items():
        full = f"{prefix}{name}"
        found.append(Field(full, required and name in needed, code_spans(describe(spec)),
                           code_spans(spec.get("description", ""))))
        if spec.get("type") == "object":
            found += fields_of(spec, f"{full}.", required and name in needed)
        items = spec.get("items", {})
        if items.get("type") == "object":
            found += fields_of(items, f"{full}[].", required and name in needed)
    return found


def describe(spec: dict) -> str:
    if "enum" in spec:
        return "one of: " + ", ".join(f"`{v}`" for v in spec["enum"])
    if "const" in spec:
        return f"`{spec['const']}`"
    types = spec.get("type", [])
    types = types if isinstance(types, list) else [types]
    words = " or ".join(_TYPES.get(t, t) for t in types)
    if spec.get("type") == "array" and "type" in spec.get("items", {}):
        words = f"list of {_TYPES.get(spec['items']['type'], spec['items']['type'])}"
    if spec.get("maxLength"):
        words += f" (at most {spec['maxLength']} characters)"
    return words


_RECORDS = {"study": "study", "cmoc": "cmocs", "quote": "quotes", "service": "services", "outcome": "outcomes",
            "theory": "theories", "content": "content", "source": "sources", "reporting": "reporting"}


def example_of(records: list, name: str) -> str | None:
    """A short value of the field `name` (`a.b`, `a[].b`) from the first record that has one."""
    for record in records:
        values = [record]
        for step in name.replace("[]", ".[]").split("."):
            if step == "[]":
                values = [item for value in values if isinstance(value, list) for item in value]
            else:
                values = [value.get(step) for value in values if isinstance(value, dict)]
        for value in values:
            if isinstance(value, (str, int)) and not isinstance(value, bool) and str(value).strip():
                text = " ".join(str(value).split())
                return text if len(text) <= 40 else text[:37] + "..."
    return None


def field_reference(theory: ProgrammeTheory | None = None) -> list[dict]:
    data = theory_data(theory) if theory else {}
    if theory and theory.deidentification:
        data["deidentification"] = {"identifiers": [plain(i) for i in theory.deidentification.identifiers]}
    kinds = []
    for kind, where in WHERE.items():
        schema = inlined_schema(kind)
        records = data.get(_RECORDS.get(kind, kind))
        records = records if isinstance(records, list) else [records] if records else []
        if kind == "study" and data:  # the study record's fields sit under theory: and vocabulary:
            records = [{"theory": data["study"], "vocabulary": data["study"]["vocabulary"]}]
        fields = [replace(f, example=example_of(records, f.name)) for f in fields_of(schema)]
        kinds.append({"name": kind, "title": schema["title"], "description": code_spans(schema.get("description", "")),
                      "where": where, "fields": fields})
    return kinds
