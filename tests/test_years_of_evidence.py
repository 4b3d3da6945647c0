"""Years of evidence, as a research team would record them: two phases, two releases, plain YAML.

From edition 1.0 (the fixed theory):
- Phase 2 (interviews with young people and parents), released as edition 1.1: a new source with
  its design, phase and sample size, its own table of services and participants; quotes that
  support CMOC 3 and one that contradicts CMOC 5 (now contested); the team's confidence in CMOC 3;
  a new outcome and a CMOC for parents, which CMOC 1 leads to; CMOC 7 refuted (CMOC 13 replaces
  it); CMOCs 9 and 10 merged into CMOC 14.
- Phase 3 (a trial), released as edition 2.0: the trial reinstates CMOC 7; CMOC 14, the merge's
  successor, is split into CMOCs 15 and 16 (CMOCs 9 and 10 are not touched); a participant of
  edition 1.0 withdraws consent, and quote-06 is withdrawn, from the records, every released
  snapshot and the published sites.
Each step passes `check`; the result builds with `mkdocs build --strict`; the pages, downloads,
snapshots and the diff say what happened.
"""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from lxml import html as lxml_html

from conftest import build, make_project
from livingtheory import load_theory
from livingtheory.records.data import SNAPSHOT_FORMAT

BIN = Path(sys.executable).parent
PHASE_2, WITHDRAWN_ON, PHASE_3 = "2026-11-20", "2026-11-27", "2026-11-28"


def run(project: Path, *command: str, cwd: Path | None = None) -> str:
    env = {**os.environ, "PATH": f"{BIN}:{os.environ['PATH']}", "NO_MKDOCS_2_WARNING": "1", "GIT_AUTHOR_NAME": "t",
           "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}
    result = subprocess.run(command, cwd=cwd or project, capture_output=True, text=True, env=env)
    assert result.returncode == 0, (command, result.stdout + result.stderr)
    return result.stdout


def entry(date: str, theory_version: str, version: str, status: str, change: str, rationale: str, evidence=()) -> str:
    return (f'  - date: "{date}"\n    theory_version: "{theory_version}"\n    version: "{version}"\n'
            f'    status: {status}\n    change: {json.dumps(change)}\n    rationale: {json.dumps(rationale)}\n'
            f'    evidence: [{", ".join(evidence)}]\n')


def edit(path: Path, *replacements: tuple[str, str], append: str = "") -> None:
    text = path.read_text()
    for old, new in replacements:
        assert old in text, (path.name, old)
        text = text.replace(old, new, 1)
    path.write_text(text + append)


def new_cmoc(theory: Path, number: int, *, date: str, release: str, title: str, outcome: str, beneficiary: str,
             context: str, mechanism: str, result: str, extra: str = "", rationale: str = "New evidence.") -> None:
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
evidence: []
not_triggered: []
theories: []
{extra}status: initial
version: "1.0"
history:
{entry(date, release, "1.0", "initial", "First stated.", rationale)}""")


def quote(theory: Path, number: int, source: str, participant: str, text: str) -> None:
    (theory / f"quotes/quote-{number}.yaml").write_text(
        f'id: quote-{number}\nsource: {source}\nparticipant: "{participant}"\ntext: {json.dumps(text)}\n')


def phase_2(theory: Path) -> None:
    edit(theory / "study.yaml", ('  version: "1.0"', '  version: "1.1"'),
         ("  contributors: []", "  contributors:\n    - {family: Okafor, given: Ada}"),
         ('    - {id: peer, name: "peer"}', '    - {id: peer, name: "peer"}\n    - {id: parent, name: "parent"}'),
         ('    - {id: focusing, name: "focusing study"}',
          '    - {id: focusing, name: "focusing study"}\n    - {id: phase-2, name: "phase 2"}\n'
          '    - {id: phase-3, name: "phase 3"}'))
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
design: realist-interviews
phase: phase-2
sample_size: 24
services_table:
  name: "Settings"
  columns:
    - {id: setting, name: "Setting"}
    - {id: format, name: "Format"}
participants:
  - {tag: "YP-03", role: young-person, service: service-15}
  - {tag: "Parent-02", role: parent-or-carer, service: service-15}
""")
    (theory / "services/service-15.yaml").write_text("""id: service-15
source: phase-2-2026
name: "School peer mentoring scheme"
columns: {setting: "Secondary school", format: "one-to-one"}
""")
    (theory / "outcomes/parent-confidence.yaml").write_text("""id: parent-confidence
name: "Parents' confidence"
order: 6
description: "Parents feel able to support their child's recovery."
""")
    quote(theory, 23, "phase-2-2026", "YP-03", "It helped that she was like me, so I kept going to the sessions.")
    quote(theory, 24, "phase-2-2026", "Parent-02", "Once he had someone his own age there, he stopped refusing to go.")
    quote(theory, 25, "phase-2-2026", "Parent-02", "Seeing the peer worker get on with things made no difference to him.")
    quote(theory, 26, "phase-2-2026", "Parent-02", "Going to the community groups did not make him any more resilient.")
    cmocs = theory / "cmocs"
    edit(cmocs / "cmoc-03.yaml",
         ("  - {quote: quote-06, direction: supports}\n", "  - {quote: quote-06, direction: supports}\n"
          "  - {quote: quote-23, direction: supports}\n  - {quote: quote-24, direction: supports}\n"),
         ('status: initial\nversion: "1.0"', 'confidence:\n  level: moderate\n  judged_by: "A. Okafor and J. Mathers"\n'
          f'  date: "{PHASE_2}"\n  rationale: "Two sites; staff and families agree."\n  components:\n'
          '    - {component: adequacy, concern: minor, reason: "Three participants."}\n'
          'status: supported\nversion: "1.1"'),
         append=entry(PHASE_2, "1.1", "1.1", "supported", "Supported by phase 2.", "A young person and a parent describe it.",
                      ["quote-23", "quote-24"]))
    edit(cmocs / "cmoc-05.yaml", ("not_triggered:", "  - {quote: quote-25, direction: contradicts, note: \"A parent saw "
                                  "no change.\"}\nnot_triggered:"), ('version: "1.0"\nhistory:', 'version: "1.1"\nhistory:'),
         append=entry(PHASE_2, "1.1", "1.1", "initial", "Evidence against it from phase 2.", "A parent saw no change.",
                      ["quote-25"]))
    new_cmoc(theory, 13, date=PHASE_2, release="1.1", title="Parent sees child's hope, feels able to help",
             outcome="parent-confidence", beneficiary="parent", context="a parent sees their child's hope for recovery",
             mechanism="the parent believes recovery is possible", result="the parent's confidence grows")
    edit(cmocs / "cmoc-01.yaml", ('status: initial\nversion: "1.0"',
                                  'relations:\n  - {type: leads-to, cmoc: cmoc-13, how: "The child\'s hope is what the '
                                  'parent sees."}\nstatus: initial\nversion: "1.1"'),
         append=entry(PHASE_2, "1.1", "1.1", "initial", "Leads to CMOC 13.", "Parents describe their child's hope."))
    edit(cmocs / "cmoc-07.yaml", ("not_triggered:", "  - {quote: quote-26, direction: contradicts}\nnot_triggered:"),
         ('status: initial\nversion: "1.0"', 'status: refuted\nversion: "2.0"\nreplaced_by: [cmoc-13]'),
         append=entry(PHASE_2, "1.1", "2.0", "refuted", "Refuted.", "Phase 2 found **no** such effect.", ["quote-26"]))
    new_cmoc(theory, 14, date=PHASE_2, release="1.1", title="Peer shares lived experience, feels valued",
             outcome="wellbeing", beneficiary="peer", context="a peer shares their lived experience",
             mechanism="they feel valued and in control", result="their wellbeing improves",
             rationale="Merges CMOCs 9 and 10: one mechanism.")
    for number in (9, 10):
        edit(cmocs / f"cmoc-{number:02d}.yaml", ('status: initial\nversion: "1.0"',
                                                 'status: merged\nversion: "2.0"\nreplaced_by: [cmoc-14]'),
             append=entry(PHASE_2, "1.1", "2.0", "merged", "Merged into CMOC 14.", "One mechanism, seen twice."))


def phase_3(theory: Path) -> None:
    edit(theory / "study.yaml", ('  version: "1.1"', '  version: "2.0"'),
         ('    - {id: review, name: "literature review"}', '    - {id: review, name: "literature review"}'))
    (theory / "sources/trial-2027.yaml").write_text("""id: trial-2027
kind: study
name: "Peer support trial (2027)"
title: "A randomised trial of peer support in schools"
authors:
  - {family: Okafor, given: Ada}
year: 2026
url: "https://example.org/trial"
design: trial
phase: phase-3
sample_size: 240
participants: []
""")
    cmocs = theory / "cmocs"
    edit(cmocs / "cmoc-07.yaml", ("not_triggered:", "  - {source: trial-2027, direction: supports, note: \"Resilience "
                                  "scores rose in the peer support arm (table 3).\"}\nnot_triggered:"),
         ('status: refuted\nversion: "2.0"', 'status: supported\nversion: "3.0"'),
         append=entry(PHASE_3, "2.0", "3.0", "supported", "Reinstated.", "The trial found the effect phase 2 missed.",
                      ["trial-2027"]))
    for number, what in ((15, "school"), (16, "community")):
        new_cmoc(theory, number, date=PHASE_3, release="2.0", title=f"Peer valued in the {what}", outcome="wellbeing",
                 beneficiary="peer", context=f"a peer shares their lived experience in the {what}",
                 mechanism="they feel valued and in control", result="their wellbeing improves",
                 rationale="Split from CMOC 14.")
    edit(cmocs / "cmoc-14.yaml", ('status: initial\nversion: "1.0"',
                                  'status: split\nversion: "2.0"\nreplaced_by: [cmoc-15, cmoc-16]'),
         append=entry(PHASE_3, "2.0", "2.0", "split", "Split into CMOCs 15 and 16.", "School and community differ."))


@pytest.fixture(scope="module")
def years(tmp_path_factory):
    """The project after both phases, published with mike like CI does; the built live site."""
    project = make_project(tmp_path_factory.mktemp("years") / "project")
    theory = project / "theory"
    run(project, "git", "init", "-q", "-b", "main")

    def release(date: str) -> None:
        version = run(project, sys.executable, "-m", "livingtheory", "version").strip()
        run(project, sys.executable, "-m", "livingtheory", "release", "--date", date)
        run(project, "git", "add", "-A")
        run(project, "git", "commit", "-qm", f"release {version}", "--allow-empty")
        run(project, str(BIN / "mike"), "deploy", "--update-aliases", "--alias-type=redirect", version, "latest")

    release("2023-10-05")  # edition 1.0, already released: published as it is
    phase_2(theory)
    run(project, sys.executable, "-m", "livingtheory", "check")
    release(PHASE_2)
    merged = {n: (theory / f"cmocs/cmoc-{n:02d}.yaml").read_text() for n in (9, 10)}
    words = load_theory(theory).get("quote-06").text
    base = run(project, "git", "rev-parse", "HEAD").strip()

    pages = project.parent / "pages"  # the published sites, checked out, scrubbed by the withdrawal itself
    run(project, "git", "worktree", "add", "-q", str(pages), "gh-pages")
    run(project, sys.executable, "-m", "livingtheory", "withdraw", "quote-06", "--reason",
        "The participant withdrew consent.", "--date", WITHDRAWN_ON, "--published-site", str(pages))
    run(project, "git", "add", "-A", cwd=pages)
    run(project, "git", "commit", "-qm", "withdraw quote-06", cwd=pages)
    phase_3(theory)
    run(project, sys.executable, "-m", "livingtheory", "check")
    run(project, "git", "add", "-A")
    run(project, "git", "commit", "-qm", "phase 3")
    verified = subprocess.run([sys.executable, "-m", "livingtheory", "verify-editions", "--base", base], cwd=project,
                              capture_output=True, text=True)
    release(PHASE_3)
    site = project / "site"
    result = build(project, site)
    assert result.returncode == 0, result.stderr
    return {"project": project, "site": site, "merged": merged, "words": words, "verified": verified, "pages": pages}


def page(site: Path, url: str):
    return lxml_html.fromstring((site / url / "index.html").read_bytes())


def words(doc) -> str:
    return " ".join(doc.xpath("//article")[0].text_content().split())


def test_contrary_evidence_is_never_counted_as_support(years):
    site = years["site"]
    cmoc = page(site, "cmoc/cmoc-05")
    text = words(cmoc)
    assert "1 supporting from 1 source; 1 contrary from 1 source" in text.lower()
    assert cmoc.xpath("//div[contains(@class,'admonition') and contains(@class,'danger')]")  # contested, visibly
    assert "Evidence against it" in text and "A parent saw no change." in text
    service = words(page(site, "services/service-15"))
    assert "Contradict: CMOC 5" in service and "Support: CMOC 3" in service
    assert "Support: CMOC 3, CMOC 5" not in service
    row = [r for r in page(site, "services").xpath("//table")[-1].xpath("./tbody/tr") if "School peer" in r.text_content()][0]
    cell = " ".join(row.xpath("td")[2].text_content().split())  # service engagement: CMOCs 3 and 5
    assert cell == "supports: CMOC 3; against: CMOC 5", cell
    sources = words(page(site, "sources"))
    assert "realist interviews, phase 2 (n = 24)" in sources and "Contradicts CMOC 5" in sources
    assert "trial, phase 3 (n = 240)" in sources
    rows = (site / "data/cmocs.csv").read_text().splitlines()
    cmoc_5 = next(r for r in rows if r.startswith("cmoc-05,"))
    assert ",quote-25," in cmoc_5 and "quote-25" not in cmoc_5.split(",initial,1.1,")[1].split(",")[0]


def test_a_retired_cmoc_states_its_own_retirement_and_follows_its_line(years):
    site = years["site"]
    for number in (9, 10):  # not rewritten in phase 3, though their successor was split
        assert (years["project"] / f"theory/cmocs/cmoc-{number:02d}.yaml").read_text() == years["merged"][number]
        banner = page(site, f"cmoc/cmoc-{number:02d}").xpath("//div[contains(@class,'warning')]")[0]
        text = " ".join(banner.text_content().split())
        assert f"This CMOC has been merged (theory version 1.1, {PHASE_2})" in text
        assert "Why: One mechanism, seen twice." in text
        assert "replaced by CMOC 14: Peer shares lived experience, feels valued (since split)" in text
        assert "Its line continues in CMOC 15: Peer valued in the school, CMOC 16: Peer valued in the community" in text
    split = words(page(site, "cmoc/cmoc-14"))
    assert "This CMOC has been split (theory version 2.0" in split
    assert "This CMOC replaces CMOC 9 and CMOC 10" in split and "merged in theory version 1.1" in split


def test_a_reinstated_cmoc_is_shown_on_both_sides(years):
    site = years["site"]
    reinstated = words(page(site, "cmoc/cmoc-07"))
    assert "Status: supported" in reinstated and "This CMOC has been" not in reinstated
    assert "Peer support trial (2027) (trial, phase 3 (n = 240)): Resilience scores rose" in reinstated
    history = page(site, "cmoc/cmoc-07").xpath("//div[contains(@class,'cmoc-history')]//tr[td]")
    assert [r.xpath("td")[3].text_content() for r in history][-2:] == ["refuted", "supported"]
    successor = words(page(site, "cmoc/cmoc-13"))
    assert "This CMOC replaces CMOC 7" in successor
    assert "refuted in theory version 1.1; reinstated as supported in theory version 2.0" in successor


def test_a_withdrawn_quote_leaves_no_words_anywhere(years):
    site, project, text = years["site"], years["project"], years["words"]
    probe = " ".join(text.split())[:50]
    for path in site.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".json", ".csv", ".xml"):
            assert probe not in path.read_text(errors="replace"), path
    index = (site / "search/search_index.json").read_text()
    assert probe not in index and probe not in json.dumps(index)
    cmoc = words(page(site, "cmoc/cmoc-03"))
    assert f"Withdrawn on {WITHDRAWN_ON}: The participant withdrew consent." in cmoc
    assert "2 supporting from 1 source; 1 withdrawn" in cmoc.lower()
    for edition in ("1.0", "1.1"):  # the frozen snapshots, redacted and recorded
        snapshot = (project / f"editions/{edition}.json").read_text()
        assert probe not in snapshot
    manifest = json.loads((project / "editions/manifest.json").read_text())
    assert [(r["edition"], r["quote"], r["date"]) for r in manifest["redactions"]] == [
        ("1.0", "quote-06", WITHDRAWN_ON), ("1.1", "quote-06", WITHDRAWN_ON)]
    assert years["verified"].returncode == 0, years["verified"].stderr  # the redaction is the recorded one
    for folder in ("1.0", "1.1"):  # the published editions' own pages, search indexes and downloads
        for path in (years["pages"] / folder).rglob("*"):
            if path.is_file() and path.suffix in (".html", ".json", ".csv"):
                assert probe not in path.read_text(errors="replace"), path


def test_editions_record_every_step(years):
    site, project = years["site"], years["project"]
    versions = page(site, "cmoc/cmoc-07").xpath("//div[contains(@class,'cmoc-versions')]//tr[td]")
    assert [" ".join(r.xpath("td")[1].text_content().split()) for r in versions] == [
        "1.0 (initial)", "2.0 (refuted)", "3.0 (supported)"]
    changes = page(site, "changes")
    section = changes.xpath("//h2[starts-with(normalize-space(.), 'Edition 2.0')]")[0]
    listed = []
    for sibling in section.itersiblings():
        if sibling.tag == "h2":
            break
        listed.append(" ".join(sibling.text_content().split()))
    text = " ".join(listed)
    for expected in ("changed: cmoc-07", "Status: removed: refuted → added: supported",  # as a screen reader says it "changed: cmoc-14", "added: cmoc-15",
                     "added: cmoc-16", "added: trial-2027"):
        assert expected in text, expected
    assert "changed: cmoc-09" not in text and "changed: cmoc-10" not in text
    assert "quote-06" not in text  # the withdrawal redacted the editions too: it is no difference between them...
    withdrawals = " ".join(changes.xpath("//h2[@id='withdrawals']/following-sibling::ul[1]")[0].text_content().split())
    assert withdrawals == f"quote-06, withdrawn on {WITHDRAWN_ON}: The participant withdrew consent."  # ...but said
    bib = (site / "cite/theory.bib").read_text()
    assert "Okafor, Ada" in bib and "Thompson, Dean M." in bib and "version = {2.0}" in bib
    manifest = json.loads((project / "editions/manifest.json").read_text())
    assert [e["version"] for e in manifest["editions"]] == ["1.0", "1.1", "2.0"]
    assert json.loads((project / "editions/2.0.json").read_text())["format"] == SNAPSHOT_FORMAT
    assert "map/parent.md" in manifest["editions"][1]["pages"]
