"""The programme theory as typed, immutable records, with the relations readers follow."""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property


@dataclass(frozen=True)
class Part:
    """A context, mechanism or outcome: a short label for diagrams and the paper's wording."""
    label: str
    text: str


@dataclass(frozen=True)
class Circumstance:
    """Where the source says the mechanism may not be triggered."""
    circumstance: str
    text: str
    paper_section: str | None
    quote_ids: tuple[str, ...]


@dataclass(frozen=True)
class TheoryLink:
    theory_id: str
    basis: str


@dataclass(frozen=True)
class Relation:
    """This CMOC's outcome is, or feeds, the context of another: a chain of the theory."""
    cmoc_id: str
    how: str


@dataclass(frozen=True)
class SourceLink:
    """A published work that supports a CMOC without a quote."""
    source_id: str
    basis: str


@dataclass(frozen=True)
class Refutation:
    """Evidence against a CMOC."""
    summary: str
    quote_ids: tuple[str, ...]
    source_ids: tuple[str, ...]


@dataclass(frozen=True)
class HistoryEntry:
    date: str | None
    theory_version: str
    version: str
    status: str
    change: str
    rationale: str
    evidence: tuple[str, ...]


@dataclass(frozen=True)
class Cmoc:
    id: str
    title: str
    paper_section: str | None
    paper_figure: str | None
    outcome_group: str
    beneficiary: str
    statement: str
    context: Part
    mechanism: Part
    outcome: Part
    summary: str
    quote_ids: tuple[str, ...]
    not_triggered: tuple[Circumstance, ...]
    theories: tuple[TheoryLink, ...]
    leads_to: tuple[Relation, ...]
    supporting_sources: tuple[SourceLink, ...]
    refuting_evidence: tuple[Refutation, ...]
    status: str
    version: str
    replaced_by: tuple[str, ...]
    history: tuple[HistoryEntry, ...]
    source: str  # the YAML file, relative to the project root

    @property
    def number(self) -> int:
        return int(self.id.split("-")[1])

    @property
    def retired(self) -> bool:
        """Refuted, merged or split: still published at its address, no longer part of the theory."""
        return self.status in RETIRED

    @property
    def all_quote_ids(self) -> tuple[str, ...]:
        """Illustrative quotes, then those behind the not-triggered circumstances and the evidence against."""
        ids = list(self.quote_ids)
        for quote_ids in (*(c.quote_ids for c in self.not_triggered), *(r.quote_ids for r in self.refuting_evidence)):
            ids += [q for q in quote_ids if q not in ids]
        return tuple(ids)

    @property
    def retirement(self) -> HistoryEntry | None:
        """The history entry that refuted, merged or split this CMOC."""
        return next((h for h in reversed(self.history) if h.status == self.status), None) if self.retired else None


RETIRED = ("refuted", "merged", "split")


@dataclass(frozen=True)
class Quote:
    id: str
    source_id: str
    participant: str
    text: str
    paper_section: str | None
    reviewed: tuple[str, str] | None  # (reviewer, reason) of a de-identification review
    source: str


@dataclass(frozen=True)
class Service:
    id: str
    source_id: str
    service_type: str
    location: str | None
    face_to_face: bool
    online: bool
    delivery: str
    programme: str
    source: str


@dataclass(frozen=True)
class Outcome:
    id: str
    name: str
    order: int
    paper_section: str | None
    description: str
    source: str


@dataclass(frozen=True)
class SubstantiveTheory:
    id: str
    name: str
    reference: str
    description: str
    doi: str | None
    url: str | None
    source: str


@dataclass(frozen=True)
class Content:
    id: str
    title: str
    paper_section: str | None
    body: str
    source: str


@dataclass(frozen=True)
class Author:
    family: str
    given: str


@dataclass(frozen=True)
class Participant:
    """Someone whose words are evidence: a tag unique within their source, a role, a setting."""
    source_id: str
    tag: str
    role: str
    service_id: str | None


@dataclass(frozen=True)
class Source:
    """A study, a phase of data collection, or a published work, with its own citation."""
    id: str
    kind: str  # study, phase, publication
    name: str  # short, for attributions: "Thompson et al. 2023"
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
    services_table: str | None  # what the source calls its table of services ("Table 1")
    participants: tuple[Participant, ...]
    source: str

    @property
    def link(self) -> str | None:
        return f"https://doi.org/{self.doi}" if self.doi else self.url

    @property
    def cited_as(self) -> str:
        """How citations and the site's copyright name it: its DOI, else its address, else its title."""
        return f"doi:{self.doi}" if self.doi else (self.url or self.title)


@dataclass(frozen=True)
class Term:
    """A word of the theory's vocabulary: a beneficiary or a participant's role."""
    id: str
    name: str


@dataclass(frozen=True)
class Study:
    title: str  # the programme theory's title
    version: str
    released: str
    summary: str
    publisher: str  # of this web edition
    description: str
    based_on: str  # the source the theory comes from
    licence: str
    licence_url: str
    editors: tuple[Author, ...]
    contributors: tuple[Author, ...]
    example: str | None
    beneficiaries: tuple[Term, ...]
    roles: tuple[Term, ...]
    source: str

    @property
    def authors(self) -> tuple[Author, ...]:
        """Who a citation of an edition credits: the editors, then the contributors."""
        return self.editors + self.contributors


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
    source: str


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
        return {(p.source_id, p.tag): p for s in self.sources for p in s.participants}

    def participant_of(self, quote: Quote) -> Participant:
        return self._participants[(quote.source_id, quote.participant)]

    def service_of(self, quote: Quote) -> Service | None:
        """The service the quote's participant speaks from, where known."""
        service_id = self.participant_of(quote).service_id
        return self.by_id[service_id] if service_id else None

    def participants_of_service(self, service: Service) -> tuple[Participant, ...]:
        return tuple(p for s in self.sources for p in s.participants if p.service_id == service.id)

    def role_name(self, role_id: str) -> str:
        return next((r.name for r in self.study.roles if r.id == role_id), role_id)

    def beneficiary_name(self, beneficiary_id: str) -> str:
        return next((b.name for b in self.study.beneficiaries if b.id == beneficiary_id), beneficiary_id)

    def quotes_of_source(self, source: Source) -> tuple[Quote, ...]:
        return tuple(q for q in self.quotes if q.source_id == source.id)

    # -- the web of CMOCs

    @cached_property
    def current(self) -> tuple[Cmoc, ...]:
        """The CMOCs that make up the theory now: not refuted, merged or split."""
        return tuple(c for c in self.cmocs if not c.retired)

    @cached_property
    def retired(self) -> tuple[Cmoc, ...]:
        return tuple(c for c in self.cmocs if c.retired)

    def replaces(self, cmoc: Cmoc) -> tuple[Cmoc, ...]:
        """The CMOCs this one replaced by a merge or a split."""
        return self._replaced.get(cmoc.id, ())

    def led_to_by(self, cmoc: Cmoc) -> tuple[tuple[Cmoc, Relation], ...]:
        """The CMOCs that lead to this one, each with how."""
        return self._led_to_by.get(cmoc.id, ())

    # Indexes: each page asks about one CMOC, and scanning every CMOC for each made the build quadratic.
    @cached_property
    def _replaced(self) -> dict[str, tuple[Cmoc, ...]]:
        return _index((successor, c) for c in self.cmocs for successor in c.replaced_by)

    @cached_property
    def _led_to_by(self) -> dict[str, tuple[tuple[Cmoc, Relation], ...]]:
        return _index((r.cmoc_id, (c, r)) for c in self.cmocs for r in c.leads_to)

    @cached_property
    def _groups(self) -> dict[str, tuple[Cmoc, ...]]:
        return {**{o.id: () for o in self.outcomes}, **_index((c.outcome_group, c) for c in self.cmocs)}

    @cached_property
    def _cmocs_by_quote(self) -> dict[str, tuple[Cmoc, ...]]:
        return _index((quote_id, c) for c in self.cmocs for quote_id in c.all_quote_ids)

    @cached_property
    def _position_in_group(self) -> dict[str, int]:
        return {c.id: i for group in self._groups.values() for i, c in enumerate(group)}

    def cmocs_in(self, outcome: Outcome, *, retired: bool = False) -> tuple[Cmoc, ...]:
        """The outcome's CMOCs: current ones, or with retired=True every one."""
        cmocs = self._groups.get(outcome.id, ())
        return cmocs if retired else tuple(c for c in cmocs if not c.retired)

    def quotes_of(self, cmoc: Cmoc, *, with_circumstances: bool = False) -> tuple[Quote, ...]:
        ids = cmoc.all_quote_ids if with_circumstances else cmoc.quote_ids
        return tuple(self.by_id[q] for q in ids)

    def services_of(self, cmoc: Cmoc) -> tuple[Service, ...]:
        """The services the CMOC's evidence came from (its quotes' participants), in the services' order."""
        ids = {self.participant_of(q).service_id for q in self.quotes_of(cmoc, with_circumstances=True)}
        return tuple(s for s in self.services if s.id in ids)

    def participants_of(self, cmoc: Cmoc) -> tuple[Participant, ...]:
        """Whose words are behind the CMOC, in order of source and tag."""
        found = {(q.source_id, q.participant) for q in self.quotes_of(cmoc, with_circumstances=True)}
        return tuple(p for s in self.sources for p in s.participants if (p.source_id, p.tag) in found)

    def cmocs_of_quote(self, quote: Quote) -> tuple[Cmoc, ...]:
        return self._cmocs_by_quote.get(quote.id, ())

    def quotes_of_service(self, service: Service) -> tuple[Quote, ...]:
        return tuple(q for q in self.quotes if self.participant_of(q).service_id == service.id)

    def cmocs_of_service(self, service: Service) -> tuple[Cmoc, ...]:
        seen = {c.id: c for q in self.quotes_of_service(service) for c in self.cmocs_of_quote(q)}
        return tuple(c for c in self.cmocs if c.id in seen)

    @cached_property
    def interviewed(self) -> tuple[Service, ...]:
        """Services whose participants are quoted."""
        quoted = {self.participant_of(q).service_id for q in self.quotes}
        return tuple(s for s in self.services if s.id in quoted)

    @cached_property
    def quoted_participants(self) -> tuple[Participant, ...]:
        """Participants whose words are quoted, source by source."""
        quoted = {(q.source_id, q.participant) for q in self.quotes}
        return tuple(p for s in self.sources for p in s.participants if (p.source_id, p.tag) in quoted)

    def neighbours(self, cmoc: Cmoc) -> tuple[Cmoc | None, Cmoc | None]:
        """Previous and next CMOC within the same outcome."""
        group = self._groups[cmoc.outcome_group]
        i = self._position_in_group[cmoc.id]
        return (group[i - 1] if i > 0 else None, group[i + 1] if i + 1 < len(group) else None)

    def services_table(self) -> str:
        """What the theory's source calls its table of services ("Table 1"), or a plain name."""
        return self.based_on.services_table or "the services"


def _index(pairs) -> dict:
    """key -> the values paired with it, in order."""
    index: dict = {}
    for key, value in pairs:
        index.setdefault(key, []).append(value)
    return {key: tuple(values) for key, values in index.items()}
