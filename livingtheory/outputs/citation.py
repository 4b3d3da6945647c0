"""How to cite the theory, or one page of it: one citation record, many formats.

Every format is made from a `Citation`, so they cannot disagree. A citation names a released
edition only: its pinned URL is the page in that frozen edition (`<site>/<version>/...`), for
ever. A draft's pages cite the latest released edition of the same page, and a page that no
edition holds yet is not citable (`page_meta`). Each text format has one encoder for its syntax.
"""
from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from datetime import date

from markupsafe import Markup

from ..records.editions import EditionState
from ..records.model import Author, Source, Study

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]


@dataclass(frozen=True)
class Citation:
    key: str  # a stable identifier, e.g. cmoc-03-v1.0
    authors: tuple[Author, ...]
    title: str  # the cited page: a CMOC's name, or the theory's title
    container: str | None  # the theory, when a part of it is cited
    edition: str
    released: date
    url: str  # pinned: this page in this edition, for ever
    latest_url: str
    based_on: str  # the source the theory comes from: "doi:..." or its address
    based_on_url: str | None
    publisher: str
    licence_url: str
    record_version: str | None = None  # a CMOC's own version in that edition
    doi: str | None = None  # the edition's version DOI, once minted
    concept_doi: str | None = None  # every edition's
    language: str = "en"
    edition_url: str = ""  # the edition's root: the root dataset of its RO-Crate
    entity_id: str | None = None  # what the page cites, as the edition's RO-Crate names it (a CMOC version)

    @property
    def version_text(self) -> str:
        return f"CMOC version {self.record_version}, edition {self.edition}" if self.record_version \
            else f"Version {self.edition}"

    @property
    def doi_url(self) -> str | None:
        doi = self.doi or self.concept_doi
        return f"https://doi.org/{doi}" if doi else None


@dataclass(frozen=True)
class Credits:
    """Who and what an edition credits: its authors (editors, then contributors), title, publisher,
    licence and the source it is based on, from the live records or from an edition's snapshot."""
    authors: tuple[Author, ...]
    title: str
    publisher: str
    licence_url: str
    based_on: str  # "doi:..." or its address, or its title
    based_on_url: str | None
    concept_doi: str | None = None

    @classmethod
    def of(cls, study: Study, based_on: Source) -> "Credits":
        return cls(study.authors, study.title, study.publisher, study.licence_url, based_on.cited_as, based_on.link,
                   study.doi)

    @classmethod
    def of_edition(cls, data: dict) -> "Credits":
        """From a snapshot (in the current format): what readers of that edition saw credited."""
        study = data["study"]
        people = [*(study.get("editors") or []), *(study.get("contributors") or [])]
        source = next((s for s in data.get("sources") or [] if s.get("id") == study.get("based_on")), {})
        doi, url = source.get("doi"), source.get("url")
        cited_as = f"doi:{doi}" if doi else (url or source.get("title") or "")
        concept = study.get("doi") if isinstance(study.get("doi"), str) else None
        return cls(tuple(Author(p["family"], p["given"], p.get("orcid")) for p in people), study["title"], study["publisher"],
                   study.get("licence_url") or "", cited_as, f"https://doi.org/{doi}" if doi else url, concept)


def edition_urls(site_url: str, version: str, page_url: str) -> tuple[str, str]:
    """(pinned, latest) addresses of a page, as published with one folder per edition."""
    base = site_url.rstrip("/") + "/"
    return f"{base}{version}/{page_url}", f"{base}latest/{page_url}"


def cite(credits: Credits, *, site_url: str, edition: str, released: str, page_url: str = "",
         title: str | None = None, key: str = "theory", record_version: str | None = None,
         doi: str | None = None, entity_id: str | None = None) -> Citation:
    """A released edition of the theory (or one page of it): credited to its editors and
    contributors, naming the source it is based on."""
    pinned, latest = edition_urls(site_url, edition, page_url)
    title = " ".join(title.split()) if title else None
    theory = " ".join(credits.title.split())
    return Citation(key=f"{key}-v{record_version or edition}", authors=credits.authors, title=title or theory,
                    container=theory if title else None, edition=edition, released=date.fromisoformat(released),
                    url=pinned, latest_url=latest, based_on=credits.based_on, based_on_url=credits.based_on_url,
                    publisher=" ".join(credits.publisher.split()), licence_url=credits.licence_url,
                    record_version=record_version, doi=doi, concept_doi=credits.concept_doi,
                    edition_url=edition_urls(site_url, edition, "")[0], entity_id=entity_id)


# ----------------------------------------------------------------------------- text styles

def _initials(given: str, *, dots: bool) -> str:
    letters = [part[0] for part in re.split(r"[\s.]+", given) if part]
    return " ".join(f"{x}." for x in letters) if dots else "".join(letters)


class _Text:
    """How a style writes its pieces: plain text, or HTML with titles in italics (what pages show)."""

    def __init__(self, as_html: bool):
        self.as_html = as_html

    def __call__(self, text: str) -> str:
        return html.escape(text, quote=False) if self.as_html else text

    def italic(self, text: str) -> str:
        return f"<em>{html.escape(text, quote=False)}</em>" if self.as_html else text

    def done(self, text: str):
        return Markup(text) if self.as_html else text


def _tail(c: Citation, t: _Text) -> str:
    return t(c.url) + (f" {t(c.doi_url)}" if c.doi_url else "")


def apa(c: Citation, *, as_html: bool = False):
    """APA 7th edition: a page of the theory is a part of a work, whose title is in italics."""
    t = _Text(as_html)
    names = [f"{a.family}, {_initials(a.given, dots=True)}" for a in c.authors]
    authors = t(names[0] if len(names) == 1 else ", ".join(names[:-1]) + ", & " + names[-1])
    when = f"{c.released.year}, {MONTHS[c.released.month - 1]} {c.released.day}"
    if c.container:
        return t.done(f"{authors} ({when}). {t(c.title)} ({t(c.version_text)}). In {t.italic(c.container)}. "
                      f"{t(c.publisher)}. {_tail(c, t)}")
    return t.done(f"{authors} ({when}). {t.italic(c.title)} ({t(c.version_text)}). {t(c.publisher)}. {_tail(c, t)}")


def harvard(c: Citation, *, as_html: bool = False):
    """Harvard, as in Cite Them Right."""
    t = _Text(as_html)
    names = [f"{a.family}, {_initials(a.given, dots=True).replace(' ', '')}" for a in c.authors]
    authors = t(names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1])
    title = f"'{t(c.title)}', in {t.italic(c.container)}" if c.container else t.italic(c.title)
    return t.done(f"{authors} ({c.released.year}) {title}. {t(c.version_text)}. {t(c.publisher)}. "
                  f"Available at: {_tail(c, t)}")


def vancouver(c: Citation, *, as_html: bool = False):
    """Vancouver (ICMJE / NLM): no italics."""
    t = _Text(as_html)
    authors = t(", ".join(f"{a.family} {_initials(a.given, dots=False)}" for a in c.authors))
    when = f"{c.released.year} {MONTHS[c.released.month - 1][:3]} {c.released.day}"
    title = f"{t(c.title)}. In: {t(c.container)} [Internet]" if c.container else f"{t(c.title)} [Internet]"
    return t.done(f"{authors}. {title}. {t(c.version_text)}. {t(c.publisher)}; {when}. Available from: {_tail(c, t)}")


STYLES = {"APA 7": apa, "Harvard (Cite Them Right)": harvard, "Vancouver": vancouver}


# ----------------------------------------------------------------------------- files for reference managers

# BibTeX counts braces in a field whatever precedes them (a backslash does not stop `}` closing the
# field), so braces are written as commands; every other special character is escaped.
_BIBTEX = {"\\": r"\textbackslash{}", "{": r"\textbraceleft{}", "}": r"\textbraceright{}", "~": r"\textasciitilde{}",
           "^": r"\textasciicircum{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_"}
_BIBTEX_SPECIAL = re.compile(r"[\\{}~^&%$#_]")


def bibtex_text(text: str) -> str:
    """A value for a braced BibTeX field: one line, braces balanced whatever the text."""
    return _BIBTEX_SPECIAL.sub(lambda m: _BIBTEX[m.group()], " ".join(str(text).split()))


def bibtex_url(url: str) -> str:
    """A URL field (read verbatim by biblatex): characters that would end or unbalance it, percent-encoded."""
    return re.sub(r"[{}\\%\s\"]", lambda m: "".join(f"%{b:02X}" for b in m.group().encode()), url)


def bibtex(c: Citation) -> str:
    fields = [("author", " and ".join(f"{bibtex_text(a.family)}, {bibtex_text(a.given)}" for a in c.authors)),
              ("title", "{" + bibtex_text(c.title) + "}"),
              *([("booktitle", "{" + bibtex_text(c.container) + "}")] if c.container else []),
              ("edition", bibtex_text(c.edition)), ("version", bibtex_text(c.record_version or c.edition)),
              ("year", str(c.released.year)), ("month", str(c.released.month)), ("date", c.released.isoformat()),
              ("publisher", bibtex_text(c.publisher)), ("url", bibtex_url(c.url)),
              *([("doi", bibtex_url(c.doi or c.concept_doi))] if c.doi or c.concept_doi else []),
              ("note", bibtex_text(f"{c.version_text}. Based on {c.based_on}"))]
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@misc{{{re.sub(r'[^A-Za-z0-9._:-]', '-', c.key)},\n{body}\n}}\n"


def ris_line(tag: str, value) -> str:
    """One RIS line: a value is one line, so it cannot start another tag."""
    return f"{tag}  - {' '.join(str(value).split())}"


def ris(c: Citation) -> str:
    lines = [ris_line("TY", "ELEC"), *(ris_line("AU", f"{a.family}, {a.given}") for a in c.authors),
             ris_line("TI", c.title), *([ris_line("T2", c.container)] if c.container else []),
             ris_line("ET", c.version_text), ris_line("PY", str(c.released.year)),
             ris_line("DA", c.released.strftime("%Y/%m/%d")), ris_line("PB", c.publisher), ris_line("UR", c.url),
             *([ris_line("DO", c.doi or c.concept_doi)] if c.doi or c.concept_doi else []),
             ris_line("LA", c.language), ris_line("N1", f"{c.version_text}. Based on {c.based_on}"),
             ris_line("ID", c.key), "ER  - "]
    return "\n".join(lines) + "\n"


def csl_item(c: Citation) -> dict:
    item = {"id": c.key, "type": "webpage", "title": c.title,
            "author": [{"family": a.family, "given": a.given} for a in c.authors],
            "issued": {"date-parts": [[c.released.year, c.released.month, c.released.day]]},
            "version": c.record_version or c.edition, "publisher": c.publisher, "URL": c.url,
            "language": c.language, "note": f"{c.version_text}. Based on {c.based_on}"}
    if c.container:
        item["container-title"] = c.container
    if c.doi or c.concept_doi:
        item["DOI"] = c.doi or c.concept_doi
    return item


def csl_json(c: Citation) -> str:
    return json.dumps([csl_item(c)], indent=2, ensure_ascii=False) + "\n"


DOWNLOADS = {"bib": bibtex, "ris": ris, "json": csl_json}


# ----------------------------------------------------------------------------- page head metadata

def head_metadata(c: Citation) -> dict:
    """What the page head carries for Zotero (Highwire), Dublin Core readers and search engines (JSON-LD).
    No citation_journal_title: it makes Zotero file a web page as a journal article."""
    return {
        "highwire": [("citation_title", c.title),
                     *(("citation_author", f"{a.family}, {a.given}") for a in c.authors),
                     ("citation_publication_date", c.released.strftime("%Y/%m/%d")),
                     ("citation_public_url", c.url), ("citation_publisher", c.publisher),
                     *([("citation_doi", c.doi or c.concept_doi)] if c.doi or c.concept_doi else []),
                     ("citation_language", c.language)],
        "dublin_core": [("DC.type", "Text"), ("DCTERMS.isVersionOf", c.latest_url),
                        ("DCTERMS.license", c.licence_url)],
        "json_ld": {
            "@context": "https://schema.org", "@type": "ScholarlyArticle", "@id": c.entity_id or c.url, "name": c.title,
            "author": [{"@type": "Person", **({"@id": f"https://orcid.org/{a.orcid}"} if a.orcid else {}),
                        "familyName": a.family, "givenName": a.given} for a in c.authors],
            "datePublished": c.released.isoformat(), "version": c.record_version or c.edition, "url": c.url,
            **({"identifier": c.doi_url} if c.doi_url else {}),
            "isPartOf": {"@id": c.edition_url, "@type": "Dataset", "name": c.container or c.title,
                         "url": c.latest_url if not c.container else edition_root(c.latest_url)},
            **({"isBasedOn": c.based_on_url} if c.based_on_url else {}), "license": c.licence_url,
            "publisher": {"@type": "Organization", "name": c.publisher}, "inLanguage": c.language},
    }


def page_meta(cited: Citation | None, state: EditionState, *, site_url: str, page_url: str,
              edit_url: str | None) -> dict:
    """What a page's front matter carries for any builder's templates (overrides/ read only page.meta):
    the edition banner, and, when the page is citable, the pinned canonical address and citation
    tags of the released edition it cites. A draft never names an edition that does not exist."""
    latest = state.latest
    banner = {"number": state.version, "released": state.released, "draft": state.draft, "doi": state.doi,
              "latest": latest.version if latest else None, "latest_released": latest.released if latest else None,
              "latest_url": edition_urls(site_url, "latest", page_url)[0] if latest else None,
              "cited_url": cited.url if cited else None}
    meta = {"edition": banner, **({"edit_url": edit_url} if edit_url else {})}
    if state.draft:
        meta["robots"] = "noindex"  # a draft is not a record: search engines index the editions
    if cited:
        head = head_metadata(cited)
        meta.update({"canonical_url": cited.url,
                     "citation": {"highwire": head["highwire"], "dublin_core": head["dublin_core"],
                                  "json_ld": head["json_ld"]}})
    return meta


def edition_root(latest_url: str) -> str:
    return latest_url.split("/latest/")[0] + "/latest/"
