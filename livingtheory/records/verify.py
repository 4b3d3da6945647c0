"""Released editions checked against the repository's history (CI, on every pull request).

`check` verifies each snapshot against the manifest; this verifies the manifest itself against the
base branch, so that a pull request cannot add or alter a released snapshot unnoticed:
- every edition the base released is still there, its manifest entry unchanged, its snapshot
  unchanged unless a withdrawal redacted it (and then only by that redaction, recorded);
- a new edition is the live theory's own version, released by `release`: its snapshot is exactly
  the theory's data with its release date.
"""
from __future__ import annotations

import copy
import hashlib
import json
import subprocess
from pathlib import Path

from ..problems import Problem, TheoryInvalid
from .data import theory_json
from .editions import MANIFEST, read_manifest
from .loader import load_theory

_FIX = "released editions change only through `release` and `withdraw`: restore editions/ from the base branch"


def _git(repo: Path, *args: str) -> bytes:
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, check=True).stdout


def base_files(repo: Path, base: str) -> dict[str, bytes]:
    """editions/ as the base ref has it: name -> bytes."""
    names = _git(repo, "ls-tree", "--name-only", f"{base}:editions").decode().split() \
        if _git(repo, "ls-tree", base, "editions").strip() else []
    return {name: _git(repo, "show", f"{base}:editions/{name}") for name in names}


def verify_against_git(theory_dir: Path, base: str) -> list[Problem]:
    repo, folder = theory_dir.parent, theory_dir.parent / "editions"
    try:
        before = base_files(repo, base)
    except (subprocess.CalledProcessError, FileNotFoundError) as err:
        return [Problem("editions", 0, 0, f"the base {base} cannot be read from git ({err})",
                        "fetch the base branch with its history (actions/checkout: fetch-depth 0)")]
    old = json.loads(before.pop(MANIFEST, b'{"editions": [], "redactions": []}'))
    new = read_manifest(folder)
    problems = [Problem(f"editions/{MANIFEST}", 0, 0, f"the manifest entry of edition {entry['version']} was changed "
                        "or removed", _FIX) for entry in old["editions"] if not _kept(entry, new["editions"])]
    if new.get("redactions", [])[:len(old.get("redactions", []))] != old.get("redactions", []):
        problems.append(Problem(f"editions/{MANIFEST}", 0, 0, "a recorded redaction was changed or removed", _FIX))
    added = new.get("redactions", [])[len(old.get("redactions", [])):]
    for name, bytes_before in before.items():
        path = folder / name
        if not path.is_file():
            problems.append(Problem(f"editions/{name}", 0, 0, "a released snapshot was deleted", _FIX))
        elif path.read_bytes() != bytes_before and not _redacted(bytes_before, path.read_bytes(),
                                                                 [r for r in added if r["edition"] == path.stem]):
            problems.append(Problem(f"editions/{name}", 0, 0, "a released snapshot was changed other than by a "
                                    "recorded withdrawal", _FIX))
    problems += _releases(theory_dir, folder, [e for e in new["editions"] if e.get("version") not in {o["version"] for o in old["editions"]}])
    return problems


def _kept(entry: dict, entries: list[dict]) -> bool:
    """An edition's entry is unchanged, but for the version DOI recorded once (`record-doi`)."""
    now = next((e for e in entries if e.get("version") == entry["version"]), None)
    return now is not None and (now == entry or ("doi" not in entry and {k: v for k, v in now.items() if k != "doi"} == entry))


def _redacted(before: bytes, after: bytes, redactions: list[dict]) -> bool:
    """`after` is `before` with exactly these recorded redactions made."""
    if not redactions or hashlib.sha256(before).hexdigest() != redactions[0]["sha256_before"] \
            or hashlib.sha256(after).hexdigest() != redactions[-1]["sha256_after"]:
        return False
    expected = copy.deepcopy(json.loads(before))
    for redaction in redactions:
        quote = next((q for q in expected.get("quotes") or [] if q.get("id") == redaction["quote"]), None)
        if quote is None:
            return False
        quote.update({"text": None, "withdrawn": {"date": redaction["date"], "reason": redaction["reason"]}})
    return json.loads(after) == expected


def _releases(theory_dir: Path, folder: Path, entries: list[dict]) -> list[Problem]:
    """A new edition is the live theory, frozen by `release`."""
    if not entries:
        return []
    try:
        theory = load_theory(theory_dir)
    except TheoryInvalid as invalid:
        return invalid.problems
    problems = []
    for entry in entries:
        path = folder / f"{entry['version']}.json"
        if entry["version"] != theory.study.version or not path.is_file() \
                or path.read_text(encoding="utf-8") != theory_json(theory, entry["released"]):
            problems.append(Problem(f"editions/{entry['version']}.json", 0, 0, f"edition {entry['version']} is not the "
                                    "theory as this change leaves it, frozen by `release`",
                                    "release only the theory's own version, with `make release`, and commit what it writes"))
    return problems


def editions_for_republishing(theory_dir: Path, ref: str, version: str) -> list[str]:
    """editions/ as `ref` (the main branch) has it now, up to edition `version`: checked out at that
    edition's tag, its pages are built again with what was recorded since (its DOI, withdrawals).
    Returns the files written."""
    repo, folder = theory_dir.parent, theory_dir.parent / "editions"
    files = base_files(repo, ref)
    manifest = json.loads(files.pop(MANIFEST, b'{"editions": []}'))
    versions = [e["version"] for e in manifest["editions"]]
    if version not in versions:
        raise ValueError(f"edition {version} is not released on {ref}")
    kept = set(versions[: versions.index(version) + 1])
    manifest["editions"] = [e for e in manifest["editions"] if e["version"] in kept]
    manifest["redactions"] = [r for r in manifest.get("redactions", []) if r["edition"] in kept]
    for stale in folder.glob("*.json"):
        stale.unlink()
    written = [MANIFEST]
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    for name in sorted(f"{v}.json" for v in kept):
        (folder / name).write_bytes(files[name])
        written.append(name)
    return written
