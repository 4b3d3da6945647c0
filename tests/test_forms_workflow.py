"""The forms workflow (.github/workflows/forms.yml) as GitHub runs it: its own script
(livingtheory.contrib.workflow) reads the event file, and talks to an API that stands in for
GitHub's here. Issue text is hostile: shell syntax, expressions, YAML and Markdown in every answer."""
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO, GitHubStub, make_project
from test_contributors import FILLED

HOSTILE_TITLE = 'Peer shares a hobby $(touch PWNED) `touch PWNED` ${{ github.token }} "; rm -rf / #'


@pytest.fixture
def repository(tmp_path):
    """A clone of a project whose origin is a bare repository, as actions/checkout leaves it."""
    project = make_project(tmp_path / "work")
    shutil.copytree(REPO / ".github", project / ".github")
    for linked in ("hooks", "node_modules"):
        (project / linked).unlink()
    git = lambda *a, cwd=project: subprocess.run(["git", *a], cwd=cwd, check=True, capture_output=True)  # noqa: E731
    git("init", "-q", "-b", "main")
    git("add", ".")
    git("-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", "theory")
    git("init", "-q", "--bare", str(tmp_path / "origin.git"), cwd=tmp_path)
    git("remote", "add", "origin", str(tmp_path / "origin.git"))
    git("push", "-q", "origin", "main")
    return project


def _run(repository: Path, body: str, labels: list[str], number: int = 7):
    event = repository.parent / "event.json"
    event.write_text(json.dumps({"action": "labeled", "label": {"name": "convert"},
                                 "repository": {"default_branch": "main"},
                                 "issue": {"number": number, "title": HOSTILE_TITLE, "body": body,
                                           "labels": [{"name": n} for n in labels]}}))
    with GitHubStub({"/pulls": {"number": 41}}) as github:
        result = subprocess.run([sys.executable, "-m", "livingtheory.contrib.workflow"], cwd=repository,
                                capture_output=True, text=True, env={**github.env, "GITHUB_EVENT_PATH": str(event)})
    return result, [(path, json.loads(body)) for path, _, body in github.calls]


def test_a_hostile_new_cmoc_form_becomes_a_pull_request_whose_records_pass(repository, tmp_path):
    body = FILLED.replace("Peer shares a hobby, trust in services", HOSTILE_TITLE).replace(
        "Shared hobbies made the service feel less clinical.",
        "Shared hobbies.\n\nstatus: supported\nid: cmoc-01\n$(id) ${{ secrets.TOKEN }}")
    result, calls = _run(repository, body, ["theory", "record:cmoc"])
    assert result.returncode == 0, result.stderr
    paths = [path for path, _ in calls]
    assert paths == ["/repos/team/theory/pulls", "/repos/team/theory/actions/workflows/ci.yml/dispatches",
                     "/repos/team/theory/issues/7/comments"]
    pull = calls[0][1]
    assert pull["head"] == "forms/issue-7" and pull["base"] == "main"
    assert "$(" not in pull["title"] and "touch" not in pull["title"]  # the title is the tool's, not the issue's
    assert calls[1][1] == {"ref": "forms/issue-7"}
    assert not list(tmp_path.rglob("PWNED"))  # nothing the issue said ran
    # The pushed branch, checked out afresh, holds records that pass, with the words as written.
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "-b", "forms/issue-7", str(tmp_path / "origin.git"), str(clone)], check=True)
    check = subprocess.run([sys.executable, "-m", "livingtheory", "check", str(clone / "theory")], capture_output=True,
                           text=True)
    assert check.returncode == 0, check.stderr
    sys.path.insert(0, str(REPO))
    from livingtheory import load_theory
    cmoc = load_theory(clone / "theory").get("cmoc-13")
    assert cmoc.title == HOSTILE_TITLE and cmoc.status == "proposed"
    assert "status: supported" in cmoc.summary and "${{ secrets.TOKEN }}" in cmoc.summary  # words, as written


def _html_in(markdown: str) -> list[str]:
    """Raw HTML a Markdown reader (CommonMark, as GitHub's) would pass through, but the tool's <br>."""
    from markdown_it import MarkdownIt
    tokens = MarkdownIt("commonmark").parse(markdown)
    found = [t.content for t in tokens if t.type == "html_block"]
    found += [c.content for t in tokens for c in t.children or [] if c.type == "html_inline" and c.content != "<br>"]
    return found


def test_a_form_with_problems_is_answered_on_the_issue_and_nothing_is_pushed(repository, tmp_path):
    body = FILLED.replace("service-engagement", "<img src=x onerror=alert(1)>`$(id)`").replace(
        "Shared hobbies made the service feel less clinical.", "<!-- hides the rest --> <img src=x onerror=alert(1)>")
    result, calls = _run(repository, body, ["theory", "record:cmoc"])
    assert result.returncode == 0, result.stderr
    assert [path for path, _ in calls] == ["/repos/team/theory/issues/7/comments"]
    comment = calls[0][1]["body"]
    assert "outcome" in comment and "<img src=x onerror=alert(1)>" in comment
    assert _html_in(comment) == []  # the issue's words are shown, never read as HTML
    heads = subprocess.run(["git", "ls-remote", "--heads", str(tmp_path / "origin.git")], capture_output=True,
                           text=True, check=True).stdout
    assert "forms/" not in heads


@pytest.mark.parametrize("form,labels", [("add-quote", ["theory", "record:quote"]), ("refinement", ["theory", "refinement"])])
def test_every_form_the_workflow_meets_converts(repository, form, labels):
    bodies = {"add-quote": "### Source\n\nthompson-2023\n\n### Participant\n\n#02\n\n### Quote\n\nWe talk about "
                           "football first.\n\n### CMOC\n\ncmoc-05\n\n### What it does to the CMOC\n\ncontradicts\n\n"
                           "### Why it bears on the CMOC\n\nA second site saw the opposite.\n",
              "refinement": "### CMOC\n\ncmoc-03\n\n### Proposed status\n\nsupported\n\n### What should change\n\n"
                            "Supported by phase 2.\n\n### Rationale\n\nNew interviews.\n\n### Evidence\n\nquote-06\n"}
    result, calls = _run(repository, bodies[form], labels)
    assert result.returncode == 0 and calls[0][0].endswith("/pulls"), (result.stderr, calls)


def test_an_issue_not_from_a_form_is_answered(repository):
    result, calls = _run(repository, "Please add my CMOC", ["question"])
    assert result.returncode == 0 and "not made with one of the theory's forms" in calls[0][1]["body"]
