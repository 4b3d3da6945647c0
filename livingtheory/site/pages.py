"""The generated pages: one function per kind of page, each a Jinja template over the model.

Templates write typographic characters as HTML entities (&rarr;, &ldquo;): CPython stores a
string with any non-ASCII character at 2 or more bytes a character, and MkDocs holds every
page's HTML until the end of a build.

Every value from the records is encoded by the templates' finalize (`encode.page_text`); record
Markdown becomes sanitised HTML (`records.recordtext`) placed as inert parts; addresses come from
`addresses`; a page is put together through `assembly.PageContext` (`here` in the templates).
"""
from __future__ import annotations

import hashlib
import html
from dataclasses import dataclass, replace
from pathlib import Path

from jinja2 import Environment, FileSystemBytecodeCache, PackageLoader, StrictUndefined
from markupsafe import Markup

from . import addresses, diagrams, reference
from .addresses import Addresses, page_of
from .assembly import Page, PageContext, name_of
from .encode import attribute_url, markdown_url, page_text
from ..outputs import citation
from ..outputs.downloads import cmoc_citation
from ..records import editions as editions_, recordtext
from ..records.data import theory_data
from ..records.model import Cmoc, Content, Outcome, ProgrammeTheory, Service
from ..records.schema import KINDS

# Compiling the templates is most of a small build's rendering time, so the compiled code is kept
# between builds (Jinja's cache, in a private temporary folder). Jinja recompiles a template whose
# source changed; the key names this module too, because the settings below shape the compiled code.
_COMPILED = FileSystemBytecodeCache(pattern=f"livingtheory-{hashlib.sha1(Path(__file__).read_bytes()).hexdigest()[:16]}-%s")
_ENV = Environment(loader=PackageLoader("livingtheory.site", "templates"), autoescape=True, finalize=page_text,
                   undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
                   bytecode_cache=_COMPILED)
_ENV.filters["url"] = markdown_url
_ENV.filters["href"] = attribute_url


@dataclass(frozen=True)
class Render:
    """What every page of one build is rendered with."""
    theory: ProgrammeTheory
    site: Addresses
    site_url: str  # the site's root, without an edition folder: pinned citation addresses start here
    edit_base: str | None = None
    editions: tuple = ()  # released snapshots, oldest first

    def page(self, template: str, path: str, source: str | None, *, title: str, hide: tuple[str, ...] = (),
             searched: bool = True, **values) -> Page:
        """A page: front matter (title HTML-escaped: MkDocs and Material write titles unescaped) and body."""
        here = PageContext(self.theory, path, self.site, self.edit_base)
        meta = {"title": html.escape(" ".join(title.split()), quote=False), **({"hide": list(hide)} if hide else {}),
                **({} if searched else {"search": {"exclude": True}})}
        body = _ENV.get_template(template).render(
            theory=self.theory, study=self.theory.study, here=here, link=here.link, md=here.markdown,
            md_inline=here.inline_markdown, name=name_of, pages=addresses,
            edit_url=here.edit(source), title=title, styles=citation.STYLES, **values)
        return Page(path, meta, body, source, title, here.parts, frozenset(here.links))

    def href(self, page: str):
        """Links from a page, for diagrams: a docs path -> its URL from that page."""
        return lambda target: self.site.href(target, page)


# ----------------------------------------------------------------------------- the pages

def render_site(theory: ProgrammeTheory, *, site: Addresses | None = None, edit_base: str | None = None,
                site_url: str = "https://example.org/", editions: list | tuple = ()) -> list[Page]:
    """Every generated page of the site, each with its citation metadata. site_url makes the
    pinned edition addresses in citations; editions are the released snapshots, oldest first."""
    r = Render(theory, site or Addresses(), site_url, edit_base, tuple(editions))
    pages = [_home(r), *_maps(r), _outcomes_index(r), _changes(r), _fields(r), _services_index(r), _quotes(r),
             _theories(r), _sources(r)]
    if theory.reporting:
        pages.append(_reporting(r))
    pages += [_outcome(r, outcome) for outcome in theory.outcomes]
    pages += [_cmoc(r, cmoc) for cmoc in theory.cmocs]
    pages += [_service(r, service) for service in theory.services]
    pages += [_content(r, content) for content in theory.content]
    return [replace(page, front={**page.front, **citation.page_meta(
        theory.study, theory.based_on, site_url=site_url, path=page.path, page_url=r.site.url(page.path),
        title=None if page.path == addresses.HOME else page.title,
        edit_url=f"{edit_base}{page.source}" if edit_base and page.source else None)}) for page in pages]


def _home(r: Render) -> Page:
    theory = r.theory
    example = theory.by_id.get(theory.study.example) if theory.study.example else None
    return r.page("home.md.j2", addresses.HOME, theory.study.source, title=theory.study.title, hide=("navigation",),
                  cited=citation.cite(theory.study, theory.based_on, site_url=r.site_url),
                  schema_kinds=[*KINDS, "common"],
                  reporting_page=page_of(theory.reporting) if theory.reporting else None,
                  example=example or (theory.current[0] if theory.current else None))


OVERVIEW_ABOVE = 60  # current CMOCs: above this the map shows outcomes (each opening onto its own map)
DRAWN_UP_TO = 250  # CMOCs in one outcome's map; beyond, the outcome lists them (and the explorer filters them)


def _maps(r: Render) -> list[Page]:
    """The whole theory (its current CMOCs), one view per beneficiary, and the retired CMOCs."""
    theory, pages = r.theory, []
    overview = len(theory.current) > OVERVIEW_ABOVE
    views = [(addresses.MAP, None, "The whole programme theory")]
    views += [(page_of(b), b, f"CMOCs in which the {b.name} benefits") for b in theory.study.beneficiaries]
    for path, who, title in views:
        groups = [(o, [c for c in theory.cmocs_in(o) if who is None or c.beneficiary == who.id])
                  for o in theory.outcomes]
        groups = [(o, cmocs) for o, cmocs in groups if cmocs]
        if who is None and overview:  # too many to draw at once: outcomes, then theirs
            diagram = diagrams.overview_diagram(theory.outcomes, {o.id: len(theory.cmocs_in(o)) for o in theory.outcomes},
                                                _outcome_links(theory), r.href(path), title=title)
        else:
            diagram = diagrams.map_diagram(groups, r.href(path), title=title,
                                           beneficiaries=theory.study.beneficiaries) if groups else None
        pages.append(r.page("map.md.j2", path, None, title=title, hide=("toc",), who=who, groups=groups,
                            searched=who is None,  # a view repeats part of the map: found once
                            diagram=diagram, overview=who is None and overview,
                            explore=_explorer(r, path) if who is None else None))
    pages.append(r.page("retired.md.j2", addresses.RETIRED, None, title="Retired CMOCs", searched=False))
    return pages


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


def _explorer(r: Render, path: str) -> dict:
    """What the map's explorer filters on, per CMOC (every CMOC: retired ones are a filter away)."""
    theory = r.theory
    services, sources, theories, neighbours = {}, {}, {}, {}
    for c in theory.cmocs:
        quotes = theory.quotes_of(c, with_circumstances=True)
        services[c.id] = " ".join(s.id for s in theory.services_of(c))
        sources[c.id] = " ".join(dict.fromkeys([q.source_id for q in quotes] + [x.source_id for x in c.supporting_sources]))
        theories[c.id] = " ".join(t.theory_id for t in c.theories)
        neighbours[c.id] = " ".join(dict.fromkeys([x.cmoc_id for x in c.leads_to] + [o.id for o, _ in theory.led_to_by(c)]
                                                  + list(c.replaced_by) + [x.id for x in theory.replaces(c)]))
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
            "url": lambda record: r.site.href(page_of(record), path)}


def _outcomes_index(r: Render) -> Page:
    return r.page("outcomes.md.j2", addresses.OUTCOMES, None, title="Outcomes")


def _outcome(r: Render, outcome: Outcome) -> Page:
    path, theory = page_of(outcome), r.theory
    cmocs = theory.cmocs_in(outcome)
    diagram = diagrams.map_diagram([(outcome, list(cmocs))], r.href(path), title=f"CMOCs for the outcome {outcome.name}") \
        if 0 < len(cmocs) <= DRAWN_UP_TO else None
    return r.page("outcome.md.j2", path, outcome.source, title=f"Outcome: {outcome.name}", outcome=outcome, cmocs=cmocs,
                  retired=[c for c in theory.cmocs_in(outcome, retired=True) if c.retired],
                  explore=r.site.href(addresses.MAP, path) + f"?outcome={outcome.id}", diagram=diagram)


def _cmoc(r: Render, cmoc: Cmoc) -> Page:
    path, theory = page_of(cmoc), r.theory
    outcome = theory.get(cmoc.outcome_group)
    previous, following = theory.neighbours(cmoc)
    quotes = theory.quotes_of(cmoc, with_circumstances=True)
    by_source = []
    for source in theory.sources:
        people = [p for p in theory.participants_of(cmoc) if p.source_id == source.id]
        roles = ", ".join(f"{n} {x.name}" for x in theory.study.roles if (n := sum(p.role == x.id for p in people)))
        by_source.append((source, people, roles))
    return r.page("cmoc.md.j2", path, cmoc.source, title=f"CMOC {cmoc.number}: {cmoc.title}", cmoc=cmoc, outcome=outcome,
                  previous=previous, following=following, quotes=theory.quotes_of(cmoc),
                  services=theory.services_of(cmoc), evidence_by_source=[row for row in by_source if row[1]],
                  quote_count=len(quotes), replaces=theory.replaces(cmoc), led_to_by=theory.led_to_by(cmoc),
                  cited=cmoc_citation(theory, cmoc, r.site_url),
                  diagram=diagrams.cmoc_diagram(cmoc, outcome, r.href(path)))


def _services_index(r: Render) -> Page:
    theory = r.theory
    # service x outcome evidence matrix: for each cell, the current CMOCs of that outcome the service's quotes support
    matrix = {s.id: {o.id: [c for c in theory.cmocs_of_service(s) if c.outcome_group == o.id and not c.retired]
                     for o in theory.outcomes} for s in theory.services}
    return r.page("services.md.j2", addresses.SERVICES, None, title="Services", hide=("toc", "navigation"),
                  matrix=matrix)


def _service(r: Render, service: Service) -> Page:
    theory = r.theory
    return r.page("service.md.j2", page_of(service), service.source, title=f"Service: {service.service_type}",
                  searched=False, service=service, described_in=theory.get(service.source_id),
                  participants=theory.participants_of_service(service), cmocs=theory.cmocs_of_service(service),
                  quotes=theory.quotes_of_service(service))


def _quotes(r: Render) -> Page:
    # Not indexed for search: every quote is indexed once, on its CMOC's page.
    return r.page("quotes.md.j2", addresses.QUOTES, None, title="Quotes", searched=False)


def _theories(r: Render) -> Page:
    return r.page("theories.md.j2", addresses.THEORIES, None, title="Substantive theories")


def _sources(r: Render) -> Page:
    return r.page("sources.md.j2", addresses.SOURCES, None, title="Sources of evidence")


def _changes(r: Render) -> Page:
    """What changed: edition by edition (from the snapshots), and every history entry by theory version."""
    theory, editions = r.theory, list(r.editions)
    diffs, previous_of = [], {}
    for i, edition in enumerate(editions):
        before = editions[i - 1] if i else None
        diffs.append((edition, editions_.diff(before, edition.data) if before else None))
        if before:
            previous_of[edition.version] = before.version
    unreleased = editions_.diff(editions[-1], theory_data(theory)) if editions else []
    by_version: dict[str, list] = {}
    for cmoc in theory.cmocs:
        for entry in cmoc.history:
            by_version.setdefault(entry.theory_version, []).append((cmoc, entry))
    history = sorted(by_version.items(), key=lambda item: editions_.version_key(item[0]), reverse=True)
    return r.page("changes.md.j2", addresses.CHANGES, None, title="What changed", searched=False,
                  editions=editions, edition_diffs=list(reversed(diffs)), previous_of=previous_of,
                  unreleased=unreleased, history=history, kinds=editions_.KINDS)


def _fields(r: Render) -> Page:
    return r.page("fields.md.j2", addresses.FIELDS, None, title="Field reference", kinds=reference.field_reference())


def _reporting(r: Render) -> Page:
    from markdown.extensions.toc import slugify  # the builders' heading ids, as the checker uses
    theory = r.theory
    reporting = theory.reporting
    path = page_of(reporting)
    names = {}
    for item in reporting.items:
        for target in item.pages:
            page, _, anchor = target.partition("#")
            record = theory.by_id.get(page.removesuffix(".md"))
            names[target] = record.title if isinstance(record, Content) else addresses.NAMES.get(page, page)
            if anchor and isinstance(record, Content):
                names[target] += ": " + next((h for h in recordtext.headings(record.body) if slugify(h, "-") == anchor),
                                             anchor)
    return r.page("reporting.md.j2", path, reporting.source, title=f"{reporting.standard} reporting items",
                  reporting=reporting, page_names=names,
                  relative_link=lambda target: Markup(r.site.link(target, path)))


def _content(r: Render, content: Content) -> Page:
    return r.page("content.md.j2", page_of(content), content.source, title=content.title, content=content)
