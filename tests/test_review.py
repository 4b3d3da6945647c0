"""The reviewer's view: a pull request made in a clone, its preview built as CI builds it, and its
change summary. The changed CMOC's page marks exactly the changed words, the added evidence and
the status change; an untouched CMOC's page has no marks; hostile text stays text everywhere."""
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
import yaml
from markdown_it import MarkdownIt

from conftest import REPO, Visit, in_git, make_project
from livingtheory.records import roundtrip, wording

OLD_MECHANISM = "reducing experienced (instigated by others) stigma"
NEW_MECHANISM = "reducing the stigma a child anticipates from friends and family"
HOSTILE = '<script>alert(1)</script> **bold** [x](javascript:alert(1)) ``` <img src=x onerror=alert(2)>'


def _edit(path: Path, change) -> None:
    path.write_text(roundtrip.edited(path, change), encoding="utf-8")


def _ci_preview_step() -> dict:
    ci = yaml.safe_load((REPO / ".github/workflows/ci.yml").read_text())
    (step,) = [s for s in ci["jobs"]["preview"]["steps"] if "mkdocs.preview.yml" in s.get("run", "")]
    return step


@pytest.fixture(scope="module")
def pull_request(tmp_path_factory):
    """A theory with a relation on main; a clone whose branch rewords CMOC 3's mechanism (and puts
    hostile text in CMOC 2's), supports CMOC 3 with a new history entry, adds a quote to CMOC 5
    and removes CMOC 4's relation; the preview built by CI's own step; the change summary."""
    root = tmp_path_factory.mktemp("review")
    (root / "no-editions").mkdir()  # nothing released: records change without new versions
    (root / "no-editions/.gitkeep").touch()  # as new-theory leaves it, so that a clone has the folder
    project = make_project(root / "origin", editions=root / "no-editions")
    _edit(project / "theory/cmocs/cmoc-04.yaml",
          lambda r: r.insert(len(r) - 1, "relations", [{"type": "leads-to", "cmoc": "cmoc-03", "how": "Engagement makes room for matching."}]))
    in_git(project)
    clone = root / "clone"
    subprocess.run(["git", "clone", "-q", str(project), str(clone)], check=True)
    for linked in ("hooks", "node_modules"):  # links, as make_project makes them (git keeps them as links)
        assert (clone / linked).exists()
    theory = clone / "theory"

    def reworded(r, text):
        r["statement"] = roundtrip.quoted(r["statement"].replace(r["mechanism"]["text"], text))
        r["mechanism"]["text"] = roundtrip.quoted(text)

    def cmoc_03(r):
        reworded(r, NEW_MECHANISM)
        r["status"], r["version"] = "supported", roundtrip.quoted("2.0")
        roundtrip.append(r, "history", {"date": "2026-12-01", "theory_version": "1.1", "version": "2.0",
                                        "status": "supported", "change": "Mechanism reworded: anticipated stigma.",
                                        "rationale": "Children's interviews, phase 2.", "evidence": ["quote-06"]})
    _edit(theory / "cmocs/cmoc-03.yaml", cmoc_03)
    _edit(theory / "cmocs/cmoc-02.yaml", lambda r: reworded(r, HOSTILE))
    _edit(theory / "cmocs/cmoc-04.yaml", lambda r: r.pop("relations"))
    quote = (theory / "quotes/quote-06.yaml").read_text().replace("id: quote-06", "id: quote-90")
    (theory / "quotes/quote-90.yaml").write_text(quote.replace("A young Muslim man", "A young man"))
    _edit(theory / "cmocs/cmoc-05.yaml", lambda r: roundtrip.append(r, "evidence",
                                                                    {"quote": "quote-90", "direction": "supports"}))
    _edit(theory / "study.yaml", lambda r: r["theory"].__setitem__("version", roundtrip.quoted("1.1")))
    step = _ci_preview_step()
    env = {k: str(v).replace("${{ github.base_ref || github.event.repository.default_branch }}", "main")
           for k, v in step["env"].items()}
    command = shlex.split(step["run"].replace(".venv/bin/mkdocs", f"{sys.executable} -m mkdocs"))
    built = subprocess.run(command, cwd=clone, capture_output=True, text=True,
                           env={**os.environ, "NO_MKDOCS_2_WARNING": "1", **env})
    assert built.returncode == 0, built.stderr
    summary = subprocess.run([sys.executable, "-m", "livingtheory", "summary", "--base", env["BASE"]], cwd=clone,
                             capture_output=True, text=True)
    assert summary.returncode == 0, summary.stderr
    return clone / "preview", summary.stdout


def _panel(page: Path) -> str:
    text = page.read_text(encoding="utf-8")
    found = re.search(r'<div class="admonition note changed-here"[^>]*>(.*?)</div>', text, re.S)
    return found.group(1) if found else ""


def test_the_ci_step_gives_the_preview_its_base_as_the_summary_step_does():
    ci = yaml.safe_load((REPO / ".github/workflows/ci.yml").read_text())
    steps = {s.get("name", ""): s for s in ci["jobs"]["preview"]["steps"]}
    summary = next(s for name, s in steps.items() if name.startswith("Summarise"))
    assert _ci_preview_step()["env"]["BASE"] == summary["env"]["BASE"]


def test_the_changed_cmoc_page_marks_exactly_the_changed_words(pull_request):
    preview, _ = pull_request
    panel = _panel(preview / "cmoc/cmoc-03.html")
    assert "Changed in this pull request" in panel
    deleted = [re.sub(r"<[^>]+>", "", d).removeprefix("removed: ") for d in re.findall(r"<del>(.*?)</del>", panel)]
    inserted = [re.sub(r"<[^>]+>", "", i).removeprefix("added: ") for i in re.findall(r"<ins>(.*?)</ins>", panel)]
    mechanism = re.search(r"<li><strong>Mechanism</strong>: (.*?)</li>", panel, re.S).group(1)
    expected = wording.changed(wording.compared(OLD_MECHANISM, NEW_MECHANISM))
    assert expected == [("experienced (instigated by others)", "the"), ("", "a child anticipates from friends and family")]
    assert re.sub(r"<span[^>]*>.*?</span>|<[^>]+>", "", mechanism) == \
        "reducing experienced (instigated by others) the stigma a child anticipates from friends and family"
    assert "experienced (instigated by others)" in deleted and "a child anticipates from friends and family" in inserted
    assert "<del><span class=\"visually-hidden\">removed: </span>initial</del> &rarr; " \
           "<ins><span class=\"visually-hidden\">added: </span>supported</ins>" in panel  # status, old -> new
    assert re.search(r"<strong>Version</strong>: <del><span[^>]*>removed: </span>1\.0</del> &rarr; "
                     r"<ins><span[^>]*>added: </span>2\.0</ins>", panel)
    assert "Mechanism reworded: anticipated stigma." in panel and "phase 2." in panel  # the history entry
    assert "reducing" not in "".join(deleted + inserted)  # unchanged words are not marked


def test_added_evidence_and_a_removed_relation_are_marked_as_such(pull_request):
    preview, _ = pull_request
    assert re.search(r"<strong>Evidence</strong>: supports quote-09; <ins><span[^>]*>added: </span>supports quote-90</ins>",
                     _panel(preview / "cmoc/cmoc-05.html"))
    assert re.search(r"<strong>Relations</strong>: <del><span[^>]*>removed: </span>leads-to cmoc-03</del>",
                     _panel(preview / "cmoc/cmoc-04.html"))
    # What the change rests on: the new quote's words, linked to where the page shows it.
    page = (preview / "cmoc/cmoc-05.html").read_text(encoding="utf-8")
    assert re.search(r'<li>supports: <a href="#quote-90">&ldquo;A young man wouldn', _panel(preview / "cmoc/cmoc-05.html"))
    assert 'id="quote-90"' in page
    assert "The evidence it adds" not in _panel(preview / "cmoc/cmoc-03.html")  # it added none


def test_an_untouched_cmoc_page_carries_no_marks(pull_request):
    preview, _ = pull_request
    page = (preview / "cmoc/cmoc-06.html").read_text(encoding="utf-8")
    assert "changed-here" not in page and "<del>" not in page and "<ins>" not in page


def test_the_preview_lists_every_changed_record(pull_request):
    preview, _ = pull_request
    page = (preview / "this-change.html").read_text(encoding="utf-8")
    for cmoc in ("cmoc-02", "cmoc-03", "cmoc-04", "cmoc-05"):
        assert f'href="cmoc/{cmoc}.html"' in page
    assert "quote-90" in page and "cmoc-06" not in page
    assert 'href="this-change.html"' in (preview / "index.html").read_text(encoding="utf-8")  # in the navigation


def test_hostile_text_in_a_changed_field_stays_text(pull_request):
    preview, summary = pull_request
    page = (preview / "cmoc/cmoc-02.html").read_text(encoding="utf-8")
    assert "<script>alert" not in page and "<img src=x" not in page and "<strong>bold" not in page
    assert 'href="javascript' not in page
    assert "&lt;script&gt;" in _panel(preview / "cmoc/cmoc-02.html") or "&#60;script&#62;" in _panel(
        preview / "cmoc/cmoc-02.html")
    listing = (preview / "this-change.html").read_text(encoding="utf-8")  # the same marks, inside Markdown
    assert "alert(1)" in listing and "<script>alert" not in listing and "<img src=x" not in listing
    assert "<strong>bold" not in listing and 'href="javascript' not in listing
    rendered = MarkdownIt("commonmark").render(summary)
    assert "<script>" not in rendered and "<img" not in rendered and "<strong>bold" not in rendered
    assert 'href="javascript' not in rendered


def test_the_summary_shows_old_and_new_words_and_the_history_entry(pull_request):
    _, summary = pull_request
    assert "removed `experienced (instigated by others)`" in summary
    assert "added `a child anticipates from friends and family`" in summary
    blocks = re.findall(r"^( *)(`{3,})diff\n(.*?)^\1\2$", summary, re.S | re.M)
    mechanism = [b for _, _, b in blocks if OLD_MECHANISM in b]
    assert mechanism and f"- {OLD_MECHANISM}" in mechanism[0] and f"+ {NEW_MECHANISM}" in mechanism[0]
    assert "`Mechanism reworded: anticipated stigma.`" in summary and "`Children's interviews, phase 2.`" in summary
    # The hostile text's run of three backticks does not close its block: the fence is longer.
    hostile = [(fence, b) for _, fence, b in blocks if "alert(1)" in b]
    assert hostile and all(len(fence) > 3 for fence, _ in hostile)


@pytest.mark.browser
@pytest.mark.parametrize("width,scheme", [(390, "dark"), (1280, "light")])
def test_the_marks_read_without_colour_in_dark_mode_and_on_a_phone(browser, pull_request, width, scheme):
    """Struck through and underlined (not colour alone), the hidden words said to a screen reader,
    inside a phone's width; no serious accessibility violation on the marked page."""
    preview, _ = pull_request
    v = Visit(browser, preview.as_uri(), viewport={"width": width, "height": 900}, color_scheme=scheme)
    page = v.go((preview / "cmoc/cmoc-03.html").as_uri())
    styles = page.evaluate("""() => ['del', 'ins'].map(tag => {
        const el = document.querySelector('.changed-here ' + tag);
        const hidden = el.querySelector('.visually-hidden');
        return [getComputedStyle(el).textDecorationLine, hidden.getBoundingClientRect().width,
                hidden.textContent, el.getBoundingClientRect().right <= document.documentElement.clientWidth];
    })""")
    assert styles[0][0] == "line-through" and styles[1][0] == "underline", styles
    assert all(s[1] <= 1 and s[3] for s in styles) and [s[2] for s in styles] == ["removed: ", "added: "], styles
    assert v.errors == [], v.errors
    page.add_script_tag(path=str(REPO / "node_modules/axe-core/axe.min.js"))  # (it reads the styles: from disk, refused)
    found = page.evaluate("""async () => (await axe.run()).violations
        .filter(v => v.impact === 'serious' || v.impact === 'critical')
        .map(v => `${v.id}: ${v.nodes.map(n => n.target.join(' ')).join(', ')}`)""")
    assert found == [], found
    v.close()


_TEXT = st.lists(st.sampled_from(list("ab c,.\n") + ["peer", " stigma", "é", "`"]), max_size=20).map("".join)


@given(_TEXT, _TEXT)
def test_word_marks_keep_every_word_of_both_texts_in_order(before, after):
    """Whatever the two texts, the kept and removed words read as the old text, the kept and added
    ones as the new (white space aside), and nothing is marked when the words are the same."""
    pieces = wording.compared(before, after)
    words = lambda text: re.findall(r"\w+|[^\w\s]+", text)  # noqa: E731
    assert words("".join(p.text for p in pieces if p.kind != wording.ADDED)) == words(before)
    assert words("".join(p.text for p in pieces if p.kind != wording.REMOVED)) == words(after)
    assert (words(before) == words(after)) == all(p.kind == wording.SAME for p in pieces)


def test_a_base_that_is_no_commit_is_named_with_what_to_do(tmp_path):
    project = make_project(tmp_path / "project")
    in_git(project)
    from livingtheory.problems import CannotBuild
    from livingtheory.site.generate import generate
    with pytest.raises(CannotBuild) as raised:
        generate(project / "theory", site_url="https://example.org/", project=project, draw=False,
                 against="origin/no-such-branch")
    assert "`origin/no-such-branch` is not a commit" in str(raised.value) and "git fetch origin" in str(raised.value)
    result = subprocess.run([sys.executable, "-m", "livingtheory", "summary", "--base", "origin/no-such-branch"],
                            cwd=project, capture_output=True, text=True)
    assert result.returncode == 0 and "is not a commit" in result.stdout and "Traceback" not in result.stderr


def test_a_base_without_a_readable_theory_is_said_and_the_preview_still_builds(tmp_path):
    """A first pull request (the base has no theory yet): the preview's page says no comparison can
    be given; no record's page carries marks; the summary says the same."""
    project = make_project(tmp_path / "project")
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@e.org", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@e.org"}
    for command in (["init", "-q", "-b", "main"], ["add", "mkdocs.yml"], ["commit", "-qm", "start"]):
        subprocess.run(["git", *command], cwd=project, check=True, capture_output=True, env=env)
    from livingtheory.site.generate import generate
    site = generate(project / "theory", site_url="https://example.org/", project=project, draw=False, against="main")
    page = site.by_path["this-change.md"]
    assert "cannot be read by this version of the tools" in page.body
    assert not any("changed-here" in p.body for p in site.pages)
    summary = subprocess.run([sys.executable, "-m", "livingtheory", "summary", "--base", "main"], cwd=project,
                             capture_output=True, text=True)
    assert summary.returncode == 0 and "cannot be read by this version of the tools" in summary.stdout


def test_a_field_rewritten_whole_at_the_size_limit_is_one_change():
    """difflib's time grows with the product of the lengths: a middle beyond the bound is one
    removal and one addition (the kept start and end still found), never a build that stalls."""
    before = "Start. " + " ".join(f"old{i}" for i in range(12_000)) + " End."
    after = "Start. " + " ".join(f"new{i}" for i in range(12_000)) + " End."
    assert len(after) <= 100_000  # a field's limit
    pieces = wording.compared(before, after)
    assert [p.kind for p in pieces] == [wording.SAME, wording.REMOVED, wording.ADDED, wording.SAME]
    assert pieces[0].text == "Start. " and pieces[-1].text == "End."
