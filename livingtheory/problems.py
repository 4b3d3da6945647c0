"""Problems found in the theory records: each names a file, a line and what to do."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    file: str  # path relative to the theory folder's parent, as a contributor sees it
    line: int  # 1-based; 0 when the problem is about the whole file
    column: int  # 1-based; 0 when unknown
    message: str
    fix: str = ""

    def __str__(self) -> str:
        where = self.file
        if self.line:
            where += f":{self.line}"
            if self.column:
                where += f":{self.column}"
        text = f"{where}: {self.message}"
        if self.fix:
            text += f"\n    fix: {self.fix}"
        return text


class TheoryInvalid(Exception):
    """The theory has problems; all of them are listed, in file and line order. `incomplete`: some
    records could not be read, so what refers to them was not checked and more may follow."""

    def __init__(self, problems: list[Problem], *, incomplete: bool = False):
        self.problems = sorted(set(problems))
        self.incomplete = incomplete
        count = len(self.problems)
        more = ("\nSome records could not be read, so what depends on them was not checked yet: once these "
                "problems are fixed, `check` may find more.") if incomplete else ""
        super().__init__(f"the theory has {count} problem{'s' if count != 1 else ''}:\n"
                         + "\n".join(str(p) for p in self.problems) + more)


class CannotBuild(RuntimeError):
    """The site cannot be built on this machine as it is (not a problem of the records): the
    message says what to install or change."""
