"""`check` passes exactly what builds: property tests over mutated records.

Hypothesis changes one value (or removes or adds a field) in a record of a copy of the theory,
choosing from values that contributors write by mistake or attackers on purpose. Then:
- `check` accepts  =>  the site generates, and `mkdocs build --strict` succeeds;
- `check` rejects  =>  the build fails with the same messages and writes no site.
Bounded (a few dozen examples for the core step, a few real builds) to keep CI short.
"""
import shutil
import subprocess
import sys
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings, strategies as st

from conftest import REPO, build, make_project
from livingtheory import TheoryInvalid, check
from livingtheory.site.generate import generate

RECORDS = sorted(str(p.relative_to(REPO / "theory")) for p in (REPO / "theory").rglob("*.yaml"))
VALUES = st.sampled_from([
    "", " ", "2023-02-30", "2023-10-05", "2999-01-01", "0.1", "1.1", "2.0", "cmoc-99", "cmoc-03", "quote-01", "hope",
    "[[cmoc-99]]", "[[cmoc-03]]", "[x](javascript:alert(1))", "[x](https://example.org/)", "![](https://e.org/p.gif)",
    '<img src=x onerror="alert(1)">', "para\n{: onfocus=\"alert(1)\" }", "=HYPERLINK(\"https://e.org\")",
    "title\u202eexe.txt", "## heading", "    indented", "{{ config }}", "{% raw %}", "#13", "#99", "YP-03",
    "refuted", "merged", "supported", "child", "parent", None, True, 7, -1, [], ["quote-01"], {"a": 1},
]) | st.text(max_size=40)


def _paths(data, prefix=()):
    """Every path to a value in a record (mapping keys and list indexes)."""
    yield prefix
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _paths(value, prefix + (key,))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from _paths(value, prefix + (i,))


@st.composite
def mutations(draw):
    record = draw(st.sampled_from(RECORDS))
    data = yaml.safe_load((REPO / "theory" / record).read_text())
    path = draw(st.sampled_from([p for p in _paths(data) if p]))
    action = draw(st.sampled_from(["set", "set", "set", "remove", "add"]))
    return record, path, action, draw(VALUES)


def _mutate(theory: Path, mutation) -> None:
    record, path, action, value = mutation
    data = yaml.safe_load((theory / record).read_text())
    parent = data
    for step in path[:-1]:
        parent = parent[step]
    last = path[-1]
    if action == "set":
        parent[last] = value
    elif action == "remove":
        del parent[last]
    elif isinstance(parent, dict):
        parent[f"extra_{last}"] = value
    else:
        parent.append(value)
    (theory / record).write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))


def _checked(theory: Path) -> list[str] | None:
    """None when `check` accepts the theory, else its messages."""
    try:
        check(theory)
    except TheoryInvalid as invalid:
        return [str(problem) for problem in invalid.problems]
    return None


def _fresh_theory(tmp_path: Path) -> Path:
    for folder in ("theory", "editions"):
        shutil.rmtree(tmp_path / folder, ignore_errors=True)
        shutil.copytree(REPO / folder, tmp_path / folder)
    return tmp_path / "theory"


@settings(max_examples=60, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(mutation=mutations())
def test_what_check_accepts_generates_and_what_it_rejects_does_not(tmp_path, mutation):
    theory = _fresh_theory(tmp_path)
    _mutate(theory, mutation)
    problems = _checked(theory)
    if problems is None:
        site = generate(theory, site_url="https://example.org/", project=REPO, draw=False)  # must not raise
        assert site.pages and site.data
    else:
        try:
            generate(theory, site_url="https://example.org/", project=REPO, draw=False)
        except TheoryInvalid as invalid:
            assert [str(problem) for problem in invalid.problems] == problems
        else:
            raise AssertionError(f"check rejected {mutation}, but the site generated")


@settings(max_examples=8, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(mutation=mutations())
def test_the_real_build_agrees_with_check(tmp_path, mutation):
    project = tmp_path / "project"
    if not project.exists():
        make_project(project)
    theory = _fresh_theory(project)
    _mutate(theory, mutation)
    problems = _checked(theory)
    site = tmp_path / "site"
    shutil.rmtree(site, ignore_errors=True)
    result = build(project, site)
    if problems is None:
        assert result.returncode == 0, (mutation, result.stderr)
    else:
        assert result.returncode != 0, mutation
        for problem in problems:
            assert problem in result.stderr, (mutation, problem)
        assert not site.exists(), "a failed build writes no site"


def test_check_command_and_build_give_the_same_messages(tmp_path):
    """The same, for one hand-made broken theory, through the commands a contributor types."""
    project = make_project(tmp_path / "project")
    _mutate(project / "theory", ("sources/thompson-2023.yaml", ("published",), "set", "2023-02-30"))
    _mutate(project / "theory", ("cmocs/cmoc-03.yaml", ("summary",), "set", "[x](javascript:alert(1)) [[cmoc-99]]"))
    check = subprocess.run([sys.executable, "-m", "livingtheory", "check", str(project / "theory")],
                           capture_output=True, text=True)
    result = build(project, tmp_path / "site")
    assert check.returncode == 1 and result.returncode != 0
    messages = [line for line in check.stderr.splitlines() if line.startswith("theory/")]
    found = " ".join(messages)
    for expected in ("2023-02-30 is not a date in the calendar", "the link `javascript:alert(1)` is not allowed",
                     "[[cmoc-99]] does not name any record", "cmoc-03 changed since edition 1.0",
                     "the theory has changed since edition 1.0 was released"):  # the mistakes, and the lifecycle rules
        assert expected in found, check.stderr
    for line in messages:
        assert line in result.stderr
    assert not (tmp_path / "site").exists()
