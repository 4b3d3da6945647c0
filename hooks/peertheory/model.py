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
    status: str
    version: str
    replaced_by: tuple[str, ...]
    history: tuple[HistoryEntry, ...]
    source: str  # the YAML file, relative to the project root

    @property
    def number(self) -> int:
        return int(self.id.split("-")[1])

    @property
    def all_quote_ids(self) -> tuple[str, ...]:
        """Illustrative quotes, then those behind the not-triggered circumstances."""
        ids = list(self.quote_ids)
        for circumstance in self.not_triggered:
            ids += [q for q in circumstance.quote_ids if q not in ids]
        return tuple(ids)


@dataclass(frozen=True)
class Quote:
    id: str
    participant: str
    text: str
    paper_section: str | None
    reviewed: tuple[str, str] | None  # (reviewer, reason) of a de-identification review
    source: str


@dataclass(frozen=True)
class Service:
    id: str
    participant: str
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
class Study:
    title: str  # the programme theory's title
    version: str
    released: str
    summary: str
    publisher: str  # of this web edition
    paper_title: str
    authors: tuple[Author, ...]
    journal: str
    volume: str
    article: str
    year: int
    published: str
    doi: str
    licence: str
    licence_url: str
    preprint_server: str
    preprint_identifier: str
    preprint_posted: str | None
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

    @cached_property
    def by_id(self) -> dict[str, object]:
        records = (*self.outcomes, *self.cmocs, *self.quotes, *self.services, *self.theories, *self.content)
        return {record.id: record for record in records}

    def get(self, record_id: str):
        return self.by_id[record_id]

    @cached_property
    def _service_of_participant(self) -> dict[str, Service]:
        return {service.participant: service for service in self.services}

    def service_of(self, quote: Quote) -> Service:
        return self._service_of_participant[quote.participant]

    @cached_property
    def _groups(self) -> dict[str, tuple[Cmoc, ...]]:
        groups: dict[str, list[Cmoc]] = {o.id: [] for o in self.outcomes}
        for cmoc in self.cmocs:
            groups.setdefault(cmoc.outcome_group, []).append(cmoc)
        return {key: tuple(value) for key, value in groups.items()}

    @cached_property
    def _cmocs_by_quote(self) -> dict[str, tuple[Cmoc, ...]]:
        index: dict[str, list[Cmoc]] = {}
        for cmoc in self.cmocs:
            for quote_id in cmoc.all_quote_ids:
                index.setdefault(quote_id, []).append(cmoc)
        return {key: tuple(value) for key, value in index.items()}

    @cached_property
    def _position_in_group(self) -> dict[str, int]:
        return {c.id: i for group in self._groups.values() for i, c in enumerate(group)}

    def cmocs_in(self, outcome: Outcome) -> tuple[Cmoc, ...]:
        return self._groups.get(outcome.id, ())

    def quotes_of(self, cmoc: Cmoc, *, with_circumstances: bool = False) -> tuple[Quote, ...]:
        ids = cmoc.all_quote_ids if with_circumstances else cmoc.quote_ids
        return tuple(self.by_id[q] for q in ids)

    def services_of(self, cmoc: Cmoc) -> tuple[Service, ...]:
        """The services the CMOC's evidence came from (its quotes' participants), in Table 1 order."""
        participants = {q.participant for q in self.quotes_of(cmoc, with_circumstances=True)}
        return tuple(s for s in self.services if s.participant in participants)

    def cmocs_of_quote(self, quote: Quote) -> tuple[Cmoc, ...]:
        return self._cmocs_by_quote.get(quote.id, ())

    def quotes_of_service(self, service: Service) -> tuple[Quote, ...]:
        return tuple(q for q in self.quotes if q.participant == service.participant)

    def cmocs_of_service(self, service: Service) -> tuple[Cmoc, ...]:
        seen = {c.id: c for q in self.quotes_of_service(service) for c in self.cmocs_of_quote(q)}
        return tuple(c for c in self.cmocs if c.id in seen)

    @cached_property
    def interviewed(self) -> tuple[Service, ...]:
        """Participants whose words are quoted: the interviews that the theory rests on."""
        quoted = {q.participant for q in self.quotes}
        return tuple(s for s in self.services if s.participant in quoted)

    def neighbours(self, cmoc: Cmoc) -> tuple[Cmoc | None, Cmoc | None]:
        """Previous and next CMOC within the same outcome."""
        group = self._groups[cmoc.outcome_group]
        i = self._position_in_group[cmoc.id]
        return (group[i - 1] if i > 0 else None, group[i + 1] if i + 1 < len(group) else None)
