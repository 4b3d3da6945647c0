"""Mermaid diagrams of CMOCs, built so that no text from the records can break or hijack them.

Every label is written as a quoted string in which anything but letters, digits and spaces
becomes a Mermaid entity code (`#35;`), so quotes, brackets, `<`, `&`, `%%`, `click`, `:::`,
`;` and newlines are only ever text. Node IDs and link targets never come from free text.
"""
from __future__ import annotations

import html
import posixpath
import re

from markupsafe import Markup

from .model import Cmoc, Outcome

_SAFE_ACC = re.compile(r"[^A-Za-z0-9 .,:'()?!-]")
_SAFE_URL = re.compile(r"[a-z0-9./#_-]*")


def label(text: str) -> str:
    """A Mermaid node label: `"..."` with every non-alphanumeric character as an entity code."""
    text = " ".join(text.split())  # newlines and runs of space: one space
    return '"' + "".join(ch if (ch.isalnum() and ch.isascii()) or ch == " " else f"#{ord(ch)};"
                         for ch in text) + '"'


def plain(text: str) -> str:
    """Text for accTitle/accDescr and tooltips, which Mermaid does not decode: safe characters only."""
    return " ".join(_SAFE_ACC.sub(" ", text).split())


def href(url: str) -> str:
    if not _SAFE_URL.fullmatch(url):
        raise ValueError(f"unsafe diagram link {url!r}")  # URLs come from IDs, which the schema restricts
    return url


def fence(lines: list[str], *, wide: bool = False) -> Markup:
    """A Mermaid fence; the docs step draws it as inline SVG. A wide diagram (a map) is shown at its
    own size in a box that pans, so that its text stays legible on a phone."""
    # Out of the search index: the diagram's words are in the page's text, and its source is noise
    # (at 5,000 CMOCs, a third of the index, held in memory to the end of the build).
    return Markup('``` { .mermaid' + (' .wide' if wide else '') + ' data-search-exclude="" }\n' + "\n".join(lines)
                  + "\n```")


def cmoc_diagram(cmoc: Cmoc, *, outcome_url: str) -> Markup:
    """C -> M -> O, with the circumstances where the mechanism may not fire as dashed inputs."""
    lines = ["flowchart TB",  # context over mechanism over outcome: narrow enough for a phone
             f"accTitle: {plain(f'CMOC {cmoc.number}: {cmoc.title}')}",
             "accDescr: " + plain(f"Context: {cmoc.context.label}. Mechanism: {cmoc.mechanism.label}. "
                                  f"Outcome: {cmoc.outcome.label}."
                                  + "".join(f" Mechanism may not be triggered: {c.circumstance}."
                                            for c in cmoc.not_triggered)),
             f"  c[{label('Context: ' + cmoc.context.label)}]:::context",
             f"  m[{label('Mechanism: ' + cmoc.mechanism.label)}]:::mechanism",
             f"  o[{label('Outcome: ' + cmoc.outcome.label)}]:::outcome",
             "  c --> m --> o"]
    for i, circumstance in enumerate(cmoc.not_triggered):
        lines += [f"  x{i}[{label('May not be triggered: ' + circumstance.circumstance)}]:::blocked",
                  f"  x{i} -. blocks .-> m"]
    lines += [f'  click o href "{href(outcome_url)}" "{plain("All CMOCs for this outcome")}"']
    return fence(lines + _classes(lines))


def map_diagram(groups: list[tuple[Outcome, list[Cmoc]]], *, cmoc_url, outcome_url, title: str,
                beneficiaries: tuple = ()) -> Markup:
    """The web of CMOCs: each CMOC (its mechanism) leads to its outcome, and to the CMOCs its outcome
    feeds (dotted); every node links to its page. Beneficiaries after the first are named on the node."""
    shade = {b.id: f"benefit{i % len(_BENEFIT_COLOURS)}" for i, b in enumerate(beneficiaries)}
    named = {b.id: b.name for b in beneficiaries[1:]}
    cmoc_count = sum(len(cmocs) for _, cmocs in groups)
    lines = ["flowchart LR", f"accTitle: {plain(title)}",
             "accDescr: " + plain(f"{cmoc_count} CMOCs grouped by outcome; each CMOC node shows its mechanism "
                                  "and links to its page. The list below the diagram gives the same content as text.")]
    # Mermaid stacks the subgraphs of a left-to-right chart last-defined on top: define them in
    # reverse so that they read in the theory's order.
    for g, (outcome, cmocs) in reversed(list(enumerate(groups))):
        lines.append(f"  subgraph g{g}[{label(outcome.name)}]")
        lines.append("    direction LR")
        lines.append(f"    o{g}[{label(outcome.name)}]:::outcome")
        for cmoc in cmocs:
            who = f" ({named[cmoc.beneficiary]})" if cmoc.beneficiary in named else ""
            lines.append(f"    n{cmoc.number}[{label(f'CMOC {cmoc.number}{who}: {cmoc.mechanism.label}')}]"
                         f":::{shade.get(cmoc.beneficiary, 'benefit0')} --> o{g}")
        lines.append("  end")
    shown = {cmoc.id for _, cmocs in groups for cmoc in cmocs}
    for _, cmocs in groups:
        for cmoc in cmocs:
            lines += [f"  n{cmoc.number} -. leads to .-> n{int(r.cmoc_id.split('-')[1])}" for r in cmoc.leads_to
                      if r.cmoc_id in shown]
    for g, (outcome, cmocs) in enumerate(groups):
        lines.append(f'  click o{g} href "{href(outcome_url(outcome))}" "{plain(outcome.name)}"')
        for cmoc in cmocs:
            lines.append(f'  click n{cmoc.number} href "{href(cmoc_url(cmoc))}" "{plain(cmoc.title)}"')
    return fence(lines + _classes(lines), wide=True)


def overview_diagram(outcomes, counts: dict[str, int], links: dict[tuple[str, str], int], *, title: str,
                     outcome_url) -> Markup:
    """The theory at a glance when it is too large to draw whole: each outcome with how many CMOCs
    it has, and how many of its CMOCs lead to another outcome's; each outcome opens its own map."""
    index = {o.id: i for i, o in enumerate(outcomes)}
    lines = ["flowchart TB", f"accTitle: {plain(title)}",
             "accDescr: " + plain(f"{len(outcomes)} outcomes with the number of current CMOCs of each; arrows count "
                                  "the CMOCs whose outcome leads to another outcome's CMOCs. Each outcome opens its map.")]
    lines += [f"  o{i}[{label(f'{o.name}: {counts.get(o.id, 0)} CMOCs')}]:::outcome" for i, o in enumerate(outcomes)]
    lines += [f"  o{index[a]} -. {n} leads to .-> o{index[b]}" for (a, b), n in sorted(links.items())]
    lines += [f'  click o{i} href "{href(outcome_url(o))}" "{plain(o.name)}"' for i, o in enumerate(outcomes)]
    return fence(lines + _classes(lines))


def _classes(lines: list[str]) -> list[str]:
    """The class definitions a diagram uses (every byte counts on a phone)."""
    used = "\n".join(lines)
    return [c for c in _CLASSES if f":::{c.split()[1]}" in used]


# Colours pass WCAG AA contrast with the dark text; beneficiary is also said in words, not colour alone.
_BENEFIT_COLOURS = ["fill:#fff3e0,stroke:#e65100,color:#0d1b2a", "fill:#ede7f6,stroke:#4527a0,color:#0d1b2a",
                    "fill:#e0f7fa,stroke:#00695c,color:#0d1b2a", "fill:#f1f8e9,stroke:#558b2f,color:#0d1b2a"]
_CLASSES = [
    "  classDef context fill:#e3f2fd,stroke:#1565c0,color:#0d1b2a",
    "  classDef mechanism fill:#fff3e0,stroke:#e65100,color:#0d1b2a",
    "  classDef outcome fill:#e8f5e9,stroke:#2e7d32,color:#0d1b2a",
    "  classDef blocked fill:#fce4ec,stroke:#ad1457,color:#0d1b2a,stroke-dasharray:4 3",
    *(f"  classDef benefit{i} {colours}" for i, colours in enumerate(_BENEFIT_COLOURS)),
]


# ----------------------------------------------------------------------------- links inside diagrams

_FENCE = re.compile(r"^``` ?(?:mermaid|\{ ?\.mermaid([^}\n]*)\})\n(.*?)^```\n?", re.M | re.S)  # ```mermaid, ``` { .mermaid ... }
_CLICK = re.compile(r'^\s*click \S+ href "([^"]*)"', re.M)


def diagram_targets(markdown: str) -> list[str]:
    """The link targets of every diagram in a page's Markdown (builders check links, not these)."""
    return [target for _, fence in _FENCE.findall(markdown) for target in _CLICK.findall(fence)] + \
        [html.unescape(target) for target in _DRAWN_LINK.findall(markdown)]


_DRAWN_LINK = re.compile(r'<a [^>]*xlink:href="([^"]*)"')  # a click target, once the diagram is SVG


def drawn(markdown: str, keys: dict[str, str]) -> str:
    """The page with each diagram's fence replaced by a placeholder for its SVG (source -> key):
    builders parse the page's HTML (Markdown's raw HTML, the search index) and a diagram's SVG is
    most of a page, so the SVG goes in only as the page is written (`embed`)."""
    def replace(match: re.Match) -> str:
        wide = ' diagram--wide" tabindex="0" role="region" aria-label="Diagram: scroll to see all of it' \
            if ".wide" in (match.group(1) or "") else ""
        return f'<div class="diagram{wide}" data-search-exclude="" data-diagram="{keys[match.group(2)]}"></div>\n'
    return _FENCE.sub(replace, markdown)


_PLACEHOLDER = re.compile(r'(<div class="diagram( diagram--wide)?"[^>]*?) data-diagram="([0-9a-f]+)"></div>')


def embed(page: str, svg_of) -> str:
    """The page (Markdown or HTML) with each placeholder filled with its SVG (svg_of(key) -> SVG).
    A wide diagram (a map) keeps its own size, in a box that pans."""
    def fill(match: re.Match) -> str:
        svg = " ".join(svg_of(match.group(3)).split("\n"))
        if match.group(2):
            svg = re.sub(r'width="100%"(.*?) style="max-width: ([0-9.]+)px;"', r'width="\2"\1', svg, count=1)
        return f"{match.group(1)}>{svg}</div>"
    return _PLACEHOLDER.sub(fill, page)


def sources(markdown: str) -> list[str]:
    """The Mermaid source of each diagram of a page."""
    return [source for _, source in _FENCE.findall(markdown)]


def resolve(page_url: str, target: str) -> str:
    """The site URL a relative diagram link from page_url points to (directory URLs)."""
    path = target.split("#")[0]
    joined = posixpath.normpath(posixpath.join(posixpath.dirname(page_url.rstrip("/") + "/x"), path))
    return "" if joined == "." else joined.strip("/") + "/"


def dangling_links(pages: list[tuple[str, str, str]]) -> list[tuple[str, str]]:
    """For (name, URL, Markdown) of every page of the site: (name, what is wrong) for each diagram
    link that leads to no page."""
    urls = {url for _, url, _ in pages}
    return [(name, f"diagram link {target!r} leads to {resolve(url, target)!r}, which is no page")
            for name, url, markdown in pages for target in diagram_targets(markdown)
            if resolve(url, target) not in urls]
