"""The field reference: every field of every kind of record, from the JSON Schemas."""
from __future__ import annotations

import re
from dataclasses import dataclass

from markupsafe import Markup, escape

from ..records.schema import inlined_schema

WHERE = {"study": "theory/study.yaml", "cmoc": "theory/cmocs/<id>.yaml", "quote": "theory/quotes/<id>.yaml",
         "service": "theory/services/<id>.yaml", "outcome": "theory/outcomes/<id>.yaml",
         "theory": "theory/theories/<id>.yaml", "content": "theory/content/<id>.yaml",
         "source": "theory/sources/<id>.yaml", "reporting": "theory/reporting.yaml"}
_TYPES = {"string": "text", "integer": "whole number", "boolean": "true or false", "array": "list",
          "object": "group of fields", "null": "empty"}


@dataclass(frozen=True)
class Field:
    name: str
    required: bool
    value: Markup
    description: Markup


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
        if "examples" in spec["items"]:
            words += f" such as `{spec['items']['examples'][0]}`"
    elif spec.get("examples"):
        words += f" such as `{spec['examples'][0]}`"
    if spec.get("maxLength"):
        words += f" (at most {spec['maxLength']} characters)"
    return words


def field_reference() -> list[dict]:
    kinds = []
    for kind, where in WHERE.items():
        schema = inlined_schema(kind)
        kinds.append({"name": kind, "title": schema["title"], "description": code_spans(schema.get("description", "")),
                      "where": where, "fields": fields_of(schema)})
    return kinds
