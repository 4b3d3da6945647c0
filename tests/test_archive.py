"""What archives an edition: its DOIs (the concept DOI in the theory's record, each edition's
version DOI recorded once Zenodo mints it), its archival PDF, and its GitHub release, each read
by the program that reads it (a PDF reader, the site's head tags, a stand-in for GitHub's API)."""
import json
import subprocess
import sys
from pathlib import Path

import pytest
from lxml import html as lxml_html
from pypdf import PdfReader

from conftest import GitHubStub, build, make_project

CONCEPT, VERSION_DOI = "10.5281/zenodo.1000", "10.5281/zenodo.1001"


def cli(project: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "livingtheory", *args], cwd=project, capture_output=True, text=True)


def git(project: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args], cwd=project, check=True,
                   capture_output=True)


@pytest.fixture(scope="module")
def archived(tmp_path_factory):
    """Edition 1.0 with its concept DOI and version DOI recorded, built, and printed."""
    root = tmp_path_factory.mktemp("archive")
    project = make_project(root / "project")
    git(project, "init", "-q", "-b", "main")
    git(project, "add", ".")
    git(project, "commit", "-qm", "edition 1.0")
    study = project / "theory/study.yaml"
    study.write_text(study.read_text().replace("  based_on:", f'  doi: "{CONCEPT}"\n  based_on:', 1))
    recorded = cli(project, "record-doi", "1.0", f"https://doi.org/{VERSION_DOI}")
    assert recorded.returncode == 0, recorded.stderr
    built = build(project, root / "site", "https://example.org/theory/1.0/")
    assert built.returncode == 0, built.stderr
    printed = cli(project, "pdf", str(root / "site"), str(root / "edition-1.0.pdf"))
    assert printed.returncode == 0, printed.stderr
    return project, root / "site", root / "edition-1.0.pdf"


def test_a_recorded_doi_is_on_the_editions_pages_and_citations(archived):
    project, site, _ = archived
    manifest = json.loads((project / "editions/manifest.json").read_text())
    assert manifest["editions"][0]["doi"] == VERSION_DOI
    page = lxml_html.fromstring((site / "cmoc/cmoc-04/index.html").read_bytes())
    assert page.xpath("//meta[@name='citation_doi']/@content") == [VERSION_DOI]
    assert f"https://doi.org/{VERSION_DOI}" in page.xpath("//a/@href")  # in the edition's banner
    assert f"doi = {{{VERSION_DOI}}}" in (site / "cite/cmoc-04.bib").read_text()
    home = " ".join(lxml_html.fromstring((site / "index.html").read_bytes()).text_content().split())
    assert f"The DOI {CONCEPT} names every edition at once" in home
    assert cli(project, "check").returncode == 0


def test_a_doi_is_recorded_once_and_checked(archived, tmp_path):
    project, _, _ = archived
    again = cli(project, "record-doi", "1.0", "10.5281/zenodo.9999")
    assert again.returncode == 1 and "already has the DOI 10.5281/zenodo.1001" in again.stderr
    assert "Traceback" not in again.stderr
    unknown = cli(project, "record-doi", "7.0", "10.5281/zenodo.9999")
    assert unknown.returncode == 1 and "edition 7.0 is not released" in unknown.stderr
    # Recording it is the one change a released edition's entry may have: against the base, it passes...
    verified = cli(project, "verify-editions", "--base", "main")
    assert verified.returncode == 0, verified.stderr
    # ...and a DOI changed by hand does not.
    git(project, "add", ".")
    git(project, "commit", "-qm", "DOI of edition 1.0")
    manifest = project / "editions/manifest.json"
    manifest.write_text(manifest.read_text().replace(VERSION_DOI, "10.5281/zenodo.6666"))
    changed = cli(project, "verify-editions", "--base", "main")
    assert changed.returncode == 1 and "the manifest entry of edition 1.0 was changed" in changed.stderr
    manifest.write_text(manifest.read_text().replace("10.5281/zenodo.6666", "https://evil.example/"))
    broken = cli(project, "check")
    assert broken.returncode == 1 and "its DOI 'https://evil.example/' is not a DOI" in broken.stderr
    git(project, "checkout", "--", "editions")


def test_the_archival_pdf_holds_every_page_of_the_edition(archived):
    project, site, pdf = archived
    reader = PdfReader(pdf)
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    assert "Edition 1.0, released 2023-10-05" in text and f"DOI: {VERSION_DOI}" in text
    sys.path.insert(0, str(project))
    from livingtheory import load_theory
    theory = load_theory(project / "theory")
    for cmoc in theory.cmocs:  # each CMOC's page, with its statement
        assert " ".join(cmoc.statement.split())[:60] in text, cmoc.id
    for quote in theory.quotes:
        assert " ".join(quote.text.split())[:40] in text, quote.id
    assert len(reader.pages) > len(theory.cmocs)
    assert reader.outline  # headings as bookmarks: the PDF can be navigated


def test_the_release_step_makes_the_github_release_with_the_pdf(archived):
    project, _, pdf = archived
    with GitHubStub({"/releases": {"upload_url": "{api}/uploads/releases/5/assets{?name,label}",
                                   "html_url": "https://github.com/team/theory/releases/tag/v1.0"}}) as github:
        result = subprocess.run([sys.executable, "-m", "livingtheory.contrib.release", "v1.0", str(pdf)], cwd=project,
                                capture_output=True, text=True, env=github.env)
    assert result.returncode == 0, result.stderr
    (release_path, _, release), (upload_path, kind, uploaded) = github.calls
    assert release_path == "/repos/team/theory/releases"
    assert json.loads(release)["tag_name"] == "v1.0" and json.loads(release)["name"] == "Edition 1.0"
    assert upload_path == "/uploads/releases/5/assets?name=edition-1.0.pdf" and kind == "application/pdf"
    assert uploaded == pdf.read_bytes()


def test_an_edition_is_rebuilt_at_its_tag_with_what_was_recorded_since(tmp_path):
    """At tag v1.0, after main has released 1.1 and recorded 1.0's DOI: editions/ is taken from main
    up to 1.0, and the theory there is edition 1.0, released, with its DOI."""
    from test_editions import refine_cmoc_3
    project = make_project(tmp_path / "project")
    git(project, "init", "-q", "-b", "main")
    git(project, "add", ".")
    git(project, "commit", "-qm", "edition 1.0")
    git(project, "tag", "v1.0")
    refine_cmoc_3(project)
    assert cli(project, "release").returncode == 0
    assert cli(project, "record-doi", "1.0", VERSION_DOI).returncode == 0
    git(project, "add", ".")
    git(project, "commit", "-qm", "edition 1.1; DOI of 1.0")
    git(project, "checkout", "-q", "v1.0")
    result = cli(project, "republish-editions", "1.0", "--from", "main")
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in (project / "editions").iterdir()) == ["1.0.json", "manifest.json"]
    sys.path.insert(0, str(project))
    from livingtheory import load_theory
    from livingtheory.records.data import plain, theory_data
    from livingtheory.records.editions import edition_of, load_editions
    theory = load_theory(project / "theory")
    state = edition_of(theory.study.version, theory_data(theory),
                       load_editions(project / "editions", plain(theory.sources)))
    assert (state.version, state.draft, state.doi) == ("1.0", False, VERSION_DOI)
    refused = cli(project, "republish-editions", "3.0", "--from", "main")
    assert refused.returncode == 1 and "edition 3.0 is not released on main" in refused.stderr
