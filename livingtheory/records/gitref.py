"""The theory as it stands at another commit (a pull request's base branch): what a change is compared with."""
from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

from .loader import load_theory
from .model import ProgrammeTheory


class UnknownRef(ValueError):
    """The name given is not a commit of the repository (the message says how to fetch it)."""


def theory_at(ref: str, theory_dir: Path) -> ProgrammeTheory:
    """The theory in `theory_dir`'s folder as it was at git ref `ref` (its editions left out: only
    its records are compared). Raises UnknownRef, or TheoryInvalid when these tools cannot read it."""
    theory_dir = Path(theory_dir).resolve()

    def git(*args: str, cwd: Path = theory_dir) -> subprocess.CompletedProcess:
        return subprocess.run(["git", "-C", str(cwd), *args], capture_output=True)

    top = git("rev-parse", "--show-toplevel")
    commit = git("rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}")
    if top.returncode or commit.returncode:
        where = "the repository" if not top.returncode else f"{theory_dir} (not in a git repository)"
        raise UnknownRef(f"`{ref}` is not a commit of {where}: fetch the base branch "
                         f"(`git fetch origin <branch>`), or leave BASE unset to build without comparing")
    root = Path(top.stdout.decode().strip())
    folder = theory_dir.relative_to(root).as_posix()
    archive = git("archive", commit.stdout.decode().strip(), "--", folder, cwd=root)
    with tempfile.TemporaryDirectory() as tmp:
        if archive.returncode == 0:
            subprocess.run(["tar", "-x", "-C", tmp], input=archive.stdout, check=True)
        (Path(tmp) / folder).mkdir(parents=True, exist_ok=True)  # no theory there yet: an empty one, refused
        return load_theory(Path(tmp) / folder, editions_dir=Path(tmp) / "no-editions")
