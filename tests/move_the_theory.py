"""Move the theory as a research team would, on a copy of the project, and run the tests there.

    python tests/move_the_theory.py refined   # an ordinary pull request: a CMOC refined with its
                                              # history entry, the theory's version raised, nothing released
    python tests/move_the_theory.py released  # the same, then released with `release`

The copy is made beside this project (so that ../shared is beside it too) with this project's
environments linked in; the tests that read the live theory (marked `live`) then run in it, and
must pass: a correct change to the theory never fails the suite. Works on whatever the live
theory is: it refines the first current CMOC the latest edition released.
"""
from __future__ import annotations

import datetime
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from livingtheory import load_theory  # noqa: E402
from livingtheory.contrib.scaffold import change_version  # noqa: E402
from livingtheory.records.data import plain  # noqa: E402
from livingtheory.records.editions import load_editions  # noqa: E402
from livingtheory.records.lifecycle import next_minor  # noqa: E402

LINKED = (".venv", ".venv-zensical", "node_modules")
TODAY = datetime.date.today().isoformat()


def copy_project(target: Path) -> None:
    tracked = subprocess.run(["git", "-C", str(REPO), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                             capture_output=True, check=True).stdout.decode().split("\0")
    for name in filter(None, tracked):
        source = REPO / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    for name in LINKED:
        if (REPO / name).exists():
            (target / name).symlink_to(REPO / name)


def refine(project: Path) -> str:
    """A CMOC of the latest edition, reworded in its explanatory summary (a minor change), with its
    history entry; the theory's version raised if it is still the latest edition's."""
    theory_dir = project / "theory"
    theory = load_theory(theory_dir)
    editions = load_editions(project / "editions", plain(theory.sources))
    version, files = change_version(theory_dir, theory, editions)
    for path, text in files.items():
        path.write_text(text)
    released = {c["id"] for c in editions[-1].data["cmocs"]} if editions else set()
    cmoc = next(c for c in theory.current if c.id in released)
    path = project / cmoc.file
    text = path.read_text()
    text = text.replace("summary: |-\n", "summary: |-\n  Refined in a later phase of the evaluation.\n", 1)
    text = re.sub(r'^version: "?[0-9.]+"?', f'version: "{next_minor(cmoc.version)}"', text, count=1, flags=re.M)
    text = text.rstrip("\n") + (f'\n  - date: "{TODAY}"\n    theory_version: "{version}"\n'
                                f'    version: "{next_minor(cmoc.version)}"\n    status: {cmoc.status}\n'
                                '    change: "Explanatory summary refined."\n'
                                '    rationale: "A later phase of the evaluation."\n    evidence: []\n')
    path.write_text(text)
    return cmoc.id


def main(kind: str, pytest_args: list[str]) -> int:
    with tempfile.TemporaryDirectory(prefix=f"moved-{kind}-", dir=REPO.parent) as folder:
        project = Path(folder) / REPO.name
        copy_project(project)
        cmoc = refine(project)
        python = REPO / ".venv/bin/python"
        for command in (["-m", "livingtheory", "check"], *([["-m", "livingtheory", "release"]] if kind == "released" else [])):
            done = subprocess.run([str(python), *command], cwd=project)
            if done.returncode:
                return done.returncode
        print(f"the theory moved ({kind}): {cmoc} refined" + (", released" if kind == "released" else ""), flush=True)
        env = {**os.environ, "LIVINGTHEORY_SOURCE": str(REPO.parent / "shared" / "source")}
        return subprocess.run([str(python), "-m", "pytest", "-m", "live", "-p", "no:cacheprovider", *pytest_args],
                              cwd=project, env=env).returncode


if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in ("refined", "released"):
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1], sys.argv[2:]))
