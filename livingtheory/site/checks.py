"""Checks of the site made from the records, which no builder makes: every address is the record's
own, the reporting page names pages and sections that exist, a hand-written page hides no
generated one, and every link the core writes (inside parts and diagrams) leads somewhere."""
from __future__ import annotations

from pathlib import Path

from ..problems import Problem
from ..records import recordtext
from ..records.model import ProgrammeTheory
from ..records.yamlsource import locate
from ..web import addresses
from .assembly import Page


def address_problems(theory: ProgrammeTheory, project: Path) -> list[Problem]:
    """Two records, or a record and one of the site's own pages, would share an address."""
    url = addresses.Addresses().url
    owners: dict[str, str] = {url(path): f"the site's own page {addresses.NAMES.get(path, path)!r}"
                              for path in addresses.RESERVED}
    problems = []
    records = [*((r, ("id",)) for r in (*theory.outcomes, *theory.cmocs, *theory.services, *theory.content))]
    records += [(b, ("vocabulary", "beneficiaries", i, "id")) for i, b in enumerate(theory.study.beneficiaries)]
    for record, field in records:
        address = url(addresses.page_of(record))
        file = getattr(record, "file", None) or theory.study.file
        if address in owners and owners[address] != file:
            problems.append(Problem(file, *locate(project, file, field),
                                    f"the id `{record.id}` would give this record the address of {owners[address]} "
                                    f"({address or 'the home page'})",
                                    "choose another id (and rename the file to match, for a record file)"))
        owners.setdefault(address, file)
    return problems


def reporting_problems(theory: ProgrammeTheory, project: Path, docs_dir: Path) -> list[Problem]:
    """The reporting page links pages, and sections of content pages by their headings: a page or
    heading renamed would leave a dangling link that only the build would see."""
    from markdown.extensions.toc import slugify  # the builders' own heading ids (Python-Markdown's toc)

    if theory.reporting is None:
        return []
    generated = addresses.all_pages(theory)
    file = theory.reporting.file
    contents = {c.id: c for c in theory.content}
    problems = []
    for i, item in enumerate(theory.reporting.items):
        for j, target in enumerate(item.pages):
            page, _, anchor = target.partition("#")
            if page not in generated and not (docs_dir / page).is_file():
                problems.append(Problem(file, *locate(project, file, ("items", i, "pages", j)),
                                        f"item {item.item} names the page {page}, which the site does not have",
                                        f"name a page of the site as a docs path, e.g. {addresses.MAP}, "
                                        f"{addresses.OUTCOMES} or a content page such as <id>.md"))
                continue
            content = contents.get(page.removesuffix(".md"))
            if anchor and content is not None and \
                    anchor not in {slugify(text, "-") for text in recordtext.headings(content.body)}:
                problems.append(Problem(file, *locate(project, file, ("items", i, "pages", j)),
                                        f"item {item.item} links the section #{anchor} of {page}, and no heading of "
                                        f"{content.file} makes that section",
                                        "name a section that exists (the heading's words, lower-case, with "
                                        "hyphens), or restore the heading"))
    return problems


def hand_written(docs_dir: Path) -> list[str]:
    """The hand-written pages (docs paths) of the docs folder."""
    return sorted(p.relative_to(docs_dir).as_posix() for p in docs_dir.rglob("*.md")) if docs_dir.is_dir() else []


def hidden_pages(pages: list[Page], docs_dir: Path) -> list[Problem]:
    """A hand-written page must not hide a page generated from the records."""
    return [Problem(f"{docs_dir.name}/{page.path}", 0, 0, "this hand-written page would hide a page generated from "
                    "the theory's records", "rename or delete it") for page in pages if (docs_dir / page.path).exists()]


def dangling_links(pages: list[Page], files: set[str], docs_dir: Path) -> list[Problem]:
    """Every link the core wrote into a part or a diagram leads to a page or a file of the site."""
    known = {page.path for page in pages} | set(hand_written(docs_dir)) | files
    return [Problem(page.source or page.path, 0, 0, f"the page {page.path} links {target}, which is no page or file "
                    "of the site", "link a page that exists")
            for page in pages for target in sorted(page.links) if target and target not in known]
