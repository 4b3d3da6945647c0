"""The lifecycle rules: what a change to the theory must record, checked against the last release.

A released edition (editions/<version>.json) is what readers cited. Against the newest one:
- a published CMOC is never deleted (its address must keep resolving);
- versions never go below the released ones, the theory's and each CMOC's;
- a released CMOC whose context, mechanism or outcome changed needs a new major version and a
  history entry; any other change needs at least a new minor version and a history entry;
- history entries that were released are never rewritten, only appended to;
- the theory differs from its last edition only under a later theory version.
Within the records alone: a CMOC becomes refuted, merged or split only at a new major version,
and a merge or split names successors that are themselves current.
"""
from __future__ import annotations

from typing import Callable

from ..problems import Problem

RETIRED = ("refuted", "merged", "split")
_CORE = ("context", "mechanism", "outcome")
_BOOKKEEPING = {"version", "history", "source"}  # what a change records, not the change itself

Locate = Callable[[str, tuple], tuple[int, int]]  # (record file, path in it) -> (line, column)


def version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def _major(version: str) -> int:
    return version_key(version)[0]


def _same(old, new) -> bool:
    """Equal, where a field an older edition did not have counts as empty."""
    return (old or None) == (new or None)


def check_records(cmocs: dict[str, dict], locate: Locate) -> list[Problem]:
    """Rules that the records alone decide: retirement at a major version, current successors."""
    problems = []
    for cmoc in cmocs.values():
        file = cmoc["source"]
        history = cmoc["history"]
        for i in range(1, len(history)):
            before, entry = history[i - 1], history[i]
            if entry["status"] in RETIRED and entry["status"] != before["status"] \
                    and _major(entry["version"]) <= _major(before["version"]):
                problems.append(Problem(file, *locate(file, ("history", i, "version")),
                                        f"a CMOC that becomes {entry['status']} needs a new major version "
                                        f"(it was {before['version']}, this entry says {entry['version']})",
                                        f"write version \"{_major(before['version']) + 1}.0\" here and in `version`"))
        for i, successor in enumerate(cmoc.get("replaced_by") or ()):
            status = cmocs.get(successor, {}).get("status")
            if status in RETIRED:
                problems.append(Problem(file, *locate(file, ("replaced_by", i)),
                                        f"`{successor}` replaces this CMOC but is itself {status}",
                                        "name CMOCs that are current (not refuted, merged or split); "
                                        f"if {successor} was merged or split, name what replaced it"))
    return problems


def check_against_edition(study: dict, cmocs: dict[str, dict], edition, study_file: str, cmoc_file: Callable[[str], str],
                          locate: Locate) -> list[Problem]:
    """The rules that compare the live theory with the newest released edition."""
    problems = []
    released = {c["id"]: c for c in edition.data["cmocs"]}
    for cmoc_id, old in released.items():
        if cmoc_id not in cmocs:
            problems.append(Problem(cmoc_file(cmoc_id), 0, 0,
                                    f"{cmoc_id} was published in edition {edition.version} and cannot be deleted",
                                    "restore the file (git checkout) and set its status to refuted, merged or split, "
                                    "with a history entry (and replaced_by for a merge or split)"))
            continue
        new = cmocs[cmoc_id]
        problems += _check_cmoc(old, new, edition.version, locate)
    changed = any(cmoc_id not in released or _changed_fields(released[cmoc_id], cmoc)
                  or len(cmoc["history"]) != len(released[cmoc_id]["history"]) for cmoc_id, cmoc in cmocs.items())
    live, frozen = version_key(study["version"]), version_key(edition.version)
    if live < frozen:
        problems.append(Problem(study_file, *locate(study_file, ("theory", "version")),
                                f"the theory's version {study['version']} is below edition {edition.version}, "
                                "which is released", f"versions only go up: write a version after {edition.version}"))
    elif live == frozen and changed:
        problems.append(Problem(study_file, *locate(study_file, ("theory", "version")),
                                f"the theory has changed since edition {edition.version} was released, "
                                f"but its version is still {study['version']}",
                                f"raise theory → version (e.g. to \"{_next_minor(edition.version)}\"), and give the "
                                "new history entries that theory_version"))
    return problems


def _next_minor(version: str) -> str:
    major, minor = version_key(version)[:2] if "." in version else (version_key(version)[0], 0)
    return f"{major}.{minor + 1}"


def _changed_fields(old: dict, new: dict) -> list[str]:
    return [k for k in sorted(set(old) | set(new)) if k not in _BOOKKEEPING and not _same(old.get(k), new.get(k))]


def _check_cmoc(old: dict, new: dict, released_in: str, locate: Locate) -> list[Problem]:
    file, problems = new["source"], []
    at = lambda *path: locate(file, path)  # noqa: E731
    old_v, new_v = version_key(old["version"]), version_key(new["version"])
    if new_v < old_v:
        return [Problem(file, *at("version"), f"version {new['version']} is below {old['version']}, the version "
                        f"published in edition {released_in}", f"versions only go up: restore {old['version']} "
                        "or raise it, with a history entry")]
    released_history = old["history"]
    for i, entry in enumerate(released_history):
        if i >= len(new["history"]) or not _same_entry(entry, new["history"][i]):
            return [Problem(file, *at("history", min(i, len(new["history"]) - 1)),
                            f"history entry {i + 1} was released in edition {released_in} and cannot be changed",
                            "restore it as it was (git checkout the lines) and record the change in a new entry "
                            "at the end")]
    fields = _changed_fields(old, new)
    if not fields and new_v == old_v:
        return []
    appended = len(new["history"]) > len(released_history)
    core = [part for part in _CORE if part in fields]
    if core and new_v[0] <= old_v[0]:
        problems.append(Problem(file, *at("version"), f"{new['id']} was released at version {old['version']} and "
                                f"its {', '.join(core)} changed: that needs a new major version",
                                f"write version \"{old_v[0] + 1}.0\", with a history entry that says why"))
    elif new_v == old_v:
        problems.append(Problem(file, *at("version"), f"{new['id']} changed since edition {released_in} "
                                f"({', '.join(fields)}) but is still version {old['version']}"
                                + ("" if appended else ", with no new history entry"),
                                f"raise its version (at least \"{_next_minor(old['version'])}\")"
                                + (" and add a" if not appended else ", as the new") + " history entry that says what "
                                "changed and why"))
        return problems
    if not appended:
        problems.append(Problem(file, *at("history"), f"{new['id']} changed since edition {released_in} "
                                f"({', '.join(fields) or 'version'}) with no new history entry",
                                "add a history entry at the end: date, theory_version, version, status, change and "
                                "rationale (the analysts' memo)"))
    return problems


def _same_entry(old: dict, new: dict) -> bool:
    return all(_same(old.get(k), new.get(k)) for k in set(old) | set(new))
