"""REFI-QDA project files (.qdpx) read as qualitative analysis tools write them (NVivo, ATLAS.ti,
MAXQDA, QualCoder): the format only, nothing of a theory (writing the frame is `outputs.codingframe`).

A project file is a zip holding `project.qde` (XML in `urn:QDA-XML:project:1.0`) and each text
source's plain text under `Sources/` (or inline, as `PlainTextContent`). Selections are counted
in Unicode code points. A file from outside is untrusted: it is read with limits (a zip bomb, a
path outside the archive, a transcript of gigabytes, XML with entity declarations are refused, with
what to do) and every problem is a `QdaError` naming the file and the place.
"""
from __future__ import annotations

import io
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from lxml import etree

from ..outputs.codingframe import NS, PROJECT, Code

MAX_TEXT = 20 * 1024 * 1024  # bytes of one transcript (a long interview is well under 1 MB)
MAX_XML = 50 * 1024 * 1024  # bytes of project.qde
MAX_TOTAL = 500 * 1024 * 1024  # bytes of everything the import reads from one archive
MAX_RATIO = 200  # uncompressed / compressed, for a member over 1 MB: beyond, a zip bomb
_GUID = re.compile(r"^\{?([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})\}?$")


class QdaError(ValueError):
    """A project file that cannot be read as REFI-QDA: the message says where, and what to do."""


@dataclass
class Selection:
    guid: str
    start: int
    end: int
    codes: list[str]  # the GUIDs of the codes it is coded on
    name: str = ""


@dataclass
class TextSource:
    guid: str
    name: str
    text: str
    selections: list[Selection]
    variables: dict[str, str] = field(default_factory=dict)  # a document's own text variables (MAXQDA writes these)


@dataclass
class Case:
    guid: str
    name: str
    variables: dict[str, str]  # text variables by name (lower case)
    sources: set[str]  # GUIDs of its sources
    selections: set[str]  # GUIDs of its selections


@dataclass
class Project:
    name: str
    codes: list[Code]
    sources: list[TextSource]
    cases: list[Case]

    def code(self, guid: str) -> Code | None:
        return self._codes.get(guid)

    def __post_init__(self):
        self._codes = {c.guid: c for top in self.codes for c in top.walk()}

    def case_of(self, source: TextSource, selection: Selection) -> Case | None:
        """The case that holds the selection, else the one that holds its source."""
        return next((c for c in self.cases if selection.guid in c.selections), None) or \
            next((c for c in self.cases if source.guid in c.sources), None)


def guid(value: str) -> str:
    """A GUID as REFI-QDA writes it, compared in one form (lower case, no braces)."""
    match = _GUID.match(value or "")
    return match.group(1).lower() if match else (value or "")


# ----------------------------------------------------------------------------- reading

def read(path: Path) -> Project:
    """The project in a .qdpx file; raises QdaError."""
    try:
        return _read(Path(path))
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as damaged:
        raise QdaError(f"{path}: the archive is damaged or cannot be read ({damaged}): export the project "
                       "again from your tool") from None


def _read(path: Path) -> Project:
    if not path.is_file():
        raise QdaError(f"{path}: no such file")
    if not zipfile.is_zipfile(path):
        raise QdaError(f"{path}: not a REFI-QDA project file (.qdpx is a zip archive): export the project from "
                       "your analysis tool as a REFI-QDA project (.qdpx) and give that file")
    with zipfile.ZipFile(path) as opened:
        archive = _Archive(path, opened)
        qde = archive.members.get(PROJECT) or next((m for n, m in archive.members.items() if n.lower() == PROJECT),
                                                   None)
        if qde is None:
            raise QdaError(f"{path}: the archive holds no {PROJECT}: it is not a REFI-QDA project; export the "
                           "project again as REFI-QDA (.qdpx)")
        root = _xml(f"{path}:{PROJECT}", archive.read(qde, MAX_XML))
        if root.tag != f"{{{NS}}}Project":
            raise QdaError(f"{path}:{PROJECT}: the XML is not a REFI-QDA project (its root is "
                           f"<{etree.QName(root).localname}> in {etree.QName(root).namespace or 'no namespace'}, "
                           f"not <Project> in {NS})")
        codes = [_code(c, None) for c in root.findall(f"{{{NS}}}CodeBook/{{{NS}}}Codes/{{{NS}}}Code")]
        variables = {guid(v.get("guid", "")): (v.get("name") or "").strip().lower()
                     for v in root.findall(f"{{{NS}}}Variables/{{{NS}}}Variable")}
        sources = [_text_source(archive, s, variables) for s in root.iter(f"{{{NS}}}TextSource")
                   if s.getparent().tag == f"{{{NS}}}Sources"]
        cases = [_case(c, variables) for c in root.findall(f"{{{NS}}}Cases/{{{NS}}}Case")]
        return Project(root.get("name") or path.stem, codes, sources, cases)


class _Archive:
    """A project file's members, read within limits: a name outside the archive and the sizes of a
    zip bomb are refused on opening; each member, and all of them together, are read up to a limit."""

    def __init__(self, path: Path, archive: zipfile.ZipFile):
        self.path, self.archive, self.members, self.taken = path, archive, {}, 0
        for info in archive.infolist():
            name = info.filename
            pure = PurePosixPath(name.replace("\\", "/"))
            if pure.is_absolute() or ".." in pure.parts or re.match(r"^[A-Za-z]:", name):
                raise QdaError(f"{path}: the archive names a file outside itself ({name!r}): it was not written by "
                               "an analysis tool; export the project again")
            if info.file_size > 1024 * 1024 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
                raise QdaError(f"{path}: the archive unpacks to far more than it holds ({name!r}: "
                               f"{info.file_size:,} bytes from {info.compress_size:,}): refused as a zip bomb; "
                               "export the project again")
            self.members[str(pure)] = info

    def read(self, info: zipfile.ZipInfo, limit: int) -> bytes:
        path = self.path
        if info.file_size > limit:
            raise QdaError(f"{path}: {info.filename} is {info.file_size / 1024 / 1024:,.0f} MB; the import reads "
                           f"files up to {limit // 1024 // 1024} MB: export the transcripts that hold the coded segments")
        self.taken += info.file_size
        if self.taken > MAX_TOTAL:
            raise QdaError(f"{path}: the transcripts the project's segments are in come to over "
                           f"{MAX_TOTAL // 1024 // 1024} MB: export the sources that hold the coded segments")
        with self.archive.open(info) as stream:
            data = stream.read(limit + 1)  # the header's size can lie: never read more than the limit
        if len(data) > limit:
            raise QdaError(f"{path}: {info.filename} is over {limit // 1024 // 1024} MB: export the transcripts "
                           "that hold the coded segments")
        return data


def _xml(where: str, data: bytes) -> etree._Element:
    """XML without entity declarations or network access (an entity bomb is refused, never expanded)."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                             remove_comments=True)
    try:
        tree = etree.parse(io.BytesIO(data), parser)
    except etree.XMLSyntaxError as error:
        raise QdaError(f"{where}: not well-formed XML ({error.msg}, line {error.lineno}): export the project again")
    if tree.docinfo.internalDTD is not None or tree.docinfo.doctype:
        raise QdaError(f"{where}: the XML declares a document type (entities), which REFI-QDA never does: refused "
                       "(an entity can expand to gigabytes); export the project again")
    return tree.getroot()


def _code(element, parent: Code | None) -> Code:
    code = Code(guid(element.get("guid", "")), " ".join((element.get("name") or "").split()),
                (element.findtext(f"{{{NS}}}Description") or "").strip(), parent=parent)
    code.children = [_code(child, code) for child in element.findall(f"{{{NS}}}Code")]
    return code


def _text_source(archive: _Archive, element, names: dict[str, str]) -> TextSource:
    path = archive.path
    name = element.get("name") or element.get("guid", "")
    inline = element.find(f"{{{NS}}}PlainTextContent")
    where = element.get("plainTextPath") or ""
    if inline is not None and inline.text is not None:
        text = inline.text
    elif where.startswith("internal://"):
        member = f"Sources/{where.removeprefix('internal://')}"
        info = archive.members.get(str(PurePosixPath(member)))
        if info is None:
            raise QdaError(f"{path}: the text of source {name!r} ({member}) is not in the archive: export the project "
                           "again with its sources")
        data = archive.read(info, MAX_TEXT)
        try:
            text = data.decode("utf-8").removeprefix("\ufeff")
        except UnicodeDecodeError as error:
            raise QdaError(f"{path}: the text of source {name!r} is not UTF-8 (byte {error.start}): REFI-QDA "
                           "sources are UTF-8; export the project again") from None
    else:
        raise QdaError(f"{path}: source {name!r} has no text in the project (plainTextPath {where or 'missing'}): "
                       "export the project with its sources included")
    selections = []
    for s in element.findall(f"{{{NS}}}PlainTextSelection"):
        try:
            start, end = int(s.get("startPosition")), int(s.get("endPosition"))
        except (TypeError, ValueError):
            raise QdaError(f"{path}: a selection in source {name!r} has no whole-number start and end "
                           f"({s.get('startPosition')!r}, {s.get('endPosition')!r})") from None
        if not 0 <= start < end <= len(text):
            raise QdaError(f"{path}: a selection in source {name!r} ({start}-{end}) lies outside its text "
                           f"({len(text)} characters): export the project again from your tool")
        codes = [guid(ref.get("targetGUID", "")) for ref in s.iter(f"{{{NS}}}CodeRef")]
        selections.append(Selection(guid(s.get("guid", "")), start, end, codes, s.get("name") or ""))
    return TextSource(guid(element.get("guid", "")), name, text, selections, _variables(element, names))


def _variables(element, names: dict[str, str]) -> dict[str, str]:
    """An element's text variables by name (lower case)."""
    variables = {}
    for value in element.findall(f"{{{NS}}}VariableValue"):
        ref = value.find(f"{{{NS}}}VariableRef")
        text = value.findtext(f"{{{NS}}}TextValue")
        if ref is not None and text is not None:
            variables[names.get(guid(ref.get("targetGUID", "")), "")] = text.strip()
    return variables


def _case(element, names: dict[str, str]) -> Case:
    return Case(guid(element.get("guid", "")), " ".join((element.get("name") or "").split()),
                _variables(element, names),
                {guid(r.get("targetGUID", "")) for r in element.findall(f"{{{NS}}}SourceRef")},
                {guid(r.get("targetGUID", "")) for r in element.findall(f"{{{NS}}}SelectionRef")})
