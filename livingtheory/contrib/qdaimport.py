"""Coded segments back as evidence: a team's REFI-QDA project, coded on the frame
`outputs.codingframe` exports (or on codes named as a coder would), read against the theory.

`plan(...)` reads a coded project against the theory: each coded text segment on a CMOC's code
becomes a quote and an evidence entry with its direction; `records(...)` the files to write (as
`new quote` writes them: round-trip YAML, versions and history a released CMOC needs). Nothing is
written here; what cannot be imported is a refusal naming the code, the source and the position.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ..records import deidentify, roundtrip
from ..records.editions import Edition
from ..records.yamlsource import text_problems
from ..records.model import CONTRADICTS, NOT_TRIGGERED, REFINES, SUPPORTS, Cmoc, ProgrammeTheory
from ..web.names import name_of
from ..outputs.codingframe import code_guid
from . import scaffold
from .refiqda import Code, Project, Selection, TextSource

_SAID = [(SUPPORTS, ("supports", "support")), (REFINES, ("refines", "refine")),
         (CONTRADICTS, ("contradicts", "contradict", "evidence against")), (NOT_TRIGGERED, ("not triggered",))]
_TAG = re.compile(r"^[#A-Za-z0-9][A-Za-z0-9#._-]{0,23}$")  # common.schema.json's participant


# ----------------------------------------------------------------------------- import: reading the coding

@dataclass
class Citation:
    cmoc: Cmoc
    direction: str
    circumstance: str | None = None


@dataclass
class Segment:
    source: TextSource
    selection: Selection
    words: str
    case: str  # the case's name, as the tool shows it
    tag: str  # the participant's tag it becomes
    role: str | None  # a role of the vocabulary, from the case's `role`
    cites: list[Citation] = field(default_factory=list)

    @property
    def where(self) -> str:
        return f"source {self.source.name!r}, characters {self.selection.start}-{self.selection.end}"


@dataclass
class Plan:
    segments: list[Segment]
    skipped: list[str]  # segments on codes that are no CMOC's, said in the tool's words
    refused: list[str]  # what stops the import, each with what to do
    renamed: list[str]  # case names made to fit the tag's pattern


def _direction_of(name: str) -> str | None:
    """The direction a code's name says, whole ("Not-Triggered", "contradicts (evidence against)"):
    a code of the team's own ("refinement ideas") says none."""
    said = " ".join(re.sub(r"\(.*\)\s*$", "", name).lower().replace("-", " ").replace("_", " ").split())
    return next((d for d, words in _SAID if said in words), None)


def _cmoc_of(code: Code, theory: ProgrammeTheory, by_guid: dict[str, Cmoc]) -> Cmoc | None:
    if code.guid in by_guid:
        return by_guid[code.guid]
    match = re.match(r"^\s*(cmoc-\d+)\b", code.name, re.I) or re.match(r"^\s*CMOC\s+(\d+)\b", code.name, re.I)
    if not match:
        return None
    key = match.group(1).lower()
    return next((c for c in theory.cmocs if c.id == key or (key.isdigit() and str(c.number) == str(int(key)))), None)


def _citation(code: Code, theory: ProgrammeTheory, by_guid: dict[str, Cmoc]) -> Citation | str | None:
    """What a segment on this code says of which CMOC (a str: why it cannot be taken; None: no CMOC's)."""
    cmoc = _cmoc_of(code, theory, by_guid)
    if cmoc is not None:
        return Citation(cmoc, SUPPORTS)
    parent = code.parent
    if parent is None:
        return None
    cmoc = _cmoc_of(parent, theory, by_guid)
    direction = _direction_of(code.name)
    if cmoc is not None and direction is not None:
        if direction == NOT_TRIGGERED:
            return _circumstance(cmoc, None, code)
        return Citation(cmoc, direction)
    if cmoc is None and parent.parent is not None and _direction_of(parent.name) == NOT_TRIGGERED:
        cmoc = _cmoc_of(parent.parent, theory, by_guid)
        if cmoc is not None:
            return _circumstance(cmoc, code, parent)
    return None


def _circumstance(cmoc: Cmoc, code: Code | None, direction_code: Code) -> Citation | str:
    names = [n.circumstance for n in cmoc.not_triggered]
    if code is None:
        if len(names) == 1:
            return Citation(cmoc, NOT_TRIGGERED, names[0])
        return (f"code it on one of the circumstances under {direction_code.name!r} of {name_of(cmoc)} "
                f"({', '.join(repr(n) for n in names) or 'it records none'}), or add the circumstance to "
                f"`not_triggered` in {cmoc.file}")
    said = " ".join(code.name.split()).casefold()
    found = next((n for n in names if " ".join(n.split()).casefold() == said
                  or code.guid == code_guid("cmoc", cmoc.id, NOT_TRIGGERED, n)), None)
    if found is None:
        return (f"the code {code.name!r} names no circumstance {name_of(cmoc)} records "
                f"({', '.join(repr(n) for n in names) or 'none yet'}): rename it to one of them, or add it to "
                f"`not_triggered` in {cmoc.file}")
    return Citation(cmoc, NOT_TRIGGERED, found)


def tag_of(case_name: str) -> str | None:
    """A case's name as a participant's tag ("Participant 21" -> "Participant-21"); None if none fits."""
    if _TAG.match(case_name):
        return case_name
    tag = re.sub(r"[^A-Za-z0-9#._-]", "", re.sub(r"\s+", "-", case_name.strip()))[:24]
    return tag if _TAG.match(tag) else None


def plan(project: Project, theory: ProgrammeTheory, source_id: str) -> Plan:
    """Every coded text segment read against the theory; nothing is decided about files yet."""
    by_guid = {code_guid("cmoc", c.id): c for c in theory.cmocs}
    roles = {key.casefold(): r.id for r in theory.study.roles for key in (r.id, r.name)}
    source = theory.get(source_id) if source_id in {s.id for s in theory.sources} else None
    listed = {p.tag: p.role for p in source.participants} if source else {}
    result = Plan([], [], [], [])
    for text_source in project.sources:
        for selection in text_source.selections:
            cites, other = [], []
            for ref in selection.codes:
                code = project.code(ref)
                taken = _citation(code, theory, by_guid) if code else None
                where = f"source {text_source.name!r}, characters {selection.start}-{selection.end}"
                if isinstance(taken, str):
                    result.refused.append(f"{where} is coded on {code.name!r}: {taken}")
                elif taken is None:
                    other.append(code.name if code else ref)
                else:
                    cites.append(taken)
            if not cites:
                if other:
                    result.skipped.append(f"{text_source.name}, characters {selection.start}-{selection.end}: "
                                          f"coded on {', '.join(repr(o) for o in other)} (no CMOC's code)")
                continue
            result.segments.append(_segment(project, text_source, selection, cites, listed, roles, result))
    return result


def _segment(project, text_source, selection, cites, listed, roles, result: Plan) -> Segment:
    words = text_source.text[selection.start:selection.end].strip()
    case = project.case_of(text_source, selection)
    where = f"source {text_source.name!r}, characters {selection.start}-{selection.end}"
    segment = Segment(text_source, selection, words, case.name if case else "", "", None, cites)
    if not words:
        result.refused.append(f"{where} holds no words: code the passage itself in your tool")
    result.refused += [f"{where}: {message} ({fix.split(':')[0]} in your tool, and export again)"
                       for message, fix in text_problems(words)]
    if case is None:
        result.refused.append(f"{where}: no case holds it or its source, so its participant is unknown: put the "
                              "transcript (or the segment) in a case named after the participant, and export again")
        return segment
    tag = tag_of(case.name)
    if tag is None:
        result.refused.append(f"{where}: the case {case.name!r} cannot be a participant's tag (letters, digits, "
                              "# . _ -, at most 24): rename the case in your tool, e.g. P21")
        return segment
    if tag != case.name:
        result.renamed.append(f"case {case.name!r} -> participant {tag}")
    segment.tag = tag
    said = case.variables.get("role") or text_source.variables.get("role")  # the case's, or the document's
    segment.role = listed.get(tag) or (roles.get(said.casefold()) if said else None)
    if segment.role is None:
        result.refused.append(f"{where}: the case {case.name!r} has " + (
            f"the role {said!r}, which is not" if said else "no text variable `role` naming") +
            " a role of the theory's vocabulary (" + ", ".join(sorted(set(roles.values()))) +
            "): give the case that variable in your tool, or add the role to `vocabulary` -> `roles` in study.yaml")
    seen: dict[str, str] = {}
    for c in cites:
        if seen.get(c.cmoc.id, c.direction) != c.direction:
            result.refused.append(f"{where} is coded both {seen[c.cmoc.id]!r} and {c.direction!r} on "
                                  f"{name_of(c.cmoc)}: evidence has one direction; code it on one")
        seen[c.cmoc.id] = c.direction
    return segment


# ----------------------------------------------------------------------------- import: the records

@dataclass
class Import:
    files: dict[Path, str]
    added: list[str]  # what the import adds or changes, in the tool's words with CMOC ids
    changed: list[str]
    unchanged: list[str]
    review: list[str]  # fields of written records for the team to review


def identifying(plan_: Plan, theory: ProgrammeTheory) -> list[str]:
    """Each segment that may identify someone: its source, position and the words found."""
    found = []
    for s in plan_.segments:
        hits = deidentify.findings(s.words, theory.deidentification)
        if hits:
            found.append(f"{s.where} may identify someone: " + "; ".join(f"{kind} {what!r}" for kind, what in hits)
                         + ": de-identify it in your tool and export again")
    return found


def records(plan_: Plan, project: Project, theory: ProgrammeTheory, editions: list[Edition], theory_dir: Path, *,
            source_id: str, phase: str | None, today: str) -> Import:
    """The files that import the plan's segments (path -> text), and what they do."""
    out = Import({}, [], [], [], [])
    by_segment = {q.segment: q for q in theory.quotes if q.segment}
    version, study_edit = scaffold.change_version(theory_dir, theory, editions)
    released = {r["id"] for r in (editions[-1].data.get("quotes") or [])} if editions else set()
    project_said = f"the REFI-QDA project {project.name!r}"
    first = scaffold.next_id(theory_dir / "quotes", "quote").split("-")[1]
    next_number, width = int(first), len(first)
    evidence: dict[str, list[tuple[dict, Segment]]] = {}
    for s in plan_.segments:
        quote = by_segment.get(s.selection.guid)
        if quote is None:
            quote_id = f"quote-{next_number:0{width}d}"
            next_number += 1
            out.files[theory_dir / "quotes" / f"{quote_id}.yaml"] = scaffold.MODELINE.format(kind="quote") + \
                roundtrip.dump({"id": quote_id, "source": source_id, "participant": roundtrip.quoted(s.tag),
                                "text": roundtrip.block(s.words) if "\n" in s.words else s.words,
                                "segment": s.selection.guid})
            out.added.append(f"{quote_id}: {s.where} ({s.case})")
        else:
            quote_id = quote.id
            if " ".join((quote.text or "").split()) != " ".join(s.words.split()):
                path = theory_dir.parent / quote.file
                out.files[path] = roundtrip.edited(path, lambda data, s=s, quote=quote: _reworded(
                    data, s, quote.id in released, version, today, project_said))
                out.changed.append(f"{quote_id}: its words changed in {s.where}")
        for c in s.cites:
            cmoc = c.cmoc
            entry = {"quote": quote_id, "direction": c.direction, **({"circumstance": c.circumstance}
                                                                    if c.circumstance else {})}
            if any(e.quote == quote_id and e.direction == c.direction for e in cmoc.evidence):
                out.unchanged.append(f"{quote_id} already {c.direction} {cmoc.id}")
                continue
            evidence.setdefault(cmoc.id, []).append((entry, s))
            out.added.append(f"{cmoc.id} ({name_of(cmoc)}): {c.direction} {quote_id}"
                             + (f" (circumstance {c.circumstance!r})" if c.circumstance else ""))
    for cmoc_id, entries in evidence.items():
        cmoc = theory.get(cmoc_id)
        path = theory_dir.parent / cmoc.file
        said = ", ".join(f"{e['quote']} ({e['direction']}; {s.where})" for e, s in entries)
        out.files[path] = roundtrip.edited(path, lambda data, cmoc=cmoc, entries=entries, said=said: scaffold.cite(
            data, cmoc, editions, [e for e, _ in entries], theory_version=version, today=today,
            change=f"Cites coded segments imported from {project_said}: {said}.",
            rationale=f"Coded segments imported from {project_said} ({today}); the team's reasoning for each is "
                      "to be completed in review."))
        if editions and editions[-1].record("cmocs", cmoc_id):
            out.review.append(f"{cmoc.file}: the new history entry's `rationale` (the analysts' memo)")
    _source(out, plan_, project, theory, editions, theory_dir, source_id, phase, version, today, project_said)
    if out.files:
        out.files.update(study_edit)
    return out


def _reworded(data, segment: Segment, released: bool, version: str, today: str, project_said: str) -> None:
    data["text"] = roundtrip.block(segment.words) if "\n" in segment.words else segment.words
    if released:
        q = roundtrip.quoted
        roundtrip.append(data, "history", {"date": q(today), "theory_version": q(version),
                                           "change": f"Words corrected from {project_said} ({segment.where}).",
                                           "rationale": "The coded segment's words changed in the team's analysis "
                                                        "tool; the quote follows its transcript."})


def _source(out: Import, plan_: Plan, project: Project, theory: ProgrammeTheory, editions, theory_dir: Path,
            source_id: str, phase: str | None, version: str, today: str, project_said: str) -> None:
    """The source record: written new from the project, or given the participants it lacks."""
    people: dict[str, str] = {}
    for s in plan_.segments:
        people.setdefault(s.tag, s.role)
    existing = theory.get(source_id) if source_id in {x.id for x in theory.sources} else None
    if existing is not None:
        missing = {tag: role for tag, role in people.items() if tag not in {p.tag for p in existing.participants}}
        if not missing:
            return
        path = theory_dir.parent / existing.file
        released = bool(editions and editions[-1].record("sources", source_id))

        def add(data):
            for tag, role in missing.items():
                roundtrip.append(data, "participants", {"tag": roundtrip.quoted(tag), "role": role})
            if released:
                q = roundtrip.quoted
                roundtrip.append(data, "history", {
                    "date": q(today), "theory_version": q(version),
                    "change": f"Participants {', '.join(missing)} added from {project_said}.",
                    "rationale": "Their coded segments were imported as quotes."})
        out.files[path] = roundtrip.edited(path, add)
        out.changed.append(f"source {source_id}: participants {', '.join(missing)} added")
        return
    phases = [p.id for p in theory.study.vocabulary.phases]
    designs = theory.study.vocabulary.designs
    design = next((d.id for d in designs if "realist" in f"{d.id} {d.name}".lower()
                   and "interview" in f"{d.id} {d.name}".lower() and "survey" not in d.id), None) or \
        next((d.id for d in designs if "interview" in f"{d.id} {d.name}".lower()), None)
    record = {"id": source_id, "kind": "study", "name": _fit(project.name, 60),
              "title": f"{project.name} (coded interviews)",
              "year": int(today[:4]), "design": design, "phase": phase or (phases[-1] if phases else None),
              "sample_size": len(people),
              "description": f"Interviews coded against the theory in {project_said}, imported on {today}.",
              "participants": [roundtrip.item_like([], {"tag": roundtrip.quoted(t), "role": r})
                               for t, r in people.items()]}
    for entry in record["participants"]:
        entry.fa.set_flow_style()
    out.files[theory_dir / "sources" / f"{source_id}.yaml"] = scaffold.MODELINE.format(kind="source") + \
        roundtrip.dump({k: v for k, v in record.items() if v is not None})
    out.added.append(f"source {source_id}: {project.name!r}, {len(people)} participants from its cases")
    out.review.append(f"theory/sources/{source_id}.yaml: `name`, `title`, `year`, `design`, `phase`, `sample_size` "
                      "and `description` (made from the project; the team knows them better)")


def _fit(text: str, most: int) -> str:
    """Text cut at a word to fit a field's length (a project's name can be long)."""
    text = " ".join(text.split())
    return text if len(text) <= most else text[:most - 1].rsplit(" ", 1)[0].rstrip(" ,:;") + "…"
