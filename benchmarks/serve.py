"""Edit to browser under `mkdocs serve`: the time from saving a record to the page showing it.

    python benchmarks/serve.py [N ...] [--broken]   (default: 12 200; run by benchmarks/run.py too)

For each N, a synthetic theory (benchmarks/run.py) is served as `make serve` serves it, a CMOC page
is open in Chromium, and one CMOC's summary is edited several times (each edit a new sentence, as
a researcher rewording it; the theory then has problems: a preview shows them). Measured: from the
write to the new sentence in the page, median and worst of the edits, and from writing a record that
cannot be read (a quotation mark left open) to its page saying so; the first build's time
(cold: an empty diagram cache; warm: drawn before) is printed beside it.
"""
from __future__ import annotations

import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import REPO, project  # noqa: E402

CHROMIUM = os.environ.get("LIVINGTHEORY_CHROMIUM", "/usr/bin/chromium")


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def edit_to_browser(n: int, edits: int = 7, cold: bool = False, broken: bool = False) -> dict:
    """`broken`: each edit is a record that cannot be read (an unclosed quotation mark), timed to the
    page saying so; it is then put right (not timed) before the next."""
    from playwright.sync_api import sync_playwright
    root = project(n, "serve")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    cache = tempfile.mkdtemp(prefix="diagrams-") if cold else None
    if cache:
        env["LIVINGTHEORY_CACHE"] = cache
    port = _port()
    url = f"http://127.0.0.1:{port}/"
    env["SITE_URL"] = url
    log = (root / "serve.log").open("w")
    started = time.perf_counter()
    server = subprocess.Popen([*_serve_command(), "-a", f"127.0.0.1:{port}", "-f", str(root / "mkdocs.yml")],
                              stdout=log, stderr=subprocess.STDOUT, env=env, cwd=root)
    try:
        while True:
            try:
                urllib.request.urlopen(url, timeout=2)
                break
            except OSError:
                if server.poll() is not None or time.perf_counter() - started > 900:
                    raise SystemExit((root / "serve.log").read_text()[-3000:])
                time.sleep(0.05)
        first = time.perf_counter() - started
        cmoc = sorted((root / "theory/cmocs").glob("*.yaml"))[len(list((root / "theory/cmocs").glob("*.yaml"))) // 2]
        text = cmoc.read_text()
        times = []
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
            page = browser.new_page()
            page.goto(f"{url}cmoc/{cmoc.stem}/")
            page.wait_for_load_state("load")
            for i in range(edits):
                marker = f"Reworded, edit {i} at {time.time_ns()}."
                time.sleep(1.0)  # as a person types: the server is idle when the edit is saved
                t = time.perf_counter()
                if broken:
                    cmoc.write_text(text.replace("\ntitle: ", '\ntitle: "', 1))  # a quotation mark left open
                    page.wait_for_function("() => document.body && document.body.innerText.includes("
                                           "'not shown in this preview')", timeout=120_000, polling=20)
                    times.append(time.perf_counter() - t)
                    time.sleep(1.0)
                    cmoc.write_text(text.replace("summary: |-\n", f"summary: |-\n  {marker}\n", 1))
                    page.wait_for_function("m => document.body && document.body.innerText.includes(m)", arg=marker,
                                           timeout=120_000, polling=20)
                    continue
                cmoc.write_text(text.replace("summary: |-\n", f"summary: |-\n  {marker}\n", 1))
                page.wait_for_function("m => document.body && document.body.innerText.includes(m)", arg=marker,
                                       timeout=120_000, polling=20)
                times.append(time.perf_counter() - t)
            browser.close()
    finally:
        server.send_signal(signal.SIGINT)  # as a person stops it (Ctrl+C): its temporary folders go with it
        server.wait(timeout=30)
        log.close()
    return {"n": n, "cold": cold, "broken": broken, "first_build_s": round(first, 2), "edits": len(times),
            "median_s": round(statistics.median(times), 2), "worst_s": round(max(times), 2)}


def _serve_command() -> list[str]:
    """As `make serve` runs it (the Makefile's serve recipe, without the set-up)."""
    recipe = (REPO / "Makefile").read_text().split("\nserve:", 1)[1].split("\n\n", 1)[0]
    line = next(l.strip() for l in recipe.splitlines() if "mkdocs serve" in l)
    return [sys.executable, "-m", "mkdocs", *line.split("mkdocs", 1)[1].split()]


if __name__ == "__main__":
    broken_only = "--broken" in sys.argv
    for size in [int(a) for a in sys.argv[1:] if a.isdigit()] or [12, 200]:
        for cold in (True, False):
            if not broken_only:
                print(edit_to_browser(size, cold=cold), flush=True)
            print(edit_to_browser(size, cold=cold, broken=True), flush=True)
