"""Frozen editions: released with mike, never changed, never losing a CMOC, compared field by field."""
import os
import subprocess
import sys
from pathlib import Path

from lxml import html as lxml_html

from conftest import make_project

BIN = Path(sys.executable).parent


def run(project: Path, *command: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PATH": f"{BIN}:{os.environ['PATH']}", "NO_MKDOCS_2_WARNING": "1",
           "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.org"}
    return subprocess.run(command, cwd=project, capture_output=True, text=True, env=env)


def ok(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def published(project: Path) -> dict[str, str]:
    """Every file on the gh-pages branch, and its content's hash."""
    listing = ok(run(project, "git", "ls-tree", "-r", "gh-pages"))
    return {line.split("\t")[1]: line.split()[2] for line in listing.splitlines()}


def page(project: Path, path: str):
    return lxml_html.fromstring(ok(run(project, "git", "show", f"gh-pages:{path}")).encode())


def deploy(project: Path) -> None:
    version = ok(run(project, sys.executable, "-m", "livingtheory", "version")).strip()
    ok(run(project, sys.executable, "-m", "livingtheory", "release"))
    ok(run(project, "git", "add", "-A"))
    ok(run(project, "git", "commit", "-qm", f"release {version}", "--allow-empty"))
    ok(run(project, str(BIN / "mike"), "deploy", "--update-aliases", "--alias-type=redirect", version, "latest"))


def test_a_second_edition_leaves_the_first_untouched(tmp_path):
    project = make_project(tmp_path / "project")
    ok(run(project, "git", "init", "-q", "-b", "main"))
    deploy(project)
    first = {path: blob for path, blob in published(project).items() if path.startswith("1.0/")}
    cmoc_urls = sorted(p.removeprefix("1.0/") for p in first if p.startswith("1.0/cmoc/"))
    assert len(cmoc_urls) == 12

    # A refinement: CMOC 3 renamed, its context narrowed (a change of meaning: version 2.0).
    cmoc = project / "theory/cmocs/cmoc-03.yaml"
    text = cmoc.read_text()
    text = text.replace('title: "Child matched to similar peer, mitigates experienced stigma"',
                        'title: "Matched peer of the same community, mitigates experienced stigma"')
    text = text.replace("When a child is matched with a similar peer (C), service engagement",
                        "When a child is matched with a peer from their own community (C), service engagement")
    text = text.replace('  text: "a child is matched with a similar peer"',
                        '  text: "a child is matched with a peer from their own community"')
    text = text.replace('status: initial\nversion: "1.0"', 'status: refined\nversion: "2.0"')
    text += ('  - date: "2026-11-22"\n    theory_version: "1.1"\n    version: "2.0"\n    status: refined\n'
             '    change: "Context narrowed to peers from the child\'s own community."\n'
             '    rationale: "Interviews located the stigma mechanism in community-matched pairs."\n'
             '    evidence: [quote-06]\n')
    cmoc.write_text(text)
    study = project / "theory/study.yaml"
    study.write_text(study.read_text().replace('version: "1.0"\n  released: "2023-10-05"',
                                               'version: "1.1"\n  released: "2026-11-22"'))
    ok(run(project, sys.executable, "-m", "livingtheory", "check"))
    deploy(project)

    after = published(project)
    assert {p: b for p, b in after.items() if p.startswith("1.0/")} == first  # byte-identical
    for url in cmoc_urls:  # every CMOC address of edition 1.0 still resolves, in both editions
        assert url in {p.removeprefix("1.1/") for p in after if p.startswith("1.1/")}
    assert "latest/cmoc/cmoc-03/index.html" in after
    redirect = ok(run(project, "git", "show", "gh-pages:latest/cmoc/cmoc-03/index.html"))
    assert "1.1/cmoc/cmoc-03/" in redirect

    old = page(project, "1.0/cmoc/cmoc-03/index.html")
    assert old.findtext(".//h1").startswith("CMOC 3: Child matched to similar peer")
    assert old.xpath("//link[@rel='canonical']/@href")[0].endswith("/1.0/cmoc/cmoc-03/")
    new = page(project, "1.1/cmoc/cmoc-03/index.html")
    assert new.findtext(".//h1").startswith("CMOC 3: Matched peer of the same community")
    assert new.xpath("//link[@rel='canonical']/@href")[0].endswith("/1.1/cmoc/cmoc-03/")

    changes = page(project, "1.1/changes/index.html")
    section = changes.xpath("//h2[starts-with(normalize-space(.), 'Edition 1.1')]/following-sibling::ul[1]")[0]
    items = section.xpath("./li")
    assert len(items) == 1 and "cmoc-03" in items[0].text_content()  # exactly that change
    fields = [li.text_content().split(":")[0].strip() for li in items[0].xpath("./ul/li")]
    assert fields == ["Title", "Statement", "Context", "Status", "Version"]
    context = items[0].xpath("./ul/li")[2]
    assert context.xpath(".//del")[0].text_content() == "a child is matched with a similar peer"
    assert context.xpath(".//ins")[0].text_content() == "a child is matched with a peer from their own community"


def test_a_released_edition_cannot_change_or_lose_a_cmoc(tmp_path):
    project = make_project(tmp_path / "project")
    quote = project / "theory/quotes/quote-06.yaml"
    quote.write_text(quote.read_text().replace("middle aged", "middle-aged"))
    result = run(project, sys.executable, "-m", "livingtheory", "release")
    assert result.returncode == 1 and "editions never change" in result.stderr
    (project / "theory/cmocs/cmoc-08.yaml").unlink()
    quote13 = project / "theory/quotes/quote-13.yaml"
    quote13.unlink()  # its only CMOC is gone
    result = run(project, sys.executable, "-m", "livingtheory", "check")
    assert result.returncode == 1
    assert "theory/cmocs/cmoc-08.yaml: cmoc-08 was published in edition 1.0 and cannot be deleted" in result.stderr


def test_a_release_must_raise_the_version(tmp_path):
    project = make_project(tmp_path / "project")
    (project / "editions/1.0.json").rename(project / "editions/1.1.json")  # as if 1.1 were released
    result = run(project, sys.executable, "-m", "livingtheory", "release")
    assert result.returncode == 1 and "version 1.0 is not later than the released editions (1.1)" in result.stderr


def test_deploying_an_edition_other_than_the_theorys_version_is_refused(tmp_path):
    project = make_project(tmp_path / "project")
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(project / "mkdocs.yml")],
                            capture_output=True, text=True,
                            env={**os.environ, "MIKE_DOCS_VERSION": "2.0", "NO_MKDOCS_2_WARNING": "1"})
    assert result.returncode != 0
    assert "deploying edition 2.0, but theory/study.yaml says version 1.0" in result.stderr
