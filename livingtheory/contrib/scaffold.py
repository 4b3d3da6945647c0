"""Records written for a contributor: the next free ID, the versions and history a change needs,
and placeholders (`<<fill in: ...>>`) that `check` refuses until they are replaced.

Each function returns the files to write (path -> text) and writes nothing itself, so that a
command writes them all or none; existing records are changed as data (records.roundtrip), keeping
their comments and layout.
"""
from __future__ import annotations

import re
from pathlib import Path

from ..problems import Problem, TheoryInvalid
from ..records.editions import Edition
from ..records.lifecycle import next_minor
from ..records import roundtrip
from ..records.model import ProgrammeTheory, version_key

PLACEHOLDER = "<<fill in"
MODELINE = "# yaml-language-server: $schema=../../livingtheory/records/schemas/{kind}.schema.json\n"


def fill_in(what: str) -> str:
    return f"{PLACEHOLDER}: {what}>>"


def next_id(folder: Path, prefix: str) -> str:
    stems = [p.stem for p in folder.glob(f"{prefix}-*.yaml")]
    numbers = [int(m.group(1)) for stem in stems if (m := re.fullmatch(rf"{prefix}-(\d+)", stem))]
    width = max([2] + [len(stem) - len(prefix) - 1 for stem in stems])
    return f"{prefix}-{max(numbers, default=0) + 1:0{width}d}"


def refused(file: str, message: str, fix: str) -> TheoryInvalid:
    return TheoryInvalid([Problem(file, 0, 0, message, fix)])


# ----------------------------------------------------------------------------- versions

def change_version(theory_dir: Path, theory: ProgrammeTheory, editions: list[Edition]) -> tuple[str, dict[Path, str]]:
    """The theory version a change is released in, and the edit of study.yaml that raises it when
    the theory is still at its latest edition's version."""
    version = theory.study.version
    if not editions or version_key(version) > version_key(editions[-1].version):
        return version, {}
    raised = next_minor(editions[-1].version)
    path = theory_dir / "study.yaml"
    return raised, {path: roundtrip.edited(path, lambda study: study["theory"].update(version=roundtrip.quoted(raised)))}


# ----------------------------------------------------------------------------- a new CMOC

def cmoc_text(cmoc_id: str, *, title: str, outcome: str, beneficiary: str, today: str, theory_version: str,
              context: tuple[str, str] | None = None, mechanism: tuple[str, str] | None = None,
              result: tuple[str, str] | None = None, summary: str | None = None, quotes=(),
              rationale: str | None = None, change: str = "Proposed.") -> str:
    """A proposed CMOC; what is not given is a placeholder. The statement is made from the parts,
    so that they stay word for word in it."""
    context = context or (fill_in("a short label for the context"), fill_in("the context, in full"))
    mechanism = mechanism or (fill_in("a short label for the mechanism"), fill_in("the mechanism, in full"))
    result = result or (fill_in("a short label for the outcome"), fill_in("the outcome, in full"))
    statement = f"When {context[1]} (C), {result[1]} (O), because {mechanism[1]} (M)"
    summary = summary or fill_in("the explanatory summary, in Markdown; link other records as [[cmoc-01]]")
    quoted, flow = roundtrip.quoted, roundtrip.flow
    evidence = [roundtrip.item_like([], {"quote": quote, "direction": "supports"}) for quote in quotes]
    for entry in evidence:
        entry.fa.set_flow_style()
    record = {"id": cmoc_id, "title": title, "outcome_group": outcome, "beneficiary": beneficiary,
              "statement": statement, "context": {"label": context[0], "text": context[1]},
              "mechanism": {"label": mechanism[0], "text": mechanism[1]},
              "outcome": {"label": result[0], "text": result[1]}, "summary": roundtrip.block(summary.strip()),
              "evidence": evidence, "not_triggered": flow([]), "theories": flow([]), "status": "proposed",
              "version": quoted("0.1"),
              "history": [{"date": quoted(today), "theory_version": quoted(theory_version), "version": quoted("0.1"),
                           "status": "proposed", "change": change,
                           "rationale": rationale or fill_in("why this CMOC is proposed: the analysts' memo"),
                           "evidence": flow(list(quotes))}]}
    if not evidence:
        record["evidence"] = flow([])
    return MODELINE.format(kind="cmoc") + roundtrip.dump(record)


def new_cmoc(theory_dir: Path, theory: ProgrammeTheory, editions: list[Edition], *, outcome: str, beneficiary: str,
             title: str, today: str) -> dict[Path, str]:
    if outcome not in {o.id for o in theory.outcomes}:
        raise refused(f"{theory_dir.name}/outcomes", f"`{outcome}` is not an outcome of the theory",
                      "use one of: " + ", ".join(o.id for o in theory.outcomes))
    if beneficiary not in {b.id for b in theory.study.beneficiaries}:
        raise refused(theory.study.file, f"`{beneficiary}` is not a beneficiary of the theory",
                      "use one of: " + ", ".join(b.id for b in theory.study.beneficiaries))
    version, files = change_version(theory_dir, theory, editions)
    cmoc_id = next_id(theory_dir / "cmocs", "cmoc")
    files[theory_dir / "cmocs" / f"{cmoc_id}.yaml"] = cmoc_text(cmoc_id, title=title, outcome=outcome,
                                                                beneficiary=beneficiary, today=today,
                                                                theory_version=version)
    return files


# ----------------------------------------------------------------------------- a new quote

def new_quote(theory_dir: Path, theory: ProgrammeTheory, editions: list[Edition], *, source: str, participant: str,
              cmoc: str, direction: str, text: str, today: str, rationale: str | None = None) -> dict[Path, str]:
    """The quote, its evidence entry in the CMOC, and what that change to the CMOC needs: a new
    minor version and a history entry when the CMOC was released as it stands."""
    if source not in {s.id for s in theory.sources}:
        raise refused(f"{theory_dir.name}/sources", f"`{source}` is not a source of the theory",
                      "use one of: " + ", ".join(s.id for s in theory.sources))
    tags = [p.tag for p in theory.get(source).participants]
    if participant not in tags:
        raise refused(theory.get(source).file, f"participant {participant} is not listed in `{source}`",
                      "use one of: " + (", ".join(tags) or "none yet") + "; or add them to its `participants`")
    if cmoc not in {c.id for c in theory.cmocs}:
        raise refused(f"{theory_dir.name}/cmocs", f"`{cmoc}` is not a CMOC of the theory", "name a CMOC by its id")
    if not " ".join(text.split()):
        raise refused(f"{theory_dir.name}/quotes", "the quote is empty", "give its words, as said")
    version, files = change_version(theory_dir, theory, editions)
    quote_id = next_id(theory_dir / "quotes", "quote")
    files[theory_dir / "quotes" / f"{quote_id}.yaml"] = MODELINE.format(kind="quote") + \
        roundtrip.dump({"id": quote_id, "source": source, "participant": roundtrip.quoted(participant),
                        "text": " ".join(text.split())})
    path = theory_dir / "cmocs" / f"{cmoc}.yaml"
    files[path] = roundtrip.edited(path, lambda data: cite(
        data, theory.get(cmoc), editions, [{"quote": quote_id, "direction": direction}], theory_version=version,
        today=today, change=f"Cites {quote_id} ({direction}).",
        rationale=rationale or fill_in(f"why {quote_id} bears on this CMOC")))
    return files


def cite(data, record, editions: list[Edition], evidence: list[dict], *, theory_version: str, today: str,
         change: str, rationale: str) -> None:
    """Evidence entries added to a CMOC's record (`data`, round-trip); a CMOC released as it stands
    also gets the version and the history entry that change needs, unless already written."""
    for entry in evidence:
        roundtrip.append(data, "evidence", entry)
    released = editions[-1].record("cmocs", record.id) if editions else None
    if not released:
        return
    version_now, entry_written = record.version, len(record.history) > len(released.get("history") or [])
    core = [part for part in ("context", "mechanism", "outcome")
            if (released.get(part) or {}).get("text") != getattr(record, part).text]
    needed = f"{version_key(released['version'])[0] + 1}.0" if core else next_minor(released["version"])
    if version_key(version_now) < version_key(needed):
        version_now = needed
        data["version"] = roundtrip.quoted(needed)
    if not entry_written:
        quoted = roundtrip.quoted
        roundtrip.append(data, "history", {
            "date": quoted(today), "theory_version": quoted(theory_version), "version": quoted(version_now),
            "status": record.status, "change": change + (f" Its {', '.join(core)} reworded." if core else ""),
            "rationale": rationale, "evidence": roundtrip.flow([e["quote"] for e in evidence if "quote" in e])})


def problems_with(theory_dir: Path, files: dict[Path, str]) -> list[Problem]:
    """The problems the theory would have with `files` written (in a scratch copy: nothing is touched)."""
    import shutil
    import tempfile
    from ..records.loader import load
    with tempfile.TemporaryDirectory() as scratch:
        copy = Path(scratch) / theory_dir.name
        shutil.copytree(theory_dir, copy)
        if (theory_dir.parent / "editions").is_dir():
            shutil.copytree(theory_dir.parent / "editions", Path(scratch) / "editions")
        for path, text in files.items():
            target = copy / Path(path).relative_to(theory_dir)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        return load(copy).problems
