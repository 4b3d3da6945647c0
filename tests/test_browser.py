"""What a reader sees: the built site served on 127.0.0.1, in Debian's Chromium driven by Playwright."""
import functools
import http.server
import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from conftest import FIXTURE, REPO, SiteServer, Visit, make_project

pytestmark = pytest.mark.browser
ARTIFACTS = REPO / "test-artifacts"
AXE = REPO / "node_modules/axe-core/axe.min.js"


@pytest.fixture(scope="session")
def site_url(site_server):
    return site_server.url


@pytest.fixture
def visit(browser, site_url):
    visits = []

    def open_(url: str = "", **context) -> Visit:
        v = Visit(browser, site_url, **context)
        visits.append(v)
        v.go(site_url + url)
        return v
    yield open_
    for v in visits:
        v.close()


@pytest.fixture
def live_visit(browser, live_server):
    """As `visit`, on the live theory's site: for what every theory must meet."""
    visits = []

    def open_(url: str = "", **context) -> Visit:
        v = Visit(browser, live_server.url, **context)
        visits.append(v)
        v.go(live_server.url + url)
        return v
    yield open_
    for v in visits:
        v.close()


def _live_theory():
    from livingtheory import load_theory
    return load_theory(REPO / "theory")


def generated_pages(site: Path) -> list[str]:
    return sorted(str(p.parent.relative_to(site)).replace(".", "") + "/" if p.parent != site else ""
                  for p in site.rglob("index.html") if "assets" not in p.parts)


def test_every_page_renders_without_errors_or_foreign_requests(live_site, live_visit):
    theory = _live_theory()
    pages = generated_pages(live_site)
    assert len(pages) >= len(theory.cmocs) + len(theory.outcomes) + len(theory.services) + 8
    drawn = 0
    v = live_visit(pages[0])  # one browser context, page after page: what each page records is its own
    for url in pages:
        v.errors.clear(), v.foreign.clear()
        v.go(v.origin + url)
        states = v.diagrams()
        assert all(s == "svg" for s in states), f"{url}: {states}"
        assert "Syntax error" not in v.page.inner_text("body"), url
        assert v.errors == [], f"{url}: {v.errors}"
        assert v.foreign == [], f"{url}: {v.foreign}"
        drawn += len(states)
    assert drawn >= len(theory.cmocs) + len(theory.outcomes) + 1  # CMOC pages, outcome pages, the maps


def test_clicking_a_node_on_the_map_opens_that_cmoc(visit, site_url):
    v = visit("map/")
    node = v.page.locator("div.diagram a").filter(has_text="CMOC 5:")
    node.click()
    v.page.wait_for_url(site_url + "cmoc/cmoc-05/")
    v.wait_for_diagrams()
    assert v.page.locator("h1").inner_text().startswith("CMOC 5:")
    assert v.diagrams() == ["svg"]


def test_diagrams_render_after_in_site_navigation(visit, site_url):
    v = visit("")
    v.page.wait_for_load_state("networkidle")  # instant navigation starts once the sitemap has loaded
    v.page.evaluate("window.__sameDocument = true")  # survives only instant (in-site) navigation
    for link, url in (("article a[href$='map/']", "map/"), ("article a[href$='cmoc/cmoc-07/']", "cmoc/cmoc-07/")):
        before = v.page.title()
        v.page.locator(link).first.click()
        v.page.wait_for_url(site_url + url)
        # Instant navigation may change the address before it swaps the new page in.
        v.page.wait_for_function("title => document.title !== title", arg=before)
        v.wait_for_diagrams()
        assert v.diagrams() == ["svg"], url
    assert v.page.evaluate("window.__sameDocument") is True, "navigation should have been in-site"
    assert v.errors == [] and v.foreign == []


def test_search_for_a_quote_phrase_lists_its_cmoc(visit):
    v = visit("")
    search = v.page.locator("input.md-search__input")
    search.click()
    v.page.wait_for_function(  # the search index loads in a worker; typing before it is ready is lost
        "() => !/Initializing/i.test(document.querySelector('.md-search-result__meta').textContent)")
    search.press_sequentially("they are there to model hope")
    results = v.page.locator(".md-search-result__item a")
    results.first.wait_for()
    assert "/cmoc/cmoc-01/" in results.first.get_attribute("href")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_serious_accessibility_violations(live_site, live_visit, scheme):
    """Every page, in light and in dark."""
    pages = generated_pages(live_site)
    v = live_visit(pages[0], color_scheme=scheme)  # one browser context, page after page
    for url in pages:
        v.go(v.origin + url)
        v.page.add_script_tag(path=str(AXE))
        found = v.page.evaluate("""async () => (await axe.run()).violations
            .filter(v => v.impact === 'serious' || v.impact === 'critical')
            .map(v => `${v.id}: ${v.nodes.map(n => n.target.join(' ')).join(', ')}`)""")
        assert found == [], f"{url} ({scheme}): {found}"


@pytest.mark.parametrize("width,name", [(390, "phone"), (1280, "desktop")])
def test_screenshots_of_a_cmoc_page_and_the_map(visit, width, name):
    ARTIFACTS.mkdir(exist_ok=True)
    for url, what in [("cmoc/cmoc-01/", "cmoc"), ("map/", "map")]:
        v = visit(url, viewport={"width": width, "height": 900})
        v.page.screenshot(path=str(ARTIFACTS / f"{what}-{name}.png"), full_page=True)
        assert (ARTIFACTS / f"{what}-{name}.png").stat().st_size > 10_000
        v.close()


def test_hostile_record_text_is_drawn_as_text(browser, tmp_path):
    project = make_project(tmp_path / "project")
    for snapshot in (project / "editions").glob("*.json"):  # about rendering, not the lifecycle: no release yet
        snapshot.unlink()
    cmoc = project / "theory/cmocs/cmoc-01.yaml"
    hostile = '"]; x:::y %% click c href "javascript:window.pwned=1" <img src=x onerror="window.pwned=1"> & end'
    source = cmoc.read_text().replace('title: "Presence of matched peer, role-model of recovery"', f"title: {json.dumps(hostile)}")
    source = source.replace('  label: "Child matched with a similar peer"', '  label: "<b>bold</b> %% click c \\"x\\" ::: ; end\\n"')
    cmoc.write_text(source)
    server = SiteServer(project, tmp_path / "site")
    url = server.url
    assert server.result.returncode == 0, server.result.stderr
    try:
        v = Visit(browser, url)
        for page in ("cmoc/cmoc-01/", "map/", "quotes/"):
            v.go(url + page)
            assert all(s == "svg" for s in v.diagrams()), page
        v.go(url + "cmoc/cmoc-01/")
        svg_text = v.page.evaluate("document.querySelector('div.diagram svg').textContent")
        assert '<b>bold</b> %% click c "x" ::: ; end' in svg_text
        v.page.locator("div.diagram").first.click()
        assert v.page.evaluate("window.pwned") is None
        assert v.errors == [] and v.foreign == []
        v.close()
    finally:
        server.close()


# Record text that `check` accepts, in every kind of field, written to run a script or load another site.
ACCEPTED_HOSTILE = {
    "title": '<img src=x onerror="alert(1)"> <script>alert(2)</script> {: onfocus="alert(3)" autofocus }',
    "markdown": ('Text \\[x\\](javascript:alert(4)) and `<script>alert(5)</script>` and '
                 '[ok](https://example.org/ "onmouseover=alert(6)") and <https://example.org/x.gif>'),
    "label": '<img src=x onerror=alert(9)>{:autofocus}',
    "quote": '<img src=x onerror="alert(7)"> javascript:alert(7) [x](javascript:alert(8)) {: onfocus="alert(10)" }',
}
# What `check` refuses, rendered without it: the sanitiser and the page's inert HTML must still hold.
REFUSED_HOSTILE = "\n\n".join([
    "[a](javascript:alert(11))", "[b](JaVaScRiPt:alert(12))", "[c][r]\n\n[r]: javascript:alert(13)",
    '<img src="javascript:alert(14)">', '<img src=x onerror="alert(15)">', "![](https://example.org/p.gif)",
    'A paragraph.\n{: autofocus onfocus="alert(16)" }', "<script>alert(17)</script>", "[d](//example.org/)",
    "[e](data:text/html,<script>alert(18)</script>)", "<iframe src=https://example.org></iframe>"])


def _watch(v: Visit) -> list[str]:
    dialogs = []
    v.page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    return dialogs


def _assert_inert(v: Visit, dialogs: list[str], where: str) -> None:
    v.page.wait_for_load_state("networkidle")
    for link in v.page.locator("article a").all():  # focus and hover every link a reader can reach
        if link.is_visible():  # e.g. the drawn map is hidden on a narrow screen, its chains shown
            link.focus()
            link.hover()
    article = v.page.locator("article")
    own = '[src$="assets/javascripts/mermaid.min.js"]'  # the site's own Mermaid, where the build drew no diagrams
    assert article.locator(f"img, script:not({own}), iframe, [onerror], [onfocus], [onmouseover], [autofocus]").count() == 0, where
    hrefs = article.evaluate("a => [...a.querySelectorAll('a[href]')].map(l => l.href)")
    assert not [h for h in hrefs if not h.startswith(("http://127.0.0.1", "https:", "http:", "mailto:"))], hrefs
    assert dialogs == [] and v.foreign == [], (where, dialogs, v.foreign)


def test_pages_from_hostile_records_run_no_script_and_fetch_nothing(browser, tmp_path):
    project = make_project(tmp_path / "project")
    for snapshot in (project / "editions").glob("*.json"):  # about rendering, not the lifecycle
        snapshot.unlink()
    theory = project / "theory"
    edits = {"cmocs/cmoc-01.yaml": [("title: ", "title", "title"), ("summary: |-", "markdown", "block"),
                                    ("  label: ", "label", "title")],
             "quotes/quote-01.yaml": [("text: |-", "quote", "block")],
             "outcomes/hope.yaml": [("name: ", "label", "title"), ("description: ", "title", "title")],
             "content/methods.yaml": [("body: |-", "markdown", "prepend")],
             "study.yaml": [("  summary: |-", "markdown", "indented")]}
    for record, fields in edits.items():
        lines = (theory / record).read_text().splitlines()
        for start, kind, style in fields:
            i = next(n for n, line in enumerate(lines) if line.startswith(start))
            if style == "title":
                lines[i] = f"{start}{json.dumps(ACCEPTED_HOSTILE[kind])}"
            elif style == "prepend":  # keep the sections that the RAMESES II page links to
                lines[i + 1:i + 1] = ["  " + ACCEPTED_HOSTILE[kind], ""]
            else:
                indent = "    " if style == "indented" else "  "
                end = i + 1
                while end < len(lines) and (lines[end].startswith(indent) or not lines[end].strip()):
                    end += 1
                lines[i + 1:end] = [indent + ACCEPTED_HOSTILE[kind]]
        (theory / record).write_text("\n".join(lines) + "\n")
    server = SiteServer(project, tmp_path / "site")
    assert server.result.returncode == 0, server.result.stderr
    try:
        for page in ("", "cmoc/cmoc-01/", "map/", "quotes/", "outcomes/hope/", "methods/", "changes/"):
            v = Visit(browser, server.url)
            dialogs = _watch(v)
            v.go(server.url + page)
            _assert_inert(v, dialogs, page)
            v.close()
    finally:
        server.close()


# Record values that reach the theme's own places (header, footer, navigation, <title>, head), where
# Material prints them unescaped: each written to run a script or fetch another site.
THEME_HOSTILE = {
    ("study.yaml", "  publisher: "): 'Peer <img src=x onerror=alert(21)> support "quoted" & more',
    ("study.yaml", "  description: "): '"><script>alert(22)</script>',
    ("study.yaml", "    name: "): '<svg onload=alert(23)>',  # the theory's licence
    ("study.yaml", "  title: "): '</title><script>alert(24)</script>',
    ("sources/thompson-2023.yaml", "name: "): '<svg/onload=alert(25)> et al.',
    ("sources/thompson-2023.yaml", "doi: "): '10.1007/<svg/onload=alert(26)>',
    ("sources/thompson-2023.yaml", "  name: "): '<img src=//example.org/x onerror=alert(27)>',  # its licence
    ("content/methods.yaml", "title: "): 'Methods <img src=x onerror=alert(28)>',
    ("content/discussion.yaml", "title: "): '<a href="javascript:alert(29)" autofocus onfocus=alert(30)>Discussion</a>',
}


def test_record_values_in_the_theme_run_no_script_on_any_page(browser, tmp_path):
    """The site's name, description and copyright and the navigation come from the records; the theme
    prints them unescaped, so they are encoded before they reach it (issue 20)."""
    project = make_project(tmp_path / "project")
    for snapshot in (project / "editions").glob("*.json"):  # about rendering, not the lifecycle
        snapshot.unlink()
    for (record, start), value in THEME_HOSTILE.items():
        path = project / "theory" / record
        lines = path.read_text().splitlines()
        i = next(n for n, line in enumerate(lines) if line.startswith(start))
        lines[i] = f"{start}{json.dumps(value)}"
        path.write_text("\n".join(lines) + "\n")
    server = SiteServer(project, tmp_path / "site")
    assert server.result.returncode == 0, server.result.stderr
    try:
        for page in ("", "cmoc/cmoc-01/", "map/", "methods/", "discussion/", "sources/", "changes/", "404.html"):
            _theme_page_is_inert(browser, server.url, page)
    finally:
        server.close()
    # The same records through the docs step, built by Zensical (which runs no hooks).
    zensical = REPO / ".venv-zensical/bin/zensical"
    if not zensical.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{zensical} is missing: `make setup` installs it")
        pytest.skip("Zensical is not installed (make setup)")
    out = tmp_path / "zensical"
    handler = functools.partial(_Quiet, directory=str(out / "site"))
    http_server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    url = f"http://127.0.0.1:{http_server.server_address[1]}/"
    docs = subprocess.run([sys.executable, "-m", "livingtheory", "docs", str(out), "--project", str(project),
                           "--site-url", url], capture_output=True, text=True)
    assert docs.returncode == 0, docs.stderr
    built = subprocess.run([str(zensical), "build", "--clean"], cwd=out, capture_output=True, text=True)
    assert built.returncode == 0, built.stdout + built.stderr
    threading.Thread(target=http_server.serve_forever, daemon=True).start()
    try:
        for page in ("", "cmoc/cmoc-01/", "methods/", "sources/"):
            _theme_page_is_inert(browser, url, page, nav=False)
    finally:
        http_server.shutdown()
        http_server.server_close()


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def _theme_page_is_inert(browser, url: str, page: str, *, nav: bool = True) -> None:
    """The theme's places on the page hold the hostile values as text: no handler, no dialog, no
    request to another origin."""
    v = Visit(browser, url)
    dialogs = _watch(v)
    v.go(url + page)
    v.page.wait_for_load_state("networkidle")
    for link in v.page.locator("nav a").all()[:40]:
        if link.is_visible():
            link.focus()
    handlers = v.page.evaluate("""() => [...document.querySelectorAll('*')].flatMap(e =>
        [...e.attributes].filter(a => /^on/i.test(a.name) || /^\\s*javascript:/i.test(a.value))
        .map(a => e.tagName + ' ' + a.name))""")
    assert handlers == [] and dialogs == [] and v.foreign == [], (page, handlers, dialogs, v.foreign)
    assert v.page.locator("header img, footer img, nav img, header svg[onload], footer svg[onload]").count() == 0
    assert 'Peer <img src=x onerror=alert(21)> support "quoted" & more' in v.page.locator("header").first.inner_text(), page
    assert "<svg/onload=alert(25)> et al." in v.page.locator("footer").inner_text(), page
    if page == "" and nav:
        primary = v.page.locator("nav.md-nav--primary").inner_text()
        assert "Methods <img src=x onerror=alert(28)>" in primary, primary
    v.close()


def test_refused_markdown_rendered_anyway_stays_inert(browser, tmp_path):
    """Defence in depth: record Markdown that `check` refuses, rendered without the check and built
    by MkDocs with the site's own Markdown extensions (attr_list included)."""
    from dataclasses import replace

    from livingtheory import load_theory
    from livingtheory.web.addresses import Addresses
    from livingtheory.site.generate import GeneratedSite, write_docs
    from livingtheory.site.pages import render_site

    theory = load_theory(FIXTURE / "theory")
    cmocs = tuple(replace(c, summary=REFUSED_HOSTILE) if c.id == "cmoc-01" else c for c in theory.cmocs)
    content = tuple(replace(c, body=REFUSED_HOSTILE) for c in theory.content)
    theory = replace(theory, cmocs=cmocs, content=content, study=replace(theory.study, summary=REFUSED_HOSTILE))
    docs = tmp_path / "project" / "docs"
    from livingtheory.outputs.citation import Credits
    from livingtheory.records.data import theory_data
    from livingtheory.records.editions import edition_of
    state = edition_of(theory.study.version, theory_data(theory), [])
    write_docs(GeneratedSite(theory.study, theory.based_on, [], render_site(theory), [], [], [], {}, [],
                             "https://example.org/", None, Addresses(), state, Credits.of(theory.study, theory.based_on),
                             not_drawn="a test"), docs)
    extensions = (REPO / "mkdocs.yml").read_text().split("markdown_extensions:")[1].split("\nhooks:")[0]
    mermaid = docs / "assets/javascripts/mermaid.min.js"  # as the site serves it (else Material asks a CDN)
    mermaid.parent.mkdir(parents=True)
    mermaid.write_bytes((REPO / "node_modules/mermaid/dist/mermaid.min.js").read_bytes())
    (tmp_path / "project/mkdocs.yml").write_text(
        f"site_name: test\ntheme: {{name: material, font: false}}\nmarkdown_extensions:{extensions}\n"
        "extra_javascript: [assets/javascripts/mermaid.min.js]\n")
    server = SiteServer(tmp_path / "project", tmp_path / "site", strict=False)
    assert server.result.returncode == 0, server.result.stderr
    try:
        for page in ("", "cmoc/cmoc-01/", "methods/", "discussion/"):
            v = Visit(browser, server.url)
            dialogs = _watch(v)
            v.go(server.url + page)
            assert "A paragraph." in v.page.locator("article").inner_text(), page
            _assert_inert(v, dialogs, page)
            v.close()
    finally:
        server.close()


# The size of each diagram's text as shown: its CSS size times the scale the SVG is drawn at.
def test_diagram_text_is_legible_on_a_phone_without_page_scroll(live_site, live_visit):
    """At 390 px every diagram shown has text of 12 CSS px or more, and the page does not scroll
    sideways; a page whose drawing is too wide for a phone shows its chains top to bottom instead."""
    theory = _live_theory()
    with_diagrams = [url for url in generated_pages(live_site)
                     if 'class="diagram' in (live_site / url / "index.html").read_text()]
    assert len(with_diagrams) >= len(theory.cmocs) + len(theory.outcomes) + 1
    for url in with_diagrams:
        v = live_visit(url, viewport={"width": 390, "height": 844})
        shown = [d for d in v.page.evaluate(_DIAGRAMS_AS_SEEN) if d["shown"]]
        assert all(d["text"] >= 12 for d in shown), (url, shown)
        if url.startswith("cmoc/"):  # one CMOC's diagram is drawn to fit a phone
            assert shown, url
        elif not shown:
            assert v.page.locator(".chain").first.is_visible(), url
        assert not v.page.evaluate("document.documentElement.scrollWidth > window.innerWidth"), url
        v.close()


def test_the_services_table_is_a_card_per_service_on_a_phone(visit):
    """At 390 px each service is a card (cells one under another, each with its column's name) that
    fits the screen; at 1,280 px it is a table."""
    cells = "[...document.querySelectorAll('.table-cards td')]"
    v = visit("services/", viewport={"width": 390, "height": 844})
    rows = v.page.evaluate("document.querySelectorAll('.table-cards tbody tr').length")
    assert rows >= 1 and v.page.evaluate("""[...document.querySelectorAll('.table-cards tbody tr')].every(tr =>
        tr.cells.length === tr.closest('table').querySelectorAll('thead th').length)""")  # the source's own columns
    assert v.page.evaluate(f"{cells}.every(td => getComputedStyle(td).display === 'block')")
    assert v.page.evaluate(f"{cells}.every(td => getComputedStyle(td, '::before').content.includes(td.dataset.label))")
    assert v.page.evaluate("[...document.querySelectorAll('.table-cards .md-typeset__scrollwrap, .table-cards table')]"
                           ".every(box => box.scrollWidth <= box.clientWidth + 1)")
    assert not v.page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
    v.close()
    v = visit("services/", viewport={"width": 1280, "height": 900})
    assert v.page.evaluate(f"{cells}.every(td => getComputedStyle(td).display === 'table-cell')")
    v.close()


def test_pages_load_no_diagram_javascript_and_diagrams_need_no_javascript(built_site, visit, site_url):
    for url in ("", "cmoc/cmoc-04/", "map/", "methods/", "quotes/"):
        v = visit(url)
        scripts = v.page.evaluate("[...document.scripts].map(s => s.src).filter(Boolean)")
        assert not [s for s in scripts if "mermaid" in s], (url, scripts)
        v.close()
    assert not (built_site / "assets/javascripts/mermaid.min.js").exists()
    v = visit("cmoc/cmoc-04/", java_script_enabled=False)
    assert v.page.locator(".diagram svg").count() == 1
    assert "Mechanism" in v.page.locator(".diagram svg").text_content()


def test_a_cmoc_page_prints_as_content_alone(visit, site_url):
    v = visit("cmoc/cmoc-03/")
    v.page.emulate_media(media="print")
    hidden = v.page.evaluate("""() => ['.md-header', '.md-sidebar--primary', '.md-footer', '.md-content__button']
        .map(s => document.querySelector(s)).filter(Boolean).map(e => getComputedStyle(e).display)""")
    assert hidden and set(hidden) == {"none"}
    assert v.page.locator("h1").is_visible() and v.page.locator("div.quote").first.is_visible()
    pdf = v.page.pdf()
    assert pdf.startswith(b"%PDF") and len(pdf) > 20_000
    (REPO / "test-artifacts").mkdir(exist_ok=True)
    (REPO / "test-artifacts" / "cmoc-03-print.pdf").write_bytes(pdf)


def _explore(v: Visit) -> list[str]:
    """The CMOCs the explorer shows, and its count line."""
    return v.page.evaluate("""() => [...document.querySelectorAll('.explore-list li[data-cmoc]')]
        .filter(li => !li.hidden).map(li => li.dataset.cmoc)""")


def test_the_map_explorer_filters_focuses_and_keeps_the_view_in_the_address(visit, site_url):
    from livingtheory import load_theory
    theory = load_theory(FIXTURE / "theory")
    v = visit("map/")
    assert v.page.locator("form.explore").is_visible()
    assert _explore(v) == [c.id for c in theory.current]
    service = next(s for s in theory.services if any(s in theory.services_of(c) for c in theory.current))
    v.page.select_option("select[name=service]", service.id)
    expected = [c.id for c in theory.current if service in theory.services_of(c)]
    assert _explore(v) == expected and f"?service={service.id}" in v.page.url
    assert v.page.locator(".explore-count").inner_text() == f"{len(expected)} of {len(theory.cmocs)} CMOCs shown"
    shared = v.page.url  # the view is in the address: opening it shows the same CMOCs
    other = visit(shared.removeprefix(site_url))
    assert _explore(other) == expected
    v.page.locator("form.explore button[type=reset]").click()
    v.page.select_option("select[name=focus]", theory.current[0].id)
    focused = set(_explore(v))
    assert theory.current[0].id in focused and focused <= {c.id for c in theory.cmocs}
    v.page.keyboard.press("Tab")  # the filters are native controls: the keyboard reaches them
    assert v.errors == [] and v.foreign == []


def test_the_map_works_at_1000_cmocs(browser, tmp_path):
    """At 1,000 CMOCs the map opens with the theory at a glance (each outcome with its counts, opening
    its own page, its 200 CMOCs listed: a drawing of them would be many screens tall); the explorer
    filters, focuses and shares views of all of them, and the glance says what is shown."""
    import shutil
    import sys
    sys.path.insert(0, str(REPO / "benchmarks"))
    from run import synthetic_theory
    project = make_project(tmp_path / "project")
    shutil.rmtree(project / "theory")
    synthetic_theory(1000, project / "theory")
    for snapshot in (project / "editions").glob("*.json"):  # a synthetic theory has no released edition
        snapshot.unlink()
    server = SiteServer(project, tmp_path / "site")
    assert server.result.returncode == 0, server.result.stderr
    try:
        v = Visit(browser, server.url)
        v.go(server.url + "map/?outcome=hope")
        assert v.diagrams() == []
        text = v.page.inner_text("article")
        assert "Maximum text size" not in text and "Syntax error" not in text
        rows = v.page.locator(".glance-list li")
        assert rows.count() == 5 and rows.filter(has_text="Hope: 200 CMOCs").count() == 1
        assert rows.filter(has_text="(0 shown)").count() == 4  # the others, while only Hope is chosen
        shown = v.page.evaluate("() => [...document.querySelectorAll('.explore-list li[data-cmoc]')].filter(li => !li.hidden).length")
        assert shown == 200 and v.page.locator(".explore-count").inner_text() == "200 of 1000 CMOCs shown"
        v.page.select_option("select[name=focus]", "cmoc-0500")
        assert "focus=cmoc-0500" in v.page.url
        before = v.page.title()
        rows.locator("a").first.click()  # an outcome opens its own page: too many to draw legibly,
        v.page.wait_for_url("**/outcomes/**")  # they are listed, and the explorer filters them
        # Instant navigation may change the address before it swaps the new page in.
        v.page.wait_for_function("title => document.title !== title", arg=before)
        v.wait_for_diagrams()
        assert v.diagrams() == [] and "too many CMOCs to draw at once" in v.page.inner_text("article")
        assert v.page.locator("article li a[href*='cmoc/']").count() >= 200
        assert v.errors == [] and v.foreign == []
        v.close()
    finally:
        server.close()


# ----------------------------------------------------------------------------- the map as a reader uses it

_UNDIMMED_CMOCS = """() => [...document.querySelectorAll('.diagram svg g.node')]
    .filter(n => !n.classList.contains('explore-dim')).map(n => (n.id.match(/-flowchart-(.+)-\\d+$/) || [])[1])"""


def _fixed_theory():
    from livingtheory import load_theory
    return load_theory(FIXTURE / "theory")


def test_the_explorer_acts_on_the_drawing(visit):
    """A filter dims, in the SVG itself, every CMOC node it leaves out and every arrow to or from one."""
    theory = _fixed_theory()
    service = next(s for s in theory.services if 0 < sum(s in theory.services_of(c) for c in theory.current) < 4)
    v = visit(f"map/?service={service.id}")
    kept = [c for c in theory.current if service in theory.services_of(c)]
    shown = [key for key in v.page.evaluate(_UNDIMMED_CMOCS) if key.startswith("n")]
    assert sorted(shown) == sorted(f"n{c.number}" for c in kept)
    dimmed_edges = v.page.evaluate("document.querySelectorAll('.diagram svg path.explore-dim').length")
    assert dimmed_edges >= 2 * (len(theory.current) - len(kept))  # each left-out CMOC's arrows in and out
    v.page.locator("form.explore button[type=reset]").click()  # the form resets, then the drawing follows
    v.page.wait_for_function("document.querySelectorAll('.diagram svg .explore-dim').length === 0")


def test_a_path_is_traced_from_a_context_to_an_outcome_with_its_evidence(visit):
    """From a context two CMOCs share, to one of their outcomes: exactly the CMOCs on the way are
    shown, in the drawing and as a list, each step with its evidence for and against."""
    from livingtheory.site import evidence
    theory = _fixed_theory()
    by_context = {}
    for c in theory.current:
        by_context.setdefault(" ".join(c.context.label.lower().split()), []).append(c)
    shared = next(cs for cs in by_context.values() if len({c.outcome_group for c in cs}) > 1)
    first, target = shared[0], shared[-1]
    on_path = [c for c in shared if c.outcome_group == target.outcome_group]
    v = visit(f"map/?from=context:{first.id}&to={target.outcome_group}")
    paths = v.page.locator(".explore-paths")
    assert paths.is_visible()
    items = paths.locator("li")
    assert items.count() == len(on_path)
    for c, item in zip(on_path, [items.nth(i).inner_text() for i in range(items.count())]):
        assert item.startswith(f"CMOC {c.number} [{evidence.weigh(theory, c).short() or 'no evidence yet'}]")
        assert item.endswith(theory.get(c.outcome_group).name)
    shown = v.page.evaluate(_UNDIMMED_CMOCS)
    assert sorted(k for k in shown if k.startswith("n")) == sorted(f"n{c.number}" for c in on_path)
    assert len([k for k in shown if k.startswith("c")]) == 1 and len([k for k in shown if k.startswith("o")]) == 1
    assert f"from=context%3A{first.id}" in v.page.url or f"from=context:{first.id}" in v.page.url
    unknown = visit("map/?from=cmoc-404")
    assert "This theory has no from cmoc-404" in unknown.page.locator(".explore-count").inner_text()


def _pdf_text(pdf: bytes) -> str:
    import io
    from pypdf import PdfReader
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages)


def test_printed_map_and_cmoc_page_lose_nothing(visit):
    """Printed to A4: the map keeps every node (scaled to the page), a CMOC page every column of its
    history, and each heading stays with what follows it."""
    theory = _fixed_theory()
    v = visit("map/")
    v.page.emulate_media(media="print")
    text = _pdf_text(v.page.pdf(format="A4"))
    for c in theory.current:
        assert f"CMOC {c.number}" in text and " ".join(c.mechanism.label.split())[:25] in text, c.id
    for o in theory.outcomes:
        assert o.name in text
    cmoc = max(theory.cmocs, key=lambda c: len(c.history))
    v = visit(f"cmoc/{cmoc.id}/")
    v.page.emulate_media(media="print")
    squeezed = "".join(_pdf_text(v.page.pdf(format="A4")).split())  # narrow columns wrap words anywhere
    for entry in cmoc.history:  # the first and the last column's words of every entry
        assert "".join(entry.change.split())[:30] in squeezed and "".join(entry.rationale.split())[-25:] in squeezed
    assert v.page.evaluate("getComputedStyle(document.querySelector('article h2')).breakAfter") == "avoid"


def _contrast(a: str, b: str) -> float:
    def luminance(rgb: str) -> float:
        channels = [int(x) / 255 for x in rgb[rgb.index("(") + 1:rgb.index(")")].split(",")[:3]]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_diagram_arrows_and_borders_keep_their_contrast(visit, scheme):
    """WCAG 1.4.11: arrows and node borders 3:1 or more against the diagram's background, in both schemes."""
    v = visit("map/", color_scheme=scheme)
    found = v.page.evaluate("""() => {
        const svg = document.querySelector('.diagram svg');
        let el = svg, bg = 'rgba(0, 0, 0, 0)';
        while (el && (bg === 'rgba(0, 0, 0, 0)' || bg === 'transparent')) { bg = getComputedStyle(el).backgroundColor; el = el.parentElement; }
        const strokes = [...svg.querySelectorAll('path.flowchart-link, g.node rect')].map(e => getComputedStyle(e).stroke);
        return {bg, strokes: [...new Set(strokes)]};
    }""")
    assert found["strokes"]
    for stroke in found["strokes"]:
        assert _contrast(stroke, found["bg"]) >= 3, (scheme, stroke, found["bg"])


# What a reader sees of each diagram on a page: shown or not; if shown, whether any box around it
# (up to the article) scrolls and clips it, whether it leaves the screen, its smallest text, and how
# much wider its own box is than the drawing (a card wider than its diagram: an L-shaped panel).
_DIAGRAMS_AS_SEEN = """() => [...document.querySelectorAll('.diagram')].filter(d => d.querySelector('svg')).map(d => {
  const svg = d.querySelector('svg');
  if (getComputedStyle(d).display === 'none') return {shown: false};
  const boxes = [];
  for (let el = d; el && el.tagName !== 'ARTICLE'; el = el.parentElement) {
    const cs = getComputedStyle(el);
    const clips = /(auto|scroll|hidden)/.test(cs.overflowX + ' ' + cs.overflowY);
    if (clips && (el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1)) boxes.push(el.className);
  }
  const r = svg.getBoundingClientRect(), box = d.getBoundingClientRect();
  const scale = r.width / svg.viewBox.baseVal.width;
  const text = Math.min(...[...svg.querySelectorAll('foreignObject span, foreignObject p, text')]
    .filter(e => e.textContent.trim()).map(e => parseFloat(getComputedStyle(e).fontSize) * scale));
  return {shown: true, boxes, text, left: r.left, right: r.right, spare: box.width - r.width,
          card: getComputedStyle(d).backgroundColor};
})"""


def _sized_site(tmp_path, n):
    """The site of a generated theory of n CMOCs (the benchmark's), built as CI builds it."""
    import shutil
    sys.path.insert(0, str(REPO / "benchmarks"))
    from run import synthetic_theory
    project = make_project(tmp_path / "project")
    shutil.rmtree(project / "theory")
    synthetic_theory(n, project / "theory")
    for snapshot in (project / "editions").glob("*.json"):  # a synthetic theory has no released edition
        snapshot.unlink()
    return project


@pytest.fixture(scope="module")
def sized(tmp_path_factory):
    """sized(n): (url, theory) of a generated theory of n CMOCs built and served, once per module."""
    from livingtheory import load_theory
    servers = {}

    def get(n):
        if n not in servers:
            root = tmp_path_factory.mktemp(f"cmocs-{n}")
            project = _sized_site(root, n)
            server = SiteServer(project, root / "site")
            assert server.result.returncode == 0, server.result.stderr
            servers[n] = (server, load_theory(project / "theory"))
        return servers[n][0].url, servers[n][1]
    yield get
    for server, _ in servers.values():
        server.close()


def _pages_to_read(theory) -> list[str]:
    """The map, its largest outcome, the CMOC most related to others, and one the sources say may not
    be triggered in the most circumstances."""
    largest = max(theory.outcomes, key=lambda o: len(theory.cmocs_in(o)))
    related = max(theory.cmocs, key=lambda c: len(c.relations) + len(theory.related_from(c)))
    blocked = max(theory.cmocs, key=lambda c: len(c.not_triggered))
    return ["map/", f"outcomes/{largest.id}/", f"cmoc/{related.id}/", f"cmoc/{blocked.id}/"]


@pytest.mark.parametrize("n", [12, 50, 200])
def test_the_map_and_its_parts_at_every_size_on_a_screen_and_a_phone_light_and_dark(browser, sized, site_url, n):
    """No diagram in a box that scrolls, none past the screen's edge, text 12 px or more wherever a
    diagram is shown (where it would be smaller the page draws each CMOC as a chain instead), every
    outcome linked in the first screen of the map, and in dark mode the card exactly the diagram's
    size. Screenshots of each in test-artifacts/."""
    url, theory = (site_url, _fixed_theory()) if n == 12 else sized(n)
    ARTIFACTS.mkdir(exist_ok=True)
    for page in _pages_to_read(theory):
        for width, scheme in ((1280, "light"), (1280, "dark"), (390, "light"), (390, "dark")):
            v = Visit(browser, url, viewport={"width": width, "height": 800}, color_scheme=scheme)
            v.go(url + page)
            seen = v.page.evaluate(_DIAGRAMS_AS_SEEN)
            where = (n, page, width, scheme)
            for diagram in (d for d in seen if d["shown"]):
                assert not diagram["boxes"], (where, "in a box that scrolls", diagram["boxes"])
                assert diagram["left"] >= -1 and diagram["right"] <= width + 1, (where, diagram)
                assert diagram["text"] >= 12, (where, diagram["text"])
                if scheme == "dark":
                    assert diagram["card"] != "rgba(0, 0, 0, 0)" and diagram["spare"] <= 16, (where, diagram)
            if width == 390 and not any(d["shown"] for d in seen) and page.startswith(("map/", "outcomes/")):
                chains = v.page.evaluate("[...document.querySelectorAll('.chain')].filter(c => c.offsetParent)"
                                         ".map(c => getComputedStyle(c).flexDirection)")
                assert chains and set(chains) == {"column"}, where  # drawn top to bottom instead
            instead = v.page.locator(".diagram-instead")  # says why the drawing is not shown, where it is not
            if instead.count():
                assert instead.is_visible() == (not any(d["shown"] for d in seen)), where
                assert v.page.locator(".diagram-caption").is_visible() != instead.is_visible(), where
            assert not v.page.evaluate("document.documentElement.scrollWidth > window.innerWidth"), where
            if page == "map/":
                first_screen = v.page.evaluate("""() => [...document.querySelectorAll('article a[href]')]
                    .filter(a => a.offsetParent && a.getBoundingClientRect().bottom <= window.innerHeight)
                    .map(a => new URL(a.href).pathname)""")
                for outcome in theory.outcomes:
                    assert any(p.rstrip("/").endswith(f"outcomes/{outcome.id}") for p in first_screen), (where, outcome.id)
            name = f"{page.strip('/').replace('/', '-')}-{n}-cmocs-{width}-{scheme}.png"
            v.page.screenshot(path=str(ARTIFACTS / name))
            v.close()


@pytest.mark.parametrize("n", [12, 200])
def test_a_cmoc_page_and_the_map_print_with_no_address_inside_the_site_and_lose_nothing(browser, sized, site_url, n):
    """Printed (media print, and a PDF): no address after a link inside the site, none of its
    permalinks or the explorer's instructions; every CMOC of the map and the CMOC's history kept."""
    url, theory = (site_url, _fixed_theory()) if n == 12 else sized(n)
    host = url.rstrip("/")
    for page in ("map/", f"cmoc/{max(theory.cmocs, key=lambda c: len(c.history)).id}/"):
        v = Visit(browser, url)
        v.go(url + page)
        v.page.emulate_media(media="print")
        printed = v.page.evaluate("""() => [...document.querySelectorAll('article a')].filter(a => a.offsetParent)
            .map(a => [a.host === location.host, getComputedStyle(a, '::after').content])""")
        assert all(after in ("none", "normal") for inside, after in printed if inside), page
        assert any(after.startswith('" (http') for inside, after in printed if not inside) or \
            not any(not inside for inside, _ in printed), page  # a link off the site keeps its address
        text = _pdf_text(v.page.pdf(format="A4"))
        squeezed = "".join(text.split())  # a PDF's text breaks lines anywhere
        assert f"({host}" not in squeezed and "\u00b6" not in text, page  # citations name the site: not in brackets
        assert "Filter the CMOCs" not in text and "Skip the diagram" not in text, page
        if page == "map/":
            for c in theory.current:
                assert f"CMOC {c.number}:" in text, (n, c.id)
        else:
            squeezed = "".join(text.split())
            cmoc = theory.get(page.split("/")[1])
            for entry in cmoc.history:
                assert "".join(entry.change.split())[:30] in squeezed
        if n == 12:
            (ARTIFACTS / f"{page.strip('/').replace('/', '-')}-print.pdf").write_bytes(v.page.pdf(format="A4"))
        v.close()

# ----------------------------------------------------------------------------- drawn without a browser

# Each label shown in a diagram, where its words fall outside the box drawn for it (1 px of rounding
# allowed): the renderer measured them in the site's own font, as the reader's browser sets them.
_LABELS_OUTSIDE_THEIR_BOXES = """() => [...document.querySelectorAll('.diagram svg foreignObject')].flatMap(box => {
  const outer = box.getBoundingClientRect();
  if (!outer.width) return [];
  const words = document.createRange();
  words.selectNodeContents(box.firstElementChild);
  const inner = words.getBoundingClientRect();
  const out = Math.max(outer.left - inner.left, inner.right - outer.right, outer.top - inner.top, inner.bottom - outer.bottom);
  return out > 1 ? [[box.textContent.slice(0, 60), Math.round(out)]] : [];
})"""


def _label_theory(project: Path) -> None:
    """A synthetic theory of four CMOCs whose labels are hard to measure: very long words, capitals
    and digits, accents inside and outside the font's first part, letters of other scripts (drawn by
    the reader's fallback font)."""
    import shutil
    import yaml
    sys.path.insert(0, str(REPO / "benchmarks"))
    from run import synthetic_theory
    shutil.rmtree(project / "theory")
    synthetic_theory(4, project / "theory")
    for snapshot in (project / "editions").glob("*.json"):  # a synthetic theory has no released edition
        snapshot.unlink()
    words = ["Pneumonoultramicroscopicsilicovolcanoconiosis peer-led co-op",  # labels are 60 characters at most
             "WWW MMM 0000 8888 CAPITALS: 12,345,678 (ID) [NB] 'quoted'",
             "Crème brûlée, naïve Ørsted, Łódź, Kraków: “déjà vu” — über",
             "Ελληνικά, русский текст, 中文的同伴支持 and العربية side by side"]
    assert all(len(w) <= 60 for w in words)
    for i, path in enumerate(sorted((project / "theory" / "cmocs").glob("*.yaml"))):
        record = yaml.safe_load(path.read_text())
        record["mechanism"]["label"] = words[i]
        record["context"]["label"] = words[-1 - i]
        for circumstance in record["not_triggered"]:
            for entry in record["evidence"]:  # the evidence names the circumstance it was seen in
                if entry.get("circumstance") == circumstance["circumstance"]:
                    entry["circumstance"] = words[i - 1]
            circumstance["circumstance"] = words[i - 1]
        path.write_text(yaml.safe_dump(record, allow_unicode=True, sort_keys=False))


@pytest.mark.parametrize("width", [390, 1280])
def test_no_diagram_label_falls_outside_its_box(browser, sized, site_url, tmp_path_factory, width):
    """Every label of every diagram shown on the fixed theory's pages, on a generated theory's map,
    outcome and CMOC pages, and on labels chosen to be hard to measure, stays inside its box."""
    from livingtheory import load_theory
    theory = _fixed_theory()
    pages = [(site_url, url) for url in ["map/", *(f"cmoc/{c.id}/" for c in theory.cmocs),
                                         *(f"outcomes/{o.id}/" for o in theory.outcomes)]]
    url, generated = sized(50)
    pages += [(url, page) for page in _pages_to_read(generated)]
    root = tmp_path_factory.mktemp(f"labels-{width}")
    project = make_project(root / "project")
    _label_theory(project)
    server = SiteServer(project, root / "site")
    assert server.result.returncode == 0, server.result.stderr
    pages += [(server.url, "map/"), *((server.url, f"cmoc/{c.id}/") for c in load_theory(project / "theory").cmocs)]
    try:
        for origin, page in pages:
            v = Visit(browser, origin, viewport={"width": width, "height": 900})
            v.go(origin + page)
            v.page.evaluate("document.fonts.ready")
            assert v.page.evaluate(_LABELS_OUTSIDE_THEIR_BOXES) == [], (origin, page)
            v.close()
    finally:
        server.close()


def test_a_first_visit_fetches_search_only_when_the_reader_uses_it(browser, site_url):
    """The search index (it grows with the theory) and the search worker are not fetched with a
    page; the first focus of the search box fetches them, and search works."""
    v = Visit(browser, site_url)
    fetched = []
    v.page.on("request", lambda r: fetched.append(r.url))
    v.go(site_url + "cmoc/cmoc-01/")
    v.page.wait_for_load_state("networkidle")
    assert not [u for u in fetched if "search_index" in u or "/workers/search" in u], fetched
    search = v.page.locator("input.md-search__input")
    search.click()
    v.page.wait_for_function(
        "() => !/Initializing/i.test(document.querySelector('.md-search-result__meta').textContent)")
    search.press_sequentially("they are there to model hope")
    v.page.locator(".md-search-result__item a").first.wait_for()
    assert [u for u in fetched if "search_index.json" in u] and [u for u in fetched if "/workers/search" in u]
    assert v.errors == [] and v.foreign == []
    v.close()


def test_on_a_phone_no_line_of_the_maps_list_starts_with_a_separator(visit):
    """Each CMOC's chain is drawn as boxes on a phone, so what follows it starts a line of its own:
    never with the "; " that joins it to the chain on a wide screen."""
    for width in (390, 1280):
        v = visit("map/", viewport={"width": width, "height": 844})
        lines = v.page.evaluate("""() => [...document.querySelectorAll('article li')].filter(li => li.offsetParent)
            .flatMap(li => li.innerText.split('\\n')).map(line => line.trim()).filter(Boolean)""")
        assert lines and not [line for line in lines if line.startswith(";")], (width, lines[:5])
        if width == 1280:  # on a wide screen the chain is a line of text, joined to what follows
            assert any("; evidence:" in line for line in lines)
        v.close()
