"""Diagrams drawn at build time: Mermaid source in, inline SVG out, so that pages load no diagram
JavaScript and a diagram is there in the first paint, with JavaScript off, on paper.

The pinned Mermaid (npm) draws the diagrams in headless Chromium pages (Playwright, already used
by the tests), with the site's own font, so that boxes are sized for the text a reader sees. The
pages draw side by side, one per core. Each SVG is kept in a cache keyed on its source and on
everything that shapes it (Mermaid, the font, the settings, this file), so a rebuild draws only
what changed. The cache is a folder only the building user can write; an SVG is checked against
an allow-list of what Mermaid writes before a page takes it (a planted file cannot run a script).
"""
from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import os
import re
import stat
from pathlib import Path

from lxml import etree

from . import addresses

CHROMIUM = os.environ.get("LIVINGTHEORY_CHROMIUM", "/usr/bin/chromium")
FONT_FAMILY = "Atkinson Hyperlegible"
FONT_FILES = {400: "node_modules/@fontsource/atkinson-hyperlegible/files/atkinson-hyperlegible-latin-400-normal.woff2",
              700: "node_modules/@fontsource/atkinson-hyperlegible/files/atkinson-hyperlegible-latin-700-normal.woff2"}
MERMAID = "node_modules/mermaid/dist/mermaid.min.js"
# Labels as HTML (Mermaid prints the labels' entity codes literally without); sizes in CSS px. Labels wrap
# at 120 px, so that a CMOC with a circumstance beside it (two columns) keeps 12 px text at 390 px.
SETTINGS = {"startOnLoad": False, "securityLevel": "strict", "theme": "default", "htmlLabels": True,
            "fontFamily": f"'{FONT_FAMILY}', sans-serif", "fontSize": 16, "maxTextSize": 10_000_000,
            "maxEdges": 100_000, "flowchart": {"useMaxWidth": True, "htmlLabels": True, "wrappingWidth": 120}}


class DrawingUnavailable(RuntimeError):
    """No browser to draw with: say so, and the site falls back to drawing in the reader's browser."""


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


def draw(sources: list[str], project: Path, *, workers: int | None = None) -> dict[str, Path]:
    """Each Mermaid source -> the file holding its SVG (pages take their SVG from it when they are
    written, so no build holds every diagram in memory). Draws only what the cache lacks, or holds
    unsafely; raises DrawingUnavailable without a browser."""
    mermaid_js = project / MERMAID
    fonts = {weight: project / path for weight, path in FONT_FILES.items()}
    key_parts = [mermaid_js.read_bytes(), *(f.read_bytes() for f in fonts.values()), json.dumps(SETTINGS).encode(),
                 Path(__file__).read_bytes()]
    salt = hashlib.sha256(b"".join(hashlib.sha256(p).digest() for p in key_parts)).hexdigest()[:16]
    cache = private_folder(cache_root() / "diagrams" / salt)
    files = {source: cache / f"{hashlib.sha256(source.encode()).hexdigest()}.svg" for source in dict.fromkeys(sources)}
    missing = [(file.stem, source) for source, file in files.items() if not _safe_file(file)]
    if missing:
        workers = workers or min(os.cpu_count() or 1, 4, max(1, len(missing) // 20))
        for (key, _), svg in zip(missing, _draw_in_browser(missing, mermaid_js, fonts, workers)):
            problem = unsafe(svg)
            if problem:  # Mermaid itself wrote it: a new Mermaid version must be looked at before use
                raise DrawingUnavailable(f"Mermaid drew an SVG outside what pages accept ({problem})")
            target = cache / f"{key}.svg"
            temporary = target.with_suffix(".tmp")
            temporary.write_text(svg, encoding="utf-8")
            temporary.replace(target)  # whole or not at all: a build stopped half-way leaves no torn file
    return files


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


# ----------------------------------------------------------------------------- the browser

def _draw_in_browser(sources: list[tuple[str, str]], mermaid_js: Path, fonts: dict[int, Path], workers: int) -> list[str]:
    """(key, source) pairs drawn, in order; each SVG's id comes from its key, so two diagrams on a
    page never clash. The sources are shared between `workers` pages drawing side by side."""
    if not Path(CHROMIUM).exists():
        raise DrawingUnavailable(f"no browser at {CHROMIUM} (apt-get install -y chromium)")
    try:
        from playwright.async_api import Error, async_playwright
    except ImportError as err:  # pragma: no cover - playwright is in requirements.txt
        raise DrawingUnavailable(str(err)) from None
    faces = "".join(f"@font-face{{font-family:'{FONT_FAMILY}';font-weight:{w};"
                    f"src:url(data:font/woff2;base64,{base64.b64encode(path.read_bytes()).decode()}) format('woff2')}}"
                    for w, path in fonts.items())
    document = (f"<!doctype html><html><head><style>{faces} body{{font-family:'{FONT_FAMILY}'}}</style></head>"
                "<body><div id='out'></div></body></html>")
    script = mermaid_js.read_text()
    chunks = [sources[i::workers] for i in range(workers)]

    async def draw_chunk(browser, chunk):
        page = await browser.new_page()
        await page.route("**/*", lambda route: route.abort())  # nothing from anywhere: all is inline
        await page.set_content(document)
        await page.add_script_tag(content=script)
        await page.evaluate("async () => { await document.fonts.load(\"16px 'Atkinson Hyperlegible'\");"
                            " await document.fonts.load(\"bold 16px 'Atkinson Hyperlegible'\"); }")
        return await page.evaluate(_RENDER, {"diagrams": [["d" + key[:12], source] for key, source in chunk],
                                             "settings": SETTINGS})

    async def run():
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=[
                "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--renderer-process-limit=8"])
            try:
                return await asyncio.gather(*(draw_chunk(browser, chunk) for chunk in chunks if chunk))
            finally:
                await browser.close()

    try:
        drawn = asyncio.run(run())
    except Error as err:
        raise DrawingUnavailable(f"the browser could not draw the diagrams: {err}") from None
    by_key = {key: svg for chunk, svgs in zip([c for c in chunks if c], drawn) for (key, _), svg in zip(chunk, svgs)}
    return [by_key[key] for key, _ in sources]


# Each diagram is drawn into the page (so text is measured with the real font), then serialised with
# XMLSerializer: outerHTML would leave the xlink: prefix of the links undeclared.
_RENDER = """async ({diagrams, settings}) => {
  mermaid.initialize(settings);
  const out = document.getElementById('out');
  const svgs = [];
  for (const [id, source] of diagrams) {
    const {svg} = await mermaid.render(id, source, out);
    out.innerHTML = svg;
    const element = out.querySelector('svg');
    svgs.push(new XMLSerializer().serializeToString(element));
    out.innerHTML = '';
  }
  return svgs;
}"""

FONT_SERVED_AS = addresses.FONT
