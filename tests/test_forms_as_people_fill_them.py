"""Issue forms filled as people fill them: free text where an ID is asked, characters YAML and HTML
treat specially, answers left empty or far too long, a report that proposes no change, and the
tools themselves failing. Every form gets an answer in its own words; the records a form writes
are changed as data and differ from the originals only in the fields the form changed."""
import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import FIXTURE, REPO, with_editions
from livingtheory import TheoryInvalid, load_theory
from livingtheory.contrib.forms import MAX_ANSWER, Acknowledged, convert_issue, ids_in
from test_contributors import FILLED

FORMS = REPO / ".github/ISSUE_TEMPLATE"
HOSTILE = ["refined\\1", "a: b", "- [x]", "{quote: quote-01}", "'\"", "#not a comment", "\\u2028 \\n", "<b>x</b>",
           "line one\nstatus: supported\nid: cmoc-01", "&anchor *alias", "!!python/object:os.system", "%TAG"]


def quote_form(**answers) -> str:
    fields = {"Source": "thompson-2023", "Participant": "#02", "Quote": "We talk about football first.",
              "CMOC": "cmoc-05", "What it does to the CMOC": "contradicts",
              "Why it bears on the CMOC": "A second site saw the opposite.", **answers}
    return "".join(f"### {label}\n\n{value}\n\n" for label, value in fields.items())


def refinement_form(**answers) -> str:
    fields = {"CMOC": "cmoc-03", "Proposed status": "supported", "What should change": "Supported by phase 2.",
              "Rationale": "New interviews.", "Evidence": "quote-06", **answers}
    return "".join(f"### {label}\n\n{value}\n\n" for label, value in fields.items())


@pytest.fixture
def theory(theory_copy):
    return with_editions(theory_copy)


def convert(form: str, body: str, theory: Path):
    return convert_issue(FORMS / form, body, theory, today="2026-11-30")


def write(files: dict) -> None:
    for path, text in files.items():
        path.write_text(text, encoding="utf-8")


@pytest.mark.parametrize("text,kind,known,expected,left", [
    ("quote-03 and quote-04 (both from #13)", "quote", {"quote-03", "quote-04"}, ["quote-03", "quote-04"], ["#13"]),
    ("3, 4", "quote", {"quote-03", "quote-04"}, ["quote-03", "quote-04"], []),
    ("Quote 3", "quote", {"quote-03"}, ["quote-03"], []),
    ("CMOC 12", "cmoc", {"cmoc-12"}, ["cmoc-12"], []),
    ("quote-06, thompson-2023-preprint", "quote", {"quote-06", "thompson-2023-preprint"},
     ["quote-06", "thompson-2023-preprint"], []),
    ("see the interview with #13", "quote", {"quote-13"}, [], ["see", "interview", "with", "#13"]),
])
def test_ids_are_read_from_what_people_write(text, kind, known, expected, left):
    found, words = ids_in(text, kind, known)
    assert found == expected and words == left


@pytest.mark.parametrize("answer", HOSTILE)
def test_no_answer_can_break_a_record_or_reach_another_field(theory, answer):
    before = {p: yaml.safe_load(p.read_text()) for p in (theory / "cmocs").glob("*.yaml")}
    for form, body in (("refinement.yml", refinement_form(**{"What should change": answer, "Rationale": answer})),
                       ("add-quote.yml", quote_form(**{"Quote": f"We said {answer} then.",
                                                       "Why it bears on the CMOC": answer}))):
        try:
            files = convert(form, body, theory).files
        except TheoryInvalid as refused:  # refused by the rules (raw HTML in a rationale): said, never a crash
            assert all(p.fix for p in refused.problems)
            continue
        for path, text in files.items():
            record = yaml.safe_load(text)  # valid YAML, whatever the answer held
            if path.parent.name == "cmocs":
                old = before[path]
                changed = {k for k in set(old) | set(record) if old.get(k) != record.get(k)}
                assert changed <= {"version", "status", "history", "evidence"}, changed
                assert record["history"][:len(old["history"])] == old["history"]
                assert record["history"][-1]["rationale"] == " ".join(answer.split())


def test_a_refinement_changes_only_its_fields_and_keeps_the_records_comments_and_layout(theory):
    import difflib
    path = theory / "cmocs/cmoc-03.yaml"
    original = path.read_text()
    (text,) = [t for p, t in convert("refinement.yml", refinement_form(), theory).files.items() if p == path]
    removed = [line[2:] for line in difflib.ndiff(original.splitlines(), text.splitlines()) if line.startswith("- ")]
    assert removed == ["status: initial", 'version: "1.0"']  # every other line as it was, comments and nulls too
    assert text.startswith("# yaml-language-server") and "date: null" in text


def test_a_backslash_in_a_dropdown_answer_is_an_answer_in_the_forms_words_not_a_crash(theory):
    with pytest.raises(TheoryInvalid) as raised:
        convert("refinement.yml", refinement_form(**{"Proposed status": "refined\\1"}), theory)
    assert "the answer to “Proposed status” is 'refined\\\\1', which is not one of: proposed" in str(raised.value)


def test_every_missing_and_every_wrong_answer_is_listed_at_once_by_its_label(theory):
    body = FILLED.replace("service-engagement", "happiness").replace("child\n", "children\n").replace(
        "### Mechanism, full wording\n\nchildren trust services\n", "").replace("quote-09", "quote-99")
    with pytest.raises(TheoryInvalid) as raised:
        convert("new-cmoc.yml", body, theory)
    said = str(raised.value)
    for label in ("“Mechanism, full wording” is missing", "“Outcome” is 'happiness'", "“Who benefits” is 'children'",
                  "“Quotes” names quote-99"):
        assert label in said, said
    assert "mechanism__text" not in said and "x_quotes" not in said  # the code's names never reach a person


def test_an_answer_over_the_limit_is_refused_with_its_length_never_cut(theory):
    long = "word " * (MAX_ANSWER // 5 + 10)
    with pytest.raises(TheoryInvalid) as raised:
        convert("add-quote.yml", quote_form(Quote=long), theory)
    assert f"“Quote” is {len(long.strip()):,} characters long; the limit is {MAX_ANSWER:,}" in str(raised.value)


def test_free_text_ids_become_records_and_the_pull_request_says_how_they_were_read(theory):
    body = FILLED.replace("quote-09", "quote-09 and 10 (both from #13)")
    converted = convert("new-cmoc.yml", body, theory)
    write(converted.files)
    assert load_theory(theory).get("cmoc-13").quote_ids == ("quote-09", "quote-10")
    assert converted.understood == ["Quotes: read as quote-09, quote-10 (not understood: #13)"]


def test_an_error_report_is_acknowledged_not_told_to_edit_anything(theory):
    with pytest.raises(Acknowledged):
        convert("report-error.yml", "### Page\n\nhttps://x\n\n### What is wrong\n\nA typo.\n", theory)


# ----------------------------------------------------------------------------- in the workflow

from test_forms_workflow import _run, repository  # noqa: E402,F401 - the workflow's own script, a stand-in API


def test_the_workflow_acknowledges_and_labels_a_report(repository):
    result, calls = _run(repository, "### Page\n\nhttps://x\n\n### What is wrong\n\nA typo.\n", ["report"])
    assert result.returncode == 0, result.stderr
    assert [path for path, _ in calls] == ["/repos/team/theory/issues/7/labels", "/repos/team/theory/issues/7/comments"]
    assert "Thank you" in calls[1][1]["body"] and "Edit" not in calls[1][1]["body"]


@pytest.mark.parametrize("answer", ["", "x" * (MAX_ANSWER + 1), *HOSTILE])
def test_every_answer_to_every_form_is_answered_and_no_job_fails(repository, answer):
    bodies = {"refinement": (["theory", "refinement"], refinement_form(**{"Proposed status": answer or "supported",
                                                                          "CMOC": answer or "cmoc-03"})),
              "add-quote": (["theory", "record:quote"], quote_form(CMOC=answer, Participant=answer)),
              "new-cmoc": (["theory", "record:cmoc"], FILLED.replace("service-engagement", answer))}
    for labels, body in bodies.values():
        result, calls = _run(repository, body, labels)
        assert result.returncode == 0, result.stderr
        assert calls and calls[-1][0].endswith("/comments")  # a pull request, or the problems, said on the issue


def test_a_fault_in_the_tools_is_said_on_the_issue_with_a_reference(repository):
    (repository / "theory/study.yaml").write_text("id: study\ntheory: [")  # the tools meet what they cannot read
    (repository / ".github/ISSUE_TEMPLATE/add-quote.yml").write_text("labels: ['record:quote']\nbody: 7\n")
    result, calls = _run(repository, quote_form(), ["theory", "record:quote"])
    assert result.returncode == 1 and "Traceback" in result.stderr  # the job fails, for the maintainers
    assert [path for path, _ in calls] == ["/repos/team/theory/issues/7/comments"]
    assert "fault in the project's tools" in calls[0][1]["body"] and "reference" in calls[0][1]["body"]
