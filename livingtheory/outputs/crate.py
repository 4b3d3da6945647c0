"""Each edition as an RO-Crate (https://w3id.org/ro/crate/1.3): `ro-crate-metadata.json`, the
JSON-LD that research infrastructure reads to learn what an edition holds and where it came from.

One function, `crate()`, makes it from an edition's data (`theory_data`: the live theory, or a
released edition's snapshot) and the editions released before it, so that a crate can be made
again from a snapshot alone. The same crate is written at the root of each edition's site (its
data entities: the downloads) and by `release` at the root of the repository, so that it is in
the archive of the release (its data entities: the record files and the snapshot).

- The root dataset is the edition: name, version, date, licence, editors (`author`) and
  contributors, with their ORCID iDs as identifiers where the records give one, the work it is
  based on (`isBasedOn`), its version DOI once recorded, the edition it revises.
- Each version of each CMOC is a contextual entity with its context, mechanism, outcome, status
  and confidence where an edition (or this one) holds that version, and the reason recorded for it.
  Its `@id` is that of the history entry that made the version (the id of the same entry in the
  CMOC's feed, and of the page's JSON-LD when it cites that version): kept for ever.
- PROV (W3C): a version `wasRevisionOf` the one before, `wasDerivedFrom` the evidence that supports
  or refines it (evidence against it is `evidenceContradicting`, never counted as support), and a
  refuted, merged or split version is `invalidatedAtTime` the day it was retired, `supersededBy`
  its successors.
- Quotes are named, never quoted: a crate never holds a participant's words, so a withdrawal has
  nothing to take out of one; a withdrawn quote is marked withdrawn.
"""
from __future__ import annotations

import datetime
import io
import json
from dataclasses import dataclass
from typing import TextIO

from ..records.editions import Edition
from ..records.model import CONTRADICTS, NOT_TRIGGERED, RETIRED, version_key
from ..web import addresses

RO_CRATE = "https://w3id.org/ro/crate/1.3"
METADATA = "ro-crate-metadata.json"
PROV = "http://www.w3.org/ns/prov#"

# Terms the RO-Crate context lacks: PROV's, and the record format's own fields (defined in the crate).
TERMS = {
    "cmocContext": ("cmoc.schema.json#context", "context",
                    "The context (C) of a CMOC: the circumstances in which its mechanism is triggered."),
    "cmocMechanism": ("cmoc.schema.json#mechanism", "mechanism",
                      "The mechanism (M) of a CMOC: what the programme's resources trigger in people's reasoning."),
    "cmocOutcome": ("cmoc.schema.json#outcome", "outcome", "The outcome (O) of a CMOC: what the mechanism produces."),
    "confidence": ("cmoc.schema.json#confidence", "confidence",
                   "How far the evidence supports a CMOC, on the theory's own scale."),
    "rationale": ("cmoc.schema.json#rationale", "rationale",
                  "Why a change to a record was made: the analysts' memo of the refinement."),
    "evidenceContradicting": ("cmoc.schema.json#evidence", "evidence contradicting",
                              "Evidence against a CMOC: never counted as support."),
    "evidenceNotTriggered": ("cmoc.schema.json#evidence", "evidence of the mechanism not triggered",
                             "Evidence of circumstances in which the mechanism was not triggered."),
}


def context(schemas: str) -> list:
    """The crate's JSON-LD context: RO-Crate's, PROV's terms, and the record format's own, each an
    address in the JSON Schemas this edition serves (`schemas`), where the field is defined."""
    return [f"{RO_CRATE}/context", {
        "wasRevisionOf": f"{PROV}wasRevisionOf", "invalidatedAtTime": f"{PROV}invalidatedAtTime",
        **{term: schemas + iri for term, (iri, _, _) in TERMS.items()}}]

FORMATS = {".json": "application/json", ".csv": "text/csv", ".xml": "application/atom+xml",
           ".qdc": "application/xml", ".yaml": "application/yaml", ".cff": "application/yaml", ".pdf": "application/pdf"}


@dataclass(frozen=True)
class DataFile:
    """A file the crate holds (a data entity): its path from the crate's root, and what it is."""
    path: str
    name: str

    def entity(self) -> dict:
        suffix = "." + self.path.rsplit(".", 1)[-1] if "." in self.path else ""
        return {"@id": self.path, "@type": "File", "name": self.name,
                **({"encodingFormat": FORMATS[suffix]} if suffix in FORMATS else {})}


def _page_url(cmoc_id: str) -> str:
    return addresses.Addresses().url(f"cmoc/{cmoc_id}.md")


def cmoc_address(site_url: str, cmoc_id: str) -> str:
    return site_url + _page_url(cmoc_id)


def version_id(site_url: str, cmoc_id: str, entry: int) -> str:
    """A CMOC version's identifier: the history entry (1-based) that made it, as the feeds name it."""
    return f"{cmoc_address(site_url, cmoc_id)}#history-{entry}"


def versions(history) -> list[tuple[int, dict]]:
    """(entry number, history entry) of the entry that made each version, in order: `history` as data."""
    made, seen = [], None
    for n, entry in enumerate(history or [], start=1):
        if entry.get("version") != seen:
            made.append((n, entry))
            seen = entry.get("version")
    return made


def cmoc_version_id(site_url: str, cmoc_id: str, history, version: str) -> str:
    """The identifier of `version` of a CMOC, from its history (as data, or the records' entries):
    what a page citing that version names, and its entity in the crate."""
    site_url = site_url.rstrip("/") + "/"
    made = versions([e if isinstance(e, dict) else {"version": e.version} for e in history or []])
    return next((version_id(site_url, cmoc_id, n) for n, entry in made if entry.get("version") == version),
                f"{cmoc_address(site_url, cmoc_id)}#version-{version}")


def _person(person: dict) -> dict:
    orcid = person.get("orcid")
    name = f"{person.get('given', '')} {person.get('family', '')}".strip()
    key = f"https://orcid.org/{orcid}" if orcid else "#person-" + addresses.slug(name)
    return {"@id": key, "@type": "Person", "name": name, "familyName": person.get("family"),
            "givenName": person.get("given")}


def _source(source: dict) -> dict:
    key = (f"https://doi.org/{source['doi']}" if source.get("doi") else source.get("url")
           or f"#source-{source['id']}")
    return {"@id": key, "@type": "ScholarlyArticle" if source.get("kind") == "publication" else "CreativeWork",
            "name": source.get("title") or source.get("name"), "identifier": source["id"],
            **({"datePublished": str(source.get("published") or source.get("year"))}
               if source.get("published") or source.get("year") else {})}


class _Crate:
    def __init__(self, data: dict, editions: list[Edition], site_url: str):
        self.data, self.site_url = data, site_url
        released = data.get("released")
        own = data.get("edition")
        # only the editions up to this one: a crate made again from an old snapshot says what it said
        self.editions = [e for e in editions if not released or version_key(e.version) < version_key(own)]
        if released:  # this edition itself (`release` makes its crate before the edition is read back)
            self.editions.append(Edition(own, released, data))
        self.graph: dict[str, dict] = {}
        self.sources = {s["id"]: s for s in data.get("sources") or []}
        self.quotes = {q["id"]: q for q in data.get("quotes") or []}
        self.cmocs = {c["id"]: c for c in data.get("cmocs") or []}

    def add(self, entity: dict) -> dict:
        self.graph.setdefault(entity["@id"], entity)
        return {"@id": entity["@id"]}

    def first_published(self, cmoc_id: str, version: str) -> Edition | None:
        return next((e for e in self.editions
                     if (e.record("cmocs", cmoc_id) or {}).get("version") == version), None)

    def holding(self, cmoc: dict, version: str) -> dict | None:
        """The CMOC as recorded at `version`: this edition's record, else the newest edition's that held it."""
        if cmoc.get("version") == version:
            return cmoc
        return next((r for e in reversed(self.editions) if (r := e.record("cmocs", cmoc["id"]))
                     and r.get("version") == version), None)

    def released_on(self, theory_version: str | None) -> str | None:
        return next((e.released for e in self.editions if e.version == theory_version), None)

    def evidence(self, item: dict) -> dict:
        if item.get("quote"):
            quote = self.quotes.get(item["quote"])
            return self.add(self.quote(quote) if quote else
                            {"@id": self.site_url + addresses.Addresses().url(f"{addresses.QUOTES}#{item['quote']}"),
                             "@type": "Quotation", "identifier": item["quote"]})
        source = self.sources.get(item.get("source"))
        return self.add(_source(source) if source else {"@id": f"#source-{item.get('source')}",
                                                        "@type": "CreativeWork", "identifier": item.get("source")})

    def quote(self, quote: dict) -> dict:
        """A quote, named and attributed, without its words."""
        source = self.sources.get(quote.get("source"))
        withdrawn = quote.get("withdrawn")
        entity = {"@id": self.site_url + addresses.Addresses().url(f"{addresses.QUOTES}#{quote['id']}"),
                  "@type": "Quotation", "identifier": quote["id"], "name": f"Quote {quote['id']}",
                  "description": f"Said by participant {quote.get('participant')}.",
                  "creativeWorkStatus": "withdrawn" if withdrawn else "published"}
        if source:
            entity["isBasedOn"] = self.add(_source(source))
        if withdrawn:
            entity["description"] = f"Withdrawn on {withdrawn.get('date')}: {withdrawn.get('reason')}"
        return entity

    def cmoc_versions(self, cmoc: dict) -> dict:
        """Every version of the CMOC as an entity, chained; the reference to the newest."""
        previous = None
        for n, entry in versions(cmoc.get("history")):
            version = entry.get("version")
            record = self.holding(cmoc, version)
            edition = self.first_published(cmoc["id"], version)
            entity = {"@id": version_id(self.site_url, cmoc["id"], n), "@type": "CreativeWork",
                      "name": f"CMOC {cmoc['id'].split('-')[-1].lstrip('0')}, version {version}: "
                              f"{(record or cmoc).get('title')}",
                      "identifier": f"{cmoc['id']}-v{version}", "version": version,
                      "creativeWorkStatus": entry.get("status"),
                      "description": entry.get("change"), "rationale": entry.get("rationale")}
            date = entry.get("date") or self.released_on(entry.get("theory_version"))
            if date:
                entity["dateCreated"] = date
            if edition:
                entity["url"] = f"{self.site_url}{edition.version}/{_page_url(cmoc['id'])}"
            if previous:
                entity["wasRevisionOf"] = previous
            if record:
                entity.update({"cmocContext": record["context"]["text"], "cmocMechanism": record["mechanism"]["text"],
                               "cmocOutcome": record["outcome"]["text"]})
                if record.get("confidence"):
                    entity["confidence"] = record["confidence"]["level"]
                against = [e for e in record.get("evidence") or [] if e.get("direction") == CONTRADICTS]
                silent = [e for e in record.get("evidence") or [] if e.get("direction") == NOT_TRIGGERED]
                derived = [e for e in record.get("evidence") or [] if e not in against and e not in silent]
                for term, items in (("wasDerivedFrom", derived), ("evidenceContradicting", against),
                                    ("evidenceNotTriggered", silent)):
                    if items:
                        entity[term] = [self.evidence(e) for e in items]
            elif entry.get("evidence"):  # a version no edition holds: what its history entry cites for it
                entity["wasDerivedFrom"] = [self.evidence({"quote": q}) for q in entry["evidence"]]
            if entry.get("status") in RETIRED:
                if date:
                    entity["invalidatedAtTime"] = date
                successors = (record or {}).get("replaced_by") or []
                if successors:
                    entity["supersededBy"] = [{"@id": self.current_version(s)} for s in successors]
            previous = self.add(entity)
        return previous

    def current_version(self, cmoc_id: str) -> str:
        cmoc = self.cmocs.get(cmoc_id)
        if cmoc is None:
            return cmoc_address(self.site_url, cmoc_id)
        return cmoc_version_id(self.site_url, cmoc_id, cmoc.get("history"), cmoc["version"])


def crate(data: dict, editions: list[Edition], *, site_url: str, files: list[DataFile],
          doi: str | None = None) -> dict:
    """The RO-Crate of one edition (data["released"] None: the draft, which says so) as JSON-LD."""
    site_url = site_url.rstrip("/") + "/"
    made = _Crate(data, editions, site_url)
    study, version, released = data["study"], data["edition"], data.get("released")
    title = " ".join(study["title"].split())
    licence = made.add({"@id": study["licence_url"], "@type": "CreativeWork", "name": study["licence"]})
    root = {"@id": "./", "@type": "Dataset", "version": version, "license": licence,
            "description": " ".join((study.get("summary") or study.get("description") or title).split()),
            "author": [made.add(_person(p)) for p in study.get("editors") or []],
            "publisher": made.add({"@id": "#publisher", "@type": "Organization",
                                   "name": " ".join(study["publisher"].split())}),
            "keywords": ["realist evaluation", "programme theory", "CMOC"]}
    if study.get("contributors"):
        root["contributor"] = [made.add(_person(p)) for p in study["contributors"]]
    if released:
        root.update({"name": f"{title}, edition {version}", "datePublished": released,
                     "url": f"{site_url}{version}/"})
    else:  # never passes for a release: no date of release, no address of an edition
        dates = [h.get("date") for kind in ("cmocs", "quotes", "outcomes", "services", "sources", "theories", "content")
                 for record in data.get(kind) or [] for h in record.get("history") or [] if h.get("date")]
        root.update({"name": f"{title}, draft of edition {version} (not released, not citable)",
                     "creativeWorkStatus": "draft", "url": f"{site_url}draft/",
                     "datePublished": max(dates, default=datetime.date.today().isoformat())})
    earlier = [e for e in made.editions if version_key(e.version) < version_key(version)]
    if earlier:
        root["wasRevisionOf"] = {"@id": f"{site_url}{earlier[-1].version}/"}
    if doi:
        root["identifier"] = f"https://doi.org/{doi}"
    if study.get("doi"):
        root["isPartOf"] = made.add({"@id": f"https://doi.org/{study['doi']}", "@type": "CreativeWork",
                                     "name": f"{title}: every edition"})
    based_on = made.sources.get(study.get("based_on"))
    if based_on:
        root["isBasedOn"] = made.add(_source(based_on))
    root["mentions"] = [made.cmoc_versions(c) for c in data.get("cmocs") or []]
    for quote in data.get("quotes") or []:  # every quote, cited or not, withdrawn or not (words never)
        made.add(made.quote(quote))
    root["hasPart"] = [made.add(f.entity()) for f in files]
    schemas = addresses.schemas_url(site_url, data.get("edition") or "", data.get("released"))
    for term, (iri, label, comment) in TERMS.items():
        made.add({"@id": schemas + iri, "@type": "rdf:Property", "rdfs:label": label, "rdfs:comment": comment})
    graph = [{key: value[0] if isinstance(value, list) and len(value) == 1 else value for key, value in entity.items()}
             for entity in (root, *made.graph.values())]  # RO-Crate 1.3: one value, not a list of one
    descriptor = {"@id": METADATA, "@type": "CreativeWork", "conformsTo": {"@id": RO_CRATE}, "about": {"@id": "./"}}
    return {"@context": context(schemas), "@graph": [descriptor, *graph]}


def crate_json(data: dict, editions: list[Edition], *, site_url: str, files: list[DataFile],
               doi: str | None = None) -> str:
    out = io.StringIO()
    write_crate(out, data, editions, site_url=site_url, files=files, doi=doi)
    return out.getvalue()


def write_crate(out: TextIO, data: dict, editions: list[Edition], *, site_url: str, files: list[DataFile],
                doi: str | None = None) -> None:
    """The crate as JSON, written as it is encoded (never held whole as text: at 5,000 CMOCs its
    pieces took some 100 MB on the way to one string)."""
    json.dump(crate(data, editions, site_url=site_url, files=files, doi=doi), out, indent=1, ensure_ascii=False)
    out.write("\n")


def site_files(paths: list[str]) -> list[DataFile]:
    """The downloads of an edition's site as data entities, each named for what it is."""
    def name(path: str) -> str:
        if path == addresses.DATA["theory"]:
            return "The whole theory as data (JSON)"
        if path == addresses.DATA["coding_frame"]:
            return "The current CMOCs as a coding frame for qualitative analysis tools (REFI-QDA codebook)"
        if path.startswith("data/schemas/"):
            return f"JSON Schema of the {path.rsplit('/', 1)[-1].split('.')[0]} records"
        if path.startswith("data/"):
            return f"The theory's {path.rsplit('/', 1)[-1].split('.')[0]} as a table (CSV)"
        if path.startswith("feeds/"):
            return f"Atom feed of the changes to {path.rsplit('/', 1)[-1][:-4]}"
        return path
    return [DataFile(p, name(p)) for p in paths]


def archive_files(version: str, records: list[str]) -> list[DataFile]:
    """The files of the repository at a release, as data entities: the snapshot, the files
    `release` writes, and every record (paths from the repository's root)."""
    return [DataFile(f"editions/{version}.json", f"Snapshot of edition {version}: the theory as released"),
            DataFile("editions/manifest.json", "The editions released, with each snapshot's SHA-256"),
            DataFile("CITATION.cff", "How to cite this edition (Citation File Format)"),
            DataFile(".zenodo.json", "The archive's deposit metadata"),
            *(DataFile(path, f"Record {path}") for path in sorted(records))]
