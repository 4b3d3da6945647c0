"""Every command of `python -m livingtheory`, run on a broken theory as a contributor would run it:
the located messages (file, line, what to do) and exit status 1, never a traceback, and nothing
written into theory/ or editions/."""
import hashlib
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO, make_project
from livingtheory.cli import COMMANDS

FORM = str(REPO / ".github/ISSUE_TEMPLATE/add-quote.yml")
RUNS = {
    "check": [["check"]],
    "version": [["version"], ["version", "--edition"]],
    "release": [["release"]],
    "withdraw": [["withdraw", "quote-06", "--reason", "asked by the participant's family"]],
    "verify-editions": [["verify-editions", "--base", "HEAD"]],
    "record-doi": [["record-doi", "1.0", "10.5281/zenodo.1"]],
    "republish-editions": [["republish-editions", "1.0", "--from", "HEAD"]],
    "pdf": [["pdf", "site", "edition.pdf"]],
    "new": [["new", "cmoc", "--outcome", "hope", "--beneficiary", "child", "--title", "A new CMOC"],
            ["new", "quote", "--participant", "#02", "--cmoc", "cmoc-05", "--text", "We talk."]],
    "from-issue": [["from-issue", FORM, "issue.md", "--write"]],
    "summary": [["summary", "--base", "HEAD"]],
    "docs": [["docs", "out"]],
    "citation-cff": [["citation-cff"]],
    "qda": [["qda", "export", "--output", "frame.qdpx"], ["qda", "import", "frame.qdpx", "--source", "phase-2"]],
    # It reads no theory of this project: over an existing folder it refuses, and writes nothing.
    "new-theory": [["new-theory", "theory", "--title", "x", "--editor", "A, B", "--site-url", "https://x.org/",
                    "--repository", "https://github.com/x/y"]],
    # Nor does this one: for a project without the Node packages it says what to run.
    "prepare": [["prepare", "--project", "theory"]],
}


def test_every_command_is_run_here():
    assert set(RUNS) == set(COMMANDS)


def _tree(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def broken(tmp_path_factory):
    """The fixed theory with a YAML slip in one CMOC, a list where the study wants text, in git."""
    project = make_project(tmp_path_factory.mktemp("broken") / "project")
    cmoc = project / "theory/cmocs/cmoc-03.yaml"
    cmoc.write_text(cmoc.read_text().replace("\ntitle:", "\n  title:", 1))
    study = project / "theory/study.yaml"
    study.write_text(study.read_text().replace("  publisher: ", "  publisher:\n    - ", 1))
    (project / "issue.md").write_text("### Source\n\nthompson-2023\n\n### Participant\n\n#02\n\n### Quote\n\nWe talk.\n\n"
                                      "### CMOC\n\ncmoc-05\n\n### What it does to the CMOC\n\nsupports\n\n"
                                      "### Why it bears on the CMOC\n\nSeen again.\n")
    (project / "site").mkdir()
    (project / "site/index.html").write_text("<html></html>")
    for args in (["init", "-q", "-b", "main"], ["add", "."], ["-c", "user.name=t", "-c", "user.email=t@e.org", "commit", "-qm", "x"]):
        subprocess.run(["git", *args], cwd=project, check=True, capture_output=True)
    return project


@pytest.mark.parametrize("args", [args for runs in RUNS.values() for args in runs], ids=lambda a: " ".join(a[:2]))
def test_a_command_on_a_broken_theory_says_where_and_writes_nothing(broken, args):
    before = {name: _tree(broken / name) for name in ("theory", "editions")}
    result = subprocess.run([sys.executable, "-m", "livingtheory", *args], cwd=broken, capture_output=True, text=True)
    assert result.returncode == 1, (args, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr + result.stdout
    if args[0] == "new-theory":
        assert "theory already exists: name a new folder" in result.stderr
    elif args[0] == "prepare":
        assert "is missing: run `npm ci` (or `make setup`)" in result.stderr, result.stderr
    else:
        assert "theory/study.yaml:" in result.stderr, result.stderr  # located: file and line
    if args[0] not in ("version", "new-theory", "prepare"):  # `version` reads only the study record
        assert "theory/cmocs/cmoc-03.yaml:" in result.stderr, result.stderr
    assert {name: _tree(broken / name) for name in ("theory", "editions")} == before
    assert not (broken / "out").exists() and not (broken / "edition.pdf").exists()
