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
import zlib
from collections.abc import Mapping
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


class Parts(Mapping):
    """A page's parts, its HTML fragments held compressed (zlib, fastest level): every page's parts
    wait from rendering until the builder writes that page, at 5,000 CMOCs about 35 MB as text."""

    __slots__ = ("_keys", "_diagrams", "_lengths", "_held")

    def __init__(self, parts: dict[str, Part]):
        self._keys = tuple(parts)
        self._diagrams = {key: part for key, part in parts.items() if isinstance(part, Diagram)}
        texts = [part for part in parts.values() if not isinstance(part, Diagram)]
        self._lengths = tuple(map(len, texts))
        self._held = zlib.compress("".join(texts).encode("utf-8"), 1)

    def items(self):
        """Every part, the fragments made whole once (a page takes all of its parts at once)."""
        text, start, whole = zlib.decompress(self._held).decode("utf-8"), 0, {}
        lengths = iter(self._lengths)
        for key in self._keys:
            if key in self._diagrams:
                whole[key] = self._diagrams[key]
            else:
                end = start + next(lengths)
                whole[key], start = text[start:end], end
        return whole.items()

    def values(self):
        return [part for _, part in self.items()]

    def diagrams(self) -> list[Diagram]:
        return [self._diagrams[key] for key in self._keys if key in self._diagrams]

    def __getitem__(self, key: str) -> Part:
        if key in self._diagrams:
            return self._diagrams[key]
        return dict(self.items())[key]

    def __iter__(self):
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._keys)

    def __repr__(self) -> str:
        return f"Parts({dict(self.items())!r})"


@dataclass(frozen=True)
class Page:
    """A generated page: front matter (what any builder's templates read from page.meta), a body
    with a placeholder per part, and the parts."""
    path: str  # in the docs tree, e.g. "cmoc/cmoc-01.md"
    front: dict
    packed: bytes  # the body (Markdown, a placeholder per part), compressed: `body`, `pack`
    source: str | None  # the record file it shows, e.g. "theory/cmocs/cmoc-01.yaml"
    title: str  # as written, for citations (front["title"] is HTML-escaped)
    parts: Parts
    links: frozenset[str] = frozenset()  # docs paths and files that the parts link to
    cited: object = None  # the page's Citation (outputs.citation), or None: not citable
    cite_name: str | None = None  # the name of its citation downloads: cite/<name>.bib, .ris, .json

    @property
    def body(self) -> str:
        """The page's Markdown with a placeholder per part (every page's waits, from rendering until
        the builder takes it, compressed: at 5,000 CMOCs some 20 MB as text)."""
        return zlib.decompress(self.packed).decode("utf-8")

    @property
    def diagrams(self) -> list[Diagram]:
        return self.parts.diagrams()


def pack(body: str) -> bytes:
    """A page's body as Page holds it."""
    return zlib.compress(body.encode("utf-8"), 1)


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
