"""The theory as plain data: what a download holds and what an edition's snapshot freezes.

Field names are the records' own (model.py), so a download, a snapshot and a message all name a
field as a contributor writes it."""
from __future__ import annotations

import dataclasses
import io
import json
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TextIO

from .model import ProgrammeTheory

# editions/*.json: 1 was edition 1.0's (the paper inside the study record); 2 filed evidence by
# field; 3 named fields generically; 4 adds the works the text cites (references).
SNAPSHOT_FORMAT = 4
PUBLISHED = ("study", "outcomes", "cmocs", "quotes", "services", "theories", "content", "sources", "reporting",
             "references")


def theory_data(theory: ProgrammeTheory, released: str | None = None) -> dict:
    """The whole theory as plain data: the download, and the snapshot of a released edition. Within
    `kept_data()` made once per theory (each caller gets its own top level; nothing below it is changed)."""
    kept = _KEPT.get()
    made = kept.get(id(theory), (None, None))[1] if kept is not None else None
    if made is None:
        made = {name: plain(getattr(theory, name)) for name in PUBLISHED}
        if kept is not None:
            kept[id(theory)] = (theory, made)  # the theory held too: its id is not reused meanwhile
    return {"edition": theory.study.version, "released": released, "format": SNAPSHOT_FORMAT, **made}


_KEPT: ContextVar[dict | None] = ContextVar("kept_theory_data", default=None)


@contextmanager
def kept_data():
    """theory_data made once per theory in this block (a build asks for it several times), and let
    go at its end (at 5,000 CMOCs it is tens of megabytes)."""
    token = _KEPT.set({})
    try:
        yield
    finally:
        _KEPT.reset(token)


def theory_json(theory: ProgrammeTheory, released: str | None = None) -> str:
    """The theory as JSON: the download data/theory.json, and the snapshot of a released edition."""
    out = io.StringIO()
    write_theory_json(theory, out, released)
    return out.getvalue()


def write_theory_json(theory: ProgrammeTheory, out: TextIO, released: str | None = None) -> None:
    """theory_data(theory) as JSON, record by record (the same text as json.dump of the whole),
    so that the whole theory is never held as one string or one tree of dicts."""
    head = {"edition": theory.study.version, "released": released, "format": SNAPSHOT_FORMAT}
    out.write(json.dumps(head, indent=2, ensure_ascii=False)[:-2] + ",\n")
    for n, name in enumerate(PUBLISHED):
        value = getattr(theory, name)
        out.write(f"  {json.dumps(name)}: ")
        if isinstance(value, tuple):
            out.write("[\n" if value else "[]")
            for i, record in enumerate(value):
                text = json.dumps(plain(record), indent=2, ensure_ascii=False)
                out.write("    " + text.replace("\n", "\n    ") + (",\n" if i + 1 < len(value) else "\n  ]"))
        else:
            out.write(json.dumps(plain(value), indent=2, ensure_ascii=False).replace("\n", "\n  "))
        out.write(",\n" if n + 1 < len(PUBLISHED) else "\n}\n")


def plain(value):
    """A record as plain data (dicts, lists, text), as the downloads and edition snapshots hold it."""
    if dataclasses.is_dataclass(value):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)  # a field added later is
                if getattr(value, f.name) is not None or not f.metadata.get("omitted_when_empty")}  # absent when empty
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {key: plain(v) for key, v in value.items()}
    if isinstance(value, frozenset):
        return sorted(value)
    return value
