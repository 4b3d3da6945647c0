"""The record format walked, not one theory: theories generated over every field, kind, status,
direction, relation, confidence, retirement and reinstatement, shared names, several sources and
phases, moved over the years through releases and withdrawals (tests/theorygen.py), each held to
what every site must be (tests/site_invariants.py).

- `check` accepts every generated theory, and the site is generated from it;
- no page shows markup as text; every internal link (and anchor) resolves;
- each CMOC's evidence counts agree between its page, the map's list, the evidence map and
  data/cmocs.csv, contested and proposed said wherever it is counted or listed;
- every record field with a place on a page is there; every record with a history shows it; each
  edition's vocabulary changes are named; each released CMOC version is in its trail;
- names two records share are told apart; a withdrawn quote leaves no run of its words anywhere.

A failing example is written to test-artifacts/generated/ with the operations that made it; copy it
into tests/regressions/<what-it-shows>/ (theory/, editions/, withdrawn.json) and it is checked on
every run from then on, whatever the generator becomes.
"""
import json
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

import site_invariants as invariants
from conftest import REPO, build, make_project
from livingtheory import generate
from livingtheory.records.loader import load
from theorygen import SCHEMAS, Choices, Team, run

REGRESSIONS = Path(__file__).parent / "regressions"
ARTIFACTS = REPO / "test-artifacts" / "generated"


def _project(folder: Path) -> Path:
    (folder / "docs").mkdir(parents=True, exist_ok=True)
    (folder / "node_modules").symlink_to(REPO / "node_modules")
    return folder


def _editions(project: Path) -> list[dict]:
    folder = project / "editions"
    snapshots = [p for p in folder.glob("*.json") if p.name != "manifest.json"] if folder.is_dir() else []
    return [json.loads(p.read_text()) for p in sorted(snapshots, key=lambda p: tuple(map(int, p.stem.split("."))))]


def broken_invariants(project: Path, team: Team) -> list[str]:
    """Every invariant the theory in `project` breaks (none: it holds them all)."""
    loaded = load(project / "theory")
    if loaded.problems:
        return ["check refused a theory the team made as the rules say:", *map(str, loaded.problems)]
    site = generate(project / "theory", site_url="https://example.org/theory/", project=project, draw=False)
    built = invariants.Built.of(site)
    texts = {**invariants.site_texts(built), **{p.name: p.read_text() for p in (project / "editions").glob("*.json")}}
    return [*invariants.no_visible_markup(built), *invariants.links_resolve(built, {a for a, _ in site.assets}),
            *invariants.counts_agree(built, team), *invariants.records_shown(built, team),
            *invariants.trails_shown(built, team), *invariants.names_told_apart(built),
            *invariants.crate_chains(built, team),
            *invariants.editions_shown(built, _editions(project)),
            *(f"the words of withdrawn {q} are still in {name}" for q, words in team.withdrawn.items()
              for name in invariants.no_trace_of(words, texts))]


def _kept(project: Path, team: Team) -> Path:
    """A failing example, kept where a maintainer can make it a regression theory."""
    target = ARTIFACTS / "last-failing"  # Hypothesis runs the smallest failing example last
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    for folder in ("theory", "editions"):
        if (project / folder).is_dir():
            shutil.copytree(project / folder, target / folder)
    (target / "withdrawn.json").write_text(json.dumps(team.withdrawn, indent=2))
    (target / "operations.txt").write_text("\n".join(team.done) + "\n")
    return target


# ----------------------------------------------------------------------------- generated, by Hypothesis

@settings(max_examples=300, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data(), steps=st.integers(0, 20))
def test_every_generated_theory_and_its_years_hold_every_invariant(data, steps):
    with tempfile.TemporaryDirectory() as scratch:
        project = _project(Path(scratch))
        team = Team(Choices(data.draw)).start().live(project, steps)
        broken = broken_invariants(project, team)
        if broken:
            kept = _kept(project, team)
            pytest.fail(f"after {team.done} (kept in {kept}):\n" + "\n".join(broken[:20]))


@pytest.mark.parametrize("case", sorted(p.name for p in REGRESSIONS.iterdir() if p.is_dir()) if REGRESSIONS.is_dir() else [])
def test_each_regression_theory_holds_every_invariant(case, tmp_path):
    """Examples the generator once found failing, fixed as theories (tests/regressions/)."""
    project = _project(tmp_path)
    for folder in ("theory", "editions"):
        if (REGRESSIONS / case / folder).is_dir():
            shutil.copytree(REGRESSIONS / case / folder, project / folder)
    if (REGRESSIONS / case / "withdrawn.json").is_file():
        shutil.copy(REGRESSIONS / case / "withdrawn.json", project / "withdrawn.json")
    assert broken_invariants(project, Team.read(project)) == []


# ----------------------------------------------------------------------------- the generator itself

def _schema_fields(schema: dict, prefix: str = "") -> set[str]:
    found = set()
    for name, spec in schema.get("properties", {}).items():
        found.add(prefix + name)
        found |= _schema_fields(spec, f"{prefix}{name}.")
        if isinstance(spec.get("items"), dict):
            found |= _schema_fields(spec["items"], f"{prefix}{name}[].")
    return found


def _written_fields(value, prefix: str = "") -> set[str]:
    if isinstance(value, dict):
        return {f"{prefix}{k}" for k in value} | {f for k, v in value.items() for f in _written_fields(v, f"{prefix}{k}.")}
    if isinstance(value, list):
        return {f for v in value for f in _written_fields(v, prefix[:-1] + "[]." if prefix else "")}
    return set()


def test_the_generator_reaches_every_field_kind_and_value_of_the_record_format(tmp_path):
    """A field added to a schema (or a status, a direction, a kind of source) that the generator
    never writes fails here: the property tests would never render it."""
    kinds = {"cmocs": "cmoc", "quotes": "quote", "outcomes": "outcome", "services": "service", "sources": "source",
             "theories": "theory", "content": "content"}
    written = {name: set() for name in [*kinds.values(), "study", "references", "reporting"]}
    values: dict[str, set] = {"status": set(), "direction": set(), "kind": set(), "operations": set()}
    for seed in range(40):
        project = _project(tmp_path / str(seed))
        team = Team(Choices(seed=seed)).start().live(project, 25)
        for kind, records in team.records.items():
            for record in records.values():
                written[kinds[kind]] |= _written_fields(record)
                values["status"] |= {h.get("status") for h in record.get("history", [])} - {None}
                values["direction"] |= {e["direction"] for e in record.get("evidence", [])}
                values["kind"] |= {record["kind"]} if kind == "sources" else set()
        written["study"] |= _written_fields(team.study)
        written["references"] |= _written_fields({"id": "references", "works": team.works}) if team.works else set()
        written["reporting"] |= _written_fields(team.reporting or {})
        values["operations"] |= {op.split()[0] for op in team.done}
    for name, fields in written.items():
        schema = json.loads((SCHEMAS / f"{name}.schema.json").read_text())
        assert _schema_fields(schema) - fields == set(), f"{name}: fields the generator never writes"
    common = json.loads((SCHEMAS / "common.schema.json").read_text())["$defs"]
    source = json.loads((SCHEMAS / "source.schema.json").read_text())["properties"]
    assert values["status"] == set(common["status"]["enum"])
    assert values["direction"] == set(common["direction"]["enum"])
    assert values["kind"] == set(source["kind"]["enum"])
    assert values["operations"] >= {"release", "withdraw", "retire", "reinstate", "participant-withdraws", "add-term",
                                    "rename-term", "reword-outcome"}


# ----------------------------------------------------------------------------- published, built, withdrawn

@pytest.mark.browser
def test_a_quote_withdrawn_after_two_releases_that_added_quotes_leaves_no_trace_in_any_published_file(tmp_path):
    """Editions built with `mkdocs build --strict` as mike publishes them (one folder each, and the
    draft), then one `withdraw --published-site`: the words are in no file, whole or cut."""
    project = make_project(tmp_path / "project", theory=None)
    shutil.rmtree(project / "theory")
    shutil.rmtree(project / "editions")
    team = Team(Choices(seed=7)).start()
    team.write(project)
    published = tmp_path / "gh-pages"
    added = []
    for release in range(2):
        for _ in range(2):
            team.step(project, "add-quote")
        added.append(sorted(q for q in team.records["quotes"] if q not in [x for y in added for x in y]))
        team.step(project, "release")
        version = team.editions[-1]
        result = build(project, published / version, site_url=f"https://example.org/theory/{version}/")
        assert result.returncode == 0, result.stderr
    team.step(project, "refine")
    result = build(project, published / "draft", site_url="https://example.org/theory/draft/")
    assert result.returncode == 0, result.stderr
    assert added[0] and added[1], "each release added quotes"
    quote = team.records["quotes"][added[1][0]]  # new in the second edition: named by its first words on "What changed"
    words = quote["text"]
    files = {str(p.relative_to(published)): p.read_text(errors="replace") for p in published.rglob("*") if p.is_file()
             and p.suffix in (".html", ".json", ".csv", ".xml", ".bib", ".ris", ".txt", ".js")}
    assert invariants.no_trace_of(words, files), "the test must start from a site that holds the words"
    said = run(project, "withdraw", quote["id"], "--reason", "consent withdrawn", "--date", team.day.isoformat(),
               "--published-site", str(published))
    assert "scrubbed" in said
    files = {str(p.relative_to(published)): p.read_text(errors="replace") for p in published.rglob("*") if p.is_file()}
    assert invariants.no_trace_of(words, files) == []
    assert any("withdrawn on" in text for name, text in files.items() if name.endswith("changes/index.html"))
