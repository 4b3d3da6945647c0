"""Files for other programs: citations for reference managers, and the theory as data."""
from __future__ import annotations

import csv
import dataclasses
import io
import json
from typing import Callable, Iterable, TextIO

from . import citation
from .model import Cmoc, ProgrammeTheory
from .schema import KINDS, schema_path


SNAPSHOT_FORMAT = 2  # editions/*.json: 1 was edition 1.0's (the paper inside the study record)


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


def cmoc_citation(theory: ProgrammeTheory, cmoc: Cmoc, site_url: str) -> citation.Citation:
    return citation.cite(theory.study, theory.based_on, site_url=site_url, page_url=f"cmoc/{cmoc.id}/",
                         title=f"CMOC {cmoc.number}: {cmoc.title}", key=cmoc.id)


def citation_files(theory: ProgrammeTheory, site_url: str) -> list[Download]:
    cited = [("theory", citation.cite(theory.study, theory.based_on, site_url=site_url))]
    cited += [(c.id, cmoc_citation(theory, c, site_url)) for c in theory.cmocs]
    return [Download(f"cite/{name}.{ext}", _text(make(c))) for name, c in cited
            for ext, make in citation.DOWNLOADS.items()]


def theory_data(theory: ProgrammeTheory) -> dict:
    """The whole theory as plain data: the download, and the snapshot of a released edition."""
    return {"edition": theory.study.version, "released": theory.study.released, "format": SNAPSHOT_FORMAT,
            **{f.name: plain(getattr(theory, f.name)) for f in dataclasses.fields(theory)}}


def theory_json(theory: ProgrammeTheory) -> str:
    """The theory as JSON: the download data/theory.json, and the snapshot of a released edition."""
    out = io.StringIO()
    write_theory_json(theory, out)
    return out.getvalue()


def write_theory_json(theory: ProgrammeTheory, out: TextIO) -> None:
    """theory_data(theory) as JSON, record by record (the same text as json.dump of the whole),
    so that the whole theory is never held as one string or one tree of dicts."""
    head = {"edition": theory.study.version, "released": theory.study.released, "format": SNAPSHOT_FORMAT}
    records = {f.name: getattr(theory, f.name) for f in dataclasses.fields(theory)}
    out.write(json.dumps(head, indent=2, ensure_ascii=False)[:-2] + ",\n")
    for n, (name, value) in enumerate(records.items()):
        out.write(f"  {json.dumps(name)}: ")
        if isinstance(value, tuple):
            out.write("[\n" if value else "[]")
            for i, record in enumerate(value):
                text = json.dumps(plain(record), indent=2, ensure_ascii=False)
                out.write("    " + text.replace("\n", "\n    ") + (",\n" if i + 1 < len(value) else "\n  ]"))
        else:
            out.write(json.dumps(plain(value), indent=2, ensure_ascii=False).replace("\n", "\n  "))
        out.write(",\n" if n + 1 < len(records) else "\n}\n")


def data_files(theory: ProgrammeTheory) -> list[Download]:
    """This edition's theory: whole as JSON, CMOCs, quotes and services as CSV, and the JSON Schemas."""
    files = [Download("data/theory.json", lambda out: write_theory_json(theory, out))]
    files.append(_csv("data/cmocs.csv", ["id", "title", "outcome_group", "beneficiary", "statement", "context",
                                         "mechanism", "outcome", "status", "version", "quotes", "services"],
                      lambda: ([c.id, c.title, c.outcome_group, c.beneficiary, c.statement, c.context.text, c.mechanism.text,
                        c.outcome.text, c.status, c.version, " ".join(c.all_quote_ids),
                        " ".join(s.id for s in theory.services_of(c))] for c in theory.cmocs)))
    files.append(_csv("data/quotes.csv", ["id", "source", "participant", "role", "service", "cmocs", "text"],
                      lambda: ([q.id, q.source_id, q.participant, theory.participant_of(q).role,
                                theory.participant_of(q).service_id or "",
                                " ".join(c.id for c in theory.cmocs_of_quote(q)), q.text] for q in theory.quotes)))
    files.append(_csv("data/services.csv", ["id", "source", "participants", "service_type", "location", "face_to_face",
                                            "online", "delivery", "programme", "quotes"],
                      lambda: ([s.id, s.source_id, " ".join(p.tag for p in theory.participants_of_service(s)),
                                s.service_type, s.location or "", s.face_to_face, s.online, s.delivery,
                                s.programme, len(theory.quotes_of_service(s))] for s in theory.services)))
    files += [Download(f"data/schemas/{kind}.schema.json", _text(schema_path(kind).read_text()))
              for kind in (*KINDS, "common")]
    return files


def plain(value):
    """A record as plain data (dicts, lists, text), as the downloads and edition snapshots hold it."""
    if dataclasses.is_dataclass(value):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


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
