import os
import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
THEORY = REPO / "theory"
SOURCE = Path(os.environ.get("LIVINGTHEORY_SOURCE") or REPO.parent / "shared" / "source")  # the paper, beside the clone
# The theory as edition 1.0 froze it, in the records' current format, with that edition: a fixed
# theory for tests that break or change one (the live theory moves with every refinement).
FIXTURE = Path(__file__).resolve().parent / "fixtures" / "edition-1.0"


@pytest.fixture
def theory_copy(tmp_path) -> Path:
    """A scratch copy of the fixed theory (edition 1.0's), without its editions: to break or change."""
    target = tmp_path / "theory"
    shutil.copytree(FIXTURE / "theory", target)
    return target


def with_editions(theory: Path) -> Path:
    """Edition 1.0 released beside a scratch theory, as in the repository."""
    shutil.copytree(FIXTURE / "editions", theory.parent / "editions")
    return theory


def paper_text() -> str:
    paper = SOURCE / "thompson-2023-paper.md"
    if not paper.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{paper} is missing: CI must have shared/ beside the clone")
        pytest.skip("the paper (../shared/source) is not beside this clone")
    return paper.read_text()


# ----------------------------------------------------------------------------- building sites

import functools
import http.server
import json
import subprocess
import sys
import threading


def make_project(target: Path, theory: Path | None = None, editions: Path | None = None) -> Path:
    """A throwaway copy of the site project: config, docs and a theory copied (the fixed theory of
    edition 1.0 with that edition, unless named); hooks and node_modules linked."""
    target.mkdir(parents=True, exist_ok=True)
    for config in ("mkdocs.yml", "mkdocs.preview.yml"):
        shutil.copy(REPO / config, target / config)
    for folder in ("docs", "overrides"):
        shutil.copytree(REPO / folder, target / folder)
    shutil.copytree(theory or FIXTURE / "theory", target / "theory")
    shutil.copytree(editions or (REPO / "editions" if theory == THEORY else FIXTURE / "editions"), target / "editions")
    for linked in ("hooks", "node_modules"):
        (target / linked).symlink_to(REPO / linked)
    return target


def in_git(project: Path):
    """The project as a git repository with one commit on main ("base"); returns its git command."""
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@e.org", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@e.org"}
    git = lambda *a: subprocess.run(["git", *a], cwd=project, check=True, capture_output=True, env=env)  # noqa: E731
    git("init", "-q", "-b", "main")
    git("add", "-A")
    git("commit", "-qm", "base")
    return git


def build(project: Path, site: Path, site_url: str | None = None, strict: bool = True) -> subprocess.CompletedProcess:
    """`mkdocs build --strict` of a project, as a contributor or CI runs it."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", **({"SITE_URL": site_url} if site_url else {})}
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", *(["--strict"] if strict else []),
                           "-f", str(project / "mkdocs.yml"), "-d", str(site)], capture_output=True, text=True,
                          env=env)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


class SiteServer:
    """A built site served on 127.0.0.1. The port is taken before the build, so that the site's
    URL (sitemap, canonical links) is the origin it is served from, as with `mkdocs serve`."""

    def __init__(self, project: Path, site: Path, strict: bool = True):
        handler = functools.partial(_QuietHandler, directory=str(site))
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"
        self.site = site
        self.result = build(project, site, self.url, strict)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def _served(project: Path, site: Path):
    server = SiteServer(project, site)
    assert server.result.returncode == 0, server.result.stderr
    return server


@pytest.fixture(scope="session")
def site_server(tmp_path_factory):
    """The site of the fixed theory (edition 1.0's records and edition), built once per test run and
    served: what tests of particular pages, CMOCs and quotes read. It never moves."""
    root = tmp_path_factory.mktemp("fixed")
    server = _served(make_project(root / "project"), root / "site")
    yield server
    server.close()


@pytest.fixture(scope="session")
def built_site(site_server) -> Path:
    return site_server.site


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """The site of the live theory (theory/, editions/), built once per run and served: what the
    invariants every theory must meet read (tests marked `live`)."""
    server = _served(REPO, tmp_path_factory.mktemp("live"))
    yield server
    server.close()


@pytest.fixture(scope="session")
def live_site(live_server) -> Path:
    return live_server.site


class GitHubStub:
    """A stand-in for GitHub's REST API on 127.0.0.1, for the workflows' own scripts: it records each
    POST (path, content type, body) and answers by the path's ending ({api} in an answer is its own
    address). `env` is what the script reads in a job: GITHUB_API_URL, GITHUB_REPOSITORY, GITHUB_TOKEN."""

    def __init__(self, answers: dict[str, dict]):
        stub = self
        self.calls: list[tuple[str, str, bytes]] = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                stub.calls.append((self.path, self.headers.get("Content-Type"), body))
                answer = next((a for end, a in answers.items() if self.path.endswith(end)), {})
                self.send_response(201)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(json.dumps(answer).replace("{api}", stub.url).encode())

            def log_message(self, *args):
                pass
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.env = {**os.environ, "GITHUB_API_URL": self.url, "GITHUB_REPOSITORY": "team/theory", "GITHUB_TOKEN": "t0ken"}

    def __enter__(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


# ----------------------------------------------------------------------------- a real browser

from urllib.parse import urlsplit

CHROMIUM = "/usr/bin/chromium"
# Material draws each diagram in a closed shadow root; open them so the test can see the SVG.
OPEN_SHADOWS = ("const attach = Element.prototype.attachShadow;"
                "Element.prototype.attachShadow = function (init) { return attach.call(this, {...init, mode: 'open'}); };")


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: .ci/run installs Debian's chromium")
        pytest.skip("Debian's chromium is not installed (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync"])
        yield browser
        browser.close()


class Visit:
    """One page in a fresh context, recording console errors and requests to other origins."""

    def __init__(self, browser, origin: str, **context):
        self.origin = origin
        self.context = browser.new_context(**context)
        self.context.set_default_timeout(180_000)  # waits are on events; the deadline only for a machine at its limit
        self.context.add_init_script(OPEN_SHADOWS)
        self.page = self.context.new_page()
        self.errors, self.foreign = [], []
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        host = urlsplit(origin).netloc
        self.context.on("request", lambda r: urlsplit(r.url).netloc not in (host, "")
                        and not r.url.startswith(("data:", "blob:")) and self.foreign.append(r.url))

    def go(self, url: str):
        self.page.goto(url)
        self.wait_for_diagrams()
        return self.page

    def wait_for_diagrams(self):
        # Diagrams are SVG in the page as it arrives; where the build had no browser, Material swaps
        # each <pre class="mermaid"> for a <div class="mermaid"> once Mermaid has drawn it.
        self.page.wait_for_load_state("load")
        self.page.wait_for_function("() => !document.querySelector('pre.mermaid')")

    def diagrams(self) -> list[str]:
        """Each diagram's state: 'svg' when drawn, else what went wrong."""
        return self.page.evaluate("""() => [...document.querySelectorAll('div.diagram, div.mermaid')].map(d => {
            const svg = d.matches('.diagram') ? d.querySelector('svg') : d.shadowRoot && d.shadowRoot.querySelector('svg');
            if (!svg) return 'no svg';
            return /Syntax error|Parse error/i.test(svg.textContent) ? 'syntax error' : 'svg';
        })""")

    def close(self):
        self.context.close()


# ----------------------------------------------------------------------------- tests of the live theory

LIVE_FIXTURES = {"live_server", "live_site", "live_visit", "sites"}


LIVE_WORDS = ("THEORY", "STATE", "EDITIONS", "_fresh_theory", 'REPO / "theory"', 'REPO / "editions"', "cited_edition", "cited_cmoc")


def pytest_collection_modifyitems(config, items):
    """Mark `live` every test that reads the live theory (theory/, editions/): through the built
    site, or in its own code. `.ci/run` runs these again on a moved copy of the theory
    (tests/move_the_theory.py); the others read fixed theories and give the same result anywhere."""
    import inspect
    for item in items:
        source = inspect.getsource(getattr(item, "function", item.obj))
        if LIVE_FIXTURES & set(item.fixturenames) or any(word in source for word in LIVE_WORDS):
            item.add_marker(pytest.mark.live)
