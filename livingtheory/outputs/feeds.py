"""Atom feeds (RFC 4287): one for the theory, one per CMOC, so that a reader who cites a CMOC learns
when it is refined, refuted or reinstated without visiting again.

Entries come from the records' histories and the released editions, never from git: each history
entry is one entry, whose id is the record's page and the entry's place in its history (released
entries are never rewritten, so an id is kept forever); each release is one entry of the theory's
feed. Written with ElementTree, so every value from a record is escaped as XML text.
"""
from __future__ import annotations

import xml.etree.ElementTree as ET

from ..records.editions import Edition, EditionState
from ..records.model import Cmoc, ProgrammeTheory, version_key
from ..web import addresses

ATOM = "http://www.w3.org/2005/Atom"
THEORY_FEED = "feeds/theory.xml"
LATEST = 100  # entries in the theory's feed: the newest (a feed reader keeps what it has seen)


def cmoc_feed_path(cmoc: Cmoc) -> str:
    return f"feeds/{cmoc.id}.xml"


def _time(date: str | None, fallback: str) -> str:
    return f"{date or fallback}T00:00:00Z"


def _page(site_url: str, path: str) -> str:
    return site_url + addresses.Addresses().url(path)


def _released_on(editions: list[Edition], theory_version: str) -> str | None:
    return next((e.released for e in editions if e.version == theory_version), None)


def _entry(feed: ET.Element, *, entry_id: str, title: str, updated: str, link: str, summary: str) -> None:
    entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
    ET.SubElement(entry, f"{{{ATOM}}}id").text = entry_id
    ET.SubElement(entry, f"{{{ATOM}}}title").text = title
    ET.SubElement(entry, f"{{{ATOM}}}updated").text = updated
    ET.SubElement(entry, f"{{{ATOM}}}link", rel="alternate", type="text/html", href=link)
    ET.SubElement(entry, f"{{{ATOM}}}summary").text = summary


def _feed(theory: ProgrammeTheory, *, title: str, feed_url: str, page_url: str, entries: list[dict]) -> str:
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    ET.SubElement(feed, f"{{{ATOM}}}id").text = feed_url
    ET.SubElement(feed, f"{{{ATOM}}}title").text = title
    ET.SubElement(feed, f"{{{ATOM}}}updated").text = max((e["updated"] for e in entries), default=_time(None, "2000-01-01"))
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="self", type="application/atom+xml", href=feed_url)
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="alternate", type="text/html", href=page_url)
    for person in theory.study.editors:
        author = ET.SubElement(feed, f"{{{ATOM}}}author")
        ET.SubElement(author, f"{{{ATOM}}}name").text = f"{person.given} {person.family}"
    ET.SubElement(feed, f"{{{ATOM}}}rights").text = theory.study.licence
    for entry in sorted(entries, key=lambda e: (e["updated"], e["order"]), reverse=True):
        _entry(feed, **{k: v for k, v in entry.items() if k != "order"})
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="unicode") + "\n"


def _history_entries(record, site_url: str, editions: list[Edition], fallback: str, name: str) -> list[dict]:
    page = addresses.page_of(record)
    entries = []
    for n, entry in enumerate(record.history, start=1):
        version = getattr(entry, "version", None)
        status = getattr(entry, "status", None)
        said = f"{name}, version {version} ({status})" if version else name
        entries.append({"entry_id": f"{_page(site_url, page)}#history-{n}", "title": f"{said}: {entry.change}",
                        "updated": _time(entry.date or _released_on(editions, entry.theory_version), fallback),
                        "link": _page(site_url, page),
                        "summary": f"{entry.change} Why: {entry.rationale} (theory version {entry.theory_version})",
                        "order": (version_key(entry.theory_version), n)})
    return entries


def cmoc_feed(theory: ProgrammeTheory, cmoc: Cmoc, *, site_url: str, editions: list[Edition]) -> str:
    """Each history entry of the CMOC: its version, status, what changed and why, and when."""
    fallback = editions[0].released if editions else "2000-01-01"
    return _feed(theory, title=f"CMOC {cmoc.number}: {cmoc.title} ({theory.study.title})",
                 feed_url=site_url + cmoc_feed_path(cmoc), page_url=_page(site_url, addresses.page_of(cmoc)),
                 entries=_history_entries(cmoc, site_url, editions, fallback, f"CMOC {cmoc.number}"))


def theory_feed(theory: ProgrammeTheory, *, site_url: str, editions: list[Edition], state: EditionState) -> str:
    """Each released edition, and each recorded change to any record (the draft's among them), newest first."""
    fallback = editions[0].released if editions else "2000-01-01"
    entries = [{"entry_id": f"{site_url}{edition.version}/", "title": f"Edition {edition.version} released",
                "updated": _time(edition.released, fallback), "link": f"{site_url}{edition.version}/",
                "summary": f"Edition {edition.version} of {theory.study.title}, released {edition.released}, frozen "
                           "at its own address.", "order": (version_key(edition.version), 10**9)}
               for edition in editions]
    from ..web.names import name_of
    for record in (*theory.cmocs, *theory.quotes, *theory.outcomes, *theory.services, *theory.sources,
                   *theory.theories, *theory.content):
        entries += _history_entries(record, site_url, editions, fallback, name_of(record))
    entries = sorted(entries, key=lambda e: (e["updated"], e["order"]), reverse=True)[:LATEST]
    return _feed(theory, title=f"{theory.study.title}: changes and editions", feed_url=site_url + THEORY_FEED,
                 page_url=_page(site_url, addresses.CHANGES), entries=entries)


def feed_files(theory: ProgrammeTheory, *, site_url: str, editions: list[Edition], state: EditionState) -> list:
    """The theory's feed and each CMOC's, as files of the site (feeds/)."""
    from .downloads import Download
    # Each written when the builder asks for it (not all held in memory from the start)
    return [Download(THEORY_FEED, lambda out: out.write(theory_feed(theory, site_url=site_url, editions=editions,
                                                                    state=state))),
            *(Download(cmoc_feed_path(c), lambda out, c=c: out.write(cmoc_feed(theory, c, site_url=site_url,
                                                                               editions=editions)))
              for c in theory.cmocs)]
