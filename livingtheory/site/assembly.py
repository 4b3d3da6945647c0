"""How a generated page is put together: the one small API its template calls (`here`).

A page is Markdown for the builder with a placeholder for each *part* the core writes itself: an
HTML fragment (quotes, record text, tables, citations: decision 7) or a diagram, handed to the
drawing step as data. `fill` puts each part's HTML where its placeholder is: in the docs tree, or
in the builder's HTML (the MkDocs hook). Every link the core writes is noted with its target, so
that the site's checks can confirm that it leads to a page or a file.
"""
from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from typing import Callable, Union

from markupsafe import Markup

from ..records import recordtext
from ..records.model import ProgrammeTheory
from ..web import addresses
from ..web.encode import inert, page_text
from ..web.names import name_of


@dataclass(frozen=True)
class Diagram:
    """A diagram as data: its Mermaid source (every label escaped by `site.diagrams`), the pages its
    nodes open, whether it is a map, and the size of its text (a page shows it only on screens wide
    enough for that text to stay 12 px or more: the text beside it says the same)."""
    source: str
    links: tuple[str, ...] = ()  # docs paths
    wide: bool = False
    text_px: int = 16


Part = Union[str, Diagram]  # an HTML fragment, or a diagram to draw


@dataclass(frozen=True)
class Page:
    """A generated page: front matter (what any builder's templates read from page.meta), a body
    with a placeholder per part, and the parts."""
    path: str  # in the docs tree, e.g. "cmoc/cmoc-01.md"
    front: dict
    body: str
    source: str | None  # the record file it shows, e.g. "theory/cmocs/cmoc-01.yaml"
    title: str  # as written, for citations (front["title"] is HTML-escaped)
    parts: dict[str, Part]
    links: frozenset[str] = frozenset()  # docs paths and files that the parts link to
    cited: object = None  # the page's Citation (outputs.citation), or None: not citable
    cite_name: str | None = None  # the name of its citation downloads: cite/<name>.bib, .ris, .json

    @property
    def diagrams(self) -> list[Diagram]:
        return [part for part in self.parts.values() if isinstance(part, Diagram)]


def front_matter(front: dict) -> str:
    """A page's front matter block: each value JSON, which is valid YAML."""
    return "---\n" + "".join(f"{key}: {json.dumps(value)}\n" for key, value in front.items()) + "---\n\n"


_CELL_BOUNDARY = re.compile(r"(</t[dh]>)(<t[dh][ >])")
_PLACEHOLDER = re.compile(r'(<div [^>]*?) data-part="(\d+)"></div>')


def fill(text: str, html_of: Callable[[str], str]) -> str:
    """The page (Markdown or HTML) with each placeholder holding its part's HTML (html_of(key))."""
    return _PLACEHOLDER.sub(lambda m: f"{m.group(1)}>{html_of(m.group(2))}</div>", text) \
        if 'data-part="' in text else text


class PageContext:
    """What a template gets for the page being rendered (`here`)."""

    def __init__(self, theory: ProgrammeTheory, page: str, site: addresses.Addresses, edit_base: str | None):
        self.theory, self.page, self.site, self.edit_base = theory, page, site, edit_base
        self.parts: dict[str, Part] = {}
        self.links: set[str] = set()

    # -- parts

    def fragment(self, inner: str, css_class: str, id_: str | None = None) -> Markup:
        """An HTML block of this page, as a placeholder in its Markdown."""
        # No blank line inside: in the docs tree a fragment is one HTML block of the Markdown. A space
        # between table cells, so that search (which reads the text) does not run their words together.
        inner = _CELL_BOUNDARY.sub(r"\1 \2", str(inner))
        return self._placeholder("\n".join(line for line in inner.strip().splitlines() if line.strip()),
                                 css_class, id_)

    def diagram(self, diagram: Diagram | None) -> Markup:
        """A diagram, drawn by the drawing step and kept out of the search index (its words are in
        the page's text). It is never in a box that scrolls: shown whole, scaled to the page."""
        if diagram is None:
            return Markup("")
        self.links.update(diagram.links)
        return self._placeholder(diagram, "diagram diagram--wide" if diagram.wide else "diagram", None,
                                 ' data-search-exclude=""')

    def _placeholder(self, part: Part, css_class: str, id_: str | None, extra: str = "") -> Markup:
        key = str(len(self.parts))
        self.parts[key] = part
        anchor = f' id="{html.escape(id_)}"' if id_ else ""
        return Markup(f'<div class="{html.escape(css_class)}"{anchor}{extra} data-part="{key}"></div>')

    # -- links

    def link(self, record) -> Markup:
        """A Markdown link target to a record's page (the builder resolves and checks it)."""
        return Markup(self.site.link(addresses.page_of(record), self.page))

    def link_to(self, path: str) -> Markup:
        """A Markdown link target to a page named by its docs path."""
        return Markup(self.site.link(path, self.page))

    def url(self, record) -> Markup:
        """A link inside a part to a record's page: its URL, as the builder publishes it."""
        return self.url_to(addresses.page_of(record))

    def url_to(self, path: str) -> Markup:
        self.links.add(path.partition("#")[0])
        return Markup(html.escape(self.site.href(path, self.page)))

    def file_url(self, path: str) -> Markup:
        """A link inside a part to a file of the site (cite/..., data/...)."""
        self.links.add(path)
        return Markup(html.escape(self.site.file_href(path, self.page)))

    # -- record text

    def markdown(self, text: str) -> Markup:
        """A Markdown field, checked by the loader, as sanitised HTML blocks; headings stay Markdown
        headings so that they reach the page's table of contents."""
        parts = []
        for part in recordtext.render(text, link=self._record_link, cite=self._cite):
            if isinstance(part, recordtext.Heading):
                parts.append(f"{'#' * part.level} {page_text(part.text)}")
            else:
                parts.append(self.fragment(inert(part), "record-text"))
        return Markup("\n\n".join(parts))

    def inline_markdown(self, text: str) -> Markup:
        """A Markdown field shown in a table cell: one line of sanitised HTML."""
        html_ = "".join(recordtext.render(text, link=self._record_link, inline=True, cite=self._cite))
        return Markup(inert(" ".join(html_.split())))

    def _record_link(self, record_id: str) -> tuple[str, str]:
        record = self.theory.get(record_id)
        path = addresses.page_of(record)
        self.links.add(path.partition("#")[0])
        return name_of(record), self.site.href(path, self.page)

    def _cite(self, number: int) -> str | None:
        """A numbered citation's link: the work on the references page (None: not listed)."""
        references = self.theory.references
        if not references or number not in references.numbers:
            return None
        self.links.add(addresses.REFERENCES)
        return self.site.href(f"{addresses.REFERENCES}#ref-{number}", self.page)

    def edit(self, source: str | None) -> str | None:
        return f"{self.edit_base}{source}" if (self.edit_base and source) else None
