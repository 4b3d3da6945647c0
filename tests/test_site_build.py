"""The built site (real `mkdocs build --strict` output, read with lxml)."""
import json

import pytest
from pathlib import Path

from lxml import html as lxml_html

from conftest import FIXTURE, REPO, build, make_project
from livingtheory import load_theory
from livingtheory.site import evidence
from livingtheory.web.addresses import all_pages
from livingtheory.site.pages import PUBLISHED, render_site

FIXED = load_theory(FIXTURE / "theory")


@pytest.fixture(params=["fixed", pytest.param("live", marks=pytest.mark.live)])
def built(request):
    """(theory, built site): the fixed theory's, and the live theory's (what every theory must meet)."""
    if request.param == "fixed":
        return FIXED, request.getfixturevalue("built_site")
    return load_theory(REPO / "theory"), request.getfixturevalue("live_site")


def page(site: Path, url: str):
    return lxml_html.fromstring((site / url / "index.html").read_bytes())


def text(site: Path, url: str) -> str:
    return page(site, url).text_content()


def test_every_page_exists(built):
    theory, built_site = built
    for path in all_pages(theory):
        assert (built_site / PUBLISHED.url(path) / "index.html").is_file(), path


def test_cmoc_page_holds_the_whole_configuration(built):
    """Every CMOC page: statement, parts, every piece of evidence (each quote, or its withdrawal), the
    circumstances, its neighbours, its edit link and its diagram's text alternative."""
    theory, built_site = built
    for cmoc in theory.cmocs:
        doc = page(built_site, f"cmoc/{cmoc.id}")
        body = " ".join(doc.text_content().split())
        assert doc.findtext(".//h1").startswith(f"CMOC {cmoc.number}: {cmoc.title.split()[0]}")
        assert " ".join(cmoc.statement.split()) in body
        for part in (cmoc.context, cmoc.mechanism, cmoc.outcome):
            assert " ".join(part.text.split()) in body
        for circumstance in cmoc.not_triggered:
            assert circumstance.circumstance in body
        for quote in theory.quotes_of(cmoc):
            assert (f"Withdrawn on {quote.withdrawn.date}" if quote.withdrawn else " ".join(quote.text.split())) in body
        hrefs = doc.xpath("//a/@href")
        for service in theory.services_of(cmoc, "supports"):
            assert f"../../services/{service.id}/" in hrefs
        for neighbour in filter(None, theory.neighbours(cmoc)):
            assert f"../{neighbour.id}/" in hrefs
        assert any(h.endswith(f"/edit/main/theory/cmocs/{cmoc.id}.yaml") for h in hrefs)
        svg = doc.xpath("//div[contains(@class,'diagram')]/svg")[0]  # drawn at build time: its text alternative
        assert svg.findtext("title").startswith(f"CMOC {cmoc.number}:") and "Mechanism:" in svg.findtext("desc")


def test_search_indexes_the_theory_once_and_not_diagram_source_or_citations(built):
    """What readers search for is in the index; boilerplate repeated on every CMOC page is not."""
    theory, built_site = built
    entries = json.loads((built_site / "search/search_index.json").read_text())["docs"]
    by_location = {e["location"]: e["title"] + " " + e["text"] for e in entries}
    everything = " ".join(by_location.values())
    for cmoc in theory.cmocs:
        assert " ".join(cmoc.statement.split()) in " ".join(by_location[f"cmoc/{cmoc.id}/"].split())
        if cmoc.section:  # readers of the source search by its section numbers
            assert cmoc.section in by_location[f"cmoc/{cmoc.id}/#source"]
    assert "flowchart" not in everything and "classDef" not in everything  # Mermaid source
    assert not [loc for loc in by_location if loc.endswith("#how-to-cite-this-cmoc")]
    assert "Within " + theory.outcomes[0].name + ":" not in everything  # previous/next links
    views = tuple(f"map/{b.id}/" for b in theory.study.beneficiaries)
    assert not [loc for loc in by_location if loc.startswith(views)]  # views of the map
    assert "map/" in by_location and "#how-to-cite" in by_location  # the whole map and home's citation stay
    the_map = " ".join(text for location, text in by_location.items() if location.startswith("map/"))
    assert all(c.title in the_map for c in theory.current) and "Focus on" not in the_map  # its list; not its form
    assert not [loc for loc in by_location if loc.startswith(("decisions/", "benchmark/"))]  # not the project's


def test_edit_links_open_the_record_behind_each_page(built_site):
    for url, record in [("cmoc/cmoc-01", "theory/cmocs/cmoc-01.yaml"), ("services/service-04", "theory/services/service-04.yaml"),
                        ("methods", "theory/content/methods.yaml")]:
        edit = page(built_site, url).xpath("//a[contains(@class,'md-content__button')]/@href")
        assert edit and edit[0].endswith("/edit/main/" + record), url


def _diagram_links(doc) -> list[str]:
    return doc.xpath("//div[contains(@class,'diagram')]//a/@*[contains(name(), 'href')]")


def test_map_links_every_cmoc_and_lists_them_as_text(built):
    theory, built_site = built
    doc = page(built_site, "map")
    for cmoc in theory.current:
        assert f"../cmoc/{cmoc.id}/" in _diagram_links(doc)
        assert f"../cmoc/{cmoc.id}/" in doc.xpath("//article//ul//a/@href")
    for beneficiary in theory.study.beneficiaries:
        view = _diagram_links(page(built_site, f"map/{beneficiary.id}"))
        assert sorted(h for h in view if "/cmoc/" in h) == sorted(
            f"../../cmoc/{c.id}/" for c in theory.current if c.beneficiary == beneficiary.id)


def test_services_table_and_evidence_matrix(built):
    theory, built_site = built
    doc = page(built_site, "services")
    tables = doc.xpath("//article//table")
    rows = [r for t in tables[:-1] for r in t.xpath("./tbody/tr")]  # one table per source, then the matrix
    assert len(rows) == len(theory.services)
    for service, row in zip(theory.services, rows):
        assert service.name in row.text_content()
    matrix = tables[-1].xpath("./tbody/tr")
    assert len(matrix) == len(theory.interviewed)
    for service, row in zip(theory.interviewed, matrix):
        assert theory.get(service.source).name in row.xpath("td")[0].text_content()  # which source
        cells = evidence.matrix_row(theory, service)
        for outcome, cell in zip(theory.outcomes, row.xpath("td")[1:]):
            shown = " ".join(cell.text_content().split())
            supports = cells[outcome.id].get("supports", [])
            assert (shown.startswith("supports: " + ", ".join(f"CMOC {c.number}" for c in supports))
                    if supports else "supports" not in shown)
            for direction, words in (("contradicts", "against"), ("not-triggered", "not triggered")):
                for c in cells[outcome.id].get(direction, []):  # contrary evidence is never counted as support
                    assert words in shown and f"CMOC {c.number}" in shown.split(words)[1]


def test_quotes_page_lists_every_quote_once_with_its_anchor(built):
    theory, built_site = built
    doc = page(built_site, "quotes")
    assert sorted(doc.xpath("//div[@class='quote']/@id")) == sorted(q.id for q in theory.quotes)


def test_record_text_links_records_by_id(built):
    theory, built_site = built
    import re
    for content in theory.content:
        hrefs = page(built_site, content.id).xpath("//article//a/@href")
        for record_id in re.findall(r"\[\[(cmoc-\d+)\]\]", content.body):
            assert f"../cmoc/{record_id}/" in hrefs


def test_nothing_is_loaded_from_another_origin(built):
    theory, built_site = built
    for html_file in built_site.rglob("*.html"):
        doc = lxml_html.fromstring(html_file.read_bytes())
        for url in doc.xpath("//script/@src | //link[@rel='stylesheet']/@href | //img/@src | //iframe/@src"):
            assert "://" not in url and not url.startswith("//"), f"{html_file}: {url}"
    assert not (built_site / "assets/javascripts/mermaid.min.js").exists()  # diagrams are SVG: no Mermaid served


def test_sidebar_does_not_carry_every_cmoc(built):
    theory, built_site = built
    nav = page(built_site, f"cmoc/{theory.cmocs[0].id}").xpath("//nav[contains(@class,'md-nav--primary')]//a/@href")
    assert not [h for h in nav if "cmoc-" in h]  # page size is measured by benchmarks/run.py


HOSTILE = '"]; x:::y %% click n1 href "javascript:alert(1)" <img src=x onerror=alert(1)> & *bold* | [[x]] \n end'


def test_record_text_cannot_inject_html_or_break_diagrams(tmp_path):
    project = make_project(tmp_path / "project")
    for snapshot in (project / "editions").glob("*.json"):  # about rendering, not the lifecycle: no release yet
        snapshot.unlink()
    cmoc = project / "theory/cmocs/cmoc-01.yaml"
    source = cmoc.read_text()
    source = source.replace('  label: "Child matched with a similar peer"', f"  label: {json.dumps(HOSTILE[:60])}")
    source = source.replace('title: "Presence of matched peer, role-model of recovery"', f"title: {json.dumps(HOSTILE)}")
    cmoc.write_text(source)
    result = build(project, tmp_path / "site")
    assert result.returncode == 0, result.stderr
    for html_file in (tmp_path / "site").rglob("*.html"):
        raw = html_file.read_text()
        assert "<img src=x" not in raw, html_file
        assert not lxml_html.fromstring(raw).xpath("//*[@onerror]"), html_file
    doc = lxml_html.fromstring((tmp_path / "site/cmoc/cmoc-01/index.html").read_bytes())
    shown = 'CMOC 1: "]; x:::y %% click n1 href "javascript:alert(1)" <img src=x onerror=alert(1)> & *bold* | [[x]] end'
    assert doc.findtext(".//h1").startswith(shown)  # the text is shown as written...
    assert doc.findtext(".//title").startswith(shown)  # ...in the title too, and nothing ran
    svg = doc.xpath("//div[contains(@class,'diagram')]/svg")[0]
    assert "Context: " + " ".join(HOSTILE[:60].split()) in " ".join(svg.xpath("string()").split())  # drawn as text
    assert _diagram_links(doc) == ["../../outcomes/hope/"]  # no link but the one the core writes
    assert not svg.xpath(".//*[local-name()='script' or @onclick or @onerror]")


def test_a_changed_record_changes_every_page_that_shows_it(tmp_path):
    project = make_project(tmp_path / "project")
    quote = project / "theory/quotes/quote-06.yaml"
    old = load_theory(FIXTURE / "theory").get("quote-06").text
    new = old.replace("A young Muslim man", "A young man of faith")
    quote.write_text(quote.read_text().replace("A young Muslim man", "A young man of faith")  # a correct change:
                     + 'history:\n  - date: "2025-02-01"\n    theory_version: "1.1"\n    change: "Reworded."\n'
                       '    rationale: "A detail that could identify the participant."\n')
    study = project / "theory/study.yaml"
    study.write_text(study.read_text().replace('  version: "1.0"', '  version: "1.1"', 1))  # and the theory's version raised
    result = build(project, tmp_path / "site")
    assert result.returncode == 0, result.stderr
    for url in ("cmoc/cmoc-03", "quotes", "services/service-04"):
        body = text(tmp_path / "site", url)
        assert new in body and old not in body, url


def test_a_broken_theory_fails_the_build_with_located_messages_and_no_site(tmp_path):
    project = make_project(tmp_path / "project")
    outcome = project / "theory/outcomes/hope.yaml"
    outcome.write_text(outcome.read_text().replace("order: 1", "order: first"))
    result = build(project, tmp_path / "site")
    assert result.returncode != 0
    assert "theory/outcomes/hope.yaml:4:8: `order` must be a whole number" in result.stderr
    assert not (tmp_path / "site" / "index.html").exists()


def test_every_link_the_core_writes_is_checked(tmp_path):
    """Links inside parts and diagrams reach the page after the builder's own link checks: the
    core notes each target as it writes it, and checks that it is a page or a file of the site."""
    from dataclasses import replace
    from livingtheory.outputs.downloads import citation_files, data_files
    from livingtheory.site.checks import dangling_links
    from livingtheory.records.data import plain
    from livingtheory.records.editions import load_editions
    from livingtheory.outputs.feeds import feed_files
    from livingtheory.records.data import theory_data
    from livingtheory.records.editions import edition_of
    theory = load_theory(FIXTURE / "theory", FIXTURE / "editions")
    editions = load_editions(FIXTURE / "editions", plain(theory.sources))
    pages = render_site(theory, site_url="https://example.org/", editions=editions)
    state = edition_of(theory.study.version, theory_data(theory), editions)
    feeds = feed_files(theory, site_url="https://example.org/", editions=editions, state=state)
    files = {d.path for d in (*citation_files(pages), *data_files(theory), *feeds)}
    assert dangling_links(pages, files, tmp_path) == []  # the real pages' links all lead somewhere
    cmoc = next(p for p in pages if p.path.startswith("cmoc/") and p.cited)
    assert {"sources/index.md", "index.md"} <= cmoc.links  # noted as written
    assert any(link.startswith("cite/") for link in cmoc.links) and any(link.startswith("outcomes/") for link in cmoc.links)
    broken = replace(cmoc, links=cmoc.links | {"quotes/x.md"})
    (problem,) = dangling_links([broken if p is cmoc else p for p in pages], files, tmp_path)
    assert problem.file == cmoc.source and f"the page {cmoc.path} links quotes/x.md, which is no page" in problem.message


def test_diagrams_are_data_that_name_the_pages_they_open():
    theory = load_theory(REPO / "theory")
    pages = {p.path: p for p in render_site(theory, site_url="https://example.org/")}
    (whole,) = pages["map/index.md"].diagrams
    assert whole.wide and {f"cmoc/{c.id}.md" for c in theory.current} <= set(whole.links)
    for cmoc in theory.cmocs:
        (diagram,) = pages[f"cmoc/{cmoc.id}.md"].diagrams
        assert diagram.links == (f"outcomes/{cmoc.outcome_group}.md",) and "flowchart" in diagram.source


def test_field_reference_lists_every_field_of_every_schema(built):
    theory, built_site = built
    from livingtheory.records.schema import KINDS, inlined_schema
    doc = page(built_site, "reference/fields")
    listed = set(doc.xpath("//article//td[1]/code/text()"))

    def names(schema, prefix=""):
        for name, spec in schema.get("properties", {}).items():
            yield prefix + name
            if spec.get("type") == "object":
                yield from names(spec, f"{prefix}{name}.")
            if spec.get("items", {}).get("type") == "object":
                yield from names(spec["items"], f"{prefix}{name}[].")
    for kind in KINDS:
        missing = set(names(inlined_schema(kind))) - listed
        assert not missing, (kind, missing)
    assert "history[].rationale" in listed and "evidence[].direction" in listed and "columns" in listed
    examples = " ".join(doc.xpath("//article//td[5]//text()"))
    assert theory.cmocs[0].id in examples  # examples come from the theory being built


def test_rameses_ii_page_maps_all_twenty_items_to_real_pages(built_site):
    doc = page(built_site, "reporting/rameses-ii")
    rows = doc.xpath("//article//tbody/tr")
    assert [r.xpath("td[1]")[0].text_content() for r in rows] == [str(i.item) for i in FIXED.reporting.items]
    for href in doc.xpath("//article//tbody//a/@href"):
        target = (built_site / "reporting/rameses-ii" / href.split("#")[0]).resolve()
        assert (target / "index.html").is_file() or target.is_file(), href
        if "#" in href:  # a section of a content page: the heading is there
            assert page(built_site, str(target.relative_to(built_site))).xpath(f"//*[@id='{href.split('#')[1]}']"), href


def test_a_merged_cmoc_stays_published_and_links_its_successor(tmp_path):
    project = make_project(tmp_path / "project")
    cmoc = project / "theory/cmocs/cmoc-03.yaml"
    cmoc.write_text(cmoc.read_text().replace('status: initial\nversion: "1.0"',
                                             'status: merged\nversion: "2.0"\nreplaced_by: [cmoc-02]')
                    + '  - {date: "2026-11-22", theory_version: "1.1", version: "2.0", status: merged, '
                      'change: "Merged into CMOC 2.", rationale: "Same mechanism.", evidence: []}\n')
    study = project / "theory/study.yaml"
    study.write_text(study.read_text().replace('version: "1.0"', 'version: "1.1"', 1))
    result = build(project, tmp_path / "site")
    assert result.returncode == 0, result.stderr
    doc = page(tmp_path / "site", "cmoc/cmoc-03")
    warning = doc.xpath("//div[contains(@class,'admonition') and contains(@class,'warning')]")[0]
    assert "This CMOC has been merged" in warning.text_content()
    assert warning.xpath(".//a/@href") == ["../cmoc-02/"]
    changes = text(tmp_path / "site", "changes")
    assert "cmoc-03" in changes and "initial" in changes and "merged" in changes  # not yet released


def test_a_hand_written_page_cannot_hide_a_generated_one(tmp_path):
    project = make_project(tmp_path / "project")
    (project / "docs/map").mkdir()
    (project / "docs/map/index.md").write_text("# My own map\n")
    result = build(project, tmp_path / "site")
    assert result.returncode != 0
    assert "docs/map/index.md: this hand-written page would hide a page generated from the theory's records" in result.stderr


def test_missing_mermaid_says_how_to_install_it(tmp_path):
    project = make_project(tmp_path / "project")
    (project / "node_modules").unlink()
    result = build(project, tmp_path / "site")
    assert result.returncode != 0
    assert "node_modules/mermaid/dist/mermaid.min.js is missing: run `npm ci` (or `make setup`)" in result.stderr


def test_every_numbered_citation_leads_to_its_work(built_site):
    """[14] in the methods and discussion is a link to work 14 on the references page, which lists
    every work of theory/references.yaml under its number."""
    import re
    references = page(built_site, "references")
    listed = {li.get("id"): li for li in references.xpath("//ol[@class='references']/li")}
    assert sorted(int(i.removeprefix("ref-")) for i in listed) == sorted(FIXED.references.numbers)
    for work in FIXED.references:
        assert listed[work.anchor].get("value") == str(work.number)
    cited = 0
    for content in FIXED.content:
        doc = page(built_site, content.id)
        links = [a for a in doc.xpath("//article//a[contains(@href, '#ref-')]")]
        numbers = [n for group in re.findall(r"\[(\d[\d,\s\u2013-]*)\]", content.body)
                   for n in re.findall(r"\d+", group)]
        assert [a.text_content() for a in links] == numbers, content.id  # every number, in order, is a link
        for a in links:
            assert a.get("href") == f"../references/#ref-{a.text_content()}"
        cited += len(links)
    assert cited >= 30


def test_a_maps_key_explains_each_notation_its_drawing_uses_and_no_other(tmp_path):
    """A key quotes notations taken from its own drawing ("leads to CMOC 36" only where one drawn
    CMOC names another drawn here), and every notation the drawing uses is in its key."""
    import html
    import re
    import sys
    sys.path.insert(0, str(REPO / "benchmarks"))
    from run import synthetic_theory
    synthetic_theory(50, tmp_path / "theory")
    checked = 0
    for theory in (FIXED, load_theory(tmp_path / "theory")):
        relation_names = [t.name for t in theory.study.vocabulary.relation_types]
        for page in render_site(theory, site_url="https://example.org/"):
            keys = [html.unescape(p) for p in page.parts.values() if isinstance(p, str) and 'class="legend"' in p]
            for diagram in page.diagrams:
                if not keys or "flowchart LR" not in diagram.source or page.path.startswith("cmoc/"):
                    continue
                key, drawn = " ".join(keys), re.sub(r"#(\d+);", lambda m: chr(int(m[1])), diagram.source)  # Mermaid's entities
                for notation in re.findall("“([^”]+)”", key):
                    if not notation.startswith("["):  # "[2 for, 1 against]" is an example of the form
                        assert notation in drawn, (page.path, notation)
                relations = any(re.search(rf"{re.escape(name)} CMOC \d+", drawn) for name in relation_names)
                assert relations == any(f"{name} CMOC" in key for name in relation_names), page.path
                assert (" for]" in drawn or " against]" in drawn) == ("for, 1 against]" in key), page.path
                checked += 1
    assert checked >= 2 + 5
