"""Released editions: frozen snapshots of the theory, and what changed between them.

A release writes editions/<version>.json (the theory as data, as published in that edition) and
publishes the site for that version with mike. Snapshots are never rewritten, so the diff page
and the "no published CMOC disappears" check rest on what readers actually saw.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from .downloads import theory_json
from .model import ProgrammeTheory
from .problems import Problem

# The fields of a CMOC that a reader compares between editions, in reading order.
COMPARED = [("title", "Title"), ("statement", "Statement"), ("context.text", "Context"),
            ("mechanism.text", "Mechanism"), ("outcome.text", "Outcome"), ("outcome_group", "Outcome group"),
            ("beneficiary", "Who benefits"), ("status", "Status"), ("version", "Version"),
            ("replaced_by", "Replaced by"), ("quote_ids", "Quotes"), ("not_triggered", "Not triggered"),
            ("theories", "Substantive theories"), ("summary", "Explanatory summary")]


@dataclass(frozen=True)
class Edition:
    version: str
    released: str
    data: dict  # as in data/theory.json

    @property
    def cmocs(self) -> dict[str, dict]:
        return {c["id"]: c for c in self.data["cmocs"]}


@dataclass(frozen=True)
class FieldChange:
    field: str
    before: str
    after: str


@dataclass(frozen=True)
class CmocChange:
    cmoc_id: str
    kind: str  # added, changed
    title: str
    fields: tuple[FieldChange, ...] = ()


def version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def load_editions(folder: Path) -> list[Edition]:
    """Snapshots, oldest first; none when the folder does not exist."""
    editions = []
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        data = json.loads(path.read_text())
        editions.append(Edition(data["edition"], data["released"], data))
    return sorted(editions, key=lambda e: version_key(e.version))


def snapshot(theory: ProgrammeTheory) -> str:
    return theory_json(theory)  # exactly the edition's data/theory.json


def _value(cmoc: dict, field: str) -> str:
    value = cmoc
    for part in field.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    if isinstance(value, list):
        if value and isinstance(value[0], dict):
            return "; ".join(next(iter(v.values())) for v in value)  # a circumstance or theory: its name
        return ", ".join(value)
    return "" if value is None else str(value)


def diff(before: Edition | None, after: dict) -> list[CmocChange]:
    """CMOC by CMOC, field by field: what a reader of `before` would find different in `after`."""
    old = before.cmocs if before else {}
    changes = []
    for cmoc in after["cmocs"]:
        if cmoc["id"] not in old:
            changes.append(CmocChange(cmoc["id"], "added", cmoc["title"]))
            continue
        fields = tuple(FieldChange(label, _value(old[cmoc["id"]], name), _value(cmoc, name))
                       for name, label in COMPARED if _value(old[cmoc["id"]], name) != _value(cmoc, name))
        if fields:
            changes.append(CmocChange(cmoc["id"], "changed", cmoc["title"], fields))
    return changes


def check_published(theory: ProgrammeTheory, editions: list[Edition], theory_folder: str = "theory") -> list[Problem]:
    """A published CMOC never disappears: citations to it must keep resolving."""
    present = {c.id for c in theory.cmocs}
    problems = []
    for edition in editions:
        for cmoc_id in edition.cmocs:
            if cmoc_id not in present:
                problems.append(Problem(f"{theory_folder}/cmocs/{cmoc_id}.yaml", 0, 0,
                                        f"{cmoc_id} was published in edition {edition.version} and cannot be deleted",
                                        "restore the file (git checkout) and set its status to refuted, merged or "
                                        "split, with replaced_by and a history entry"))
    return sorted(set(problems))
