"""Diagrams drawn at build time: Mermaid source in, inline SVG out, so that pages load no diagram
JavaScript and a diagram is there in the first paint, with JavaScript off, on paper.

Merman (a Rust port of Mermaid's parser, layout and SVG, from PyPI) draws each diagram without a
browser, its labels measured in the site's own font (`fontmetrics`: HarfBuzz, as browsers shape
text), so that boxes are sized for the text a reader sees (decision 20), in a worker beside the
build (`Drawing`). Each SVG is kept in a cache keyed on its source and on everything that shapes it
(Merman, the font, the settings, these files), so a rebuild draws only what changed. The cache is a
folder only the building user can write; an SVG is checked against an allow-list of what Mermaid
writes before a page takes it (a planted file cannot run a script).
"""
from __future__ import annotations

import atexit
import functools
import hashlib
import json
import multiprocessing
import os
import re
import stat
import threading
from concurrent.futures import BrokenExecutor, Executor, ProcessPoolExecutor
from importlib import metadata
from pathlib import Path

from lxml import etree

from . import fontmetrics

FONT_FILES = fontmetrics.FONT_FILES
FONT_FAMILY = "Atkinson Hyperlegible"
MERMAID = "node_modules/mermaid/dist/mermaid.min.js"  # for the reader's browser, where a build cannot draw
# Mermaid's site configuration. Labels as HTML; sizes in CSS px. Labels wrap at 120 px, so that a
# CMOC with a circumstance beside it (two columns) keeps 12 px text at 390 px.
# "classic": Mermaid 11's look (Merman's default is Mermaid 12's "neo").
SETTINGS = {"theme": "default", "look": "classic", "htmlLabels": True, "fontFamily": f"'{FONT_FAMILY}', sans-serif",
            "fontSize": 16, "flowchart": {"useMaxWidth": True, "htmlLabels": True, "wrappingWidth": 120}}
# A diagram may be as large as the theory makes it (a map of thousands of CMOCs), never larger than this.
_LIMITS = {"max_source_bytes": 16 * 1024 * 1024, "max_model_text_bytes": 16 * 1024 * 1024,
           "max_model_items": 1_000_000, "max_layout_work_units": 2_000_000_000, "max_svg_elements": 4_000_000,
           "max_svg_bytes": 256 * 1024 * 1024}


class DrawingUnavailable(RuntimeError):
    """Nothing to draw with (Merman not installed here): say so, and the site falls back to drawing
    in the reader's browser (a published build refuses instead)."""


class UnsafeCache(RuntimeError):
    """The diagram cache could be written by someone else: its SVG would go into every page."""


def cache_root() -> Path:
    """$LIVINGTHEORY_CACHE, else the user's own cache folder (~/.cache/livingtheory)."""
    if os.environ.get("LIVINGTHEORY_CACHE"):
        return Path(os.environ["LIVINGTHEORY_CACHE"])
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "livingtheory"


def private_folder(path: Path) -> Path:
    """path, made if missing, and refused unless it and the folders made for it belong to this
    user and no one else can write to them."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    for folder in (path, *path.parents):
        if folder == cache_root().parent:
            break
        info = folder.stat()
        if info.st_uid != os.getuid() or info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
            raise UnsafeCache(f"the diagram cache {folder} can be written by another user (owner {info.st_uid}, "
                              f"mode {stat.filemode(info.st_mode)}); delete it, or set LIVINGTHEORY_CACHE to a "
                              "folder of your own")
    return path


def font_files(project: Path) -> dict[tuple[int, str], Path]:
    """Where the font files the site serves are kept, by (weight, subset): the pinned font without
    hinting, in the two unicode-range parts site.css declares (`Drawing` makes them once)."""
    files = {}
    folder = fonts_folder(project)
    for weight, path in FONT_FILES.items():
        source = project / path
        if not source.is_file():
            raise DrawingUnavailable(f"{path} is missing: run `npm ci` (or `make setup`)")
        digest = hashlib.sha256(source.read_bytes() + Path(fontmetrics.__file__).read_bytes()).hexdigest()[:16]
        for subset in fontmetrics.SUBSETS:
            files[weight, subset] = folder / f"{digest}-{weight}{subset}.woff2"
    return files


def fonts_folder(project: Path) -> Path:
    """The font parts are made from the installed font package, not from the theory: they live beside
    it (node_modules/.livingtheory), made once per `npm ci` by `make setup` (`python -m livingtheory
    prepare`) or else by the first build; in the user's cache where that folder cannot be written."""
    folder = project / "node_modules" / ".livingtheory" / "fonts"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return private_folder(cache_root() / "fonts")
    return folder if os.access(folder, os.W_OK) else private_folder(cache_root() / "fonts")


def _make_fonts(project: Path, files: dict[tuple[int, str], Path]) -> None:
    for weight in FONT_FILES:
        missing = {target: fontmetrics.SUBSETS[subset] for (each, subset), target in files.items()
                   if each == weight and not (target.is_file() and target.with_suffix(".otf").is_file())}
        if not missing:
            continue
        made = {target.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp"): target for target in missing}
        fontmetrics.unhinted(project / FONT_FILES[weight], {temporary: missing[made[temporary]] for temporary in made})
        for temporary, target in made.items():  # the plain copy first: a font part there means both are
            temporary.with_suffix(".otf").replace(target.with_suffix(".otf"))
            temporary.replace(target)


def served_fonts(project: Path) -> dict[tuple[int, str], Path]:
    """The font files the site serves, made now where they are missing."""
    files = font_files(project)
    _make_fonts(project, files)
    return files


_AT_ONCE = 40  # diagrams drawn in the build's own process; more go to a worker beside it (about 5 ms each)
_SHARE = 16  # diagrams given to the worker at a time
_TAKEN_BACK = 3  # shares the worker has not begun when the build waits: the build draws them itself
# ... on a site of up to this many diagrams. A Merman engine in the build's own process holds some
# 20 MB to the build's end: worth it where the wait is much of a short build, not at thousands of
# diagrams, where the wait is a second of a minute and memory the limit (300 MB at 5,000 CMOCs).
_TAKE_BACK_UP_TO = 1000


class Drawing:
    """What the cache lacks, made beside the build, in another process on another core (Merman,
    HarfBuzz and fontTools never wait for the build's Python, nor it for them): on a cold cache the
    worker starts with the build (`Drawing(project)`), is given the diagrams as pages are rendered
    (`draw_early`) and once they all are (`draw`); `wait()` gives each Mermaid source's file (pages
    take their SVG from it when they are written, so no build holds every diagram in memory). What
    can refuse at once does so when it is asked (UnsafeCache; DrawingUnavailable when Merman is not
    installed); a diagram Merman cannot draw raises when waited for. `beside=False` makes everything
    in this process, when asked; `start=False` (a build that draws nothing) starts a worker only for
    missing font parts."""

    def __init__(self, project: Path, *, beside: bool = True, start: bool = True):
        self.project, self.beside = project, beside
        self.fonts = font_files(project)
        self.files: dict[str, Path] = {}
        self._pool: Executor | None = None
        self._jobs: list = []
        self._given: set[str] = set()  # sources given early (`draw_early`)
        self._share: list[tuple[str, str]] = []  # of those, missing ones not yet given to the worker
        self._cache: Path | DrawingUnavailable = self._cache_folder()
        cold = not all(f.is_file() and f.with_suffix(".otf").is_file() for f in self.fonts.values())
        if cold or (start and isinstance(self._cache, Path) and not any(self._cache.iterdir())):
            # a cold build: the worker starts now, and has the fonts and Merman ready when the diagrams come
            self._submit(_prepare, project, self.fonts)

    def _cache_folder(self) -> Path | DrawingUnavailable:
        """This build's diagram folder: keyed on all that shapes an SVG (Merman, HarfBuzz, the font,
        the settings, this code)."""
        try:
            versions = [metadata.version(name) for name in ("merman", "uharfbuzz")]
        except metadata.PackageNotFoundError as absent:
            return DrawingUnavailable(f"{absent} is not installed (pip install -r requirements.txt)")
        key_parts = [json.dumps([versions, SETTINGS, _LIMITS]).encode(),
                     *((self.project / path).read_bytes() for path in FONT_FILES.values()),
                     Path(__file__).read_bytes(), Path(fontmetrics.__file__).read_bytes()]
        salt = hashlib.sha256(b"".join(hashlib.sha256(p).digest() for p in key_parts)).hexdigest()[:16]
        return private_folder(cache_root() / "diagrams" / salt)

    def draw_early(self, sources) -> None:
        """Diagrams known before the rest (a page's, as it is rendered): on a cold build, given to the
        worker a share at a time, so that it draws while the pages are still being written."""
        if not self._jobs or not isinstance(self._cache, Path):
            return  # no worker running (a warm build): `draw` decides
        for source in sources:
            if source not in self._given:
                self._given.add(source)
                if not _safe_file(self._file(source)):
                    self._share.append((self._file(source).stem, source))
        if len(self._share) >= _SHARE:
            self._submit(_make, self.project, self.fonts, self._share, self._cache)
            self._share = []

    def draw(self, sources: list[str]) -> None:
        """Every diagram the site shows (those given early included)."""
        if not sources:
            return
        if isinstance(self._cache, DrawingUnavailable):
            raise self._cache
        self.files = {source: self._file(source) for source in dict.fromkeys(sources)}
        missing = self._share + [(file.stem, source) for source, file in self.files.items()
                                 if source not in self._given and not _safe_file(file)]
        self._share = []
        if len(missing) > _AT_ONCE or self._jobs:
            for first in range(0, len(missing), _SHARE):  # in shares: the build may take back those not begun
                self._submit(_make, self.project, self.fonts, missing[first:first + _SHARE], self._cache)
        elif missing:  # an edit's few diagrams (`make serve`): drawn now, sooner than a worker starts
            _make(self.project, self.fonts, missing, self._cache)

    def _file(self, source: str) -> Path:
        return self._cache / f"{hashlib.sha256(source.encode()).hexdigest()}.svg"

    def wait(self) -> dict[str, Path]:
        try:
            # Shares the worker has not begun are drawn here, from the last, while it draws the rest:
            # the build would only wait for them (worth it for more than the build's own start-up).
            waiting = [job for job in self._jobs if not job[0].running() and not job[0].done()]
            if len(waiting) >= _TAKEN_BACK and len(self.files) <= _TAKE_BACK_UP_TO:
                for job, work, args in reversed(waiting):
                    if job.cancel():
                        work(*args)
            for job, work, args in self._jobs:
                if job.cancelled():
                    continue
                try:
                    job.result()
                except BrokenExecutor:  # the worker could not start here (a script read from stdin): in this process
                    work(*args)
        finally:
            self._jobs = []
            if self._pool is not None:
                self._pool.shutdown(wait=False)  # its worker ends once its jobs are done
                self._pool = None
        return self.files

    def _submit(self, work, *args) -> None:
        if not self.beside:
            work(*args)
            return
        if self._pool is None:  # a new interpreter: safe beside a server's threads, and the build need not wait for it
            self._pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
        self._jobs.append((self._pool.submit(work, *args), work, args))


def _prepare(project: Path, fonts: dict[tuple[int, str], Path]) -> None:
    """The font parts made, and Merman and HarfBuzz loaded, before the diagrams are known."""
    _make_fonts(project, fonts)
    try:
        _renderer(tuple(sorted(fonts.items())))
    except DrawingUnavailable:  # said when diagrams are drawn, or left to the reader's browser
        pass


@functools.lru_cache(maxsize=1)
def _renderer(fonts: tuple) -> _Renderer:
    """One Merman engine per process and font: a worker keeps it from one share to the next."""
    atexit.register(_renderer.cache_clear)  # let go while Merman's bindings are still there
    return _Renderer(dict(fonts))


def _make(project: Path, fonts: dict[tuple[int, str], Path], missing: list[tuple[str, str]], cache: Path | None) -> None:
    """The font parts, then each missing diagram, written whole into the cache."""
    _make_fonts(project, fonts)
    if not missing:
        return
    renderer = _renderer(tuple(sorted(fonts.items())))
    for key, source in missing:
        svg = slim(renderer.svg(source, "d" + key[:12]))  # its own id: two diagrams on a page never clash
        problem = unsafe(svg)
        if problem:  # Merman itself wrote it: a new version must be looked at before use
            raise DrawingUnavailable(f"Merman drew an SVG outside what pages accept ({problem})")
        target = cache / f"{key}.svg"
        temporary = target.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
        temporary.write_text(svg, encoding="utf-8")
        temporary.replace(target)  # whole or not at all: a build stopped half-way leaves no torn file


def draw(sources: list[str], project: Path) -> dict[str, Path]:
    """Each Mermaid source -> the file holding its SVG, drawn now, in this process, where the cache lacks it."""
    drawing = Drawing(project, beside=False)
    drawing.draw(sources)
    return drawing.wait()


_CHECKED_FILES: dict[Path, tuple] = {}  # file -> its stamp when found safe: a server's rebuilds check once


def _safe_file(file: Path) -> bool:
    """A cached SVG a page may take: present, and inside the allow-list (else it is drawn again)."""
    try:
        info = file.stat()
        stamp = (info.st_ino, info.st_size, info.st_mtime_ns)
        if _CHECKED_FILES.get(file) == stamp:
            return True
        if unsafe(file.read_text(encoding="utf-8")) is None:
            _CHECKED_FILES[file] = stamp
            return True
        return False
    except (FileNotFoundError, UnicodeDecodeError):
        return False


# Where a diagram's text stays 12 px or more once scaled to the page: the narrowest screen that
# shows it (site CSS: below it the page's own text says the same, and maps draw their CMOCs as chains).
# Content widths: a 390 px phone about 356 px; a 720 px (45em) tablet about 680, and so is a wider
# screen's beside a table of contents; a 960 px (60em) screen about 900 where the contents are hidden.
# A diagram too wide for that is "none": on screen its page's text stands for it (it still prints).
FITS = (("any", 340), ("tablet", 660), ("desktop", 900))


def fit_of(width: float, text_px: int, *, contents_hidden: bool = True) -> str:
    needed = width * 12 / text_px
    return next((name for name, room in FITS if needed <= room and (contents_hidden or name != "desktop")), "none")


def svg_for_page(svg: str, *, text_px: int = 16, contents_hidden: bool = True) -> str:
    """The SVG as a page holds it: one line, at its own size at most (scaled down to the page, never
    up), marked with the narrowest screen that shows it with legible text (`data-fit`)."""
    svg = " ".join(svg.split("\n"))
    size = re.search(r'width="100%"(.*?) style="max-width: ([0-9.]+)px;"', svg)
    if size:
        svg = svg.replace(size.group(0), f'width="{size.group(2)}"{size.group(1)} data-fit="'
                          f'{fit_of(float(size.group(2)), text_px, contents_hidden=contents_hidden)}"', 1)
    return svg


# ----------------------------------------------------------------------------- what a page carries

# The renderer writes every marker, filter and style rule a flowchart might use; a page carries
# only those its diagram does use (a CMOC page's diagram: 14 KB before, about half after).
_NOT = re.compile(r":not\([^)]*\)")
_CLASS = re.compile(r"\.(-?[_a-zA-Z][\w-]*)")
_ATTRIBUTE = re.compile(r'\[([\w-]+)="([^"]*)"\]')
_URL_ID = re.compile(r"url\(#([^)]+)\)")


def slim(svg: str) -> str:
    """The SVG without what none of its elements uses: markers and filters nothing points to, style
    rules whose selectors name a class or attribute no element has, and edges' point lists."""
    root = etree.fromstring(svg.encode(), _PARSER)
    classes, attributes, pointed = set(), set(), set()
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        element.attrib.pop("data-points", None)
        classes.update((element.get("class") or "").split())
        attributes.update(element.items())
        for value in element.attrib.values():
            pointed.update(_URL_ID.findall(value))
    for element in list(root.iter(_SVG + "marker", _SVG + "filter")):
        if element.get("id") not in pointed:
            element.getparent().remove(element)
    for defs in list(root.iter(_SVG + "defs")):
        if len(defs) == 0:
            defs.getparent().remove(defs)
    for style in root.iter(_SVG + "style"):
        style.text = _used_rules(style.text or "", classes, attributes)
    return etree.tostring(root, encoding="unicode")


def _used_rules(css: str, classes: set[str], attributes: set[tuple[str, str]]) -> str:
    def used(selector: str) -> bool:
        plain = _NOT.sub("", selector)
        return (all(name in classes for name in _CLASS.findall(plain))
                and all(pair in attributes for pair in _ATTRIBUTE.findall(plain)))
    kept, depth, start = [], 0, 0
    for i, char in enumerate(css):
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                rule = css[start:i + 1]
                selectors = rule[:rule.index("{")]
                if selectors.lstrip().startswith("@") or any(used(s) for s in selectors.split(",")):
                    kept.append(rule)
                start = i + 1
    kept_text = "".join(kept)
    # keyframes only where a kept rule animates
    return "".join(r for r in kept if not r.lstrip().startswith("@keyframes") or "animation" in kept_text.replace(r, ""))


# ----------------------------------------------------------------------------- what a page accepts

# Exactly what Mermaid's flowcharts are made of; anything else (a script, an event handler, a link
# off the site, a stylesheet that fetches, an embedded document) means the file is not Mermaid's.
_SVG, _XHTML, _XLINK = "{http://www.w3.org/2000/svg}", "{http://www.w3.org/1999/xhtml}", "{http://www.w3.org/1999/xlink}"
_ELEMENTS = frozenset([_SVG + name for name in (
    "svg", "g", "defs", "style", "marker", "path", "rect", "circle", "ellipse", "line", "polyline", "polygon", "text",
    "tspan", "foreignObject", "a", "title", "desc", "filter", "feDropShadow")]
    + [_XHTML + name for name in ("div", "span", "p", "br", "i", "b", "em", "strong")])
_PLAIN = frozenset([
    "aria-describedby", "aria-labelledby", "aria-roledescription", "class", "cx", "cy", "d", "data-edge", "data-et",
    "data-id", "data-look", "data-points", "dx", "dy", "flood-color", "flood-opacity", "height", "id", "markerHeight",
    "markerUnits", "markerWidth", "orient", "points", "r", "refX", "refY", "role", "stdDeviation", "title",
    "transform", "viewBox", "width", "x", "y", "x1", "x2", "y1", "y2", "rx", "ry"])
_CHECKED = ("style", "marker-end", "marker-start")  # may hold url(): only url(#...) within the diagram
_ALLOWED = _PLAIN | {*_CHECKED, _XLINK + "href"}
_FETCHES = re.compile(r"url\((?!#)|@import|expression\(|javascript:|\\", re.I)
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)


def unsafe(svg: str) -> str | None:
    """What in an SVG falls outside what Mermaid writes, or None when all of it is Mermaid's."""
    try:
        root = etree.fromstring(svg.encode(), _PARSER)
    except etree.XMLSyntaxError as err:
        return f"it is not well-formed XML ({err})"
    for element in root.iter():
        if element.tag not in _ELEMENTS:
            return f"a {element.tag!r} element" if isinstance(element.tag, str) else "a comment or instruction"
        names = element.keys()
        if not names or _PLAIN.issuperset(names):
            continue
        if not _ALLOWED.issuperset(names):
            return f"the attribute {sorted(set(names) - _ALLOWED)[0]!r}"
        link = element.get(_XLINK + "href")
        if link is not None and (":" in link.split("/")[0] or link.startswith("//")):
            return f"a link to {link[:40]!r}"
        if any(_FETCHES.search(element.get(name) or "") for name in _CHECKED):
            return "a style that fetches or runs something"
    if any(_FETCHES.search(style.text or "") for style in root.iter(_SVG + "style")):
        return "a style that fetches or runs something"
    return None


# ----------------------------------------------------------------------------- Merman

class _Renderer:
    """One Merman engine for a build, its labels measured in the site's font."""

    def __init__(self, fonts: dict[tuple[int, str], Path]):
        try:
            import merman
        except ImportError as err:
            raise DrawingUnavailable(f"Merman is not installed ({err}): pip install -r requirements.txt") from None
        font = fontmetrics.SiteFont(fonts)

        class Measurer(merman.MermanTextMeasurer):
            """The two measurements HTML labels ask for; any other is left to Merman's own metrics."""

            def measure(self, request):
                # the same label comes back in many diagrams (a CMOC in its neighbours' and the map)
                key = (request.operation, request.text, request.font_size, request.max_width, request.font_weight,
                       request.line_height)
                if key in measured:
                    return measured[key]
                try:
                    measured[key] = self._measure(request)
                except Exception as err:  # Merman would quietly use its own metrics: a fault must be seen
                    failures.append(err)
                    return None
                return measured[key]

            def _measure(self, request):
                weight = 700 if (request.font_weight or "").strip() in ("bold", "600", "700", "800", "900") else 400
                if request.operation == merman.MermanTextMeasurementOperation.CANVAS_MEASURE_TEXT_WIDTH:
                    width = font.width(request.text, request.font_size, weight)
                    return None if width is None else result(merman.MermanTextMeasurementResultKind.LENGTH,
                                                             width * fontmetrics.SLACK, 1)
                if request.operation == merman.MermanTextMeasurementOperation.WRAPPED:
                    wrapped = font.wrapped(request.text, request.font_size, request.max_width, weight)
                    return None if wrapped is None else result(merman.MermanTextMeasurementResultKind.METRICS,
                                                               wrapped[0], wrapped[1], request.line_height)
                return None

        def result(kind, width: float, lines: int, line_height: float = 0.0):
            return merman.MermanTextMeasureResult(result_kind=kind, width=width, height=lines * line_height,
                                                  length=width, line_count=lines, bbox_left=None, bbox_right=None,
                                                  raw_width=None)

        failures: list[Exception] = []
        measured: dict[tuple, object] = {}
        self._failures = failures
        self._merman = merman
        services = merman.MermanEngineServices().with_text_measurer(Measurer())
        self._engine = merman.MermanEngine(json.dumps({"site_config": SETTINGS,
                                                       "resources": {"limits": _LIMITS}}), services)

    def svg(self, source: str, diagram_id: str) -> str:
        try:
            svg = self._engine.render_svg(source, json.dumps({"svg": {"diagram_id": diagram_id}}))
        except self._merman.MermanError as err:
            raise DrawingUnavailable(f"Merman could not draw a diagram: {err}") from None
        if self._failures:  # the engine is kept for the next diagram: its failures are not
            failure = self._failures[0]
            self._failures.clear()
            raise failure
        return svg
