"""Read a theory folder: every record file, read and checked against its schema, or its problems.

Layout: theory/study.yaml (and the optional reporting.yaml, deidentification.yaml), and one file
per record in theory/<folder>/<id>.yaml. Reading never writes to theory/. A file that fails to
read or to match its schema is reported and left out, and its id is remembered as failed, so
that nothing else is reported about it as if it were missing.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
import re
from pathlib import Path

from ..problems import Problem, TheoryInvalid
from .schema import check_record
from .yamlsource import Record, read_record

FOLDERS = {"cmocs": "cmoc", "quotes": "quote", "services": "service", "outcomes": "outcome",
           "theories": "theory", "content": "content", "sources": "source"}
SINGLE = {"study.yaml": "study", "reporting.yaml": "reporting", "deidentification.yaml": "deidentification",
          "references.yaml": "references"}
STUDY_FILE = "study.yaml"


@dataclass
class Records:
    """The records that read and matched their schemas, by kind, and the ids of those that did not."""
    single: dict[str, Record] = field(default_factory=dict)  # study, reporting, deidentification
    by_kind: dict[str, list[Record]] = field(default_factory=lambda: {kind: [] for kind in FOLDERS.values()})
    failed: dict[str, set[str]] = field(default_factory=lambda: {kind: set() for kind in (*FOLDERS.values(), *SINGLE.values())})
    unreadable: set[str] = field(default_factory=set)  # files shown as they last read well (a serve session's)

    def by_file(self) -> dict[str, Record]:
        return {r.file: r for r in (*self.single.values(), *(r for rs in self.by_kind.values() for r in rs))}

    def of(self, kind: str) -> list[Record]:
        return [self.single[kind]] if kind in self.single else self.by_kind.get(kind, [])


def shown(path: Path, theory_dir: Path) -> str:
    """Paths in messages are as a contributor sees them in the repository: theory/cmocs/cmoc-01.yaml."""
    return str(Path(theory_dir.name) / path.relative_to(theory_dir))


def inside(path: Path, root: Path) -> bool:
    """Whether path, with every link followed, stays within root."""
    return path.resolve().is_relative_to(root.resolve())


def record_files(theory_dir: Path, problems: list[Problem]) -> list[Path]:
    """The record files, sorted; a link that leads out of the repository is refused, never read."""
    repository = theory_dir.parent
    found = []
    for folder, subfolders, names in os.walk(theory_dir):
        here = Path(folder)
        subfolders[:] = sorted(d for d in subfolders if not d.startswith("."))
        for name in [*subfolders, *names]:
            path = here / name
            if name.startswith(".") or not path.is_symlink() or inside(path, repository):
                continue
            problems.append(Problem(shown(path, theory_dir), 0, 0,
                                    f"this is a link to {os.readlink(path)}, outside the repository",
                                    "put the record itself here (copy the file in place of the link)"))
            if name in subfolders:
                subfolders.remove(name)
        found += [here / name for name in names if not name.startswith(".")
                  and (not (here / name).is_symlink() or inside(here / name, repository))]
    return sorted(found)


def read_folder(theory_dir: Path, problems: list[Problem], cache: dict | None = None) -> Records:
    """Every record of the folder. `cache` (file -> (stamp, record, problems)) lets `make serve`
    read again only the files that changed since the last build."""
    if not theory_dir.is_dir():
        raise TheoryInvalid([Problem(str(theory_dir), 0, 0, "the theory folder does not exist",
                                     "run the command from the project folder, or name the theory folder")])
    records = Records()
    for path in record_files(theory_dir, problems):
        name = shown(path, theory_dir)
        relative = path.relative_to(theory_dir)
        if relative.as_posix() in SINGLE:
            kind = SINGLE[relative.as_posix()]
        elif len(relative.parts) == 2 and relative.parts[0] in FOLDERS:
            kind = FOLDERS[relative.parts[0]]
        else:
            problems.append(Problem(name, 0, 0, "this file is not where the theory keeps records",
                                    f"records go in theory/{STUDY_FILE} (and the optional "
                                    f"{', '.join(f for f in SINGLE if f != STUDY_FILE)}) or "
                                    f"theory/<{'|'.join(FOLDERS)}>/<id>.yaml"))
            continue
        if path.suffix != ".yaml":
            problems.append(Problem(name, 0, 0, f"the file name ends in {path.suffix or 'nothing'}, not .yaml",
                                    f"rename it to {path.stem}.yaml (in GitHub's editor: edit the name above the text)"))
            continue
        record, found = _read_checked(path, name, kind, cache)
        problems += found
        if record is None or found:
            records.failed[kind].add(kind if kind in SINGLE.values() else path.stem)
            last = (cache or {}).get(_LAST_GOOD, {}).get(name)
            if last is not None and kind not in SINGLE.values():
                # `make serve` only: the record as it last read well stands in for it, so that the rest
                # of the preview is as it was (only the record's own page changes, to say it cannot be read)
                records.by_kind[kind].append(last)
                records.unreadable.add(name)
        elif kind in SINGLE.values():
            records.single[kind] = record
        else:
            records.by_kind[kind].append(record)
    return records


def _read_checked(path: Path, name: str, kind: str, cache: dict | None) -> tuple[Record | None, list[Problem]]:
    stat = path.stat()
    stamp = (stat.st_mtime_ns, stat.st_size, stat.st_ino)
    if cache is not None and cache.get(name, (None,))[0] == stamp:
        return cache[name][1:]
    record, found = read_record(path, name)
    if record is not None and not found:
        found = check_record(kind, record)
    if record is not None and not found and kind not in SINGLE.values() and record.data["id"] != path.stem:
        line, column = record.position(("id",))
        said = record.data["id"]
        if (path.parent / f"{said}.yaml").is_file():  # a copied record: the other file has that id already
            found = [Problem(name, line, column, f"this record is a duplicate of {path.parent.name}/{said}.yaml: it "
                             f"says `id: {said}`, the id of that file", f"give this record its own id, as its file is "
                             f"named: `id: {path.stem}` (or delete this copy if it is one by mistake)")]
        else:
            found = [Problem(name, line, column, f"the id `{said}` does not match the file name `{path.name}`",
                             f"IDs are permanent: if this is a new record, rename the file to {said}.yaml; "
                             f"otherwise put the id back to `{path.stem}`")]
    if cache is not None:
        cache[name] = (stamp, record, found)
        if record is not None and not found:
            cache.setdefault(_LAST_GOOD, {})[name] = record
    return record, found


_LAST_GOOD = "\0last-good"  # in a serve session's cache: each file's record as it last read without a problem
