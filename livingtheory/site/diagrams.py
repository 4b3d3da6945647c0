"""Diagrams of the theory as data for the drawing step: Mermaid source that no record can break.

Every label is written as a quoted string in which anything but letters, digits and spaces
becomes a Mermaid entity code (`#35;`), so quotes, brackets, `<`, `&`, `%%`, `click`, `:::`,
`;` and newlines are only ever text. Node IDs and link targets never come from free text.
"""
from __future__ import annotations

import re
from typing import Callable

from ..records.model import RETIRED, Cmoc, Outcome, ProgrammeTheory
from . import addresses, evidence
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
    target = addresses.page_of(outcome)
    lines += [f'  click o href "{_safe(href(target))}" "{plain("All CMOCs for this outcome")}"']
    return Diagram("\n".join(lines + _classes(lines)), (target,))


# How each relation type is drawn, in the order the theory's vocabulary lists them: (Mermaid's arrow
# before and after the label, the key's name for the line). Every type also names itself on its arrows.
_ARROWS = [("-.", ".->", "dotted"), ("==", "==>", "thick"), ("--", "--x", "crossed"), ("--", "--o", "ringed"),
           ("-.", ".-x", "dotted-crossed")]


def arrow(theory: ProgrammeTheory, type_id: str) -> tuple[str, str, str]:
    types = [t.id for t in theory.study.vocabulary.relation_types]
    return _ARROWS[types.index(type_id) % len(_ARROWS)] if type_id in types else _ARROWS[0]


def _node(theory: ProgrammeTheory, cmoc: Cmoc, named: dict[str, str]) -> str:
    """A CMOC on a map: its number, who benefits where it is not the first, its mechanism, its status
    where it is not plain, and the weight of evidence for and against it."""
    weight = evidence.weigh(theory, cmoc)
    who = f" ({named[cmoc.beneficiary]})" if cmoc.beneficiary in named else ""
    status = " contested" if weight.contested else f" {cmoc.status}" if cmoc.status in ("proposed", *RETIRED) else ""
    counts = f" [{weight.short()}]" if weight.short() else ""
    return label(f"CMOC {cmoc.number}{who}: {cmoc.mechanism.label}{counts}{' ·' + status if status else ''}")


def map_diagram(theory: ProgrammeTheory, groups: list[tuple[Outcome, list[Cmoc]]], href: Href, *,
                title: str) -> Diagram:
    """The web of CMOCs: each CMOC (its mechanism) leads to its outcome, and bears on other CMOCs by
    the theory's relation types (each drawn its own way); every node links to its page. Beneficiaries
    after the first are named on the node; a contested or proposed CMOC is marked."""
    beneficiaries = theory.study.beneficiaries
    shade = {b.id: f"benefit{i % len(_BENEFIT_COLOURS)}" for i, b in enumerate(beneficiaries)}
    named = {b.id: b.name for b in beneficiaries[1:]}
    cmoc_count = sum(len(cmocs) for _, cmocs in groups)
    lines = ["flowchart LR", f"accTitle: {plain(title)}",
             "accDescr: " + plain(f"{cmoc_count} CMOCs grouped by outcome; each CMOC node shows its mechanism and "
                                  "its evidence for and against, and links to its page. The list below the diagram "
                                  "gives the same content as text.")]
    # Mermaid stacks the subgraphs of a left-to-right chart last-defined on top: define them in
    # reverse so that they read in the theory's order.
    for g, (outcome, cmocs) in reversed(list(enumerate(groups))):
        lines.append(f"  subgraph g{g}[{label(outcome.name)}]")
        lines.append("    direction LR")
        lines.append(f"    o{g}[{label(outcome.name)}]:::outcome")
        for cmoc in cmocs:
            style = "contested" if evidence.weigh(theory, cmoc).contested else \
                "proposed" if cmoc.status == "proposed" else shade.get(cmoc.beneficiary, "benefit0")
            lines.append(f"    n{cmoc.number}[{_node(theory, cmoc, named)}]:::{style} --> o{g}")
        lines.append("  end")
    shown = {cmoc.id for _, cmocs in groups for cmoc in cmocs}
    for _, cmocs in groups:
        for cmoc in cmocs:
            for r in cmoc.relations:
                if r.cmoc in shown:
                    start, end, _ = arrow(theory, r.type)
                    name = plain(theory.relation_type(r.type).name)
                    lines.append(f"  n{cmoc.number} {start} {name} {end} n{theory.get(r.cmoc).number}")
    targets = []
    for g, (outcome, cmocs) in enumerate(groups):
        targets.append(addresses.page_of(outcome))
        lines.append(f'  click o{g} href "{_safe(href(targets[-1]))}" "{plain(outcome.name)}"')
        for cmoc in cmocs:
            targets.append(addresses.page_of(cmoc))
            lines.append(f'  click n{cmoc.number} href "{_safe(href(targets[-1]))}" "{plain(cmoc.title)}"')
    return Diagram("\n".join(lines + _classes(lines)), tuple(targets), wide=True)


def legend(theory: ProgrammeTheory, groups: list[tuple[Outcome, list[Cmoc]]]) -> list[tuple[str, str]]:
    """The key to a map: (sample, meaning) for each way of drawing that the map uses."""
    cmocs = [c for _, group in groups for c in group]
    shown = {c.id for c in cmocs}
    used = list(dict.fromkeys(r.type for c in cmocs for r in c.relations if r.cmoc in shown))
    key = [(f"node-benefit{i % len(_BENEFIT_COLOURS)}", f"a CMOC in which the {b.name} benefits")
           for i, b in enumerate(theory.study.beneficiaries) if any(c.beneficiary == b.id for c in cmocs)]
    key += [("node-outcome", "an outcome: each CMOC's arrow leads to its outcome")]
    if any(evidence.weigh(theory, c).contested for c in cmocs):
        key.append(("node-contested", "a contested CMOC: evidence both for and against it ([n for, n against])"))
    if any(c.status == "proposed" for c in cmocs):
        key.append(("node-proposed", "a proposed CMOC, not yet reviewed"))
    for type_id in used:
        relation = theory.relation_type(type_id)
        key.append((f"line-{arrow(theory, type_id)[2]}", f"{relation.name} (read the other way: {relation.inverse})"))
    return key


def overview_diagram(theory: ProgrammeTheory, href: Href, *, title: str) -> Diagram:
    """The theory at a glance when it is too large to draw whole: each outcome with how many CMOCs
    it has, and how many of its CMOCs bear on another outcome's; each outcome opens its own map."""
    outcomes = theory.outcomes
    index = {o.id: i for i, o in enumerate(outcomes)}
    links: dict[tuple[str, str], int] = {}
    for cmoc in theory.current:
        for relation in cmoc.relations:
            other = theory.get(relation.cmoc)
            if not other.retired and other.outcome_group != cmoc.outcome_group:
                key = (cmoc.outcome_group, other.outcome_group)
                links[key] = links.get(key, 0) + 1
    lines = ["flowchart TB", f"accTitle: {plain(title)}",
             "accDescr: " + plain(f"{len(outcomes)} outcomes with the number of current CMOCs of each; arrows count "
                                  "the relations from one outcome's CMOCs to another's. Each outcome opens its map.")]
    lines += [f"  o{i}[{label(f'{o.name}: {len(theory.cmocs_in(o))} CMOCs')}]:::outcome" for i, o in enumerate(outcomes)]
    lines += [f"  o{index[a]} -. {n} relations .-> o{index[b]}" for (a, b), n in sorted(links.items())]
    targets = [addresses.page_of(o) for o in outcomes]
    lines += [f'  click o{i} href "{_safe(href(t))}" "{plain(o.name)}"' for i, (o, t) in enumerate(zip(outcomes, targets))]
    return Diagram("\n".join(lines + _classes(lines)), tuple(targets))


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
    *(f"  classDef benefit{i} {colours}" for i, colours in enumerate(_BENEFIT_COLOURS)),
]
