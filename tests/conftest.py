import os
import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
THEORY = REPO / "theory"
SOURCE = REPO.parent / "shared" / "source"  # the paper, beside the clone (as in CI)


@pytest.fixture
def theory_copy(tmp_path) -> Path:
    """A scratch copy of the real theory, to break or change without touching theory/."""
    target = tmp_path / "theory"
    shutil.copytree(THEORY, target)
    return target


def paper_text() -> str:
    paper = SOURCE / "thompson-2023-paper.md"
    if not paper.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{paper} is missing: CI must have shared/ beside the clone")
        pytest.skip("the paper (../shared/source) is not beside this clone")
    return paper.read_text()


# ----------------------------------------------------------------------------- building sites

import subprocess
import sys


def make_project(target: Path, theory: Path | None = None) -> Path:
    """A throwaway copy of the site project: config, docs and theory copied; hooks and node_modules linked."""
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "mkdocs.yml", target / "mkdocs.yml")
    for folder in ("docs", "overrides"):
        shutil.copytree(REPO / folder, target / folder)
    shutil.copytree(theory or THEORY, target / "theory")
    for linked in ("hooks", "node_modules"):
        (target / linked).symlink_to(REPO / linked)
    return target


def build(project: Path, site: Path) -> subprocess.CompletedProcess:
    """`mkdocs build --strict` of a project, as a contributor or CI runs it."""
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(project / "mkdocs.yml"),
                           "-d", str(site)], capture_output=True, text=True,
                          env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """The real site, built once per test run from the real theory."""
    site = tmp_path_factory.mktemp("site")
    result = build(REPO, site)
    assert result.returncode == 0, result.stderr
    return site
