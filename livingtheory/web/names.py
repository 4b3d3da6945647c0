"""How a page names a record in a link: the same words on every page, feed and download."""
from __future__ import annotations

from ..records.model import Cmoc, Outcome, Quote, Service, Source, SubstantiveTheory


def name_of(record) -> str:
    """How a page names a record in a link."""
    if isinstance(record, Cmoc):
        return f"CMOC {record.number}"
    if isinstance(record, Service):
        return record.name
    if isinstance(record, Quote):
        return f"quote {record.id}"
    if isinstance(record, (Outcome, SubstantiveTheory, Source)):
        return record.name
    return record.title
