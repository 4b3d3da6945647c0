"""Diagrams of the theory as data for the drawing step: Mermaid source that no record can break.

Every label is written as a quoted string in which anything but letters, digits and spaces
becomes a Mermaid entity code (`#35;`), so quotes, brackets, `<`, `&`, `%%`, `click`, `:::`,
`;` and newlines are only ever text. Node IDs and link targets never come from free text.
"""
from __future__ import annotations

import re
from typing import Callable

from ..records.model import RETIRED, Cmoc, Outcome, ProgrammeTheory
from ..web import addresses
from . import evidence
from .assembly import Diagram

Href = Callable[[str], str]  # a docs path -> its URL from the page that shows the diagram

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


def counted(n: int, noun: str) -> str:
    """'1 outcome', '2 outcomes': for pages and diagrams' text alike."""
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _safe(url: str) -> str:
    if not _SAFE_URL.fullmatch(url):
        raise ValueError(f"unsafe diagram link {url!r}")  # URLs come from IDs, which the schema restricts
    return url


def cmoc_diagram(cmoc: Cmoc, outcome: Outcome, href: Href) -> Diagram:
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
    if cmoc.not_triggered:  # one column, whatever their number: side by side they would not fit a phone
        lines.append("  " + " ~~~ ".join([*(f"x{i}" for i in range(len(cmoc.not_triggered))), "c"]))
    target = addresses.page_of(outcome)
    lines += [f'  click o href "{_safe(href(target))}" "{plain("All CMOCs for this outcome")}"']
    return Diagram("\n".join(lines + _classes(lines)), (target,), text_px=16)


# How each relation type is drawn, in the order the theory's vocabulary lists them: (Mermaid's arrow
# before and after the label, the key's name for the line). Every type also names itself on its arrows.
_ARROWS = [("-.", ".->", "dotted"), ("==", "==>", "thick"), ("--", "--x", "crossed"), ("--", "--o", "ringed"),
           ("-.", ".-x", "dotted-crossed")]


def arrow(theory: ProgrammeTheory, type_id: str) -> tuple[str, str, str]:
    types = [t.id for t in theory.study.vocabulary.relation_types]
    return _ARROWS[types.index(type_id) % len(_ARROWS)] if type_id in types else _ARROWS[0]


_NAMED_RELATIONS = 3  # on a map's node; the CMOC's page has them all


def _node(theory: ProgrammeTheory, cmoc: Cmoc, named: dict[str, str], shown: set[str] = frozenset()) -> str:
    """A CMOC on a map: its number, who benefits where it is not the first, its mechanism, its status
    where it is not plain, the weight of evidence for and against it, and the CMOCs on the map it
    bears on ("leads to CMOC 12")."""
    weight = evidence.weigh(theory, cmoc)
    who = f" ({named[cmoc.beneficiary]})" if cmoc.beneficiary in named else ""
    marks = [cmoc.status] if cmoc.status in ("proposed", *RETIRED) else []
    status = " " + ", ".join(marks + ["contested"] * weight.contested) if marks or weight.contested else ""
    counts = f" [{weight.short()}]" if weight.short() else ""
    relations = [f"{theory.relation_type(r.type).name} CMOC {theory.get(r.cmoc).number}"
                 for r in cmoc.relations if r.cmoc in shown]
    more = len(relations) - _NAMED_RELATIONS
    related = ("; " + ", ".join(relations[:_NAMED_RELATIONS]) + (f" and {more} more" if more > 0 else "")) if relations else ""
    second = f"{counts.strip()}{' ·' + status if status else ''}{related}".lstrip(" ·;")
    first = label(f"CMOC {cmoc.number}{who}: {cmoc.mechanism.label}")
    # the counts, status and relations start a line of their own, so that "[2 for]" is never split
    return first[:-1] + "<br>" + label(second)[1:] if second else first


def _context_key(cmoc: Cmoc) -> str:
    return " ".join(cmoc.context.label.lower().split())


# A CMOC's neighbourhood reads left to right: the CMOCs that bear on it, the CMOC, the CMOCs it bears
# on. Three columns, however many relations: about 650 px, the content beside a page's contents.
_NEIGHBOURHOOD_LAYOUT = ('%%{init: {"themeVariables": {"fontSize": "14px"}, "flowchart": {"wrappingWidth": 150, '
                         '"nodeSpacing": 16, "rankSpacing": 40, "padding": 6}}}%%')
MAP_TEXT_PX = 14  # both layouts' text: a page shows a diagram only where it is at least 12 px


def map_keys(groups: list[tuple[Outcome, list[Cmoc]]]) -> dict[str, tuple[str, str, str]]:
    """Each drawn CMOC's nodes on a map: (its context's, its own, its outcome's) Mermaid node ids;
    a context is drawn once, keyed by its first CMOC. The explorer finds them in the drawn SVG."""
    contexts: dict[str, str] = {}
    keys = {}
    for g, (_, cmocs) in enumerate(groups):
        for cmoc in cmocs:
            context = contexts.setdefault(_context_key(cmoc), f"c{len(contexts)}")
            keys[cmoc.id] = (context, f"n{cmoc.number}", f"o{g}")
    return keys


# A map is drawn compactly, close together, its three columns at most 260 px each: at 14 px it fits
# the content of a 1,280 px screen (about 930 px) at its own size. A directive of this diagram alone,
# written by the core (record text is escaped, so it can never write one).
_MAP_LAYOUT = ('%%{init: {"themeVariables": {"fontSize": "14px"}, "flowchart": {"wrappingWidth": 260, '
               '"nodeSpacing": 6, "rankSpacing": 20, "padding": 4}}}%%')


def map_diagram(theory: ProgrammeTheory, groups: list[tuple[Outcome, list[Cmoc]]], href: Href, *,
                title: str) -> Diagram:
    """The theory as a web: contexts (each drawn once, however many CMOCs share it) lead to the
    CMOCs' mechanisms, which lead to their outcomes. A CMOC's node shows its number, its mechanism,
    its evidence for and against and the CMOCs it bears on (named: an arrow between two CMOCs would
    pull one into another column, and the web would lose its shape; each CMOC's page draws its
    neighbourhood). It is styled by who benefits, and marked when contested or proposed. Every
    CMOC and outcome node links to its page."""
    beneficiaries = theory.study.beneficiaries
    shade = {b.id: f"benefit{i % len(_BENEFIT_COLOURS)}" for i, b in enumerate(beneficiaries)}
    named = {b.id: b.name for b in beneficiaries[1:]}
    cmocs = [c for _, group in groups for c in group]
    keys = map_keys(groups)
    contexts = {keys[c.id][0]: c for c in reversed(cmocs)}  # each context's first CMOC words it
    lines = [_MAP_LAYOUT, "flowchart LR", f"accTitle: {plain(title)}",
             "accDescr: " + plain(f"{counted(len(cmocs), 'CMOC')} as a web: {counted(len(contexts), 'context')} "
                                  f"lead to the CMOCs' mechanisms, which lead to {counted(len(groups), 'outcome')}. "
                                  "Each CMOC node shows its evidence for and against and links to its page. The list "
                                  "below the diagram gives the same content as text.")]
    lines += [f"  {key}[{label(first.context.label)}]:::context" for key, first in sorted(
        contexts.items(), key=lambda item: int(item[0][1:]))]
    for g, (outcome, group) in enumerate(groups):
        lines.append(f"  o{g}[{label(outcome.name)}]:::outcome")
        for cmoc in group:
            style = "contested" if evidence.weigh(theory, cmoc).contested else \
                "proposed" if cmoc.status == "proposed" else shade.get(cmoc.beneficiary, "benefit0")
            lines.append(f"  {keys[cmoc.id][0]} --> n{cmoc.number}[{_node(theory, cmoc, named, set(keys))}]:::{style}"
                         f" --> o{g}")
    targets = []
    for g, (outcome, group) in enumerate(groups):
        targets.append(addresses.page_of(outcome))
        lines.append(f'  click o{g} href "{_safe(href(targets[-1]))}" "{plain(outcome.name)}"')
        for cmoc in group:
            targets.append(addresses.page_of(cmoc))
            lines.append(f'  click n{cmoc.number} href "{_safe(href(targets[-1]))}" "{plain(cmoc.title)}"')
    return Diagram("\n".join(lines + _classes(lines)), tuple(targets), wide=True, text_px=MAP_TEXT_PX)


def neighbourhood_diagram(theory: ProgrammeTheory, cmoc: Cmoc, href: Href) -> Diagram | None:
    """A CMOC and the CMOCs it bears on or that bear on it, each relation drawn its own way and
    named; None when it has none."""
    pairs = [(cmoc, r.type, theory.get(r.cmoc)) for r in cmoc.relations]
    pairs += [(other, r.type, cmoc) for other, r in theory.related_from(cmoc)]
    if not pairs:
        return None
    named = {b.id: b.name for b in theory.study.beneficiaries[1:]}
    nodes = list(dict.fromkeys(c for a, _, b in pairs for c in (a, b)))
    lines = [_NEIGHBOURHOOD_LAYOUT, "flowchart LR", f"accTitle: {plain(f'How CMOC {cmoc.number} connects')}",
             "accDescr: " + plain("; ".join(f"CMOC {a.number} {theory.relation_type(t).name} CMOC {b.number}"
                                            for a, t, b in pairs) + ". The list below says the same.")]
    for c in nodes:
        style = "focus" if c is cmoc else "retired" if c.retired else "proposed" if c.status == "proposed" else "mechanism"
        lines.append(f"  n{c.number}[{_node(theory, c, named)}]:::{style}")
    for a, type_id, b in pairs:
        start, end, _ = arrow(theory, type_id)
        lines.append(f"  n{a.number} {start} {plain(theory.relation_type(type_id).name)} {end} n{b.number}")
    targets = [addresses.page_of(c) for c in nodes if c is not cmoc]
    lines += [f'  click n{c.number} href "{_safe(href(addresses.page_of(c)))}" "{plain(c.title)}"'
              for c in nodes if c is not cmoc]
    return Diagram("\n".join(lines + _classes(lines)), tuple(targets), wide=True, text_px=MAP_TEXT_PX)


def neighbourhood_legend(theory: ProgrammeTheory, cmoc: Cmoc) -> list[tuple[str, str]]:
    used = dict.fromkeys([r.type for r in cmoc.relations] + [r.type for _, r in theory.related_from(cmoc)])
    return [(f"line-{arrow(theory, t)[2]}", f"{theory.relation_type(t).name} (read the other way: "
             f"{theory.relation_type(t).inverse})") for t in used]


def legend(theory: ProgrammeTheory, groups: list[tuple[Outcome, list[Cmoc]]]) -> list[tuple[str, str]]:
    """The key to a map: (sample, meaning) for each way of drawing that the map uses."""
    cmocs = [c for _, group in groups for c in group]
    key = [("node-context", "a context: drawn once, with an arrow to each mechanism it triggers")]
    key += [(f"node-benefit{i % len(_BENEFIT_COLOURS)}", f"a CMOC in which the {b.name} benefits")
           for i, b in enumerate(theory.study.beneficiaries) if any(c.beneficiary == b.id for c in cmocs)]
    key += [("node-outcome", "an outcome: each CMOC's arrow leads to its outcome")]
    others = {b.id: b.name for b in theory.study.beneficiaries[1:]}
    named = [c for c in cmocs if c.beneficiary in others]
    if named:
        key.append(("node-plain", f"“CMOC {named[0].number} ({others[named[0].beneficiary]})”: "
                                  "who benefits, named where it is not the "
                                  f"{theory.study.beneficiaries[0].name}"))
    if any(evidence.weigh(theory, c).short() for c in cmocs):
        key.append(("node-plain", "“[2 for, 1 against]” on a CMOC: how many pieces of evidence support it and "
                                  "contradict it"))
    if any(evidence.weigh(theory, c).contested for c in cmocs):
        key.append(("node-contested", "a contested CMOC: evidence both for and against it"))
    if any(c.status == "proposed" for c in cmocs):
        key.append(("node-proposed", "a proposed CMOC, not yet reviewed"))
    drawn = {c.id for c in cmocs}
    bearing = [(c, r) for c in cmocs for r in c.relations if r.cmoc in drawn]  # a node names only what is drawn
    if bearing:
        c, r = bearing[0]
        key.append(("node-plain", f"“{theory.relation_type(r.type).name} CMOC {theory.get(r.cmoc).number}” on "
                                  f"CMOC {c.number}: how a CMOC bears on another drawn here (each CMOC's page draws "
                                  "all its connections)"))
    return key


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
    "  classDef contested fill:#ffebee,stroke:#b71c1c,color:#0d1b2a,stroke-width:3px",
    "  classDef proposed fill:#ffffff,stroke:#455a64,color:#0d1b2a,stroke-dasharray:6 4",
    "  classDef focus fill:#fff3e0,stroke:#e65100,color:#0d1b2a,stroke-width:3px",
    "  classDef retired fill:#eceff1,stroke:#455a64,color:#0d1b2a,stroke-dasharray:2 2",
    *(f"  classDef benefit{i} {colours}" for i, colours in enumerate(_BENEFIT_COLOURS)),
]
