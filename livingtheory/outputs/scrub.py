"""A withdrawn quote's words taken out of sites already published (decision 10): the frozen
editions' folders on the publishing branch, the draft's, wherever the words were written.

The words are known only until `withdraw` removes them from the records and the snapshots, so the
same run scrubs a checkout of the published sites: each page's quote becomes the withdrawal notice,
the search index and the data files lose the words, and nothing of them may remain (`remnants`).

A page may hold the words whole or cut (an edition's "What changed" names an added quote by its
first words), and encoded for where they land: as the templates write them, HTML-escaped,
JSON-escaped (the search index), Markdown-escaped, or as a CSV cell. So the scrub looks for runs
of the words in each of those forms, from their start or to their end (`RUN` characters or more) or
from their middle (`MIDDLE_RUN` or more), and replaces each run whole.
"""
from __future__ import annotations

import csv
import html
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from ..web.encode import page_text

TEXT_FILES = (".html", ".htm", ".json", ".csv", ".xml", ".txt", ".md", ".bib", ".ris", ".js", ".cff")
UNSCRUBBABLE = (".pdf", ".zip", ".epub", ".docx")  # compressed documents: made again from the scrubbed pages
RUN = 24  # characters: a run of the words this long, from their start or to their end, is theirs
MIDDLE_RUN = 3 * RUN  # a run from their middle: long enough that no other text shares it
_ELLIPSIS = re.compile(r"(?:\u2026|\.\.\.|&hellip;|&#8230;|\\u2026)")
_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>])")


def _json(text: str, ascii_only: bool) -> str:
    return json.dumps(text, ensure_ascii=ascii_only)[1:-1]


# How a built site writes text: each encoding of the one-line words, and each as a JSON string holds it.
_ENCODINGS: list[Callable[[str], str]] = [
    lambda t: t, lambda t: str(page_text(t)), lambda t: html.escape(t), lambda t: html.escape(t, quote=False),
    lambda t: _MARKDOWN.sub(r"\\\1", t), lambda t: t.replace('"', '""')]
_WRAPPERS: list[Callable[[str], str]] = [lambda t: t, lambda t: _json(t, False), lambda t: _json(t, True)]


@dataclass
class Form:
    """The words as one encoding writes them, with the notice that takes their place in that encoding."""
    text: str
    notice: str
    windows: dict[str, int] = field(default_factory=dict)  # a run of RUN characters from a word's start -> offset


def forms(text: str, notice: str = "") -> list[Form]:
    one_line = " ".join(text.split())
    made: dict[str, Form] = {}
    for encode in _ENCODINGS:
        for wrap in _WRAPPERS:
            encoded = wrap(encode(one_line))
            if encoded and encoded not in made:
                made[encoded] = Form(encoded, wrap(encode(notice)))
    for form in made.values():
        starts = [0] + [m.end() for m in re.finditer(r"\s+", form.text)]
        size = min(RUN, len(form.text))
        form.windows = {form.text[s:s + size]: s for s in starts if len(form.text) - s >= size}
    return list(made.values())


def _runs(content: str, form: Form) -> list[tuple[int, int]]:
    """Where the file holds a run of the words in this form: (start, end), each as long as it goes."""
    spans = []
    for window, offset in form.windows.items():
        at = content.find(window)
        while at != -1:
            start, end, o_start, o_end = at, at + len(window), offset, offset + len(window)
            while start > 0 and o_start > 0 and content[start - 1] == form.text[o_start - 1]:
                start, o_start = start - 1, o_start - 1
            while end < len(content) and o_end < len(form.text) and content[end] == form.text[o_end]:
                end, o_end = end + 1, o_end + 1
            # A run is theirs when it starts or ends as they do (an excerpt: the site cuts the words
            # after their first characters) or is long enough that no other text shares it; words
            # shorter than a run ("Yes.") only where they stand alone. Another quote that happens to
            # share a phrase is never touched.
            whole = o_start == 0 and o_end == len(form.text)
            if len(form.text) < RUN:
                theirs = whole and not (_word_char(content, start - 1) or _word_char(content, end))
            else:
                theirs = o_start == 0 or o_end == len(form.text) or end - start >= MIDDLE_RUN
            if theirs:
                spans.append((start, end))
            at = content.find(window, at + 1)
    return spans


def _word_char(content: str, at: int) -> bool:
    return 0 <= at < len(content) and content[at].isalnum()


def scrub_text(content: str, words: str, notice: str) -> str:
    """The content with every run of the words, in every form, replaced by the notice (once per run:
    an excerpt's ellipsis and the quotation marks around it go with it). Runs of all forms are found
    first and joined where they meet, so that text two encodings share is never left between them."""
    found = []  # (start, end, the notice as that form writes it)
    for form in forms(words, notice):
        found += [(start, end, form.notice) for start, end in _runs(content, form)]
    joined: list[list] = []
    for start, end, said in sorted(found):
        if joined and start <= joined[-1][1]:
            last = joined[-1]
            if end - start > last[3]:
                last[2], last[3] = said, end - start  # the notice of the longest run
            last[1] = max(last[1], end)
        else:
            joined.append([start, end, said, end - start])
    for start, end, said, _ in reversed(joined):
        before, after = content[:start], content[end:]
        tail = _ELLIPSIS.match(after)
        after = after[tail.end():] if tail else after
        for opening, closing in (("&ldquo;", "&rdquo;"), ("\u201c", "\u201d")):
            if before.endswith(opening) and after.startswith(closing):
                before, after = before[:-len(opening)], after[len(closing):]
        content = before + said + after
    return content


def _pairs(text: str) -> set[tuple[str, str]]:
    words = text.split()
    return set(zip(words, words[1:]))


def _may_hold(content: str, pairs: set) -> bool:
    """A quick look before the search: any run of the words (in any form) holds two of their words
    side by side, as that form writes them. Most of a published site's files hold none."""
    if not pairs:
        return True
    words = content.split()
    return any(pair in pairs for pair in zip(words, words[1:]))


def _word_pairs(text: str) -> set:
    return {pair for form in forms(text) for pair in _pairs(form.text)} if len(text.split()) > 2 else set()


def scrub_site(folder: Path, quote_id: str, text: str, *, date: str, reason: str) -> list[Path]:
    """Every file under `folder` that held the words, rewritten without them. Returns the files."""
    notice = f"[withdrawn on {date}: {reason}]"
    changed, pairs = [], _word_pairs(text)
    for path in _files(folder):
        original = path.read_text(encoding="utf-8", errors="strict")
        data = _data_file(path, original, quote_id, date, reason)
        rewritten = scrub_text(data, text, notice) if _may_hold(data, pairs) else data
        if rewritten != original:
            path.write_text(rewritten, encoding="utf-8")
            changed.append(path)
    return changed


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in TEXT_FILES
                  and ".git" not in p.relative_to(folder).parts)


def unscrubbable(folder: Path) -> list[Path]:
    """Compressed files (an archival PDF, an archive) under `folder`: they may hold the words, and
    are made again from the scrubbed pages, never edited (decision 10)."""
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in UNSCRUBBABLE
                  and ".git" not in p.relative_to(folder).parts)


def _data_file(path: Path, text: str, quote_id: str, date: str, reason: str) -> str:
    """The theory's data downloads keep their shape: the quote's text empty, its withdrawal said."""
    if path.name == "theory.json" and path.parent.name == "data":
        data = json.loads(text)
        for quote in data.get("quotes") or []:
            if quote.get("id") == quote_id:
                quote.update({"text": None, "withdrawn": {"date": date, "reason": reason}})
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    if path.name == "quotes.csv" and path.parent.name == "data":
        rows = list(csv.reader(io.StringIO(text)))
        header = rows[0] if rows else []
        for row in rows[1:]:
            if row and row[0] == quote_id and "text" in header:
                row[header.index("text")] = ""
        out = io.StringIO()
        csv.writer(out, lineterminator="\r\n").writerows(rows)
        return out.getvalue()
    return text


def remnants(folder: Path, text: str) -> list[Path]:
    """Files under `folder` that still hold a run of the words (as the scrub finds them, any form)."""
    every, pairs = forms(text), _word_pairs(text)
    found = []
    zipped = sorted(p for p in folder.rglob("*.gz") if p.is_file() and ".git" not in p.relative_to(folder).parts)
    for path in [*_files(folder), *zipped]:  # a sitemap.xml.gz holds addresses, but look all the same
        content = _read(path)
        if _may_hold(content, pairs) and any(_runs(content, form) for form in every):
            found.append(path)
    return found


def _read(path: Path) -> str:
    if path.suffix == ".gz":
        import gzip
        try:
            return gzip.decompress(path.read_bytes()).decode("utf-8", errors="replace")
        except (OSError, EOFError):
            return ""
    return path.read_text(encoding="utf-8", errors="replace")
