"""Files for other programs: citations for reference managers, and the theory as data."""
from __future__ import annotations

import csv
import dataclasses
import io
import json
from typing import Callable, Iterable, TextIO

from . import citation
from ..site import addresses
from ..records.data import plain, write_theory_json
from ..records.model import Cmoc, ProgrammeTheory
from ..records.schema import KINDS, schema_path


@dataclasses.dataclass(frozen=True)
class Download:
    """A file for other programs. `write` produces it into an open text file, so that the largest
    (the whole theory at 5,000 CMOCs) never has to be held in memory whole."""
    path: str  # in the site, e.g. "cite/cmoc-03.bib"
    write: Callable[[TextIO], None]

    @property
    def content(self) -> str:
        out = io.StringIO()
        self.write(out)
        return out.getvalue()


def _text(content: str) -> Callable[[TextIO], None]:
    return lambda out: out.write(content)


PUBLISHED = addresses.Addresses(directory_urls=True)  # citations name the published pages, whatever is built


def cmoc_citation(theory: ProgrammeTheory, cmoc: Cmoc, site_url: str) -> citation.Citation:
    return citation.cite(theory.study, theory.based_on, site_url=site_url,
                         page_url=PUBLISHED.url(addresses.page_of(cmoc)), title=f"CMOC {cmoc.number}: {cmoc.title}",
                         key=cmoc.id)


def citation_files(theory: ProgrammeTheory, site_url: str) -> list[Download]:
    cited = [("theory", citation.cite(theory.study, theory.based_on, site_url=site_url))]
    cited += [(c.id, cmoc_citation(theory, c, site_url)) for c in theory.cmocs]
    return [Download(addresses.cite_file(name, ext), _text(make(c))) for name, c in cited
            for ext, make in citation.DOWNLOADS.items()]


def data_files(theory: ProgrammeTheory) -> list[Download]:
    """This edition's theory: whole as JSON, CMOCs, quotes and services as CSV, and the JSON Schemas."""
    files = [Download(addresses.DATA["theory"], lambda out: write_theory_json(theory, out))]
    files.append(_csv(addresses.DATA["cmocs"], ["id", "title", "outcome_group", "beneficiary", "statement", "context",
                                         "mechanism", "outcome", "status", "version", "quotes", "services"],
                      lambda: ([c.id, c.title, c.outcome_group, c.beneficiary, c.statement, c.context.text, c.mechanism.text,
                        c.outcome.text, c.status, c.version, " ".join(c.all_quote_ids),
                        " ".join(s.id for s in theory.services_of(c))] for c in theory.cmocs)))
    files.append(_csv(addresses.DATA["quotes"], ["id", "source", "participant", "role", "service", "cmocs", "text"],
                      lambda: ([q.id, q.source_id, q.participant, theory.participant_of(q).role,
                                theory.participant_of(q).service_id or "",
                                " ".join(c.id for c in theory.cmocs_of_quote(q)), q.text] for q in theory.quotes)))
    files.append(_csv(addresses.DATA["services"], ["id", "source", "participants", "service_type", "location", "face_to_face",
                                            "online", "delivery", "programme", "quotes"],
                      lambda: ([s.id, s.source_id, " ".join(p.tag for p in theory.participants_of_service(s)),
                                s.service_type, s.location or "", s.face_to_face, s.online, s.delivery,
                                s.programme, len(theory.quotes_of_service(s))] for s in theory.services)))
    files += [Download(addresses.schema_file(kind), _text(schema_path(kind).read_text()))
              for kind in (*KINDS, "common")]
    return files


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(cell):
    """A text cell that a spreadsheet would run as a formula gets a leading apostrophe (OWASP's
    advice for CSV injection): Excel and LibreOffice then show it as text."""
    return f"'{cell}" if isinstance(cell, str) and cell.startswith(_FORMULA_START) else cell


def _csv(path: str, header: list[str], rows: Callable[[], Iterable[list]]) -> Download:
    """rows makes the rows afresh on each write, so that the file can be written more than once."""
    def write(out: TextIO) -> None:
        writer = csv.writer(out, lineterminator="\r\n")  # RFC 4180; a cell holding \r or \n is quoted
        writer.writerow(header)
        writer.writerows([spreadsheet_safe(cell) for cell in row] for row in rows())
    return Download(path, write)
