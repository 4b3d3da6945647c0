"""The real theory: complete, and faithful to the paper (read independently of the records)."""
import re

import pytest

from conftest import THEORY, paper_text
from peertheory import load_theory


@pytest.fixture(scope="module")
def theory():
    return load_theory(THEORY)


@pytest.fixture(scope="module")
def paper():
    """The paper's text with page-layout artefacts removed: figure captions that split
    quotes in the conversion, italics marks, and line breaks."""
    text = paper_text()
    text = re.sub(r"^Fig\. \d+ CO?MO?C \d+\s*$", "", text, flags=re.M)
    text = text.replace("*", "")
    text = re.sub(r"\s+", " ", text)
    return text.replace("model- ling", "modelling")  # one word hyphenated across a page break


def test_counts(theory):
    assert len(theory.cmocs) == 12
    assert len(theory.quotes) == 22
    assert len(theory.services) == 14
    assert len(theory.outcomes) == 5
    assert [o.id for o in theory.outcomes] == ["hope", "service-engagement", "confidence", "resilience", "wellbeing"]


def test_ten_participants_were_interviewed(theory):
    assert [s.participant for s in theory.interviewed] == [
        "#01", "#02", "#04", "#06", "#07", "#08", "#10", "#11", "#12", "#13"]


def test_cmocs_are_numbered_in_the_papers_order_with_their_figures(theory, paper):
    sections = re.findall(r"(3\.3\.\d\.\d) ([^*]+?) (?:When|The act)", paper)
    assert [c.paper_section for c in theory.cmocs] == [s for s, _ in sections]
    for cmoc, (section, heading) in zip(theory.cmocs, sections):
        assert cmoc.title == heading.strip()
        assert cmoc.paper_figure == f"Fig. {cmoc.number + 1}"
        assert f"{cmoc.statement} ({cmoc.paper_figure})" in paper


def test_every_quote_is_verbatim_with_its_participant_tag(theory, paper):
    for quote in theory.quotes:
        at = paper.find(quote.text)
        assert at >= 0, f"{quote.id} is not verbatim in the paper"
        tag = re.match(r'[”"’]\s*\[(#\d\d)\]', paper[at + len(quote.text):])
        assert tag and tag.group(1) == quote.participant, quote.id


def test_services_behind_each_cmoc(theory):
    # From the participant tags printed after each CMOC's quotes in section 3.3.
    expected = {1: "#12 #13", 2: "#10 #13", 3: "#04", 4: "#13", 5: "#07", 6: "#02 #08", 7: "#10", 8: "#11",
                9: "#01 #06", 10: "#12 #13", 11: "#04 #12", 12: "#01 #02"}
    for cmoc in theory.cmocs:
        assert " ".join(s.participant for s in theory.services_of(cmoc)) == expected[cmoc.number], cmoc.id
    assert sum(len(theory.quotes_of(c, with_circumstances=True)) for c in theory.cmocs) == 22


def test_who_benefits_and_where_mechanisms_may_not_fire(theory):
    assert [c.number for c in theory.cmocs if c.beneficiary == "peer"] == [6, 9, 10, 11]
    assert {c.number: c.not_triggered[0].circumstance for c in theory.cmocs if c.not_triggered} == {
        2: "Peers subsumed by clinical systems and teams", 4: "Remunerated peers",
        10: "Eating disorder services", 11: "Risk to the peer's own wellbeing"}
    for cmoc in theory.cmocs:
        for circumstance in cmoc.not_triggered:
            assert circumstance.quote_ids, "each circumstance the paper names has its quote"


def test_table_1_rows_as_printed(theory):
    rows = re.findall(r"^(\d\d)\t(.*)$", paper_text(), flags=re.M)
    assert len(rows) == 14
    for service, (number, rest) in zip(theory.services, rows):
        cells = rest.split("\t")
        service_type, location, f2f, online, third, programme = cells
        assert service.participant == f"#{number}"
        assert service.service_type == service_type
        assert service.location == (location or None)
        assert (service.face_to_face, service.online) == (f2f == "X", online == "X")
        assert third == "X" and service.delivery == "unknown"  # which of 1:1/group/mutual pairs: lost
        assert service.programme == programme


def test_history_starts_with_the_preprint_and_records_the_paper(theory):
    for cmoc in theory.cmocs:
        first, last = cmoc.history[0], cmoc.history[-1]
        assert "rs-2446868/v1" in first.change and first.date is None  # posting date not in the source
        assert last.date == theory.study.published and last.theory_version == theory.study.version
        assert cmoc.status == "initial"
    changed = [c.number for c in theory.cmocs if "became" in c.history[-1].change]
    assert changed == [1, 3, 4, 5]


def test_study_record(theory):
    study = theory.study
    assert study.doi == "10.1007/s44192-023-00045-2"
    assert [a.family for a in study.authors] == ["Thompson", "Bernard", "Maxfield", "Halsall", "Mathers"]
    assert study.licence == "CC BY 4.0"
