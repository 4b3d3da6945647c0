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
    matcher = difflib.SequenceMatcher(None, [w for w, _ in old], [w for w, _ in new], autojunk=False)
    pieces: list[Words] = []
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":  # the space after the last kept word, from either text (a removal may follow it)
            last, space = new[b2 - 1][0], new[b2 - 1][1] or old[a2 - 1][1]
            _add(pieces, SAME, "".join(map("".join, new[b1:b2 - 1])) + last + space)
        else:
            _add(pieces, REMOVED, "".join(map("".join, old[a1:a2])))
            _add(pieces, ADDED, "".join(map("".join, new[b1:b2])))
    return tuple(pieces)


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
