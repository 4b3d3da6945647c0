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
from .lifecycle import version_key
from .model import ProgrammeTheory
from .problems import Problem, TheoryInvalid

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




def read_editions(folder: Path) -> tuple[list[Edition], list[Problem]]:
    """Snapshots, oldest first (none when the folder does not exist), and what stops one being read.
    A link out of the repository is refused, never read."""
    editions, problems = [], []
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        shown = f"{folder.name}/{path.name}"
        if path.is_symlink() and not path.resolve().is_relative_to(folder.parent.resolve()):
            problems.append(Problem(shown, 0, 0, "this is a link to a file outside the repository",
                                    "editions are files of the repository: restore the snapshot from git"))
            continue
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            editions.append(Edition(data["edition"], data["released"], data))
            version_key(data["edition"])
        except (ValueError, KeyError, TypeError) as err:
            problems.append(Problem(shown, 0, 0, f"the edition snapshot cannot be read ({err})",
                                    "editions are never edited by hand: restore the file from git"))
    return sorted(editions, key=lambda e: version_key(e.version)), problems


def load_editions(folder: Path) -> list[Edition]:
    editions, problems = read_editions(folder)
    if problems:
        raise TheoryInvalid(problems)
    return editions


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
