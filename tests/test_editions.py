"""Frozen editions: released with mike, never changed, never losing a CMOC, compared field by field."""
import json
import os
import subprocess
import sys
from pathlib import Path

import yaml
from lxml import html as lxml_html

from conftest import make_project
from livingtheory.records import wording

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


def refine_cmoc_3(project: Path, *, new_cmoc: bool = False) -> None:
    """An ordinary pull request: CMOC 3's context narrowed (a change of meaning: version 2.0), its
    history entry, the theory's version raised; optionally a new CMOC 13. Nothing released."""
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
    study.write_text(study.read_text().replace('  version: "1.0"', '  version: "1.1"', 1))
    if new_cmoc:
        text = (project / "theory/cmocs/cmoc-12.yaml").read_text().replace("id: cmoc-12", "id: cmoc-13", 1)
        text = text.replace('"1.0"', '"0.1"').split("history:")[0] + (
            'history:\n  - date: "2026-11-22"\n    theory_version: "1.1"\n    version: "0.1"\n    status: proposed\n'
            '    change: "Proposed."\n    rationale: "Seen in the second phase."\n    evidence: []\n')
        (project / "theory/cmocs/cmoc-13.yaml").write_text(text.replace("status: initial", "status: proposed"))
    ok(run(project, sys.executable, "-m", "livingtheory", "check"))


def test_a_second_edition_leaves_the_first_untouched(tmp_path):
    project = make_project(tmp_path / "project")
    ok(run(project, "git", "init", "-q", "-b", "main"))
    deploy(project)
    first = {path: blob for path, blob in published(project).items() if path.startswith("1.0/")}
    cmoc_urls = sorted(p.removeprefix("1.0/") for p in first if p.startswith("1.0/cmoc/"))
    assert len(cmoc_urls) == 12

    refine_cmoc_3(project)
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
    body = " ".join(new.text_content().split())
    assert "Edition 1.1, released " in body and "(CMOC version 2.0, edition 1.1)" in body
    # The version trail: the 1.0 wording, with its edition, from the snapshot, linked there.
    trail = new.xpath("//div[contains(@class,'cmoc-versions')]//tr[td]")
    assert [" ".join(r.xpath("td")[0].text_content().split()) for r in trail] == [
        "Edition 1.0 (2023-10-05)", "Edition 1.1 (" + trail[1].xpath("td")[0].text_content().split("(")[1].strip()]
    assert "a child is matched with a similar peer" in trail[0].text_content()
    assert trail[0].xpath(".//a/@href")[0].endswith("/1.0/cmoc/cmoc-03/")

    changes = page(project, "1.1/changes/index.html")
    heading = "//h2[starts-with(normalize-space(.), 'Edition 1.1')]"
    section = changes.xpath(f"{heading}/following-sibling::p[strong='CMOCs'][1]/following-sibling::ul[1]")[0]
    items = section.xpath("./li")
    # Edition 1.0's snapshot format recorded no vocabulary: said plainly, with what 1.1 lists.
    study = " ".join(changes.xpath(f"{heading}/following-sibling::ul[1]")[0].text_content().split())
    assert "Vocabulary: phases: the earlier edition recorded no such list; this one lists " in study
    assert len(items) == 1 and "cmoc-03" in items[0].text_content()  # exactly that change
    fields = [li.text_content().split(":")[0].strip() for li in items[0].xpath("./ul/li")]
    assert fields == ["Title", "Statement", "Context", "Status", "Version"]
    context = items[0].xpath("./ul/li")[2]
    # Word by word: only the words that changed are marked, each saying so to a screen reader.
    pairs = wording.changed(wording.compared("a child is matched with a similar peer",
                                             "a child is matched with a peer from their own community"))
    assert [d.text_content() for d in context.xpath(".//del")] == [f"removed: {a}" for a, _ in pairs if a]
    assert [i.text_content() for i in context.xpath(".//ins")] == [f"added: {b}" for _, b in pairs if b]
    assert " ".join(context.text_content().split()).startswith("Context: a child is matched with a ")

    manifest = json.loads((project / "editions/manifest.json").read_text())
    assert [e["version"] for e in manifest["editions"]] == ["1.0", "1.1"]
    assert "cmoc/cmoc-03.md" in manifest["editions"][1]["pages"]
    cff = yaml.safe_load((project / "CITATION.cff").read_text())
    zenodo = json.loads((project / ".zenodo.json").read_text())
    assert cff["version"] == zenodo["version"] == "1.1" and cff["date-released"] == manifest["editions"][1]["released"]
    assert {"identifier": "10.1007/s44192-023-00045-2", "relation": "isDerivedFrom", "scheme": "doi",
            "resource_type": "publication-article"} in zenodo["related_identifiers"]


def test_the_draft_cites_only_released_editions(tmp_path):
    """After an ordinary pull request (nothing released), the draft CI publishes says on every page
    that it is the draft, and cites, points to and names only the latest released edition; a page
    no edition has is not citable yet."""
    project = make_project(tmp_path / "project")
    refine_cmoc_3(project, new_cmoc=True)
    root = "https://example.org/theory/"
    env = {**os.environ, "MIKE_DOCS_VERSION": "draft", "SITE_URL": root + "draft/", "NO_MKDOCS_2_WARNING": "1"}
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-f",
                             str(project / "mkdocs.yml"), "-d", str(tmp_path / "site")], capture_output=True, text=True,
                            env=env)
    assert result.returncode == 0, result.stderr
    site = tmp_path / "site"
    for html_file in site.rglob("*.html"):
        raw = html_file.read_text()
        assert f"{root}1.1/" not in raw, html_file  # no address of an edition that does not exist
        doc = lxml_html.fromstring(raw)
        banner = doc.xpath("//*[contains(@class,'md-banner')]")
        if html_file.name == "index.html" and banner:
            text = " ".join(banner[0].text_content().split())
            assert text.startswith("Draft of version 1.1: not released and not citable. The latest edition is 1.0 "
                                   "(released 2023-10-05)"), (html_file, text)
            assert doc.xpath("//meta[@name='robots']/@content") == ["noindex"]
    cmoc = lxml_html.fromstring((site / "cmoc/cmoc-03/index.html").read_bytes())
    assert cmoc.xpath("//link[@rel='canonical']/@href") == [f"{root}1.0/cmoc/cmoc-03/"]
    meta = {m.get("name"): m.get("content") for m in cmoc.xpath("//meta[@name]")}
    assert meta["citation_title"] == "CMOC 3: Child matched to similar peer, mitigates experienced stigma"  # as cited
    assert meta["citation_public_url"] == f"{root}1.0/cmoc/cmoc-03/" and meta["citation_publication_date"] == "2023/10/05"
    apa = " ".join(cmoc.xpath("//div[@class='citation']//p[@class='citation-text']")[0].text_content().split())
    assert "(2023, October 5)" in apa and "(CMOC version 1.0, edition 1.0)" in apa and apa.endswith("/1.0/cmoc/cmoc-03/")
    assert "This page is the draft of version 1.1, which is not released" in cmoc.text_content()
    bib = (site / "cite/cmoc-03.bib").read_text()
    assert f"url = {{{root}1.0/cmoc/cmoc-03/}}" in bib and "version = {1.0}" in bib
    new = lxml_html.fromstring((site / "cmoc/cmoc-13/index.html").read_bytes())
    assert not new.xpath("//link[@rel='canonical']") and not new.xpath("//meta[starts-with(@name,'citation_')]")
    assert "is new in the draft of version 1.1, which is not released, so it cannot be cited yet" in new.text_content()
    assert not list(site.glob("cite/cmoc-13.*"))
    assert json.loads((site / "data/theory.json").read_text())["released"] is None


def test_a_released_edition_cannot_change_or_lose_a_cmoc(tmp_path):
    project = make_project(tmp_path / "project")
    quote = project / "theory/quotes/quote-06.yaml"
    quote.write_text(quote.read_text().replace("middle aged", "middle-aged"))
    result = run(project, sys.executable, "-m", "livingtheory", "release")
    assert result.returncode == 1  # the change is not recorded, and the version is the released one
    assert "quote `quote-06` was released in edition 1.0 and has changed since (text)" in result.stderr
    assert "the theory has changed since edition 1.0 was released, but its version is still 1.0" in result.stderr
    (project / "theory/cmocs/cmoc-08.yaml").unlink()
    result = run(project, sys.executable, "-m", "livingtheory", "check")
    assert result.returncode == 1
    assert "theory/cmocs/cmoc-08.yaml: CMOC `cmoc-08` was published in edition 1.0" in result.stderr


def test_a_release_must_raise_the_version(tmp_path):
    project = make_project(tmp_path / "project")
    study = project / "theory/study.yaml"
    study.write_text(study.read_text().replace('  version: "1.0"', '  version: "0.9"', 1))
    result = run(project, sys.executable, "-m", "livingtheory", "release")
    assert result.returncode == 1 and "the theory's version 0.9 is below edition 1.0, which is released" in result.stderr
    assert not (project / "editions/0.9.json").exists()


def test_deploying_an_edition_other_than_the_theorys_is_refused(tmp_path):
    project = make_project(tmp_path / "project")
    build = lambda edition: subprocess.run(  # noqa: E731
        [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(project / "mkdocs.yml"), "-d", str(tmp_path / "s")],
        capture_output=True, text=True, env={**os.environ, "MIKE_DOCS_VERSION": edition, "NO_MKDOCS_2_WARNING": "1"})
    result = build("2.0")
    assert result.returncode != 0 and "deploying edition 2.0, but the theory is edition 1.0" in result.stderr
    refine_cmoc_3(project)
    result = build("1.1")  # the theory's own version, but not released: a draft cannot be deployed as an edition
    assert result.returncode != 0 and "deploying edition 1.1, but the theory is the unreleased draft of version 1.1" \
        in result.stderr
    assert build("draft").returncode == 0
