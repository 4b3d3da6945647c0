"""Candidates for drawing Mermaid without a browser, side by side on this machine (decision 20).

    python benchmarks/drawing.py            # writes benchmarks/results-drawing.json and screenshots
                                            # to benchmarks/out/drawing/

Every diagram of the fixed theory (edition 1.0: 12 CMOCs, their neighbourhoods, the outcome maps and
the whole map) is drawn by each candidate installed here, then shown in Chromium with the site's own
font at 1,280 and 390 px: per candidate, the time per diagram (after one warm-up), the labels whose
words fall outside their box, whether the SVG keeps the accessible title and description and passes
the site's allow-list, and its size. The browser is only the judge here; no candidate uses one.

- "mermaid-chromium": the pinned Mermaid (npm) in headless Chromium, as the site drew until now
  (start-up of the browser included, as a build pays it);
- "merman": Merman's own metrics, no measuring callback;
- "merman-harfbuzz": Merman with labels measured by HarfBuzz in the served font (what the site does);
- "mmdr-rs": `mmdr --backend mermaid-rs-renderer`, if mmdr is installed (pip install mmdr).
"""
from __future__ import annotations

import base64
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))
OUT = REPO / "benchmarks" / "out" / "drawing"

from livingtheory.site import drawing, fontmetrics  # noqa: E402


def sources() -> list[str]:
    from test_drawing import _sources
    return _sources()


def merman_plain(items: list[str]) -> list[str]:
    import merman
    engine = merman.MermanEngine(json.dumps({"site_config": drawing.SETTINGS}), None)
    return [engine.render_svg(s, json.dumps({"svg": {"diagram_id": f"m{i}"}})) for i, s in enumerate(items)]


def merman_harfbuzz(items: list[str]) -> list[str]:
    renderer = drawing._Renderer(drawing.served_fonts(REPO))
    return [drawing.slim(renderer.svg(s, f"h{i}")) for i, s in enumerate(items)]


def mmdr_rs(items: list[str]) -> list[str]:
    mmdr = shutil.which("mmdr") or str(Path(sys.executable).parent / "mmdr")
    return [subprocess.run([mmdr, "-i", "-", "-o", "-", "--backend", "mermaid-rs-renderer"], input=s, text=True,
                           capture_output=True, check=True).stdout for s in items]


def mermaid_chromium(items: list[str]) -> list[str]:
    """The way the site drew before decision 20: Mermaid in a headless Chromium page."""
    from playwright.sync_api import sync_playwright
    font = (REPO / fontmetrics.FONT_FILES[400]).read_bytes()
    settings = {"startOnLoad": False, "securityLevel": "strict", "maxTextSize": 10_000_000, "maxEdges": 100_000,
                **drawing.SETTINGS}
    settings.pop("look")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page()
        page.set_content(f"<style>@font-face{{font-family:'Atkinson Hyperlegible';src:url(data:font/woff2;base64,"
                         f"{base64.b64encode(font).decode()})}}</style><div id=out></div>")
        page.add_script_tag(path=str(REPO / drawing.MERMAID))
        page.evaluate("document.fonts.load(\"16px 'Atkinson Hyperlegible'\")")
        svgs = page.evaluate("""async ([items, settings]) => { mermaid.initialize(settings); const out = [];
            const box = document.getElementById('out');
            for (const [i, s] of items.entries()) {
              const {svg} = await mermaid.render('c' + i, s, box); box.innerHTML = svg;
              out.push(new XMLSerializer().serializeToString(box.querySelector('svg'))); box.innerHTML = '';
            }
            return out; }""", [items, settings])
        browser.close()
    return svgs


CANDIDATES = {"mermaid-chromium": mermaid_chromium, "merman": merman_plain, "merman-harfbuzz": merman_harfbuzz,
              "mmdr-rs": mmdr_rs}

OUTSIDE = """() => [...document.querySelectorAll('svg foreignObject')].filter(b => b.getBoundingClientRect().width).map(box => {
  const outer = box.getBoundingClientRect(), r = document.createRange(); r.selectNodeContents(box.firstElementChild);
  const inner = r.getBoundingClientRect();
  return Math.max(outer.left - inner.left, inner.right - outer.right, outer.top - inner.top, inner.bottom - outer.bottom);
}).filter(out => out > 1).length"""


def judged(name: str, svgs: list[str]) -> dict:
    """Labels outside their boxes at 1,280 and 390 px (the site's font, as a page shows a diagram),
    and a screenshot of the first CMOC's diagram and of the map at each width."""
    from playwright.sync_api import sync_playwright
    faces = "".join(f"@font-face{{font-family:'Atkinson Hyperlegible';font-weight:{w};src:url(data:font/woff2;base64,"
                    f"{base64.b64encode((REPO / path).read_bytes()).decode()})}}"
                    for w, path in fontmetrics.FONT_FILES.items())
    row = {}
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"])
        for width in (1280, 390):
            page = browser.new_page(viewport={"width": width, "height": 900})
            page.set_content(f"<style>{faces} body{{font-family:'Atkinson Hyperlegible'}} svg{{max-width:100%;height:auto}}"
                             f"</style>" + "".join(f"<div class=d>{svg}</div>" for svg in svgs))
            page.evaluate("document.fonts.ready")
            row[f"outside_{width}"] = page.evaluate(OUTSIDE)
            for i, what in ((0, "cmoc"), (len(svgs) - 1, "map")):
                page.locator("div.d").nth(i).screenshot(path=str(OUT / f"{name}-{what}-{width}.png"))
            page.close()
        browser.close()
    return row


def main() -> None:
    items = sources()
    results = {}
    for name, draw in CANDIDATES.items():
        try:
            draw(items[:1])  # warm-up: imports, a browser's start-up is timed below
        except (ImportError, FileNotFoundError, subprocess.CalledProcessError) as missing:
            print(f"{name}: not installed here ({missing})", flush=True)
            continue
        started = time.perf_counter()
        svgs = draw(items)
        seconds = time.perf_counter() - started
        row = {"diagrams": len(items), "ms_per_diagram": round(seconds * 1000 / len(items), 1),
               "kb_per_diagram": round(sum(len(s.encode()) for s in svgs) / len(svgs) / 1024, 1),
               "title_and_description": all("<title" in s and "<desc" in s for s in svgs),
               "inside_allow_list": all(drawing.unsafe(s) is None for s in svgs), **judged(name, svgs)}
        results[name] = row
        print(name, row, flush=True)
    (REPO / "benchmarks" / "results-drawing.json").write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
