"""`make serve` renders again only the pages an edit can change (site/incremental.py): after every
edit a generated team makes over the years (tests/theorygen.py), and after edits of any one text
field of any record, the session's pages are exactly those of a whole render of the same records."""
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, Phase, given, settings, strategies as st

from conftest import REPO
from livingtheory import generate
from livingtheory.site.incremental import Memo
from theorygen import OPERATIONS, Choices, Team

TEXT_FIELDS = ("title", "summary", "name", "text", "label", "body", "how", "note")


def _pages(project: Path, cache: dict | None) -> dict:
    site = generate(project / "theory", site_url="https://example.org/theory/", project=project, draw=False,
                    preview=True, cache=cache)
    return {page.path: (page.front, page.body, dict(page.parts.items())) for page in site.pages}


def _differences(session: dict, whole: dict) -> list[str]:
    return sorted({*session, *whole} - {p for p in whole if session.get(p) == whole[p]})


def _edit_text(team: Team, draw) -> str | None:
    """One text field of one record (nested ones too: a CMOC's mechanism label), reworded."""
    fields = []
    for kind, records in team.records.items():
        for record_id, record in records.items():
            for name, value in record.items():
                if name in TEXT_FIELDS and isinstance(value, str):
                    fields.append((kind, record_id, (name,)))
                elif isinstance(value, dict):
                    fields += [(kind, record_id, (name, inner)) for inner, v in value.items()
                               if inner in TEXT_FIELDS and isinstance(v, str)]
    if not fields:
        return None
    kind, record_id, path = draw(st.sampled_from(sorted(fields)))
    holder = team.records[kind][record_id]
    for name in path[:-1]:
        holder = holder[name]
    holder[path[-1]] = f"{holder[path[-1]]} Reworded {draw(st.integers(0, 999))}."
    return f"{kind}/{record_id}: {'.'.join(path)}"


def _move_evidence(team: Team, draw) -> str | None:
    """A quote cited by one CMOC cited by another instead (the pages showing it change with it)."""
    cmocs = team.records["cmocs"]
    moves = [(a, i, b) for a in sorted(cmocs) for i, _ in enumerate(cmocs[a].get("evidence") or ())
             for b in sorted(cmocs) if b != a]
    if not moves:
        return None
    a, i, b = draw(st.sampled_from(moves))
    entry = cmocs[a]["evidence"].pop(i)
    cmocs[b].setdefault("evidence", []).append({k: v for k, v in entry.items() if k != "circumstance"}
                                               | {"direction": "supports"})
    return f"cmocs/{a}: evidence {entry.get('quote')} moved to {b}"


@settings(max_examples=60, deadline=None, phases=[Phase.generate], derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data(), steps=st.integers(1, 10))
def test_a_serve_session_shows_what_a_whole_render_shows_after_every_edit(data, steps):
    with tempfile.TemporaryDirectory() as scratch:
        project = Path(scratch)
        (project / "docs").mkdir()
        (project / "node_modules").symlink_to(REPO / "node_modules")
        team = Team(Choices(data.draw)).start()
        team.write(project)
        session: dict = {}
        _pages(project, session)
        done = []
        # the team's moves first (each a valid theory: its commands refuse any other), then rewordings
        # as a contributor types them (a released record reworded is a problem a preview shows)
        for edit in sorted(data.draw(st.lists(st.booleans(), min_size=steps, max_size=steps))):
            if edit:
                edited = (_move_evidence if data.draw(st.booleans()) else _edit_text)(team, data.draw)
                if edited is None:
                    continue
                team.write(project)
                done.append(edited)
            else:
                operation = team.choices.pick(OPERATIONS)
                team.step(project, operation)
                done.append(operation)
            # the whole render reads the records as the session does (a record that cannot be read
            # stands as it last read well), without its pages
            records = {key: value for key, value in session.items() if not isinstance(value, Memo)}
            differ = _differences(_pages(project, session), _pages(project, records))
            assert not differ, f"after {done}, the session's pages differ from a whole render: {differ}"


def test_an_edit_renders_only_the_pages_it_can_change(tmp_path, monkeypatch):
    """Not everything again: a reworded CMOC summary leaves the other CMOCs' pages as they were made."""
    from livingtheory.site import pages as pages_module
    project = tmp_path
    (project / "docs").mkdir()
    (project / "node_modules").symlink_to(REPO / "node_modules")
    team = Team(Choices(seed=3)).start()
    for _ in range(6):
        team._cmoc()
    team.write(project)
    session: dict = {}
    _pages(project, session)
    made = []
    real = pages_module._cmoc
    monkeypatch.setattr(pages_module, "_cmoc", lambda r, cmoc: made.append(cmoc.id) or real(r, cmoc))
    cmoc = sorted(team.records["cmocs"])[-1]
    team.records["cmocs"][cmoc]["summary"] = "A new explanation of this configuration."
    team.write(project)
    _pages(project, session)
    assert cmoc in made and len(made) < len(team.records["cmocs"]), made
