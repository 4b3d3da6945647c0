"""The generated part of the site, made from theory/ in one step any builder can use.

`generate()` checks the theory (every rule `python -m peertheory check` applies: it calls the
same loader) and returns every generated page and file; nothing is written and no builder is
involved, so a theory that fails gives its problems and no site. `write_docs()` writes the
result into a docs folder.
"""
from __future__ import annotations

import html
import os
import re
import shutil
from dataclasses import dataclass, replace
from pathlib import Path

from markupsafe import Markup

from . import drawing, mermaid

from .downloads import Download, citation_files, data_files
from .editions import Edition, load_editions
from .loader import load_theory
from .model import Source, Study
from .pages import Page, file_url, path_of, render_site, theme_text, url_of
from .problems import Problem, TheoryInvalid


@dataclass(frozen=True)
class GeneratedSite:
    study: Study
    based_on: Source  # cited with every page
    editions: list[Edition]
    pages: list[Page]
    citations: list[Download]  # cite/: small, one set per CMOC
    data: list[Download]  # data/: the whole theory, written as streams
    sections: list[tuple[str, str]]  # (title, docs path) of the theory's own top-level pages (methods, ...)
    assets: list[tuple[str, Path]]  # (served as, file): the diagram font, and Mermaid where not drawn here
    not_drawn: str | None  # why diagrams are left to the reader's browser (None: they are inline SVG)
    diagrams: dict[str, Path]  # key -> the SVG file that fills each page's placeholder (mermaid.embed)

    def svg(self, key: str) -> str:
        return self.diagrams[key].read_text()


class StaticDrawingRequired(RuntimeError):
    """A published build (CI) must carry its diagrams as SVG."""


def generate(theory_dir: Path, *, site_url: str, edit_base: str | None = None, project: Path | None = None,
             docs_dir: Path | None = None, static: bool | None = None, draw: bool = True) -> GeneratedSite:
    """Raises TheoryInvalid, listing every problem, before anything is rendered.

    Diagrams are drawn as SVG here (`drawing`); without a browser they are left to the reader's,
    unless `static` (default: when $CI is set), which is what published builds use. `draw=False`
    leaves them as Mermaid source (for tests of everything else)."""
    project = project or theory_dir.parent
    for needed in (drawing.MERMAID, *drawing.FONT_FILES.values()):  # pinned in package-lock.json
        if not (project / needed).is_file():
            raise FileNotFoundError(f"{needed} is missing: run `npm ci` (or `make setup`)")
    theory = load_theory(theory_dir)
    editions = load_editions(theory_dir.parent / "editions")
    pages = render_site(theory, edit_base=edit_base, site_url=site_url, editions=editions)
    citations, data = citation_files(theory, site_url), data_files(theory)
    _check_docs(pages, docs_dir or project / "docs", {download.path for download in (*citations, *data)})
    pages, not_drawn, diagrams = _draw(pages, project, static=bool(os.environ.get("CI")) if static is None else static) \
        if draw else (pages, "not asked to", {})
    assets = [(drawing.FONT_SERVED_AS.format(weight=w), project / path) for w, path in drawing.FONT_FILES.items()]
    assets.append((SCRIPT_SERVED_AS, Path(__file__).parent / "assets/site.js"))
    if not_drawn:
        assets.append((MERMAID_SERVED_AS, project / drawing.MERMAID))
    return GeneratedSite(theory.study, theory.based_on, editions, pages, citations,
                         data, [(content.title, path_of(content)) for content in theory.content],
                         assets, not_drawn, diagrams)


MERMAID_SERVED_AS = "assets/javascripts/mermaid.min.js"
SCRIPT_SERVED_AS = "assets/javascripts/site.js"  # the map's explorer, keyboard-scrollable tables (extra_javascript)


def _check_docs(pages: list[Page], docs_dir: Path, files: frozenset[str] | set[str] = frozenset()) -> None:
    """What no builder checks: a hand-written page must not hide a generated one, and links inside
    diagrams and fragments lead to pages (builders check Markdown links, not these)."""
    hidden = [page.path for page in pages if (docs_dir / page.path).exists()]
    if hidden:
        raise TheoryInvalid([Problem(f"{docs_dir.name}/{path}", 0, 0, "this hand-written page would hide a page "
                                     "generated from theory/", "rename or delete it") for path in hidden])
    hand_written = [(f"{docs_dir.name}/{path.relative_to(docs_dir).as_posix()}",
                     url_of(path.relative_to(docs_dir).as_posix()), path.read_text())
                    for path in (sorted(docs_dir.rglob("*.md")) if docs_dir.is_dir() else [])]
    dangling = mermaid.dangling_links([(p.path, url_of(p.path), p.body) for p in pages] + hand_written)
    dangling += _dangling_fragment_links(pages, {url_of(p.path) for p in pages} | {url for _, url, _ in hand_written},
                                         set(files))
    if dangling:
        raise TheoryInvalid([Problem(name, 0, 0, what, "link a page that exists") for name, what in dangling])


# A relative link in a fragment (quotes, record text): written by the core as a page URL, and
# placed after the builder's Markdown pass, so no builder checks it.
_RELATIVE_HREF = re.compile(r'<a [^>]*?href="(?![A-Za-z][A-Za-z0-9+.-]*:|#|//)([^"]*)"')


def _dangling_fragment_links(pages: list[Page], urls: set[str], files: set[str]) -> list[tuple[str, str]]:
    found = []
    for page in pages:
        here = url_of(page.path)
        for inner in page.fragments.values():
            for target in map(html.unescape, _RELATIVE_HREF.findall(inner)):
                resolved = mermaid.resolve(here, target)  # a page's URL (x/); a file's is x
                if resolved not in urls and resolved.rstrip("/") not in files:
                    found.append((page.path, f"link {target!r} leads to {resolved!r}, which is no page or file"))
    return found


def _draw(pages: list[Page], project: Path, *, static: bool) -> tuple[list[Page], str | None, dict[str, Path]]:
    """Pages with a placeholder for each diagram's SVG, and the SVG files; or, with no browser to
    draw with, the Mermaid source and the page's own script tag (so Material never fetches Mermaid
    from a CDN), and why."""
    sources = list(dict.fromkeys(source for page in pages for source in mermaid.sources(page.body)))
    try:
        files = drawing.draw(sources, project) if sources else []
    except drawing.DrawingUnavailable as why:
        if static:
            raise StaticDrawingRequired(f"diagrams must be drawn as SVG for a published build, and {why}") from None
        return [replace(page, body=_with_mermaid_script(page)) if mermaid.sources(page.body) else page
                for page in pages], str(why), {}
    keys = {source: file.stem[:16] for source, file in zip(sources, files)}
    return [replace(page, body=mermaid.drawn(page.body, keys)) if mermaid.sources(page.body) else page
            for page in pages], None, {file.stem[:16]: file for file in files}


def _with_mermaid_script(page: Page) -> str:
    return f'<script src="{file_url(MERMAID_SERVED_AS, page.path)}"></script>\n\n' + page.body


def site_settings(study: Study, based_on: Source) -> dict[str, Markup]:
    """The site's name, description and copyright: the theory's own, from its records, encoded for
    the theme (Material prints them unescaped in the header, the footer and the title)."""
    return {"site_name": theme_text(study.publisher), "site_description": theme_text(study.description),
            "copyright": theme_text(f"Theory content: {based_on.name}, {study.licence} ({based_on.cited_as})")}


def with_sections(nav: list, sections: list[tuple[str, str]]) -> list:
    """A configured navigation with the theory's own pages (methods, discussion...) added before
    "What changed", where they are not listed already."""
    listed = {path for entry in nav if isinstance(entry, dict) for path in entry.values()}
    extra = [{theme_text(title): path} for title, path in sections if path not in listed]
    at = next((i for i, entry in enumerate(nav) if isinstance(entry, dict) and "changes.md" in entry.values()),
              len(nav))
    return nav[:at] + extra + nav[at:]


def write_docs(site: GeneratedSite, out: Path) -> None:
    """Every generated page, file and asset under out/, as a builder reads a docs folder."""
    for page in site.pages:
        _write(out / page.path, lambda f, text=mermaid.embed(page.markdown, site.svg): f.write(text))
    for download in (*site.citations, *site.data):
        _write(out / download.path, download.write)
    for served_as, path in site.assets:
        (out / served_as).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, out / served_as)


def _write(target: Path, write) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("w", encoding="utf-8", newline="") as out:
        write(out)
