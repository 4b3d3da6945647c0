"""Problems as GitHub workflow commands, so that a pull request shows each on its line of YAML.

https://docs.github.com/actions/reference/workflows-and-actions/workflow-commands: in a message,
`%`, CR and LF are percent-encoded; in a property (file, title) `:` and `,` are too, so that record
text can neither end the command nor add properties of its own.
"""
from __future__ import annotations

from ..problems import Problem


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(problem: Problem) -> str:
    where = [f"file={_property(problem.file)}"]
    if problem.line:
        where.append(f"line={problem.line}")
        if problem.column:
            where.append(f"col={problem.column}")
    message = problem.message + (f"\nfix: {problem.fix}" if problem.fix else "")
    return f"::error {','.join(where)},title={_property('theory check')}::{_data(message)}\n"


def annotations(problems: list[Problem]) -> str:
    return "".join(annotation(problem) for problem in problems)
