"""A contributor's preview of a theory that has problems (`mkdocs serve` only; never published).

While a change is half made (a released CMOC reworded before its version and history entry are
written), the preview still shows the records as written: a record that cannot be shown gets a
page saying why, where its page would be, and every page carries a panel listing the theory's
problems, those of the record on that page first. Published builds refuse the theory instead.
"""
from __future__ import annotations

import hashlib
import html
import re
from typing import Callable

from jinja2 import Environment, PackageLoader

from ..problems import Problem
from ..records.model import ProgrammeTheory
from ..web import addresses
from .assembly import Page, Parts, pack

# Where the page of a record in each folder is.
_FOLDER_PAGE = {"cmocs": "cmoc/{}.md", "outcomes": "outcomes/{}.md", "services": "services/{}.md", "content": "{}.md"}


def preview_pages(theory: ProgrammeTheory, problems: list[Problem],
                  render: Callable[..., list[Page]], unreadable: frozenset[str] = frozenset()) -> list[Page]:
    """The pages of a theory with problems: each made from the records as written; a page that
    cannot be made (it needs a record that could not be read) says so, as does the page of a
    record that could not be read. A record that cannot be read now but did before (`unreadable`:
    the rest of the preview shows it as it was) has its own page replaced by that notice."""
    pages = render(theory, on_error=lambda path, error: _not_shown(
        path, None, "This page needs a record that has problems (listed above), so it cannot be made yet."))
    replaced = {_page_of_file(file) for file in unreadable} - {None}
    pages = [page for page in pages if page.path not in replaced]
    shown = {page.path for page in pages}
    for file in sorted({p.file for p in problems}):  # a record that could not be read
        path = _page_of_file(file)
        if path and path not in shown:
            pages.append(_not_shown(path, file, "This record has problems (listed above) that stop its page "
                                                 "being made. Fix them and save: this page then shows it."))
            shown.add(path)
    return pages


def _page_of_file(file: str) -> str | None:
    """theory/cmocs/cmoc-03.yaml -> cmoc/cmoc-03.md: where that record's page would be."""
    parts = file.split("/")
    if len(parts) != 3 or parts[1] not in _FOLDER_PAGE or not re.fullmatch(r"[a-z0-9][a-z0-9-]*\.yaml", parts[2]):
        return None
    path = _FOLDER_PAGE[parts[1]].format(parts[2].removesuffix(".yaml"))
    return None if path in addresses.OWN else path


def _not_shown(path: str, file: str | None, why: str) -> Page:
    name = html.escape(path.removesuffix(".md").rsplit("/", 1)[-1])
    return Page(path=path, front={"title": name}, packed=pack(f"# {name}: not shown in this preview\n\n{why}\n"),
                source=file, title=name, parts=Parts({}))


_PANEL = Environment(loader=PackageLoader("livingtheory.site"), autoescape=True, trim_blocks=True,
                     lstrip_blocks=True).get_template("problems.html.j2")


def panel(problems: list[Problem], source: str | None) -> str:
    """The problems as a panel a reader can close (it stays closed until the problems change)."""
    if not problems:
        return ""
    here = [p for p in problems if source and p.file == source]
    rest = [p for p in problems if p not in here]
    key = hashlib.sha256("\n".join(map(str, problems)).encode()).hexdigest()[:12]
    groups = [(f"On this page ({source})", here), ("Elsewhere" if here else "In the theory", rest)]
    return _PANEL.render(key=key, count=len(problems), groups=groups)
