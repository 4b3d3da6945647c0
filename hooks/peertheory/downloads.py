"""Files for other programs: citations for reference managers, and the theory as data."""
from __future__ import annotations

import csv
import dataclasses
import io
import json

from . import citation
from .model import Cmoc, ProgrammeTheory
from .schema import KINDS, schema_path


@dataclasses.dataclass(frozen=True)
class Download:
    path: str  # in the site, e.g. "cite/cmoc-03.bib"
    content: str


def cmoc_citation(theory: ProgrammeTheory, cmoc: Cmoc, site_url: str) -> citation.Citation:
    return citation.cite(theory.study, site_url=site_url, page_url=f"cmoc/{cmoc.id}/",
                         title=f"CMOC {cmoc.number}: {cmoc.title}", key=cmoc.id)


def citation_files(theory: ProgrammeTheory, site_url: str) -> list[Download]:
    cited = [("theory", citation.cite(theory.study, site_url=site_url))]
    cited += [(c.id, cmoc_citation(theory, c, site_url)) for c in theory.cmocs]
    return [Download(f"cite/{name}.{ext}", make(c)) for name, c in cited for ext, make in citation.DOWNLOADS.items()]


def theory_data(theory: ProgrammeTheory) -> dict:
    """The whole theory as plain data: the download, and the snapshot of a released edition."""
    return {"edition": theory.study.version, "released": theory.study.released,
            **{f.name: _plain(getattr(theory, f.name)) for f in dataclasses.fields(theory)}}


def data_files(theory: ProgrammeTheory) -> list[Download]:
    """This edition's theory: whole as JSON, CMOCs, quotes and services as CSV, and the JSON Schemas."""
    files = [Download("data/theory.json", json.dumps(theory_data(theory), indent=2, ensure_ascii=False) + "\n")]
    files.append(_csv("data/cmocs.csv", ["id", "title", "outcome_group", "beneficiary", "statement", "context",
                                         "mechanism", "outcome", "status", "version", "quotes", "services"],
                      [[c.id, c.title, c.outcome_group, c.beneficiary, c.statement, c.context.text, c.mechanism.text,
                        c.outcome.text, c.status, c.version, " ".join(c.all_quote_ids),
                        " ".join(s.id for s in theory.services_of(c))] for c in theory.cmocs]))
    files.append(_csv("data/quotes.csv", ["id", "participant", "service", "cmocs", "text"],
                      [[q.id, q.participant, theory.service_of(q).id,
                        " ".join(c.id for c in theory.cmocs_of_quote(q)), q.text] for q in theory.quotes]))
    files.append(_csv("data/services.csv", ["id", "participant", "service_type", "location", "face_to_face", "online",
                                            "delivery", "programme", "quotes"],
                      [[s.id, s.participant, s.service_type, s.location or "", s.face_to_face, s.online, s.delivery,
                        s.programme, len(theory.quotes_of_service(s))] for s in theory.services]))
    files += [Download(f"data/schemas/{kind}.schema.json", schema_path(kind).read_text())
              for kind in (*KINDS, "common")]
    return files


def _plain(value):
    if dataclasses.is_dataclass(value):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def _csv(path: str, header: list[str], rows: list[list]) -> Download:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return Download(path, out.getvalue())
