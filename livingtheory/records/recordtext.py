"""Record Markdown: the small, safe subset of Markdown that record fields may use.

One parser (markdown-it-py, CommonMark) serves every Markdown field of every record kind:
- `problems()` names each construct that is not allowed, with its line in the text and what to
  write instead, so `check` reports it rather than the site silently dropping it;
- `render()` turns allowed text into HTML, and nh3 (the Ammonia sanitiser) then keeps only the
  allow-listed tags, attributes and URL schemes: a second line of defence that does not depend
  on the first being right.

Allowed: paragraphs, emphasis, lists, block quotes, inline code, links to http(s) and mailto
addresses, and `[[id]]` links to records; headings only in fields that are whole pages. Not
allowed: raw HTML, images, attribute lists, code blocks, any other link target.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Callable
from urllib.parse import urlsplit

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token

LINK = re.compile(r"\[\[([a-z0-9-]+)\]\]")  # [[cmoc-03]] links a record
# [14], [14, 16], [14–16]: numbered citations of the works in theory/references.yaml
CITATION = re.compile(r"\[(\d{1,4}(?:\s*[,\u2013-]\s*\d{1,4})*)\]")
_CITED = re.compile(r"(\d{1,4})\s*(?:[\u2013-]\s*(\d{1,4}))?")


def cited(group: str) -> list[int]:
    """The numbers a citation names: "14, 16" -> [14, 16]; "14–16" -> [14, 15, 16]."""
    numbers = []
    for first, last in _CITED.findall(group):
        start, end = int(first), int(last or first)
        numbers += range(start, end + 1) if 0 <= end - start <= 50 else [start, end]
    return numbers
# Python-Markdown attribute lists: {: ...}, { .class }, { #id }, { key=value }
_ATTRIBUTE_LIST = re.compile(r"\{:[^{}\n]*\}|\{[ \t]*[#.][\w-][^{}\n]*\}|\{[^{}\n]*\w=[^{}\n]*\}")
_SCHEMES = {"http", "https", "mailto"}

# What the sanitiser keeps: exactly what the renderer can produce from allowed Markdown.
_TAGS = {"p", "em", "strong", "a", "ul", "ol", "li", "blockquote", "code", "br", "hr"}
_ATTRIBUTES = {"a": {"href"}, "ol": {"start"}}

# Block-level tokens allowed in every Markdown field (headings are allowed per field).
_BLOCKS = {"paragraph_open", "paragraph_close", "bullet_list_open", "bullet_list_close", "ordered_list_open",
           "ordered_list_close", "list_item_open", "list_item_close", "blockquote_open", "blockquote_close",
           "inline", "hr"}
_INLINE = {"text", "softbreak", "hardbreak", "em_open", "em_close", "strong_open", "strong_close",
           "link_open", "link_close", "code_inline"}

_WHAT_INSTEAD = "write it in Markdown: *emphasis*, **bold**, lists, > quotes, [text](https://...) or [[id]]"
_NOT_ALLOWED = {
    "html_block": ("raw HTML is not allowed in record text", _WHAT_INSTEAD),
    "html_inline": ("raw HTML is not allowed in record text", _WHAT_INSTEAD),
    "image": ("images are not shown from record text",
              "link to the picture instead: [what it shows](https://...)"),
    "code_block": ("text indented by 4 or more spaces becomes a code block",
                   "remove the indent (lists need only 2 spaces)"),
    "fence": ("code blocks (```) are not used in record text", "write the text as a paragraph"),
}


@dataclass(frozen=True)
class TextProblem:
    line: int  # 0-based line within the field's text
    message: str
    fix: str


@dataclass(frozen=True)
class Heading:
    level: int
    text: str


@cache
def _parser() -> MarkdownIt:
    parser = MarkdownIt("commonmark", {"html": True})  # HTML is parsed so that it can be refused, by line
    parser.validateLink = lambda url: True  # every link target is judged by _link_problem, with a message
    return parser


# ----------------------------------------------------------------------------- checking

def problems(text: str, *, known: Callable[[str], bool], headings: bool = False,
             inline: bool = False, works: frozenset[int] | None = None) -> list[TextProblem]:
    """Every construct of `text` that is not allowed. known(id) says whether [[id]] names a record;
    `works` are the numbers a citation such as [14] may name (None: the theory lists no works)."""
    found: list[TextProblem] = []
    for token in _tokens(text, inline):
        line = token.map[0] if token.map else 0
        if token.type == "inline":
            found += _inline_problems(token.children or [], line, known, works)
        elif token.type in _NOT_ALLOWED:
            found.append(TextProblem(line, *_NOT_ALLOWED[token.type]))
        elif token.type == "heading_close":
            continue
        elif token.type == "heading_open":
            if not headings:
                found.append(TextProblem(line, "headings are not used in this field",
                                         "write a paragraph (**bold** words can introduce it)"))
            elif token.tag not in ("h2", "h3", "h4"):
                found.append(TextProblem(line, f"a level-{token.tag[1]} heading is not used here",
                                         "use ## , ### or #### : the page title is the only # heading"))
        elif token.type not in _BLOCKS:
            found.append(TextProblem(line, f"`{token.markup or token.type}` is not used in record text",
                                     _WHAT_INSTEAD))
    return found


def _inline_problems(children: list[Token], line: int, known: Callable[[str], bool],
                     works: frozenset[int] | None = None) -> list[TextProblem]:
    found = []
    for child in children:
        if child.type in ("softbreak", "hardbreak"):
            line += 1
        elif child.type in _NOT_ALLOWED:
            found.append(TextProblem(line, *_NOT_ALLOWED[child.type]))
        elif child.type == "link_open":
            problem = _link_problem(child.attrGet("href") or "")
            if problem:
                found.append(TextProblem(line, *problem))
        elif child.type == "text":
            for match in LINK.finditer(child.content):
                if not known(match.group(1)):
                    found.append(TextProblem(line, f"[[{match.group(1)}]] does not name any record",
                                             "use the id of a CMOC, quote, service, outcome, source or theory"))
            for match in CITATION.finditer(child.content) if works is not None else ():
                for number in cited(match.group(1)):
                    if number not in works:
                        found.append(TextProblem(line, f"{match.group()} cites work {number}, which theory/references.yaml "
                                                 "does not list", f"add it there (works: - number: {number}), or "
                                                 "correct the number"))
            match = _ATTRIBUTE_LIST.search(child.content)
            if match:
                found.append(TextProblem(line, f"attribute lists such as `{match.group()}` are not available "
                                         "in record text", "remove it: the site styles record text itself"))
        elif child.type not in _INLINE:
            found.append(TextProblem(line, f"`{child.markup or child.type}` is not used in record text",
                                     _WHAT_INSTEAD))
    return found


def _link_problem(href: str) -> tuple[str, str] | None:
    parts = urlsplit(href)
    if parts.scheme.lower() in _SCHEMES and (parts.netloc or parts.scheme.lower() == "mailto"):
        return None
    shown = href if len(href) <= 60 else href[:57] + "..."
    if not parts.scheme and not parts.netloc:
        return (f"the link `{shown}` is not a full address",
                "link a record of this theory with [[id]] (e.g. [[cmoc-03]]), or give a full https:// address")
    return (f"the link `{shown}` is not allowed: record text links only to http, https and mailto addresses",
            "give a full https:// address, or link a record with [[id]]")


# ----------------------------------------------------------------------------- rendering

def render(text: str, *, link: Callable[[str], tuple[str, str]], inline: bool = False,
           cite: Callable[[int], str | None] | None = None) -> list[str | Heading]:
    """Allowed Markdown as sanitised HTML: a list of HTML parts and the headings between them.

    link(id) gives the (name, URL) of a record for [[id]]; cite(n) the URL of work n for a numbered
    citation such as [14] (None: left as text). `inline` fields (table cells) are one run of text
    with no paragraphs."""
    parts: list[str | Heading] = []
    run: list[Token] = []
    tokens = _tokens(text, inline)
    for i, token in enumerate(tokens):
        if token.type == "inline":
            token.children = _with_record_links(token.children or [], link)
            if cite:
                token.children = _with_citations(token.children, cite)
        if token.type == "heading_open":
            parts.append(_html(run))
            run = []
            parts.append(Heading(int(token.tag[1]), _plain(tokens[i + 1].children or [])))
        elif token.type == "heading_close" or (i and tokens[i - 1].type == "heading_open"):
            continue
        else:
            run.append(token)
    parts.append(_html(run))
    return [part for part in parts if part]


@cache
def headings(text: str) -> tuple[str, ...]:
    """The text of each heading of a page-long field, in order (parsed once per text)."""
    return tuple(part.text for part in render(text, link=lambda record_id: ("", "")) if isinstance(part, Heading))


def plain(text: str) -> str:
    """The words of record Markdown as a reader reads them (markup, link targets and HTML left out;
    a record link [[id]] as its id, citations as written): what two versions of a field are compared on."""
    blocks = []
    for token in _parser().parse(text or ""):
        if token.type == "inline":
            blocks.append(" ".join("".join(c.content if c.type in ("text", "code_inline") else " "
                                           if c.type in ("softbreak", "hardbreak") else ""
                                           for c in token.children or []).split()))
        elif token.type in ("code_block", "fence"):
            blocks.append(" ".join(token.content.split()))
    return LINK.sub(r"\1", "\n".join(b for b in blocks if b))


def _tokens(text: str, inline: bool) -> list[Token]:
    return _parser().parseInline(text) if inline else _parser().parse(text)


def _html(tokens: list[Token]) -> str:
    parser = _parser()
    html = parser.renderer.render(tokens, parser.options, {})
    return nh3.clean(html, tags=_TAGS, attributes=_ATTRIBUTES, url_schemes=_SCHEMES, link_rel="noopener noreferrer",
                     attribute_filter=_keep_attribute).strip()


def _keep_attribute(tag: str, attribute: str, value: str) -> str | None:
    """Links go to allowed schemes or down a relative path of the site (never `//host`)."""
    if attribute != "href":
        return value
    if value.startswith(("//", "\\")):
        return None
    scheme = urlsplit(value).scheme.lower()
    return value if scheme in _SCHEMES or (not scheme and ":" not in value.split("/")[0]) else None


def _plain(children: list[Token]) -> str:
    return "".join(c.content for c in children if c.type in ("text", "code_inline"))


def _linked(text: str, url: str | None) -> list[Token]:
    """Text as a link to `url`, or as plain text when there is none."""
    if not url:
        return [Token("text", "", 0, content=text)]
    return [Token("link_open", "a", 1, attrs={"href": url}), Token("text", "", 0, content=text),
            Token("link_close", "a", -1)]


def _replaced(children: list[Token], pattern: re.Pattern, tokens: Callable[[re.Match], list[Token]]) -> list[Token]:
    """Each match of `pattern` in text (not inside a link) replaced by tokens(match)."""
    result, depth = [], 0
    for child in children:
        depth += child.type == "link_open"
        depth -= child.type == "link_close"
        if child.type != "text" or depth or not pattern.search(child.content):
            result.append(child)
            continue
        at = 0
        for match in pattern.finditer(child.content):
            result.append(Token("text", "", 0, content=child.content[at:match.start()]))
            result += tokens(match)
            at = match.end()
        result.append(Token("text", "", 0, content=child.content[at:]))
    return result


def _with_citations(children: list[Token], cite: Callable[[int], str | None]) -> list[Token]:
    """[14, 16] and [14–16] in text: each number a link to its work in the references."""
    def numbers(match: re.Match) -> list[Token]:
        inner, pos, out = match.group(1), 0, [Token("text", "", 0, content="[")]
        for number in _CITED.finditer(inner):
            for group in (1, 2):
                if number.group(group):
                    out.append(Token("text", "", 0, content=inner[pos:number.start(group)]))
                    out += _linked(number.group(group), cite(int(number.group(group))))
                    pos = number.end(group)
        return out + [Token("text", "", 0, content=inner[pos:] + "]")]
    return _replaced(children, CITATION, numbers)


def _with_record_links(children: list[Token], link: Callable[[str], tuple[str, str]]) -> list[Token]:
    """[[id]] in text (not inside another link) becomes a link to the record, named after it."""
    return _replaced(children, LINK, lambda match: _linked(*link(match.group(1))))
