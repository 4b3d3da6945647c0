"""The archival copy of an edition: every page of its built site, in reading order, as one PDF
(attached to the edition's GitHub release, so that the archive holds the words as published).

The pages are the site's own HTML (the article of each, with the site's stylesheets and print
rules), printed by the same Chromium that draws the diagrams; nothing is fetched from elsewhere.
"""
from __future__ import annotations

import html
import tempfile
from pathlib import Path

from lxml import html as lxml_html

from ..records.model import ProgrammeTheory
from ..site import addresses
from ..site.drawing import CHROMIUM, DrawingUnavailable

_DROPPED = ("//script", "//a[contains(@class, 'headerlink')]", "//a[contains(@class, 'md-content__button')]",
            "//*[contains(@class, 'skip-diagram')]", "//button")


def edition_document(site: Path, theory: ProgrammeTheory, *, title_page: str) -> str:
    """One HTML document: a title page, then each page's article (from `site`, built with
    directory URLs), each starting on a new sheet."""
    home = lxml_html.fromstring((site / "index.html").read_bytes())
    styles = "".join(f'<link rel="stylesheet" href="{html.escape(href)}">'
                     for href in home.xpath("//link[@rel='stylesheet']/@href") if "://" not in href)
    parts = [f'<section class="archive-page">{title_page}</section>']
    for page in addresses.reading_order(theory):
        built = site / addresses.Addresses().url(page) / "index.html"
        if not built.is_file():
            continue
        article = lxml_html.fromstring(built.read_bytes()).find(".//article")
        if article is None:
            continue
        for path in _DROPPED:
            for element in article.xpath(path):
                element.drop_tree()
        parts.append(f'<section class="archive-page">{lxml_html.tostring(article, encoding="unicode")}</section>')
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8">{styles}<style>'
            ".archive-page{break-before:page} .archive-page:first-child{break-before:auto}"
            "</style></head><body class='md-typeset archive'>" + "".join(parts) + "</body></html>")


def title_page(theory: ProgrammeTheory, *, version: str, released: str | None, doi: str | None, url: str) -> str:
    study, e = theory.study, html.escape
    authors = "; ".join(f"{a.family}, {a.given}" for a in study.authors)
    edition = f"Edition {e(version)}, released {e(released)}" if released else f"Draft of version {e(version)}, not released"
    return (f"<h1>{e(' '.join(study.title.split()))}</h1><p>{e(authors)}</p><p><strong>{edition}</strong></p>"
            + (f"<p>DOI: {e(doi)}</p>" if doi else "")
            + f"<p>Published at {e(url)}. {e(' '.join(study.publisher.split()))}; {e(study.licence)}.</p>"
            "<p>The archival copy of this edition: every page of its site, in reading order.</p>")


def print_pdf(site: Path, document: str, out: Path) -> None:
    """Print the document (placed in `site` so that its stylesheets resolve) to `out` as A4."""
    if not Path(CHROMIUM).exists():
        raise DrawingUnavailable(f"no browser at {CHROMIUM} (apt-get install -y chromium)")
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
