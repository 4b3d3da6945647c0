"""The programme theory as typed, immutable records, with the relations readers follow.

Field names are the records' own (the YAML's), so that a message about a field, a download and
an edition's snapshot all name it as a contributor writes it. `file` is where a record lives.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

# What a piece of evidence does to a CMOC. Realist logic, not a theory's vocabulary: it decides
# what counts as support, so every theory uses the same four.
SUPPORTS, REFINES, CONTRADICTS, NOT_TRIGGERED = "supports", "refines", "contradicts", "not-triggered"
DIRECTIONS = (SUPPORTS, REFINES, CONTRADICTS, NOT_TRIGGERED)
RETIRED = ("refuted", "merged", "split")


def version_key(version: str) -> tuple[int, ...]:
    """A version as numbers, to compare: "1.10" comes after "1.9"."""
    return tuple(int(part) for part in version.split("."))


@dataclass(frozen=True)
class Part:
    """A context, mechanism or outcome: a short label for diagrams and the source's full wording."""
    label: str
    text: str


@dataclass(frozen=True)
class Circumstance:
    """Where the source says the mechanism may not be triggered."""
    circumstance: str
    text: str
    section: str | None


@dataclass(frozen=True)
class Evidence:
    """One piece of evidence a CMOC cites, and what it does to the CMOC: a quote, or a source
    cited without a quote (a review, a survey, a trial, a second site's data)."""
    direction: str  # one of DIRECTIONS
    quote: str | None = None
    source: str | None = None
    note: str | None = None  # Markdown: what it shows, and where in the source
    circumstance: str | None = None  # for not-triggered evidence: which circumstance of the CMOC


@dataclass(frozen=True)
class TheoryLink:
    theory: str
    basis: str


@dataclass(frozen=True)
class Relation:
    """This CMOC bears on another: `type` is one of the theory's relation types (leads to, enables...)."""
    type: str
    cmoc: str
    how: str


@dataclass(frozen=True)
class Judgement:
    """One component of a confidence assessment (e.g. GRADE-CERQual's coherence) and its concern."""
    component: str
    concern: str
    reason: str


@dataclass(frozen=True)
class Confidence:
    """The team's judgement of how much confidence a CMOC deserves, who made it, when and why."""
    level: str
    judged_by: str
    date: str
    rationale: str
    components: tuple[Judgement, ...] = ()


@dataclass(frozen=True)
class HistoryEntry:
    """A change to a CMOC: its version and status after the change."""
    date: str | None
    theory_version: str
    version: str
    status: str
    change: str
    rationale: str
    evidence: tuple[str, ...]


@dataclass(frozen=True)
class Change:
    """A change to a record of any other kind, released in a theory version."""
    date: str | None
    theory_version: str
    change: str
    rationale: str


@dataclass(frozen=True)
class Withdrawal:
    """A quote's words taken out of the theory (consent withdrawn, a risk of identifying someone)."""
    date: str
    reason: str


@dataclass(frozen=True)
class Cmoc:
    id: str
    title: str
    section: str | None
    figure: str | None
    outcome_group: str
    beneficiary: str
    statement: str
    context: Part
    mechanism: Part
    outcome: Part
    summary: str
    evidence: tuple[Evidence, ...]
    not_triggered: tuple[Circumstance, ...]
    theories: tuple[TheoryLink, ...]
    relations: tuple[Relation, ...]
    confidence: Confidence | None
    status: str
    version: str
    replaced_by: tuple[str, ...]
    history: tuple[HistoryEntry, ...]
    file: str  # the YAML file, relative to the project root

    @property
    def number(self) -> int:
        return int(self.id.split("-")[1])

    @property
    def retired(self) -> bool:
        """Refuted, merged or split: still published at its address, no longer part of the theory."""
        return self.status in RETIRED

    def evidence_that(self, *directions: str) -> tuple[Evidence, ...]:
        return tuple(e for e in self.evidence if e.direction in directions)

    @property
    def quote_ids(self) -> tuple[str, ...]:
        """Every quote the CMOC cites, whatever it does to the CMOC, in the order cited."""
        return tuple(dict.fromkeys(e.quote for e in self.evidence if e.quote))

    @property
    def contested(self) -> bool:
        """Evidence both for and against it."""
        return bool(self.evidence_that(SUPPORTS)) and bool(self.evidence_that(CONTRADICTS))

    @property
    def retirement(self) -> HistoryEntry | None:
        """The history entry of the event that retired the CMOC: the first to give it its present
        retired status since it was last current (later entries may only record bookkeeping)."""
        if not self.retired:
            return None
        event = None
        for entry in self.history:
            if entry.status not in RETIRED:
                event = None
            elif event is None or entry.status != event.status:
                event = entry
        return event

    @property
    def status_changes(self) -> tuple[HistoryEntry, ...]:
        """The history entries that retired the CMOC or made it current again, in order."""
        return tuple(entry for before, entry in zip(self.history, self.history[1:])
                     if (before.status in RETIRED) != (entry.status in RETIRED)
                     or (entry.status in RETIRED and entry.status != before.status))


@dataclass(frozen=True)
class Review:
    """A reviewer's judgement that a quote which looks identifying cannot identify anyone."""
    reviewed_by: str
    reason: str


@dataclass(frozen=True)
class Quote:
    id: str
    source: str
    participant: str
    text: str | None  # None once withdrawn
    section: str | None
    deidentification: Review | None
    withdrawn: Withdrawal | None
    history: tuple[Change, ...]
    file: str
    # The coded segment it was imported from (a REFI-QDA selection's GUID): found again on the next import.
    segment: str | None = field(default=None, metadata={"omitted_when_empty": True})


@dataclass(frozen=True)
class Column:
    """A column of a source's table of services, as the source names it."""
    id: str
    name: str
    note: str | None = None


@dataclass(frozen=True)
class Service:
    """A service setting or programme the evidence speaks of, as its source describes it: its
    name and its row of the source's table of services (a value per column; None is blank)."""
    id: str
    source: str
    name: str
    columns: dict
    history: tuple[Change, ...]
    file: str

    def __hash__(self) -> int:
        return hash(self.id)


@dataclass(frozen=True)
class Outcome:
    id: str
    name: str
    order: int
    section: str | None
    description: str
    history: tuple[Change, ...]
    file: str


@dataclass(frozen=True)
class SubstantiveTheory:
    id: str
    name: str
    reference: str
    description: str
    doi: str | None
    url: str | None
    history: tuple[Change, ...]
    file: str


@dataclass(frozen=True)
class Content:
    id: str
    title: str
    section: str | None
    body: str
    history: tuple[Change, ...]
    file: str


@dataclass(frozen=True)
class Author:
    family: str
    given: str
    orcid: str | None = field(default=None, metadata={"omitted_when_empty": True})  # e.g. 0000-0002-1825-0097


@dataclass(frozen=True)
class Participant:
    """Someone whose words are evidence: a tag unique within their source, a role, a setting."""
    tag: str
    role: str
    service: str | None = None
    withdrawn: Withdrawal | None = None


@dataclass(frozen=True)
class ServicesTable:
    """What a source calls its table of services, and its columns."""
    name: str
    columns: tuple[Column, ...]


@dataclass(frozen=True)
class Source:
    """A study, a phase of data collection, or a published work, with its own citation."""
    id: str
    kind: str  # study, phase, publication
    name: str  # short, for attributions: "Lee et al. 2025"
    title: str
    authors: tuple[Author, ...]
    year: int | None
    container: str | None
    volume: str | None
    article: str | None
    published: str | None
    doi: str | None
    url: str | None
    identifier: str | None
    licence: str | None
    licence_url: str | None
    part_of: str | None
    description: str | None
    design: str | None  # from the theory's vocabulary: interviews, survey, trial, review...
    phase: str | None  # from the theory's vocabulary
    sample_size: int | None
    services_table: ServicesTable | None
    participants: tuple[Participant, ...]
    history: tuple[Change, ...]
    file: str

    @property
    def link(self) -> str | None:
        return f"https://doi.org/{self.doi}" if self.doi else self.url

    @property
    def cited_as(self) -> str:
        """How citations and the site's copyright name it: its DOI, else its address, else its title."""
        return f"doi:{self.doi}" if self.doi else (self.url or self.title)


@dataclass(frozen=True)
class Term:
    """A word of the theory's vocabulary: a beneficiary, a role, a design, a phase..."""
    id: str
    name: str


@dataclass(frozen=True)
class RelationType:
    """A kind of relation between CMOCs, named both ways: "enables" / "is enabled by"."""
    id: str
    name: str
    inverse: str


@dataclass(frozen=True)
class ConfidenceScheme:
    """How the team judges confidence in a CMOC (e.g. GRADE-CERQual): levels, components, concerns."""
    framework: str
    levels: tuple[Term, ...]
    components: tuple[Term, ...]
    concerns: tuple[Term, ...]


@dataclass(frozen=True)
class Identifier:
    """A kind of detail that could identify a person, as the theory's locale writes it."""
    name: str
    pattern: str
    check: str | None = None  # a check digit the core knows how to verify (e.g. "mod11")


@dataclass(frozen=True)
class Deidentification:
    """The theory's de-identification settings: identifiers of its locale, and public words."""
    identifiers: tuple[Identifier, ...]
    allowed_words: frozenset[str]
    file: str | None = None


@dataclass(frozen=True)
class Work:
    """A work the theory's text cites by number ([14])."""
    number: int
    text: str  # record Markdown
    doi: str | None = None
    url: str | None = None
    accessed: str | None = None

    @property
    def id(self) -> str:
        return str(self.number)

    @property
    def anchor(self) -> str:
        return f"ref-{self.number}"


@dataclass(frozen=True)
class References:
    """The works the theory cites (theory/references.yaml)."""
    works: tuple[Work, ...]
    file: str | None = None

    def __iter__(self):
        return iter(self.works)

    @property
    def numbers(self) -> frozenset[int]:
        return frozenset(w.number for w in self.works)


@dataclass(frozen=True)
class Vocabulary:
    beneficiaries: tuple[Term, ...]
    roles: tuple[Term, ...]
    designs: tuple[Term, ...] = ()
    phases: tuple[Term, ...] = ()
    relation_types: tuple[RelationType, ...] = ()
    confidence: ConfidenceScheme | None = None

    def terms(self, kind: str) -> tuple:
        """A list of the vocabulary by name: "roles", or "confidence.levels"."""
        head, _, tail = kind.partition(".")
        return (getattr(self.confidence, tail) if self.confidence else ()) if tail else getattr(self, head)

    def name(self, kind: str, term_id: str | None) -> str:
        """A term's name (its id if it is not in the vocabulary)."""
        return next((t.name for t in self.terms(kind) if t.id == term_id), term_id or "")


@dataclass(frozen=True)
class Study:
    title: str  # the programme theory's title
    version: str  # of the live theory: the next edition's when it differs from the latest
    summary: str
    publisher: str  # of this web edition
    description: str
    based_on: str  # the source the theory comes from
    licence: str
    licence_url: str
    editors: tuple[Author, ...]
    contributors: tuple[Author, ...]
    example: str | None
    doi: str | None  # the concept DOI: every edition at once
    vocabulary: Vocabulary
    file: str

    @property
    def authors(self) -> tuple[Author, ...]:
        """Who a citation of an edition credits: the editors, then the contributors."""
        return self.editors + self.contributors

    @property
    def beneficiaries(self) -> tuple[Term, ...]:
        return self.vocabulary.beneficiaries

    @property
    def roles(self) -> tuple[Term, ...]:
        return self.vocabulary.roles


@dataclass(frozen=True)
class ReportingItem:
    item: int
    title: str
    pages: tuple[str, ...]
    note: str | None


@dataclass(frozen=True)
class Reporting:
    """How the site addresses each item of a reporting standard (RAMESES II)."""
    standard: str
    reference: str
    items: tuple[ReportingItem, ...]
    file: str


@dataclass(frozen=True)
class ProgrammeTheory:
    """The whole theory. Collections are in reading order; relations are derived, never stored."""
    study: Study
    outcomes: tuple[Outcome, ...]
    cmocs: tuple[Cmoc, ...]
    quotes: tuple[Quote, ...]
    services: tuple[Service, ...]
    theories: tuple[SubstantiveTheory, ...]
    content: tuple[Content, ...]
    sources: tuple[Source, ...]
    reporting: Reporting | None = None
    deidentification: Deidentification | None = None
    references: References | None = None

    @cached_property
    def by_id(self) -> dict[str, object]:
        records = (*self.outcomes, *self.cmocs, *self.quotes, *self.services, *self.theories, *self.content,
                   *self.sources)
        return {record.id: record for record in records}

    def get(self, record_id: str):
        return self.by_id[record_id]

    # -- sources and participants

    @cached_property
    def based_on(self) -> Source:
        return self.by_id[self.study.based_on]

    @cached_property
    def _participants(self) -> dict[tuple[str, str], Participant]:
        return {(s.id, p.tag): p for s in self.sources for p in s.participants}

    def participant_of(self, quote: Quote) -> Participant:
        return self._participants[(quote.source, quote.participant)]

    def service_of(self, quote: Quote) -> Service | None:
        """The service the quote's participant speaks from, where known."""
        service_id = self.participant_of(quote).service
        return self.by_id[service_id] if service_id else None

    def participants_of_service(self, service: Service) -> tuple[tuple[Source, Participant], ...]:
        return tuple((s, p) for s in self.sources for p in s.participants if p.service == service.id)

    def role_name(self, role_id: str) -> str:
        return self.study.vocabulary.name("roles", role_id)

    def beneficiary_name(self, beneficiary_id: str) -> str:
        return self.study.vocabulary.name("beneficiaries", beneficiary_id)

    def relation_type(self, type_id: str) -> RelationType:
        return next((t for t in self.study.vocabulary.relation_types if t.id == type_id),
                    RelationType(type_id, type_id, type_id))

    def quotes_of_source(self, source: Source) -> tuple[Quote, ...]:
        return self._quotes_by_source.get(source.id, ())

    def quotes_of_participant(self, source: Source, participant: Participant) -> tuple[Quote, ...]:
        return tuple(q for q in self.quotes_of_source(source) if q.participant == participant.tag)

    @cached_property
    def _quotes_by_source(self) -> dict[str, tuple[Quote, ...]]:
        return _index((q.source, q) for q in self.quotes)

    # -- the web of CMOCs

    @cached_property
    def current(self) -> tuple[Cmoc, ...]:
        """The CMOCs that make up the theory now: not refuted, merged or split."""
        return tuple(c for c in self.cmocs if not c.retired)

    @cached_property
    def retired(self) -> tuple[Cmoc, ...]:
        return tuple(c for c in self.cmocs if c.retired)

    def replaces(self, cmoc: Cmoc) -> tuple[Cmoc, ...]:
        """The CMOCs that named this one as a successor when they were merged, split or refuted."""
        return self._replaced.get(cmoc.id, ())

    def successors(self, cmoc: Cmoc) -> tuple[Cmoc, ...]:
        """Where a retired CMOC's line continues now: its successors, followed forward through every
        later merge or split to the CMOCs that are current (or, where a line ends, refuted)."""
        found, seen, todo = [], {cmoc.id}, list(cmoc.replaced_by)
        while todo:
            successor = self.by_id.get(todo.pop(0))
            if successor is None or successor.id in seen:
                continue
            seen.add(successor.id)
            if successor.retired and successor.replaced_by:
                todo[:0] = list(successor.replaced_by)
            else:
                found.append(successor)
        return tuple(found)

    def related_from(self, cmoc: Cmoc) -> tuple[tuple[Cmoc, Relation], ...]:
        """The CMOCs whose relations point at this one, each with the relation."""
        return self._related_from.get(cmoc.id, ())

    # Indexes: each page asks about one CMOC, and scanning every CMOC for each made the build quadratic.
    @cached_property
    def _replaced(self) -> dict[str, tuple[Cmoc, ...]]:
        return _index((successor, c) for c in self.cmocs for successor in c.replaced_by)

    @cached_property
    def _related_from(self) -> dict[str, tuple[tuple[Cmoc, Relation], ...]]:
        return _index((r.cmoc, (c, r)) for c in self.cmocs for r in c.relations)

    @cached_property
    def _groups(self) -> dict[str, tuple[Cmoc, ...]]:
        return {**{o.id: () for o in self.outcomes}, **_index((c.outcome_group, c) for c in self.cmocs)}

    @cached_property
    def _evidence_by_quote(self) -> dict[str, tuple[tuple[Cmoc, Evidence], ...]]:
        return _index((e.quote, (c, e)) for c in self.cmocs for e in c.evidence if e.quote)

    @cached_property
    def _evidence_by_source(self) -> dict[str, tuple[tuple[Cmoc, Evidence], ...]]:
        return _index((e.source or self.by_id[e.quote].source, (c, e)) for c in self.cmocs for e in c.evidence)

    @cached_property
    def _position_in_group(self) -> dict[str, int]:
        return {c.id: i for group in self._groups.values() for i, c in enumerate(group)}

    def cmocs_in(self, outcome: Outcome, *, retired: bool = False) -> tuple[Cmoc, ...]:
        """The outcome's CMOCs: current ones, or with retired=True every one."""
        cmocs = self._groups.get(outcome.id, ())
        return cmocs if retired else tuple(c for c in cmocs if not c.retired)

    def quotes_of(self, cmoc: Cmoc, *directions: str) -> tuple[Quote, ...]:
        """The quotes a CMOC cites in any of these directions (every direction when none is named)."""
        return tuple(self.by_id[e.quote] for e in cmoc.evidence
                     if e.quote and (not directions or e.direction in directions))

    def source_of(self, evidence: Evidence) -> Source:
        return self.by_id[evidence.source or self.by_id[evidence.quote].source]

    def uses_of_quote(self, quote: Quote) -> tuple[tuple[Cmoc, Evidence], ...]:
        """Each CMOC that cites the quote, with what the quote does to it."""
        return self._evidence_by_quote.get(quote.id, ())

    def cmocs_of_quote(self, quote: Quote) -> tuple[Cmoc, ...]:
        return tuple(dict.fromkeys(c for c, _ in self.uses_of_quote(quote)))

    def uses_of_source(self, source: Source) -> tuple[tuple[Cmoc, Evidence], ...]:
        """Each piece of evidence from the source (its quotes, or the source itself) and the CMOC it bears on."""
        return self._evidence_by_source.get(source.id, ())

    def services_of(self, cmoc: Cmoc, *directions: str) -> tuple[Service, ...]:
        """The services the CMOC's evidence in these directions came from (its quotes' participants)."""
        ids = {self.participant_of(q).service for q in self.quotes_of(cmoc, *directions)}
        return tuple(s for s in self.services if s.id in ids)

    def participants_of(self, cmoc: Cmoc, *directions: str) -> tuple[tuple[Source, Participant], ...]:
        """Whose words are behind the CMOC, in order of source and tag."""
        found = {(q.source, q.participant) for q in self.quotes_of(cmoc, *directions)}
        return tuple((s, p) for s in self.sources for p in s.participants if (s.id, p.tag) in found)

    def quotes_of_service(self, service: Service) -> tuple[Quote, ...]:
        return tuple(q for q in self.quotes if self.participant_of(q).service == service.id)

    def evidence_of_service(self, service: Service) -> tuple[tuple[Cmoc, Evidence], ...]:
        """Each use, by a CMOC, of a quote from a participant speaking from the service."""
        return tuple(use for q in self.quotes_of_service(service) for use in self.uses_of_quote(q))

    @cached_property
    def interviewed(self) -> tuple[Service, ...]:
        """Services whose participants are quoted."""
        quoted = {self.participant_of(q).service for q in self.quotes}
        return tuple(s for s in self.services if s.id in quoted)

    @cached_property
    def quoted_participants(self) -> tuple[tuple[Source, Participant], ...]:
        """Participants whose words are quoted, source by source."""
        quoted = {(q.source, q.participant) for q in self.quotes}
        return tuple((s, p) for s in self.sources for p in s.participants if (s.id, p.tag) in quoted)

    def neighbours(self, cmoc: Cmoc) -> tuple[Cmoc | None, Cmoc | None]:
        """Previous and next CMOC within the same outcome."""
        group = self._groups[cmoc.outcome_group]
        i = self._position_in_group[cmoc.id]
        return (group[i - 1] if i > 0 else None, group[i + 1] if i + 1 < len(group) else None)


def _index(pairs) -> dict:
    """key -> the values paired with it, in order."""
    index: dict = {}
    for key, value in pairs:
        index.setdefault(key, []).append(value)
    return {key: tuple(values) for key, values in index.items()}
