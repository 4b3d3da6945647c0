"""Another programme theory, of another intervention, builds with no trace of the first.

tests/other-theory/ is a small theory of community gardening and loneliness in later life: its
own study record, source, vocabulary (residents and volunteers, not children and peers), no
reporting standard and no released edition. Built with this project's config and templates, no
page, download or head may carry anything of the 2023 paper's theory.
"""
import re
import shutil
from pathlib import Path

import pytest
from lxml import html as lxml_html

from conftest import build, make_project

OTHER = Path(__file__).parent / "other-theory"
# What belongs to the paper's theory alone: its titles, authors, DOI, table and figure names,
# who benefits in it, and its site's name and description.
TRACES = [r"Focusing a realist evaluation", r"peer support for children", r"paediatric", r"Thompson",
          r"10\.1007/s44192", r"Table 1", r"Fig\. 1\b", r"\bchild(ren)?\b", r"\bpeers?\b",
          r"children's mental health", r"West Midlands", r"Discover Mental Health", r"Research Square",
          r"\bNHS\b", r"Birmingham", r"\bF2F\b", r"#13\b"]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    project = make_project(tmp_path_factory.mktemp("other") / "project", theory=OTHER / "theory")
    shutil.rmtree(project / "editions")
    (project / "editions").mkdir()  # it has released no edition yet
    config = (project / "mkdocs.yml").read_text()  # the other theory is published from its own repository
    config = re.sub(r'^site_url: .*$', 'site_url: "https://gardens.example.org/theory/"', config, flags=re.M)
    config = re.sub(r"^edit_uri: .*$", "edit_uri: https://github.com/gardens-example/theory/edit/main/", config,
                    flags=re.M)
    (project / "mkdocs.yml").write_text(config)
    result = build(project, project / "site")
    assert result.returncode == 0, result.stderr
    return project / "site"


def _published(site: Path) -> list[Path]:
    """Every page and file for readers and programs (not the theme's scripts and styles)."""
    return sorted(p for p in site.rglob("*") if p.is_file() and "assets" not in p.parts
                  and p.suffix in (".html", ".json", ".csv", ".bib", ".ris", ".xml"))


def test_no_page_or_file_carries_the_papers_theory(site):
    files = _published(site)
    assert len([f for f in files if f.suffix == ".html"]) >= 15
    for path in files:
        if path.parts[-3:-1] == ("data", "schemas"):  # the schemas are the project's, shared by every theory
            continue
        text = path.read_text()
        if path.suffix == ".html":  # what a reader sees and what the head tells other programs
            doc = lxml_html.fromstring(text)
            text = doc.text_content() + " ".join(doc.xpath("//head//@content | //head//@href"))
        for trace in TRACES:
            assert not re.search(trace, text, re.I), f"{path.relative_to(site)}: {trace}"


def test_the_site_is_the_other_theorys_own(site):
    home = lxml_html.fromstring((site / "index.html").read_bytes())
    assert home.findtext(".//title").startswith("Programme theory of community gardening")
    assert home.xpath("//meta[@name='description']/@content") == [
        "How community gardening reduces loneliness among older residents: for whom, and when."]
    assert "Rivera 2025" in home.xpath("//footer")[0].text_content()
    assert (site / "map/resident/index.html").is_file() and (site / "map/volunteer/index.html").is_file()
    assert not (site / "reporting").exists()  # it follows no reporting standard
    cmoc = " ".join(lxml_html.fromstring((site / "cmoc/cmoc-01/index.html").read_bytes()).text_content().split())
    assert "Benefits: the resident" in cmoc and "This CMOC leads to CMOC 2" in cmoc
    assert "Participant R-01 (resident, Allotment garden club), Rivera 2025" in cmoc
    services = lxml_html.fromstring((site / "services/index.html").read_bytes()).text_content()
    assert "Rivera 2025: Appendix B" in services


def test_none_of_this_projects_own_pages_is_published_with_it(site):
    """The software's documentation (benchmark, decision records) is not another team's theory."""
    assert not (site / "benchmark").exists() and not (site / "decisions").exists()
    assert not any("decision" in p.name.lower() or "benchmark" in p.name.lower() for p in site.rglob("*"))


def test_a_theory_with_no_release_is_an_honest_draft(site):
    """Nothing is released yet: every page says it is the draft, and cites no edition."""
    for page in ("index.html", "cmoc/cmoc-01/index.html", "map/index.html"):
        doc = lxml_html.fromstring((site / page).read_bytes())
        banner = " ".join(doc.xpath("//*[contains(@class,'md-banner')]")[0].text_content().split())
        assert banner.startswith("Draft of version 1.0: not released and not citable"), (page, banner)
        assert not doc.xpath("//meta[starts-with(@name,'citation_')]") and not doc.xpath("//link[@rel='canonical']")
        assert doc.xpath("//meta[@name='robots']/@content") == ["noindex"]
    assert not list(site.glob("cite/*"))  # no citation files: there is no edition to cite


def test_a_new_team_starts_its_own_theory_with_one_command(tmp_path):
    """`new-theory`: the software with a small valid theory, the team's own name, address and edit
    links, and nothing of this project's theory, editions, benchmark or decision records."""
    import subprocess
    import sys
    target = tmp_path / "ours"
    made = subprocess.run([sys.executable, "-m", "livingtheory", "new-theory", str(target), "--title",
                           "Programme theory of school gardens", "--editor", "Okafor, Ada", "--site-url",
                           "https://gardens.example.org/", "--repository", "https://github.com/gardens/theory"],
                          capture_output=True, text=True)
    assert made.returncode == 0, made.stderr
    assert not (target / "docs/decisions").exists() and not (target / "docs/benchmark.md").exists()
    assert not (target / "CHANGELOG.md").exists() and [p.name for p in (target / "editions").iterdir()] == [".gitkeep"]
    assert (target / ".github/workflows/ci.yml").is_file() and (target / "Makefile").is_file()
    for linked in ("node_modules",):
        (target / linked).symlink_to(Path(__file__).resolve().parent.parent / linked)
    result = build(target, target / "site")
    assert result.returncode == 0, result.stderr
    home = lxml_html.fromstring((target / "site/index.html").read_bytes())
    assert home.findtext(".//title").startswith("Programme theory of school gardens")
    cmoc = lxml_html.fromstring((target / "site/cmoc/cmoc-01/index.html").read_bytes())
    assert cmoc.xpath("//a[@rel='edit']/@href") == ["https://github.com/gardens/theory/edit/main/theory/cmocs/cmoc-01.yaml"]
    assert "https://gardens.example.org/" in (target / "site/sitemap.xml").read_text()
    for path in _published(target / "site"):
        if path.parts[-3:-1] == ("data", "schemas"):
            continue
        text = path.read_text()
        if path.suffix == ".html":
            doc = lxml_html.fromstring(text)
            text = doc.text_content() + " ".join(doc.xpath("//head//@content | //head//@href"))
        for trace in TRACES:
            assert not re.search(trace, text, re.I), f"{path.relative_to(target / 'site')}: {trace}"
    again = subprocess.run([sys.executable, "-m", "livingtheory", "new-theory", str(target), "--title", "x", "--editor",
                            "A, B", "--site-url", "https://x.org/", "--repository", "https://github.com/x/y"],
                           capture_output=True, text=True)
    assert again.returncode == 1 and "already exists" in again.stderr  # never over a project
