"""Text from the records, encoded for where it lands in a page: each helper for one place.

Records are untrusted input (anyone can open a pull request). Every value a template writes goes
through `page_text` (the templates' finalize), so it is text both as HTML and as Markdown; record
Markdown is rendered to sanitised HTML by `records.recordtext` and made `inert` for the builder's
Markdown pass; record URLs are percent-encoded; the theme's own places get `theme_text`.
"""
from __future__ import annotations

import html
import re

from markupsafe import Markup

# HTML specials and the characters that start Markdown syntax inline, as numeric entities.
_TEXT = str.maketrans({ch: f"&#{ord(ch)};" for ch in "&<>\"\\`*_[]{}#|~^!"})
_LINE_START = re.compile(r"^([-+>]|\d+\.)(?=\s)")  # would start a list or quote at a line start
_URL_UNSAFE = re.compile(r"[^A-Za-z0-9\-._~:/?#@!$&'*+,;=%]")
_TAG = re.compile(r'<(?:[^>"]|"[^"]*")*>')
_MARKDOWN_SPECIALS = str.maketrans({ch: f"&#{ord(ch)};" for ch in "\\`*_[]{}|~^"})


def page_text(value) -> Markup:
    """Text from a record, safe both as HTML and as inline Markdown; runs of white space become one."""
    if isinstance(value, Markup):
        return value
    text = " ".join(str(value).split()).translate(_TEXT)
    return Markup(_LINE_START.sub(lambda m: "".join(f"&#{ord(c)};" for c in m.group(1)), text))


def inert(html_: str) -> str:
    """Sanitised HTML whose text cannot be read as Markdown by the page's builder: a table cell's
    inline HTML is still parsed for Markdown between its tags (`[x](javascript:...)` would become
    a live link). Markdown's characters in text become numeric entities; tags stay as they are."""
    return "".join(piece if piece.startswith("<") else piece.translate(_MARKDOWN_SPECIALS)
                   for piece in re.split(f"({_TAG.pattern})", html_))


def markdown_url(value: str) -> Markup:
    """A URL from a record, for a Markdown link target: brackets, quotes and spaces percent-encoded."""
    return Markup(_URL_UNSAFE.sub(lambda m: "".join(f"%{b:02X}" for b in m.group(0).encode()), str(value)))


def attribute_url(value: str) -> Markup:
    """A URL from a record in an HTML attribute."""
    return Markup(html.escape(markdown_url(value)))


def theme_text(value: str) -> Markup:
    """Text from a record for the theme's own places (site name, description, copyright, navigation):
    Material prints these unescaped, and also through `| e`. As Markup, escaped once, it is text in
    both. `'` stays as it is: the theme quotes attributes with `"`, and `| e` would show `&#39;`."""
    text = " ".join(str(value).split())
    return Markup(text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;"))


_MARK = {"removed": ("del", "removed: "), "added": ("ins", "added: ")}


def marked(words, separator: str = "") -> Markup:
    """What changed, as HTML text: removed words in <del>, added in <ins>, each saying so to a
    screen reader (visually hidden "removed:"/"added:"; struck through and underlined without
    colour). Every piece is record text, encoded here once and never read as Markdown afterwards.
    `separator` goes between pieces (entries of a list); words keep their spaces."""
    out, previous = [], None  # the piece before: its kind and whether it ended in a space
    for piece in words:
        text = piece.text if separator else piece.text.replace("\n", " ")
        lead, trail = (" " if text[:1].isspace() else ""), (" " if text[-1:].isspace() else "")
        shown = f"{lead}{page_text(text)}{trail}" if text.strip() else " "
        if piece.kind in _MARK:
            tag, said = _MARK[piece.kind]
            if previous == ("removed", False) and piece.kind == "added" and not lead and not separator:
                lead = " "  # a replaced run: the two marks apart
            shown = f'{lead}<{tag}><span class="visually-hidden">{said}</span>{page_text(text)}</{tag}>{trail}'
        out.append(shown)
        previous = (piece.kind, bool(trail))
    return Markup(separator.join(out))
