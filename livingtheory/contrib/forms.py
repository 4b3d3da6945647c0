"""Filled GitHub issue forms made into records (the files a pull request carries), or the located
problems that stop them. The issue's text is untrusted: it only ever becomes YAML values (quoted
by the writer) and IDs that must name existing records; the result is checked like any change.
"""
from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path

import yaml

from ..problems import Problem, TheoryInvalid
from ..records.data import plain
from ..records.editions import load_editions
from ..records.loader import load_theory
from ..records.model import RETIRED
from . import scaffold

NO_ANSWER = "_No response_"
MAX_ANSWER = 20_000  # characters: a form answer is a record's text, not a transcript


def read_issue(form_file: Path, body: str) -> dict[str, str]:
    """The answers of a filled GitHub issue form: GitHub writes each as `### <label>` then the value."""
    form = yaml.safe_load(form_file.read_text(encoding="utf-8"))
    by_label = {item["attributes"]["label"]: item["id"] for item in form["body"] if "id" in item}
    answers, current = {}, None
    for line in body.splitlines():
        heading = re.fullmatch(r"### (.+)", line.strip())
        if heading and heading.group(1).strip() in by_label:
            current = by_label[heading.group(1).strip()]
            answers[current] = ""
        elif current:
            answers[current] += line + "\n"
    return {key: value.strip()[:MAX_ANSWER] for key, value in answers.items()
            if value.strip() and value.strip() != NO_ANSWER}


def kind_of(form_file: Path) -> str:
    labels = yaml.safe_load(form_file.read_text(encoding="utf-8")).get("labels", [])
    for label in labels:
        if label.startswith("record:"):
            return label.split(":", 1)[1]
    return "refinement" if "refinement" in labels else "report"


def _ids(text: str | None) -> list[str]:
    return [x for x in re.split(r"[\s,;]+", text or "") if x]


def records_from_issue(form_file: Path, body: str, theory_dir: Path, *, today: str) -> dict[Path, str]:
    """path -> text of every file the form's change writes; raises TheoryInvalid with the located
    problems (as they would stand in theory/) when the result would not pass `check`."""
    answers = read_issue(form_file, body)
    kind = kind_of(form_file)
    theory = load_theory(theory_dir)
    editions = load_editions(theory_dir.parent / "editions", plain(theory.sources))
    where = f"the issue form ({form_file.name})"
    missing = [field for field in _REQUIRED.get(kind, ()) if field not in answers]
    if kind == "report":
        raise TheoryInvalid([Problem(where, 0, 0, "an error report names no change to a record, so it becomes no "
                                     "pull request", "a maintainer reads the report and makes the change")])
    if missing:
        raise TheoryInvalid([Problem(where, 0, 0, f"the answer to `{field}` is missing", "edit the issue and answer it")
                             for field in missing])
    if kind == "cmoc":
        files = _cmoc(theory_dir, theory, editions, answers, today)
    elif kind == "quote":
        files = scaffold.new_quote(theory_dir, theory, editions, source=answers["source"],
                                   participant=answers["participant"], cmoc=answers["x_cmoc"],
                                   direction=answers.get("x_direction", "supports"), text=answers["text"], today=today,
                                   rationale=" ".join(answers["x_rationale"].split()))
    else:
        files = _refinement(theory_dir, theory, editions, answers, today)
    _check_result(theory_dir, files)
    return files


_REQUIRED = {"cmoc": ("title", "outcome_group", "beneficiary", "context__label", "context__text", "mechanism__label",
                      "mechanism__text", "outcome__label", "outcome__text", "summary", "x_rationale"),
             "quote": ("source", "participant", "text", "x_cmoc", "x_rationale"),
             "refinement": ("x_cmoc", "status", "x_change", "x_rationale")}


def _cmoc(theory_dir, theory, editions, answers, today) -> dict[Path, str]:
    version, files = scaffold.change_version(theory_dir, theory, editions)
    cmoc_id = scaffold.next_id(theory_dir / "cmocs", "cmoc")
    part = lambda name: (" ".join(answers[f"{name}__label"].split()), " ".join(answers[f"{name}__text"].split()))  # noqa: E731
    files[theory_dir / "cmocs" / f"{cmoc_id}.yaml"] = scaffold.cmoc_text(
        cmoc_id, title=" ".join(answers["title"].split()), outcome=answers["outcome_group"],
        beneficiary=answers["beneficiary"], today=today, theory_version=version, context=part("context"),
        mechanism=part("mechanism"), result=part("outcome"), summary=answers["summary"],
        quotes=_ids(answers.get("x_quotes")), rationale=" ".join(answers["x_rationale"].split()),
        change="Proposed through an issue form.")
    return files


def _refinement(theory_dir, theory, editions, answers, today) -> dict[Path, str]:
    """The refinement recorded: status, version and a history entry with the change and its reasons.
    The new wording itself is written in the pull request, where the reviewer sees it."""
    cmoc_id = answers["x_cmoc"].strip()
    if cmoc_id not in {c.id for c in theory.cmocs}:
        raise scaffold.refused("the issue form", f"`{cmoc_id}` is not a CMOC of the theory", "name a CMOC by its id")
    cmoc, status = theory.get(cmoc_id), answers["status"].strip()
    version, files = scaffold.change_version(theory_dir, theory, editions)
    major = status in RETIRED and status != cmoc.status
    bumped = f"{version_major(cmoc.version) + 1}.0" if major else scaffold.next_minor(cmoc.version)
    path = theory_dir / "cmocs" / f"{cmoc_id}.yaml"
    text = path.read_text(encoding="utf-8")
    text = re.sub(r'^version: "?[0-9.]+"?', f'version: "{bumped}"', text, count=1, flags=re.M)
    text = re.sub(r"^status: \S+", f"status: {status}", text, count=1, flags=re.M)
    successors = _ids(answers.get("x_replaced_by"))
    if successors and "replaced_by:" not in text:
        text = text.replace("\nhistory:", "\nreplaced_by: [" + ", ".join(successors) + "]\nhistory:", 1)
    evidence = _ids(answers.get("x_evidence"))
    text = text.rstrip("\n") + f"""
  - date: {scaffold.q(today)}
    theory_version: {scaffold.q(version)}
    version: {scaffold.q(bumped)}
    status: {status}
    change: {scaffold.q(" ".join(answers["x_change"].split()))}
    rationale: {scaffold.q(" ".join(answers["x_rationale"].split()))}
    evidence: [{", ".join(evidence)}]
"""
    files[path] = text
    return files


def version_major(version: str) -> int:
    return int(version.split(".")[0])


def _check_result(theory_dir: Path, files: dict[Path, str]) -> None:
    """The change applied to a scratch copy of the theory passes `check`, or its problems are raised."""
    with tempfile.TemporaryDirectory() as scratch:
        copy = Path(scratch) / theory_dir.name
        shutil.copytree(theory_dir, copy)
        if (theory_dir.parent / "editions").is_dir():
            shutil.copytree(theory_dir.parent / "editions", Path(scratch) / "editions")
        for path, text in files.items():
            target = copy / path.relative_to(theory_dir)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        load_theory(copy)
