"""The issue-form workflow's own steps (.github/workflows/forms.yml): read the event GitHub hands
the job, convert the filled form, then open a pull request carrying the records, or answer on the
issue with the located problems.

    python -m livingtheory.contrib.workflow    # in the job; reads GITHUB_EVENT_PATH, GITHUB_REPOSITORY,
                                                # GITHUB_TOKEN, GITHUB_API_URL

Issue text is untrusted: it is read from the event file as data, becomes YAML values and IDs that
must name existing records (forms.py), and reaches GitHub only inside JSON and code spans. No
shell is involved: git runs with argument lists, and the branch name is made of the issue number.
"""
from __future__ import annotations

import datetime
import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..outputs.summary import literal
from ..problems import TheoryInvalid
from .forms import records_from_issue
from .github import api_url, call

FORMS = Path(".github/ISSUE_TEMPLATE")


@dataclass
class Conversion:
    number: int
    kind: str
    files: dict[Path, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    @property
    def branch(self) -> str:
        return f"forms/issue-{self.number}"


def form_for(labels: list[str], repo: Path) -> Path | None:
    """The form whose labels the issue carries (GitHub gives an issue its form's labels)."""
    for path in sorted((repo / FORMS).glob("*.yml")):
        wanted = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("labels") or []
        if wanted and set(wanted) <= set(labels):
            return path
    return None


def convert(event: dict, repo: Path, *, today: str) -> Conversion:
    issue = event["issue"]
    number = int(issue["number"])
    labels = [str(label.get("name", "")) for label in issue.get("labels") or [] if isinstance(label, dict)]
    form = form_for(labels, repo)
    if form is None:
        return Conversion(number, "unknown", problems=["this issue was not made with one of the theory's forms"])
    try:
        files = records_from_issue(form, str(issue.get("body") or ""), repo / "theory", today=today)
    except TheoryInvalid as invalid:
        return Conversion(number, form.stem, problems=[str(problem) for problem in invalid.problems])
    return Conversion(number, form.stem, files=files)


def comment_text(conversion: Conversion) -> str:
    lines = [f"This form could not become a pull request yet. Edit the issue to fix what is listed below, then "
             f"ask a maintainer to convert it again ({len(conversion.problems)} "
             f"problem{'s' if len(conversion.problems) != 1 else ''}):", ""]
    for problem in conversion.problems:
        first, *rest = problem.split("\n")
        lines.append(f"- {literal(first)}" + "".join(f"<br>{literal(line.strip())}" for line in rest))
    return "\n".join(lines) + "\n"


def pull_request_text(conversion: Conversion) -> tuple[str, str]:
    title = f"Theory: {conversion.kind.replace('-', ' ')} from issue #{conversion.number}"
    body = (f"Made from the form in #{conversion.number}; closes #{conversion.number}.\n\nRecords written:\n\n"
            + "".join(f"- {literal(path.as_posix())}\n" for path in conversion.files)
            + "\nThe checks run on this pull request, and its preview shows the change. A reviewer reads the "
              "records, and may edit them here before merging.\n")
    return title, body


def write_and_push(conversion: Conversion, repo: Path) -> None:
    git = lambda *args: subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True)  # noqa: E731
    git("checkout", "-b", conversion.branch)
    for path, text in conversion.files.items():
        target = repo / path if not path.is_absolute() else path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        git("add", "--", str(target))
    git("-c", "user.name=theory-forms", "-c", "user.email=theory-forms@users.noreply.github.com",
        "commit", "-q", "-m", f"Records from issue #{conversion.number}")
    git("push", "-q", "origin", conversion.branch)


def main() -> int:
    event = json.loads(Path(os.environ["GITHUB_EVENT_PATH"]).read_text(encoding="utf-8"))
    repo, token = os.environ["GITHUB_REPOSITORY"], os.environ["GITHUB_TOKEN"]
    base_url = api_url()
    conversion = convert(event, Path("."), today=datetime.date.today().isoformat())
    issue_url = f"{base_url}/repos/{repo}/issues/{conversion.number}/comments"
    if conversion.problems:
        call("POST", issue_url, token, {"body": comment_text(conversion)})
        print(f"answered on issue #{conversion.number}: {len(conversion.problems)} problem(s)")
        return 0
    write_and_push(conversion, Path("."))
    title, body = pull_request_text(conversion)
    default = str(event.get("repository", {}).get("default_branch") or "main")
    pull = call("POST", f"{base_url}/repos/{repo}/pulls", token,
               {"title": title, "head": conversion.branch, "base": default, "body": body})
    # A pull request a workflow opens starts no checks of its own: start them on its branch.
    call("POST", f"{base_url}/repos/{repo}/actions/workflows/ci.yml/dispatches", token, {"ref": conversion.branch})
    call("POST", issue_url, token, {"body": f"The records are in pull request #{int(pull.get('number', 0))}."})
    print(f"opened pull request #{pull.get('number')} from {conversion.branch}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
