"""Edition 1.0 is faithful to the paper; the live theory keeps its invariants.

The faithful-to-the-paper checks read the frozen snapshot of edition 1.0 (editions/1.0.json),
which is what readers of that edition saw and never changes; the paper is read independently of
the records. The live theory (theory/) moves on with every refinement, so its tests check only
what must stay true of any theory: they pass on a correct change.
"""
import json
import re

import pytest

from conftest import FIXTURE, REPO, THEORY, paper_text
from livingtheory import load_theory
from livingtheory.records.data import plain, theory_data
from livingtheory.records.editions import diff, load_editions

EDITION = REPO / "editions" / "1.0.json"


@pytest.fixture(scope="module")
def edition():
    return json.loads(EDITION.read_text())


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


def _number(cmoc: dict) -> int:
    return int(cmoc["id"].split("-")[1])


# ----------------------------------------------------------------------------- edition 1.0 and the paper

def test_edition_1_counts(edition):
    assert edition["edition"] == "1.0"
    assert (len(edition["cmocs"]), len(edition["quotes"]), len(edition["services"]), len(edition["outcomes"])) \
        == (12, 22, 14, 5)
    assert [o["id"] for o in edition["outcomes"]] == ["hope", "service-engagement", "confidence", "resilience",
                                                      "wellbeing"]


def test_edition_1_ten_participants_were_interviewed(edition):
    quoted = {q["participant"] for q in edition["quotes"]}
    assert sorted(quoted) == ["#01", "#02", "#04", "#06", "#07", "#08", "#10", "#11", "#12", "#13"]


def test_edition_1_cmocs_in_the_papers_order_with_their_figures(edition, paper):
    sections = re.findall(r"(3\.3\.\d\.\d) ([^*]+?) (?:When|The act)", paper)
    assert [c["paper_section"] for c in edition["cmocs"]] == [s for s, _ in sections]
    for cmoc, (section, heading) in zip(edition["cmocs"], sections):
        assert cmoc["title"] == heading.strip()
        assert cmoc["paper_figure"] == f"Fig. {_number(cmoc) + 1}"
        assert f"{cmoc['statement']} ({cmoc['paper_figure']})" in paper


def test_edition_1_every_quote_is_verbatim_with_its_participant_tag(edition, paper):
    for quote in edition["quotes"]:
        at = paper.find(quote["text"])
        assert at >= 0, f"{quote['id']} is not verbatim in the paper"
        tag = re.match(r'[”"’]\s*\[(#\d\d)\]', paper[at + len(quote["text"]):])
        assert tag and tag.group(1) == quote["participant"], quote["id"]


def test_edition_1_services_behind_each_cmoc(edition):
    # From the participant tags printed after each CMOC's quotes in section 3.3.
    expected = {1: "#12 #13", 2: "#10 #13", 3: "#04", 4: "#13", 5: "#07", 6: "#02 #08", 7: "#10", 8: "#11",
                9: "#01 #06", 10: "#12 #13", 11: "#04 #12", 12: "#01 #02"}
    said_by = {q["id"]: q["participant"] for q in edition["quotes"]}
    for cmoc in edition["cmocs"]:
        quote_ids = cmoc["quote_ids"] + [q for c in cmoc["not_triggered"] for q in c["quote_ids"]]
        assert " ".join(sorted({said_by[q] for q in quote_ids})) == expected[_number(cmoc)], cmoc["id"]


def test_edition_1_who_benefits_and_where_mechanisms_may_not_fire(edition):
    assert [_number(c) for c in edition["cmocs"] if c["beneficiary"] == "peer"] == [6, 9, 10, 11]
    assert {_number(c): c["not_triggered"][0]["circumstance"] for c in edition["cmocs"] if c["not_triggered"]} == {
        2: "Peers subsumed by clinical systems and teams", 4: "Remunerated peers",
        10: "Eating disorder services", 11: "Risk to the peer's own wellbeing"}
    for cmoc in edition["cmocs"]:
        for circumstance in cmoc["not_triggered"]:
            assert circumstance["quote_ids"], "each circumstance the paper names has its quote"


def test_edition_1_table_1_rows_as_printed(edition):
    rows = re.findall(r"^(\d\d)\t(.*)$", paper_text(), flags=re.M)
    assert len(rows) == 14
    for service, (number, rest) in zip(edition["services"], rows):
        service_type, location, f2f, online, third, programme = rest.split("\t")
        assert service["participant"] == f"#{number}"
        assert service["service_type"] == service_type
        assert service["location"] == (location or None)
        assert (service["face_to_face"], service["online"]) == (f2f == "X", online == "X")
        assert third == "X" and service["delivery"] == "unknown"  # which of 1:1/group/mutual pairs: lost
        assert service["programme"] == programme


def test_edition_1_history_starts_with_the_preprint_and_records_the_paper(edition):
    for cmoc in edition["cmocs"]:
        first, last = cmoc["history"][0], cmoc["history"][-1]
        assert "rs-2446868/v1" in first["change"] and first["date"] is None  # posting date not in the source
        assert last["date"] == edition["study"]["published"] and last["theory_version"] == "1.0"
        assert cmoc["status"] == "initial"
    assert [_number(c) for c in edition["cmocs"] if "became" in c["history"][-1]["change"]] == [1, 3, 4, 5]


def test_edition_1_study_record(edition):
    study = edition["study"]
    assert study["doi"] == "10.1007/s44192-023-00045-2"
    assert [a["family"] for a in study["authors"]] == ["Thompson", "Bernard", "Maxfield", "Halsall", "Mathers"]
    assert study["licence"] == "CC BY 4.0"


# ----------------------------------------------------------------------------- the records lost nothing

def test_the_records_of_edition_1_are_edition_1():
    """Edition 1.0's records in the current format (the fixture), read back through the upgrade of
    the edition's own snapshot (format 1), differ from it in nothing: the migration lost nothing."""
    theory = load_theory(FIXTURE / "theory", FIXTURE / "editions")
    (edition,) = load_editions(FIXTURE / "editions", plain(theory.sources))
    assert diff(edition, theory_data(theory)) == []
    table = {s.id: s.columns for s in theory.services}
    old = {s["id"]: s for s in json.loads(EDITION.read_text())["services"]}
    for service_id, columns in table.items():  # Table 1's columns, as the paper's own
        assert (columns["face-to-face"], columns["online"]) == (old[service_id]["face_to_face"], old[service_id]["online"])
        assert columns["location"] == old[service_id]["location"] and columns["delivery"] is None


def test_the_live_theory_keeps_every_released_record(theory):
    """Whatever the live theory has become, every record an edition published is still there."""
    live = theory_data(theory)
    for edition in load_editions(REPO / "editions", plain(theory.sources)):
        for kind in ("cmocs", "quotes", "outcomes", "services", "sources", "theories", "content"):
            assert {r["id"] for r in edition.data[kind]} <= {r["id"] for r in live[kind]}, (edition.version, kind)


# ----------------------------------------------------------------------------- the live theory's invariants

def test_every_quote_is_attributed_to_a_participant_of_its_source(theory):
    for quote in theory.quotes:
        participant = theory.participant_of(quote)
        assert participant.tag in {p.tag for p in theory.get(quote.source).participants}
        assert participant.role in {r.id for r in theory.study.roles}


def test_every_cmoc_names_a_beneficiary_of_the_vocabulary_and_an_outcome(theory):
    beneficiaries = {b.id for b in theory.study.beneficiaries}
    outcomes = {o.id for o in theory.outcomes}
    for cmoc in theory.cmocs:
        assert cmoc.beneficiary in beneficiaries and cmoc.outcome_group in outcomes
        assert (cmoc.history[-1].version, cmoc.history[-1].status) == (cmoc.version, cmoc.status)


def test_every_retired_cmocs_line_leads_somewhere(theory):
    """A merged or split CMOC's successors, followed through later merges and splits, end in current
    CMOCs (or in a refuted one): a reader who follows an old citation finds where the theory went."""
    for cmoc in theory.retired:
        if cmoc.status in ("merged", "split"):
            assert theory.successors(cmoc)
        assert all(not s.retired or s.status == "refuted" for s in theory.successors(cmoc))


def test_every_piece_of_evidence_says_what_it_does(theory):
    for cmoc in theory.cmocs:
        for e in cmoc.evidence:
            assert e.direction in ("supports", "refines", "contradicts", "not-triggered")
            assert bool(e.quote) != bool(e.source)


def test_the_theory_is_based_on_one_of_its_sources(theory):
    assert theory.based_on.id == theory.study.based_on
    assert theory.study.authors, "an edition's citation credits someone"
