"""The pull-request summary: what a change does to the theory, record by record and field by field
(the same comparison as the site's "What changed"), as GitHub-flavoured Markdown.

Record text is untrusted and the summary is what a reviewer trusts: every value from a record is
written as an inline code span on one line (`literal`), or as a line of a fenced ```diff block
whose fence is longer than any run of backticks in it, so that no title can open a comment, a
heading, a link or an image, or hide the lines that follow it.
"""
from __future__ import annotations

import re
import textwrap
from pathlib import Path

from ..problems import TheoryInvalid
from ..records import recordtext, wording
from ..records.data import theory_data
from ..records.editions import KINDS, Edition, FieldChange, diff
from ..records.gitref import UnknownRef, theory_at
from ..records.loader import load_theory
from ..web import addresses


def literal(text) -> str:
    """Text as one inline code span: shown as written, never read as Markdown or HTML."""
    text = " ".join(str(text).split()) or " "
    fence = "`" * (max((len(run) for run in re.findall(r"`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def diff_block(before: str, after: str, indent: str) -> list[str]:
    """The old words as `-` lines and the new as `+` lines of a fenced diff block (wrapped to be read
    without scrolling), fenced longer than any run of backticks in them."""
    lines = [f"{sign} {line}" for sign, text in (("-", before), ("+", after)) for paragraph in text.splitlines()
             for line in textwrap.wrap(paragraph, 88, break_long_words=False, break_on_hyphens=False) or [""]
             if text]
    fence = "`" * max(3, max((len(run) for run in re.findall(r"`+", "\n".join(lines))), default=0) + 1)
    return [f"{indent}{fence}diff", *(f"{indent}{line}" for line in lines), f"{indent}{fence}"]


def _words(field: FieldChange) -> str:
    """What a field's change removed and added, in the words of the record."""
    said = []
    for removed, added in wording.changed(field.words):
        said.append(", ".join([*([f"removed {literal(removed)}"] if removed else []),
                               *([f"added {literal(added)}"] if added else [])]))
    return "; ".join(said)


def _field_lines(field: FieldChange, indent: str) -> list[str]:
    if field.terms:
        return [f"{indent}- {field.field}: {literal(field.terms)}"]
    lines = [f"{indent}- {field.field}: {_words(field)}"]
    if field.shape == "text":
        before, after = (recordtext.plain(field.before), recordtext.plain(field.after)) if field.markdown else \
            (field.before, field.after)
        lines += diff_block(before, after, indent + "  ")
    return lines


def change_summary(repo: Path, base: str, *, preview: str | None = None, site=None) -> str:
    """Markdown: what the working tree's theory changes against the theory at git ref `base`; each
    changed record linked to its page in the `preview` at that address, addressed as `site` (the
    preview's own address scheme: pages as .html files)."""
    site = site or addresses.Addresses(directory_urls=False)
    current = load_theory(repo / "theory")
    lines = [f"## Theory change against {literal(base)}", ""]
    try:
        before = theory_at(base, repo / "theory")
    except UnknownRef as unknown:
        return "\n".join(lines + [str(unknown), ""])
    except TheoryInvalid:  # e.g. a change of the records' model: say so, do not fail the job
        return "\n".join(lines + [f"The theory at {literal(base)} cannot be read by this version of the tools (it has "
                                  "no theory yet, has problems, or its records are in an older format), so no "
                                  "record-by-record comparison is given.", ""])
    changes = diff(Edition(before.study.version, "", theory_data(before)), theory_data(current))
    if preview:
        lines += [f"Every change marked word by word in the preview: [{addresses.NAMES[addresses.REVIEW]}]"
                  f"({preview.rstrip('/')}/{site.url(addresses.REVIEW)})", ""]
    for kind, heading in KINDS:
        these = [c for c in changes if c.kind == kind]
        counts = {what: [c for c in these if c.change == what] for what in ("added", "changed", "removed")}
        lines.append(f"- {heading}: " + ", ".join(f"{len(v)} {what}" for what, v in counts.items()))
        for change in these:
            fields = "; ".join(f"{f.field}: {literal(f.before or '(none)')} → {literal(f.after or '(none)')}"
                               if f.field in ("Status", "Version") else f.field for f in change.fields)
            name = f"{literal(change.record_id)} ({literal(change.title)})"
            page = _page(current, change.record_id, site) if preview and change.change != "removed" else None
            if page is not None:
                name += f" [preview]({preview.rstrip('/')}/{page})"
            lines.append(f"  - {change.change} {name}" + (f": {fields}" if fields else ""))
            for field in change.fields:
                if field.field not in ("Status", "Version"):
                    lines += _field_lines(field, "    ")
            for entry in change.history:
                said = ", ".join(literal(entry[k]) for k in ("version", "status") if entry.get(k))
                lines.append(f"    - New history entry{f' ({said})' if said else ''}: change "
                             f"{literal(entry.get('change') or '(none)')}; rationale "
                             f"{literal(entry.get('rationale') or '(none)')}")
    if before.study.version != current.study.version:
        lines.append(f"- Theory version: {literal(before.study.version)} → {literal(current.study.version)}")
    return "\n".join(lines) + "\n"


def _page(theory, record_id: str, site) -> str | None:
    """The preview address of the page that shows a record (its id comes from a checked record)."""
    record = theory.by_id.get(record_id)
    if record is None:
        return None
    try:
        return site.url(addresses.page_of(record))
    except TypeError:
        return None
