"""Records changed as data: the one way a command edits a contributor's YAML.

A record is read with ruamel.yaml's round-trip loader, changed as a mapping, and written back with
its comments, key order, quoting and layout kept (a list indented as the file indents its lists; a
new item written in the style of the items beside it). Whatever a value holds (a colon, a quote, a
backslash, a line break), it is written as that value of that field and can touch no other.
"""
from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Callable

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, LiteralScalarString

_INDENTED_LISTS = re.compile(r"^[^\s#][^:\n]*:[ \t]*\n {2,}- ", re.M)  # key:\n  - item (the project's style)


def _yaml(text: str) -> YAML:
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 100_000  # never fold a long line: a contributor's line stays one line
    yaml.representer.add_representer(type(None), _null)  # `date: null` stays written so, never `date:`
    if _INDENTED_LISTS.search(text) or "\n- " not in text:
        yaml.indent(mapping=2, sequence=4, offset=2)
    else:
        yaml.indent(mapping=2, sequence=2, offset=0)
    return yaml


def _null(representer, _value):
    return representer.represent_scalar("tag:yaml.org,2002:null", "null")


def load(text: str) -> CommentedMap:
    return _yaml(text).load(text)


def dump(data, like: str = "") -> str:
    out = io.StringIO()
    _yaml(like).dump(data, out)
    return out.getvalue()


def edited(path: Path, change: Callable[[CommentedMap], None]) -> str:
    """The text of `path` with `change` made to its record (the file itself is not written)."""
    text = path.read_text(encoding="utf-8")
    record = load(text)
    change(record)
    return dump(record, like=text)


def item_like(items: CommentedSeq, value: dict):
    """A new list item written as the items already there are: on one line ({...}) or as a block."""
    if isinstance(value, dict):
        mapping = CommentedMap(value)
        flow = bool(items) and all(getattr(i, "fa", None) is not None and i.fa.flow_style() for i in items
                                   if isinstance(i, CommentedMap))
        if flow:
            mapping.fa.set_flow_style()
        return mapping
    return value


def append(record: CommentedMap, key: str, value) -> None:
    """Add an item at the end of a list field (made when missing or written `[]`)."""
    items = record.get(key)
    if not isinstance(items, CommentedSeq):
        items = CommentedSeq()
        record[key] = items
    elif not items:
        items.fa.set_block_style()
    items.append(item_like(items, value))


def quoted(text: str) -> DoubleQuotedScalarString:
    """A value written in double quotes, as the records write dates and versions ("1.1", never 1.1:
    YAML would read a bare 1.1 as a number and a bare date as a date)."""
    return DoubleQuotedScalarString(text)


def flow(items: list) -> CommentedSeq:
    """A short list on one line: [quote-23]."""
    seq = CommentedSeq(items)
    seq.fa.set_flow_style()
    return seq


def block(text: str) -> LiteralScalarString:
    """Text of several lines written as a block (`|-`), each line as it is."""
    return LiteralScalarString("\n".join(line.rstrip() for line in text.splitlines()))
