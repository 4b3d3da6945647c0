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
