"""`make serve` as a researcher uses it: edit a record, see the page change in the browser, with the
theory's problems on the page while the change is half made; the published build still refuses."""
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from conftest import REPO, Visit, build, make_project

pytestmark = pytest.mark.browser
CMOC = "theory/cmocs/cmoc-03.yaml"
REWORDED = "Reworded while the change is being written."


def _make_serve() -> list[str]:
    """`mkdocs serve` as the Makefile's serve recipe runs it (its options: --dirty)."""
    recipe = (REPO / "Makefile").read_text().split("\nserve:", 1)[1].split("\n\n", 1)[0]
    line = next(line.strip() for line in recipe.splitlines() if "mkdocs serve" in line)
    return [sys.executable, "-m", "mkdocs", *line.split("mkdocs", 1)[1].split()]


SERVE = _make_serve()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def served(tmp_path):
    project = make_project(tmp_path / "project")
    port = _free_port()
    url = f"http://127.0.0.1:{port}/"
    log = (tmp_path / "serve.log").open("w")  # a file, not a pipe nobody reads (it would fill and stall the server)
    server = subprocess.Popen([*SERVE, "-a", f"127.0.0.1:{port}", "-f", str(project / "mkdocs.yml")],
                              stdout=log, stderr=subprocess.STDOUT,
                              text=True, env={**os.environ, "NO_MKDOCS_2_WARNING": "1", "SITE_URL": url})
    deadline = time.monotonic() + 600  # the first build, on a machine that may be busy: a generous deadline
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)
            break
        except OSError:
            time.sleep(0.3)
    else:
        server.kill()
        pytest.fail("mkdocs serve did not start: " + (tmp_path / "serve.log").read_text())
    yield project, url
    server.send_signal(signal.SIGINT)  # as a person stops it (Ctrl+C): its temporary folders go with it
    server.wait(timeout=20)
    log.close()


def _wait_for(v: Visit, script: str, arg=None, timeout: int = 600_000):  # an event, with a generous deadline
    v.page.wait_for_function(script, arg=arg, timeout=timeout)


def test_a_half_made_change_shows_with_its_problems_and_the_published_build_refuses_it(browser, served, tmp_path):
    project, url = served
    v = Visit(browser, url)
    v.go(url + "cmoc/cmoc-03/")
    _wait_for(v, "() => !!document.querySelector('.theory-problems-slot[data-loaded]')")
    assert v.page.locator(".theory-problems").count() == 0
    # A released CMOC reworded, with none of the paperwork yet.
    cmoc = project / CMOC
    original = cmoc.read_text()
    cmoc.write_text(original.replace("summary: |-\n", f"summary: |-\n  {REWORDED}\n", 1))
    _wait_for(v, "text => !!document.body && document.body.innerText.includes(text)", REWORDED)  # the page reloads by itself
    panel = v.page.locator(".theory-problems")
    panel.wait_for()
    lines = panel.inner_text()
    assert "Preview: the theory has" in lines and f"On this page ({CMOC})" in lines
    assert lines.index(CMOC + ":") < lines.index("Elsewhere") if "Elsewhere" in lines else CMOC in lines
    assert "fix:" in lines
    # Search knows the new words, and still every page it knew (rebuilds reuse what did not change).
    import json
    index = json.loads(urllib.request.urlopen(url + "search/search_index.json").read())["docs"]
    assert any(REWORDED in entry["text"] for entry in index if entry["location"].startswith("cmoc/cmoc-03/"))
    assert {f"cmoc/cmoc-{i:02d}/" for i in range(1, 13)} <= {entry["location"] for entry in index}
    # The reader closes it; it stays closed on the next page until the problems change.
    panel.locator("button").click()
    assert not panel.is_visible()
    v.go(url + "map/")
    v.page.locator(".theory-problems").wait_for(state="attached")  # filled from the site's problems file
    assert v.page.locator(".theory-problems").count() == 1 and not v.page.locator(".theory-problems").is_visible()
    # The published build refuses the same theory, and writes nothing.
    refused = build(project, tmp_path / "published")
    assert refused.returncode == 1 and CMOC in refused.stderr and not (tmp_path / "published/index.html").exists()
    # A record that cannot be read at all: its page says so, where the page would be.
    broken = project / "theory/cmocs/cmoc-05.yaml"
    broken.write_text(broken.read_text().replace("\ntitle:", "\n  title:", 1))
    v.go(url + "cmoc/cmoc-05/")
    _wait_for(v, "() => !!document.body && document.body.innerText.includes('not shown in this preview')")
    v.page.locator(".theory-problems").wait_for(state="attached")
    assert "theory/cmocs/cmoc-05.yaml" in v.page.locator(".theory-problems").inner_text()
    assert v.page.locator(".theory-problems").is_visible()  # new problems: shown again
    # Put right: the panel goes.
    broken.write_text(broken.read_text().replace("\n  title:", "\ntitle:", 1))
    cmoc.write_text(original)
    v.go(url + "cmoc/cmoc-03/")
    _wait_for(v, "t => !!document.body && !document.body.innerText.includes(t)", REWORDED)  # rebuilt, reloaded
    _wait_for(v, "() => !!document.querySelector('.theory-problems-slot[data-loaded]')")  # the problems read
    assert not v.page.locator(".theory-problems").count() and "not shown" not in v.page.locator("article").inner_text()
    assert v.errors == [] and v.foreign == [], (v.errors, v.foreign)
    v.close()
    # A record added gets its page; deleted, its page is gone (a --dirty rebuild rewrites only what changed).
    added = project / "theory/cmocs/cmoc-99.yaml"
    added.write_text((project / "theory/cmocs/cmoc-12.yaml").read_text().replace("id: cmoc-12", "id: cmoc-99", 1))
    assert _status_soon(url + "cmoc/cmoc-99/", 200) == 200
    added.unlink()
    assert _status_soon(url + "cmoc/cmoc-99/", 404) == 404


def _status_soon(url: str, wanted: int, timeout: float = 600, request_timeout: float = 60) -> int:
    """The HTTP status of url once it is `wanted`, or the last one seen when `timeout` runs out. A
    server busy rebuilding may not answer a request in time: that is asked again, never a failure."""
    deadline = time.monotonic() + timeout
    status = None
    while True:
        try:
            status = urllib.request.urlopen(url, timeout=request_timeout).status
        except urllib.error.HTTPError as error:
            status = error.code
        except OSError:  # refused, reset or timed out while it rebuilds
            pass
        if status == wanted or time.monotonic() > deadline:
            return status
        time.sleep(0.2)


def test_a_server_too_busy_to_answer_in_time_is_asked_again():
    """On a machine with both cores busy, `mkdocs serve` rebuilding may not answer within a request's
    time-out: the wait asks again rather than failing (it failed once with TimeoutError)."""
    import http.server
    import threading
    second = threading.Event()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            if not second.is_set() and not getattr(self.server, "asked", False):
                self.server.asked = True
                second.wait(30)  # answers only once the client has given up and asked again
                return
            second.set()
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/"
        assert _status_soon(url, 200, timeout=120, request_timeout=0.5) == 200
    finally:
        second.set()
        server.shutdown()
        server.server_close()


def test_a_rebuild_under_serve_reuses_a_page_whose_markdown_is_unchanged():
    """The serve hook converts a page's Markdown once per session: the next rebuild gets its HTML and
    table of contents back (the edit-to-browser figures in docs/benchmark.md count on it)."""
    import importlib.util
    from types import SimpleNamespace
    spec = importlib.util.spec_from_file_location("serve_speed", REPO / "hooks/serve_speed.py")
    hook = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(hook)
    hook.on_startup(command="serve", dirty=True)
    config = SimpleNamespace(markdown_extensions=["toc"], mdx_configs={}, use_directory_urls=True)
    page = SimpleNamespace(file=SimpleNamespace(src_uri="cmoc/cmoc-01.md"), toc=["first"])
    assert hook.on_page_markdown("# CMOC 1", page=page, config=config, files=None) == "# CMOC 1"
    hook.on_page_content("<h1>CMOC 1</h1>", page=page, config=config, files=None)
    again = SimpleNamespace(file=page.file, toc=None)
    skipped = hook.on_page_markdown("# CMOC 1", page=again, config=config, files=None)  # an HTML comment: Markdown keeps it as it is
    assert skipped != "# CMOC 1"  # not converted again
    assert hook.on_page_content(skipped, page=again, config=config, files=None) == "<h1>CMOC 1</h1>"
    assert again.toc == ["first"]
    changed = SimpleNamespace(file=page.file, toc=None)
    assert hook.on_page_markdown("# CMOC 1, reworded", page=changed, config=config, files=None) == "# CMOC 1, reworded"
