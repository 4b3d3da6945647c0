"""The generated part of the site, made from theory/ in one step any builder can use.

`generate()` checks the theory (every rule `python -m livingtheory check` applies: `check` is its
first half), renders every page, draws every diagram and returns a `GeneratedSite`; nothing is
written and no builder is involved, so a theory that fails gives its problems and no site.
Builders ask the site for each page's front matter and body, and `fill` each page's parts (HTML
fragments and drawn diagrams) into it; `write_docs` writes the whole as a docs folder.
"""
from __future__ import annotations

import functools
import hashlib
import html
import json
import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable

from markupsafe import Markup

from ..outputs.citation import Credits, page_meta
from ..outputs.downloads import Download, citation_files, data_files
from ..outputs.crate import METADATA, site_files, write_crate
from ..outputs.feeds import THEORY_FEED, feed_files
from ..problems import CannotBuild, Problem, TheoryInvalid
from ..records.data import kept_data, theory_data
from ..records.editions import Edition, EditionState, edition_of
from ..records.loader import Loaded, load
from ..records.model import ProgrammeTheory, Source, Study
from ..web import addresses
from . import checks, drawing, served
from ..web.addresses import Addresses
from .assembly import Diagram, Page, fill, front_matter
from ..web.encode import theme_text
from .incremental import Memo
from .pages import PUBLISHED, cited_page, compile_templates, render_site


class StaticDrawingRequired(CannotBuild):
    """A published build (CI) must carry its diagrams as SVG."""


@dataclass
class GeneratedSite:
    study: Study
    based_on: Source  # cited with every page
    editions: list[Edition]
    pages: list[Page]
    citations: list[Download]  # cite/: small, one set per CMOC
    data: list[Download]  # data/: the whole theory, written as streams
    assets: list[tuple[str, Path]]  # (served as, file): the site's script, the diagram font, Mermaid where not drawn
    theme: dict[str, Markup]  # the site's name, description and copyright, encoded for the theme
    navigation: list[tuple[str, str]]  # (title, docs path) of the top-level pages
    site_url: str
    edit_base: str | None
    site: Addresses
    state: EditionState  # the edition this build is, or the draft of the next
    credits: Credits  # who the live theory credits, for hand-written pages' citations
    not_drawn: str | None = None  # why diagrams are left to the reader's browser (None: they are inline SVG)
    drawn: dict[str, Path] = field(default_factory=dict)  # Mermaid source -> its SVG file, once ready()
    pending: Callable[[], dict[str, Path]] | None = None  # waits for what drawing.Drawing is making
    problems: list[Problem] = field(default_factory=list)  # a preview's (generate(preview=True)): never published

    def __post_init__(self):
        self.by_path = {page.path: page for page in self.pages}

    def fill(self, path: str, text: str) -> str:
        """A page's Markdown or HTML with each of its parts in place of its placeholder."""
        page = self.by_path.get(path)
        if page is None:
            return text
        parts = dict(page.parts.items())
        return fill(text, lambda key: self._html(page, parts[key]))

    def markdown(self, page: Page) -> str:
        """The page as a docs tree holds it: front matter and its body with every part in place."""
        return front_matter(page.front) + self.fill(page.path, page.body)

    def ready(self) -> None:
        """Wait for the diagrams and font parts being made beside the build (before the site's
        files are copied or a diagram is put in a page); a diagram that cannot be drawn refuses here."""
        if self.pending is not None:
            try:
                self.drawn = self.pending()
            except drawing.DrawingUnavailable as why:
                raise CannotBuild(f"the diagrams could not be drawn: {why}") from None
            self.pending = None

    def _html(self, page: Page, part) -> str:
        if not isinstance(part, Diagram):
            return part
        self.ready()
        if self.not_drawn:  # the reader's browser draws it: Material's own Mermaid support, from this site
            script = html.escape(self.site.file_href(addresses.MERMAID, page.path))
            return f'<script src="{script}"></script><pre class="mermaid"><code>{html.escape(part.source)}</code></pre>'
        return drawing.svg_for_page(self.drawn[part.source].read_text(encoding="utf-8"), text_px=part.text_px,
                                    contents_hidden="toc" in (page.front.get("hide") or ()))

    def hand_over_downloads(self) -> list[Download]:
        """The citation and data files, given to a builder that writes them now: the site keeps none
        of them, and with them lets go of the records they are made from (at 5,000 CMOCs tens of
        megabytes the rest of the build does not need)."""
        downloads, self.citations, self.data = [*self.citations, *self.data], [], []
        return downloads

    def theme_navigation(self, configured: list | None = None) -> list:
        """The builder's navigation: the site's pages (titles encoded for the theme), then any page
        of the configured navigation (a hand-written page) not among them."""
        nav = [{theme_text(title): path} for title, path in self.navigation]
        listed = {path for _, path in self.navigation}
        return nav + [entry for entry in (configured or []) if not (isinstance(entry, dict) and
                                                                      set(entry.values()) <= listed)]

    def signature(self, path: str) -> str:
        """What a generated page's output is made of (front matter, body, parts, a preview's
        problems): equal between two builds, the page is the same (a server need not write it again)."""
        page = self.by_path[path]
        parts = {key: (part.source, part.wide, part.text_px) if isinstance(part, Diagram) else part
                 for key, part in page.parts.items()}
        made = json.dumps([page.front, page.body, parts], sort_keys=True, default=str)  # problems: problems_file
        return hashlib.sha256(made.encode()).hexdigest()

    def problems_slot(self, path: str) -> str:
        """Where a page of a serve session shows the theory's problems: the same on every rebuild, so a
        page is not written again when only the problems change; the site's script fills it from
        `problems_file()` (PROBLEMS, at the site's root)."""
        source = self.by_path[path].source if path in self.by_path else None
        return (f'<div class="theory-problems-slot" data-problems="{html.escape(self.site.file_href(PROBLEMS, path))}"'
                f' data-source="{html.escape(source or "")}" hidden></div>')

    def problems_file(self) -> str:
        """The problems as JSON: the panel for each record's page (those of that record first), and
        for every other page."""
        from .preview import panel  # a serve session's alone, as is preview_pages (a build never needs them)
        sources = sorted({p.file for p in self.problems})
        panels = {"": panel(self.problems, None), **{s: panel(self.problems, s) for s in sources}}
        return json.dumps({"count": len(self.problems), "panels": panels})

    def page_meta(self, path: str, *, title: str | None, edit_url: str | None) -> dict:
        """Front matter for a hand-written page: the same edition banner, citation tags, canonical
        and edit link as a generated page's."""
        cited = cited_page(self.state, self.credits, self.site_url, path, title or "")
        return {**page_meta(cited, self.state, site_url=self.site_url, page_url=PUBLISHED.url(path), edit_url=edit_url),
                "feed": {"path": THEORY_FEED, "title": f"{self.study.title}: changes and editions"}}


NOT_IN_NAV = addresses.NOT_IN_NAV
PROBLEMS = "problems.json"  # a serve session's problems, at the site's root (never in a published build)
_RENDERED = "\0rendered"  # in a serve session's cache: the last render (site/incremental.Memo)


def check(theory_dir: Path, *, project: Path | None = None, docs_dir: Path | None = None) -> ProgrammeTheory:
    """The checked theory: every rule of the records, and of the site made from them. Raises
    TheoryInvalid listing every problem."""
    return _checked(Path(theory_dir), project, docs_dir)[0].theory


def _checked(theory_dir: Path, project: Path | None, docs_dir: Path | None, *, preview: bool = False,
             cache: dict | None = None) -> tuple[Loaded, list[Problem]]:
    """The theory as loaded and every problem of it; raises TheoryInvalid on a problem unless
    `preview` (then only when there is no study record to build a site around)."""
    project = project or theory_dir.parent
    loaded = load(theory_dir, cache=cache)
    problems = list(loaded.problems)
    if loaded.theory is not None:
        problems += checks.address_problems(loaded.theory, project)
        problems += checks.reporting_problems(loaded.theory, project, docs_dir or project / "docs")
    if problems and (not preview or loaded.theory is None):
        raise TheoryInvalid(problems, incomplete=loaded.incomplete)
    return loaded, sorted(set(problems))


def generate(theory_dir: Path, *, site_url: str, edit_base: str | None = None, project: Path | None = None,
             docs_dir: Path | None = None, directory_urls: bool = True, static: bool | None = None,
             draw: bool = True, preview: bool = False, cache: dict | None = None,
             against: str | None = None) -> GeneratedSite:
    """Raises TheoryInvalid, listing every problem, before anything is rendered; CannotBuild when
    the machine lacks what the build needs.

    `preview` is for a contributor's own server (`mkdocs serve`) only: a theory with problems is
    still rendered from the records as written, a record that cannot be shown gets a page saying
    so, and the site carries the problems (`problems_slot`, `problems_file`) for every page to show. A published
    build, the docs step and every command leave it off. `cache` keeps records read between
    rebuilds of one server (read.read_folder). `against` (a git ref: a pull request's base) marks
    what the theory changes against the theory there (site/review.py); a ref that is no commit
    raises CannotBuild.

    Diagrams are drawn as SVG beside the rest of the build (`drawing.Drawing`; `ready()` waits for
    them); where Merman is not installed they are left to the reader's browser, unless `static`
    (default: when $CI is set), which is what published builds use. `draw=False` leaves them to the
    reader's browser (for tests of everything else)."""
    with kept_data():  # the theory as plain data, asked for by several steps: made once
        return _generate(Path(theory_dir), site_url=site_url, edit_base=edit_base, project=project, docs_dir=docs_dir,
                         directory_urls=directory_urls, static=static, draw=draw, preview=preview, cache=cache,
                         against=against)


def _generate(theory_dir: Path, *, site_url: str, edit_base: str | None, project: Path | None, docs_dir: Path | None,
              directory_urls: bool, static: bool | None, draw: bool, preview: bool, cache: dict | None,
              against: str | None) -> GeneratedSite:
    project = project or theory_dir.parent
    docs_dir = docs_dir or project / "docs"
    _node_packages(project, drawing.MERMAID, *drawing.FONT_FILES.values())
    try:  # the font parts (and then the diagrams) made beside the rest of the build
        drawings = drawing.Drawing(project, start=draw)
        assets = served.files(drawings.fonts)
    except drawing.UnsafeCache as unsafe:
        raise CannotBuild(str(unsafe)) from None
    loaded, problems = _checked(theory_dir, project, docs_dir, preview=preview, cache=cache)
    theory, editions = loaded.theory, loaded.editions
    state = edition_of(theory.study.version, theory_data(theory), editions)
    site = Addresses(directory_urls=directory_urls)
    compared = None
    if against:  # a pull request's preview alone
        from .review import review
        compared = review(theory, theory_dir, against)
    early = (lambda page: drawings.draw_early(d.source for d in page.diagrams)) if draw else None
    render = functools.partial(render_site, site=site, edit_base=edit_base, site_url=site_url, editions=editions,
                               state=state, review=compared, on_page=early,
                               memo=cache.setdefault(_RENDERED, Memo()) if cache is not None else None)
    if problems:  # a serve session's preview alone
        from .preview import preview_pages
        pages = preview_pages(theory, problems, render, frozenset(loaded.records.unreadable))
    else:
        pages = render(theory)
    citations, data = citation_files(pages), data_files(theory, state.released, site_url)
    feeds = feed_files(theory, site_url=site_url, editions=editions, state=state)
    citations += feeds
    data.append(crate_file(theory, editions, site_url=site_url, state=state, paths=[d.path for d in (*data, *feeds)]))
    found = checks.hidden_pages(pages, docs_dir)
    found += checks.dangling_links(pages, {d.path for d in (*citations, *data)}, docs_dir)
    if found and not preview:
        raise TheoryInvalid(found)
    problems = sorted({*problems, *found})
    pages = [replace(page, links=frozenset()) for page in pages]  # checked: not kept (at 5,000 CMOCs ~30 MB)
    generated = GeneratedSite(theory.study, theory.based_on, editions, pages, citations, data, assets,
                              site_settings(theory.study, theory.based_on),
                              addresses.navigation(theory, review=compared is not None), site_url, edit_base, site,
                              state, Credits.of(theory.study, theory.based_on), problems=problems)
    sources = [d.source for page in pages for d in page.diagrams]
    static = bool(os.environ.get("CI")) if static is None else static
    try:
        if not draw:
            raise drawing.DrawingUnavailable("not asked to")
        drawings.draw(sources)
    except drawing.DrawingUnavailable as why:
        if static and draw:
            raise StaticDrawingRequired(f"diagrams must be drawn as SVG for a published build, and {why}") from None
        generated.not_drawn = str(why)
        generated.assets.append((addresses.MERMAID, project / drawing.MERMAID))
    except drawing.UnsafeCache as unsafe:
        raise CannotBuild(str(unsafe)) from None
    generated.pending = drawings.wait
    return generated


def prepare(project: Path) -> tuple[int, int, int]:
    """What every build uses and no theory changes, made once at set-up: the font parts, the
    compiled templates and the core's compiled modules. A build makes whatever is missing itself.
    (font files, templates, modules) counted."""
    _node_packages(project, *drawing.FONT_FILES.values())
    fonts = drawing.served_fonts(project)
    return len(fonts), compile_templates(), compile_modules()


def compile_modules() -> int:
    """The core's modules compiled, as pip compiles an installed package's: an editable install is
    not, and where PYTHONDONTWRITEBYTECODE is set (CI images, containers) Python would compile them
    again in every build (~40 ms). Python checks each against its source, as always: an edited
    module is read from its source until set-up runs again. Unwritable: left to Python."""
    import compileall
    package = Path(__file__).resolve().parent.parent
    compileall.compile_dir(package, quiet=2)
    return sum(1 for _ in package.rglob("*.py"))


def _node_packages(project: Path, *needed: str) -> None:
    """Refuses, saying what to run, where a file from the Node packages (package-lock.json) is missing."""
    for path in needed:
        if not (project / path).is_file():
            raise CannotBuild(f"{path} is missing: run `npm ci` (or `make setup`)")


def crate_file(theory: ProgrammeTheory, editions: list[Edition], *, site_url: str, state: EditionState,
               paths: list[str]) -> Download:
    """The edition's RO-Crate at its site's root, its data entities the site's downloads."""
    def write(out) -> None:
        write_crate(out, theory_data(theory, state.released), editions, site_url=site_url, files=site_files(paths),
                    doi=state.doi)
    return Download(METADATA, write)


def site_settings(study: Study, based_on: Source) -> dict[str, Markup]:
    """The site's name, description and copyright: the theory's own, from its records, encoded for
    the theme (Material prints them unescaped in the header, the footer and the title)."""
    return {"site_name": theme_text(study.publisher), "site_description": theme_text(study.description),
            "copyright": theme_text(f"Theory content: {based_on.name}, {study.licence} ({based_on.cited_as})")}


def write_docs(site: GeneratedSite, out: Path) -> None:
    """Every generated page, file and asset under out/, as a builder reads a docs folder."""
    site.ready()
    for page in site.pages:
        _write(out, page.path, lambda f, text=site.markdown(page): f.write(text))
    for download in (*site.citations, *site.data):
        _write(out, download.path, download.write)
    for served_as, path in site.assets:
        _write(out, served_as, lambda f, source=path: f.write(source.read_bytes()), binary=True)


def _write(out: Path, relative: str, write: Callable, *, binary: bool = False) -> None:
    target = out / relative
    if not target.resolve().is_relative_to(out.resolve()):  # addresses come from checked IDs: never expected
        raise CannotBuild(f"{relative} would be written outside {out}")
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("wb") if binary else target.open("w", encoding="utf-8", newline="") as stream:
        write(stream)
