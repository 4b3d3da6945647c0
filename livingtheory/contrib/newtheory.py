"""A new team's own theory, started from this project: the software (site, hooks, checks,
workflows, tests) copied, a small valid theory to replace record by record, and the team's own
name, address and edit links. Nothing of this project's theory, editions, benchmark or decision
records goes with it.

    python -m livingtheory new-theory ../our-theory --title "..." --editor "Family, Given" \\
        --site-url https://our-team.github.io/our-theory/ --repository https://github.com/our-team/our-theory
"""
from __future__ import annotations

import datetime
import json
import re
import shutil
import subprocess
from pathlib import Path

from ..web.addresses import slug

STARTER = Path(__file__).parent / "starter"
# This project's own: its theory and editions, its history, its measurements and decisions.
LEFT_BEHIND = ("theory/", "editions/", "docs/decisions/", "docs/benchmark.md", "benchmarks/results", "CHANGELOG.md",
               "CITATION.cff", ".zenodo.json", "README.md")


def _quoted(text: str) -> str:
    return json.dumps(" ".join(text.split()), ensure_ascii=False)  # a JSON string is a YAML double-quoted one


def software_files(project: Path) -> list[str]:
    listed = subprocess.run(["git", "-C", str(project), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                            capture_output=True, check=True).stdout.decode().split("\0")
    return [name for name in listed if name and not name.startswith(LEFT_BEHIND) and (project / name).is_file()]


def new_theory(project: Path, target: Path, *, title: str, editor: tuple[str, str], site_url: str,
               repository: str, today: str | None = None) -> list[Path]:
    """Write the new project into `target` (which must not exist yet); returns the theory's files."""
    if target.exists():
        raise ValueError(f"{target} already exists: name a new folder")
    if not re.fullmatch(r"https://[^\s\"'<>]+/", site_url):
        raise ValueError("--site-url must be the published address, https://... ending in /")
    if not re.fullmatch(r"https://[^\s\"'<>]+[^/]", repository):
        raise ValueError("--repository must be the repository's address, such as https://github.com/team/theory")
    for name in software_files(project):
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(project / name, target / name)
    config = (target / "mkdocs.yml").read_text(encoding="utf-8")
    config = re.sub(r"^(site_url: !ENV \[SITE_URL, ).*\]$", lambda m: f"{m.group(1)}{_quoted(site_url)}]", config,
                    count=1, flags=re.M)
    config = re.sub(r"^edit_uri: .*$", lambda _: f"edit_uri: {repository}/edit/main/", config, count=1, flags=re.M)
    (target / "mkdocs.yml").write_text(config, encoding="utf-8")
    today = today or datetime.date.today().isoformat()
    family, given = editor
    source_id = slug(f"{family} {today[:4]}")
    values = {"title": _quoted(title), "publisher": _quoted(f"{title}: a living programme theory"),
              "description": _quoted(f"{title}, as living, citable pages."), "source_id": source_id,
              "source_name": _quoted(f"{family} {today[:4]}"), "family": _quoted(family), "given": _quoted(given),
              "year": today[:4], "today": today}
    written = []
    for path in sorted((STARTER / "theory").rglob("*.yaml")):
        relative = path.relative_to(STARTER)
        if relative.parent.name == "sources":
            relative = relative.with_name(f"{source_id}.yaml")
        (target / relative).parent.mkdir(parents=True, exist_ok=True)
        (target / relative).write_text(path.read_text(encoding="utf-8").format(**values), encoding="utf-8")
        written.append(target / relative)
    (target / "editions").mkdir()
    (target / "editions/.gitkeep").touch()  # kept by git before the first release (the site's build watches it)
    (target / "README.md").write_text(
        f"# {' '.join(title.split())}\n\nA living programme theory, published at {site_url}.\n\n"
        "```sh\nmake serve   # set up, then build and serve the site at http://127.0.0.1:8000\n"
        "make test    # set up, check the theory and run the whole test suite\n```\n\n"
        "The theory is the YAML records under `theory/`: replace the example records with your own "
        "(CONTRIBUTING.md explains each field), then release the first edition with `make release`.\n",
        encoding="utf-8")
    return written
