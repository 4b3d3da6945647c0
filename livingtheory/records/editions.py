"""Released editions: frozen snapshots of the theory, what changed between them, and which one a
build is.

A release writes editions/<version>.json (the theory as data, as published in that edition) and
records it in editions/manifest.json with the snapshot's hash and the edition's pages; only the
release step (and a withdrawal's redaction) writes either. `check` verifies every snapshot against
the manifest, and CI verifies the manifest against the repository's history, so a pull request
cannot add or alter a snapshot unnoticed. Old snapshot formats are read in the current model,
never rewritten (decision 4).
"""
from __future__ import annotations

import datetime
import functools
import hashlib
import json
import re
from dataclasses import dataclass, replace
from pathlib import Path

from ..problems import Problem, TheoryInvalid
from . import recordtext, wording
from .model import version_key
from .references import MARKDOWN_FIELDS
from .wording import Words

MANIFEST = "manifest.json"
# The fields a reader compares between editions, in reading order, with their names on the page.
# Other kinds' fields are named from the field itself; `file` and `history` (listed on its own) are not compared.
COMPARED = {
    "cmocs": [("title", "Title"), ("statement", "Statement"), ("context.text", "Context"),
              ("mechanism.text", "Mechanism"), ("outcome.text", "Outcome"), ("outcome_group", "Outcome group"),
              ("beneficiary", "Who benefits"), ("status", "Status"), ("version", "Version"),
              ("replaced_by", "Replaced by"), ("relations", "Relations"), ("evidence", "Evidence"),
              ("not_triggered", "Not triggered"), ("confidence", "Confidence"), ("theories", "Substantive theories"),
              ("summary", "Explanatory summary"), ("section", "Section"), ("figure", "Figure")],
}
KINDS = [("study", "The theory's record"), ("sources", "Sources"), ("outcomes", "Outcomes"), ("cmocs", "CMOCs"),
         ("quotes", "Quotes"), ("services", "Services"), ("theories", "Substantive theories"),
         ("content", "Methods and discussion"), ("reporting", "Reporting standard"), ("references", "References")]
_NOT_COMPARED = {"id", "file", "history"}
_BOOKKEEPING = {"study": {"version", "doi"}}  # the edition itself (said in the page's heading), and its DOI
UNRECORDED = object()  # a field an older format did not record: never reported as changed


@dataclass(frozen=True)
class Edition:
    version: str
    released: str
    data: dict  # as in data/theory.json, in the current format (upgraded() when older)
    pages: tuple[str, ...] = ()  # the docs paths it published (from the manifest)
    doi: str | None = None  # its version DOI, once minted

    def has(self, kind: str, record_id: str) -> bool:
        return self.record(kind, record_id) is not None

    def record(self, kind: str, record_id: str) -> dict | None:
        return self._by_id.get(kind, {}).get(record_id)

    @functools.cached_property
    def _by_id(self) -> dict[str, dict[str, dict]]:
        """kind -> id -> record: every page asks for its records (linear, not quadratic, in the theory)."""
        return {kind: {r.get("id"): r for r in records} for kind, records in self.data.items()
                if isinstance(records, list) and all(isinstance(r, dict) for r in records)}


@dataclass(frozen=True)
class FieldChange:
    field: str
    before: str
    after: str
    terms: str = ""  # a list of named entries (a vocabulary): what was added, removed and renamed, by name
    markdown: bool = False  # before and after are record Markdown (shown rendered, never as source)
    words: tuple[Words, ...] = ()  # word by word (text) or entry by entry (lists): what was removed and added
    shape: str = "value"  # "text" (running text, shown word by word), "entries" (a list) or "value" (old -> new)


@dataclass(frozen=True)
class RecordChange:
    kind: str  # cmocs, quotes, ... (a key of the theory's data)
    record_id: str
    change: str  # added, changed, removed
    title: str
    fields: tuple[FieldChange, ...] = ()
    history: tuple[dict, ...] = ()  # the record's new history entries (what changed and why, as its editors say)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_manifest(folder: Path) -> dict:
    path = folder / MANIFEST
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {"editions": [], "redactions": []}


def read_editions(folder: Path, sources: list[dict] = ()) -> tuple[list[Edition], list[Problem]]:
    """Snapshots, oldest first (none when the folder does not exist), each as the manifest records
    it, and what stops one being trusted. A link out of the repository is refused, never read.
    `sources` (the live theory's, as data) name what an old format kept inside the study record."""
    editions, problems = [], []
    if not folder.is_dir():
        return [], []
    shown = lambda name: f"{folder.name}/{name}"  # noqa: E731
    try:
        manifest = read_manifest(folder)
        listed = {entry["version"]: entry for entry in manifest["editions"]}
        current = {entry["version"]: entry["sha256"] for entry in manifest["editions"]}
        for redaction in manifest.get("redactions", []):
            current[redaction["edition"]] = redaction["sha256_after"]
    except (ValueError, KeyError, TypeError) as err:
        return [], [Problem(shown(MANIFEST), 0, 0, f"the manifest of released editions cannot be read ({err})",
                            "it is written only by `release`: restore it from the repository's history")]
    for path in sorted(folder.glob("*.json")):
        if path.name == MANIFEST:
            continue
        if path.is_symlink() and not path.resolve().is_relative_to(folder.parent.resolve()):
            problems.append(Problem(shown(path.name), 0, 0, "this is a link to a file outside the repository",
                                    "editions are files of the repository: restore the snapshot from its history"))
            continue
        version = path.stem
        if version not in listed:
            problems.append(Problem(shown(path.name), 0, 0, "this snapshot is not a released edition (it is not in "
                                    f"{folder.name}/{MANIFEST})", "snapshots are written only by `release`: delete "
                                    "this file; to release, run `make release` from the main branch"))
            continue
        if sha256(path) != current[version]:
            problems.append(Problem(shown(path.name), 0, 0, f"edition {version}'s snapshot is not the one released "
                                    "(its hash differs from the manifest's)", "editions never change: restore the "
                                    "file from the repository's history (a withdrawal is made with `withdraw`)"))
            continue
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if not isinstance(data, dict) or data.get("edition") != version or not isinstance(data.get("released"), str):
                raise ValueError("its `edition` or `released` is missing or wrong")
            entry = listed[version]
            for said, date in (("its `released`", data["released"]), ("the manifest's `released`", entry.get("released"))):
                if date is not None and not _real_date(date):
                    raise ValueError(f"{said}, {date!r}, is not a day of the calendar (YYYY-MM-DD)")
            if entry.get("doi") is not None and not (isinstance(entry["doi"], str) and DOI.fullmatch(entry["doi"])):
                raise ValueError(f"its DOI {entry['doi']!r} is not a DOI")
            editions.append(Edition(version, data["released"], upgraded(data, sources), tuple(entry.get("pages", ())),
                                    entry.get("doi")))
        except (ValueError, KeyError, TypeError, AttributeError) as err:
            problems.append(Problem(shown(path.name), 0, 0, f"the edition snapshot cannot be read ({err})",
                                    "editions are never edited by hand: restore the file from the repository's history"))
    for version in listed:
        if not (folder / f"{version}.json").is_file():
            problems.append(Problem(shown(MANIFEST), 0, 0, f"edition {version} is released, and its snapshot "
                                    f"{folder.name}/{version}.json is missing", "restore it from the repository's history"))
    return sorted(editions, key=lambda e: version_key(e.version)), problems


def _real_date(value) -> bool:
    try:
        return isinstance(value, str) and bool(re.fullmatch(r"\d{4}-\d{2}-\d{2}", value)) \
            and datetime.date.fromisoformat(value) is not None
    except ValueError:
        return False


def load_editions(folder: Path, sources: list[dict] = ()) -> list[Edition]:
    editions, problems = read_editions(folder, sources)
    if problems:
        raise TheoryInvalid(problems)
    return editions


# ----------------------------------------------------------------------------- writing (release, withdrawal)

def write_manifest(folder: Path, manifest: dict) -> None:
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def freeze(folder: Path, version: str, snapshot: str, *, released: str, pages: list[str]) -> Path:
    """Write edition `version`'s snapshot and record it in the manifest: the release step only."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{version}.json"
    target.write_text(snapshot, encoding="utf-8")
    manifest = read_manifest(folder)
    manifest["editions"].append({"version": version, "released": released, "sha256": sha256(target),
                                 "pages": sorted(pages)})
    manifest.setdefault("redactions", [])
    write_manifest(folder, manifest)
    return target


DOI = re.compile(r"10\.[0-9]{4,}/\S+")  # as common.schema.json's `doi`


def record_doi(folder: Path, version: str, doi: str) -> None:
    """Record the version DOI an archive (Zenodo) minted for a released edition: once, never changed."""
    manifest = read_manifest(folder)
    entry = next((e for e in manifest["editions"] if e["version"] == version), None)
    if entry is None:
        raise ValueError(f"edition {version} is not released")
    if not DOI.fullmatch(doi):
        raise ValueError(f"{doi!r} is not a DOI: write it as 10.NNNN/..., without https://doi.org/")
    if entry.get("doi") not in (None, doi):
        raise ValueError(f"edition {version} already has the DOI {entry['doi']}: a DOI is recorded once")
    entry["doi"] = doi
    write_manifest(folder, manifest)


def redact(folder: Path, quote_id: str, *, date: str, reason: str) -> list[str]:
    """Take a withdrawn quote's words out of every released snapshot that holds them, and record
    each redaction (edition, quote, date, reason, the snapshot's hash before and after) in the
    manifest: the one change a frozen edition may undergo (decision 10). Returns the editions."""
    if not (folder / MANIFEST).is_file():
        return []  # nothing released yet
    manifest = read_manifest(folder)
    done = []
    for entry in manifest["editions"]:
        path = folder / f"{entry['version']}.json"
        data = json.loads(path.read_text(encoding="utf-8"))
        quote = next((q for q in data.get("quotes") or [] if q.get("id") == quote_id), None)
        if quote is None or quote.get("text") is None:
            continue
        before = sha256(path)
        quote["text"] = None
        quote["withdrawn"] = {"date": date, "reason": reason}
        path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        manifest.setdefault("redactions", []).append({"edition": entry["version"], "quote": quote_id, "date": date,
                                                      "reason": reason, "sha256_before": before,
                                                      "sha256_after": sha256(path)})
        done.append(entry["version"])
    write_manifest(folder, manifest)
    return done


# ----------------------------------------------------------------------------- which edition a build is

@dataclass(frozen=True)
class EditionState:
    """What a build publishes: a released edition (its version and date), or the draft of the next."""
    version: str
    released: str | None  # None: the draft
    latest: Edition | None  # the newest released edition
    doi: str | None = None

    @property
    def draft(self) -> bool:
        return self.released is None


def edition_of(version: str, live: dict, editions: list[Edition]) -> EditionState:
    """The build is edition `version` if that edition is released and the theory is what it froze;
    otherwise it is the draft of `version`, and the latest released edition is the one to cite."""
    latest = editions[-1] if editions else None
    released = next((e for e in editions if e.version == version), None)
    if released and not diff(released, live):
        return EditionState(version, released.released, latest, released.doi)
    return EditionState(version, None, latest)


# ----------------------------------------------------------------------------- comparing editions

def _get(record: dict, field: str):
    value = record
    for part in field.split("."):
        if value is UNRECORDED:
            return UNRECORDED
        value = value.get(part) if isinstance(value, dict) else None
    return value


def shown_value(value) -> str:
    """A field's value as one line of text for the page."""
    if value is UNRECORDED or value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(shown_value(v) for v in value)
    if isinstance(value, dict):
        if "direction" in value:  # a piece of evidence: what it does, and what it is
            return f"{value['direction']} {value.get('quote') or value.get('source')}"
        if "type" in value and "cmoc" in value:
            return f"{value['type']} {value['cmoc']}"
        if "tag" in value:  # a participant
            withdrawn = value.get("withdrawn")
            said = [str(v) for k, v in value.items() if k in ("tag", "role", "service") and v not in (None, "")
                    and v is not UNRECORDED]
            return ", ".join(said + ([f"withdrawn on {withdrawn.get('date')}"] if isinstance(withdrawn, dict) else []))
        return shown_value(next(iter(value.values()), ""))
    return str(value)


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
    for field in ("title", "name"):
        if isinstance(record.get(field), str):
            return record[field]
    if kind == "quotes":  # named by its first words, or as withdrawn once they are gone
        return (record.get("text") or "")[:60] or ("withdrawn" if record.get("withdrawn") else "")
    return record.get("id", kind)


def _fields(kind: str, old: dict, new: dict, unrecorded_said: bool = False) -> tuple[FieldChange, ...]:
    skipped = _NOT_COMPARED | _BOOKKEEPING.get(kind, set())
    named = COMPARED.get(kind) or _named_fields(old, new, skipped)
    markdown = _MARKDOWN.get(kind, set())
    unrecorded = {name for name, _ in named if unrecorded_said and kind == "study" and name.startswith("vocabulary.")
                  and _get(old, name) is UNRECORDED and isinstance(_get(new, name), list) and _get(new, name)}
    return tuple(_field_change(label, _get(old, name), _get(new, name), markdown=name in markdown)
                 if name not in unrecorded else _unrecorded_terms(label, _get(new, name))
                 for name, label in named if name in unrecorded or not _same(_get(old, name), _get(new, name)))


def _unrecorded_terms(label: str, new: list) -> FieldChange:
    """A list of the vocabulary that an older snapshot format did not record: said plainly, never
    taken as unchanged (a phase added since would otherwise go unmentioned)."""
    names = ", ".join(shown_value(v.get("name") if isinstance(v, dict) else v) for v in new)
    return FieldChange(label, "", shown_value(new),
                       terms=f"the earlier edition recorded no such list; this one lists {names}")


# Fields holding record Markdown, as the theory's data names them (references.MARKDOWN_FIELDS by record).
_MARKDOWN = {plural: {path[-1] for path in paths if len(path) == 1 or path == ("theory", "summary")}
             for plural, paths in (("cmocs", MARKDOWN_FIELDS["cmoc"]), ("content", MARKDOWN_FIELDS["content"]),
                                   ("sources", MARKDOWN_FIELDS["source"]), ("study", MARKDOWN_FIELDS["study"]),
                                   ("reporting", MARKDOWN_FIELDS["reporting"]))}


def _named_fields(old, new, skipped=frozenset(), prefix="", label="") -> list[tuple[str, str]]:
    """Each field of a record, a group of fields (a dict: the study's vocabulary) field by field."""
    named = []
    for key in [*new, *(k for k in (old if isinstance(old, dict) else {}) if k not in new)]:
        if key in skipped:
            continue
        words = key.replace("_", " ")
        name, shown = f"{prefix}{key}", f"{label}: {words}" if label else words.capitalize()
        inner_old, inner_new = (old.get(key) if isinstance(old, dict) else None), new.get(key)
        if isinstance(inner_new, dict) and not _is_entry(inner_new):
            named += _named_fields(inner_old if isinstance(inner_old, dict) else {}, inner_new, prefix=f"{name}.",
                                   label=shown)
        else:
            named.append((name, shown))
    return named


def _is_entry(value: dict) -> bool:
    return "id" in value or "direction" in value or "tag" in value


def _field_change(label: str, old, new, *, markdown: bool = False) -> FieldChange:
    """A changed field, word by word (Markdown by its words as read: `recordtext.plain`) or entry by
    entry; a list of named entries (id and name) says what was added, removed and renamed."""
    change = FieldChange(label, shown_value(old), shown_value(new), markdown=markdown)
    if isinstance(old, list) or isinstance(new, list):
        change = replace(change, shape="entries", words=wording.entries(
            [shown_value(v) for v in (old if isinstance(old, list) else ())],
            [shown_value(v) for v in (new if isinstance(new, list) else ())]))
    else:
        before, after = (recordtext.plain(change.before), recordtext.plain(change.after)) if markdown else \
            (change.before, change.after)
        if len(before.split()) > 1 or len(after.split()) > 1:
            change = replace(change, shape="text", words=wording.compared(before, after))
        else:  # one word (a status, a version, an id): old -> new, whole
            change = replace(change, words=wording.replaced(before, after))
    entries = [v for v in (old if isinstance(old, list) else []) + (new if isinstance(new, list) else [])]
    key = "id" if entries and all(isinstance(v, dict) and "id" in v and "name" in v for v in entries) else \
        "tag" if entries and all(isinstance(v, dict) and "tag" in v for v in entries) else None
    if key is None:
        return change
    name = (lambda v: v["name"]) if key == "id" else (lambda v: v["tag"])  # noqa: E731
    before = {v[key]: v for v in old} if isinstance(old, list) else {}
    after = {v[key]: v for v in new} if isinstance(new, list) else {}
    said = [f"added {name(v)}" for i, v in after.items() if i not in before]
    said += [f"removed {name(v)}" for i, v in before.items() if i not in after]
    for i in (i for i in after if i in before):
        if key == "id" and before[i]["name"] != after[i]["name"]:
            said.append(f"renamed {before[i]['name']} \u2192 {after[i]['name']}")
        elif key == "tag" and after[i].get("withdrawn") and not before[i].get("withdrawn"):
            said.append(f"{name(after[i])} withdrew ({after[i]['withdrawn'].get('date')})")
        elif not _same(before[i], after[i]):
            said.append(f"changed {name(after[i])}")
    return replace(change, terms="; ".join(said)) if said else change


def diff(before: Edition | None, after: dict, *, unrecorded_said: bool = False) -> list[RecordChange]:
    """Record by record, field by field, every kind: what a reader of `before` would find different.
    `unrecorded_said`: a vocabulary list `before`'s format did not record is named with what `after`
    lists (for readers of "What changed"; it is no change of the theory)."""
    old = before.data if before else {}
    changes = []
    for kind, _ in KINDS:
        if kind in ("study", "reporting", "references"):
            if isinstance(old.get(kind), dict) and isinstance(after.get(kind), dict):
                fields = _fields(kind, old[kind], after[kind], unrecorded_said)
                if fields:
                    changes.append(RecordChange(kind, kind, "changed", _title(kind, after[kind]), fields))
            continue
        olds = {r["id"]: r for r in old.get(kind) or []}
        news = {r["id"]: r for r in after.get(kind) or []}
        for record_id, record in news.items():
            if record_id not in olds:
                changes.append(RecordChange(kind, record_id, "added", _title(kind, record),
                                            history=_new_history({}, record)))
            else:
                fields = _fields(kind, olds[record_id], record)
                if fields:
                    changes.append(RecordChange(kind, record_id, "changed", _title(kind, record), fields,
                                                _new_history(olds[record_id], record)))
        changes += [RecordChange(kind, record_id, "removed", _title(kind, record))
                    for record_id, record in olds.items() if record_id not in news]
    return changes


def _new_history(old: dict, new: dict) -> tuple[dict, ...]:
    """The history entries `new` has that `old` had not."""
    had = old.get("history") if isinstance(old.get("history"), list) else []
    return tuple(e for e in new.get("history") or () if isinstance(e, dict) and e not in had)


# ----------------------------------------------------------------------------- older snapshot formats

def upgraded(data: dict, sources: list[dict] = ()) -> dict:
    """An older snapshot in the current format, for comparison (the file is never rewritten)."""
    if data.get("format", 1) < 2:
        data = _format_2(data, sources)
    if data["format"] < 3:
        data = _format_3(data)
    if data["format"] < 4:  # the works the text cites were not recorded
        data = {**data, "format": 4, "references": UNRECORDED}
    return data


def _format_2(data: dict, after_sources: list[dict]) -> dict:
    """Format 1 kept the paper and its preprint inside the study record and the participant tag on
    each service. They become sources, matched to the live theory's by DOI and identifier so that a
    source is not reported as new; what format 1 did not record is UNRECORDED."""
    study = data["study"]
    people = study.get("authors", [])

    def source_id(key: str, value, fallback: str) -> str:
        return next((s["id"] for s in after_sources if value and s.get(key) == value), fallback)

    paper = source_id("doi", study.get("doi"), "paper")
    preprint = source_id("identifier", study.get("preprint_identifier"), "preprint")
    sources = [
        {"id": paper, "kind": "study", "name": UNRECORDED, "title": study.get("paper_title"), "authors": people,
         "year": study.get("year"), "container": study.get("journal"), "volume": study.get("volume"),
         "article": study.get("article"), "published": study.get("published"), "doi": study.get("doi"),
         "url": None, "identifier": None, "licence": study.get("licence"), "licence_url": study.get("licence_url"),
         "part_of": None, "description": UNRECORDED, "services_table": UNRECORDED,
         "participants": [{"source_id": paper, "tag": s["participant"], "role": UNRECORDED, "service_id": s["id"]}
                          for s in data.get("services", [])], "source": UNRECORDED},
        {"id": preprint, "kind": "publication", "name": UNRECORDED, "title": study.get("paper_title"),
         "authors": people, "year": UNRECORDED, "container": study.get("preprint_server"), "volume": None,
         "article": None, "published": study.get("preprint_posted"), "doi": None, "url": None,
         "identifier": study.get("preprint_identifier"), "licence": UNRECORDED, "licence_url": UNRECORDED,
         "part_of": None, "description": UNRECORDED, "services_table": None, "participants": [], "source": UNRECORDED}]
    new_study = {k: study.get(k) for k in ("title", "version", "released", "summary", "publisher", "licence",
                                           "licence_url", "source")}
    # Format 1's beneficiaries were fixed by its schema, named as written: those its CMOCs use.
    beneficiaries = list(dict.fromkeys(c["beneficiary"] for c in data.get("cmocs", [])))
    new_study.update({"description": UNRECORDED, "based_on": paper, "editors": people, "contributors": [],
                      "example": UNRECORDED, "beneficiaries": [{"id": b, "name": b} for b in beneficiaries],
                      "roles": UNRECORDED})
    return {**data, "format": 2, "study": new_study, "sources": sources,
            "quotes": [{**q, "source_id": paper} for q in data.get("quotes", [])],
            "services": [{k: v for k, v in {**s, "source_id": paper}.items() if k != "participant"}
                         for s in data.get("services", [])],
            "theories": [{"doi": UNRECORDED, "url": UNRECORDED, **t} for t in data.get("theories", [])],
            "reporting": UNRECORDED}


def _format_3(data: dict) -> dict:
    """Format 2 named fields after the paper (paper_section), filed evidence by field rather than
    by direction, had one relation (leads_to), and described services by the paper's table."""
    def history(record):
        return record.get("history", [])

    def cmoc(c):
        evidence = [{"direction": "supports", "quote": q} for q in c.get("quote_ids", [])]
        evidence += [{"direction": "not-triggered", "quote": q, "circumstance": x["circumstance"]}
                     for x in c.get("not_triggered", []) for q in x.get("quote_ids", [])]
        evidence += [{"direction": "supports", "source": s["source_id"], "note": s["basis"]}
                     for s in c.get("supporting_sources", [])]
        evidence += [{"direction": "contradicts", **({"quote": x} if kind == "quote" else {"source": x}), "note": r["summary"]}
                     for r in c.get("refuting_evidence", [])
                     for kind, ids in (("quote", r.get("quote_ids", [])), ("source", r.get("source_ids", []))) for x in ids]
        return {"id": c["id"], "title": c["title"], "section": c.get("paper_section"), "figure": c.get("paper_figure"),
                "outcome_group": c["outcome_group"], "beneficiary": c["beneficiary"], "statement": c["statement"],
                "context": c["context"], "mechanism": c["mechanism"], "outcome": c["outcome"], "summary": c["summary"],
                "evidence": evidence,
                "not_triggered": [{"circumstance": x["circumstance"], "text": x["text"], "section": x.get("paper_section")}
                                  for x in c.get("not_triggered", [])],
                "theories": [{"theory": t["theory_id"], "basis": t["basis"]} for t in c.get("theories", [])],
                "relations": [{"type": "leads-to", "cmoc": r["cmoc_id"], "how": r["how"]} for r in c.get("leads_to", [])],
                "confidence": None, "status": c["status"], "version": c["version"],
                "replaced_by": c.get("replaced_by", []), "history": c["history"], "file": c.get("source")}

    def quote(q):
        review = q.get("reviewed")
        return {"id": q["id"], "source": q.get("source_id"), "participant": q["participant"], "text": q.get("text"),
                "section": q.get("paper_section"),
                "deidentification": {"reviewed_by": review[0], "reason": review[1]} if review else None,
                "withdrawn": q.get("withdrawn"), "history": history(q), "file": q.get("source")}

    def service(s):
        delivery = s.get("delivery")
        return {"id": s["id"], "source": s.get("source_id"), "name": s.get("service_type"),
                "columns": {"location": s.get("location"), "face-to-face": s.get("face_to_face"),
                            "online": s.get("online"), "delivery": None if delivery == "unknown" else delivery,
                            "programme": s.get("programme")},
                "history": history(s), "file": s.get("source")}

    def renamed(record, **names):
        out = {names.get(k, k): v for k, v in record.items() if k not in ("source", "paper_section")}
        return {**out, "section": record.get("paper_section"), "history": history(record), "file": record.get("source")}

    def source(s):
        table = s.get("services_table")
        return {**{k: v for k, v in s.items() if k not in ("participants", "source", "services_table")},
                "design": UNRECORDED, "phase": UNRECORDED, "sample_size": UNRECORDED,
                "services_table": UNRECORDED if table is UNRECORDED or table else None,
                "participants": [{"tag": p["tag"], "role": p["role"], "service": p.get("service_id"), "withdrawn": None}
                                 for p in s.get("participants", [])],
                "history": history(s), "file": s.get("source")}

    study = data["study"]
    new_study = {k: v for k, v in study.items() if k not in ("beneficiaries", "roles", "source", "released")}
    new_study.update({"doi": UNRECORDED, "file": study.get("source"),
                      "vocabulary": {"beneficiaries": study.get("beneficiaries"), "roles": study.get("roles"),
                                     "designs": UNRECORDED, "phases": UNRECORDED, "relation_types": UNRECORDED,
                                     "confidence": UNRECORDED}})
    reporting = data.get("reporting")
    return {**data, "format": 3, "study": new_study, "cmocs": [cmoc(c) for c in data.get("cmocs", [])],
            "quotes": [quote(q) for q in data.get("quotes", [])], "services": [service(s) for s in data.get("services", [])],
            "outcomes": [renamed(o) for o in data.get("outcomes", [])],
            "theories": [renamed(t) for t in data.get("theories", [])],
            "content": [renamed(c) for c in data.get("content", [])],
            "sources": [source(s) for s in data.get("sources", [])],
            "reporting": {**{k: v for k, v in reporting.items() if k != "source"}, "file": reporting.get("source")}
            if isinstance(reporting, dict) else reporting}
