"""The generated part of the site, made from theory/ in one step any builder can use.

`generate()` checks the theory (every rule `python -m peertheory check` applies: it calls the
same loader) and returns every generated page and file; nothing is written and no builder is
involved, so a theory that fails gives its problems and no site. `write_docs()` writes the
result into a docs folder.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .downloads import Download, citation_files, data_files
from .editions import Edition, load_editions
from .loader import load_theory
from .model import Source, Study
from .pages import Page, path_of, render_site


@dataclass(frozen=True)
class GeneratedSite:
    study: Study
    based_on: Source  # cited with every page
    editions: list[Edition]
    pages: list[Page]
    citations: list[Download]  # cite/: small, one set per CMOC
    data: list[Download]  # data/: the whole theory, written as streams
    sections: list[tuple[str, str]]  # (title, docs path) of the theory's own top-level pages (methods, ...)


def generate(theory_dir: Path, *, site_url: str, edit_base: str | None = None) -> GeneratedSite:
    """Raises TheoryInvalid, listing every problem, before anything is rendered."""
    theory = load_theory(theory_dir)
    editions = load_editions(theory_dir.parent / "editions")
    return GeneratedSite(theory.study, theory.based_on, editions, render_site(theory, edit_base=edit_base, site_url=site_url,
                                                             editions=editions),
                         citation_files(theory, site_url), data_files(theory),
                         [(content.title, path_of(content)) for content in theory.content])


def site_settings(study: Study, based_on: Source) -> dict[str, str]:
    """The site's name, description and copyright: the theory's own, from its records."""
    cited = f"doi:{based_on.doi}" if based_on.doi else (based_on.url or based_on.title)
    return {"site_name": study.publisher, "site_description": study.description,
            "copyright": f"Theory content: {based_on.name}, {study.licence} ({cited})"}


def with_sections(nav: list, sections: list[tuple[str, str]]) -> list:
    """A configured navigation with the theory's own pages (methods, discussion...) added before
    "What changed", where they are not listed already."""
    listed = {path for entry in nav if isinstance(entry, dict) for path in entry.values()}
    extra = [{title: path} for title, path in sections if path not in listed]
    at = next((i for i, entry in enumerate(nav) if isinstance(entry, dict) and "changes.md" in entry.values()),
              len(nav))
    return nav[:at] + extra + nav[at:]


def write_docs(site: GeneratedSite, out: Path) -> None:
    """Every generated page and file under out/, as a builder reads a docs folder."""
    for page in site.pages:
        _write(out / page.path, lambda f, text=page.markdown: f.write(text))
    for download in (*site.citations, *site.data):
        _write(out / download.path, download.write)


def _write(target: Path, write) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("w", encoding="utf-8", newline="") as out:
        write(out)
