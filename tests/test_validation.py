"""The validator: every kind of contributor mistake gives a located message, all at once."""
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from livingtheory import TheoryInvalid, check, load_theory
from livingtheory.records.yamlsource import read_record

from conftest import FIXTURE, REPO, with_editions

BROKEN = Path(__file__).parent / "broken"
CASES = sorted(p.name for p in BROKEN.iterdir() if p.is_dir())


def _apply(case: str, theory: Path) -> list[str]:
    """Overlay a broken case's files on a copy of the fixed theory (deleting those it lists in
    deleted.txt); return its expected lines. A case about the lifecycle rules has the released
    editions beside it, as in the repository, with its own editions/ files over them."""
    if (BROKEN / case / "theory").is_dir():
        shutil.copytree(BROKEN / case / "theory", theory, dirs_exist_ok=True)
    for relative in ((BROKEN / case / "deleted.txt").read_text().split() if (BROKEN / case / "deleted.txt").exists() else []):
        (theory / relative).unlink()
    if (BROKEN / case / "uses-released-editions").exists():
        with_editions(theory)
        if (BROKEN / case / "editions").is_dir():
            shutil.copytree(BROKEN / case / "editions", theory.parent / "editions", dirs_exist_ok=True)
    return (BROKEN / case / "expected.txt").read_text().splitlines()


MORE = "once these problems are fixed, `check` may find more"  # a case whose records could not all be read
LOCATED = ("theory/", "editions/")


def _matches(expected: str, problem) -> bool:
    text = str(problem)
    if not expected.startswith(LOCATED):
        return expected in text
    location, message = expected.split(": ", 1)
    first_line = text.split("\n")[0]
    where = first_line.split(": ", 1)[0]
    return (where == location or where.startswith(location + ":")) and message in text


@pytest.mark.parametrize("case", CASES)
def test_each_mistake_gives_its_located_message(case, theory_copy):
    expected = _apply(case, theory_copy)
    with pytest.raises(TheoryInvalid) as raised:
        check(theory_copy)
    problems = raised.value.problems
    assert raised.value.incomplete == (MORE in expected) and (MORE in str(raised.value)) == (MORE in expected)
    for line in expected:
        assert line == MORE or any(_matches(line, p) for p in problems), f"{line!r} not in:\n{raised.value}"
    located = [line for line in expected if line.startswith(LOCATED)]
    assert len(problems) == len(located), f"unexpected extra problems:\n{raised.value}"
    assert all(p.fix for p in problems), "every problem says what to do"


def test_all_mistakes_are_reported_at_once(theory_copy):
    for case in ("duplicate-key", "unknown-quote", "not-utf8", "wrong-type", "unknown-outcome"):
        _apply(case, theory_copy)
    with pytest.raises(TheoryInvalid) as raised:
        load_theory(theory_copy)
    files = {p.file for p in raised.value.problems}
    assert {"theory/services/service-03.yaml", "theory/cmocs/cmoc-08.yaml", "theory/quotes/quote-23.yaml",
            "theory/outcomes/hope.yaml", "theory/cmocs/cmoc-07.yaml"} <= files


def test_yaml_11_surprises_stay_text_as_written(tmp_path):
    path = tmp_path / "r.yaml"
    path.write_text("row: 01\nanswer: no\ntime: 12:30\nversion: 1.0\nflag: true\ncount: 12\nnothing:\n")
    record, problems = read_record(path, "r.yaml")
    assert problems == []
    assert record.data == {"row": "01", "answer": "no", "time": "12:30", "version": "1.0", "flag": True,
                           "count": 12, "nothing": None}
    assert record.position(("time",)) == (3, 7)


def test_a_number_where_text_belongs_is_an_error_not_a_conversion(theory_copy):
    path = theory_copy / "outcomes" / "hope.yaml"
    path.write_text(path.read_text().replace('section: "3.3.1"', "section: 3"))
    with pytest.raises(TheoryInvalid) as raised:
        load_theory(theory_copy)
    assert "theory/outcomes/hope.yaml:5:10: `section` must be text, not 3" in str(raised.value)
    assert "put the value in double quotes" in str(raised.value)


def test_reading_never_writes_to_the_theory(theory_copy):
    before = {p: p.read_bytes() for p in theory_copy.rglob("*") if p.is_file()}
    load_theory(theory_copy)
    after = {p: p.read_bytes() for p in theory_copy.rglob("*") if p.is_file()}
    assert before == after


def _check(*args):
    return subprocess.run([sys.executable, "-m", "livingtheory", "check", *map(str, args)],
                          capture_output=True, text=True)


def test_check_command_accepts_the_real_theory():
    result = _check(REPO / "theory")
    assert result.returncode == 0, result.stderr
    theory = load_theory(REPO / "theory")
    assert f"theory {theory.study.version} is valid: {len(theory.cmocs)} CMOCs" in result.stdout


def test_check_command_fails_with_the_same_messages(theory_copy):
    expected = _apply("unknown-outcome", theory_copy)
    result = _check(theory_copy)
    assert result.returncode == 1
    assert expected[0].split(": ", 1)[1] in result.stderr
    assert "theory/cmocs/cmoc-07.yaml:6:" in result.stderr


def test_a_reviewed_quote_passes_the_deidentification_check(theory_copy):
    _apply("deid-name", theory_copy)
    quote = theory_copy / "quotes" / "quote-23.yaml"
    quote.write_text(quote.read_text() + "deidentification:\n  reviewed_by: \"A. Reviewer\"\n"
                     "  reason: \"A pseudonym chosen by the participant; no real person is named.\"\n")
    theory = load_theory(theory_copy)
    assert theory.get("quote-23").deidentification.reviewed_by == "A. Reviewer"


def test_the_papers_quotes_need_no_review():
    theory = load_theory(FIXTURE / "theory")
    assert all(q.deidentification is None for q in theory.quotes)  # and the theory loads: none is flagged
