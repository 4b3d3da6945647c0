"""What in a quote could identify a person: contact details, addresses, NHS numbers, dates, names.

A hit fails validation unless the quote carries a reviewer's marker (`deidentification:` with
`reviewed_by` and `reason`). Personal names are guessed as capitalised words that do not start a
sentence and are not on the allow-list of public terms (allowed-words.txt, one word a line).
"""
from __future__ import annotations

import re
from functools import cache
from pathlib import Path

MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
PATTERNS = [
    # Each pattern starts only where a run of its characters starts (the look-behinds), so that a
    # long run without a match costs one pass, not one pass from every position (quadratic).
    ("e-mail address", re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")),
    ("web address", re.compile(r"\b(?:https?://|www\.)\S+|(?<![\w-])[\w-]+\.(?:com|org|net|co\.uk|org\.uk|nhs\.uk|ac\.uk|uk)\b",
                               re.I)),
    ("NHS number", re.compile(r"\b\d{3}[ -]?\d{3}[ -]?\d{4}\b")),
    ("phone number", re.compile(r"(?<![\w+])(?:\+44[ -]?|0)\d{2,4}[ -]?\d{3,4}[ -]?\d{3,4}\b")),
    ("postcode", re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?[ ]?\d[A-Z]{2}\b")),
    ("date (possibly a date of birth)", re.compile(
        rf"\b\d{{1,2}}[/.-]\d{{1,2}}[/.-]\d{{2,4}}\b|\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{MONTHS})\s+\d{{4}}\b"
        rf"|\b(?:{MONTHS})\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}\b|\bborn\s+(?:in|on)\s+\S+")),
]
_WORD = re.compile(r"\b[A-Z][a-z]+(?:['’-][A-Za-z]+)?\b")
_OPENERS, _CLOSERS, _ENDS = "“\"‘'([", "\"'”’)]", ".!?…"


@cache
def allowed_words() -> frozenset[str]:
    lines = (Path(__file__).parent / "allowed-words.txt").read_text().splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def nhs_number_valid(digits: str) -> bool:
    """The NHS number check digit (modulus 11): a random 10-digit number passes about 1 time in 11."""
    d = [int(x) for x in digits]
    check = 11 - sum(value * weight for value, weight in zip(d[:9], range(10, 1, -1))) % 11
    return (0 if check == 11 else check) == d[9] and check != 10


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


def findings(text: str) -> list[tuple[str, str]]:
    """(kind, what was found) for everything in the text that could identify someone."""
    found = []
    taken: list[range] = []
    for kind, pattern in PATTERNS:
        for match in pattern.finditer(text):
            span = range(match.start(), match.end())
            if any(span.start in t or t.start in span for t in taken):
                continue
            if kind == "NHS number" and not nhs_number_valid(re.sub(r"\D", "", match.group())):
                continue
            taken.append(span)
            found.append((kind, match.group()))
    for match in _WORD.finditer(text):
        word = match.group()
        if word in allowed_words() or starts_sentence(text, match.start()):
            continue
        if any(match.start() in t for t in taken):
            continue
        found.append(("possible personal name", word))
    return found
