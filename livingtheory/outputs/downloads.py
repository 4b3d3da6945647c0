"""Files for other programs: citations for reference managers, and the theory as data."""
from __future__ import annotations

import csv
import dataclasses
import io
import json
from typing import Callable, Iterable, TextIO

from . import citation
from .codingframe import codebook_text
from ..web import addresses
from ..records.data import write_theory_json
from ..records.model import DIRECTIONS, SUPPORTS, ProgrammeTheory
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


def citation_files(pages) -> list[Download]:
    """Each citable page's citation as BibTeX, RIS and CSL-JSON (cite/<name>.<ext>): made from the
    same record as the page's own citation, so they cite the same edition, or nothing."""
    return [Download(addresses.cite_file(page.cite_name, ext), lambda out, make=make, cited=page.cited: out.write(make(cited)))
            for page in pages if page.cited and page.cite_name for ext, make in citation.DOWNLOADS.items()]


def data_files(theory: ProgrammeTheory, released: str | None = None, site_url: str | None = None) -> list[Download]:
    """This edition's theory (released: its date; None for a draft): whole as JSON; CMOCs, quotes and
    services as CSV, evidence kept apart by direction; and the JSON Schemas, each with its `$id` at
    the address this build serves it from (`site_url`: the site's root; None keeps the package's)."""
    def cmoc_row(c):
        ids = {d: " ".join(e.quote or e.source for e in c.evidence if e.direction == d) for d in DIRECTIONS}
        return [c.id, c.title, c.outcome_group, c.beneficiary, c.statement, c.context.text, c.mechanism.text,
                c.outcome.text, c.status, c.version, *(ids[d] for d in DIRECTIONS),
                " ".join(f"{r.type}:{r.cmoc}" for r in c.relations), c.confidence.level if c.confidence else "",
                " ".join(s.id for s in theory.services_of(c, SUPPORTS))]

    def quote_row(q):
        participant = theory.participant_of(q)
        return [q.id, q.source, q.participant, participant.role, participant.service or "",
                " ".join(f"{c.id}:{e.direction}" for c, e in theory.uses_of_quote(q)), q.text or "",
                q.withdrawn.date if q.withdrawn else "", q.withdrawn.reason if q.withdrawn else ""]

    columns = list(dict.fromkeys(c.id for s in theory.sources if s.services_table for c in s.services_table.columns))
    files = [Download(addresses.DATA["theory"], lambda out: write_theory_json(theory, out, released))]
    files.append(_csv(addresses.DATA["cmocs"], ["id", "title", "outcome_group", "beneficiary", "statement", "context",
                                                "mechanism", "outcome", "status", "version",
                                                *(f"evidence_{d.replace('-', '_')}" for d in DIRECTIONS), "relations",
                                                "confidence", "services_supporting"],
                      lambda: (cmoc_row(c) for c in theory.cmocs)))
    files.append(_csv(addresses.DATA["quotes"], ["id", "source", "participant", "role", "service", "cmocs", "text",
                                                 "withdrawn_on", "withdrawn_because"],
                      lambda: (quote_row(q) for q in theory.quotes)))
    files.append(_csv(addresses.DATA["services"], ["id", "source", "participants", "name", *columns, "quotes"],
                      lambda: ([s.id, s.source, " ".join(p.tag for _, p in theory.participants_of_service(s)), s.name,
                                *(_cell(s.columns.get(c)) for c in columns), len(theory.quotes_of_service(s))]
                               for s in theory.services)))
    files.append(Download(addresses.DATA["coding_frame"], lambda out: out.write(codebook_text(theory))))
    served = addresses.schemas_url(site_url, theory.study.version, released) if site_url else None
    files += [Download(addresses.schema_file(kind), _text(_schema_text(kind, served))) for kind in (*KINDS, "common")]
    return files


def _schema_text(kind: str, served: str | None) -> str:
    text = schema_path(kind).read_text(encoding="utf-8")
    if served is None:
        return text
    schema = json.loads(text)
    schema["$id"] = f"{served}{kind}.schema.json"  # its relative $refs then resolve beside it
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def _cell(value) -> str:
    return "" if value is None else "yes" if value is True else "no" if value is False else str(value)


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
