"""One generated site, any builder: MkDocs 1.6 (the gate), ProperDocs and Zensical build the same site.

MkDocs and ProperDocs run the hooks; Zensical runs none and builds the tree that
`python -m livingtheory docs` writes (in its own environment, .venv-zensical). Compared: the same
pages at the same URLs, the same head metadata and canonical links, the same edit links, the same
diagrams; in Chromium, Zensical's pages draw their diagrams, its search finds a quote, and nothing
is fetched from another origin.
"""
import functools
import http.server
import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from lxml import html as lxml_html

from conftest import REPO, Visit, build
from livingtheory import load_theory
from livingtheory.records.data import plain, theory_data
from livingtheory.records.editions import edition_of, load_editions
from livingtheory.site.pages import PUBLISHED

ZENSICAL = REPO / ".venv-zensical/bin/zensical"
SITE_URL = "https://example.org/theory/"
BIN = Path(sys.executable).parent


def _zensical(out: Path, site_url: str) -> Path:
    if not ZENSICAL.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{ZENSICAL} is missing: `make setup` installs it from requirements-zensical.txt")
        pytest.skip("Zensical is not installed (make setup)")
    docs = subprocess.run([sys.executable, "-m", "livingtheory", "docs", str(out), "--project", str(REPO),
                           "--site-url", site_url], capture_output=True, text=True)
    assert docs.returncode == 0, docs.stderr
    result = subprocess.run([str(ZENSICAL), "build", "--clean"], cwd=out, capture_output=True, text=True)
    assert result.returncode == 0 and "No issues found" in result.stdout + result.stderr, result.stdout + result.stderr
    return out / "site"


@pytest.fixture(scope="module")
def sites(tmp_path_factory):
    """The same project built three ways, all for the same published address."""
    root = tmp_path_factory.mktemp("builders")
    mkdocs = build(REPO, root / "mkdocs", SITE_URL)
    assert mkdocs.returncode == 0, mkdocs.stderr
    properdocs = subprocess.run([str(BIN / "properdocs"), "build", "--strict", "-f", str(REPO / "mkdocs.yml"), "-d",
                                 str(root / "properdocs")], capture_output=True, text=True,
                                env={**os.environ, "NO_MKDOCS_2_WARNING": "1", "SITE_URL": SITE_URL})
    assert properdocs.returncode == 0, properdocs.stderr
    return {"mkdocs": root / "mkdocs", "properdocs": root / "properdocs",
            "zensical": _zensical(root / "zensical", SITE_URL)}


def _pages(site: Path) -> list[str]:
    return sorted(str(p.relative_to(site)) for p in site.rglob("*.html"))


def _head(page: Path) -> dict:
    doc = lxml_html.fromstring(page.read_bytes())
    return {"title": doc.findtext(".//title"),
            "canonical": doc.xpath("//link[@rel='canonical']/@href"),
            "meta": sorted((m.get("name"), m.get("content")) for m in doc.xpath(
                "//meta[starts-with(@name, 'citation_') or starts-with(@name, 'DC') or @name='description']")),
            "json_ld": [json.loads(s) for s in doc.xpath("//script[@type='application/ld+json']/text()")],
            "edit": doc.xpath("//a[@rel='edit']/@href"),
            "diagrams": [len(d.xpath(".//*")) for d in doc.xpath("//div[contains(concat(' ', @class, ' '), ' diagram ')]")],
            "h1": " ".join((doc.findtext(".//article//h1") or "").split())}


def test_the_three_builds_publish_the_same_pages_with_the_same_heads(sites):
    pages = _pages(sites["mkdocs"])
    theory = load_theory(REPO / "theory")
    editions = load_editions(REPO / "editions", plain(theory.sources))
    state = edition_of(theory.study.version, theory_data(theory), editions)
    cited = editions[-1].version if editions else None  # draft or not, the latest release is cited
    # A draft's page that the latest edition did not publish is not citable yet: no canonical link.
    citable = None if not state.draft else {PUBLISHED.url(p) for p in editions[-1].pages} if editions else set()
    assert len(pages) >= len(theory.cmocs) + len(theory.outcomes) + len(theory.services) + 10
    for name in ("properdocs", "zensical"):
        assert _pages(sites[name]) == pages, name
    for page in pages:
        if page in ("404.html",):
            continue
        expected = _head(sites["mkdocs"] / page)
        if cited and (citable is None or page.removesuffix("index.html") in citable):
            assert len(expected["canonical"]) == 1 and expected["canonical"][0].startswith(f"{SITE_URL}{cited}/"), page
        else:  # nothing released yet, or not in the edition the draft cites: nothing to pin the page to
            assert expected["canonical"] == [], page
        for name in ("properdocs", "zensical"):
            assert _head(sites[name] / page) == expected, (name, page)


def test_the_docs_step_makes_the_checks_no_builder_makes(tmp_path):
    from conftest import make_project
    project = make_project(tmp_path / "project")
    (project / "docs/map").mkdir()
    (project / "docs/map/index.md").write_text("# My own map\n")
    result = subprocess.run([sys.executable, "-m", "livingtheory", "docs", str(tmp_path / "out"), "--project",
                             str(project)], capture_output=True, text=True)
    assert result.returncode == 1
    assert "docs/map/index.md: this hand-written page would hide a page generated from the theory's records" \
        in result.stderr
    assert not (tmp_path / "out").exists()  # nothing written


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.mark.browser
def test_zensicals_site_draws_diagrams_finds_a_quote_and_fetches_nothing_else(browser, tmp_path):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(tmp_path / "site")))
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    site = _zensical(tmp_path, url)
    assert site == tmp_path / "site"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        for page in ("", "map/", "cmoc/cmoc-04/", "outcomes/hope/", "methods/", "sources/"):
            v = Visit(browser, url)
            v.go(url + page)
            assert all(state == "svg" for state in v.diagrams()), page
            assert v.errors == [] and v.foreign == [], (page, v.errors, v.foreign)
            v.close()
        v = Visit(browser, url)
        v.go(url)
        v.page.locator(".md-search__button").click()
        v.page.locator("dialog input[role=combobox]").fill("they are there to model hope")
        first = v.page.locator("a[role=option]").first
        first.wait_for()
        assert "/cmoc/cmoc-01/" in first.get_attribute("href")
        assert v.foreign == []
        v.close()
    finally:
        server.shutdown()
        server.server_close()
