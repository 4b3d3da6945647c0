"""Released editions: frozen snapshots of the theory, and what changed between them.

A release writes editions/<version>.json (the theory as data, as published in that edition) and
publishes the site for that version with mike. Snapshots are never rewritten, so the diff page
and the "no published CMOC disappears" check rest on what readers actually saw.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from .data import SNAPSHOT_FORMAT, theory_json
from .lifecycle import version_key
from .model import ProgrammeTheory
from ..problems import Problem, TheoryInvalid

# The fields a reader compares between editions, in reading order, with their names on the page.
# Other kinds' fields are named from the field itself; `source` (the YAML file) and `history`
# (listed on its own) are not compared.
COMPARED = {
    "cmocs": [("title", "Title"), ("statement", "Statement"), ("context.text", "Context"),
              ("mechanism.text", "Mechanism"), ("outcome.text", "Outcome"), ("outcome_group", "Outcome group"),
              ("beneficiary", "Who benefits"), ("status", "Status"), ("version", "Version"),
              ("replaced_by", "Replaced by"), ("leads_to", "Leads to"), ("quote_ids", "Quotes"),
              ("not_triggered", "Not triggered"), ("supporting_sources", "Supporting sources"),
              ("refuting_evidence", "Evidence against"), ("theories", "Substantive theories"),
              ("summary", "Explanatory summary")],
}
KINDS = [("study", "The theory's record"), ("sources", "Sources"), ("outcomes", "Outcomes"), ("cmocs", "CMOCs"),
         ("quotes", "Quotes"), ("services", "Services"), ("theories", "Substantive theories"),
         ("content", "Methods and discussion"), ("reporting", "Reporting standard")]
_NOT_COMPARED = {"id", "source", "history"}
_BOOKKEEPING = {"study": {"version", "released"}}  # the edition itself, said in the page's heading
FORMAT = SNAPSHOT_FORMAT
UNRECORDED = object()  # a field an older format did not record: never reported as changed


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
class RecordChange:
    kind: str  # cmocs, quotes, ... (a key of the theory's data)
    record_id: str
    change: str  # added, changed, removed
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


def _get(record: dict, field: str):
    value = record
    for part in field.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def _shown(value) -> str:
    """A field's value as one line of text for the page."""
    if isinstance(value, list):
        return "; ".join(_shown(v) for v in value)
    if isinstance(value, dict):  # a circumstance, a link, a participant: its first field names it
        return ", ".join(str(v) for v in value.values() if v not in (None, "", [])) if "tag" in value \
            else _shown(next(iter(value.values()), ""))
    return "" if value is None else str(value)


def _same(old, new) -> bool:
    """Equal, where what an older format did not record matches anything and an absent field is empty."""
    if old is UNRECORDED:
        return True
    if isinstance(old, dict) and isinstance(new, dict):
        return all(_same(old.get(k), new.get(k)) for k in set(old) | set(new))
    if isinstance(old, list) and isinstance(new, list):
        return len(old) == len(new) and all(_same(a, b) for a, b in zip(old, new))
    return (old or None) == (new or None)


def _title(kind: str, record: dict) -> str:
    for field in ("title", "name", "service_type"):
        if isinstance(record.get(field), str):
            return record[field]
    return record.get("text", "")[:60] if kind == "quotes" else record.get("id", kind)


def _fields(kind: str, old: dict, new: dict) -> tuple[FieldChange, ...]:
    skipped = _NOT_COMPARED | _BOOKKEEPING.get(kind, set())
    named = COMPARED.get(kind) or [(f, f.replace("_", " ").capitalize()) for f in
                                   [*new, *(k for k in old if k not in new)] if f not in skipped]
    return tuple(FieldChange(label, _shown(_get(old, name)), _shown(_get(new, name)))
                 for name, label in named if not _same(_get(old, name), _get(new, name)))


def diff(before: Edition | None, after: dict) -> list[RecordChange]:
    """Record by record, field by field, every kind: what a reader of `before` would find different."""
    old = upgraded(before.data, after) if before else {}
    changes = []
    for kind, _ in KINDS:
        if kind in ("study", "reporting"):
            if isinstance(old.get(kind), dict) and isinstance(after.get(kind), dict):
                fields = _fields(kind, old[kind], after[kind])
                if fields:
                    changes.append(RecordChange(kind, kind, "changed", _title(kind, after[kind]), fields))
            continue
        olds = {r["id"]: r for r in old.get(kind) or []}
        news = {r["id"]: r for r in after.get(kind) or []}
        for record_id, record in news.items():
            if record_id not in olds:
                changes.append(RecordChange(kind, record_id, "added", _title(kind, record)))
            else:
                fields = _fields(kind, olds[record_id], record)
                if fields:
                    changes.append(RecordChange(kind, record_id, "changed", _title(kind, record), fields))
        changes += [RecordChange(kind, record_id, "removed", _title(kind, record))
                    for record_id, record in olds.items() if record_id not in news]
    return changes


def upgraded(data: dict, after: dict) -> dict:
    """An older snapshot in the current format, for comparison (the file is never rewritten).

    Format 1 kept the paper and the preprint inside the study record and the participant tag on
    each service. They become sources, matched to the newer data's by DOI and identifier so that
    a source is not reported as new; what format 1 did not record is UNRECORDED."""
    if data.get("format", 1) >= FORMAT:
        return data
    study, after_sources = data["study"], after.get("sources") or []

    def source_id(key: str, value, fallback: str) -> str:
        return next((s["id"] for s in after_sources if value and s.get(key) == value), fallback)

    paper = source_id("doi", study.get("doi"), "paper")
    preprint = source_id("identifier", study.get("preprint_identifier"), "preprint")
    people = study.get("authors", [])
    sources = [
        {"id": paper, "kind": "study", "name": UNRECORDED, "title": study.get("paper_title"), "authors": people,
         "year": study.get("year"), "container": study.get("journal"), "volume": study.get("volume"),
         "article": study.get("article"), "published": study.get("published"), "doi": study.get("doi"),
         "url": None, "identifier": None, "licence": study.get("licence"), "licence_url": study.get("licence_url"),
         "part_of": None, "description": UNRECORDED, "services_table": UNRECORDED,
         "participants": [{"source_id": paper, "tag": s["participant"], "role": UNRECORDED, "service_id": s["id"]}
                          for s in data.get("services", [])]},
        {"id": preprint, "kind": "publication", "name": UNRECORDED, "title": study.get("paper_title"),
         "authors": people, "year": UNRECORDED, "container": study.get("preprint_server"), "volume": None,
         "article": None, "published": study.get("preprint_posted"), "doi": None, "url": None,
         "identifier": study.get("preprint_identifier"), "licence": UNRECORDED, "licence_url": UNRECORDED,
         "part_of": None, "description": UNRECORDED, "services_table": None, "participants": []}]
    new_study = {k: study.get(k) for k in ("title", "version", "released", "summary", "publisher", "licence",
                                           "licence_url")}
    # Format 1's beneficiaries were fixed by its schema, named as written: those its CMOCs use.
    beneficiaries = list(dict.fromkeys(c["beneficiary"] for c in data.get("cmocs", [])))
    new_study.update({"description": UNRECORDED, "based_on": paper, "editors": people, "contributors": [],
                      "example": UNRECORDED, "beneficiaries": [{"id": b, "name": b} for b in beneficiaries],
                      "roles": UNRECORDED})
    return {**data, "format": FORMAT, "study": new_study, "sources": sources,
            "quotes": [{**q, "source_id": paper} for q in data.get("quotes", [])],
            "services": [{k: v for k, v in {**s, "source_id": paper}.items() if k != "participant"}
                         for s in data.get("services", [])],
            "theories": [{"doi": UNRECORDED, "url": UNRECORDED, **t} for t in data.get("theories", [])],
            "reporting": UNRECORDED}
