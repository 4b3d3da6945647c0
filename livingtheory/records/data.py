"""The theory as plain data: what a download holds and what an edition's snapshot freezes."""
from __future__ import annotations

import dataclasses
import io
import json
from typing import TextIO

from .model import ProgrammeTheory

SNAPSHOT_FORMAT = 2  # editions/*.json: 1 was edition 1.0's (the paper inside the study record)


def theory_data(theory: ProgrammeTheory) -> dict:
    """The whole theory as plain data: the download, and the snapshot of a released edition."""
    return {"edition": theory.study.version, "released": theory.study.released, "format": SNAPSHOT_FORMAT,
            **{f.name: plain(getattr(theory, f.name)) for f in dataclasses.fields(theory)}}


def theory_json(theory: ProgrammeTheory) -> str:
    """The theory as JSON: the download data/theory.json, and the snapshot of a released edition."""
    out = io.StringIO()
    write_theory_json(theory, out)
    return out.getvalue()


def write_theory_json(theory: ProgrammeTheory, out: TextIO) -> None:
    """theory_data(theory) as JSON, record by record (the same text as json.dump of the whole),
    so that the whole theory is never held as one string or one tree of dicts."""
    head = {"edition": theory.study.version, "released": theory.study.released, "format": SNAPSHOT_FORMAT}
    records = {f.name: getattr(theory, f.name) for f in dataclasses.fields(theory)}
    out.write(json.dumps(head, indent=2, ensure_ascii=False)[:-2] + ",\n")
    for n, (name, value) in enumerate(records.items()):
        out.write(f"  {json.dumps(name)}: ")
        if isinstance(value, tuple):
            out.write("[\n" if value else "[]")
            for i, record in enumerate(value):
                text = json.dumps(plain(record), indent=2, ensure_ascii=False)
                out.write("    " + text.replace("\n", "\n    ") + (",\n" if i + 1 < len(value) else "\n  ]"))
        else:
            out.write(json.dumps(plain(value), indent=2, ensure_ascii=False).replace("\n", "\n  "))
        out.write(",\n" if n + 1 < len(records) else "\n}\n")


def plain(value):
    """A record as plain data (dicts, lists, text), as the downloads and edition snapshots hold it."""
    if dataclasses.is_dataclass(value):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value
