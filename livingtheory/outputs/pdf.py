"""The archival copy of an edition: every page of its built site, in reading order, as one PDF
(attached to the edition's GitHub release, so that the archive holds the words as published).

The pages are the site's own HTML (the article of each, with the site's stylesheets and print
rules), printed by Chromium (the one step that needs a browser); nothing is fetched from elsewhere.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

from jinja2 import Environment, PackageLoader
from lxml import html as lxml_html

from ..records.model import ProgrammeTheory
from ..web import addresses

CHROMIUM = os.environ.get("LIVINGTHEORY_CHROMIUM", "/usr/bin/chromium")


class BrowserUnavailable(RuntimeError):
    """No Chromium to print with."""

_DROPPED = ("//script", "//a[contains(@class, 'headerlink')]", "//a[contains(@class, 'md-content__button')]",
            "//*[contains(@class, 'skip-diagram')]", "//button")


_ARCHIVE = Environment(loader=PackageLoader("livingtheory.site"), autoescape=True).get_template("archive.html.j2")


def edition_document(site: Path, theory: ProgrammeTheory, *, version: str, released: str | None, doi: str | None,
                     url: str) -> str:
    """One HTML document: a title page, then each page's article (from `site`, built with
    directory URLs; the site's own HTML, already escaped), each starting on a new sheet."""
    home = lxml_html.fromstring((site / "index.html").read_bytes())
    articles = []
    for page in addresses.reading_order(theory):
        built = site / addresses.Addresses().url(page) / "index.html"
        article = lxml_html.fromstring(built.read_bytes()).find(".//article") if built.is_file() else None
        if article is None:
            continue
        for path in _DROPPED:
            for element in article.xpath(path):
                element.drop_tree()
        articles.append(lxml_html.tostring(article, encoding="unicode"))
    study = theory.study
    return _ARCHIVE.render(
        title=" ".join(study.title.split()), authors="; ".join(f"{a.family}, {a.given}" for a in study.authors),
        version=version, released=released, doi=doi, url=url, publisher=" ".join(study.publisher.split()),
        licence=study.licence, articles=articles,
        stylesheets=[href for href in home.xpath("//link[@rel='stylesheet']/@href") if "://" not in href])


def print_pdf(site: Path, document: str, out: Path) -> None:
    """Print the document (placed in `site` so that its stylesheets resolve) to `out` as A4."""
    if not Path(CHROMIUM).exists():
        raise BrowserUnavailable(f"no browser at {CHROMIUM} (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright
    with tempfile.NamedTemporaryFile("w", suffix=".html", dir=site, encoding="utf-8", delete=False) as page_file:
        page_file.write(document)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
            page = browser.new_page()
            page.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:")
                       else route.abort())
            page.goto(Path(page_file.name).as_uri(), wait_until="load")
            page.emulate_media(media="print")
            out.parent.mkdir(parents=True, exist_ok=True)
            page.pdf(path=str(out), format="A4", print_background=True, outline=True, tagged=True,
                     margin={"top": "15mm", "bottom": "15mm", "left": "15mm", "right": "15mm"})
            browser.close()
    finally:
        Path(page_file.name).unlink()
