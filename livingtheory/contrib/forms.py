"""Filled GitHub issue forms made into records (the files a pull request carries), or the problems
that stop them, in the form's own words.

The issue's text is untrusted: each answer only ever becomes the value of one field of a record,
written as data (records.roundtrip), so no answer, whatever its characters, can make invalid YAML
or reach another field; IDs are read from what people write ("quote-03 and quote-04", "3, 4",
"Quote 3") and must name existing records; every wrong or missing answer is reported at once, by
the label the contributor saw; the result is checked like any change.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..problems import Problem, TheoryInvalid
from ..records import recordtext, roundtrip
from ..records.loader import load
from ..records.model import RETIRED, version_key
from . import scaffold

NO_ANSWER = "_No response_"
MAX_ANSWER = 20_000  # characters: a form answer is a record's text, not a transcript
_CONNECTORS = {"and", "or", "plus", "also", "&", "the", "quotes", "quote", "cmocs", "cmoc", "sources", "source", "ids",
               "id", "both", "from", "nos", "no", "numbers", "number"}


class Acknowledged(Exception):
    """A form that proposes no change (an error report): thanked and left for the maintainers."""


@dataclass
class Form:
    """An issue form as its file defines it."""
    file: Path
    kind: str
    labels: dict[str, str]  # answer id -> the label the contributor saw
    required: list[str]
    options: dict[str, list[str]]  # a dropdown's answers

    @classmethod
    def read(cls, file: Path) -> "Form":
        spec = yaml.safe_load(file.read_text(encoding="utf-8"))
        items = [item for item in spec["body"] if "id" in item]
        labels = [str(label) for label in spec.get("labels") or []]
        kind = next((label.split(":", 1)[1] for label in labels if label.startswith("record:")),
                    "refinement" if "refinement" in labels else "report")
        return cls(file, kind, {i["id"]: i["attributes"]["label"] for i in items},
                   [i["id"] for i in items if (i.get("validations") or {}).get("required")],
                   {i["id"]: [str(o) for o in i["attributes"]["options"]] for i in items if i["type"] == "dropdown"})

    def problem(self, answer: str, message: str, fix: str) -> Problem:
        return Problem(f"the issue form ({self.file.name})", 0, 0, message.replace("{label}", f"“{self.labels[answer]}”"),
                       fix)


@dataclass
class Converted:
    files: dict[Path, str]
    understood: list[str] = field(default_factory=list)  # what was read from free text, for the pull request


def _answers(form: Form, body: str) -> dict[str, str]:
    by_label = {label: answer for answer, label in form.labels.items()}
    answers, current = {}, None
    for line in body.splitlines():
        heading = re.fullmatch(r"### (.+)", line.strip())
        if heading and heading.group(1).strip() in by_label:
            current = by_label[heading.group(1).strip()]
            answers[current] = ""
        elif current:
            answers[current] += line + "\n"
    return {key: value.strip() for key, value in answers.items() if value.strip() and value.strip() != NO_ANSWER}


def ids_in(text: str, prefix: str, known: set[str]) -> tuple[list[str], list[str]]:
    """The IDs of `prefix` records (or any known ID) named in free text, as people write them
    ("quote-03 and quote-04 (both from P2)", "3, 4", "Quote 3"), and the words not understood."""
    found, rest = [], text
    by_number = {int(m.group(1)): i for i in known if (m := re.fullmatch(rf"{prefix}-0*(\d+)", i))}
    pattern = re.compile(rf"(?<![#\w-])(?:{prefix}s?[\s_-]*(?:no\.?\s*)?)?0*(\d+)(?![\w-])|(?<![\w#-])([a-z][a-z0-9]*(?:-[a-z0-9]+)+)(?![\w-])",
                         re.IGNORECASE)
    for match in pattern.finditer(text):
        if match.group(1) is not None:
            record = by_number.get(int(match.group(1)), f"{prefix}-{int(match.group(1)):02d}")
        elif match.group(2).lower() in known:
            record = match.group(2).lower()
        else:
            continue
        if record not in found:
            found.append(record)
        rest = rest.replace(match.group(0), " ", 1)
    words = [w for w in re.split(r"[\s,;()\[\]/]+", rest) if w and w.lower().strip(".:") not in _CONNECTORS]
    return found, words


def records_from_issue(form_file: Path, body: str, theory_dir: Path, *, today: str) -> dict[Path, str]:
    """path -> text of every file the form's change writes; raises TheoryInvalid with the problems
    (in the form's words, or located as they would stand in theory/) when the result would not pass."""
    return convert_issue(form_file, body, theory_dir, today=today).files


def convert_issue(form_file: Path, body: str, theory_dir: Path, *, today: str) -> Converted:
    form = Form.read(form_file)
    if form.kind == "report":
        raise Acknowledged("an error report names no change to a record: a maintainer reads it and makes the change")
    answers = _answers(form, body)
    loaded = load(theory_dir)
    if loaded.problems:  # the theory on the main branch must be valid before anything is added to it
        raise TheoryInvalid(loaded.problems)
    theory, editions = loaded.theory, loaded.editions
    problems = [form.problem(a, "the answer to {label} is missing", "edit the issue and answer it")
                for a in form.required if a not in answers]
    problems += [form.problem(a, f"the answer to {{label}} is {len(v):,} characters long; the limit is {MAX_ANSWER:,}",
                              "shorten it in the issue: a record holds an excerpt, not a transcript")
                 for a, v in answers.items() if len(v) > MAX_ANSWER]
    problems += [form.problem(a, f"the answer to {{label}} is {answers[a]!r}, which is not one of: "
                              f"{', '.join(options)}", "choose one of them in the issue")
                 for a, options in form.options.items() if a in answers and answers[a] not in options]
    known = lambda record_id: record_id in theory.by_id  # noqa: E731
    works = theory.references.numbers if theory.references else None
    for answer, inline in _MARKDOWN_ANSWERS.items():  # said here, in the form's words, not at a line of a record
        if answer in answers and answer in form.labels:
            problems += [form.problem(answer, f"the answer to {{label}}: {found.message}", found.fix)
                         for found in recordtext.problems(answers[answer], known=known, inline=inline, works=works)]
    converted = Converted({})
    make = {"cmoc": _cmoc, "quote": _quote, "refinement": _refinement}[form.kind]
    problems = make(form, theory_dir, theory, editions, answers, today, converted, problems)  # builds only if none
    if problems:
        raise TheoryInvalid(problems)
    _check_result(theory_dir, converted.files)
    return converted


# Answers that become record Markdown (inline: one paragraph, as a history entry's rationale).
_MARKDOWN_ANSWERS = {"summary": False, "x_rationale": True}


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _read_ids(form: Form, answers: dict, answer: str, prefix: str, known: set[str], converted: Converted,
              problems: list[Problem]) -> list[str]:
    if answer not in answers:
        return []
    found, words = ids_in(answers[answer], prefix, known)
    unknown = [i for i in found if i not in known]
    if unknown:
        problems.append(form.problem(answer, f"the answer to {{label}} names {', '.join(unknown)}, which the theory "
                                     "does not have", f"name existing records (their IDs are in their pages' "
                                     f"addresses), such as {sorted(known)[0] if known else prefix + '-01'}"))
    said = f"{form.labels[answer]}: read as {', '.join(found) or 'no ID'}"
    converted.understood.append(said + (f" (not understood: {' '.join(words)})" if words else ""))
    return [i for i in found if i in known]


def _known(form: Form, answers: dict, answer: str, allowed: list[str], what: str, problems: list[Problem]) -> str:
    value = answers.get(answer, "").strip()
    if value and value not in allowed:
        problems.append(form.problem(answer, f"the answer to {{label}} is {value!r}, which is not {what}",
                                     f"answer one of: {', '.join(allowed[:30])}"))
    return value


def _cmoc(form, theory_dir, theory, editions, answers, today, converted, found) -> list[Problem]:
    problems = list(found)
    outcome = _known(form, answers, "outcome_group", [o.id for o in theory.outcomes], "an outcome of the theory", problems)
    beneficiary = _known(form, answers, "beneficiary", [b.id for b in theory.study.beneficiaries],
                         "one of the theory's beneficiaries", problems)
    quotes = _read_ids(form, answers, "x_quotes", "quote", {q.id for q in theory.quotes}, converted, problems)
    if problems:
        return problems
    version, files = scaffold.change_version(theory_dir, theory, editions)
    cmoc_id = scaffold.next_id(theory_dir / "cmocs", "cmoc")
    part = lambda name: (_one_line(answers[f"{name}__label"]), _one_line(answers[f"{name}__text"]))  # noqa: E731
    files[theory_dir / "cmocs" / f"{cmoc_id}.yaml"] = scaffold.cmoc_text(
        cmoc_id, title=_one_line(answers["title"]), outcome=outcome, beneficiary=beneficiary, today=today,
        theory_version=version, context=part("context"), mechanism=part("mechanism"), result=part("outcome"),
        summary=answers["summary"], quotes=quotes, rationale=_one_line(answers["x_rationale"]),
        change="Proposed through an issue form.")
    converted.files = files
    return []


def _quote(form, theory_dir, theory, editions, answers, today, converted, found) -> list[Problem]:
    problems = list(found)
    source = _known(form, answers, "source", [s.id for s in theory.sources], "a source of the theory", problems)
    if source in {s.id for s in theory.sources}:
        _known(form, answers, "participant", [p.tag for p in theory.get(source).participants],
               f"a participant of {source}", problems)
    cmocs = _read_ids(form, answers, "x_cmoc", "cmoc", {c.id for c in theory.cmocs}, converted, problems)
    if len(cmocs) != 1 and "x_cmoc" in answers and not problems:
        problems.append(form.problem("x_cmoc", "the answer to {label} should name one CMOC", "name the CMOC the quote "
                                     "bears on, such as cmoc-03 (add a form for each other CMOC)"))
    if problems:
        return problems
    converted.files = scaffold.new_quote(theory_dir, theory, editions, source=source,
                                         participant=answers["participant"].strip(), cmoc=cmocs[0],
                                         direction=answers.get("x_direction", "supports"), text=answers["text"],
                                         today=today, rationale=_one_line(answers["x_rationale"]))
    return []


def _refinement(form, theory_dir, theory, editions, answers, today, converted, found) -> list[Problem]:
    """The refinement recorded: status, version and a history entry with the change and its reasons.
    The new wording itself is written in the pull request, where the reviewer sees it."""
    problems = list(found)
    cmocs = _read_ids(form, answers, "x_cmoc", "cmoc", {c.id for c in theory.cmocs}, converted, problems)
    if len(cmocs) != 1 and "x_cmoc" in answers and not problems:
        problems.append(form.problem("x_cmoc", "the answer to {label} should name one CMOC",
                                     "name the CMOC to refine, such as cmoc-03 (a form for each CMOC)"))
    evidence = _read_ids(form, answers, "x_evidence", "quote", {q.id for q in theory.quotes} | {s.id for s in theory.sources},
                         converted, problems)
    successors = _read_ids(form, answers, "x_replaced_by", "cmoc", {c.id for c in theory.cmocs}, converted, problems)
    if problems:
        return problems
    cmoc, status = theory.get(cmocs[0]), answers["status"].strip()
    version, files = scaffold.change_version(theory_dir, theory, editions)
    major = status in RETIRED and status != cmoc.status
    bumped = f"{version_key(cmoc.version)[0] + 1}.0" if major else scaffold.next_minor(cmoc.version)

    def refined(record):
        record["version"] = roundtrip.quoted(bumped)
        record["status"] = status
        if successors and not record.get("replaced_by"):
            record.insert(list(record).index("history"), "replaced_by", roundtrip.flow(successors))
        roundtrip.append(record, "history", {
            "date": roundtrip.quoted(today), "theory_version": roundtrip.quoted(version),
            "version": roundtrip.quoted(bumped), "status": status, "change": _one_line(answers["x_change"]),
            "rationale": _one_line(answers["x_rationale"]), "evidence": roundtrip.flow(evidence)})
    path = theory_dir / "cmocs" / f"{cmoc.id}.yaml"
    files[path] = roundtrip.edited(path, refined)
    converted.files = files
    return []


def _check_result(theory_dir: Path, files: dict[Path, str]) -> None:
    """The change applied to a scratch copy of the theory passes `check`, or its problems are raised."""
    problems = scaffold.problems_with(theory_dir, files)
    if problems:
        raise TheoryInvalid(problems)
