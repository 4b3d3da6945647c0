"""The rules that join records: every reference resolves, every term is the theory's own, evidence
is filed with its direction, and record text is safe. Checked over the records that loaded, so that
every problem shows at once; a reference to a record that failed to load is not reported again."""
from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Callable, Iterable

from ..problems import Problem
from . import model, recordtext
from .deidentify import findings, pattern_problem
from .model import version_key
from .read import FOLDERS, STUDY_FILE, Records

# The Markdown fields of each kind of record ("*": every item of a list), and how each is shown:
# "page" may hold headings (a whole page), "block" paragraphs and lists, "inline" one run of text.
MARKDOWN_FIELDS = {
    "study": {("theory", "summary"): "block"},
    "cmoc": {("summary",): "block", ("not_triggered", "*", "text"): "block", ("history", "*", "rationale"): "inline",
             ("evidence", "*", "note"): "block", ("confidence", "rationale"): "block"},
    "content": {("body",): "page"},
    "source": {("description",): "block"},
    "reporting": {("reference",): "block"},
    "references": {("works", "*", "text"): "inline"},
}
# Every date field ("*": every item); dates of changes may not lie in the future.
DATE_FIELDS = {"source": [("published",), ("participants", "*", "withdrawn", "date")],
               "cmoc": [("confidence", "date")], "quote": [("withdrawn", "date")]}
HISTORY_KINDS = ("cmoc", "quote", "service", "outcome", "theory", "content", "source")
FOLDER_OF = {kind: folder for folder, kind in FOLDERS.items()}


@dataclass
class Context:
    """What every rule needs: the theory, where each record's fields stand, what failed to load."""
    theory: model.ProgrammeTheory
    records: Records
    released_quotes: frozenset[str]
    latest_release: str | None  # the newest released edition's version
    problems: list[Problem]

    def __post_init__(self):
        self.by_file = self.records.by_file()
        self.ids = {kind: {r.id for r in getattr(self.theory, attribute)} for kind, attribute in (
            ("quote", "quotes"), ("outcome", "outcomes"), ("theory", "theories"), ("cmoc", "cmocs"),
            ("source", "sources"), ("service", "services"), ("content", "content"))}

    def at(self, file: str, path: tuple, message: str, fix: str) -> None:
        line, column = self.by_file[file].position(path) if file in self.by_file else (0, 0)
        self.problems.append(Problem(file, line, column, message, fix))

    def resolve(self, file: str, path: tuple, kind: str, ref: str) -> bool:
        """Whether `ref` names a record of `kind`; says so if it does not (and it did not fail to load)."""
        if ref in self.ids[kind]:
            return True
        if ref not in self.records.failed[kind]:  # a failed file is reported already
            self.at(file, path, f"`{ref}` is not a known {kind}",
                    f"use the id of a file in theory/{FOLDER_OF[kind]}/, or add theory/{FOLDER_OF[kind]}/{ref}.yaml")
        return False

    def term(self, file: str, path: tuple, value: str | None, kind: str) -> None:
        """`value` is a term of the vocabulary's list `kind` (e.g. "roles", "confidence.levels")."""
        terms = self.theory.study.vocabulary.terms(kind)
        if value is not None and value not in {t.id for t in terms}:
            listed = ", ".join(t.id for t in terms) or "none yet"
            where = " → ".join(kind.split("."))
            self.at(file, path, f"`{value}` is not one of the theory's {where.replace('_', ' ')}",
                    f"use one of: {listed}; or add it to `vocabulary → {where}` in theory/{STUDY_FILE}")


def check(theory: model.ProgrammeTheory, records: Records, *, released_quotes: Iterable[str] = (),
          latest_release: str | None = None) -> list[Problem]:
    ctx = Context(theory, records, frozenset(released_quotes), latest_release, [])
    _unique_ids(ctx)
    _study(ctx)
    for source in theory.sources:
        _source(ctx, source)
    for service in theory.services:
        _service(ctx, service)
    for cmoc in theory.cmocs:
        _cmoc(ctx, cmoc)
        _cmoc_history(ctx, cmoc)
    for quote in theory.quotes:
        _quote(ctx, quote)
    _histories(ctx)
    _deidentification_settings(ctx)
    _works(ctx)
    known = lambda record_id: any(record_id in ids for ids in (*ctx.ids.values(), *records.failed.values()))  # noqa: E731
    works = theory.references.numbers if theory.references else None
    ctx.problems += _markdown(records, known, None if records.failed.get("references") else works)
    ctx.problems += _dates(records)
    ctx.problems += _placeholders(records)
    return ctx.problems


# ----------------------------------------------------------------------------- the study and vocabulary

def _unique_ids(ctx: Context) -> None:
    """IDs are unique across every kind of record, so that [[id]] links are unambiguous; CMOC numbers
    are unique too (cmoc-003 and cmoc-03 would both be "CMOC 3")."""
    seen: dict[str, str] = {}
    t = ctx.theory
    for record in (*t.outcomes, *t.cmocs, *t.quotes, *t.services, *t.theories, *t.content, *t.sources):
        if record.id in seen:
            ctx.at(record.file, ("id",), f"the id `{record.id}` is already used by {seen[record.id]}",
                   "give this record a new id (and rename its file to match)")
        seen.setdefault(record.id, record.file)
    numbers: dict[int, list[model.Cmoc]] = {}
    for cmoc in t.cmocs:
        numbers.setdefault(cmoc.number, []).append(cmoc)
    free = max(numbers, default=0) + 1
    for number, same in numbers.items():
        for cmoc in same[1:] if len(same) > 1 else ():
            ids = " and ".join(f"`{c.id}`" for c in same)
            for c in (same[0], cmoc):
                ctx.at(c.file, ("id",), f"{ids} would both be CMOC {number}",
                       f"renumber the new one (a published CMOC keeps its id): give it the next free number, "
                       f"cmoc-{free:02d}, in its id and its file name")


def _study(ctx: Context) -> None:
    study, file = ctx.theory.study, ctx.theory.study.file
    ctx.resolve(file, ("theory", "based_on"), "source", study.based_on)
    if study.example:
        ctx.resolve(file, ("theory", "example"), "cmoc", study.example)
    _orcids(ctx, file, [(("theory", role, i), p) for role in ("editors", "contributors")
                        for i, p in enumerate(getattr(study, role))])
    words = study.vocabulary
    lists = [("beneficiaries", words.beneficiaries), ("roles", words.roles), ("designs", words.designs),
             ("phases", words.phases), ("relation_types", words.relation_types)]
    if words.confidence:
        lists += [(f"confidence → {k}", getattr(words.confidence, k)) for k in ("levels", "components", "concerns")]
    for what, terms in lists:
        ids = [t.id for t in terms]
        names = [" ".join(t.name.split()).casefold() for t in terms]
        for i, term_id in enumerate(ids):
            if term_id in ids[:i]:
                ctx.at(file, ("vocabulary", *what.split(" → "), i, "id"), f"`{term_id}` is listed twice in {what}",
                       "keep one of them")
            elif names[i] in names[:i]:  # the pages, filters and keys name a term, never show its id
                ctx.at(file, ("vocabulary", *what.split(" → "), i, "name"), f"{terms[i].name!r} names two of the "
                       f"theory's {what.replace('_', ' ')} (`{ids[names.index(names[i])]}` and `{term_id}`)",
                       "give each its own name, as readers will see it")


def orcid_valid(orcid: str) -> bool:
    """ORCID's check character (ISO 7064 MOD 11-2): catches a digit mistyped or two swapped."""
    digits = orcid.replace("-", "")
    total = 0
    for digit in digits[:-1]:
        total = (total + int(digit)) * 2
    check = (12 - total % 11) % 11
    return digits[-1] == ("X" if check == 10 else str(check))


def _orcids(ctx: Context, file: str, people: Iterable[tuple[tuple, model.Author]]) -> None:
    for path, person in people:
        if person.orcid and not orcid_valid(person.orcid):
            ctx.at(file, (*path, "orcid"), f"{person.orcid} is not {person.given} {person.family}'s ORCID iD: its "
                   "last character does not check out (a digit mistyped, or two swapped)",
                   "copy the iD from the person's page on orcid.org")


def _works(ctx: Context) -> None:
    """Each work has its own number: [14] names one work."""
    references = ctx.theory.references
    seen: set[int] = set()
    record = ctx.records.single.get("references")
    for i, number in enumerate(w["number"] for w in (record.data["works"] if record else [])):
        if number in seen:
            ctx.at(references.file, ("works", i, "number"), f"work {number} is listed twice",
                   "give the new work the next free number: the text cites works by their numbers")
        seen.add(number)


def _deidentification_settings(ctx: Context) -> None:
    settings = ctx.theory.deidentification
    for i, identifier in enumerate(settings.identifiers if settings else ()):
        problem = pattern_problem(identifier.pattern)
        if problem:
            ctx.at(settings.file, ("identifiers", i, "pattern"), f"the pattern of {identifier.name!r} cannot be read: "
                   f"{problem}", "write it in RE2's syntax (no look-behind or back-references): "
                   "https://github.com/google/re2/wiki/Syntax")


# ----------------------------------------------------------------------------- sources, services, quotes

def _source(ctx: Context, source: model.Source) -> None:
    file = source.file
    _orcids(ctx, file, [(("authors", i), p) for i, p in enumerate(source.authors)])
    if source.part_of:
        ctx.resolve(file, ("part_of",), "source", source.part_of)
    ctx.term(file, ("design",), source.design, "designs")
    ctx.term(file, ("phase",), source.phase, "phases")
    tags: set[str] = set()
    for i, participant in enumerate(source.participants):
        if participant.tag in tags:
            ctx.at(file, ("participants", i, "tag"), f"participant {participant.tag} is listed twice in this source",
                   "each participant has a tag of their own within a source (another source may reuse it)")
        tags.add(participant.tag)
        ctx.term(file, ("participants", i, "role"), participant.role, "roles")
        if participant.service:
            ctx.resolve(file, ("participants", i, "service"), "service", participant.service)
    columns = [c.id for c in source.services_table.columns] if source.services_table else []
    for i, column in enumerate(columns):
        if column in columns[:i]:
            ctx.at(file, ("services_table", "columns", i, "id"), f"column `{column}` is listed twice", "keep one")


def _service(ctx: Context, service: model.Service) -> None:
    if not ctx.resolve(service.file, ("source",), "source", service.source):
        return
    source = ctx.theory.get(service.source)
    columns = [c.id for c in source.services_table.columns] if source.services_table else []
    for name in service.columns:
        if name not in columns:
            ctx.at(service.file, ("columns", name), f"`{name}` is not a column of {source.name}'s table of services"
                   + (f" ({', '.join(columns)})" if columns else ": that source declares no table"),
                   f"use one of its columns, or declare the table's columns in {source.file} (`services_table`)")


def _quote(ctx: Context, quote: model.Quote) -> None:
    file, theory = quote.file, ctx.theory
    if ctx.resolve(file, ("source",), "source", quote.source):
        source = theory.get(quote.source)
        speaker = next((p for p in source.participants if p.tag == quote.participant), None)
        if speaker and speaker.withdrawn and not quote.withdrawn:
            ctx.at(file, ("participant",), f"participant {quote.participant} of `{quote.source}` was withdrawn on "
                   f"{speaker.withdrawn.date}, and this quote of theirs is not",
                   "withdraw it too: `python -m livingtheory withdraw " + quote.id + " --reason \"...\"`")
        if quote.participant not in {p.tag for p in source.participants}:
            tags = [p.tag for p in source.participants]
            ctx.at(file, ("participant",), f"participant {quote.participant} is not listed in the source `{quote.source}`",
                   f"use a participant of {source.file}" + (f" ({', '.join(tags[:20])})" if tags else "")
                   + ", or add them to its `participants`")
    if quote.withdrawn and quote.text is not None:
        ctx.at(file, ("text",), f"quote `{quote.id}` is withdrawn, but its words are still here",
               "delete the `text:` field: a withdrawn quote keeps no words (its page says when and why it was withdrawn)")
    elif quote.text is None and not quote.withdrawn:
        ctx.at(file, ("id",), "missing field `text`", "add the quote's words: `text: |-` and the words on the lines "
               "below, indented by two spaces")
    hits = findings(quote.text, theory.deidentification) if quote.text and not quote.deidentification else []
    if hits:
        distinct = list(dict.fromkeys(hits))  # each finding once, in order, the first few named
        what = "; ".join(f"{kind} {text!r}" for kind, text in distinct[:5])
        what += f" (and {len(distinct) - 5} more)" if len(distinct) > 5 else ""
        ctx.at(file, ("text",), f"quote `{quote.id}` may identify a person: {what}",
               "remove it or replace it with a description in [brackets]; if a reviewer is sure it cannot "
               "identify anyone, add `deidentification:` with `reviewed_by:` and `reason:`")
    if not theory.uses_of_quote(quote) and not ctx.records.failed["cmoc"] and quote.id not in ctx.released_quotes:
        ctx.at(file, ("id",), f"quote `{quote.id}` is not cited by any CMOC",
               "list it in the `evidence` of the CMOC it bears on (with its direction), or delete it")


# ----------------------------------------------------------------------------- CMOCs

def _cmoc(ctx: Context, c: model.Cmoc) -> None:
    ctx.resolve(c.file, ("outcome_group",), "outcome", c.outcome_group)
    ctx.term(c.file, ("beneficiary",), c.beneficiary, "beneficiaries")
    _evidence(ctx, c)
    for i, link in enumerate(c.theories):
        ctx.resolve(c.file, ("theories", i, "theory"), "theory", link.theory)
    _relations(ctx, c)
    _confidence(ctx, c)
    for part in ("context", "mechanism", "outcome"):
        if getattr(c, part).text.lower() not in c.statement.lower():
            ctx.at(c.file, (part, "text"), f"`{part} → text` does not appear in the `statement`",
                   f"keep them in step: the {part} text must be part of the statement, word for word")
    was_retired = any(h.status in model.RETIRED for h in c.history)
    for i, other in enumerate(c.replaced_by):
        if other == c.id:
            ctx.at(c.file, ("replaced_by", i), "a CMOC cannot be replaced by itself", "name the CMOCs that replace it")
        elif ctx.resolve(c.file, ("replaced_by", i), "cmoc", other) and c.retired and not _released(ctx, c.retirement) \
                and ctx.theory.get(other).retired:
            ctx.at(c.file, ("replaced_by", i), f"`{other}` replaces this CMOC but is itself {ctx.theory.get(other).status}",
                   f"name CMOCs that are current (if {other} was merged or split, name what replaced it)")
    if c.replaced_by and not was_retired:
        ctx.at(c.file, ("replaced_by",), "`replaced_by` names what replaced a CMOC that was refuted, merged or split, "
               "and this one never was", "remove `replaced_by`, or record the retirement in `status` and `history`")


def _released(ctx: Context, entry: model.HistoryEntry | None) -> bool:
    return bool(entry and ctx.latest_release and version_key(entry.theory_version) <= version_key(ctx.latest_release))


def _evidence(ctx: Context, c: model.Cmoc) -> None:
    circumstances = [x.circumstance for x in c.not_triggered]
    for i, name in enumerate(circumstances):
        if name in circumstances[:i]:
            ctx.at(c.file, ("not_triggered", i, "circumstance"), f"the circumstance {name!r} is named twice",
                   "give each circumstance its own name")
    seen = set()
    for i, e in enumerate(c.evidence):
        where = ("evidence", i)
        if bool(e.quote) == bool(e.source):
            ctx.at(c.file, where, "an evidence entry names a `quote` or a `source`" + (", not both" if e.quote else ""),
                   "write one entry for each quote and each source, each with its `direction`")
            continue
        if e.quote:
            ctx.resolve(c.file, (*where, "quote"), "quote", e.quote)
        elif ctx.resolve(c.file, (*where, "source"), "source", e.source) and not e.note:
            ctx.at(c.file, (*where, "source"), f"the source `{e.source}` is cited without a `note`",
                   "add `note:` saying what in the source bears on this CMOC, and where (a table, a page, a section)")
        if e.circumstance is not None and e.direction != model.NOT_TRIGGERED:
            ctx.at(c.file, (*where, "circumstance"), "only evidence that the mechanism was not triggered names a "
                   "circumstance", f"set `direction: {model.NOT_TRIGGERED}`, or remove `circumstance`")
        elif e.circumstance is not None and e.circumstance not in circumstances:
            ctx.at(c.file, (*where, "circumstance"), f"{e.circumstance!r} is not a circumstance of this CMOC's "
                   "`not_triggered`", "use one of: " + ("; ".join(circumstances) or "none yet: add it to `not_triggered`"))
        key = (e.quote or e.source, e.direction)
        if key in seen:
            ctx.at(c.file, where, f"`{key[0]}` is cited twice as {e.direction}", "keep one entry")
        seen.add(key)


def _relations(ctx: Context, c: model.Cmoc) -> None:
    seen = set()
    types = {t.id for t in ctx.theory.study.vocabulary.relation_types}
    for i, relation in enumerate(c.relations):
        where = ("relations", i)
        if relation.type not in types:
            ctx.term(c.file, (*where, "type"), relation.type, "relation_types")
        if ctx.resolve(c.file, (*where, "cmoc"), "cmoc", relation.cmoc) and relation.cmoc == c.id:
            ctx.at(c.file, (*where, "cmoc"), "a CMOC cannot be related to itself", "name another CMOC")
        if (relation.type, relation.cmoc) in seen:
            ctx.at(c.file, where, f"the relation {relation.type} {relation.cmoc} is listed twice", "keep one of them")
        seen.add((relation.type, relation.cmoc))


def _confidence(ctx: Context, c: model.Cmoc) -> None:
    if c.confidence is None:
        return
    scheme = ctx.theory.study.vocabulary.confidence
    if scheme is None:
        ctx.at(c.file, ("confidence",), "the CMOC records a confidence judgement, and the theory has no way of judging "
               "confidence", f"add `vocabulary → confidence` (framework, levels, components, concerns) to theory/{STUDY_FILE}")
        return
    ctx.term(c.file, ("confidence", "level"), c.confidence.level, "confidence.levels")
    components = [j.component for j in c.confidence.components]
    for i, judgement in enumerate(c.confidence.components):
        ctx.term(c.file, ("confidence", "components", i, "component"), judgement.component, "confidence.components")
        ctx.term(c.file, ("confidence", "components", i, "concern"), judgement.concern, "confidence.concerns")
        if judgement.component in components[:i]:
            ctx.at(c.file, ("confidence", "components", i), f"{judgement.component} is judged twice", "keep one")


def _cmoc_history(ctx: Context, c: model.Cmoc) -> None:
    for i, entry in enumerate(c.history):
        for j, ref in enumerate(entry.evidence):
            if ref not in ctx.ids["quote"] and ref not in ctx.ids["source"] and ref not in ctx.records.failed["quote"]:
                ctx.at(c.file, ("history", i, "evidence", j), f"`{ref}` is not a known quote or source",
                       "name the quotes (quote-NN) or sources whose evidence led to this change")
        if i and version_key(entry.version) < version_key(c.history[i - 1].version):
            ctx.at(c.file, ("history", i, "version"), "history versions go backwards",
                   "list history entries oldest first, with versions that only increase")
    last = c.history[-1]
    if (last.version, last.status) != (c.version, c.status):
        ctx.at(c.file, ("history", len(c.history) - 1), f"the last history entry says version {last.version}, status "
               f"{last.status}, but the CMOC says version {c.version}, status {c.status}",
               "when you change `version` or `status`, add a history entry that records the change and why")


def _histories(ctx: Context) -> None:
    """No change is released in a theory version later than the theory's own."""
    live = version_key(ctx.theory.study.version)
    t = ctx.theory
    for record in (*t.cmocs, *t.quotes, *t.services, *t.outcomes, *t.theories, *t.content, *t.sources):
        for i, entry in enumerate(record.history):
            if version_key(entry.theory_version) > live:
                ctx.at(record.file, ("history", i, "theory_version"), f"theory version {entry.theory_version} is later "
                       f"than the theory's version {t.study.version} (theory/{STUDY_FILE})",
                       f"write the version this change is released in: the theory's own ({t.study.version}), raised "
                       "if the theory has changed since its latest edition")


# ----------------------------------------------------------------------------- text and dates

PLACEHOLDER = "<<fill in"  # what `new` and the scaffolding write where the contributor must


def _placeholders(records: Records) -> list[Problem]:
    """A scaffolded record is not done until every placeholder is replaced."""
    problems = []

    def walk(record, value, path):
        if isinstance(value, str) and PLACEHOLDER in value:
            what = value.split(PLACEHOLDER, 1)[1].split(">>", 1)[0].lstrip(": ")
            problems.append(Problem(record.file, *record.position(path), f"this is still a placeholder ({what})",
                                    "replace it with the real text"))
        elif isinstance(value, dict):
            for key, item in value.items():
                walk(record, item, (*path, key))
        elif isinstance(value, list):
            for i, item in enumerate(value):
                walk(record, item, (*path, i))

    for record in records.by_file().values():
        walk(record, record.data, ())
    return problems

def items(data, path: tuple):
    """(concrete path, value) for a field path with "*" for every item of a list."""
    if not path:
        yield (), data
        return
    head, rest = path[0], path[1:]
    if head == "*":
        for i, item in enumerate(data if isinstance(data, list) else []):
            yield from (((i, *sub), value) for sub, value in items(item, rest))
    elif isinstance(data, dict) and head in data:
        yield from (((head, *sub), value) for sub, value in items(data[head], rest))


def _markdown(records: Records, known: Callable[[str], bool], works: frozenset[int] | None = None) -> list[Problem]:
    """Every Markdown field holds only the allowed subset, and its [[id]] links resolve."""
    problems = []
    for kind, fields in MARKDOWN_FIELDS.items():
        for record in records.of(kind):
            for field, shown in fields.items():
                for path, text in items(record.data, field):
                    if not isinstance(text, str) or PLACEHOLDER in text:  # a placeholder is reported as such
                        continue
                    for found in recordtext.problems(text, known=known, headings=shown == "page",
                                                     inline=shown == "inline", works=works):
                        problems.append(Problem(record.file, record.text_line(path, found.line), 0,
                                                found.message, found.fix))
    return problems


def _dates(records: Records) -> list[Problem]:
    """Dates are real days; a change cannot be dated in the future."""
    problems, today = [], datetime.date.today()
    fields = {kind: [*DATE_FIELDS.get(kind, []), *([("history", "*", "date")] if kind in HISTORY_KINDS else [])]
              for kind in {*DATE_FIELDS, *HISTORY_KINDS}}
    for kind, paths in fields.items():
        for record in records.of(kind):
            for field in paths:
                for path, value in items(record.data, field):
                    if not isinstance(value, str):
                        continue
                    try:
                        day = datetime.date.fromisoformat(value)
                    except ValueError:
                        problems.append(Problem(record.file, *record.position(path), f"{value} is not a date in the "
                                                "calendar", "write a real day as YYYY-MM-DD, e.g. \"2025-01-31\""))
                        continue
                    if field[0] in ("history", "withdrawn", "confidence") and day > today:
                        problems.append(Problem(record.file, *record.position(path),
                                                f"this is dated {value}, which is in the future",
                                                "date a change on the day it is made"))
    return problems
