"""Load theory/ into a ProgrammeTheory, or raise TheoryInvalid listing every problem at once.

Layout: theory/study.yaml, and one file per record in theory/<folder>/<id>.yaml.
Reading never writes to theory/.
"""
from __future__ import annotations

import datetime
import os
from pathlib import Path

from . import lifecycle, model, recordtext
from .data import plain
from .editions import read_editions
from .deidentify import findings
from ..problems import Problem, TheoryInvalid
from .schema import check_record
from .yamlsource import Record, read_record

FOLDERS = {"cmocs": "cmoc", "quotes": "quote", "services": "service", "outcomes": "outcome",
           "theories": "theory", "content": "content", "sources": "source"}
STUDY_FILE = "study.yaml"
REPORTING_FILE = "reporting.yaml"  # optional: how the site addresses a reporting standard
# The Markdown fields of each kind of record ("*": every item of a list), and how each is shown:
# "page" may hold headings (a whole page), "block" paragraphs and lists, "inline" one run of text.
MARKDOWN_FIELDS = {
    "study": {("theory", "summary"): "block"},
    "cmoc": {("summary",): "block", ("not_triggered", "*", "text"): "block", ("history", "*", "rationale"): "inline",
             ("refuting_evidence", "*", "summary"): "block"},
    "content": {("body",): "page"},
    "source": {("description",): "block"},
    "reporting": {("reference",): "block"},
}
# Dates: (kind, path) of every date field; history dates may not lie in the future.
DATE_FIELDS = {"study": [("theory", "released")], "source": [("published",)], "cmoc": [("history", "*", "date")]}


def load_theory(theory_dir: str | Path, editions_dir: str | Path | None = None) -> model.ProgrammeTheory:
    """The checked theory. Released editions (editions/ beside theory/, unless named) are what the
    lifecycle rules compare it with, so every caller - check, build, release - applies them."""
    theory_dir = Path(theory_dir)
    problems: list[Problem] = []
    editions, problems = read_editions(Path(editions_dir) if editions_dir else theory_dir.parent / "editions")
    records, failed = _read_all(theory_dir, problems)
    if "study" not in records and "study" not in failed:
        problems.append(Problem(_shown(theory_dir / STUDY_FILE, theory_dir), 0, 0, "the study record is missing",
                                f"restore {STUDY_FILE} from git (`git checkout -- theory/{STUDY_FILE}`)"))
    if "study" in records:
        # Cross-references are checked over the records that loaded, so that every problem shows at once.
        theory = _build(records)
        problems += _check_references(theory, records, failed)
        problems += _check_lifecycle(theory, records, editions, theory_dir.name)
    if problems:
        raise TheoryInvalid(problems)
    return theory


# ----------------------------------------------------------------------------- reading

def _shown(path: Path, theory_dir: Path) -> str:
    """Paths in messages are as a contributor sees them in the repository: theory/cmocs/cmoc-01.yaml."""
    return str(Path(theory_dir.name) / path.relative_to(theory_dir))


def inside(path: Path, root: Path) -> bool:
    """Whether path, with every link followed, stays within root."""
    return path.resolve().is_relative_to(root.resolve())


def _files(theory_dir: Path, problems: list[Problem]) -> list[Path]:
    """The record files, sorted; a link that leads out of the repository is refused, never read."""
    repository = theory_dir.parent
    found = []
    for folder, subfolders, names in os.walk(theory_dir):
        here = Path(folder)
        subfolders[:] = sorted(d for d in subfolders if not d.startswith("."))
        for name in [*subfolders, *names]:
            path = here / name
            if name.startswith(".") or not path.is_symlink() or inside(path, repository):
                continue
            problems.append(Problem(_shown(path, theory_dir), 0, 0,
                                    f"this is a link to {os.readlink(path)}, outside the repository",
                                    "put the record itself here (copy the file in place of the link)"))
            if name in subfolders:
                subfolders.remove(name)
        found += [here / name for name in names if not name.startswith(".")
                  and (not (here / name).is_symlink() or inside(here / name, repository))]
    return sorted(found)


def _read_all(theory_dir: Path, problems: list[Problem]) -> tuple[dict, dict[str, set[str]]]:
    """({'study': Record, 'cmoc': [Record], ...}, {kind: ids of files that failed}).

    Files that fail to read or to validate are reported and left out."""
    if not theory_dir.is_dir():
        raise TheoryInvalid([Problem(str(theory_dir), 0, 0, "the theory folder does not exist",
                                     "run the command from the project folder, or name the theory folder")])
    records: dict = {kind: [] for kind in FOLDERS.values()}
    failed: dict[str, set[str]] = {kind: set() for kind in FOLDERS.values()}
    for path in _files(theory_dir, problems):
        shown = _shown(path, theory_dir)
        relative = path.relative_to(theory_dir)
        if relative == Path(STUDY_FILE):
            kind = "study"
        elif relative == Path(REPORTING_FILE):
            kind = "reporting"
        elif len(relative.parts) == 2 and relative.parts[0] in FOLDERS:
            kind = FOLDERS[relative.parts[0]]
        else:
            problems.append(Problem(shown, 0, 0, "this file is not where the theory keeps records",
                                    f"records go in theory/{STUDY_FILE}, theory/{REPORTING_FILE} or "
                                    f"theory/<{'|'.join(FOLDERS)}>/<id>.yaml"))
            continue
        if path.suffix != ".yaml":
            problems.append(Problem(shown, 0, 0, f"the file name ends in {path.suffix or 'nothing'}, not .yaml",
                                    f"rename it to {path.stem}.yaml"))
            continue
        record, found = read_record(path, shown)
        problems += found
        if record is not None and not found:
            found = check_record(kind, record)
            problems += found
        if record is None or found:
            failed.setdefault(kind, set()).add(path.stem)
            continue
        if kind not in ("study", "reporting") and record.data["id"] != path.stem:
            line, column = record.position(("id",))
            problems.append(Problem(shown, line, column,
                                    f"the id `{record.data['id']}` does not match the file name `{path.name}`",
                                    f"IDs are permanent: rename the file to {record.data['id']}.yaml "
                                    "if this is a new record, otherwise restore the id"))
            failed[kind].add(path.stem)
            continue
        if kind in ("study", "reporting"):
            records[kind] = record
        else:
            records[kind].append(record)
    return records, failed


# ----------------------------------------------------------------------------- building

def _build(records: dict) -> model.ProgrammeTheory:
    study = records["study"]
    s, words = study.data["theory"], study.data["vocabulary"]
    outcomes = sorted((_outcome(r) for r in records["outcome"]), key=lambda o: (o.order, o.id))
    order = {o.id: i for i, o in enumerate(outcomes)}
    cmocs = sorted((_cmoc(r) for r in records["cmoc"]),
                   key=lambda c: (order.get(c.outcome_group, len(order)), c.number))
    sources = sorted((_source_record(r) for r in records["source"]),
                     key=lambda x: (x.id != s["based_on"], x.year or 0, x.id))  # the theory's own source first
    return model.ProgrammeTheory(
        study=model.Study(
            title=s["title"], version=s["version"], released=s["released"], summary=s["summary"],
            publisher=s["publisher"], description=s["description"], based_on=s["based_on"],
            licence=s["licence"]["name"], licence_url=s["licence"]["url"], editors=_people(s["editors"]),
            contributors=_people(s.get("contributors", [])), example=s.get("example"),
            beneficiaries=tuple(model.Term(t["id"], t["name"]) for t in words["beneficiaries"]),
            roles=tuple(model.Term(t["id"], t["name"]) for t in words["roles"]), source=_source(study)),
        outcomes=tuple(outcomes),
        cmocs=tuple(cmocs),
        quotes=tuple(sorted((_quote(r) for r in records["quote"]), key=lambda q: q.id)),
        services=tuple(sorted((_service(r) for r in records["service"]), key=lambda x: x.id)),
        theories=tuple(sorted((model.SubstantiveTheory(**{"doi": None, "url": None, **r.data}, source=_source(r))
                               for r in records["theory"]), key=lambda t: t.name)),
        content=tuple(sorted((model.Content(paper_section=r.data.get("paper_section"), id=r.data["id"],
                                            title=r.data["title"], body=r.data["body"], source=_source(r))
                              for r in records["content"]),  # in the source's order, then by id
                             key=lambda c: (lifecycle.version_key(c.paper_section) if c.paper_section else (1e9,), c.id))),
        sources=tuple(sources),
        reporting=_reporting(records["reporting"]) if records.get("reporting") else None,
    )


def _people(people: list) -> tuple[model.Author, ...]:
    return tuple(model.Author(p["family"], p["given"]) for p in people)


def _source_record(r: Record) -> model.Source:
    d = r.data
    licence = d.get("licence") or {}
    return model.Source(
        id=d["id"], kind=d["kind"], name=d["name"], title=d["title"], authors=_people(d.get("authors", [])),
        year=d.get("year"), container=d.get("container"), volume=d.get("volume"), article=d.get("article"),
        published=d.get("published"), doi=d.get("doi"), url=d.get("url"), identifier=d.get("identifier"),
        licence=licence.get("name"), licence_url=licence.get("url"), part_of=d.get("part_of"),
        description=d.get("description"), services_table=d.get("services_table"),
        participants=tuple(model.Participant(d["id"], p["tag"], p["role"], p.get("service"))
                           for p in d["participants"]),
        source=_source(r))


def _reporting(r: Record) -> model.Reporting:
    d = r.data
    return model.Reporting(d["standard"], d["reference"], tuple(
        model.ReportingItem(i["item"], i["title"], tuple(i["pages"]), i.get("note")) for i in d["items"]), _source(r))


def _source(record: Record) -> str:
    return record.file


def _outcome(r: Record) -> model.Outcome:
    d = r.data
    return model.Outcome(id=d["id"], name=d["name"], order=d["order"], paper_section=d.get("paper_section"),
                         description=d["description"], source=_source(r))


def _quote(r: Record) -> model.Quote:
    d = r.data
    review = d.get("deidentification")
    return model.Quote(id=d["id"], source_id=d["source"], participant=d["participant"], text=d["text"],
                       paper_section=d.get("paper_section"),
                       reviewed=(review["reviewed_by"], review["reason"]) if review else None, source=_source(r))


def _service(r: Record) -> model.Service:
    d = r.data
    return model.Service(id=d["id"], source_id=d["source"], service_type=d["service_type"],
                         location=d["location"], face_to_face=d["modality"]["face_to_face"],
                         online=d["modality"]["online"], delivery=d["modality"]["delivery"],
                         programme=d["programme"], source=_source(r))


def _cmoc(r: Record) -> model.Cmoc:
    d = r.data
    return model.Cmoc(
        id=d["id"], title=d["title"], paper_section=d.get("paper_section"), paper_figure=d.get("paper_figure"),
        outcome_group=d["outcome_group"], beneficiary=d["beneficiary"], statement=d["statement"],
        context=model.Part(**d["context"]), mechanism=model.Part(**d["mechanism"]),
        outcome=model.Part(**d["outcome"]), summary=d["summary"], quote_ids=tuple(d["quotes"]),
        not_triggered=tuple(model.Circumstance(c["circumstance"], c["text"], c.get("paper_section"),
                                               tuple(c["quotes"])) for c in d["not_triggered"]),
        theories=tuple(model.TheoryLink(t["theory"], t["basis"]) for t in d["theories"]),
        leads_to=tuple(model.Relation(x["cmoc"], x["how"]) for x in d.get("leads_to", [])),
        supporting_sources=tuple(model.SourceLink(x["source"], x["basis"]) for x in d.get("supporting_sources", [])),
        refuting_evidence=tuple(model.Refutation(x["summary"], tuple(x.get("quotes", [])), tuple(x.get("sources", [])))
                                for x in d.get("refuting_evidence", [])),
        status=d["status"], version=d["version"], replaced_by=tuple(d.get("replaced_by", ())),
        history=tuple(model.HistoryEntry(h["date"], h["theory_version"], h["version"], h["status"], h["change"],
                                         h["rationale"], tuple(h["evidence"])) for h in d["history"]),
        source=_source(r))


# ----------------------------------------------------------------------------- cross-references

def _check_references(theory: model.ProgrammeTheory, records: dict, failed: dict[str, set[str]]) -> list[Problem]:
    problems: list[Problem] = []
    by_file = {r.file: r for kind in FOLDERS.values() for r in records[kind]}
    by_file.update({records[k].file: records[k] for k in ("study", "reporting") if records.get(k)})

    def at(record_file: str, path: tuple, message: str, fix: str) -> None:
        line, column = by_file[record_file].position(path)
        problems.append(Problem(record_file, line, column, message, fix))

    # IDs are unique across every kind of record, so that [[id]] links are unambiguous.
    seen: dict[str, str] = {}
    for record in (*theory.outcomes, *theory.cmocs, *theory.quotes, *theory.services, *theory.theories,
                   *theory.content, *theory.sources):
        if record.id in seen:
            at(record.source, ("id",), f"the id `{record.id}` is already used by {seen[record.id]}",
               "give this record a new id (and rename its file to match)")
        else:
            seen[record.id] = record.source

    kinds = {"quote": {q.id for q in theory.quotes}, "outcome": {o.id for o in theory.outcomes},
             "theory": {t.id for t in theory.theories}, "cmoc": {c.id for c in theory.cmocs},
             "source": {x.id for x in theory.sources}, "service": {x.id for x in theory.services}}
    folder = {"quote": "quotes", "outcome": "outcomes", "theory": "theories", "cmoc": "cmocs", "source": "sources",
              "service": "services"}

    def resolve(source: str, path: tuple, kind: str, ref: str) -> bool:
        if ref in kinds[kind] or ref in failed[kind]:  # a failed file is reported already
            return ref in kinds[kind]
        at(source, path, f"`{ref}` is not a known {kind}",
           f"use the id of a file in theory/{folder[kind]}/, or add theory/{folder[kind]}/{ref}.yaml")
        return False

    def term(source: str, path: tuple, value: str, terms: tuple, what: str) -> None:
        if value not in {t.id for t in terms}:
            at(source, path, f"`{value}` is not one of the theory's {what}",
               f"use one of {', '.join(t.id for t in terms)}, or add it to `vocabulary → {what}` in "
               f"theory/{STUDY_FILE}")

    study = theory.study
    resolve(study.source, ("theory", "based_on"), "source", study.based_on)
    if study.example:
        resolve(study.source, ("theory", "example"), "cmoc", study.example)
    for what, terms in (("beneficiaries", study.beneficiaries), ("roles", study.roles)):
        ids = [t.id for t in terms]
        for i, term_id in enumerate(ids):
            if term_id in ids[:i]:
                at(study.source, ("vocabulary", what, i, "id"), f"`{term_id}` is listed twice in {what}",
                   "keep one of them")

    participants: dict[tuple[str, str], model.Participant] = {}
    for src in theory.sources:
        if src.part_of:
            resolve(src.source, ("part_of",), "source", src.part_of)
        for i, participant in enumerate(src.participants):
            key = (src.id, participant.tag)
            if key in participants:
                at(src.source, ("participants", i, "tag"), f"participant {participant.tag} is listed twice in this source",
                   "each participant has a tag of their own within a source (another source may reuse it)")
            participants.setdefault(key, participant)
            term(src.source, ("participants", i, "role"), participant.role, study.roles, "roles")
            if participant.service_id:
                resolve(src.source, ("participants", i, "service"), "service", participant.service_id)
    for service in theory.services:
        resolve(service.source, ("source",), "source", service.source_id)

    used_quotes: set[str] = set()
    for c in theory.cmocs:
        resolve(c.source, ("outcome_group",), "outcome", c.outcome_group)
        term(c.source, ("beneficiary",), c.beneficiary, study.beneficiaries, "beneficiaries")
        for i, q in enumerate(c.quote_ids):
            resolve(c.source, ("quotes", i), "quote", q)
        for i, circumstance in enumerate(c.not_triggered):
            for j, q in enumerate(circumstance.quote_ids):
                resolve(c.source, ("not_triggered", i, "quotes", j), "quote", q)
        for i, link in enumerate(c.theories):
            resolve(c.source, ("theories", i, "theory"), "theory", link.theory_id)
        for i, relation in enumerate(c.leads_to):
            if resolve(c.source, ("leads_to", i, "cmoc"), "cmoc", relation.cmoc_id) and relation.cmoc_id == c.id:
                at(c.source, ("leads_to", i, "cmoc"), "a CMOC cannot lead to itself",
                   "name another CMOC whose context this one's outcome becomes or feeds")
        for i, link in enumerate(c.supporting_sources):
            resolve(c.source, ("supporting_sources", i, "source"), "source", link.source_id)
        for i, refutation in enumerate(c.refuting_evidence):
            for j, q in enumerate(refutation.quote_ids):
                resolve(c.source, ("refuting_evidence", i, "quotes", j), "quote", q)
            for j, x in enumerate(refutation.source_ids):
                resolve(c.source, ("refuting_evidence", i, "sources", j), "source", x)
            if not refutation.quote_ids and not refutation.source_ids:
                at(c.source, ("refuting_evidence", i), "evidence against the CMOC names no quote and no source",
                   "list the quotes (`quotes:`) or the sources (`sources:`) it comes from")
        for i, other in enumerate(c.replaced_by):
            resolve(c.source, ("replaced_by", i), "cmoc", other)
        for i, entry in enumerate(c.history):
            for j, q in enumerate(entry.evidence):
                resolve(c.source, ("history", i, "evidence", j), "quote", q)
        used_quotes.update(c.all_quote_ids)
        for part in ("context", "mechanism", "outcome"):
            if getattr(c, part).text.lower() not in c.statement.lower():
                at(c.source, (part, "text"), f"`{part} → text` does not appear in the `statement`",
                   f"keep them in step: the {part} text must be part of the statement, word for word")
        last = c.history[-1]
        if (last.version, last.status) != (c.version, c.status):
            at(c.source, ("history", len(c.history) - 1),
               f"the last history entry says version {last.version}, status {last.status}, "
               f"but the CMOC says version {c.version}, status {c.status}",
               "when you change `version` or `status`, add a history entry that records the change and why")
        for i in range(1, len(c.history)):
            if lifecycle.version_key(c.history[i].version) < lifecycle.version_key(c.history[i - 1].version):
                at(c.source, ("history", i, "version"), "history versions go backwards",
                   "list history entries oldest first, with versions that only increase")
        if lifecycle.version_key(last.theory_version) > lifecycle.version_key(theory.study.version):
            at(c.source, ("history", len(c.history) - 1, "theory_version"),
               f"theory version {last.theory_version} is later than the theory's current version "
               f"{theory.study.version} (theory/{STUDY_FILE})",
               "raise the theory version in study.yaml when releasing, or correct this entry")
        if c.status in ("merged", "split") and c.id in c.replaced_by:
            at(c.source, ("replaced_by",), "a CMOC cannot be replaced by itself", "name the CMOCs that replace it")

    for q in theory.quotes:
        if resolve(q.source, ("source",), "source", q.source_id) and (q.source_id, q.participant) not in participants:
            tags = [tag for (source_id, tag) in participants if source_id == q.source_id]
            at(q.source, ("participant",), f"participant {q.participant} is not listed in the source `{q.source_id}`",
               f"use a participant of theory/sources/{q.source_id}.yaml"
               + (f" ({', '.join(tags[:20])})" if tags else "") + ", or add them to its `participants`")
        hits = findings(q.text)
        if hits and q.reviewed is None:
            distinct = list(dict.fromkeys(hits))  # each finding once, in order, the first few named
            what = "; ".join(f"{kind} {text!r}" for kind, text in distinct[:5])
            what += f" (and {len(distinct) - 5} more)" if len(distinct) > 5 else ""
            at(q.source, ("text",), f"quote `{q.id}` may identify a person: {what}",
               "remove it or replace it with a description in [brackets]; if a reviewer is sure it cannot "
               "identify anyone, add `deidentification:` with `reviewed_by:` and `reason:`")
        if q.id not in used_quotes and not failed["cmoc"]:
            at(q.source, ("id",), f"quote `{q.id}` is not used by any CMOC",
               "list it under `quotes:` (or a not_triggered circumstance, or refuting_evidence) of the CMOC it "
               "bears on, or delete it")

    problems += _check_markdown(records, known=lambda record_id: record_id in seen or any(
        record_id in ids for ids in failed.values()))
    problems += _check_dates(records)
    return problems


def _items(data, path: tuple):
    """(concrete path, value) for a field path with "*" for every item of a list."""
    if not path:
        yield (), data
        return
    head, rest = path[0], path[1:]
    if head == "*":
        for i, item in enumerate(data if isinstance(data, list) else []):
            yield from (((i, *sub), value) for sub, value in _items(item, rest))
    elif isinstance(data, dict) and head in data:
        yield from (((head, *sub), value) for sub, value in _items(data[head], rest))


def _records_of(records: dict, kind: str) -> list[Record]:
    if kind in ("study", "reporting"):
        return [records[kind]] if records.get(kind) else []
    return records[kind]


def _check_markdown(records: dict, known) -> list[Problem]:
    """Every Markdown field holds only the allowed subset, and its [[id]] links resolve."""
    problems = []
    for kind, fields in MARKDOWN_FIELDS.items():
        for record in _records_of(records, kind):
            for field, shown in fields.items():
                for path, text in _items(record.data, field):
                    if not isinstance(text, str):
                        continue
                    for found in recordtext.problems(text, known=known, headings=shown == "page",
                                                     inline=shown == "inline"):
                        problems.append(Problem(record.file, record.text_line(path, found.line), 0,
                                                found.message, found.fix))
    return problems


def _check_dates(records: dict) -> list[Problem]:
    """Dates are real days; a change cannot be dated in the future."""
    problems, today = [], datetime.date.today()
    for kind, fields in DATE_FIELDS.items():
        for record in _records_of(records, kind):
            for field in fields:
                for path, value in _items(record.data, field):
                    if not isinstance(value, str):
                        continue
                    try:
                        day = datetime.date.fromisoformat(value)
                    except ValueError:  # located only now: finding positions reads the file again
                        problems.append(Problem(record.file, *record.position(path),
                                                f"{value} is not a date in the calendar",
                                                "write a real day as YYYY-MM-DD, e.g. \"2023-10-05\""))
                        continue
                    if "history" in path and day > today:
                        problems.append(Problem(record.file, *record.position(path),
                                                f"the change is dated {value}, which is in the future",
                                                "date a change on the day it is made (or released)"))
    return problems


def _check_lifecycle(theory: model.ProgrammeTheory, records: dict, editions: list, folder: str) -> list[Problem]:
    by_file = {r.file: r for kind in FOLDERS.values() for r in records[kind]}
    by_file[records["study"].file] = records["study"]

    def locate(file: str, path: tuple) -> tuple[int, int]:
        return by_file[file].position(path) if file in by_file else (0, 0)

    cmocs = {c.id: plain(c) for c in theory.cmocs}
    problems = lifecycle.check_records(cmocs, locate)
    if editions:
        problems += lifecycle.check_against_edition(plain(theory.study), cmocs, editions[-1], records["study"].file,
                                                    lambda cmoc_id: f"{folder}/cmocs/{cmoc_id}.yaml", locate)
    return problems
