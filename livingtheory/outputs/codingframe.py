"""The theory as a coding frame for a qualitative analysis tool (NVivo, ATLAS.ti, MAXQDA, QualCoder),
written in the REFI-QDA exchange format: a codebook (.qdc), or a project holding only it (.qdpx).

A heading per outcome; under it a code per current CMOC, named as the site names it ("CMOC 3:
..."), its id, statement, C, M and O in its description; under each CMOC a code per direction
besides support (a segment on the CMOC's own code supports it), and under "not triggered" one per
circumstance the CMOC records. GUIDs are made from the ids, so every export gives the same codes
and a team's project can be updated. Reading coded projects back is `contrib.refiqda`.
"""
from __future__ import annotations

import io
import uuid
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from ..records.model import CONTRADICTS, NOT_TRIGGERED, REFINES, Cmoc, ProgrammeTheory
from ..web.names import name_of

NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
PROJECT = "project.qde"


@dataclass
class Code:
    guid: str
    name: str
    description: str = ""
    children: list["Code"] = field(default_factory=list)
    parent: "Code | None" = field(default=None, repr=False)
    codable: bool = True  # False: a heading that groups codes (segments are not coded on it)

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()


_GUIDS = uuid.UUID("6a0f3c52-3b8e-5d4a-9c61-2f7e8b1d4a90")  # this format's namespace: codes keep their GUIDs
DIRECTION_CODES = {REFINES: "refines", CONTRADICTS: "contradicts (evidence against)", NOT_TRIGGERED: "not triggered"}


def code_guid(*parts: str) -> str:
    return str(uuid.uuid5(_GUIDS, "/".join(parts)))


# ----------------------------------------------------------------------------- export

def frame(theory: ProgrammeTheory) -> list[Code]:
    """The current CMOCs as codes, grouped under their outcomes."""
    groups = []
    for outcome in theory.outcomes:
        cmocs = [c for c in theory.cmocs if c.outcome_group == outcome.id and not c.retired]
        if cmocs:
            groups.append(Code(code_guid("outcome", outcome.id), f"Outcome: {outcome.name}", outcome.description,
                               [_cmoc_code(c) for c in cmocs], codable=False))
    return groups


def _cmoc_code(cmoc: Cmoc) -> Code:
    about = (f"{cmoc.id} (version {cmoc.version}). {cmoc.statement}\n\nContext: {cmoc.context.text}\n"
             f"Mechanism: {cmoc.mechanism.text}\nOutcome: {cmoc.outcome.text}\n\nA segment coded here supports "
             "this CMOC; code evidence that refines it, contradicts it, or shows its mechanism not triggered on the "
             "codes below it.")
    children = [Code(code_guid("cmoc", cmoc.id, direction), name, _direction_about(direction, cmoc))
                for direction, name in DIRECTION_CODES.items()]
    children[-1].children = [Code(code_guid("cmoc", cmoc.id, NOT_TRIGGERED, n.circumstance), n.circumstance, n.text)
                             for n in cmoc.not_triggered]
    return Code(code_guid("cmoc", cmoc.id), f"{name_of(cmoc)}: {cmoc.title}", about, children)


def _direction_about(direction: str, cmoc: Cmoc) -> str:
    return {REFINES: f"Evidence that refines {name_of(cmoc)}: shows how it should change.",
            CONTRADICTS: f"Evidence against {name_of(cmoc)}: never counted as support.",
            NOT_TRIGGERED: f"Where the mechanism of {name_of(cmoc)} was not triggered: code the segment on the "
                           "circumstance below it (or on this code when the CMOC records only one)."}[direction]


def codebook_text(theory: ProgrammeTheory) -> str:
    """The coding frame as a REFI-QDA codebook (.qdc): the site's download."""
    book = codebook_element(frame(theory), CODEBOOK_NS)
    book.set("origin", "livingtheory")
    return etree.tostring(book, xml_declaration=True, encoding="utf-8", pretty_print=True).decode("utf-8")


def codebook_element(codes: list[Code], namespace: str = NS):
    """<CodeBook><Codes>...</Codes></CodeBook> in the given namespace (a project's or a .qdc's)."""
    def code(c: Code, parent) -> None:
        element = etree.SubElement(parent, f"{{{namespace}}}Code", guid=c.guid, name=c.name,
                                   isCodable="true" if c.codable else "false")
        if c.description:
            etree.SubElement(element, f"{{{namespace}}}Description").text = c.description
        for child in c.children:
            code(child, element)
    book = etree.Element(f"{{{namespace}}}CodeBook", nsmap={None: namespace})
    codes_element = etree.SubElement(book, f"{{{namespace}}}Codes")
    for c in codes:
        code(c, codes_element)
    return book


def write_project(path: Path, name: str, codes: list[Code], origin: str) -> None:
    """A .qdpx holding only a codebook: a coding frame a team imports into its tool."""
    root = etree.Element(f"{{{NS}}}Project", nsmap={None: NS}, name=name, origin=origin)
    root.append(codebook_element(codes))
    _write_zip(path, {PROJECT: etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)})


def _write_zip(path: Path, files: dict[str, bytes]) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0)), data)  # the same bytes each time
    Path(path).write_bytes(buffer.getvalue())
