"""A withdrawn quote's words taken out of sites already published (decision 10): the frozen
editions' folders on the publishing branch, the draft's, wherever the words were written.

The words are known only until `withdraw` removes them from the records and the snapshots, so the
same run scrubs a checkout of the published sites: each page's quote becomes the withdrawal notice,
the search index and the data files lose the words, and nothing of them may remain (`remnants`).
"""
from __future__ import annotations

import csv
import html
import io
import json
from pathlib import Path

from ..site.encode import page_text

_TEXT_FILES = (".html", ".json", ".csv", ".xml", ".txt", ".md", ".bib", ".ris")


def forms(text: str) -> list[str]:
    """The ways the words are written in a built site: as the templates encode them, as HTML escapes
    them, as JSON strings hold them, and as plain text (a search index, a CSV cell)."""
    one_line = " ".join(text.split())
    return list(dict.fromkeys([str(page_text(one_line)), html.escape(one_line), html.escape(one_line, quote=False),
                               json.dumps(one_line, ensure_ascii=False)[1:-1], json.dumps(one_line)[1:-1], one_line]))


def scrub_site(folder: Path, quote_id: str, text: str, *, date: str, reason: str) -> list[Path]:
    """Every file under `folder` that held the words, rewritten without them. Returns the files."""
    notice = f"[withdrawn on {date}: {reason}]"
    replacements = [(form, html.escape(notice) if i < 3 else notice) for i, form in enumerate(forms(text))]
    changed = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix in _TEXT_FILES and ".git" not in p.parts):
        original = path.read_text(encoding="utf-8", errors="strict")
        rewritten = _data_file(path, original, quote_id, date, reason)
        for form, replacement in replacements:
            rewritten = rewritten.replace(f"&ldquo;{form}&rdquo;", replacement).replace(form, replacement)
        if rewritten != original:
            path.write_text(rewritten, encoding="utf-8")
            changed.append(path)
    return changed


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
    """Files under `folder` that still hold any part of the words long enough to recognise them."""
    words = " ".join(text.split())
    probes = [form for part in (words[:60], words[-60:]) for form in forms(part) if len(form) >= 20]
    return [path for path in sorted(p for p in folder.rglob("*") if p.is_file() and ".git" not in p.parts)
            if path.suffix in _TEXT_FILES and any(probe in path.read_text(encoding="utf-8", errors="replace")
                                                  for probe in probes)]
