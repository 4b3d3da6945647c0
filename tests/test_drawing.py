"""The drawing step alone (livingtheory/site/drawing.py, fontmetrics.py, served.py): Mermaid source
in, SVG out, without a browser or a site builder; the cache it keeps; the font files it serves."""
import importlib.util
import os
import re
import shutil
from pathlib import Path

import pytest
from lxml import etree

from conftest import FIXTURE, REPO
from livingtheory import generate, load_theory
from livingtheory.site import diagrams, drawing, fontmetrics, pages, served
from livingtheory.site.generate import prepare
from livingtheory.web.addresses import Addresses

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def cache(tmp_path, monkeypatch):
    """A cache of this test's own (every cache empty: a cold build)."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("LIVINGTHEORY_CACHE", str(folder))
    return folder


def _sources() -> list[str]:
    """Every kind of diagram the fixed theory has: each CMOC's, a neighbourhood, the map."""
    theory = load_theory(FIXTURE / "theory")
    href = lambda target: Addresses().href(target, "map.md")  # noqa: E731
    outcomes = {o.id: o for o in theory.outcomes}
    sources = [diagrams.cmoc_diagram(c, outcomes[c.outcome_group], href).source for c in theory.cmocs]
    sources += [d.source for c in theory.cmocs if (d := diagrams.neighbourhood_diagram(theory, c, href))]
    groups = [(o, theory.cmocs_in(o)) for o in theory.outcomes if theory.cmocs_in(o)]
    sources.append(diagrams.map_diagram(theory, groups, href, title="The map").source)
    return sources


def test_diagrams_are_drawn_without_a_browser(cache, monkeypatch):
    """No Chromium anywhere: every diagram is still SVG in the page, each with its own id, its
    title and description, inside the allow-list, and every reference inside it resolving."""
    monkeypatch.setenv("LIVINGTHEORY_CHROMIUM", "/nonexistent/chromium")
    monkeypatch.setenv("PATH", "/nonexistent")
    site = generate(FIXTURE / "theory", site_url="https://example.org/", project=REPO, static=True)
    site.ready()
    assert site.not_drawn is None and len(site.drawn) >= len(site.pages and [p for p in site.pages if p.diagrams])
    ids = set()
    for source, file in site.drawn.items():
        svg = file.read_text(encoding="utf-8")
        assert drawing.unsafe(svg) is None
        root = etree.fromstring(svg.encode())
        ids.add(root.get("id"))
        assert root.find(f"{SVG}title").text and root.find(f"{SVG}desc").text  # accTitle, accDescr
        assert root.get("aria-labelledby") and root.get("aria-describedby")
        defined = {e.get("id") for e in root.iter() if e.get("id")}
        pointed = {m for e in root.iter() for v in e.attrib.values() for m in re.findall(r"url\(#([^)]+)\)", v)}
        assert pointed <= defined, pointed - defined  # an arrow's marker is never slimmed away
        if "-->" in source:
            assert pointed, "arrows are drawn with their markers"
    assert len(ids) == len(site.drawn)


def test_a_page_carries_only_what_its_diagram_uses(cache):
    """Markers, filters and style rules no element uses are left out (a CMOC's diagram less than
    half what the renderer writes), and the rules of the classes used are all kept."""
    source = _sources()[0]
    drawn = drawing._Renderer(drawing.served_fonts(REPO)).svg(source, "dtest")
    slim = drawing.slim(drawn)
    assert len(slim) < len(drawn) / 2
    for used in ("context", "mechanism", "outcome", "flowchart-link", "label"):
        assert f".{used}" in slim
    assert "katex" not in slim and "neo" not in slim and "data-points" not in slim
    assert drawing.unsafe(slim) is None


def test_a_fault_in_measuring_text_stops_the_build_instead_of_drawing_with_other_metrics(cache, monkeypatch):
    def broken(self, *args, **kwargs):
        raise ZeroDivisionError("a fault in measuring")
    monkeypatch.setattr(fontmetrics.SiteFont, "wrapped", broken)
    with pytest.raises(ZeroDivisionError):
        drawing.draw(_sources()[:1], REPO)


def test_labels_wrap_as_the_browser_wraps_them():
    """Widths in the served font: a short label on one line at its own width, a long one wrapped
    at spaces in the label's width, a hard line break kept, text the font lacks left to the renderer."""
    font = fontmetrics.SiteFont(drawing.served_fonts(REPO))
    short, lines = font.wrapped("Hope", 16, 120)
    assert lines == 1 and 30 < short < 50
    width, lines = font.wrapped("Reducing experienced (instigated by others) stigma", 16, 120)
    assert width == 120 and lines == 4
    assert font.wrapped("CMOC 3: Trust\n[1 for]", 14, 260)[1] == 2
    assert font.wrapped("中文", 16, 120) is None
    bold, regular = font.width("Mechanism", 16, 700), font.width("Mechanism", 16, 400)
    assert bold > regular


def test_the_served_fonts_are_the_parts_the_stylesheet_declares(cache):
    """Each font file the site serves holds exactly the characters of the unicode-range that
    site.css declares for it (a character in neither would be drawn in another font than measured)."""
    from fontTools.ttLib import TTFont
    from fontTools import subset
    css = (served.ASSETS / "site.css").read_text()
    declared = dict(re.findall(r'atkinson-hyperlegible-(\d+(?:-more)?)\.woff2"\) format\("woff2"\);\s*unicode-range: ([^;]+);', css))
    files = drawing.served_fonts(REPO)
    assert len(declared) == len(files) == 4
    for (weight, part), path in files.items():
        wanted = set(subset.parse_unicodes(fontmetrics.SUBSETS[part].replace("U+", "").replace(",", " ")))
        in_css = set(subset.parse_unicodes(declared[f"{weight}{part}"].replace("U+", "").replace(",", " ")))
        assert wanted == in_css, (weight, part)
        font = TTFont(path)
        assert set(font.getBestCmap()) <= wanted and "fpgm" not in font and "prep" not in font  # unhinted
    original = TTFont(REPO / fontmetrics.FONT_FILES[400])
    kept = set(TTFont(files[400, ""]).getBestCmap()) | set(TTFont(files[400, "-more"]).getBestCmap())
    assert kept == set(original.getBestCmap())  # no character of the font is lost between the parts


def test_the_site_serves_its_own_script_and_styles_minified(cache):
    files = dict(served.files(drawing.font_files(REPO)))
    for address in ("assets/javascripts/site.js", "assets/javascripts/explorer.js", "assets/stylesheets/site.css",
                    "assets/javascripts/search-on-use.js"):
        text, source = files[address].read_text(), (served.ASSETS / files[address].name.split("-", 1)[1]).read_text()
        assert "\n//" not in text and "/*" not in text and len(text) < 0.75 * len(source), address
    assert files["assets/images/favicon.svg"].read_text().startswith("<svg")


def test_a_cache_another_user_can_write_is_refused(cache):
    cache.mkdir(mode=0o777)
    os.chmod(cache, 0o777)
    with pytest.raises(drawing.UnsafeCache, match="can be written by another user"):
        drawing.draw(_sources()[:1], REPO)


def test_a_planted_svg_in_the_cache_is_drawn_again_not_served(cache):
    source = _sources()[0]
    file = drawing.draw([source], REPO)[source]
    file.write_text('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')
    os.utime(file, ns=(1, 1))
    again = drawing.draw([source], REPO)[source]
    assert "<script" not in again.read_text() and drawing.unsafe(again.read_text()) is None


def _many(n: int) -> list[str]:
    """n distinct CMOC-shaped diagrams: more than the build draws in its own process."""
    first = _sources()[0]
    return [first.replace("accTitle: CMOC", f"accTitle: Copy {i} of CMOC", 1) for i in range(n)]


def test_a_cold_build_draws_in_a_worker_beside_it(cache):
    """More diagrams than an edit makes go to a worker process; what it writes is what pages take."""
    sources = _many(drawing._AT_ONCE + 5)
    made = drawing.Drawing(REPO)
    assert made._pool is not None  # the diagram cache was empty: the worker started with the build
    made.draw(sources)
    files = made.wait()
    assert set(files) == set(sources) and all(drawing.unsafe(f.read_text()) is None for f in files.values())
    assert all(f.is_file() for f in drawing.font_files(REPO).values())
    again = drawing.Drawing(REPO)
    again.draw(sources)
    assert again._pool is None and again.wait() == files  # warm: nothing to make, no worker


def test_set_up_makes_what_every_build_uses_then_a_first_build_makes_only_its_diagrams(cache, tmp_path, monkeypatch):
    """`python -m livingtheory prepare` (`make setup`): the font parts beside the font package they
    are made from, every template and every module of the core compiled. A first build then
    compiles no template and makes no font part; on its empty diagram cache the worker starts with
    the build, and is given the diagrams a share at a time as pages are made, before the rest of
    the site is."""
    project = tmp_path / "project"
    for path in drawing.FONT_FILES.values():
        (project / path).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(REPO / path, project / path)
    modules = [m for m in (REPO / "livingtheory").rglob("*.py") if "__pycache__" not in m.parts]
    for module in modules:  # as an editable install leaves them, where Python writes no bytecode
        Path(importlib.util.cache_from_source(module)).unlink(missing_ok=True)
    fonts, templates, compiled = prepare(project)
    files = drawing.font_files(project)
    assert fonts == 4 and templates == len(list((REPO / "livingtheory/site/templates").glob("*.j2")))
    assert compiled == len(modules) and all(Path(importlib.util.cache_from_source(m)).is_file() for m in modules)
    assert all(f.parent == project / "node_modules/.livingtheory/fonts" for f in files.values())
    assert all(f.is_file() and f.with_suffix(".otf").is_file() for f in files.values()) and not cache.exists()
    fresh = pages._ENV.overlay(cache_size=0)  # no template held in memory: each read from what set-up wrote
    with monkeypatch.context() as patched:
        patched.setattr(type(fresh), "compile", lambda *args, **kwargs: pytest.fail("a template compiled again"))
        for name in fresh.list_templates(extensions=["j2"]):
            fresh.get_template(name)

    made = drawing.Drawing(project)
    assert made._pool is not None and len(made._jobs) == 1  # cold: the worker readies Merman and the font
    sources = _many(drawing._SHARE * 2 + 3)
    made.draw_early(sources[:drawing._SHARE + 1])
    assert len(made._jobs) == 2  # one share given while the pages are still being made
    made.draw(sources)
    assert len(made._jobs) == 4  # then the rest, the early one left over included
    drawn = made.wait()
    assert set(drawn) == set(sources) and all(drawing.unsafe(f.read_text()) is None for f in drawn.values())
    again = drawing.Drawing(project)
    again.draw_early(sources)
    again.draw(sources)
    assert again._pool is None and again.wait() == drawn  # warm: nothing to make, no worker


def test_shares_the_worker_has_not_begun_are_drawn_by_the_build(cache, monkeypatch):
    """When the build would wait, it draws itself what the worker has not started (here: a worker
    that never starts anything), and nothing is drawn twice or left out."""
    from concurrent.futures import Future
    given = []

    class Never(Future):  # pending for ever: the build cancels it and does it
        def result(self, timeout=None):
            raise AssertionError("the build waited for a share the worker never began")

    class Idle:
        def __init__(self, *args, **kwargs):
            pass

        def submit(self, *args):
            given.append(Never())
            return given[-1]

        def shutdown(self, wait=True):
            pass
    monkeypatch.setattr(drawing, "ProcessPoolExecutor", Idle)
    made = drawing.Drawing(REPO)
    sources = _many(drawing._SHARE * drawing._TAKEN_BACK)
    made.draw_early(sources[:drawing._SHARE])
    made.draw(sources)
    assert len(given) == 1 + drawing._TAKEN_BACK  # readying the worker, then the shares
    drawn = made.wait()
    assert all(job.cancelled() for job in given)
    assert set(drawn) == set(sources) and all(drawing.unsafe(f.read_text()) is None for f in drawn.values())


def test_on_a_site_of_thousands_of_diagrams_the_build_leaves_every_share_to_the_worker(cache, monkeypatch):
    """There a Merman engine in the build's process would hold its memory to the build's end (the
    peak at 5,000 CMOCs), to save a second of a minute: the build waits for the worker instead."""
    from concurrent.futures import Future
    given = []

    class Later(Future):  # not begun when the build waits; done by the worker when waited for
        def __init__(self, work, args):
            super().__init__()
            self.work, self.args = work, args

        def result(self, timeout=None):
            self.work(*self.args)

    class Busy:
        def __init__(self, *args, **kwargs):
            pass

        def submit(self, work, *args):
            given.append(Later(work, args))
            return given[-1]

        def shutdown(self, wait=True):
            pass
    monkeypatch.setattr(drawing, "ProcessPoolExecutor", Busy)
    monkeypatch.setattr(drawing, "_TAKE_BACK_UP_TO", drawing._SHARE * drawing._TAKEN_BACK - 1)
    made = drawing.Drawing(REPO)
    sources = _many(drawing._SHARE * drawing._TAKEN_BACK)
    made.draw(sources)
    assert len(given) == 1 + drawing._TAKEN_BACK  # readying the worker, then the shares
    drawn = made.wait()
    assert not any(job.cancelled() for job in given)
    assert set(drawn) == set(sources) and all(drawing.unsafe(f.read_text()) is None for f in drawn.values())


def test_where_merman_is_missing_a_preview_leaves_its_diagrams_to_the_browser(cache, monkeypatch):
    """No Merman here: readying the worker does not refuse (the font parts are still made), and a
    build that is not published leaves the diagrams to Mermaid in the reader's browser."""
    real = drawing.metadata.version

    def version(name):
        if name == "merman":
            raise drawing.metadata.PackageNotFoundError(name)
        return real(name)

    class Absent:
        def __init__(self, fonts):
            raise drawing.DrawingUnavailable("Merman is not installed")
    monkeypatch.setattr(drawing.metadata, "version", version)
    monkeypatch.setattr(drawing, "_Renderer", Absent)
    drawing._prepare(REPO, drawing.font_files(REPO))  # as the worker readies itself on a cold build
    assert all(f.is_file() for f in drawing.font_files(REPO).values())
    site = generate(FIXTURE / "theory", site_url="https://example.org/", project=REPO, static=False)
    site.ready()
    assert "merman" in site.not_drawn and not site.drawn
    with pytest.raises(Exception, match="merman"):
        generate(FIXTURE / "theory", site_url="https://example.org/", project=REPO, static=True)


def test_where_a_worker_cannot_start_the_build_makes_it_itself(cache, monkeypatch):
    from concurrent.futures import BrokenExecutor, Future

    class Broken:
        def __init__(self, *args, **kwargs):
            pass

        def submit(self, *args):
            job = Future()
            job.set_exception(BrokenExecutor("no worker here"))
            return job

        def shutdown(self, wait=True):
            pass
    monkeypatch.setattr(drawing, "ProcessPoolExecutor", Broken)
    sources = _many(drawing._AT_ONCE + 1)
    made = drawing.Drawing(REPO)
    made.draw(sources)
    files = made.wait()
    assert all(f.is_file() for f in files.values()) and all(f.is_file() for f in drawing.font_files(REPO).values())
