"""Cold and warm builds, the map a reader sees, and edit to browser under `make serve` (issues 18, 21).

    python benchmarks/maps.py [N ...]     (default: 12 50 200 1000; `make benchmark` runs it too)
    python benchmarks/maps.py --serve     (only edit to browser again)

For each N, a synthetic theory (benchmarks/run.py) is built twice with `mkdocs build --strict`:
cold (an empty diagram cache and temporary folder: CI, a release, a newcomer's first build after `make setup`)
and then warm (the same machine straight after). The map page is opened in Chromium at 1,280 and
390 px: its drawn size, its smallest text, and its bytes (gzip). `make serve`'s edit to browser
comes from benchmarks/serve.py at 12 and 200 CMOCs. Writes benchmarks/results-maps.json and the
section of docs/benchmark.md between its markers. Not a test: figures depend on the machine.
"""
from __future__ import annotations

import gzip
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import REPO, measured, project  # noqa: E402

CHROMIUM = os.environ.get("LIVINGTHEORY_CHROMIUM", "/usr/bin/chromium")
TARGETS = {200: 45, 1000: 30}  # cold build, seconds, on a 2-core machine (issue 18; 1,000 at 30 s: issue 34)
SERVE_TARGETS = {12: 1.0, 200: 1.0}  # edit to browser, seconds, median of the edits (issues 21, 34)
BEGIN, END = "<!-- maps: begin -->", "<!-- maps: end -->"

# The map's drawing as a reader sees it: shown or not (on a narrow screen a web too wide to read is
# replaced by its CMOCs drawn as chains), its size, smallest text, and any box around it that scrolls.
_TEXT = """() => { const d = document.querySelector('.diagram'); const svg = d && d.querySelector('svg');
  if (!svg) return null;
  if (getComputedStyle(d).display === 'none') return {shown: false,
    chains: [...document.querySelectorAll('.chain')].filter(c => c.offsetParent).length};
  const box = svg.getBoundingClientRect(); const scale = box.width / svg.viewBox.baseVal.width;
  const sizes = [...svg.querySelectorAll('foreignObject span, foreignObject p, text')].filter(e => e.textContent.trim())
    .map(e => parseFloat(getComputedStyle(e).fontSize) * scale);
  let boxes = 0;
  for (let el = d; el && el.tagName !== 'ARTICLE'; el = el.parentElement) {
    const cs = getComputedStyle(el);
    if (/(auto|scroll|hidden)/.test(cs.overflowX + cs.overflowY) && (el.scrollHeight > el.clientHeight + 1 ||
        el.scrollWidth > el.clientWidth + 1)) boxes += 1;
  }
  return {shown: true, width: Math.round(box.width), height: Math.round(box.height), smallest: Math.min(...sizes),
          boxes}; }"""


def builds(n: int) -> dict:
    root = project(n, "generated")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "CI": "true",
           "LIVINGTHEORY_CACHE": tempfile.mkdtemp(prefix="cold-diagrams-"),
           "TMPDIR": tempfile.mkdtemp(prefix="cold-templates-")}  # what the build keeps in TMPDIR
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-f", str(root / "mkdocs.yml")]
    cold, cold_rss, _ = measured(command, env)
    warm, warm_rss, _ = measured(command, env)
    row = {"n": n, "cold_s": round(cold, 1), "warm_s": round(warm, 1), "cold_rss_mb": round(cold_rss / 1024),
           "warm_rss_mb": round(warm_rss / 1024)}
    row.update(_map(root / "site"))
    return row


def _map(site: Path) -> dict:
    import functools
    import http.server
    import threading
    from playwright.sync_api import sync_playwright

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass
    class Server(http.server.ThreadingHTTPServer):
        def handle_error(self, request, client_address):
            pass  # a page closed mid-download (the browser moved on) is not the benchmark's concern
    server = Server(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/map/"
    row = {"map_kb": round(len(gzip.compress((site / "map/index.html").read_bytes(), 6)) / 1024, 1)}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        for width in (1280, 390):
            page = browser.new_page(viewport={"width": width, "height": 800})
            page.goto(url)
            found = page.evaluate(_TEXT) or {}
            row[f"map_{width}"] = found
            page.close()
        browser.close()
    server.shutdown()
    row["drawn"] = "the whole web" if 'class="diagram' in (site / "map/index.html").read_text() else \
        "at a glance, per outcome"
    return row


def serve_rows() -> list[dict]:
    from serve import edit_to_browser
    return [edit_to_browser(n, edits=4, cold=cold) for n in SERVE_TARGETS for cold in (True, False)]


def section(rows: list[dict], serve: list[dict]) -> str:
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    out = [BEGIN, "## Cold and warm builds, the map, and the preview server (issues 18, 21)", "",
           f"Measured by `benchmarks/maps.py` on {machine}, {time.strftime('%Y-%m-%d')}. **Cold**: an empty diagram",
           "cache and no compiled templates, as on CI, a release or a newcomer's first build; **warm**: the same",
           "build straight after. `mkdocs build --strict` of a synthetic theory (benchmarks/run.py), one build each.",
           "The map as a reader sees it in Chromium at 1,280 and 390 px wide: its drawing's size and smallest text",
           "where it is shown (never in a box that scrolls; on a phone a web too wide to read at 12 px gives way to",
           "its CMOCs drawn as chains, context over mechanism over outcome), and the page's bytes (gzip).", "",
           "| N CMOCs | cold build (s) | warm build (s) | peak RSS cold / warm (MB) | map drawn as | drawing at 1,280 px (w x h) | smallest text at 1,280 px | at 390 px | map page (KB, gzip) |",
           "|---:|---:|---:|---:|---|---:|---:|---|---:|"]
    for r in rows:
        a, b = r.get("map_1280") or {}, r.get("map_390") or {}
        wide = f"{a.get('width')} x {a.get('height')}" if a.get("shown") else "none"
        text = f"{round(a['smallest'], 1)} px" if a.get("shown") else "none"
        phone = (f"drawn, {round(b['smallest'], 1)} px" if b.get("shown") else
                 f"{b.get('chains', 0)} chains" if b else "glance and list")
        out.append(f"| {r['n']:,} | {r['cold_s']} | {r['warm_s']} | {r['cold_rss_mb']} / {r['warm_rss_mb']} | {r['drawn']} | "
                   f"{wide} | {text} | {phone} | {r['map_kb']} |")
    out += ["", "Edit to browser under `make serve`: a CMOC's summary saved, until the page open in Chromium shows",
            "the new words (the median and the worst of 4 edits, a second apart); the server's first build beside it,",
            "cold and warm.", "", "| N CMOCs | server's first build | edit to browser, median (s) | worst (s) |",
            "|---:|---|---:|---:|"]
    for s in serve:
        out.append(f"| {s['n']:,} | {'cold' if s['cold'] else 'warm'}, {s['first_build_s']} s | {s['median_s']} | {s['worst_s']} |")
    by_n = {r["n"]: r for r in rows}
    out += ["", "Targets (2 cores):", ""]
    for n, limit in TARGETS.items():
        if n in by_n:
            out.append(f"- **{'met' if by_n[n]['cold_s'] <= limit else 'MISSED'}**: {n:,} CMOCs built cold in {limit} s "
                       f"or less ({by_n[n]['cold_s']} s; warm {by_n[n]['warm_s']} s).")
    for n, limit in SERVE_TARGETS.items():
        worst_median = max((s["median_s"] for s in serve if s["n"] == n), default=None)
        if worst_median is not None:
            out.append(f"- **{'met' if worst_median <= limit else 'MISSED'}**: an edit in the browser within {limit} s at "
                       f"{n} CMOCs under `make serve` (median {worst_median} s, the slower of cold and warm).")
    shown = [m for r in rows for m in (r.get("map_1280"), r.get("map_390")) if m and m.get("shown")]
    smallest = min((m["smallest"] for m in shown), default=0)
    out.append(f"- **{'met' if smallest >= 12 else 'MISSED'}**: map text 12 px or more wherever the map is drawn, at "
               f"1,280 and 390 px and every N (smallest {round(smallest, 1)} px).")
    boxes = sum(m.get("boxes", 0) for m in shown)
    out.append(f"- **{'met' if boxes == 0 else 'MISSED'}**: no map in a box that scrolls ({boxes}).")
    out += ["", END]
    return "\n".join(out)


def write(rows: list[dict], serve: list[dict]) -> None:
    doc = REPO / "docs" / "benchmark.md"
    text = doc.read_text()
    block = section(rows, serve)
    text = re.sub(re.escape(BEGIN) + ".*?" + re.escape(END), lambda _: block, text, flags=re.S) if BEGIN in text \
        else text.rstrip("\n") + "\n\n" + block + "\n"
    doc.write_text(text)


if __name__ == "__main__":
    if sys.argv[1:] == ["--serve"]:  # only edit to browser again, the builds as last run
        saved = json.loads((REPO / "benchmarks" / "results-maps.json").read_text())
        saved["serve"] = serve_rows()
        (REPO / "benchmarks" / "results-maps.json").write_text(json.dumps(saved, indent=2) + "\n")
        write(saved["builds"], saved["serve"])
        print(section(saved["builds"], saved["serve"]))
        sys.exit(0)
    sizes = [int(a) for a in sys.argv[1:]] or [12, 50, 200, 1000]
    rows = []
    for n in sizes:
        rows.append(builds(n))
        print(rows[-1], flush=True)
    serve = serve_rows()
    for s in serve:
        print(s, flush=True)
    (REPO / "benchmarks" / "results-maps.json").write_text(json.dumps({"builds": rows, "serve": serve}, indent=2) + "\n")
    write(rows, serve)
