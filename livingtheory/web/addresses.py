"""The site's one URL scheme: where every page and file lives, and how one links to another.

A page is named by its docs path (`cmoc/cmoc-03.md`, `quotes/index.md#quote-06`); its address
follows from that path and from whether the site uses directory URLs (`cmoc/cmoc-03/`, as
published) or file URLs (`cmoc/cmoc-03.html`, the preview opened from disk). Templates, downloads,
the checks, the navigation and the docs step all ask this module; nothing else spells a path.
"""
from __future__ import annotations

import re
from functools import cache, lru_cache

from ..records.model import (Cmoc, Content, Outcome, ProgrammeTheory, Quote, Reporting, Service, Source,
                             SubstantiveTheory, Term)

# The pages that are not one per record.
HOME = "index.md"
MAP = "map/index.md"
RETIRED = "map/retired.md"
OUTCOMES = "outcomes/index.md"
SERVICES = "services/index.md"
QUOTES = "quotes/index.md"
THEORIES = "theories/index.md"
SOURCES = "sources/index.md"
CHANGES = "changes.md"
FIELDS = "reference/fields.md"
REFERENCES = "references.md"  # the works the theory's text cites, when it lists them
EVIDENCE = "evidence.md"  # each CMOC's evidence by source and by service
REVIEW = "this-change.md"  # a pull request's preview only: what the change does (site/review.py)

# How readers know them (the navigation, the reporting page).
NAMES = {HOME: "Home", MAP: "Theory map", OUTCOMES: "Outcomes", SERVICES: "Services", QUOTES: "Quotes",
         THEORIES: "Substantive theories", SOURCES: "Sources", CHANGES: "What changed", REFERENCES: "References",
         EVIDENCE: "Evidence map", REVIEW: "Changed in this pull request"}

# Files of the site (besides pages).
SCRIPT = "assets/javascripts/site.js"
EXPLORER = "assets/javascripts/explorer.js"  # fetched by site.js beside it, on pages with the explorer
STYLESHEET = "assets/stylesheets/site.css"  # extra_css in mkdocs.yml
FAVICON = "assets/images/favicon.svg"  # theme.favicon in mkdocs.yml
SEARCH_ON_USE = "assets/javascripts/search-on-use.js"  # before Material's bundle (overrides/main.html)
MERMAID = "assets/javascripts/mermaid.min.js"
FONT = "assets/fonts/atkinson-hyperlegible-{weight}{subset}.woff2"  # @font-face in site/assets/site.css
CITE_FORMATS = ("bib", "ris", "json")
DATA = {"theory": "data/theory.json", "cmocs": "data/cmocs.csv", "quotes": "data/quotes.csv",
        "services": "data/services.csv",
        "coding_frame": "data/coding-frame.qdc"}  # REFI-QDA codebook: the CMOCs as codes for an analysis tool


def page_of(record) -> str:
    """The docs path of the page that shows a record (with #anchor where it shares a page)."""
    if isinstance(record, Cmoc):
        return f"cmoc/{record.id}.md"
    if isinstance(record, Outcome):
        return f"outcomes/{record.id}.md"
    if isinstance(record, Service):
        return f"services/{record.id}.md"
    if isinstance(record, Quote):
        return f"{QUOTES}#{record.id}"
    if isinstance(record, SubstantiveTheory):
        return f"{THEORIES}#{record.id}"
    if isinstance(record, Content):
        return f"{record.id}.md"
    if isinstance(record, Source):
        return f"{SOURCES}#{record.id}"
    if isinstance(record, Term):  # a beneficiary: its view of the map
        return f"map/{record.id}.md"
    if isinstance(record, Reporting):
        return f"reporting/{slug(record.standard)}.md"
    raise TypeError(f"no page shows a {type(record).__name__}")


def participant_anchor(source, participant) -> str:
    """Where a participant's quotes are listed: the quotes page, at the participant."""
    return f"{QUOTES}#{source.id}-{slug(participant.tag)}"


def cite_file(name: str, ext: str) -> str:
    """A citation download: `cite/theory.bib`, `cite/cmoc-03.ris`."""
    return f"cite/{name}.{ext}"


SCHEMAS = "data/schemas/"  # the record format's JSON Schemas, as a build serves them


def schema_file(kind: str) -> str:
    return f"{SCHEMAS}{kind}.schema.json"


def schemas_url(site_url: str, version: str, released) -> str:
    """Where a build serves the record format's JSON Schemas (their `$id`s, and the RO-Crate's own
    terms): in its edition's folder, or the draft's (as the publishing workflow deploys them)."""
    return f"{site_url.rstrip('/')}/{version if released else 'draft'}/{SCHEMAS}"


def slug(text: str) -> str:
    """Lower-case words joined by hyphens: an address made from a name (`RAMESES II` -> `rameses-ii`)."""
    return "-".join(re.findall(r"[a-z0-9]+", text.lower())) or "page"


# ----------------------------------------------------------------------------- the pages a theory has

OWN = [HOME, MAP, RETIRED, OUTCOMES, CHANGES, FIELDS, SERVICES, QUOTES, THEORIES, SOURCES, REFERENCES,  # the site's own
       EVIDENCE]
RESERVED = [*OWN, REVIEW]  # no record may take these addresses (REVIEW: never an edition's page)


def fixed_pages(theory: ProgrammeTheory) -> list[str]:
    """The generated pages that are not one per record: the site's own, the map's view for each
    beneficiary, the reporting page."""
    return [*(p for p in OWN if p != REFERENCES or theory.references), *(page_of(b) for b in theory.study.beneficiaries),
            *([page_of(theory.reporting)] if theory.reporting else [])]


def record_pages(theory: ProgrammeTheory) -> list[str]:
    return [page_of(r) for r in (*theory.outcomes, *theory.cmocs, *theory.services, *theory.content)]


def all_pages(theory: ProgrammeTheory) -> set[str]:
    return {*fixed_pages(theory), *record_pages(theory)}


def navigation(theory: ProgrammeTheory, review: bool = False) -> list[tuple[str, str]]:
    """The top-level navigation as (title, docs path): the theory's own pages (methods, discussion...)
    before "What changed"; a pull request's preview (`review`) puts what it changes first after
    Home. Record pages are reached from the index pages, so that each page does not carry the
    whole theory in its sidebar."""
    top = [HOME, *([REVIEW] if review else []), MAP, EVIDENCE, OUTCOMES, SERVICES, QUOTES, THEORIES, SOURCES]
    return [*((NAMES[p], p) for p in top), *((c.title, page_of(c)) for c in theory.content),
            *([(NAMES[REFERENCES], REFERENCES)] if theory.references else []), (NAMES[CHANGES], CHANGES)]


def reading_order(theory: ProgrammeTheory) -> list[str]:
    """Every page a reader follows, in the navigation's order with each index's record pages after
    it: the order of the archival copy of an edition (outputs/pdf.py)."""
    after = {MAP: [page_of(c) for c in theory.cmocs], OUTCOMES: [page_of(o) for o in theory.outcomes],
             SERVICES: [page_of(s) for s in theory.services]}
    extra = [page_of(theory.reporting)] if theory.reporting else []
    return [page for _, top in navigation(theory) for page in (top, *after.get(top, []))] + extra


# Pages that are deliberately not in the navigation (the builder would list each otherwise).
NOT_IN_NAV = ["/cmoc/", "/outcomes/*.md", "/services/*.md", "/map/*.md", "/reference/", "/reporting/"]


# ----------------------------------------------------------------------------- addresses and links

class Addresses:
    """URLs of docs paths as the builder publishes them, and relative links between them."""

    def __init__(self, *, directory_urls: bool = True):
        self.directory_urls = directory_urls

    def url(self, path: str) -> str:
        """The page's URL from the site's root: cmoc/cmoc-01.md -> cmoc/cmoc-01/ (or .html)."""
        return _url(path, self.directory_urls)

    def link(self, target: str, page: str) -> str:
        """A Markdown link from page to target (both docs paths): the builder resolves and checks it."""
        return _markdown_link(target, page)

    def href(self, target: str, page: str) -> str:
        """A link from page to target (docs paths) as the URL a browser follows, shortest relative form."""
        return _href(target, page, self.directory_urls)

    def file_href(self, path: str, page: str) -> str:
        """A link from page to a file of the site (cite/..., data/..., assets/...)."""
        folders = self.url(page).count("/")
        return "../" * folders + path


@cache
def _url(path: str, directory_urls: bool) -> str:
    path, _, anchor = path.partition("#")
    stem = path[: -len(".md")] if path.endswith(".md") else path
    if not directory_urls:
        url = stem + ".html"
    elif stem == "index":
        url = ""
    else:
        url = stem[: -len("index")] if stem.endswith("/index") else stem + "/"
    return url + (f"#{anchor}" if anchor else "")


# Links are asked for page by page, each often many times on one page: a bounded cache (a cache of
# every (target, page) pair grew with the site: about 37 MB at 5,000 CMOCs).
@lru_cache(maxsize=1024)
def _href(target: str, page: str, directory_urls: bool) -> str:
    path, _, anchor = target.partition("#")
    suffix = f"#{anchor}" if anchor else ""
    here, there = _url(page, directory_urls), _url(path, directory_urls)
    if here == there:
        return ("./" if directory_urls else there.rsplit("/", 1)[-1]) + suffix
    folders, parts = here.split("/")[:-1], there.split("/")
    common = 0  # folders the two share: cmoc/cmoc-09/ from cmoc/cmoc-10/ is ../cmoc-09/
    while common < min(len(folders), len(parts) - 1) and folders[common] == parts[common]:
        common += 1
    relative = "../" * (len(folders) - common) + "/".join(parts[common:])
    return (relative or ("./" if directory_urls else "index.html")) + suffix


@lru_cache(maxsize=1024)
def _markdown_link(target: str, page: str) -> str:
    path, _, anchor = target.partition("#")
    suffix = f"#{anchor}" if anchor else ""
    folder = page.rpartition("/")[0]
    if folder and path.startswith(folder + "/") and "/" not in path[len(folder) + 1:]:
        return path[len(folder) + 1:] + suffix  # a page in the same folder
    if not folder and "/" not in path:
        return path + suffix
    return "../" * page.count("/") + path + suffix
