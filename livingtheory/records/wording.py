"""Word by word: what a reworded field removed and added, as data for every place that shows it
(the preview's panels, "What changed", the pull request's summary).

A reworded sentence should read as one sentence with its changed words marked, not as two
paragraphs to compare by eye: words (and runs of punctuation) are compared, and a change is
one removed run followed by one added run.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

SAME, REMOVED, ADDED = "same", "removed", "added"
_WORD = re.compile(r"(\w+|[^\w\s]+)(\s*)")  # a word or a run of punctuation, with the white space after it


@dataclass(frozen=True)
class Words:
    kind: str  # SAME, REMOVED or ADDED
    text: str


def compared(before: str, after: str) -> tuple[Words, ...]:
    """`after` against `before`, in reading order; every removed run comes just before the run
    that replaced it. Words are compared without the white space around them (a changed line
    break is no change); kept words are shown as `after` writes them."""
    old, new = _WORD.findall(before or ""), _WORD.findall(after or "")
    pieces: list[Words] = []
    for op, a1, a2, b1, b2 in _opcodes([w for w, _ in old], [w for w, _ in new]):
        if op == "equal":  # the space after the last kept word, from either text (a removal may follow it)
            last, space = new[b2 - 1][0], new[b2 - 1][1] or old[a2 - 1][1]
            _add(pieces, SAME, "".join(map("".join, new[b1:b2 - 1])) + last + space)
        else:
            _add(pieces, REMOVED, "".join(map("".join, old[a1:a2])))
            _add(pieces, ADDED, "".join(map("".join, new[b1:b2])))
    return tuple(pieces)


_MOST = 4_000_000  # words before x words after, in the changed middle: beyond it, the middle is one change


def _opcodes(old: list[str], new: list[str]) -> list[tuple[str, int, int, int, int]]:
    """difflib's opcodes, the kept start and end found first: its time grows with the product of the
    lengths, and a field may hold 100,000 characters (a middle beyond _MOST is replaced whole)."""
    start = 0
    while start < min(len(old), len(new)) and old[start] == new[start]:
        start += 1
    end = 0
    while end < min(len(old), len(new)) - start and old[-1 - end] == new[-1 - end]:
        end += 1
    middle_old, middle_new = old[start:len(old) - end], new[start:len(new) - end]
    if len(middle_old) * len(middle_new) > _MOST:
        middle = [("replace", 0, len(middle_old), 0, len(middle_new))]
    else:
        middle = difflib.SequenceMatcher(None, middle_old, middle_new, autojunk=False).get_opcodes()
    ops = [("equal", 0, start, 0, start)] if start else []
    ops += [(op, a1 + start, a2 + start, b1 + start, b2 + start) for op, a1, a2, b1, b2 in middle
            if a2 > a1 or b2 > b1]
    if end:
        ops.append(("equal", len(old) - end, len(old), len(new) - end, len(new)))
    return ops


def _add(pieces: list[Words], kind: str, text: str) -> None:
    if not text:
        return
    if pieces and pieces[-1].kind == kind:
        pieces[-1] = Words(kind, pieces[-1].text + text)
    else:
        pieces.append(Words(kind, text))


def replaced(before: str, after: str) -> tuple[Words, ...]:
    """A value replaced whole (a status, a version)."""
    return tuple(w for w in (Words(REMOVED, before or ""), Words(ADDED, after or "")) if w.text)


def entries(before: list[str], after: list[str]) -> tuple[Words, ...]:
    """Two lists of entries (evidence, relations...), each shown as one line: kept, removed and added
    entries in the order of `after`, removed ones where they stood."""
    pieces: list[Words] = []
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        pieces += [Words(REMOVED, e) for e in before[a1:a2] if op in ("delete", "replace")]
        pieces += [Words(ADDED if op != "equal" else SAME, e) for e in after[b1:b2]]
    return tuple(pieces)


def changed(pieces: tuple[Words, ...]) -> list[tuple[str, str]]:
    """Only the changes: (removed words, added words) pairs, in order (either may be empty)."""
    pairs, removed = [], None
    for piece in pieces:
        if piece.kind == REMOVED:
            if removed is not None:
                pairs.append((removed, ""))
            removed = piece.text
        elif piece.kind == ADDED:
            pairs.append((removed or "", piece.text))
            removed = None
        else:
            if removed is not None:
                pairs.append((removed, ""))
            removed = None
    if removed is not None:
        pairs.append((removed, ""))
    return [(" ".join(a.split()), " ".join(b.split())) for a, b in pairs]
