"""Load theory/ into a ProgrammeTheory, or list every problem at once: read (read.py), build the
model (build.py), check what joins the records (references.py), and check the change against the
released editions (lifecycle.py, editions.py)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..problems import Problem, TheoryInvalid
from . import lifecycle, references
from .build import build
from .data import plain, theory_data
from .editions import UNRECORDED, Edition, read_editions
from .model import ProgrammeTheory
from .read import STUDY_FILE, Records, read_folder, shown


@dataclass
class Loaded:
    """What a theory folder holds: the model (None when the study record cannot be read), every
    problem found, the records as read, and the released editions."""
    theory: ProgrammeTheory | None
    problems: list[Problem]
    records: Records
    editions: list[Edition]

    @property
    def incomplete(self) -> bool:
        """Some records could not be read: what refers to them was not checked."""
        return any(self.records.failed.values())


def load(theory_dir: str | Path, editions_dir: str | Path | None = None, *, cache: dict | None = None) -> Loaded:
    """Every record, checked; never raises for a problem of the records. Released editions
    (editions/ beside theory/, unless named) are what the lifecycle rules compare with, so every
    caller (check, build, release) applies them."""
    theory_dir = Path(theory_dir)
    problems: list[Problem] = []
    records = read_folder(theory_dir, problems, cache)
    if "study" not in records.single:
        if not records.failed["study"]:
            problems.append(Problem(shown(theory_dir / STUDY_FILE, theory_dir), 0, 0, "the study record is missing",
                                    f"put back theory/{STUDY_FILE} (on GitHub: find it in the repository's history)"))
        return Loaded(None, problems, records, [])
    theory = build(records)
    editions, found = read_editions(Path(editions_dir) if editions_dir else theory_dir.parent / "editions",
                                    plain(theory.sources))
    problems += found
    released_quotes = {q["id"] for edition in editions for q in edition.data.get("quotes") or []}
    problems += references.check(theory, records, released_quotes=released_quotes,
                                 latest_release=editions[-1].version if editions else None)
    problems += _lifecycle(theory, records, editions, theory_dir.name)
    return Loaded(theory, problems, records, editions)


def load_theory(theory_dir: str | Path, editions_dir: str | Path | None = None) -> ProgrammeTheory:
    """The checked theory; raises TheoryInvalid listing every problem."""
    loaded = load(theory_dir, editions_dir)
    if loaded.problems:
        raise TheoryInvalid(loaded.problems, incomplete=loaded.incomplete)
    return loaded.theory


def _lifecycle(theory: ProgrammeTheory, records: Records, editions: list[Edition], folder: str) -> list[Problem]:
    by_file = records.by_file()

    def locate(file: str, path: tuple) -> tuple[int, int]:
        return by_file[file].position(path) if file in by_file else (0, 0)

    live = theory_data(theory)
    problems = lifecycle.check_records({c["id"]: c for c in live["cmocs"]}, locate)
    if editions:
        problems += lifecycle.check_against_editions(live, editions, records.failed, theory.study.file, folder, locate,
                                                     UNRECORDED)
    return problems
