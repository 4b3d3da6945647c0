"""The lifecycle rules: what a change to the theory must record, checked against released editions.

A released edition (editions/<version>.json) is what readers cited. Against every edition:
- a released record of any kind (CMOC, quote, outcome, service, source and its participants,
  substantive theory, content page) is never deleted or renamed: its address must keep resolving;
- versions never go below a released one, the theory's and each CMOC's;
- history entries that were released are never rewritten, only appended to.
Against the newest edition:
- a CMOC whose context, mechanism or outcome changed needs a new major version and a history
  entry; any other change to a CMOC at least a new minor version and a history entry;
- a changed record of another kind needs a new history entry (a withdrawal records itself);
- the theory differs from its latest edition only under a later theory version.
Within the records alone: a CMOC becomes refuted, merged or split only at a new major version.
"""
from __future__ import annotations

from typing import Callable

from ..problems import Problem
from .model import version_key

RETIRED = ("refuted", "merged", "split")
_CORE = ("context", "mechanism", "outcome")
KINDS = {"cmocs": "CMOC", "quotes": "quote", "outcomes": "outcome", "services": "service", "sources": "source",
         "theories": "substantive theory", "content": "page"}
FOLDERS = {"cmocs": "cmocs", "quotes": "quotes", "outcomes": "outcomes", "services": "services", "sources": "sources",
           "theories": "theories", "content": "content"}
_BOOKKEEPING = {"file", "history", "version"}  # what a change records, not the change itself
_WITHDRAWAL = {"text", "withdrawn"}  # a withdrawal is recorded by its own date and reason

Locate = Callable[[str, tuple], tuple[int, int]]  # (record file, path in it) -> (line, column)


def _major(version: str) -> int:
    return version_key(version)[0]


def next_minor(version: str) -> str:
    major, minor = (version_key(version) + (0,))[:2]
    return f"{major}.{minor + 1}"


def same(old, new, unrecorded=None) -> bool:
    """Equal, where a field an older edition did not record (`unrecorded`) matches anything and an
    absent field is empty."""
    if unrecorded is not None and old is unrecorded:
        return True
    if isinstance(old, dict) and isinstance(new, dict):
        return all(same(old.get(k), new.get(k), unrecorded) for k in set(old) | set(new))
    if isinstance(old, list) and isinstance(new, list):
        return len(old) == len(new) and all(same(a, b, unrecorded) for a, b in zip(old, new))
    return (old or None) == (new or None)


def changed_fields(old: dict, new: dict, unrecorded=None) -> list[str]:
    return [k for k in sorted(set(old) | set(new)) if k not in _BOOKKEEPING and not same(old.get(k), new.get(k), unrecorded)]


# ----------------------------------------------------------------------------- within the records

def check_records(cmocs: dict[str, dict], locate: Locate) -> list[Problem]:
    """Rules that the records alone decide: retirement at a major version."""
    problems = []
    for cmoc in cmocs.values():
        history = cmoc["history"]
        for i in range(1, len(history)):
            before, entry = history[i - 1], history[i]
            if entry["status"] in RETIRED and entry["status"] != before["status"] \
                    and _major(entry["version"]) <= _major(before["version"]):
                problems.append(Problem(cmoc["file"], *locate(cmoc["file"], ("history", i, "version")),
                                        f"a CMOC that becomes {entry['status']} needs a new major version "
                                        f"(it was {before['version']}, this entry says {entry['version']})",
                                        f"write version \"{_major(before['version']) + 1}.0\" here and in `version`"))
    return problems


# ----------------------------------------------------------------------------- against the editions

def check_against_editions(live: dict, editions: list, failed: dict[str, set[str]], study_file: str, folder: str,
                           locate: Locate, unrecorded=None) -> list[Problem]:
    """The rules that compare the live theory (plain data) with the released editions (plain data
    in the current format, oldest first)."""
    problems = []
    for edition in editions:
        problems += _kept(live, edition, failed, folder, locate)
    newest = editions[-1]
    changes = []
    for kind in KINDS:
        released = {r["id"]: r for r in newest.data.get(kind) or []}
        for record in live.get(kind) or []:
            old = released.get(record["id"])
            if old is None:
                changes.append(record["id"])
                continue
            fields = changed_fields(old, record, unrecorded)
            if kind == "cmocs":
                problems += _check_cmoc(old, record, newest.version, locate, unrecorded)
            elif fields and not _recorded(old, record, newest.version, fields):
                problems.append(_needs_history(kind, record, fields, newest.version, live["study"]["version"], locate))
            if fields or len(record.get("history") or []) != len(old.get("history") or []):
                changes.append(record["id"])
    study_changed = changed_fields(newest.data.get("study") or {}, live["study"], unrecorded)
    others_changed = any(not same(newest.data.get(kind), live.get(kind), unrecorded) for kind in ("reporting", "references"))
    problems += _theory_version(live["study"], newest, bool(changes or study_changed or others_changed), study_file,
                                locate)
    return problems


def _kept(live: dict, edition, failed: dict[str, set[str]], folder: str, locate: Locate) -> list[Problem]:
    """Nothing released in this edition is gone, renamed, or has its released history rewritten."""
    problems = []
    for kind, name in KINDS.items():
        now = {r["id"]: r for r in live.get(kind) or []}
        unreadable = bool(failed.get(_singular(kind)))  # a record that did not load is reported, not judged deleted
        for old in edition.data.get(kind) or []:
            record = now.get(old["id"])
            if record is None:
                if not unreadable:
                    problems.append(_deleted(kind, name, old, edition.version, folder))
                continue
            problems += _history_kept(old, record, edition.version, locate)
            if kind == "sources":
                problems += _participants_kept(old, record, edition.version, locate)
    return problems


def _singular(kind: str) -> str:
    return {"cmocs": "cmoc", "quotes": "quote", "outcomes": "outcome", "services": "service", "sources": "source",
            "theories": "theory", "content": "content"}[kind]


def _deleted(kind: str, name: str, old: dict, version: str, folder: str) -> Problem:
    file = old.get("file") if isinstance(old.get("file"), str) else f"{folder}/{FOLDERS[kind]}/{old['id']}.yaml"
    retire = {"cmocs": "set its `status` to refuted, merged or split, with a history entry (and `replaced_by` for a "
                       "merge or split)",
              "quotes": "if its words must go (consent withdrawn, a risk of identifying someone), keep the file and "
                        "withdraw the quote: add `withdrawn:` with `date:` and `reason:`, and delete its `text:`"}
    return Problem(file, 0, 0, f"{name} `{old['id']}` was published in edition {version}, and readers' citations lead "
                   "to it: it cannot be deleted or renamed",
                   f"restore the file as it was (on GitHub: open the edition's file from the repository's history, "
                   f"copy it back); then " + retire.get(kind, "record what changed in a new `history` entry"))


def _history_kept(old: dict, new: dict, version: str, locate: Locate) -> list[Problem]:
    released, now = old.get("history") or [], new.get("history") or []
    for i, entry in enumerate(released):
        if i >= len(now) or not same(entry, now[i]):
            return [Problem(new["file"], *locate(new["file"], ("history", min(i, max(len(now) - 1, 0)))),
                            f"history entry {i + 1} was released in edition {version} and cannot be changed",
                            "put it back as it was released (the edition's file in the repository's history has it), "
                            "and record the change in a new entry at the end")]
    return []


def _participants_kept(old: dict, new: dict, version: str, locate: Locate) -> list[Problem]:
    tags = {p["tag"] for p in new.get("participants") or []}
    return [Problem(new["file"], *locate(new["file"], ("participants",)),
                    f"participant {p['tag']} of `{new['id']}` was published in edition {version} and cannot be removed",
                    "put them back; to take their words out, withdraw them: `withdrawn:` with `date:` and `reason:`")
            for p in old.get("participants") or [] if p.get("tag") not in tags]


def _recorded(old: dict, new: dict, version: str, fields: list[str]) -> bool:
    """The change has a history entry released after `version`, or is a withdrawal, which records itself."""
    if set(fields) <= _WITHDRAWAL and new.get("withdrawn"):
        return True
    return any(version_key(entry["theory_version"]) > version_key(version)
               for entry in (new.get("history") or [])[len(old.get("history") or []):])


def _needs_history(kind: str, record: dict, fields: list[str], version: str, live_version: str, locate: Locate) -> Problem:
    next_version = live_version if version_key(live_version) > version_key(version) else next_minor(version)
    return Problem(record["file"], *locate(record["file"], (fields[0],)),
                   f"{KINDS[kind]} `{record['id']}` was released in edition {version} and has changed since "
                   f"({', '.join(fields)}), with no history entry for the change",
                   f"add at the end of the record a `history:` entry with date, theory_version \"{next_version}\" "
                   "(the theory's version, raised after the edition's), change and rationale: the reason is part "
                   "of the published record")


def _theory_version(study: dict, newest, changed: bool, study_file: str, locate: Locate) -> list[Problem]:
    live, frozen = version_key(study["version"]), version_key(newest.version)
    if live < frozen:
        return [Problem(study_file, *locate(study_file, ("theory", "version")),
                        f"the theory's version {study['version']} is below edition {newest.version}, which is released",
                        f"versions only go up: write a version after {newest.version}")]
    if live == frozen and changed:
        return [Problem(study_file, *locate(study_file, ("theory", "version")),
                        f"the theory has changed since edition {newest.version} was released, but its version is "
                        f"still {study['version']}", f"raise theory → version (e.g. to \"{next_minor(newest.version)}\"), "
                        "and give the new history entries that theory_version")]
    return []


def _check_cmoc(old: dict, new: dict, released_in: str, locate: Locate, unrecorded=None) -> list[Problem]:
    file, problems = new["file"], []
    at = lambda *path: locate(file, path)  # noqa: E731
    old_v, new_v = version_key(old["version"]), version_key(new["version"])
    if new_v < old_v:
        return [Problem(file, *at("version"), f"version {new['version']} is below {old['version']}, the version "
                        f"published in edition {released_in}", f"versions only go up: put back {old['version']} "
                        "or raise it, with a history entry")]
    fields = changed_fields(old, new, unrecorded)
    if not fields and new_v == old_v:
        return []
    appended = len(new["history"]) > len(old["history"])
    core = [part for part in _CORE if part in fields]
    if core and new_v[0] <= old_v[0]:
        problems.append(Problem(file, *at("version"), f"{new['id']} was released at version {old['version']} and "
                                f"its {', '.join(core)} changed: that needs a new major version",
                                f"write version \"{old_v[0] + 1}.0\", with a history entry that says why"))
    elif new_v == old_v:
        problems.append(Problem(file, *at("version"), f"{new['id']} changed since edition {released_in} "
                                f"({', '.join(fields)}) but is still version {old['version']}"
                                + ("" if appended else ", with no new history entry"),
                                f"raise its version (at least \"{next_minor(old['version'])}\")"
                                + (" and add a" if not appended else ", as the new") + " history entry that says what "
                                "changed and why"))
        return problems
    if not appended:
        problems.append(Problem(file, *at("history"), f"{new['id']} changed since edition {released_in} "
                                f"({', '.join(fields) or 'version'}) with no new history entry",
                                "add a history entry at the end: date, theory_version, version, status, change and "
                                "rationale (the analysts' memo)"))
    return problems
