"""The pull request's preview (mkdocs.preview.yml) as a reviewer opens it: downloaded, unzipped,
index.html opened from disk. Links lead to pages (not folder listings), search answers, diagrams
are drawn, and nothing is fetched from anywhere."""
import os
import subprocess
import sys

import pytest

from conftest import Visit, make_project


@pytest.fixture(scope="module")
def preview(tmp_path_factory):
    root = tmp_path_factory.mktemp("preview")
    project = make_project(root / "project")
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(project / "mkdocs.preview.yml"),
                             "-d", str(root / "preview")], capture_output=True, text=True,
                            env={**os.environ, "NO_MKDOCS_2_WARNING": "1", "CI": "true"})
    assert result.returncode == 0, result.stderr
    return root / "preview"


def test_the_preview_fetches_nothing_from_another_host(preview):
    pages = [p for p in preview.rglob("*.html")]
    assert pages
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert "unpkg.com" not in text and "cdn." not in text, page
        assert '<meta name="robots" content="noindex">' in text, page
    assert (preview / "assets/javascripts/iframe-worker.js").is_file()
    assert (preview / "search/search_index.js").is_file()  # the index inlined as a script: no fetch() from disk


@pytest.mark.browser
def test_the_preview_opens_from_disk_with_links_search_and_diagrams(browser, preview):
    v = Visit(browser, preview.as_uri())
    page = v.go((preview / "index.html").as_uri())
    assert all(state == "svg" for state in v.diagrams())
    # From the home page to the map, then to a CMOC, by the links a reader clicks.
    page.locator("a[href='map/index.html']:visible").first.click()
    page.wait_for_load_state("load")
    assert page.url.endswith("map/index.html") and page.locator("article h1").count() == 1, page.url
    assert all(state == "svg" for state in v.diagrams()) and v.diagrams()
    page.locator("article a[href*='cmoc/']").first.click()
    page.wait_for_load_state("load")
    assert "/cmoc/" in page.url and page.url.endswith(".html"), page.url
    assert page.locator("article h1").inner_text().strip()
    assert "Index of" not in page.content()  # a page, never a folder listing
    # Search, without a server: a phrase from this CMOC's first quote finds this CMOC's page.
    cmoc_page = page.url.rsplit("/", 2)[-2:]
    phrase = " ".join(page.locator("article blockquote").first.inner_text().split()[1:6])
    search = page.locator("input.md-search__input")
    search.click()
    page.wait_for_function(
        "() => !/Initializing/i.test(document.querySelector('.md-search-result__meta').textContent)")
    search.press_sequentially(phrase)
    results = page.locator(".md-search-result__item a")
    results.first.wait_for()
    assert any("/".join(cmoc_page) in (href or "") for href in
               (results.nth(i).get_attribute("href") for i in range(results.count()))), phrase
    assert v.errors == [] and v.foreign == [], (v.errors, v.foreign)
    v.close()
