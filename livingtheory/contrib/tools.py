"""Tools for contributors: scaffold a record with the next free ID, turn a filled issue form into
a record, and summarise a theory change for a pull request."""
from __future__ import annotations

import json
import re
import subprocess
import tempfile
from pathlib import Path

import yaml

from .. import TheoryInvalid, load_theory
from ..records.data import theory_data
from ..records.editions import KINDS, Edition, diff
from ..records.schema import check_record
from ..records.yamlsource import Record

MODELINE = "# yaml-language-server: $schema=../../livingtheory/records/schemas/{kind}.schema.json\n"


def next_id(folder: Path, prefix: str) -> str:
    numbers = [int(m.group(1)) for p in folder.glob(f"{prefix}-*.yaml") if (m := re.fullmatch(rf"{prefix}-(\d+)", p.stem))]
    width = max([2] + [len(p.stem) - len(prefix) - 1 for p in folder.glob(f"{prefix}-*.yaml")])
    return f"{prefix}-{max(numbers, default=0) + 1:0{width}d}"


def _q(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a valid YAML scalar


def new_cmoc(theory_dir: Path, *, outcome: str, beneficiary: str, title: str, today: str, version: str) -> Path:
    """A proposed CMOC with placeholders that validate; the contributor replaces them."""
    cmoc_id = next_id(theory_dir / "cmocs", "cmoc")
    context, mechanism, result = "TODO context", "TODO mechanism", "TODO outcome"
    text = MODELINE.format(kind="cmoc") + f"""id: {cmoc_id}
title: {_q(title)}
outcome_group: {outcome}
beneficiary: {beneficiary}
statement: {_q(f"When {context} (C), {result} (O), because {mechanism} (M)")}
context:
  label: "TODO short context label"
  text: {_q(context)}
mechanism:
  label: "TODO short mechanism label"
  text: {_q(mechanism)}
outcome:
  label: "TODO short outcome label"
  text: {_q(result)}
summary: |-
  TODO: the explanatory summary, in Markdown. Link other records as [[cmoc-01]].
quotes: []
not_triggered: []
theories: []
status: proposed
version: "0.1"
history:
  - date: {_q(today)}
    theory_version: {_q(version)}
    version: "0.1"
    status: proposed
    change: "Proposed."
    rationale: "TODO: why this CMOC is proposed (the refinement memo)."
    evidence: []
"""
    path = theory_dir / "cmocs" / f"{cmoc_id}.yaml"
    path.write_text(text)
    return path


def new_quote(theory_dir: Path, *, participant: str, cmoc: str, text: str, source: str) -> Path:
    """A quote, listed under the CMOC it illustrates (a quote no CMOC uses is an error)."""
    quote_id = next_id(theory_dir / "quotes", "quote")
    path = theory_dir / "quotes" / f"{quote_id}.yaml"
    path.write_text(MODELINE.format(kind="quote") + f"id: {quote_id}\nsource: {source}\n"
                    f"participant: {_q(participant)}\ntext: {_q(text)}\n")
    cmoc_file = theory_dir / "cmocs" / f"{cmoc}.yaml"
    source = cmoc_file.read_text()
    if re.search(r"^quotes: \[\]$", source, re.M):
        source = re.sub(r"^quotes: \[\]$", f"quotes:\n  - {quote_id}", source, count=1, flags=re.M)
    else:  # append after the last item of the block list under `quotes:`
        source = re.sub(r"^(quotes:\n(?:  - .*\n)*)", lambda m: m.group(1) + f"  - {quote_id}\n", source,
                        count=1, flags=re.M)
    cmoc_file.write_text(source)
    return path


# ----------------------------------------------------------------------------- issue forms

def read_issue(form_file: Path, body: str) -> dict[str, str]:
    """The answers of a filled GitHub issue form: GitHub writes each as `### <label>` then the value."""
    form = yaml.safe_load(form_file.read_text())
    by_label = {item["attributes"]["label"]: item["id"] for item in form["body"] if "id" in item}
    answers, current = {}, None
    for line in body.splitlines():
        heading = re.fullmatch(r"### (.+)", line.strip())
        if heading:
            current = by_label.get(heading.group(1).strip())
            if current:
                answers[current] = ""
        elif current:
            answers[current] += line + "\n"
    return {key: value.strip() for key, value in answers.items() if value.strip() and value.strip() != "_No response_"}


def record_from_issue(form_file: Path, body: str) -> tuple[str, dict]:
    """(kind, record) from a filled form. Field ids are schema paths, with `__` for nesting."""
    form = yaml.safe_load(form_file.read_text())
    kind = form["labels"][-1].split(":")[-1]  # e.g. "record:cmoc"
    record: dict = {}
    for key, value in read_issue(form_file, body).items():
        if key.startswith("x_"):  # for the reviewer only (rationale for a new record goes in history)
            continue
        target = record
        *parents, leaf = key.split("__")
        for parent in parents:
            target = target.setdefault(parent, {})
        target[leaf] = [v.strip() for v in value.split(",")] if leaf in ("quotes",) else value
    return kind, record


def issue_to_yaml(form_file: Path, body: str, *, record_id: str, today: str, version: str) -> tuple[str, list]:
    """YAML for a maintainer to commit, and the schema problems it still has (none when valid)."""
    kind, record = record_from_issue(form_file, body)
    record = {"id": record_id, **record}
    if kind == "cmoc":
        rationale = read_issue(form_file, body).get("x_rationale", "Proposed through an issue form.")
        record.setdefault("not_triggered", [])
        record.setdefault("theories", [])
        record.setdefault("quotes", [])
        record.update({"status": "proposed", "version": "0.1",
                       "history": [{"date": today, "theory_version": version, "version": "0.1", "status": "proposed",
                                    "change": "Proposed through an issue form.", "rationale": rationale,
                                    "evidence": []}]})
    text = MODELINE.format(kind=kind) + yaml.safe_dump(record, sort_keys=False, allow_unicode=True, width=100)
    problems = check_record(kind, Record(f"{record_id}.yaml", yaml.safe_load(text), text=text))
    return text, problems


# ----------------------------------------------------------------------------- pull request summary

def change_summary(repo: Path, base: str) -> str:
    """Markdown: what a pull request changes in the theory against the theory at `base`, every kind
    of record, field by field (the same comparison as the site's "What changed")."""
    current = load_theory(repo / "theory")
    lines = [f"## Theory change against `{base}`", ""]
    with tempfile.TemporaryDirectory() as tmp:
        archive = subprocess.run(["git", "-C", str(repo), "archive", base, "theory"], capture_output=True, check=True)
        subprocess.run(["tar", "-x", "-C", tmp], input=archive.stdout, check=True)
        try:
            before = load_theory(Path(tmp) / "theory", editions_dir=Path(tmp) / "no-editions")
        except TheoryInvalid as invalid:  # e.g. a change of the records' model: say so, do not fail the job
            return "\n".join(lines + [f"The theory at `{base}` cannot be read by this version of the tools, so no "
                                      "record-by-record comparison is given:", "", "```text", str(invalid), "```", ""])
    changes = diff(Edition(before.study.version, before.study.released, theory_data(before)), theory_data(current))
    for kind, heading in KINDS:
        these = [c for c in changes if c.kind == kind]
        counts = {what: [c for c in these if c.change == what] for what in ("added", "changed", "removed")}
        lines.append(f"- {heading}: " + ", ".join(f"{len(v)} {what}" for what, v in counts.items()))
        for change in these:
            fields = "; ".join(f"{f.field}: {f.before or '(none)'} → {f.after or '(none)'}"
                               if f.field in ("Status", "Version") else f.field for f in change.fields)
            lines.append(f"  - {change.change} {change.record_id} ({change.title})" + (f": {fields}" if fields else ""))
    if before.study.version != current.study.version:
        lines.append(f"- Theory version: {before.study.version} → {current.study.version}")
    return "\n".join(lines) + "\n"
