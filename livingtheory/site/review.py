"""A pull request's preview, marked for its reviewers: what the change does to each record, against
the theory at the base branch (`generate(against=...)`; CI's preview step names the base in $BASE).

Each changed record's page carries a panel with its changed fields word by word and its new
history entries; a page of the preview lists every change. Pages of unchanged records carry no marks.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from ..problems import CannotBuild, TheoryInvalid
from ..records.data import theory_data
from ..records.editions import Edition, RecordChange, diff
from ..records.gitref import UnknownRef, theory_at
from ..records.model import Cmoc, Evidence, ProgrammeTheory


@dataclass(frozen=True)
class Review:
    against: str  # the git ref compared with, as given
    changes: tuple[RecordChange, ...] | None  # None: the theory there cannot be read by these tools
    base: Edition | None = None  # the theory at `against`, as data

    def of(self, kind: str, record_id: str) -> RecordChange | None:
        return self._by_record.get((kind, record_id))

    def new_evidence(self, cmoc: Cmoc) -> list[Evidence]:
        """The CMOC's evidence the base did not cite, with its direction: what the change rests on."""
        old = (self.base.record("cmocs", cmoc.id) if self.base else None) or {}
        cited = {(e.get("quote") or e.get("source"), e.get("direction")) for e in old.get("evidence") or ()}
        return [e for e in cmoc.evidence if (e.quote or e.source, e.direction) not in cited]

    @functools.cached_property
    def _by_record(self) -> dict[tuple[str, str], RecordChange]:
        return {(c.kind, c.record_id): c for c in self.changes or ()}


def review(theory: ProgrammeTheory, theory_dir: Path, against: str) -> Review:
    """`theory` compared with the theory at git ref `against`. Raises CannotBuild when that is no commit."""
    try:
        before = theory_at(against, theory_dir)
    except UnknownRef as unknown:
        raise CannotBuild(f"the preview cannot be compared with its base: {unknown}") from None
    except TheoryInvalid:  # e.g. a change of the records' model: the page says so
        return Review(against, None)
    base = Edition(before.study.version, "", theory_data(before))
    return Review(against, tuple(diff(base, theory_data(theory))), base)
