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
import hashlib
import json
import os
import subprocess
import sys
import traceback
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..outputs.summary import literal
from ..problems import TheoryInvalid
from .forms import Acknowledged, convert_issue
from .github import api_url, call

FORMS = Path(".github/ISSUE_TEMPLATE")
REPORT_LABEL = "report: for the maintainers"  # what an acknowledged error report is labelled


@dataclass
class Conversion:
    number: int
    kind: str
    files: dict[Path, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    understood: list[str] = field(default_factory=list)  # IDs read from free text, said in the pull request
    acknowledged: bool = False  # a form that proposes no change (an error report)

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
        converted = convert_issue(form, str(issue.get("body") or ""), repo / "theory", today=today)
    except Acknowledged:
        return Conversion(number, form.stem, acknowledged=True)
    except TheoryInvalid as invalid:
        return Conversion(number, form.stem, problems=[str(problem) for problem in invalid.problems])
    return Conversion(number, form.stem, files=converted.files, understood=converted.understood)


def comment_text(conversion: Conversion) -> str:
    if conversion.acknowledged:
        return ("Thank you for the report. It proposes no change to a record, so it becomes no pull request: "
                f"it is labelled “{REPORT_LABEL}”, and a maintainer will read it and answer here.\n")
    lines = [f"This form could not become a pull request yet ({len(conversion.problems)} "
             f"problem{'s' if len(conversion.problems) != 1 else ''}, each under the question it is about). To fix "
             "them, open the issue's ··· menu, choose Edit, change those answers and save; then ask a maintainer "
             "to convert it again.", ""]
    for problem in conversion.problems:
        first, *rest = problem.split("\n")
        lines.append(f"- {literal(first)}" + "".join(f"<br>{literal(line.strip())}" for line in rest))
    return "\n".join(lines) + "\n"


def pull_request_text(conversion: Conversion) -> tuple[str, str]:
    title = f"Theory: {conversion.kind.replace('-', ' ')} from issue #{conversion.number}"
    body = (f"Made from the form in #{conversion.number}; closes #{conversion.number}.\n\nRecords written:\n\n"
            + "".join(f"- {literal(path.as_posix())}\n" for path in conversion.files)
            + ("\nRead from the answers:\n\n" + "".join(f"- {literal(line)}\n" for line in conversion.understood)
               if conversion.understood else "")
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
    """Every issue gets an answer: records as a pull request, the problems in the form's words, an
    acknowledgement, or (when the tools themselves fail) a comment with a reference to the job's log."""
    event = json.loads(Path(os.environ["GITHUB_EVENT_PATH"]).read_text(encoding="utf-8"))
    repo, token = os.environ["GITHUB_REPOSITORY"], os.environ["GITHUB_TOKEN"]
    base_url = api_url()
    number = int(event["issue"]["number"])
    try:
        return _answer(event, repo, token, base_url)
    except Exception:  # noqa: BLE001 - answered on the issue, then the job fails for the maintainers
        trace = traceback.format_exc()
        reference = hashlib.sha256(trace.encode()).hexdigest()[:12]
        print(f"reference {reference}\n{trace}", file=sys.stderr)
        run = os.environ.get("GITHUB_RUN_ID", "")
        call("POST", f"{base_url}/repos/{repo}/issues/{number}/comments", token,
             {"body": "This form could not be converted because of a fault in the project's tools, not in your "
                      "answers: nothing was changed. A maintainer has been told by the failed job "
                      f"(reference {reference}{f', run {run}' if run.isdigit() else ''}); there is no need to "
                      "edit the issue.\n"})
        return 1


def _answer(event: dict, repo: str, token: str, base_url: str) -> int:
    conversion = convert(event, Path("."), today=datetime.date.today().isoformat())
    issue_url = f"{base_url}/repos/{repo}/issues/{conversion.number}/comments"
    if conversion.acknowledged:
        call("POST", f"{base_url}/repos/{repo}/issues/{conversion.number}/labels", token, {"labels": [REPORT_LABEL]})
        call("POST", issue_url, token, {"body": comment_text(conversion)})
        print(f"acknowledged issue #{conversion.number}: a report for the maintainers")
        return 0
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
