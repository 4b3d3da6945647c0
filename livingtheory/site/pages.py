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
import json
import os
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from jinja2 import Environment, FileSystemBytecodeCache, PackageLoader, StrictUndefined
from markupsafe import Markup

from ..web import addresses
from ..web.addresses import Addresses, page_of
from . import diagrams, evidence, reference
from .assembly import Page, PageContext, Parts, name_of, pack
from ..web.encode import attribute_url, markdown_url, marked, page_text
from ..outputs import citation, crate, feeds
from ..outputs.citation import Citation, Credits
from ..records import editions as editions_, recordtext
from ..records.data import theory_data
from ..records.editions import Edition, EditionState
from ..records.model import (Cmoc, Content, Outcome, ProgrammeTheory, Quote, Service, Source, SubstantiveTheory,
                             version_key)
from ..records.schema import KINDS
from .incremental import Memo, Plan

if TYPE_CHECKING:  # a pull request's preview alone imports it
    from .review import Review


def _compiled_folder() -> str | None:
    """Where the compiled templates are kept: beside them, as Python keeps its compiled modules
    (templates/__pycache__, made by `make setup` and by any build that finds one missing or stale);
    a read-only install keeps them in Jinja's private temporary folder."""
    folder = Path(__file__).parent / "templates" / "__pycache__"
    try:
        folder.mkdir(exist_ok=True)
    except OSError:
        return None
    return str(folder) if os.access(folder, os.W_OK) else None


# Compiling the templates is most of a small build's rendering time (0.2 s), so the compiled code is
# kept. Jinja compiles again a template whose source changed; the key names this module too, because
# the settings below shape the compiled code.
_COMPILED = FileSystemBytecodeCache(_compiled_folder(),
                                    f"livingtheory-{hashlib.sha1(Path(__file__).read_bytes()).hexdigest()[:16]}-%s")
_ENV = Environment(loader=PackageLoader("livingtheory.site", "templates"), autoescape=True, finalize=page_text,
                   undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
                   bytecode_cache=_COMPILED)
_ENV.filters["url"] = markdown_url
_ENV.filters["href"] = attribute_url
_ENV.filters["counted"] = diagrams.counted
_ENV.globals["marked"] = marked


def compile_templates() -> int:
    """Every template compiled into the kept folder (`make setup`): a first build finds them ready."""
    names = _ENV.list_templates(extensions=["j2"])
    for name in names:
        _ENV.get_template(name)
    return len(names)


PUBLISHED = Addresses(directory_urls=True)  # citations and edition links name the published pages
_KIND = {Cmoc: "cmocs", Outcome: "outcomes", Service: "services", Content: "content", Quote: "quotes",
         Source: "sources", SubstantiveTheory: "theories"}


@dataclass(frozen=True)
class Render:
    """What every page of one build is rendered with."""
    theory: ProgrammeTheory
    site: Addresses
    site_url: str  # the site's root, without an edition folder: pinned citation addresses start here
    state: EditionState  # the edition this build is, or the draft of the next
    edit_base: str | None = None
    editions: tuple[Edition, ...] = ()  # released snapshots, oldest first
    shared_names: frozenset = frozenset()  # shared_names(theory)
    review: Review | None = None  # a pull request's preview: what it changes, against its base

    def page(self, template: str, path: str, source: str | None, *, title: str, hide: tuple[str, ...] = (),
             searched: bool = True, record=None, cite_name: str | None = None, **values) -> Page:
        """A page: front matter (title HTML-escaped: MkDocs and Material write titles unescaped), its
        citation (of this edition, or for a draft of the latest that holds the page) and body."""
        here = PageContext(self.theory, path, self.site, self.edit_base)
        cited = self.cited(path, title, record)
        meta = {"title": html.escape(" ".join(title.split()), quote=False), **({"hide": list(hide)} if hide else {}),
                **({} if searched else {"search": {"exclude": True}})}
        body = _ENV.get_template(template).render(
            theory=self.theory, study=self.theory.study, here=here, link=here.link, md=here.markdown,
            md_inline=here.inline_markdown, name=name_of, pages=addresses, state=self.state, cited=cited,
            cite_name=cite_name, edit_url=here.edit(source), title=title, styles=citation.STYLES,
            contested=self.contested, named=self.named, review=self.review, changed=self.changed(record), **values)
        return Page(path, meta, pack(body), source, title, Parts(here.parts), frozenset(here.links), cited,
                    cite_name if cited else None)

    def changed(self, record):
        """What the pull request being previewed changes in this record (None: not changed, or no review)."""
        if self.review is None or record is None or type(record) not in _KIND:
            return None
        return self.review.of(_KIND[type(record)], record.id)

    def named(self, record) -> str:
        """A record's name, with its ID where another record of its kind has the same name (two
        services of one source's table may share a name): every list and filter tells them apart."""
        shared = (type(record), " ".join(record.name.split()).casefold()) in self.shared_names
        return f"{record.name} ({record.id})" if shared else record.name

    def contested(self, cmoc: Cmoc) -> bool:
        """Evidence both supports and contradicts it: said wherever the CMOC's evidence is counted."""
        return evidence.weigh(self.theory, cmoc).contested

    def href(self, page: str):
        """Links from a page, for diagrams: a docs path -> its URL from that page."""
        return lambda target: self.site.href(target, page)

    def cited(self, path: str, title: str, record=None) -> Citation | None:
        return cited_page(self.state, Credits.of(self.theory.study, self.theory.based_on), self.site_url, path,
                          title, record)


def shared_names(theory: ProgrammeTheory) -> frozenset:
    """(kind, name) of the names two records of one kind share."""
    seen, shared = set(), set()
    for record in (*theory.services, *theory.sources, *theory.outcomes, *theory.theories):
        key = (type(record), " ".join(record.name.split()).casefold())
        (shared if key in seen else seen).add(key)
    return frozenset(shared)


def cited_page(state: EditionState, credits: Credits, site_url: str, path: str, title: str,
               record=None) -> Citation | None:
    """How to cite a page: in this edition; in a draft, as the latest released edition has it (None
    when no edition has the page yet: it is not citable). `record`: the record the page shows."""
    page_url = PUBLISHED.url(path)
    key = record.id if isinstance(record, Cmoc) else path.removesuffix(".md").replace("/", "-")
    name = None if path == addresses.HOME else title
    if not state.draft:
        cmoc = isinstance(record, Cmoc)
        return citation.cite(credits, site_url=site_url, edition=state.version, released=state.released,
                             page_url=page_url, title=name, key=key, record_version=record.version if cmoc else None,
                             doi=state.doi, entity_id=crate.cmoc_version_id(site_url, record.id, record.history, record.version)
                             if cmoc else None)
    latest = state.latest
    if latest is None:
        return None
    version = entity_id = None
    if record is not None:
        old = latest.record(_KIND[type(record)], record.id)
        if old is None:
            return None
        if isinstance(record, Cmoc):
            name, version = f"CMOC {record.number}: {old['title']}", old.get("version")
            entity_id = crate.cmoc_version_id(site_url, record.id, old.get("history"), version)
    elif latest.pages and path not in latest.pages:
        return None
    return citation.cite(Credits.of_edition(latest.data), site_url=site_url, edition=latest.version,
                         released=latest.released, page_url=page_url, title=name, key=key, record_version=version,
                         doi=latest.doi, entity_id=entity_id)


# ----------------------------------------------------------------------------- the pages

def render_site(theory: ProgrammeTheory, *, site: Addresses | None = None, edit_base: str | None = None,
                site_url: str = "https://example.org/", editions: list | tuple = (),
                state: EditionState | None = None, on_error: Callable[[str, Exception], Page] | None = None,
                review: Review | None = None, memo: Memo | None = None,
                on_page: Callable[[Page], None] | None = None) -> list[Page]:
    """Every generated page of the site, each with its citation metadata. site_url makes the pinned
    edition addresses in citations; editions are the released snapshots, oldest first. `on_error`
    (a preview of a theory with problems only) makes the page of a page that cannot be made.
    `review` (a pull request's preview) marks each changed record's page and adds a page listing them.
    `memo` (a serve session's, kept between its rebuilds): a record page an edit cannot change is
    taken from the last render (site/incremental.py). `on_page` is told of each page as it is made
    (the build's diagrams are drawn meanwhile)."""
    state = state or editions_.edition_of(theory.study.version, theory_data(theory), list(editions))
    r = Render(theory, site or Addresses(), site_url, state, edit_base, tuple(editions), shared_names(theory), review)
    plan = Plan(memo if review is None else None, theory, lambda: [
        site_url, edit_base, r.site.directory_urls, repr(state), sorted(map(repr, r.shared_names)),
        [(e.version, hashlib.sha1(json.dumps(e.data, sort_keys=True, default=str).encode()).hexdigest())
         for e in editions]])
    jobs = [(addresses.HOME, lambda: [_home(r)]), (addresses.MAP, lambda: _maps(r)),
            (addresses.OUTCOMES, lambda: [_outcomes_index(r)]), (addresses.CHANGES, lambda: [_changes(r)]),
            (addresses.FIELDS, lambda: [_fields(r)]), (addresses.SERVICES, lambda: [_services_index(r)]),
            (addresses.QUOTES, lambda: [_quotes(r)]), (addresses.THEORIES, lambda: [_theories(r)]),
            (addresses.SOURCES, lambda: [_sources(r)]), (addresses.EVIDENCE, lambda: [_evidence_map(r)])]
    if theory.reporting:
        jobs.append((page_of(theory.reporting), lambda: [_reporting(r)]))
    if review is not None:
        jobs.append((addresses.REVIEW, lambda: [_review(r)]))
    if theory.references:
        jobs.append((addresses.REFERENCES, lambda: [_references(r)]))
    jobs = [(path, make, None) for path, make in jobs]
    for record, make in [*((o, _outcome) for o in theory.outcomes), *((c, _cmoc) for c in theory.cmocs),
                         *((s, _service) for s in theory.services), *((c, _content) for c in theory.content)]:
        jobs.append((page_of(record), lambda record=record, make=make: [make(r, record)], record.id))
    cmoc_pages = {page_of(c): c for c in theory.cmocs}

    def finished(page: Page) -> Page:
        return replace(page, front={**page.front, **citation.page_meta(
            page.cited, state, site_url=site_url, page_url=PUBLISHED.url(page.path),
            edit_url=f"{edit_base}{page.source}" if edit_base and page.source else None),
            "feed": feed_of(page.path, cmoc_pages.get(page.path), theory)})

    pages = []
    for path, make, record_id in jobs:
        kept = plan.kept(path, record_id)
        if kept is not None:
            pages.append(kept)
            continue
        try:
            made = [finished(page) for page in make()]
        except Exception as error:  # noqa: BLE001 - only a preview asks to go on
            if on_error is None:
                raise
            pages.append(finished(on_error(path, error)))
            continue
        for page in made:
            plan.made(page, record_id)
            if on_page is not None:
                on_page(page)
        pages += made
    return pages


def feed_of(path: str, cmoc: Cmoc | None, theory: ProgrammeTheory) -> dict:
    """The feed a page's head offers a feed reader: its CMOC's, or the theory's."""
    if cmoc is not None:
        return {"path": feeds.cmoc_feed_path(cmoc), "title": f"CMOC {cmoc.number}: changes"}
    return {"path": feeds.THEORY_FEED, "title": f"{theory.study.title}: changes and editions"}


def _home(r: Render) -> Page:
    theory = r.theory
    example = theory.by_id.get(theory.study.example) if theory.study.example else None
    return r.page("home.md.j2", addresses.HOME, theory.study.file, title=theory.study.title, hide=("navigation",),
                  cite_name="theory", schema_kinds=[*KINDS, "common"], theory_feed=feeds.THEORY_FEED,
                  ro_crate=crate.METADATA, reporting_page=page_of(theory.reporting) if theory.reporting else None,
                  example=example or (theory.current[0] if theory.current else None))


OVERVIEW_ABOVE = 60  # current CMOCs: above this the whole web is not drawn (each outcome's map is)
GLANCE_FROM = 21  # current CMOCs: from this many the map opens with the theory at a glance, on any screen
DRAWN_UP_TO = 60  # CMOCs in one outcome's map; beyond, the outcome lists them (and the explorer filters them)


def glance(theory: ProgrammeTheory) -> list[dict]:
    """The theory at a glance, per outcome: its current CMOCs, who benefits in them, how many are
    contested or proposed, and the other outcomes' CMOCs they bear on."""
    rows = []
    for outcome in theory.outcomes:
        cmocs = list(theory.cmocs_in(outcome))
        bears: dict[str, int] = {}
        for cmoc in cmocs:
            for relation in cmoc.relations:
                other = theory.get(relation.cmoc)
                if not other.retired and other.outcome_group != outcome.id:
                    bears[other.outcome_group] = bears.get(other.outcome_group, 0) + 1
        rows.append({"outcome": outcome, "count": len(cmocs),
                     "who": [(b, n) for b in theory.study.beneficiaries
                             if (n := sum(c.beneficiary == b.id for c in cmocs))],
                     "contested": sum(evidence.weigh(theory, c).contested for c in cmocs),
                     "proposed": sum(c.status == "proposed" for c in cmocs),
                     "bears_on": [(theory.get(o), n) for o, n in bears.items()]})
    return rows


def _maps(r: Render) -> list[Page]:
    """The whole theory (its current CMOCs), one view per beneficiary, and the retired CMOCs."""
    theory, pages = r.theory, []
    views = [(addresses.MAP, None, "The whole programme theory")]
    views += [(page_of(b), b, f"CMOCs in which the {b.name} benefits") for b in theory.study.beneficiaries]
    for path, who, title in views:
        groups = [(o, [c for c in theory.cmocs_in(o) if who is None or c.beneficiary == who.id])
                  for o in theory.outcomes]
        groups = [(o, cmocs) for o, cmocs in groups if cmocs]
        count = sum(len(cmocs) for _, cmocs in groups)
        too_many = count > OVERVIEW_ABOVE  # not drawn whole: the glance, each outcome's map, the list
        diagram = diagrams.map_diagram(theory, groups, r.href(path), title=title) if groups and not too_many else None
        contexts = len({key[0] for key in diagrams.map_keys(groups).values()})
        pages.append(r.page("map.md.j2", path, None, title=title, hide=("toc",), who=who, groups=groups,
                            searched=who is None,  # a view repeats part of the map: found once
                            diagram=diagram, count=count, contexts=contexts, too_many=too_many,
                            glance=glance(theory) if who is None else None, glance_always=count >= GLANCE_FROM,
                            explore_url=r.site.href(addresses.MAP, path) + (f"?beneficiary={who.id}" if who else ""),
                            legend=diagrams.legend(theory, groups) if diagram else (),
                            explore=_explorer(r, path) if who is None else None))
    pages.append(r.page("retired.md.j2", addresses.RETIRED, None, title="Retired CMOCs", searched=False))
    return pages


def _explorer(r: Render, path: str) -> dict:
    """What the map's explorer filters on, per CMOC (every CMOC: retired ones are a filter away)."""
    theory = r.theory
    drawn = [(o, list(theory.cmocs_in(o))) for o in theory.outcomes]
    keys = diagrams.map_keys([(o, cmocs) for o, cmocs in drawn if cmocs])
    first_with = {}  # a context, named in the address by the first CMOC that states it
    for c in theory.current:
        first_with.setdefault(keys[c.id][0], c)
    rows = {}
    for c in theory.cmocs:
        weight = evidence.weigh(theory, c)
        rows[c.id] = {
            "nodes": " ".join(keys.get(c.id, ())),
            "context": first_with[keys[c.id][0]].id if c.id in keys else "",
            "leads": " ".join(f"{x.cmoc}:{x.type}" for x in c.relations),
            "services": " ".join(s.id for s in theory.services_of(c)),
            "sources": " ".join(dict.fromkeys(theory.source_of(e).id for e in c.evidence)),
            "theories": " ".join(t.theory for t in c.theories),
            "directions": " ".join(dict.fromkeys(e.direction for e in c.evidence)),
            "relations": " ".join(dict.fromkeys(x.type for x in (*c.relations, *(x for _, x in theory.related_from(c))))),
            "neighbours": " ".join(dict.fromkeys([x.cmoc for x in c.relations] + [o.id for o, _ in theory.related_from(c)]
                                                 + list(c.replaced_by) + [x.id for x in theory.replaces(c)])),
            "weight": weight}
    statuses = list(dict.fromkeys(c.status for c in theory.cmocs))
    filters = [
        ("outcome", "Outcome", [("", "all"), *((o.id, r.named(o)) for o in theory.outcomes)]),
        ("beneficiary", "Who benefits", [("", "all"), *((b.id, b.name) for b in theory.study.beneficiaries)]),
        ("service", "Service", [("", "all"), *((s.id, r.named(s)) for s in theory.services)]),
        ("source", "Source", [("", "all"), *((s.id, r.named(s)) for s in theory.sources)]),
        ("status", "Status", [("", "current"), ("all", "all, retired too"), ("contested", "contested"),
                              *((s, s) for s in statuses)]),
        ("direction", "Evidence", [("", "any"), *((d, evidence.DIRECTION_NAMES[d]) for d in evidence.DIRECTIONS)]),
        ("relation", "Relation", [("", "any"), *((t.id, t.name) for t in theory.study.vocabulary.relation_types)]),
        ("theory", "Substantive theory", [("", "all"), *((t.id, r.named(t)) for t in theory.theories)]),
        ("focus", "Focus on", [("", "none"), *((c.id, f"CMOC {c.number}: {c.title}") for c in theory.cmocs)]),
        ("from", "Trace paths from", [("", "nowhere"),
                                      *((f"context:{c.id}", f"Context: {c.context.label}") for c in first_with.values()),
                                      *((c.id, f"CMOC {c.number}: {c.title}") for c in theory.current),
                                      *((f"source:{s.id}", f"Source: {r.named(s)}") for s in theory.sources)]),
        ("to", "to the outcome", [("", "any outcome"), *((o.id, r.named(o)) for o in theory.outcomes)]),
    ]
    groups = [(o, theory.cmocs_in(o, retired=True)) for o in theory.outcomes]
    return {"filters": filters, "groups": [(o, cmocs) for o, cmocs in groups if cmocs], "rows": rows,
            "url": lambda record: r.site.href(page_of(record), path)}


def _evidence_map(r: Render) -> Page:
    theory = r.theory
    rows = [(c, evidence.by_source(theory, c), evidence.by_service(theory, c)) for c in theory.current]
    return r.page("evidence.md.j2", addresses.EVIDENCE, None, title="Evidence map", rows=rows,
                  cell=evidence.cell_text, sources=[s for s in theory.sources
                                                    if any(s.id in by_source for _, by_source, _ in rows)])


def _references(r: Render) -> Page:
    return r.page("references.md.j2", addresses.REFERENCES, r.theory.references.file, title="References",
                  references=r.theory.references)


def _outcomes_index(r: Render) -> Page:
    return r.page("outcomes.md.j2", addresses.OUTCOMES, None, title="Outcomes")


def _outcome(r: Render, outcome: Outcome) -> Page:
    path, theory = page_of(outcome), r.theory
    cmocs = theory.cmocs_in(outcome)
    diagram = diagrams.map_diagram(theory, [(outcome, list(cmocs))], r.href(path),
                                   title=f"CMOCs for the outcome {outcome.name}") if 0 < len(cmocs) <= DRAWN_UP_TO else None
    return r.page("outcome.md.j2", path, outcome.file, title=f"Outcome: {outcome.name}", hide=("toc",),  # room for its map
                  record=outcome, outcome=outcome,
                  cmocs=cmocs, retired=[c for c in theory.cmocs_in(outcome, retired=True) if c.retired],
                  explore=r.site.href(addresses.MAP, path) + f"?outcome={outcome.id}", diagram=diagram,
                  trail=record_trail(r, outcome),
                  legend=diagrams.legend(theory, [(outcome, list(cmocs))]) if diagram else ())


def _cmoc(r: Render, cmoc: Cmoc) -> Page:
    path, theory = page_of(cmoc), r.theory
    outcome = theory.get(cmoc.outcome_group)
    previous, following = theory.neighbours(cmoc)
    return r.page("cmoc.md.j2", path, cmoc.file, title=f"CMOC {cmoc.number}: {cmoc.title}", record=cmoc,
                  cite_name=cmoc.id, cmoc=cmoc, outcome=outcome, previous=previous, following=following,
                  weight=evidence.weigh(theory, cmoc), by_direction=evidence.by_direction(theory, cmoc),
                  replaces=theory.replaces(cmoc), successors=theory.successors(cmoc) if cmoc.retired else (),
                  related_from=theory.related_from(cmoc), trail=_version_trail(r, cmoc),
                  map_url=r.site.href(addresses.MAP, path) + f"?focus={cmoc.id}",
                  neighbourhood=diagrams.neighbourhood_diagram(theory, cmoc, r.href(path)),
                  neighbourhood_key=diagrams.neighbourhood_legend(theory, cmoc),
                  feed=feeds.cmoc_feed_path(cmoc), theory_feed=feeds.THEORY_FEED,
                  diagram=diagrams.cmoc_diagram(cmoc, outcome, r.href(path)))


def _version_trail(r: Render, cmoc: Cmoc) -> list[dict]:
    """Each version of the CMOC that an edition published, oldest first: where a reader following
    an old citation finds what the CMOC said then, and what changed since."""
    trail, seen = [], set()
    for edition in r.editions:
        old = edition.record("cmocs", cmoc.id)
        if not old or old["version"] in seen:
            continue
        seen.add(old["version"])
        trail.append({"edition": edition.version, "released": edition.released, "version": old["version"],
                      "statement": old["statement"], "status": old["status"],
                      "parts": [(part, (old.get(part) or {}).get("text", "")) for part in ("context", "mechanism", "outcome")],
                      "url": f"{r.site_url}{edition.version}/{PUBLISHED.url(page_of(cmoc))}",
                      "current": old["version"] == cmoc.version})
    return trail


# What an earlier edition's page showed of a record of each kind (the CMOC's trail is its own, above).
TRAIL_FIELDS = {"outcomes": [("name", "Name"), ("description", "Description")],
                "services": [("name", "Name"), ("columns", "Its row")],
                "sources": [("name", "Name"), ("title", "Title")],
                "quotes": [("text", None)],  # compared, never shown: a quote is reworded to de-identify it
                "theories": [("name", "Name"), ("description", "Description")],
                "content": [("title", "Title")]}


def record_trail(r: Render, record) -> list[dict]:
    """Each different form of a record that an edition published, oldest first, with the address of
    that edition's page: an old citation of the record leads to what it said then. A withdrawn quote's
    words are in no snapshot (they were redacted), so none is shown."""
    kind = _KIND[type(record)]
    trail, last = [], None
    for edition in r.editions:
        old = edition.record(kind, record.id)
        if not old:
            continue
        compared = [(label, editions_.shown_value(old.get(field))) for field, label in TRAIL_FIELDS[kind]]
        if compared == last:
            trail[-1]["until"] = edition.version  # the same words in a later edition
            continue
        last = compared
        values = [(label, value) for label, value in compared if label is not None]
        trail.append({"edition": edition.version, "released": edition.released, "values": values, "until": None,
                      "url": f"{r.site_url}{edition.version}/{PUBLISHED.url(page_of(record))}"})
    return trail


def _services_index(r: Render) -> Page:
    theory = r.theory
    # service x outcome evidence matrix: each cell, the current CMOCs of that outcome on which quotes from
    # participants speaking from that service bear, by direction (support and contrary evidence apart)
    matrix = {s.id: evidence.matrix_row(theory, s) for s in theory.interviewed}
    return r.page("services.md.j2", addresses.SERVICES, None, title="Services", hide=("toc", "navigation"),
                  matrix=matrix)


def _service(r: Render, service: Service) -> Page:
    theory = r.theory
    return r.page("service.md.j2", page_of(service), service.file, title=f"Service: {r.named(service)}", record=service,
                  searched=False, service=service, described_in=theory.get(service.source),
                  participants=theory.participants_of_service(service),
                  uses=evidence.cmocs_by_direction(theory.evidence_of_service(service)),
                  quotes=theory.quotes_of_service(service), trail=record_trail(r, service))


def _quotes(r: Render) -> Page:
    # Not indexed for search: every quote is indexed once, on its CMOC's page.
    cited = {e.quote for c in r.theory.cmocs for e in c.evidence if e.quote}
    trails = {q.id: record_trail(r, q) for q in r.theory.quotes}
    return r.page("quotes.md.j2", addresses.QUOTES, None, title="Quotes", searched=False,
                  uncited=[q for q in r.theory.quotes if q.id not in cited],
                  trails={q.id: trails[q.id] for q in r.theory.quotes if q.history or len(trails[q.id]) > 1})


def _theories(r: Render) -> Page:
    return r.page("theories.md.j2", addresses.THEORIES, None, title="Substantive theories",
                  trails={t.id: record_trail(r, t) for t in r.theory.theories})


def _sources(r: Render) -> Page:
    theory = r.theory
    return r.page("sources.md.j2", addresses.SOURCES, None, title="Sources of evidence",
                  uses={s.id: evidence.cmocs_by_direction(theory.uses_of_source(s)) for s in theory.sources},
                  trails={s.id: record_trail(r, s) for s in theory.sources})


def _changes(r: Render) -> Page:
    """What changed: edition by edition (from the snapshots), and every history entry by theory version."""
    theory, editions = r.theory, list(r.editions)
    diffs, previous_of = [], {}
    for i, edition in enumerate(editions):
        before = editions[i - 1] if i else None
        diffs.append((edition, editions_.diff(before, edition.data, unrecorded_said=True) if before else None))
        if before:
            previous_of[edition.version] = before.version
    unreleased = editions_.diff(editions[-1], theory_data(theory), unrecorded_said=True) \
        if editions and r.state.draft else []
    by_version: dict[str, list] = {}
    for record in (*theory.cmocs, *theory.quotes, *theory.outcomes, *theory.services, *theory.sources,
                   *theory.theories, *theory.content):
        for entry in record.history:
            by_version.setdefault(entry.theory_version, []).append((record, entry))
    history = sorted(by_version.items(), key=lambda item: version_key(item[0]), reverse=True)
    return r.page("changes.md.j2", addresses.CHANGES, None, title="What changed", searched=False,
                  editions=editions, edition_diffs=list(reversed(diffs)), previous_of=previous_of,
                  unreleased=unreleased, history=history, kinds=editions_.KINDS)


def _review(r: Render) -> Page:
    """A pull request's preview: every record it changes, against the base."""
    return r.page("review.md.j2", addresses.REVIEW, None, title=addresses.NAMES[addresses.REVIEW], searched=False,
                  changes=r.review.changes, kinds=editions_.KINDS)


def _fields(r: Render) -> Page:
    return r.page("fields.md.j2", addresses.FIELDS, None, title="Field reference",
                  kinds=reference.field_reference(r.theory))


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
    return r.page("reporting.md.j2", path, reporting.file, title=f"{reporting.standard} reporting items",
                  reporting=reporting, page_names=names,
                  relative_link=lambda target: Markup(r.site.link(target, path)))


def _content(r: Render, content: Content) -> Page:
    return r.page("content.md.j2", page_of(content), content.file, title=content.title, record=content, content=content,
                  trail=record_trail(r, content))
