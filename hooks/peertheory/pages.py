"""Render the programme theory as Markdown pages: one function per kind of page.

Templates write typographic characters as HTML entities (&rarr;, &ldquo;): CPython stores a
string with any non-ASCII character at 2 or more bytes a character, and MkDocs holds every
page's HTML until the end of a build.

Pages are plain data (path, Markdown, the record file behind it). Everything from the records
is escaped by default (see `_escape`); Markdown fields are rendered to sanitised HTML by
`recordtext` (the one renderer of record Markdown) and placed in the page as inert HTML, so the
site's own Markdown extensions never see record text. Links between pages are relative `.md`
paths, so MkDocs checks them.
"""
from __future__ import annotations

import hashlib
import html
import json
import re
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemBytecodeCache, PackageLoader, StrictUndefined
from markupsafe import Markup

from . import citation, editions as editions_, mermaid, recordtext, reference
from .downloads import cmoc_citation, theory_data
from .schema import KINDS
from .model import Cmoc, Content, Outcome, ProgrammeTheory, Quote, Service, Source, SubstantiveTheory


@dataclass(frozen=True)
class Page:
    """A generated page: its front matter (what any builder's templates read from page.meta) and body."""
    path: str  # in the docs tree, e.g. "cmoc/cmoc-01.md"
    front: dict
    body: str
    source: str | None  # the record file it shows, e.g. "theory/cmocs/cmoc-01.yaml"
    title: str  # as written, for citations (front["title"] is HTML-escaped)
    fragments: dict = field(default_factory=dict)  # key -> HTML that fills a placeholder of the body

    @property
    def markdown(self) -> str:
        """Front matter and the body, its fragments in place."""
        return front_matter(self.front) + fill(self.body, self.fragments)


def front_matter(front: dict) -> str:
    """A page's front matter block: each value JSON, which is valid YAML."""
    return "---\n" + "".join(f"{key}: {json.dumps(value)}\n" for key, value in front.items()) + "---\n\n"


# ----------------------------------------------------------------------------- fragments

# Some parts of a page are written as HTML by the core (quotes, record text, citations): nothing in
# them is Markdown, and on a CMOC page they are most of what the builder's Markdown pass would read.
# The body carries an empty placeholder element for each (its id stays, for anchors and links);
# `fill` puts the HTML in: in the docs tree (Page.markdown), or after the builder's Markdown pass.
_FRAGMENT = re.compile(r'(<div [^>]*?) data-fragment="(\d+)"></div>')


def fill(html_: str, fragments: dict) -> str:
    """The page (Markdown or HTML) with each fragment placeholder filled with its HTML."""
    return _FRAGMENT.sub(lambda m: f"{m.group(1)}>{fragments[m.group(2)]}</div>", html_) if fragments else html_


# ----------------------------------------------------------------------------- where pages live

def path_of(record) -> str:
    if isinstance(record, Cmoc):
        return f"cmoc/{record.id}.md"
    if isinstance(record, Outcome):
        return f"outcomes/{record.id}.md"
    if isinstance(record, Service):
        return f"services/{record.id}.md"
    if isinstance(record, Quote):
        return f"quotes/index.md#{record.id}"
    if isinstance(record, SubstantiveTheory):
        return f"theories/index.md#{record.id}"
    if isinstance(record, Content):
        return f"{record.id}.md"
    if isinstance(record, Source):
        return f"sources/index.md#{record.id}"
    raise TypeError(record)


@cache
def url_of(path: str) -> str:
    """The directory URL MkDocs gives a page (use_directory_urls): cmoc/cmoc-01.md -> cmoc/cmoc-01/."""
    path, _, anchor = path.partition("#")
    stem = path[: -len(".md")]
    url = "" if stem == "index" else (stem[: -len("index")] if stem.endswith("/index") else stem + "/")
    return url + (f"#{anchor}" if anchor else "")


def relative(target: str, page: str, *, as_url: bool = False) -> str:
    """A link from page to target (both docs paths), as a .md path or, for diagrams, a URL.

    Written out rather than with posixpath.relpath, which was a third of the rendering time:
    up to the root from the page's folder, then down to the target (always valid, if not shortest)."""
    path, _, anchor = target.partition("#")
    suffix = f"#{anchor}" if anchor else ""
    if as_url:
        here, there = url_of(page), url_of(path)
        if here == there:
            return "./" + suffix
        folders, parts = here.split("/")[:-1], there.split("/")
        common = 0  # folders the two share: cmoc/cmoc-09/ from cmoc/cmoc-10/ is ../cmoc-09/
        while common < min(len(folders), len(parts) - 1) and folders[common] == parts[common]:
            common += 1
        return ("../" * (len(folders) - common) + "/".join(parts[common:]) or "./") + suffix
    folder = page.rpartition("/")[0]
    if folder and path.startswith(folder + "/") and "/" not in path[len(folder) + 1:]:
        return path[len(folder) + 1:] + suffix  # a page in the same folder
    if not folder and "/" not in path:
        return path + suffix
    return "../" * (page.count("/")) + path + suffix


def file_url(path: str, page: str) -> str:
    """A link from page (a docs path) to a file of the site (cite/..., assets/...), as a URL."""
    return "../" * url_of(page).count("/") + path


# ----------------------------------------------------------------------------- escaping

# HTML specials and the characters that start Markdown syntax inline, as numeric entities.
_TEXT = str.maketrans({ch: f"&#{ord(ch)};" for ch in "&<>\"\\`*_[]{}#|~^!"})
_LINE_START = re.compile(r"^([-+>]|\d+\.)(?=\s)")  # would start a list or quote at a line start
_URL_UNSAFE = re.compile(r"[^A-Za-z0-9\-._~:/?#@!$&'*+,;=%]")


def _escape(value) -> Markup:
    """Text from a record, safe both as HTML and as inline Markdown; runs of white space become one."""
    if isinstance(value, Markup):
        return value
    text = " ".join(str(value).split()).translate(_TEXT)
    return Markup(_LINE_START.sub(lambda m: "".join(f"&#{ord(c)};" for c in m.group(1)), text))


def theme_text(value: str) -> Markup:
    """Text from a record for the theme's own places (site name, description, copyright, navigation):
    Material prints these unescaped, and also through `| e`. As Markup, escaped once, it is text in
    both. `'` stays as it is: the theme quotes attributes with `"`, and `| e` would show `&#39;`."""
    text = " ".join(str(value).split())
    return Markup(text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;"))


_TAG = re.compile(r'<(?:[^>"]|"[^"]*")*>')
_MARKDOWN_SPECIALS = str.maketrans({ch: f"&#{ord(ch)};" for ch in "\\`*_[]{}|~^"})


def _inert(html_: str) -> str:
    """Sanitised HTML whose text cannot be read as Markdown by the page's builder: a table cell's
    inline HTML is still parsed for Markdown between its tags (`[x](javascript:...)` would become
    a live link). Markdown's characters in text become numeric entities; tags stay as they are."""
    return "".join(piece if piece.startswith("<") else piece.translate(_MARKDOWN_SPECIALS)
                   for piece in re.split(f"({_TAG.pattern})", html_))


def _url(value: str) -> Markup:
    """A URL from a record, for a Markdown link target: brackets, quotes and spaces percent-encoded."""
    return Markup(_URL_UNSAFE.sub(lambda m: "".join(f"%{b:02X}" for b in m.group(0).encode()), str(value)))


# Compiling the templates is most of a small build's rendering time, so the compiled code is kept
# between builds (Jinja's cache, in a private temporary folder). Jinja recompiles a template whose
# source changed; the key names this module too, because the settings below shape the compiled code.
_COMPILED = FileSystemBytecodeCache(pattern=f"peertheory-{hashlib.sha1(Path(__file__).read_bytes()).hexdigest()[:16]}-%s")
_ENV = Environment(loader=PackageLoader("peertheory", "templates"), autoescape=True, finalize=_escape,
                   undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
                   bytecode_cache=_COMPILED)
_ENV.filters["url"] = _url
_ENV.filters["href"] = lambda value: Markup(html.escape(_url(value)))  # a URL in an HTML attribute


class _PageContext:
    """Helpers a template gets for the page being rendered."""

    def __init__(self, theory: ProgrammeTheory, page: str, edit_base: str | None):
        self.theory, self.page, self.edit_base = theory, page, edit_base
        self.fragments: dict[str, str] = {}

    def link(self, record) -> Markup:
        """A Markdown link target (the builder resolves and checks it)."""
        return Markup(relative(path_of(record), self.page))

    def url(self, record) -> Markup:
        """A link target inside a fragment: the page's directory URL, as builders publish it."""
        return Markup(html.escape(relative(path_of(record), self.page, as_url=True)))

    def file_url(self, path: str) -> Markup:
        """A link target inside a fragment to a file of the site (cite/..., data/...)."""
        return Markup(html.escape(file_url(path, self.page)))

    def fragment(self, inner: str, css_class: str, id_: str | None = None) -> Markup:
        """An HTML block of this page, as a placeholder in its Markdown (see `fill`)."""
        key = str(len(self.fragments))
        # No blank line inside: in the docs tree a fragment is an HTML block of the Markdown.
        self.fragments[key] = "\n".join(line for line in str(inner).strip().splitlines() if line.strip())
        anchor = f' id="{html.escape(id_)}"' if id_ else ""
        return Markup(f'<div class="{html.escape(css_class)}"{anchor} data-fragment="{key}"></div>')

    def markdown(self, text: str) -> Markup:
        """A Markdown field, checked by the loader, as sanitised HTML blocks; headings stay Markdown
        headings so that they reach the page's table of contents."""
        parts = []
        for part in recordtext.render(text, link=self._record_link):
            if isinstance(part, recordtext.Heading):
                parts.append(f"{'#' * part.level} {_escape(part.text)}")
            else:
                parts.append(self.fragment(_inert(part), "record-text"))
        return Markup("\n\n".join(parts))

    def inline_markdown(self, text: str) -> Markup:
        """A Markdown field shown in a table cell: one line of sanitised HTML."""
        html_ = "".join(recordtext.render(text, link=self._record_link, inline=True))
        return Markup(_inert(" ".join(html_.split())))

    def _record_link(self, record_id: str) -> tuple[str, str]:
        record = self.theory.get(record_id)
        return name_of(record), relative(path_of(record), self.page, as_url=True)

    def edit(self, source: str | None) -> str | None:
        return f"{self.edit_base}{source}" if (self.edit_base and source) else None


def name_of(record) -> str:
    if isinstance(record, Cmoc):
        return f"CMOC {record.number}"
    if isinstance(record, Service):
        return record.service_type
    if isinstance(record, Quote):
        return f"quote {record.id}"
    if isinstance(record, (Outcome, SubstantiveTheory, Source)):
        return record.name
    return record.title


def _render(template: str, theory: ProgrammeTheory, path: str, edit_base: str | None, source=None, *,
            title: str, hide: tuple[str, ...] = (), searched: bool = True, **values) -> Page:
    """A page: front matter (title, JSON-quoted, which is valid YAML) and its body.

    MkDocs and Material write page titles into the HTML unescaped (header, <title>, nav), so the
    title is given as HTML-escaped text."""
    here = _PageContext(theory, path, edit_base)
    meta = {"title": html.escape(" ".join(title.split()), quote=False), **({"hide": list(hide)} if hide else {}),
            **({} if searched else {"search": {"exclude": True}})}
    body = _ENV.get_template(template).render(
        theory=theory, study=theory.study, here=here, link=here.link, md=here.markdown,
        md_inline=here.inline_markdown, name=name_of,
        edit_url=here.edit(source), title=title, styles=citation.STYLES, **values)
    return Page(path, meta, body, source, title, here.fragments)


# ----------------------------------------------------------------------------- the pages

def render_site(theory: ProgrammeTheory, *, edit_base: str | None = None, site_url: str = "https://example.org/",
                editions: list | None = None) -> list[Page]:
    """Every generated page of the site. site_url makes the pinned edition URLs in citations;
    editions are the released snapshots, oldest first."""
    pages = [_home(theory, edit_base, site_url), *_maps(theory, edit_base), _outcomes_index(theory, edit_base),
             _changes(theory, edit_base, editions or []), _fields(theory, edit_base),
             _services_index(theory, edit_base), _quotes(theory, edit_base), _theories(theory, edit_base),
             _sources(theory, edit_base)]
    if theory.reporting:
        pages.append(_reporting(theory, edit_base))
    pages += [_outcome(theory, outcome, edit_base) for outcome in theory.outcomes]
    pages += [_cmoc(theory, cmoc, edit_base, site_url) for cmoc in theory.cmocs]
    pages += [_service(theory, service, edit_base) for service in theory.services]
    pages += [_content(theory, content, edit_base) for content in theory.content]
    return [replace(page, front={**page.front, **citation.page_meta(
        theory.study, theory.based_on, site_url=site_url, path=page.path, page_url=url_of(page.path),
        title=None if page.path == "index.md" else page.title,
        edit_url=f"{edit_base}{page.source}" if edit_base and page.source else None)}) for page in pages]


def fixed_pages(theory: ProgrammeTheory) -> set[str]:
    """The docs paths of the generated pages that are not one per record (the reporting page names them)."""
    return {"index.md", "map/index.md", "map/retired.md", "outcomes/index.md", "changes.md", "reference/fields.md",
            "services/index.md", "quotes/index.md", "theories/index.md", "sources/index.md",
            *([_reporting_path(theory.reporting)] if theory.reporting else []),
            *(f"map/{b.id}.md" for b in theory.study.beneficiaries),
            *(path_of(record) for record in (*theory.outcomes, *theory.cmocs, *theory.services, *theory.content))}


def _home(theory, edit_base, site_url):
    example = theory.by_id.get(theory.study.example) if theory.study.example else None
    return _render("home.md.j2", theory, "index.md", edit_base, theory.study.source, title=theory.study.title,
                   hide=("navigation",), cited=citation.cite(theory.study, theory.based_on, site_url=site_url),
                   schema_kinds=[*KINDS, "common"],
                   reporting_page=relative(_reporting_path(theory.reporting), "index.md") if theory.reporting else None,
                   example=example or (theory.current[0] if theory.current else None))


def _map_diagram(theory: ProgrammeTheory, page: str, groups, title: str) -> Markup:
    return mermaid.map_diagram(groups, title=title, beneficiaries=theory.study.beneficiaries,
                               cmoc_url=lambda c: relative(path_of(c), page, as_url=True),
                               outcome_url=lambda o: relative(path_of(o), page, as_url=True))


def _maps(theory: ProgrammeTheory, edit_base) -> list[Page]:
    """The whole theory (its current CMOCs), one view per beneficiary, and the retired CMOCs."""
    pages = []
    views = [("map/index.md", None, "The whole programme theory")]
    views += [(f"map/{b.id}.md", b, f"CMOCs in which the {b.name} benefits") for b in theory.study.beneficiaries]
    for path, who, title in views:
        groups = [(o, [c for c in theory.cmocs_in(o) if who is None or c.beneficiary == who.id])
                  for o in theory.outcomes]
        groups = [(o, cmocs) for o, cmocs in groups if cmocs]
        if who is None and len(theory.current) > OVERVIEW_ABOVE:  # too many to draw at once: outcomes, then theirs
            diagram = mermaid.overview_diagram(theory.outcomes, {o.id: len(theory.cmocs_in(o)) for o in theory.outcomes},
                                               _outcome_links(theory), title=title,
                                               outcome_url=lambda o: relative(path_of(o), path, as_url=True))
        else:
            diagram = _map_diagram(theory, path, groups, title) if groups else ""
        pages.append(_render("map.md.j2", theory, path, edit_base, None, title=title, hide=("toc",), who=who,
                             groups=groups, searched=who is None,  # a view repeats part of the map: found once
                             diagram=diagram, overview=bool(who is None and len(theory.current) > OVERVIEW_ABOVE),
                             explore=_explorer(theory, path) if who is None else None))
    pages.append(_render("retired.md.j2", theory, "map/retired.md", edit_base, None, title="Retired CMOCs",
                         searched=False))
    return pages


OVERVIEW_ABOVE = 60  # current CMOCs: above this the map shows outcomes (each opening onto its own map)
DRAWN_UP_TO = 250  # CMOCs in one outcome's map; beyond, the outcome lists them (and the explorer filters them)


def _outcome_links(theory: ProgrammeTheory) -> dict[tuple[str, str], int]:
    """How many "leads to" relations go from each outcome's CMOCs to another outcome's (current CMOCs)."""
    links: dict[tuple[str, str], int] = {}
    for cmoc in theory.current:
        for relation in cmoc.leads_to:
            other = theory.get(relation.cmoc_id)
            if not other.retired and other.outcome_group != cmoc.outcome_group:
                key = (cmoc.outcome_group, other.outcome_group)
                links[key] = links.get(key, 0) + 1
    return links


def _explorer(theory: ProgrammeTheory, path: str) -> dict:
    """What the map's explorer filters on, per CMOC (every CMOC: retired ones are a filter away)."""
    services, sources, theories, neighbours = {}, {}, {}, {}
    for c in theory.cmocs:
        quotes = theory.quotes_of(c, with_circumstances=True)
        services[c.id] = " ".join(s.id for s in theory.services_of(c))
        sources[c.id] = " ".join(dict.fromkeys([q.source_id for q in quotes] + [x.source_id for x in c.supporting_sources]))
        theories[c.id] = " ".join(t.theory_id for t in c.theories)
        neighbours[c.id] = " ".join(dict.fromkeys([r.cmoc_id for r in c.leads_to] + [o.id for o, _ in theory.led_to_by(c)]
                                                  + list(c.replaced_by) + [r.id for r in theory.replaces(c)]))
    statuses = list(dict.fromkeys(c.status for c in theory.cmocs))
    filters = [
        ("outcome", "Outcome", [("", "all"), *((o.id, o.name) for o in theory.outcomes)]),
        ("beneficiary", "Who benefits", [("", "all"), *((b.id, b.name) for b in theory.study.beneficiaries)]),
        ("service", "Service", [("", "all"), *((s.id, s.service_type) for s in theory.services)]),
        ("source", "Source", [("", "all"), *((s.id, s.name) for s in theory.sources)]),
        ("status", "Status", [("", "current"), ("all", "all, retired too"), *((s, s) for s in statuses)]),
        ("theory", "Substantive theory", [("", "all"), *((t.id, t.name) for t in theory.theories)]),
        ("focus", "Focus on", [("", "none"), *((c.id, f"CMOC {c.number}: {c.title}") for c in theory.cmocs)]),
    ]
    groups = [(o, theory.cmocs_in(o, retired=True)) for o in theory.outcomes]
    return {"filters": filters, "groups": [(o, cmocs) for o, cmocs in groups if cmocs], "services": services,
            "sources": sources, "theories": theories, "neighbours": neighbours,
            "url": lambda record: relative(path_of(record), path, as_url=True)}


def _outcomes_index(theory, edit_base):
    return _render("outcomes.md.j2", theory, "outcomes/index.md", edit_base, title="Outcomes")


def _outcome(theory: ProgrammeTheory, outcome: Outcome, edit_base) -> Page:
    path = path_of(outcome)
    cmocs = theory.cmocs_in(outcome)
    drawn = 0 < len(cmocs) <= DRAWN_UP_TO
    diagram = _map_diagram(theory, path, [(outcome, list(cmocs))], f"CMOCs for the outcome {outcome.name}") \
        if drawn else ""
    return _render("outcome.md.j2", theory, path, edit_base, outcome.source, title=f"Outcome: {outcome.name}",
                   outcome=outcome, cmocs=cmocs, retired=[c for c in theory.cmocs_in(outcome, retired=True) if c.retired],
                   explore=relative("map/index.md", path, as_url=True) + f"?outcome={outcome.id}",
                   diagram=diagram)


def _cmoc(theory: ProgrammeTheory, cmoc: Cmoc, edit_base, site_url) -> Page:
    path = path_of(cmoc)
    outcome = theory.get(cmoc.outcome_group)
    previous, following = theory.neighbours(cmoc)
    quotes = theory.quotes_of(cmoc, with_circumstances=True)
    by_source = []
    for source in theory.sources:
        people = [p for p in theory.participants_of(cmoc) if p.source_id == source.id]
        roles = ", ".join(f"{n} {r.name}" for r in theory.study.roles if (n := sum(p.role == r.id for p in people)))
        by_source.append((source, people, roles))
    return _render("cmoc.md.j2", theory, path, edit_base, cmoc.source, title=f"CMOC {cmoc.number}: {cmoc.title}",
                   cmoc=cmoc, outcome=outcome,
                   previous=previous, following=following,
                   quotes=theory.quotes_of(cmoc), services=theory.services_of(cmoc),
                   evidence_by_source=[row for row in by_source if row[1]], quote_count=len(quotes),
                   replaces=theory.replaces(cmoc), led_to_by=theory.led_to_by(cmoc),
                   cited=cmoc_citation(theory, cmoc, site_url),
                   diagram=mermaid.cmoc_diagram(cmoc, outcome_url=relative(path_of(outcome), path, as_url=True)))


def _services_index(theory: ProgrammeTheory, edit_base) -> Page:
    # service x outcome evidence matrix: for each cell, the current CMOCs of that outcome the service's quotes support
    matrix = {s.id: {o.id: [c for c in theory.cmocs_of_service(s) if c.outcome_group == o.id and not c.retired]
                     for o in theory.outcomes} for s in theory.services}
    return _render("services.md.j2", theory, "services/index.md", edit_base, title="Services", hide=("toc", "navigation"),
                   matrix=matrix)


def _service(theory: ProgrammeTheory, service: Service, edit_base) -> Page:
    return _render("service.md.j2", theory, path_of(service), edit_base, service.source,
                   title=f"Service: {service.service_type}", searched=False, service=service,
                   described_in=theory.get(service.source_id), participants=theory.participants_of_service(service),
                   cmocs=theory.cmocs_of_service(service), quotes=theory.quotes_of_service(service))


def _quotes(theory, edit_base):
    # Not indexed for search: every quote is indexed once, on its CMOC's page.
    return _render("quotes.md.j2", theory, "quotes/index.md", edit_base, title="Quotes", searched=False)


def _theories(theory, edit_base):
    return _render("theories.md.j2", theory, "theories/index.md", edit_base, title="Substantive theories")


def _sources(theory, edit_base):
    return _render("sources.md.j2", theory, "sources/index.md", edit_base, title="Sources of evidence")


def _changes(theory: ProgrammeTheory, edit_base, editions: list) -> Page:
    """What changed: edition by edition (from the snapshots), and every history entry by theory version."""
    current = theory_data(theory)
    diffs, previous_of = [], {}
    for i, edition in enumerate(editions):
        before = editions[i - 1] if i else None
        diffs.append((edition, editions_.diff(before, edition.data) if before else None))
        if before:
            previous_of[edition.version] = before.version
    unreleased = editions_.diff(editions[-1], current) if editions else []
    by_version: dict[str, list] = {}
    for cmoc in theory.cmocs:
        for entry in cmoc.history:
            by_version.setdefault(entry.theory_version, []).append((cmoc, entry))
    history = sorted(by_version.items(), key=lambda item: editions_.version_key(item[0]), reverse=True)
    return _render("changes.md.j2", theory, "changes.md", edit_base, title="What changed", searched=False,
                   editions=editions, edition_diffs=list(reversed(diffs)), previous_of=previous_of,
                   unreleased=unreleased, history=history, kinds=editions_.KINDS)


def _fields(theory: ProgrammeTheory, edit_base) -> Page:
    return _render("fields.md.j2", theory, "reference/fields.md", edit_base, title="Field reference",
                   kinds=reference.field_reference())


# How a reader knows the site's own pages, for the reporting page.
_SITE_PAGES = {"index.md": "Home", "map/index.md": "Theory map", "outcomes/index.md": "Outcomes",
               "services/index.md": "Services", "quotes/index.md": "Quotes", "theories/index.md": "Substantive theories",
               "sources/index.md": "Sources", "changes.md": "What changed"}


def _reporting_path(reporting) -> str:
    return f"reporting/{'-'.join(reporting.standard.lower().split())}.md"


def _reporting(theory: ProgrammeTheory, edit_base) -> Page:
    from markdown.extensions.toc import slugify  # the builders' heading ids, as the checker uses
    reporting = theory.reporting
    path = _reporting_path(reporting)
    names = {}
    for item in reporting.items:
        for target in item.pages:
            page, _, anchor = target.partition("#")
            record = theory.by_id.get(page.removesuffix(".md"))
            names[target] = record.title if isinstance(record, Content) else _SITE_PAGES.get(page, page)
            if anchor and isinstance(record, Content):
                names[target] += ": " + next((h for h in recordtext.headings(record.body) if slugify(h, "-") == anchor),
                                             anchor)
    return _render("reporting.md.j2", theory, path, edit_base, reporting.source,
                   title=f"{reporting.standard} reporting items", reporting=reporting, page_names=names,
                   relative_link=lambda target: Markup(relative(target, path)))


def _content(theory: ProgrammeTheory, content: Content, edit_base) -> Page:
    return _render("content.md.j2", theory, path_of(content), edit_base, content.source, title=content.title,
                   content=content)
