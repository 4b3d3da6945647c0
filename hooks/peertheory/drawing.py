"""Diagrams drawn at build time: Mermaid source in, inline SVG out, so that pages load no diagram
JavaScript and a diagram is there in the first paint, with JavaScript off, on paper.

The pinned Mermaid (npm) draws every diagram in one headless Chromium page (Playwright, already
used by the tests), with the site's own font, so that boxes are sized for the text a reader sees.
Each SVG is kept in a cache keyed on its source and on everything that shapes it (Mermaid, the
font, the settings below), so a rebuild draws only what changed. Where no browser can run (a
contributor's laptop), `draw` returns None and the page keeps its Mermaid source, drawn by the
browser instead; published builds (CI) require the static drawing.
"""
from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

CHROMIUM = os.environ.get("PEERTHEORY_CHROMIUM", "/usr/bin/chromium")
FONT_FAMILY = "Atkinson Hyperlegible"
FONT_FILES = {400: "node_modules/@fontsource/atkinson-hyperlegible/files/atkinson-hyperlegible-latin-400-normal.woff2",
              700: "node_modules/@fontsource/atkinson-hyperlegible/files/atkinson-hyperlegible-latin-700-normal.woff2"}
FONT_SERVED_AS = "assets/fonts/atkinson-hyperlegible-{weight}.woff2"  # @font-face in docs/stylesheets/extra.css
MERMAID = "node_modules/mermaid/dist/mermaid.min.js"
# Labels as HTML (Mermaid prints the labels' entity codes literally without); sizes in CSS px. Labels wrap
# at 120 px, so that a CMOC with a circumstance beside it (two columns) keeps 12 px text at 390 px.
SETTINGS = {"startOnLoad": False, "securityLevel": "strict", "theme": "default", "htmlLabels": True,
            "fontFamily": f"'{FONT_FAMILY}', sans-serif", "fontSize": 16, "maxTextSize": 10_000_000,
            "maxEdges": 100_000, "flowchart": {"useMaxWidth": True, "htmlLabels": True, "wrappingWidth": 120}}


class DrawingUnavailable(RuntimeError):
    """No browser to draw with: say so, and the site falls back to drawing in the reader's browser."""


def draw(sources: list[str], project: Path) -> list[Path]:
    """The file holding the SVG of each Mermaid source, in order (the cache: pages take their SVG
    from it when they are written, so no build holds every diagram in memory). Raises
    DrawingUnavailable without a browser."""
    mermaid_js = project / MERMAID
    fonts = {weight: project / path for weight, path in FONT_FILES.items()}
    key_parts = [mermaid_js.read_bytes(), *(f.read_bytes() for f in fonts.values()), json.dumps(SETTINGS).encode(),
                 Path(__file__).read_bytes()]
    salt = hashlib.sha256(b"".join(hashlib.sha256(p).digest() for p in key_parts)).hexdigest()[:16]
    cache = Path(tempfile.gettempdir()) / f"peertheory-diagrams-{os.getuid()}" / salt
    keys = [hashlib.sha256(source.encode()).hexdigest() for source in sources]
    missing = {key: source for key, source in zip(keys, sources) if not (cache / f"{key}.svg").is_file()}
    if missing:
        cache.mkdir(parents=True, exist_ok=True)
        for key, svg in zip(missing, _draw_in_browser(list(missing.items()), mermaid_js, fonts)):
            (cache / f"{key}.svg").write_text(svg)
    return [cache / f"{key}.svg" for key in keys]


def _draw_in_browser(sources: list[tuple[str, str]], mermaid_js: Path, fonts: dict[int, Path]) -> list[str]:
    """(key, source) pairs drawn; each SVG's id comes from its key, so two diagrams on a page never clash."""
    if not Path(CHROMIUM).exists():
        raise DrawingUnavailable(f"no browser at {CHROMIUM} (apt-get install -y chromium)")
    try:
        from playwright.sync_api import Error, sync_playwright
    except ImportError as err:  # pragma: no cover - playwright is in requirements.txt
        raise DrawingUnavailable(str(err)) from None
    faces = "".join(f"@font-face{{font-family:'{FONT_FAMILY}';font-weight:{w};"
                    f"src:url(data:font/woff2;base64,{_base64(path)}) format('woff2')}}" for w, path in fonts.items())
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=[
                "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync"])
            page = browser.new_page()
            page.route("**/*", lambda route: route.abort())  # nothing from anywhere: all is inline
            page.set_content(f"<!doctype html><html><head><style>{faces} body{{font-family:'{FONT_FAMILY}'}}"
                             f"</style></head><body><div id='out'></div></body></html>")
            page.add_script_tag(content=mermaid_js.read_text())
            page.evaluate("async () => { await document.fonts.load(\"16px 'Atkinson Hyperlegible'\");"
                          " await document.fonts.load(\"bold 16px 'Atkinson Hyperlegible'\"); }")
            svgs = page.evaluate(_RENDER, {"diagrams": [["d" + key[:12], source] for key, source in sources],
                                           "settings": SETTINGS})
            browser.close()
    except Error as err:
        raise DrawingUnavailable(f"the browser could not draw the diagrams: {err}") from None
    return svgs


def _base64(path: Path) -> str:
    import base64
    return base64.b64encode(path.read_bytes()).decode()


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
