"""What in a quote could identify a person: contact details, dates, names, and the identifiers of
the theory's locale (its health service numbers, postcodes, phone numbers...).

A hit fails validation unless the quote carries a reviewer's marker (`deidentification:` with
`reviewed_by` and `reason`). The locale is the theory's data (theory/deidentification.yaml): its
identifier patterns and the public words that are not names. Patterns from the records run on
RE2, in time linear in the quote whatever the pattern (a pull request cannot stall the check).
Personal names are guessed as capitalised words that do not start a sentence and are not public words.
"""
from __future__ import annotations

import re
from functools import lru_cache

import re2

from .model import Deidentification, Identifier

MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
# Everywhere: each pattern starts only where a run of its characters starts (the look-behinds),
# so that a long run without a match costs one pass, not one pass from every position.
CORE = [
    ("e-mail address", re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")),
    ("web address", re.compile(r"\b(?:https?://|www\.)\S+|(?<![\w.-])[\w-]+(?:\.[\w-]+)*\.(?:com|org|net|edu|gov|info|[a-z]{2})\b"
                               r"(?![\w-])", re.I)),
    ("date (possibly a date of birth)", re.compile(
        rf"\b\d{{1,2}}[/.-]\d{{1,2}}[/.-]\d{{2,4}}\b|\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{MONTHS})\s+\d{{4}}\b"
        rf"|\b(?:{MONTHS})\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}\b|\bborn\s+(?:in|on)\s+\S+")),
]
_WORD = re.compile(r"\b[A-Z][a-z]+(?:['’-][A-Za-z]+)?\b")
_OPENERS, _CLOSERS, _ENDS = "“\"‘'([", "\"'”’)]", ".!?…"
_RE2_OPTIONS = re2.Options()
_RE2_OPTIONS.log_errors = False


@lru_cache(maxsize=256)
def compiled(pattern: str):
    """An identifier's pattern on RE2; raises re2.error for one RE2 cannot read."""
    return re2.compile(pattern, options=_RE2_OPTIONS)


def pattern_problem(pattern: str) -> str | None:
    try:
        compiled(pattern)
    except re2.error as err:
        return str(err.args[0].decode() if err.args and isinstance(err.args[0], bytes) else err)
    return None


def mod11_valid(digits: str) -> bool:
    """A modulus 11 check digit (weights 10 down to 2): a random 10-digit number passes about 1 time in 11."""
    if len(digits) != 10:
        return False
    d = [int(x) for x in digits]
    check = 11 - sum(value * weight for value, weight in zip(d[:9], range(10, 1, -1))) % 11
    return (0 if check == 11 else check) == d[9] and check != 10


CHECKS = {"mod11": lambda text: mod11_valid(re.sub(r"\D", "", text))}


def starts_sentence(text: str, at: int) -> bool:
    """Whether the word at `at` starts the text, a sentence (after . ! ? and a space, past any
    closing quotes) or a quotation. Reads back only over the spaces and marks before the word, so
    the whole check stays linear in the length of the quote."""
    i = at
    while i and text[i - 1].isspace():
        i -= 1
    if at == 0 or (i and text[i - 1] in _OPENERS):
        return True
    if i == at:  # a sentence's end is followed by a space
        return False
    while i and text[i - 1] in _CLOSERS:
        i -= 1
    return bool(i) and text[i - 1] in _ENDS


def findings(text: str, settings: Deidentification | None = None) -> list[tuple[str, str]]:
    """(kind, what was found) for everything in the text that could identify someone."""
    found = []
    taken = bytearray(len(text) + 1)  # positions inside an earlier finding: each is reported once
    patterns = [(kind, pattern, None) for kind, pattern in CORE]
    patterns += [(i.name, compiled(i.pattern), i.check) for i in (settings.identifiers if settings else ())
                 if pattern_problem(i.pattern) is None]  # an unreadable pattern is reported as such
    for kind, pattern, check in patterns:
        for match in pattern.finditer(text):
            start, end = match.start(), match.end()
            if end == start or taken.find(1, start, end) >= 0:
                continue
            if check and not CHECKS[check](match.group()):
                continue
            taken[start:end] = b"\x01" * (end - start)
            found.append((kind, match.group()))
    allowed = settings.allowed_words if settings else frozenset()
    for match in _WORD.finditer(text):
        word = match.group()
        if word in allowed or taken[match.start()] or starts_sentence(text, match.start()):
            continue
        found.append(("possible personal name", word))
    return found

