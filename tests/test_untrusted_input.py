"""Records are untrusted input: record Markdown is a safe subset, work is bounded, nothing outside
the repository is read, and downloads are safe to open. (Browser checks: test_browser.py.)"""
import csv
import io
import os
from dataclasses import replace

import pytest
from lxml import html as lxml_html

from conftest import REPO
from livingtheory import TheoryInvalid, load_theory
from livingtheory.records import recordtext
from livingtheory.outputs.downloads import data_files
from livingtheory.site.assembly import fill
from livingtheory.site.pages import render_site

HOSTILE_MARKDOWN = [
    "[x](javascript:alert(1))", "[x](JaVaScRiPt:alert(1))", "[x](vbscript:msgbox(1))",
    "[x](data:text/html,<script>alert(1)</script>)", "[x][r]\n\n[r]: javascript:alert(1)",
    '<img src="javascript:alert(1)">', '<img src=x onerror="alert(1)">', "<script>alert(1)</script>",
    'A paragraph.\n{: autofocus onfocus="alert(1)" }', "![](https://example.org/p.gif)",
    "[x](//example.org/)", "[x](java\tscript:alert(1))", "<a href='javascript:alert(1)'>x</a>",
    "<iframe src=https://example.org></iframe>", "[x](https://example.org/ \"t\" onmouseover=alert(1))",
]


def _rendered(text: str) -> str:
    parts = recordtext.render(text, link=lambda record_id: ("a record", "../a/"))
    return "".join(part for part in parts if isinstance(part, str))


@pytest.mark.parametrize("text", HOSTILE_MARKDOWN)
def test_hostile_markdown_is_refused_with_a_message(text):
    found = recordtext.problems(text, known=lambda record_id: False)
    if "java\tscript" in text or "onmouseover" in text:  # not a link at all in Markdown: shown as text
        assert not found and "<a" not in _rendered(text)
        return
    assert found and all(problem.fix for problem in found), text


@pytest.mark.parametrize("text", HOSTILE_MARKDOWN)
def test_the_sanitiser_stops_what_the_check_would_have_refused(text):
    """Defence in depth: even unchecked, rendered record text has no script, handler or foreign load."""
    html = _rendered(text)
    if not html:
        return
    doc = lxml_html.fragment_fromstring(html, create_parent="div")
    for element in doc.iter():
        assert element.tag in {"div", "p", "em", "strong", "a", "ul", "ol", "li", "blockquote", "code", "br",
                               "hr"}, (text, html)
        assert not [name for name in element.attrib if name not in ("href", "rel", "start")], (text, html)
    for href in doc.xpath("//a/@href"):
        assert href.startswith(("https:", "http:", "mailto:", "../")), (text, href)


def test_allowed_markdown_renders():
    html = _rendered("Some *emphasis*, **bold**, [a link](https://example.org/) and [[cmoc-03]].\n\n"
                     "- one\n- two\n\n> quoted")
    doc = lxml_html.fragment_fromstring(html, create_parent="div")
    assert doc.xpath("//em/text()") == ["emphasis"] and doc.xpath("//strong/text()") == ["bold"]
    assert doc.xpath("//a/@href") == ["https://example.org/", "../a/"]
    assert doc.xpath("//a/text()")[1] == "a record"
    assert len(doc.xpath("//li")) == 2 and doc.xpath("//blockquote")


def test_record_markdown_reaches_the_page_inert(theory_copy):
    """A table cell is still parsed for Markdown by the builder: record text there cannot become a link."""
    theory = load_theory(theory_copy)
    cmoc = theory.get("cmoc-03")
    entry = replace(cmoc.history[-1], rationale=r"Say \[x\](javascript:alert(1)) and \*not bold\* | pipe")
    theory = replace(theory, cmocs=tuple(replace(c, history=(*c.history[:-1], entry)) if c.id == "cmoc-03" else c
                                         for c in theory.cmocs))
    page = next(p for p in render_site(theory) if p.path == "cmoc/cmoc-03.md")
    markdown = fill(page.body, lambda key: page.parts[key] if isinstance(page.parts[key], str) else "")
    row = next(line for line in markdown.splitlines() if "Say " in line)
    assert "](javascript" not in row and "|" not in row.split("Say ")[1].split(" |")[0]


def test_a_link_out_of_the_repository_is_refused_and_not_read(theory_copy, tmp_path_factory):
    outside = tmp_path_factory.mktemp("elsewhere") / "hope.yaml"
    outside.write_text((theory_copy / "outcomes/hope.yaml").read_text().replace("Hope for personal", "SECRET"))
    (theory_copy / "outcomes/hope.yaml").unlink()
    (theory_copy / "outcomes/hope.yaml").symlink_to(outside)
    with pytest.raises(TheoryInvalid) as raised:
        load_theory(theory_copy)
    assert f"theory/outcomes/hope.yaml: this is a link to {outside}, outside the repository" in str(raised.value)
    assert "SECRET" not in str(raised.value)


def test_an_edition_linked_from_outside_is_refused(theory_copy, tmp_path_factory):
    outside = tmp_path_factory.mktemp("elsewhere") / "1.0.json"
    outside.write_text((REPO / "editions/1.0.json").read_text())
    (theory_copy.parent / "editions").mkdir()
    (theory_copy.parent / "editions/1.0.json").symlink_to(outside)
    with pytest.raises(TheoryInvalid, match="editions/1.0.json: this is a link to a file outside the repository"):
        load_theory(theory_copy)


def test_a_link_inside_the_repository_is_read(theory_copy):
    (theory_copy.parent / "hope.yaml").write_text((theory_copy / "outcomes/hope.yaml").read_text())
    (theory_copy / "outcomes/hope.yaml").unlink()
    (theory_copy / "outcomes/hope.yaml").symlink_to(os.path.join("..", "..", "hope.yaml"))
    assert load_theory(theory_copy).get("hope").name == "Hope"


def test_a_whole_transcript_is_refused_by_size(theory_copy):
    quote = theory_copy / "quotes/quote-01.yaml"
    quote.write_text(quote.read_text() + "  " + "And then we talked about it. " * 40_000 + "\n")
    with pytest.raises(TheoryInvalid) as raised:
        load_theory(theory_copy)
    assert "theory/quotes/quote-01.yaml: the file is 1.2 MB; a record may be at most 1 MB" in str(raised.value)


def test_a_field_over_the_limit_is_located(theory_copy):
    quote = theory_copy / "quotes/quote-01.yaml"
    lines = quote.read_text().splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("text:")) + 1
    quote.write_text(quote.read_text() + "  " + "We talked. " * 10_000 + "\n")
    with pytest.raises(TheoryInvalid) as raised:
        load_theory(theory_copy)
    assert f"theory/quotes/quote-01.yaml:{at}:7: this text is" in str(raised.value)
    assert "a field may hold at most 100,000" in str(raised.value)


FORMULAS = ['=HYPERLINK("https://example.org","x")', "@SUM(A1:A2)", "+1+1", "-1+1", "\tx", "\rx"]


def test_csv_cells_cannot_run_as_formulas(theory_copy):
    theory = load_theory(theory_copy)
    quotes = tuple(replace(q, text=FORMULAS[i]) if i < len(FORMULAS) else q for i, q in enumerate(theory.quotes))
    cmocs = tuple(replace(c, title=FORMULAS[i]) if i < len(FORMULAS) else c for i, c in enumerate(theory.cmocs))
    theory = replace(theory, quotes=quotes, cmocs=cmocs)
    files = {d.path: d.content for d in data_files(theory)}
    quote_rows = list(csv.DictReader(io.StringIO(files["data/quotes.csv"], newline="")))
    cmoc_rows = list(csv.DictReader(io.StringIO(files["data/cmocs.csv"], newline="")))
    for i, formula in enumerate(FORMULAS):
        for cell in (quote_rows[i]["text"], cmoc_rows[i]["title"]):
            assert cell == "'" + formula  # a leading apostrophe: shown as text, otherwise unchanged
    assert quote_rows[len(FORMULAS)]["text"] == theory.quotes[len(FORMULAS)].text


def test_the_change_summary_lists_every_change_whatever_the_text(tmp_path):
    """Record text with a comment opener, headings, images, links and line breaks in a CMOC's title
    cannot hide the changes listed after it, nor render as anything but text, when GitHub renders
    the summary (CommonMark with GFM tables: markdown-it-py, as a faithful reader)."""
    import subprocess
    import sys
    from markdown_it import MarkdownIt
    from conftest import in_git, make_project
    project = make_project(tmp_path / "project")
    in_git(project)
    hostile = ('x\\n<!-- ## Nothing else changed ![t](https://evil.example/p.gif) [ok](https://evil.example/) '
               '<img src=x onerror=alert(1)> ` `` ```')
    for number, title in (("01", hostile), ("07", "An honest rewording")):
        cmoc = project / f"theory/cmocs/cmoc-{number}.yaml"
        text = cmoc.read_text()
        old = text.split("\ntitle: ", 1)[1].split("\n", 1)[0]
        text = text.replace(f"\ntitle: {old}", f"\ntitle: \"{title}\"", 1)
        text = text.replace('status: initial\nversion: "1.0"', 'status: initial\nversion: "1.1"')
        cmoc.write_text(text + '  - {date: "2026-11-22", theory_version: "1.1", version: "1.1", status: initial, '
                               'change: "Retitled.", rationale: "Clearer.", evidence: []}\n')
    study = project / "theory/study.yaml"
    study.write_text(study.read_text().replace('version: "1.0"', 'version: "1.1"', 1))
    assert subprocess.run([sys.executable, "-m", "livingtheory", "check"], cwd=project).returncode == 0
    result = subprocess.run([sys.executable, "-m", "livingtheory", "summary", "--base", "main"], cwd=project,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    tokens = MarkdownIt("commonmark").enable("table").parse(result.stdout)
    inline = [c for t in tokens for c in (t.children or [])]
    assert not [t for t in tokens if t.type == "html_block"] and not [c for c in inline if c.type == "html_inline"]
    assert not [c for c in inline if c.type == "image"]
    assert not [c for c in inline if c.type == "link_open" and "evil.example" in (c.attrGet("href") or "")]
    headings = [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "heading_open"]
    assert not [h for h in headings if "Nothing else changed" in h]
    rendered = MarkdownIt("commonmark").enable("table").render(result.stdout)
    text = lxml_html.fromstring(f"<div>{rendered}</div>").text_content()
    assert "cmoc-01" in text and "cmoc-07" in text and "An honest rewording" in text  # the change after it is there
    assert "CMOCs: 0 added, 2 changed, 0 removed" in text
