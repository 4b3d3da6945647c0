"""Benchmark: building the site from N CMOCs in YAML vs the same pages as hand-written Markdown.

    python benchmarks/run.py [N ...]        (default: 12 100 1000 5000; `make benchmark`)
    python benchmarks/run.py --baseline     (also the code before issues 9 to 12, built again: slow)
    python benchmarks/run.py --report       (docs/benchmark.md again from benchmarks/results.json)
    python benchmarks/run.py --hostile      (only the hostile records' rows again)

For each N it writes a synthetic theory in the real schema (5 outcomes, the 14 services, two
quotes a CMOC, a not-triggered circumstance on every fourth), then, in the same run:
  A. builds it with the project's hooks (load -> validate -> render -> MkDocs), and
  B. builds the same pages written out as Markdown files, with the same theme, plugins and
     config but without the theory hook.
It reports wall time, the ratio A/B, peak RSS of each build and the largest CMOC page, writes
benchmarks/results.json and the table in docs/benchmark.md. Not a test: figures depend on the machine.
"""
from __future__ import annotations

import contextlib
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "benchmarks" / "out"
sys.path.insert(0, str(REPO / "hooks"))


BASE = REPO / "tests/fixtures/edition-1.0/theory"  # a fixed theory: the live one moves


def synthetic_theory(n: int, target: Path) -> None:
    """Edition 1.0's study, outcomes, services, theories and content, with n generated CMOCs: two
    quotes each, a circumstance every fourth, a relation every seventh, contrary evidence every ninth."""
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(BASE, target, ignore=shutil.ignore_patterns("cmoc-*.yaml", "quote-*.yaml"))
    outcomes = ["hope", "service-engagement", "confidence", "resilience", "wellbeing"]
    import yaml
    source = yaml.safe_load((BASE / "study.yaml").read_text())["theory"]["based_on"]  # its participants
    participants = ["#01", "#02", "#04", "#06", "#07", "#08", "#10", "#11", "#12", "#13"]
    width = max(2, len(str(n)))
    for i in range(1, n + 1):
        cid = f"cmoc-{i:0{width}d}"
        quotes = [f"quote-{2 * i - 1:0{width + 1}d}", f"quote-{2 * i:0{width + 1}d}"]
        for k, qid in enumerate(quotes):
            (target / "quotes" / f"{qid}.yaml").write_text(
                f"id: {qid}\nsource: {source}\nparticipant: \"{participants[(i + k) % 10]}\"\n"
                f"text: \"Synthetic quote {qid}: peers model hope and the child engages with the service "
                f"because the peer has been there too, and that makes it possible.\"\n")
        circumstance = ""
        evidence = [f"  - {{quote: {quotes[0]}, direction: supports}}"]
        if i % 4 == 0:
            circumstance = (f"  - circumstance: \"Synthetic circumstance {i}\"\n    text: \"Peers absorbed into "
                            f"clinical teams may not advocate.\"\n")
            evidence.append(f"  - {{quote: {quotes[1]}, direction: not-triggered, circumstance: \"Synthetic circumstance {i}\"}}")
        elif i % 9 == 0:
            evidence.append(f"  - {{quote: {quotes[1]}, direction: contradicts, note: \"Not seen at a second site.\"}}")
        else:
            evidence.append(f"  - {{quote: {quotes[1]}, direction: supports}}")
        relation = (f"relations:\n  - {{type: leads-to, cmoc: cmoc-{i + 1:0{width}d}, how: \"Synthetic chain.\"}}\n"
                    if i % 7 == 0 and i < n else "")
        (target / "cmocs" / f"{cid}.yaml").write_text(f"""id: {cid}
title: "Synthetic configuration {i}"
outcome_group: {outcomes[i % 5]}
beneficiary: {"peer" if i % 3 == 0 else "child"}
statement: "When a child is matched with a similar peer {i} (C), service engagement increases (O) because the peer models recovery (M)"
context: {{label: "Matched with a similar peer {i}", text: "a child is matched with a similar peer {i}"}}
mechanism: {{label: "Peer models recovery", text: "the peer models recovery"}}
outcome: {{label: "Service engagement", text: "service engagement increases"}}
summary: |-
  Synthetic explanatory summary for configuration {i}. Staff described how matching children
  with similar peers normalised help-seeking, so that children kept attending. See [[cmoc-{1:0{width}d}]].
evidence:
{chr(10).join(evidence)}
not_triggered:
{circumstance or "  []"}
theories: [{{theory: social-comparison-theory, basis: "Synthetic link."}}]
{relation}status: initial
version: "1.0"
history:
  - {{date: null, theory_version: "0.1", version: "0.1", status: initial, change: "Preprint.", rationale: "Synthetic.", evidence: [{quotes[0]}]}}
  - {{date: "2023-10-05", theory_version: "1.0", version: "1.0", status: initial, change: "Paper.", rationale: "Synthetic.", evidence: []}}
""".replace("not_triggered:\n  []", "not_triggered: []"))
    study = target / "study.yaml"  # the home page's example CMOC: the first synthetic one
    study.write_text(re.sub(r"^  example: .*$", f"  example: cmoc-{1:0{width}d}", study.read_text(), flags=re.M))
    for content in (target / "content").glob("*.yaml"):  # the real discussion links real CMOC ids
        text = content.read_text()
        content.write_text(re.sub(r"\[\[cmoc-\d+\]\]", f"[[cmoc-{1:0{width}d}]]", text))


def measured(command: list[str], env: dict, allow_failure: bool = False) -> tuple[float, int, subprocess.CompletedProcess]:
    """Wall time and the peak RSS (KB) of one build, measured in a child of this process alone."""
    wrapper = ("import resource, subprocess, sys, time; t = time.perf_counter(); "
               "r = subprocess.run(sys.argv[1:]); "
               "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss); "
               "sys.exit(r.returncode)")
    result = subprocess.run([sys.executable, "-c", wrapper, *command], capture_output=True, text=True, env=env)
    if result.returncode and not allow_failure:
        raise SystemExit(f"build failed: {' '.join(command)}\n{result.stderr[-3000:]}")
    seconds, rss = result.stdout.split()[-2:]
    return float(seconds), int(rss), result


def project(n: int, kind: str) -> Path:
    root = OUT / f"n{n}-{kind}"
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    config = (REPO / "mkdocs.yml").read_text()
    shutil.copytree(REPO / "docs", root / "docs")
    shutil.copytree(REPO / "overrides", root / "overrides")
    for linked in ("hooks", "node_modules"):
        (root / linked).symlink_to(REPO / linked)
    (root / "editions").mkdir()  # a synthetic theory has no released edition
    (root / "mkdocs.yml").write_text(config)
    synthetic_theory(n, root / "theory")
    if kind == "handwritten":  # the same pages as files, diagrams drawn the same way; no theory hook
        from livingtheory.site.config import publication_settings, read_config, write_config
        from livingtheory.site.docs import builder_config
        from livingtheory.site.generate import generate, write_docs
        site_url, edit_base = publication_settings(REPO)
        site = generate(root / "theory", site_url=site_url, edit_base=edit_base, project=root)
        write_docs(site, root / "docs")
        shutil.rmtree(root / "theory")
        # What the hook sets from the records (navigation, pages left out of it, the site's name), as
        # the docs step writes it for a builder without hooks; the project's other hooks kept.
        hooks = [hook for hook in read_config(REPO / "mkdocs.yml").get("hooks", []) if hook != "hooks/theory_pages.py"]
        (root / "mkdocs.yml").write_text(builder_config(read_config(root / "mkdocs.yml"), site, site_url=site_url))
        (root / "mkdocs.yml").write_text(write_config({**read_config(root / "mkdocs.yml"), "hooks": hooks}))
    return root


@contextlib.contextmanager
def unprepared():
    """What set-up makes (`python -m livingtheory prepare`: the font parts beside node_modules' font, the
    compiled templates and the core's compiled modules; the hooks' compiled modules) set aside for a
    while, as on a machine set up without it. (This machine sets PYTHONDONTWRITEBYTECODE, as container
    images often do: a build there does not keep the modules it compiles.)"""
    made = [REPO / "node_modules" / ".livingtheory",
            *(folder for code in ("livingtheory", "hooks") for folder in (REPO / code).rglob("__pycache__"))]
    aside = [folder.with_name(folder.name + ".aside") for folder in made]
    for folder, away in zip(made, aside):
        shutil.rmtree(away, ignore_errors=True)
        if folder.exists():
            folder.rename(away)
    try:
        yield
    finally:
        for folder, away in zip(made, aside):
            shutil.rmtree(folder, ignore_errors=True)
            if away.exists():
                away.rename(folder)


def unprepared_build(root: Path, env: dict) -> dict:
    """A cold build with nothing made at set-up either, and set-up's own step (prepare), each alone."""
    out = {}
    for what, command in (("build", [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(root / "mkdocs.yml")]),
                          ("prepare", [sys.executable, "-m", "livingtheory", "prepare", "--project", str(REPO)])):
        with unprepared():
            caches = {"LIVINGTHEORY_CACHE": tempfile.mkdtemp(prefix="cold-diagrams-"),
                      "TMPDIR": tempfile.mkdtemp(prefix="cold-templates-")}
            out[f"{what}_seconds"] = round(measured(command, {**env, **caches})[0], 2)
            for folder in caches.values():
                shutil.rmtree(folder, ignore_errors=True)
    shutil.rmtree(root / "site", ignore_errors=True)
    return out


def repeats(n: int) -> int:
    """Builds are repeated and the fastest warm one kept (this machine's timings vary by about 10%, more
    than the difference being measured at small N); at 5,000 CMOCs a build takes minutes: one cold, one warm."""
    return 5 if n <= 100 else 3 if n <= 1000 else 2


def run(sizes: list[int]) -> list[dict]:
    rows = []
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    for n in sizes:
        row = {"n": n}
        roots = {kind: project(n, kind) for kind in ("generated", "handwritten")}
        # A's first build at each N is cold: an empty diagram cache and temporary folder, as on CI, a
        # release or a newcomer's first build (after `make setup`, which makes the font parts and
        # compiles the templates and modules, as pip compiles an installed package's); the rest are warm.
        caches = {"LIVINGTHEORY_CACHE": tempfile.mkdtemp(prefix="cold-diagrams-"),
                  "TMPDIR": tempfile.mkdtemp(prefix="cold-templates-")}
        if n <= 1000:  # the same first build without what set-up makes, and set-up's own step, beside it
            row["unprepared"] = unprepared_build(roots["generated"], env)
        for attempt in range(repeats(n)):
            for kind, root in roots.items():  # alternate A and B, so that drift hits both alike
                seconds, rss, _ = measured([sys.executable, "-m", "mkdocs", "build", "-q", "-f",
                                            str(root / "mkdocs.yml")], {**env, **caches} if kind == "generated" else env)
                cmoc_pages = list((root / "site" / "cmoc").glob("*/index.html"))
                assert len(cmoc_pages) == n, (kind, len(cmoc_pages))
                best = row.get(kind, {"seconds": float("inf"), "peak_rss_mb": 0})
                warm = attempt > 0 or kind == "handwritten"  # B draws nothing: its pages hold their diagrams
                row[kind] = {"seconds": round(min(best["seconds"], seconds), 2) if warm else best["seconds"],
                             "first_seconds": best.get("first_seconds", round(seconds, 2)),
                             "peak_rss_mb": max(best["peak_rss_mb"], round(rss / 1024, 1)) if warm else 0,
                             "cold_rss_mb": best.get("cold_rss_mb", round(rss / 1024, 1)),
                             "max_cmoc_page_kb": round(max(p.stat().st_size for p in cmoc_pages) / 1024, 1),
                             "pages": sum(1 for _ in (root / "site").rglob("index.html"))}
                shutil.rmtree(root / "site")
        docs_seconds, docs_rss, _ = measured([sys.executable, "-m", "livingtheory", "docs", str(roots["generated"] / "docs-tree"),
                                              "--project", str(roots["generated"])], env)
        row["docs_step"] = {"seconds": round(docs_seconds, 2), "peak_rss_mb": round(docs_rss / 1024, 1)}
        shutil.rmtree(roots["generated"] / "docs-tree")
        for folder in caches.values():
            shutil.rmtree(folder, ignore_errors=True)
        for kind in roots:
            print(f"N={n:>5} {kind:<11} {row[kind]}", flush=True)
        print(f"N={n:>5} docs step   {row['docs_step']}", flush=True)
        row["ratio"] = round(row["generated"]["seconds"] / row["handwritten"]["seconds"], 3)
        rows.append(row)
    return rows


# The last landing before issues 9-12. Targets are in seconds, and machines differ (this code built
# 1,000 CMOCs in 13.8 s on the machine of its own benchmark, and in 37 s on a later one): each run
# also builds this commit's own code, the same way, on the machine of the run.
BASELINE = "de32658"


def baseline(sizes: list[int]) -> dict[int, dict]:
    """Fastest build time and peak RSS of BASELINE's code at each N (its own synthetic theory and
    hooks, from a git worktree in the temporary folder), or {} where the commit is not in this clone."""
    import tempfile
    tree = Path(tempfile.gettempdir()) / f"livingtheory-baseline-{BASELINE}"
    if not tree.exists():
        made = subprocess.run(["git", "-C", str(REPO), "worktree", "add", "--detach", "-f", str(tree), BASELINE],
                              capture_output=True, text=True)
        if made.returncode:
            print(f"no baseline: {made.stderr.strip()}", flush=True)
            return {}
        (tree / "node_modules").symlink_to(REPO / "node_modules")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    rows = {}
    try:
        for n in sizes:
            subprocess.run([sys.executable, "-c", f"import sys; sys.path.insert(0, 'benchmarks'); import run; "
                                                  f"run.project({n}, 'generated')"], cwd=tree, check=True, env=env)
            root = tree / "benchmarks" / "out" / f"n{n}-generated"
            builds = [measured([sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(root / "mkdocs.yml")], env)
                      for _ in range(repeats(n))]
            rows[n] = {"seconds": round(min(b[0] for b in builds), 2),
                       "peak_rss_mb": round(max(b[1] for b in builds) / 1024, 1)}
            shutil.rmtree(root)
            print(f"N={n:>5} baseline    {rows[n]}", flush=True)
    finally:
        subprocess.run(["git", "-C", str(REPO), "worktree", "remove", "--force", str(tree)], capture_output=True)
    return rows


def hostile_checks() -> list[dict]:
    """`python -m livingtheory check` on records made to exhaust it (issue 10): time and peak RSS."""
    lol = 'id: hope\nname: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    for i in range(1, 10):
        lol += f"n{i}: &{chr(97 + i)} [" + ",".join([f"*{chr(96 + i)}"] * 9) + "]\n"
    words = "and then we talked about how it went at school with the peer worker. "
    cases = {
        "a 5 MB quote (a pasted transcript)": ("quotes/quote-01.yaml", 'id: quote-01\nsource: thompson-2023\n'
                                               'participant: "#13"\ntext: "' + words * 70_000 + '"\n'),
        "a 'billion laughs' alias file": ("outcomes/hope.yaml", lol),
        "a quote at the field limit (100,000 characters), one capitalised word in five": (
            "quotes/quote-01.yaml", 'id: quote-01\nsource: thompson-2023\nparticipant: "#13"\ntext: "'
            + ("Gardens help. and Then more, " * 4000)[:99_990] + '"\n'),
        "nesting 100,000 levels deep": ("outcomes/hope.yaml", "id: hope\nname: " + "[" * 100_000 + "]" * 100_000 + "\n"),
        "a 99 KB quote of repeated e-mail addresses (de-identification's worst case before)": (
            "quotes/quote-01.yaml", 'id: quote-01\nsource: thompson-2023\nparticipant: "#13"\ntext: "'
            + ("a.b@c.d " * 12_400)[:99_000] + '"\n'),
    }
    rows = []
    for name, (record, text) in cases.items():
        root = OUT / "hostile"
        shutil.rmtree(root, ignore_errors=True)
        shutil.copytree(REPO / "theory", root / "theory")
        (root / "theory" / record).write_text(text)
        seconds, rss, result = measured([sys.executable, "-m", "livingtheory", "check", str(root / "theory")],
                                        {**os.environ}, allow_failure=True)
        first = next((line for line in result.stdout.splitlines() + result.stderr.splitlines()
                      if line.startswith("theory/")), "(accepted)")
        rows.append({"case": name, "bytes": len(text.encode()), "seconds": round(seconds, 2),
                     "peak_rss_mb": round(rss / 1024, 1), "answer": first})
        print(rows[-1], flush=True)
    return rows


def reader(n: int) -> dict:
    """What a reader gets on a first visit, in Chromium: bytes (gzip, as a static host serves them),
    whether the diagram is in the page as it arrives, when it is painted, the map at this N, and the
    time to a first search result."""
    import functools
    import gzip
    import http.server
    import threading
    from playwright.sync_api import sync_playwright

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass
    root = project(n, "generated")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(root / "site")))
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(root / "mkdocs.yml")], check=True,
                   env={**os.environ, "NO_MKDOCS_2_WARNING": "1", "SITE_URL": url})
    threading.Thread(target=server.serve_forever, daemon=True).start()
    width = max(2, len(str(n)))
    first_cmoc = f"cmoc/cmoc-{1:0{width}d}/"
    row = {"n": n}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking"])
        for name, page_url in (("cmoc", first_cmoc), ("map", "map/"), ("no_diagram", "methods/")):
            context = browser.new_context()
            page = context.new_page()
            sizes: dict[str, int] = {}
            page.on("response", lambda r: sizes.__setitem__(r.url, len(gzip.compress(r.body(), 6))) if r.ok else None)
            page.goto(url + page_url)
            page.wait_for_load_state("networkidle")
            before_search = dict(sizes)
            html = (root / "site" / page_url / "index.html").read_text()
            paint = page.evaluate("(performance.getEntriesByName('first-contentful-paint')[0] || {}).startTime")
            page.locator("input.md-search__input").focus()  # the reader's first use of search
            page.wait_for_function("() => !/Initializing/i.test(document.querySelector('.md-search-result__meta').textContent)")
            page.wait_for_load_state("networkidle")
            on_search = {k: v for k, v in sizes.items() if k not in before_search}
            row[name] = {"kb": round(sum(before_search.values()) / 1024, 1),
                         "files": {k.replace(url, ""): round(v / 1024, 1) for k, v in before_search.items()},
                         "search_index_kb": round(sum(on_search.values()) / 1024, 1),
                         "js_kb": round(sum(v for k, v in before_search.items() if k.endswith(".js")) / 1024, 1),
                         "diagram_js": any("mermaid" in k for k in sizes),
                         "diagram_in_html": "<svg" in html and 'class="diagram' in html,
                         "diagrams_drawn": page.locator(".diagram svg").count(),
                         "first_paint_ms": round(paint or 0)}
            context.close()
        page = browser.new_page()
        page.goto(url)
        page.wait_for_load_state("networkidle")
        page.locator("input.md-search__input").click()
        page.wait_for_function("() => !/Initializing/i.test(document.querySelector('.md-search-result__meta').textContent)")
        page.locator("input.md-search__input").fill("been there too")  # a phrase in every quote
        started = time.perf_counter()  # from the key that sends the phrase to the first result shown
        page.locator("input.md-search__input").press("End")
        page.locator(".md-search-result__item").first.wait_for(timeout=15_000)
        row["search_s"] = round(time.perf_counter() - started, 3)
        browser.close()
    server.shutdown()
    return row


def real_site_pages() -> float:
    """The largest CMOC page of the real theory (KB): its quotes are longer than the synthetic ones."""
    site = OUT / "real-site"
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(REPO / "mkdocs.yml"), "-d", str(site)],
                   check=True, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    return round(max(p.stat().st_size for p in (site / "cmoc").glob("*/index.html")) / 1024, 1)


def report(rows: list[dict], real_kb: float, hostile: list[dict] | None = None, readers: list[dict] | None = None) -> str:
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    lines = ["# Benchmark", "",
             "Building the site from N CMOCs kept as YAML (A: load, validate, render, MkDocs) against the same",
             "pages as hand-written Markdown (B: same theme, plugins and config, no theory hook), measured in",
             f"the same run by `make benchmark` (`benchmarks/run.py`) on {machine}, {time.strftime('%Y-%m-%d')}.",
             "Builds are repeated, A and B alternating: 5 times for N up to 100, 3 at 1,000, twice at 5,000;",
             "peak RSS is the largest seen. Diagrams are drawn without a browser (decision 20).",
             "Each CMOC has two quotes; every fourth has a not-triggered circumstance. B's pages, citation",
             "files and data files are the docs step's, with the navigation and site settings the hook would set.",
             "**A cold** is A's first build at each N with every cache empty (no drawn diagrams, an empty",
             "temporary folder), as on CI, a release or a newcomer's first build: after `make setup`, which makes",
             "once what no theory changes (the font parts the site serves, from the pinned font package, the",
             "compiled templates, kept beside them as Python keeps its compiled modules, and the core's and the",
             "hooks' compiled modules, as pip compiles an installed package's; decision 24). **A warm** is",
             "the fastest of the builds after it, with every cache kept, as when a site is rebuilt. B's pages already",
             "hold their diagrams. **Nothing from set-up** is the same first build with what set-up makes set",
             "aside too (a build makes it when it is missing" + ("; this machine sets PYTHONDONTWRITEBYTECODE, as"
             " container images often do, so a build there compiles the core's modules and keeps none of them"
             if os.environ.get("PYTHONDONTWRITEBYTECODE") else "") + "),",
             "beside set-up's own step (`python -m livingtheory prepare`), each measured once.", "",
             "The docs step is `python -m livingtheory docs`: the whole site as a docs tree for any builder",
             "(Zensical builds it); it is not part of A, which generates in-process.", "",
             "| N CMOCs | pages | A warm: from YAML (s) | A cold (s) | A cold / A warm | nothing from set-up: cold (s) / its ratio / set-up's step (s) | B: hand-written (s) | A warm / B | peak RSS A warm / cold (MB) | peak RSS B (MB) | largest CMOC page (KB) | docs step (s) | docs step RSS (MB) |",
             "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        a, b, d, u = r["generated"], r["handwritten"], r.get("docs_step", {}), r.get("unprepared")
        bare = (f"{u['build_seconds']} / {round(u['build_seconds'] / a['seconds'], 3)} / {u['prepare_seconds']}"
                if u else "")
        lines.append(f"| {r['n']:,} | {a['pages']:,} | {a['seconds']} | {a['first_seconds']} | "
                     f"{round(a['first_seconds'] / a['seconds'], 3)} | {bare} | {b['seconds']} | {r['ratio']} | "
                     f"{a['peak_rss_mb']} / {a.get('cold_rss_mb', '')} | {b['peak_rss_mb']} | {a['max_cmoc_page_kb']} | {d.get('seconds', '')} | "
                     f"{d.get('peak_rss_mb', '')} |")
    if any("baseline" in r for r in rows):
        lines += ["", f"The same build of the code before issues 9 to 12 (commit {BASELINE}, its own synthetic theory",
                  "and hooks), on this machine in this run: what the targets below meant here before this round.",
                  "Build times on machines of this kind vary between runs by up to a quarter (the baseline's",
                  "1,000-CMOC build took 36.9 s in one build on 2026-11-29, and its own benchmark had measured",
                  "13.8 s on another machine): read the seconds above against these.", "",
                  "| N CMOCs | before, warm (s) | now, A warm (s) | now / before | peak RSS before (MB) | peak RSS now (MB) |",
                  "|---:|---:|---:|---:|---:|---:|"]
        for r in rows:
            if "baseline" in r:
                before, a = r["baseline"], r["generated"]
                lines.append(f"| {r['n']:,} | {before['seconds']} | {a['seconds']} | "
                             f"{round(a['seconds'] / before['seconds'], 2)} | {before['peak_rss_mb']} | {a['peak_rss_mb']} |")
    if len(rows) > 1:
        per_page = [r["generated"]["seconds"] / r["n"] for r in rows if r["n"] >= 100]
        lines += ["", f"Time per CMOC from N = 100 up: {', '.join(f'{x * 1000:.0f} ms' for x in per_page)} "
                      "(roughly constant means time is linear in N)."]
    lines += ["", f"The largest CMOC page of the real theory (its quotes are long) is {real_kb} KB."]
    lines += ["", "## Targets (on a 2-core machine)", "", *verdicts(rows, real_kb), ""]
    if readers:
        lines += ["## What a reader downloads and sees (issues 11 and 34)", "",
                  "A first visit in Chromium to a synthetic theory's site built with the hooks, served on localhost:",
                  "bytes as a static host serves them (gzip) of everything the page loads before anyone searches",
                  "(HTML, Material's bundle and styles, the site's own, the font, the sitemap), then what the first",
                  "use of search fetches (the index, which grows with the theory, and the search worker); whether",
                  "the diagram arrives in the page's HTML (so it is in the first paint, with no diagram script),",
                  "and the time to a first search result for a quote.", "",
                  "| N | CMOC page, all before search (KB) | map (KB) | page with no diagram (KB) | on first search (KB) | diagram JS | CMOC's diagram in the HTML | first paint, CMOC page (ms) | map drawn | first search result (s) |",
                  "|---:|---:|---:|---:|---:|---|---|---:|---|---:|"]
        for r in readers:
            c, m, p = r["cmoc"], r["map"], r["no_diagram"]
            lines.append(f"| {r['n']:,} | {c['kb']} | {m['kb']} | {p['kb']} | {c['search_index_kb']} | "
                         f"{'yes' if c['diagram_js'] or m['diagram_js'] else 'none'} | "
                         f"{'yes' if c['diagram_in_html'] else 'NO'} | {c['first_paint_ms']} | "
                         f"{'yes' if m['diagrams_drawn'] else 'NO'} | {r['search_s']} |")
        first, last = readers[0], readers[-1]
        parts = ", ".join(f"{name.rsplit('/', 1)[-1] or name} {kb}" for name, kb in
                          sorted(first["cmoc"]["files"].items(), key=lambda item: -item[1]))
        lines += ["", f"What the first CMOC page loads at N = {first['n']} (KB, gzip): {parts}.", "",
                  "Targets:", "",
                  *(f"- **{'met' if r['cmoc']['kb'] <= 80 else 'MISSED'}**: a reader's first CMOC page, with everything "
                    f"it loads before anyone searches, 80 KB or less at N = {r['n']:,} ({r['cmoc']['kb']} KB)."
                    for r in readers if r["n"] in (12, 1000)),
                  f"- **{'met' if last['cmoc']['kb'] <= 1.1 * first['cmoc']['kb'] else 'MISSED'}**: it does not grow "
                  f"with N ({first['cmoc']['kb']} KB at N = {first['n']}, {last['cmoc']['kb']} KB at N = {last['n']:,}); "
                  f"what the first search fetches does ({first['cmoc']['search_index_kb']} to "
                  f"{last['cmoc']['search_index_kb']} KB).",
                  f"- **{'met' if not any(r[k]['diagram_js'] for r in readers for k in ('cmoc', 'map', 'no_diagram')) else 'MISSED'}**: "
                  "0 bytes of diagram JavaScript on every page measured.",
                  f"- **{'met' if all(r['cmoc']['diagram_in_html'] for r in readers) and all(r['map']['diagrams_drawn'] for r in readers if r['n'] <= 60) else 'MISSED'}**: "
                  "a CMOC's diagram is in the first paint at every N (it arrives in the HTML as SVG); the map is drawn "
                  "up to 60 current CMOCs, and is the theory at a glance above (decision 19).",
                  f"- **{'met' if last['search_s'] <= 0.5 else 'MISSED'}**: first search result in 0.5 s or less at "
                  f"N = {last['n']:,} ({last['search_s']} s, once the index has arrived).", ""]
    if hostile:
        lines += ["## Hostile records (issue 10)", "",
                  "`python -m livingtheory check` on the real theory with one record made to exhaust it; time and",
                  "peak RSS of the whole command. Targets: under 2 s and under 200 MB each.", "",
                  "| record | size | check (s) | peak RSS (MB) | met | what check says |", "|---|---:|---:|---:|---|---|"]
        for h in hostile:
            met = h["seconds"] < 2 and h["peak_rss_mb"] < 200
            answer = h["answer"].replace("|", "\\|").replace("`", "")
            lines.append(f"| {h['case']} | {h['bytes']:,} B | {h['seconds']} | {h['peak_rss_mb']} | "
                         f"{'met' if met else 'MISSED'} | {answer} |")
        lines.append("")
    return "\n".join(lines)


def with_maps(text: str) -> str:
    """The page with benchmarks/maps.py's section (cold and warm builds, the map, the preview
    server) from its last run, which this run does not repeat."""
    saved, notes = REPO / "benchmarks" / "results-maps.json", REPO / "benchmarks" / "notes.md"
    if saved.exists():
        import maps
        data = json.loads(saved.read_text())
        text = text.rstrip("\n") + "\n\n" + maps.section(data["builds"], data["serve"]) + "\n"
    if notes.exists():  # what the figures mean, written by whoever ran them last
        text = text.rstrip("\n") + "\n\n" + notes.read_text(encoding="utf-8")
    return text


def verdicts(rows: list[dict], real_kb: float) -> list[str]:
    """Each target, met or missed, from this run's figures."""
    by_n = {r["n"]: r for r in rows}

    def line(met: bool, text: str) -> str:
        return f"- **{'met' if met else 'MISSED'}**: {text}"
    out = []
    def before(n: int) -> str:
        return f"; the code before issues 9 to 12, warm: {by_n[n]['baseline']['seconds']} s here" if "baseline" in by_n[n] else ""
    for n in (12, 100, 1000):
        if n in by_n:
            a = by_n[n]["generated"]
            out.append(line(a["first_seconds"] <= 1.15 * a["seconds"],
                            f"a cold build within 1.15x the warm build at {n:,} CMOCs ({a['first_seconds']} s cold, "
                            f"{a['seconds']} s warm: {round(a['first_seconds'] / a['seconds'], 3)})."))
    if 1000 in by_n:
        out.append(line(by_n[1000]["generated"]["first_seconds"] <= 30,
                        f"1,000 CMOCs in 30 s or less, cold ({by_n[1000]['generated']['first_seconds']} s; warm "
                        f"{by_n[1000]['generated']['seconds']} s{before(1000)})."))
    if 5000 in by_n:
        out.append(line(by_n[5000]["generated"]["seconds"] <= 150,
                        f"5,000 CMOCs in 150 s or less, warm ({by_n[5000]['generated']['seconds']} s; cold "
                        f"{by_n[5000]['generated']['first_seconds']} s{before(5000)})."))
    scaled = [r for r in rows if r["n"] >= 100]
    if len(scaled) >= 2:
        per = [r["generated"]["seconds"] / r["n"] for r in scaled]
        out.append(line(max(per) / min(per) <= 2 and per[-1] <= per[0],
                        "time linear in N (time per CMOC does not grow with N)."))
    worst = max(rows, key=lambda r: r["ratio"])
    first = round(worst["generated"]["first_seconds"] / worst["handwritten"]["first_seconds"], 3)
    out.append(line(worst["ratio"] <= 1.15, f"within 1.15x of hand-written Markdown (worst: {worst['ratio']} at "
                                            f"N = {worst['n']:,}; A - B = {round(worst['generated']['seconds'] - worst['handwritten']['seconds'], 2)} s; "
                                            f"first builds there, A cold: {first})."))
    sizes = [r["generated"]["max_cmoc_page_kb"] for r in rows]
    out.append(line(max(sizes) <= 1.1 * sizes[0],  # the old 30 KB budget is retired: size follows content, not N
                    f"a CMOC page does not grow with the number of CMOCs (largest {sizes[0]} KB at N = "
                    f"{rows[0]['n']:,}, {sizes[-1]} KB at N = {rows[-1]['n']:,}; the real theory's largest {real_kb} KB)."))
    if 5000 in by_n:
        a, b = by_n[5000]["generated"]["peak_rss_mb"], by_n[5000]["handwritten"]["peak_rss_mb"]
        cold = by_n[5000]["generated"].get("cold_rss_mb")
        out.append(line(a <= 300, f"peak RSS 300 MB or less at 5,000, warm ({a} MB; cold {cold} MB; the hand-written "
                                  f"build of the same pages: {b} MB)."))
    return out


if __name__ == "__main__":
    if sys.argv[1:] == ["--report"]:  # the docs page again from the last run's results.json
        saved = json.loads((REPO / "benchmarks" / "results.json").read_text())
        (REPO / "docs" / "benchmark.md").write_text(with_maps(report(saved["sizes"], saved["real_max_cmoc_page_kb"],
                                                                     saved["hostile"], saved["readers"])))
        sys.exit(0)
    if sys.argv[1:] == ["--hostile"]:  # the hostile records' rows again, the rest as last run
        saved = json.loads((REPO / "benchmarks" / "results.json").read_text())
        saved["hostile"] = hostile_checks()
        (REPO / "benchmarks" / "results.json").write_text(json.dumps(saved, indent=2) + "\n")
        (REPO / "docs" / "benchmark.md").write_text(with_maps(report(saved["sizes"], saved["real_max_cmoc_page_kb"],
                                                                     saved["hostile"], saved["readers"])))
        sys.exit(0)
    with_baseline = "--baseline" in sys.argv  # the code before issues 9 to 12, built again (slow)
    sizes = [int(a) for a in sys.argv[1:] if a != "--baseline"] or [12, 100, 1000, 5000]
    hostile = hostile_checks()
    readers = [reader(n) for n in (12, 100, 1000) if n <= max(sizes)]
    for row in readers:
        print(row, flush=True)
    results = run(sizes)
    before = baseline(sizes) if with_baseline else {}
    for row in results:
        if row["n"] in before:
            row["baseline"] = before[row["n"]]
    real_kb = real_site_pages()
    (REPO / "benchmarks" / "results.json").write_text(json.dumps({"sizes": results, "real_max_cmoc_page_kb": real_kb,
                                                                  "hostile": hostile, "readers": readers}, indent=2) + "\n")
    (REPO / "docs" / "benchmark.md").write_text(with_maps(report(results, real_kb, hostile, readers)))
    print(report(results, real_kb, hostile, readers))
