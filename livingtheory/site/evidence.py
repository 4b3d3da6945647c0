"""Evidence as pages show it: counted and listed by what it does to a CMOC, never lumped together.

A quote that contradicts a CMOC, or shows where its mechanism was not triggered, is never counted
as support; a withdrawn quote is no longer evidence at all (it is counted apart, as withdrawn).
"""
from __future__ import annotations

from dataclasses import dataclass

from ..records.model import CONTRADICTS, DIRECTIONS, NOT_TRIGGERED, REFINES, SUPPORTS, Cmoc, Evidence, \
    ProgrammeTheory, Quote, Service, Source

DIRECTION_NAMES = {SUPPORTS: "supports", REFINES: "refines", CONTRADICTS: "contradicts",
                   NOT_TRIGGERED: "mechanism not triggered"}
# How a count reads: "3 supporting", "1 contrary"...
ADJECTIVES = {SUPPORTS: "supporting", REFINES: "refining", CONTRADICTS: "contrary",
              NOT_TRIGGERED: "where the mechanism was not triggered"}
HEADINGS = {SUPPORTS: "Evidence that supports it", REFINES: "Evidence that refines it",
            CONTRADICTS: "Evidence against it", NOT_TRIGGERED: "Where the mechanism was not triggered"}


@dataclass(frozen=True)
class Item:
    """One piece of evidence as a page lists it."""
    evidence: Evidence
    quote: Quote | None
    source: Source

    @property
    def withdrawn(self) -> bool:
        return bool(self.quote and self.quote.withdrawn)


@dataclass(frozen=True)
class Weight:
    """How much evidence stands behind a CMOC, each direction apart."""
    counts: dict  # direction -> pieces of evidence (withdrawn quotes not counted)
    sources: dict  # direction -> how many sources they come from
    withdrawn: int

    @property
    def contested(self) -> bool:
        return bool(self.counts[SUPPORTS] and self.counts[CONTRADICTS])

    def text(self) -> str:
        """"3 supporting from 2 sources; 1 contrary from 1 source"."""
        parts = [f"{n} {ADJECTIVES[d]} from {self.sources[d]} source{'s' if self.sources[d] != 1 else ''}"
                 for d in DIRECTIONS if (n := self.counts[d])]
        if self.withdrawn:
            parts.append(f"{self.withdrawn} withdrawn")
        return "; ".join(parts) or "no evidence cited yet"

    def short(self) -> str:
        """For a map's node: "3 for, 1 against"."""
        parts = [f"{self.counts[SUPPORTS]} for"] if self.counts[SUPPORTS] else []
        parts += [f"{self.counts[CONTRADICTS]} against"] if self.counts[CONTRADICTS] else []
        return ", ".join(parts)


def items(theory: ProgrammeTheory, cmoc: Cmoc) -> list[Item]:
    return [Item(e, theory.get(e.quote) if e.quote else None, theory.source_of(e)) for e in cmoc.evidence]


def weigh(theory: ProgrammeTheory, cmoc: Cmoc) -> Weight:
    counts, sources = {d: 0 for d in DIRECTIONS}, {d: set() for d in DIRECTIONS}
    withdrawn = 0
    for item in items(theory, cmoc):
        if item.withdrawn:
            withdrawn += 1
            continue
        counts[item.evidence.direction] += 1
        sources[item.evidence.direction].add(item.source.id)
    return Weight(counts, {d: len(s) for d, s in sources.items()}, withdrawn)


def by_direction(theory: ProgrammeTheory, cmoc: Cmoc) -> dict[str, list[Item]]:
    """The CMOC's evidence, direction by direction, in the order it is cited."""
    grouped = {d: [] for d in DIRECTIONS}
    for item in items(theory, cmoc):
        grouped[item.evidence.direction].append(item)
    return grouped


def cmocs_by_direction(uses) -> dict[str, list[Cmoc]]:
    """(CMOC, evidence) pairs as the CMOCs each direction bears on, each CMOC once per direction."""
    grouped: dict[str, dict] = {d: {} for d in DIRECTIONS}
    for cmoc, e in uses:
        grouped[e.direction].setdefault(cmoc.id, cmoc)
    return {d: list(found.values()) for d, found in grouped.items() if found}


def matrix_row(theory: ProgrammeTheory, service: Service) -> dict[str, dict[str, list[Cmoc]]]:
    """Outcome -> direction -> the current CMOCs of that outcome that the service's participants'
    quotes bear on in that direction (withdrawn quotes left out)."""
    row: dict[str, dict[str, list[Cmoc]]] = {o.id: {} for o in theory.outcomes}
    for cmoc, e in theory.evidence_of_service(service):
        if cmoc.retired or theory.get(e.quote).withdrawn:
            continue
        cell = row[cmoc.outcome_group].setdefault(e.direction, [])
        if cmoc not in cell:
            cell.append(cmoc)
    return {outcome: {d: cell[d] for d in DIRECTIONS if d in cell} for outcome, cell in row.items()}  # support first


def counts_by(theory: ProgrammeTheory, cmoc: Cmoc, key) -> dict:
    """key(item) -> direction -> how many pieces of the CMOC's evidence (withdrawn quotes left out)."""
    found: dict = {}
    for item in items(theory, cmoc):
        if item.withdrawn:
            continue
        for k in key(item):
            cell = found.setdefault(k, {})
            cell[item.evidence.direction] = cell.get(item.evidence.direction, 0) + 1
    return found


def by_source(theory: ProgrammeTheory, cmoc: Cmoc) -> dict[str, dict[str, int]]:
    """Source id -> direction -> count."""
    return counts_by(theory, cmoc, lambda item: [item.source.id])


def by_service(theory: ProgrammeTheory, cmoc: Cmoc) -> list[tuple[Service, dict[str, int]]]:
    """The services whose participants' quotes bear on the CMOC, each with its counts by direction."""
    def service_of(item):
        service = theory.service_of(item.quote) if item.quote else None
        return [service.id] if service else []
    found = counts_by(theory, cmoc, service_of)
    return [(s, found[s.id]) for s in theory.services if s.id in found]


def cell_text(counts: dict[str, int]) -> str:
    """"2 supporting, 1 contrary": in the order of DIRECTIONS, support first."""
    return ", ".join(f"{counts[d]} {ADJECTIVES[d]}" for d in DIRECTIONS if counts.get(d))
