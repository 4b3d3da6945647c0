"""What every site made from any theory must hold, read from its pages and downloads.

`Built` is a generated site as a reader gets it without a builder's theme: each page's Markdown with
its parts in place, converted by Python-Markdown with the extensions mkdocs.yml names, parsed by
lxml. The checks compare it with the records as the team wrote them (tests/theorygen.py), never
with the code that made the pages: counts are counted again here, from the records.
"""
from __future__ import annotations

import csv
import html
import io
import json
import posixpath
import re
from dataclasses import dataclass
from pathlib import Path

import markdown
import yaml
from lxml import html as lxml_html

from livingtheory.web import addresses
from livingtheory.web.addresses import Addresses

REPO = Path(__file__).resolve().parent.parent
_CONFIG = yaml.load((REPO / "mkdocs.yml").read_text(), Loader=yaml.BaseLoader)  # !ENV tags read as text
EXTENSIONS = [e if isinstance(e, str) else next(iter(e)) for e in _CONFIG["markdown_extensions"]]
EXTENSION_CONFIGS = {next(iter(e)): {k: v == "true" if v in ("true", "false") else v for k, v in next(iter(e.values())).items()}
                     for e in _CONFIG["markdown_extensions"] if isinstance(e, dict)}
DIRECTIONS = ("supports", "refines", "contradicts", "not-triggered")
ADJECTIVE = {"supports": "supporting", "refines": "refining", "contradicts": "contrary",
             "not-triggered": "where the mechanism was not triggered"}
# Markup that, in a text node, a reader sees as characters: a tag, an entity encoded twice, record
# Markdown never converted ([[links]], *emphasis*).
VISIBLE_MARKUP = re.compile(r"<[a-zA-Z/!][^>]*>|&(?:[a-z]+|#\d+|#x[0-9a-fA-F]+);|\[\[[a-z0-9-]+\]\]"
                            r"|(?<![\w*])\*{1,2}[a-z][a-z ]*[a-z]\*{1,2}(?![\w*])"  # emphasis left as text
                            r"|(?:^|\s)#{2,6} \w|\{:? ?[#.][\w-]+ ?\}"  # a heading or an attribute list left as text
                            r"|\]\((?:\.\./|\./|https?:|[\w-]+/)|^\s*\|.*\|\s*$"  # a link or a table row left as text
                            r"|\{'\w+': |<function |<[\w.]+ object at ")  # a Python value printed as it is
_SITE = Addresses(directory_urls=True)


@dataclass
class Built:
    pages: dict  # docs path -> lxml document of the page's HTML
    urls: dict  # page URL (from the site's root) -> docs path
    files: dict  # download path -> its text

    @classmethod
    def of(cls, site) -> "Built":
        pages = {}
        for page in site.pages:
            md = markdown.Markdown(extensions=EXTENSIONS, extension_configs=EXTENSION_CONFIGS)
            body = md.convert(site.fill(page.path, page.body))
            pages[page.path] = lxml_html.fromstring(f"<html><body><article>{body}</article></body></html>")
        files = {d.path: d.content for d in (*site.citations, *site.data)}
        return cls(pages, {_SITE.url(path): path for path in pages}, files)

    def text(self, path: str) -> str:
        return " ".join(self.pages[path].text_content().split())

    def ids(self, path: str) -> set[str]:
        return set(self.pages[path].xpath("//@id"))


def plain(text: str) -> str:
    """Record text as a reader sees it: one line, Markdown emphasis gone, record links as their text."""
    text = re.sub(r"\[\[(cmoc-0*(\d+))\]\]", lambda m: f"CMOC {int(m.group(2))}", text)
    text = re.sub(r"\[\[([a-z0-9-]+)\]\]", r"\1", text)
    text = re.sub(r"(?<![\w*])\*{1,2}([a-z][a-z ]*[a-z])\*{1,2}(?![\w*])", r"\1", text)
    return " ".join(text.split())


# ----------------------------------------------------------------------------- the invariants

def no_visible_markup(built: Built) -> list[str]:
    found = []
    for path, document in built.pages.items():
        for node in document.xpath("//text()[not(ancestor::script) and not(ancestor::style) and not(ancestor::code)]"):
            match = VISIBLE_MARKUP.search(node)
            if match:
                found.append(f"{path}: {match.group()!r} shown as text in {' '.join(str(node).split())[:120]!r}")
    return found


def links_resolve(built: Built, assets: set[str]) -> list[str]:
    """Every link inside the site leads to a page (and its anchor), a download or an asset."""
    found = []
    for path, document in built.pages.items():
        here = _SITE.url(path)
        for href in document.xpath("//a/@href"):
            if re.match(r"^[a-z][a-z0-9+.-]*:", href) or href.startswith("//"):
                continue
            target, _, anchor = href.partition("#")
            target = target.partition("?")[0]
            if not target:
                resolved = path
            elif target.endswith(".md") or ".md#" in href:
                resolved = posixpath.normpath(posixpath.join(posixpath.dirname(path), target))
            else:
                url = posixpath.normpath(posixpath.join(here or ".", target)) + ("/" if target.endswith("/") else "")
                url = "" if url in ("./", "./.", ".") else url.lstrip("./") if url.startswith("./") else url
                if url in built.files or url in assets:
                    continue
                resolved = built.urls.get(url)
            if resolved not in built.pages:
                found.append(f"{path}: the link {href!r} leads to no page of the site")
            elif anchor and anchor not in built.ids(resolved):
                found.append(f"{path}: the link {href!r} names no anchor of {resolved}")
    return found


def counts_agree(built: Built, team, map_path: str = addresses.MAP, evidence_path: str = addresses.EVIDENCE) -> list[str]:
    """Each current CMOC's evidence, counted from the records by direction (withdrawn quotes apart):
    the same on its page, in the map's list, in the evidence map and in data/cmocs.csv."""
    found = []
    rows = {row["id"]: row for row in csv.DictReader(io.StringIO(built.files["data/cmocs.csv"]))}
    withdrawn = {q for q, r in team.records["quotes"].items() if r.get("withdrawn")}
    for cmoc in team.records["cmocs"].values():
        counts = {d: [e for e in cmoc["evidence"] if e["direction"] == d and e.get("quote") not in withdrawn]
                  for d in DIRECTIONS}
        words = [f"{len(items)} {ADJECTIVE[d]}" for d, items in counts.items() if items]
        page = built.text(f"cmoc/{cmoc['id']}.md")
        for said in words:
            if said + " from" not in page:
                found.append(f"{cmoc['id']}: its page does not say {said!r}")
        listed = [li for li in built.pages[map_path].xpath(f"//li[@data-cmoc='{cmoc['id']}']")]
        if len(listed) != 1:
            found.append(f"{cmoc['id']}: the map's list holds it {len(listed)} times")
        else:
            item = " ".join(listed[0].text_content().split())
            found += [f"{cmoc['id']}: the map's list does not say {said!r}" for said in words if said + " from" not in item]
            contested = bool(counts["supports"]) and bool(counts["contradicts"]) and cmoc["status"] not in RETIRED
            if contested != ("contested" in item):
                found.append(f"{cmoc['id']}: contested is {contested}, the map's list says {item!r}")
            if cmoc["status"] == "proposed" and "proposed" not in item:
                found.append(f"{cmoc['id']}: proposed, and the map's list does not say so: {item!r}")
        for d in DIRECTIONS:
            column = rows[cmoc["id"]][f"evidence_{d.replace('-', '_')}"].split()
            if len([i for i in column if i not in withdrawn]) != len(counts[d]):
                found.append(f"{cmoc['id']}: data/cmocs.csv lists {column} as {d}, the records {len(counts[d])}")
        if cmoc["status"] in RETIRED:
            continue
        row = [tr for tr in built.pages[evidence_path].xpath("//tr")
               if tr.xpath(f".//a[contains(@href, '{cmoc['id']}/')]")]
        if not row:
            found.append(f"{cmoc['id']}: not in the evidence map")
            continue
        cells = " ".join(row[0].text_content().split())
        contested = bool(counts["supports"]) and bool(counts["contradicts"])
        if contested != ("contested" in cells):
            found.append(f"{cmoc['id']}: contested is {contested}; the evidence map's row reads {cells!r}")
    return found


RETIRED = ("refuted", "merged", "split")


def records_shown(built: Built, team) -> list[str]:
    """Each field that has a place on a page is on it."""
    found = []

    def shows(path: str, text: str, what: str):
        if plain(text) not in built.text(path):
            found.append(f"{path}: {what} {plain(text)[:80]!r} is not on the page")

    withdrawn = {q for q, r in team.records["quotes"].items() if r.get("withdrawn")}
    for cmoc in team.records["cmocs"].values():
        path = f"cmoc/{cmoc['id']}.md"
        for field in ("title", "statement"):
            shows(path, cmoc[field], field)
        for part in ("context", "mechanism", "outcome"):
            shows(path, cmoc[part]["text"], part)
        shows(path, cmoc["summary"], "summary")
        for entry in cmoc["evidence"]:
            if entry.get("note"):
                shows(path, entry["note"], "an evidence note")
            if entry.get("quote") and entry["quote"] not in withdrawn:
                shows(path, team.records["quotes"][entry["quote"]]["text"], "a quote")
        for circumstance in cmoc["not_triggered"]:
            shows(path, circumstance["circumstance"], "a circumstance")
        for relation in cmoc.get("relations", []):
            shows(path, relation["how"], "a relation")
        for entry in cmoc["history"]:
            shows(path, entry["change"], "a history entry")
    for outcome in team.records["outcomes"].values():
        shows(f"outcomes/{outcome['id']}.md", outcome["description"], "the description")
    for service in team.records["services"].values():
        shows(f"services/{service['id']}.md", service["name"], "the name")
        for value in service["columns"].values():
            if isinstance(value, str):
                shows(f"services/{service['id']}.md", value, "a column's value")
    for source in team.records["sources"].values():
        shows(addresses.SOURCES, source["title"], "a source's title")
        for participant in source["participants"]:
            shows(addresses.SOURCES, participant["tag"], "a participant")
    for quote in team.records["quotes"].values():
        if quote.get("text"):
            shows(addresses.QUOTES, quote["text"], "a quote")
    return found


def trails_shown(built: Built, team) -> list[str]:
    """Every record with a history shows it, on the page that shows the record."""
    found = []
    pages = {"outcomes": lambda i: f"outcomes/{i}.md", "services": lambda i: f"services/{i}.md",
             "quotes": lambda i: addresses.QUOTES, "sources": lambda i: addresses.SOURCES,
             "theories": lambda i: addresses.THEORIES, "content": lambda i: f"{i}.md"}
    for kind, page in pages.items():
        for record in team.records[kind].values():
            for entry in record.get("history") or []:
                path = page(record["id"])
                if f"history-of-{record['id']}" not in built.ids(path) or plain(entry["change"]) not in built.text(path):
                    found.append(f"{path}: the history of {record['id']} ({entry['change']!r}) is not shown")
    return found


def crate_chains(built: Built, team) -> list[str]:
    """The edition's RO-Crate, read as plain JSON-LD: from the root, each CMOC's newest version, and
    back through `wasRevisionOf`, every version its history made, in order, with its status and
    reason; the newest `wasDerivedFrom` exactly the evidence that supports or refines it."""
    found = []
    graph = {e["@id"]: e for e in json.loads(built.files["ro-crate-metadata.json"])["@graph"]}
    listed = lambda value: value if isinstance(value, list) else [] if value is None else [value]  # noqa: E731
    newest = {graph[m["@id"]]["identifier"].rsplit("-v", 1)[0]: graph[m["@id"]]
              for m in listed(graph["./"].get("mentions"))}
    for cmoc in team.records["cmocs"].values():
        made = []
        for entry in cmoc["history"]:
            if not made or made[-1]["version"] != entry["version"]:
                made.append(entry)
        chain, entity = [], newest.get(cmoc["id"])
        while entity:
            chain.insert(0, entity)
            entity = graph.get((entity.get("wasRevisionOf") or {}).get("@id"))
        said = [(e["version"], e["creativeWorkStatus"], e["description"]) for e in chain]
        if said != [(e["version"], e["status"], e["change"]) for e in made]:
            found.append(f"ro-crate-metadata.json: the versions of {cmoc['id']} read {said}")
        derived = {e.get("quote") or e.get("source") for e in cmoc["evidence"] if e["direction"] in ("supports", "refines")}
        said = {graph[d["@id"]].get("identifier") for d in listed(chain[-1].get("wasDerivedFrom"))} if chain else set()
        if said != derived:  # evidence against a CMOC is never counted as support
            found.append(f"ro-crate-metadata.json: {cmoc['id']} is derived from {said}, not {derived}")
    return found


def names_told_apart(built: Built) -> list[str]:
    """In each of the explorer's filters, no two options read the same."""
    found = []
    for select in built.pages[addresses.MAP].xpath("//select"):
        labels = [" ".join(o.text_content().split()) for o in select.xpath(".//option")]
        repeated = {label for label in labels if labels.count(label) > 1}
        if repeated:
            found.append(f"{addresses.MAP}: the filter {select.get('name') or select.get('id')} offers {sorted(repeated)} twice")
    return found


def no_trace_of(words: str, texts: dict[str, str], run: int = 24) -> list[str]:
    """Files (name -> text) that hold the words' first or last `run` characters, or any three times
    as long from their middle (a shorter shared phrase is not theirs: decision 10), however the file
    encodes them: read here independently of the scrub (HTML entities decoded, JSON strings parsed,
    Markdown escapes and doubled CSV quotes undone), so that the check is not the code it checks."""
    one_line = " ".join(words.split())
    starts = [i + 1 for i, ch in enumerate(one_line) if ch == " "]
    windows = {one_line[:run], one_line[-run:]} | {one_line[s:s + 3 * run] for s in starts
                                                   if len(one_line) - s >= 3 * run}
    return [name for name, text in texts.items() if any(w in readable for readable in _readings(text) for w in windows)]


def _readings(text: str) -> list[str]:
    readings = [text, html.unescape(text), text.replace('""', '"')]
    try:
        strings = []
        _strings(json.loads(text), strings)
        readings += strings + [html.unescape(s) for s in strings]
    except ValueError:
        pass
    readings.append(re.sub(r"\\(.)", r"\1", readings[1]))
    return [" ".join(r.split()) for r in readings]


def _strings(value, out: list) -> None:
    if isinstance(value, str):
        out.append(value)
    elif isinstance(value, dict):
        for v in value.values():
            _strings(v, out)
    elif isinstance(value, list):
        for v in value:
            _strings(v, out)


def site_texts(built: Built) -> dict[str, str]:
    return {**{path: lxml_html.tostring(doc, encoding="unicode") for path, doc in built.pages.items()},
            **built.files}


def editions_shown(built: Built, editions: list[dict]) -> list[str]:
    """Each edition's changes to the vocabulary are on "What changed", by name, under that edition;
    each CMOC version an edition published is in the CMOC page's trail."""
    found = []
    changes = built.pages[addresses.CHANGES]
    for before, after in zip(editions, editions[1:]):
        heading = changes.xpath(f"//h2[starts-with(normalize-space(.), 'Edition {after['edition']} ')]")
        if not heading:
            found.append(f"{addresses.CHANGES}: no section for edition {after['edition']}")
            continue
        section = []
        for sibling in heading[0].itersiblings():
            if sibling.tag == "h2":
                break
            section.append(" ".join(sibling.text_content().split()))
        text = " ".join(section)
        old, new = before["study"].get("vocabulary") or {}, after["study"].get("vocabulary") or {}
        for name, terms in new.items():
            if not isinstance(terms, list):
                continue
            known = {t["id"]: t["name"] for t in old.get(name) or []}
            for term in terms:
                said = f"added {term['name']}" if term["id"] not in known else \
                    f"renamed {known[term['id']]} \u2192 {term['name']}" if known[term["id"]] != term["name"] else None
                if said and " ".join(said.split()) not in text:
                    found.append(f"{addresses.CHANGES}: edition {after['edition']} does not say {said!r} ({name})")
    for edition in editions:
        for cmoc in edition.get("cmocs") or []:
            page = f"cmoc/{cmoc['id']}.md"
            if page in built.pages and f"Edition {edition['edition']}" not in built.text(page) \
                    and not any(e.get("cmocs") and any(c["id"] == cmoc["id"] and c["version"] == cmoc["version"]
                                                       for c in e["cmocs"]) for e in editions[:editions.index(edition)]):
                found.append(f"{page}: version {cmoc['version']} (edition {edition['edition']}) is not in its trail")
    return found
