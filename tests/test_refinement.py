"""A realistic refinement of the theory, as researchers would make it, released as edition 1.1.

Plain YAML only, no workaround: a phase-2 source whose young person's and parent's quotes support
CMOC 3; a new outcome and a new CMOC benefiting parents that CMOC 1 leads to; CMOC 7 refuted,
CMOCs 9 and 10 merged into a new CMOC, CMOC 12 split into two; a new service and a substantive
theory with its own DOI; then `release`. It must pass `check`, build with `mkdocs build --strict`,
and every page must show it.
"""
import json
import subprocess
import sys
from pathlib import Path

import pytest
from lxml import html as lxml_html

from conftest import build, make_project

DATE = "2026-11-20"


def entry(version: str, status: str, change: str, rationale: str, evidence=()) -> str:
    return (f'  - date: "{DATE}"\n    theory_version: "1.1"\n    version: "{version}"\n    status: {status}\n'
            f'    change: {json.dumps(change)}\n    rationale: {json.dumps(rationale)}\n'
            f'    evidence: [{", ".join(evidence)}]\n')


def edit(path: Path, *replacements: tuple[str, str], append: str = "") -> None:
    text = path.read_text()
    for old, new in replacements:
        assert old in text, (path.name, old)
        text = text.replace(old, new, 1)
    path.write_text(text + append)


def new_cmoc(theory: Path, number: int, *, title: str, outcome: str, beneficiary: str, context: str,
             mechanism: str, result: str, extra: str = "", theories: str = "[]",
             rationale: str = "New in phase 2.") -> None:
    (theory / f"cmocs/cmoc-{number}.yaml").write_text(f"""id: cmoc-{number}
title: {json.dumps(title)}
outcome_group: {outcome}
beneficiary: {beneficiary}
statement: {json.dumps(f"When {context} (C), {result} (O), because {mechanism} (M)")}
context: {{label: {json.dumps(context[:50])}, text: {json.dumps(context)}}}
mechanism: {{label: {json.dumps(mechanism[:50])}, text: {json.dumps(mechanism)}}}
outcome: {{label: {json.dumps(result[:50])}, text: {json.dumps(result)}}}
summary: |-
  {rationale}
quotes: []
not_triggered: []
theories: {theories}
{extra}status: initial
version: "1.0"
history:
{entry("1.0", "initial", "First stated.", rationale)}""")


def quote(theory: Path, number: int, source: str, participant: str, text: str) -> None:
    (theory / f"quotes/quote-{number}.yaml").write_text(
        f'id: quote-{number}\nsource: {source}\nparticipant: "{participant}"\ntext: {json.dumps(text)}\n')


def refine(theory: Path) -> None:
    # The next phase: young people and parents, with its own citation and participants.
    (theory / "sources/phase-2-2026.yaml").write_text("""id: phase-2-2026
kind: phase
name: "Phase 2 interviews (2026)"
title: "Realist interviews with children, young people and parents"
authors:
  - {family: Okafor, given: Ada}
year: 2026
part_of: thompson-2023
url: "https://example.org/phase-2"
licence: {name: "CC BY 4.0", url: "https://creativecommons.org/licenses/by/4.0/"}
description: |-
  Realist interviews with young people who used peer support and with their parents.
participants:
  - {tag: "YP-03", role: young-person, service: service-15}
  - {tag: "Parent-02", role: parent-or-carer, service: service-15}
""")
    (theory / "services/service-15.yaml").write_text("""id: service-15
source: phase-2-2026
service_type: "School peer mentoring scheme"
location: "Coventry"
modality: {face_to_face: true, online: false, delivery: one-to-one}
programme: "Older pupils trained as peer mentors meet younger pupils weekly."
""")
    (theory / "theories/self-determination-theory.yaml").write_text("""id: self-determination-theory
name: "Self-determination theory"
reference: "Ryan RM, Deci EL. Self-determination theory and the facilitation of intrinsic motivation. Am Psychol. 2000;55(1):68-78."
doi: "10.1037/0003-066X.55.1.68"
description: "Autonomy, competence and relatedness as the basis of motivation."
""")
    (theory / "outcomes/parent-confidence.yaml").write_text("""id: parent-confidence
name: "Parents' confidence"
order: 6
description: "Parents feel able to support their child's recovery."
""")
    quote(theory, 23, "phase-2-2026", "YP-03", "It helped that she was like me, so I kept going to the sessions.")
    quote(theory, 24, "phase-2-2026", "Parent-02", "Once he had someone his own age there, he stopped refusing to go.")
    quote(theory, 25, "phase-2-2026", "Parent-02", "Going to the community groups did not make him any more resilient.")
    edit(theory / "study.yaml", ('version: "1.0"\n  released: "2023-10-05"', f'version: "1.1"\n  released: "{DATE}"'),
         ("  contributors: []", "  contributors:\n    - {family: Okafor, given: Ada}"),
         ('    - {id: peer, name: "peer"}', '    - {id: peer, name: "peer"}\n    - {id: parent, name: "parent"}'))
    cmocs = theory / "cmocs"
    # CMOC 3 supported by the young person's and the parent's words.
    edit(cmocs / "cmoc-03.yaml", ("  - quote-06\n", "  - quote-06\n  - quote-23\n  - quote-24\n"),
         ('status: initial\nversion: "1.0"', 'status: supported\nversion: "1.1"'),
         append=entry("1.1", "supported", "Supported by phase 2.", "A young person and a parent describe it.",
                       ["quote-23", "quote-24"]))
    # A new CMOC benefiting parents, which CMOC 1 leads to.
    new_cmoc(theory, 13, title="Parent sees child's hope, feels able to help", outcome="parent-confidence",
             beneficiary="parent", context="a parent sees their child's hope for recovery",
             mechanism="the parent believes recovery is possible", result="the parent's confidence grows")
    edit(cmocs / "cmoc-01.yaml", ('status: initial\nversion: "1.0"',
                                  'leads_to:\n  - {cmoc: cmoc-13, how: "The child\'s hope is what the parent sees."}\n'
                                  'status: initial\nversion: "1.1"'),
         append=entry("1.1", "initial", "Leads to CMOC 13.", "Parents describe their child's hope as the start."))
    # CMOC 7 refuted, with the evidence against it.
    edit(cmocs / "cmoc-07.yaml", ('status: initial\nversion: "1.0"',
                                  'refuting_evidence:\n  - summary: "A parent saw no gain in resilience."\n'
                                  '    quotes: [quote-25]\nstatus: refuted\nversion: "2.0"'),
         append=entry("2.0", "refuted", "Refuted.", "Phase 2 found **no** such effect."))
    # CMOCs 9 and 10 merged into CMOC 14; CMOC 12 split into CMOCs 15 and 16.
    new_cmoc(theory, 14, title="Peer shares lived experience, feels valued", outcome="wellbeing", beneficiary="peer",
             context="a peer shares their lived experience", mechanism="they feel valued and in control",
             result="their wellbeing improves", rationale="Merges CMOCs 9 and 10: one mechanism.",
             theories='[{theory: self-determination-theory, basis: "Autonomy."}]')
    for number in (9, 10):
        edit(cmocs / f"cmoc-{number:02d}.yaml", ('status: initial\nversion: "1.0"',
                                                 'status: merged\nversion: "2.0"\nreplaced_by: [cmoc-14]'),
             append=entry("2.0", "merged", "Merged into CMOC 14.", "One mechanism, seen twice."))
    for number, what in ((15, "school"), (16, "community")):
        new_cmoc(theory, number, title=f"Social network in the {what}", outcome="wellbeing", beneficiary="child",
                 context=f"a child meets peers in the {what}", mechanism=f"a {what} network forms",
                 result="the child's wellbeing improves", rationale="Split from CMOC 12.")
    edit(cmocs / "cmoc-12.yaml", ('status: initial\nversion: "1.0"',
                                  'status: split\nversion: "2.0"\nreplaced_by: [cmoc-15, cmoc-16]'),
         append=entry("2.0", "split", "Split into CMOCs 15 and 16.", "School and community networks differ."))


def page(site: Path, url: str):
    return lxml_html.fromstring((site / url / "index.html").read_bytes())


def words(doc) -> str:
    return " ".join(doc.xpath("//article")[0].text_content().split())


@pytest.fixture(scope="module")
def refined(tmp_path_factory):
    project = make_project(tmp_path_factory.mktemp("refined") / "project")
    refine(project / "theory")
    check = subprocess.run([sys.executable, "-m", "livingtheory", "check"], cwd=project, capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    release = subprocess.run([sys.executable, "-m", "livingtheory", "release"], cwd=project, capture_output=True,
                             text=True)
    assert release.returncode == 0, release.stderr
    assert (project / "editions/1.1.json").is_file() and "1.1" in (project / "CITATION.cff").read_text()
    site = project / "site"
    result = build(project, site)
    assert result.returncode == 0, result.stderr
    return project, site


def test_the_phase_2_quotes_support_cmoc_3_with_their_source(refined):
    _, site = refined
    text = words(page(site, "cmoc/cmoc-03"))
    assert "Status: supported · Version 1.1" in text
    assert "Participant YP-03 (young person, School peer mentoring scheme), Phase 2 interviews (2026)" in text
    assert "Participant Parent-02 (parent or carer, School peer mentoring scheme), Phase 2 interviews (2026)" in text
    assert "1 participant of Thompson et al. 2023 (1 service staff); 2 participants of Phase 2 interviews (2026) " \
           "(1 young person, 1 parent or carer)" in text
    sources = words(page(site, "sources"))
    assert "Phase 2 interviews (2026)" in sources and "Part of Thompson et al. 2023" in sources


def test_cmoc_1_leads_to_the_parents_cmoc_on_both_pages_and_the_map(refined):
    _, site = refined
    assert "Leads to CMOC 13: Parent sees child's hope, feels able to help" in words(page(site, "cmoc/cmoc-01"))
    assert "Follows from CMOC 1: Presence of matched peer, role-model of recovery" in words(page(site, "cmoc/cmoc-13"))
    diagram = lxml_html.tostring(page(site, "map").xpath("//div[contains(@class,'diagram')]")[0]).decode()
    assert 'id="L_n1_n13_0"' in diagram  # the dotted "leads to" edge, drawn
    assert "Benefits: the parent" in words(page(site, "cmoc/cmoc-13"))
    assert (site / "map/parent/index.html").is_file()
    assert "CMOC 13" in words(page(site, "outcomes/parent-confidence"))


def test_retired_cmocs_say_when_why_and_what_replaced_them(refined):
    _, site = refined
    refuted = page(site, "cmoc/cmoc-07")
    banner = refuted.xpath("//div[contains(@class,'admonition') and contains(@class,'warning')]")[0].text_content()
    assert "This CMOC has been refuted (theory version 1.1, 2026-11-20)" in banner
    assert "Phase 2 found no such effect" in " ".join(banner.split())
    assert "Evidence against¶ A parent saw no gain in resilience." in words(refuted)
    merged = page(site, "cmoc/cmoc-09")
    assert merged.xpath("//div[contains(@class,'warning')]//a/@href") == ["../cmoc-14/"]
    assert "This CMOC replaces CMOC 9 and CMOC 10" in words(page(site, "cmoc/cmoc-14"))
    split = page(site, "cmoc/cmoc-12").xpath("//div[contains(@class,'warning')]//a/@href")
    assert split == ["../cmoc-15/", "../cmoc-16/"]
    assert "This CMOC replaces CMOC 12" in words(page(site, "cmoc/cmoc-15"))


def test_the_map_and_counts_show_current_cmocs_and_say_how_many_are_retired(refined):
    _, site = refined
    text = words(page(site, "map"))
    assert "(12 current, 4 retired" in text
    shown = page(site, "map").xpath("//article//li[not(@hidden)]/a[starts-with(., 'CMOC')]/text()")
    assert not [name for name in shown if name.startswith(("CMOC 7:", "CMOC 9:", "CMOC 10:", "CMOC 12:"))]
    hidden = page(site, "map").xpath("//article//li[@hidden]/a/text()")  # the explorer's "status: all" shows them
    assert sorted(name.split(":")[0] for name in hidden) == ["CMOC 10", "CMOC 12", "CMOC 7", "CMOC 9"]
    retired = words(page(site, "map/retired"))
    for number in (7, 9, 10, 12):
        assert f"CMOC {number}:" in retired
    assert "12 current CMOCs" in words(page(site, ""))


def test_the_new_service_and_theory(refined):
    _, site = refined
    assert "School peer mentoring scheme" in words(page(site, "services"))
    theories = page(site, "theories")
    assert "https://doi.org/10.1037/0003-066X.55.1.68" in theories.xpath("//article//a/@href")


def test_edition_1_1_lists_every_change(refined):
    project, site = refined
    changes = page(site, "changes")
    section = changes.xpath("//h2[starts-with(normalize-space(.), 'Edition 1.1')]")[0]
    listed = []
    for sibling in section.itersiblings():
        if sibling.tag == "h2":
            break
        listed.append(" ".join(sibling.text_content().split()))
    text = " ".join(listed)
    for expected in ("added: phase-2-2026", "added: parent-confidence", "added: cmoc-13", "added: cmoc-14",
                     "added: cmoc-15", "added: cmoc-16", "changed: cmoc-01", "Leads to", "changed: cmoc-03",
                     "changed: cmoc-07", "Evidence against", "changed: cmoc-09", "changed: cmoc-10",
                     "changed: cmoc-12", "added: quote-23", "added: quote-24", "added: quote-25",
                     "added: service-15", "added: self-determination-theory", "Contributors", "Beneficiaries"):
        assert expected in text, expected
    bib = (site / "cite/theory.bib").read_text()
    assert "Okafor, Ada" in bib and "Thompson, Dean M." in bib  # the edition credits editors and contributors
    assert json.loads((project / "editions/1.1.json").read_text())["format"] == 2
