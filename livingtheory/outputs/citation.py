"""How to cite the theory or one CMOC: one citation record, many formats.

Every format is made from a `Citation`, so they cannot disagree. The pinned URL is the page in
its frozen edition (`<site>/<version>/...`); the latest URL is the same page under `latest/`.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date

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
    language: str = "en"


def edition_urls(site_url: str, version: str, page_url: str) -> tuple[str, str]:
    """(pinned, latest) addresses of a page, as published with one folder per edition."""
    base = site_url.rstrip("/") + "/"
    return f"{base}{version}/{page_url}", f"{base}latest/{page_url}"


def cite(study: Study, based_on: Source, *, site_url: str, page_url: str = "", title: str | None = None,
         key: str = "theory") -> Citation:
    """An edition of the theory (or one page of it): credited to its editors and contributors,
    naming the source it is based on."""
    pinned, latest = edition_urls(site_url, study.version, page_url)
    title = " ".join(title.split()) if title else None  # one line: citations are shown in code blocks
    return Citation(key=f"{key}-v{study.version}", authors=study.authors, title=title or study.title,
                    container=study.title if title else None, edition=study.version,
                    released=date.fromisoformat(study.released), url=pinned, latest_url=latest,
                    based_on=based_on.cited_as,
                    based_on_url=based_on.link, publisher=study.publisher, licence_url=study.licence_url)


# ----------------------------------------------------------------------------- text styles

def _initials(given: str, *, dots: bool) -> str:
    letters = [part[0] for part in re.split(r"[\s.]+", given) if part]
    return " ".join(f"{x}." for x in letters) if dots else "".join(letters)


def apa(c: Citation) -> str:
    """APA 7th edition."""
    names = [f"{a.family}, {_initials(a.given, dots=True)}" for a in c.authors]
    authors = names[0] if len(names) == 1 else ", ".join(names[:-1]) + ", & " + names[-1]
    when = f"{c.released.year}, {MONTHS[c.released.month - 1]} {c.released.day}"
    if c.container:
        return f"{authors} ({when}). {c.title} (Version {c.edition}). In {c.container}. {c.publisher}. {c.url}"
    return f"{authors} ({when}). {c.title} (Version {c.edition}). {c.publisher}. {c.url}"


def harvard(c: Citation) -> str:
    """Harvard, as in Cite Them Right."""
    names = [f"{a.family}, {_initials(a.given, dots=True).replace(' ', '')}" for a in c.authors]
    authors = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    if c.container:
        return (f"{authors} ({c.released.year}) '{c.title}', in {c.container}. Version {c.edition}. "
                f"{c.publisher}. Available at: {c.url}")
    return f"{authors} ({c.released.year}) {c.title}. Version {c.edition}. {c.publisher}. Available at: {c.url}"


def vancouver(c: Citation) -> str:
    """Vancouver (ICMJE / NLM)."""
    authors = ", ".join(f"{a.family} {_initials(a.given, dots=False)}" for a in c.authors)
    when = f"{c.released.year} {MONTHS[c.released.month - 1][:3]} {c.released.day}"
    if c.container:
        return (f"{authors}. {c.title}. In: {c.container} [Internet]. Version {c.edition}. {c.publisher}; "
                f"{when}. Available from: {c.url}")
    return f"{authors}. {c.title} [Internet]. Version {c.edition}. {c.publisher}; {when}. Available from: {c.url}"


STYLES = {"APA 7": apa, "Harvard (Cite Them Right)": harvard, "Vancouver": vancouver}


# ----------------------------------------------------------------------------- files for reference managers

_BIBTEX_SPECIAL = re.compile(r"([\\{}&%$#_~^])")


def _bib(text: str) -> str:
    return _BIBTEX_SPECIAL.sub(lambda m: {"\\": r"\textbackslash{}", "~": r"\textasciitilde{}",
                                          "^": r"\textasciicircum{}"}.get(m.group(1), "\\" + m.group(1)), text)


def bibtex(c: Citation) -> str:
    fields = [("author", " and ".join(f"{_bib(a.family)}, {_bib(a.given)}" for a in c.authors)),
              ("title", "{" + _bib(c.title) + "}"),
              *([("booktitle", "{" + _bib(c.container) + "}")] if c.container else []),
              ("edition", _bib(c.edition)), ("version", _bib(c.edition)),
              ("year", str(c.released.year)), ("month", str(c.released.month)), ("date", c.released.isoformat()),
              ("publisher", _bib(c.publisher)), ("url", c.url),
              ("note", _bib(f"Version {c.edition}. Based on {c.based_on}"))]
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@misc{{{c.key},\n{body}\n}}\n"


def ris(c: Citation) -> str:
    def line(tag: str, value: str) -> str:
        return f"{tag}  - {' '.join(str(value).split())}"
    lines = [line("TY", "ELEC"), *(line("AU", f"{a.family}, {a.given}") for a in c.authors), line("TI", c.title),
             *([line("T2", c.container)] if c.container else []), line("ET", c.edition),
             line("PY", str(c.released.year)), line("DA", c.released.strftime("%Y/%m/%d")),
             line("PB", c.publisher), line("UR", c.url), line("LA", c.language),
             line("N1", f"Version {c.edition}. Based on {c.based_on}"), line("ID", c.key), "ER  - "]
    return "\n".join(lines) + "\n"


def csl_item(c: Citation) -> dict:
    item = {"id": c.key, "type": "webpage", "title": c.title,
            "author": [{"family": a.family, "given": a.given} for a in c.authors],
            "issued": {"date-parts": [[c.released.year, c.released.month, c.released.day]]},
            "version": c.edition, "publisher": c.publisher, "URL": c.url, "language": c.language,
            "note": f"Based on {c.based_on}"}
    if c.container:
        item["container-title"] = c.container
    return item


def csl_json(c: Citation) -> str:
    return json.dumps([csl_item(c)], indent=2, ensure_ascii=False) + "\n"


DOWNLOADS = {"bib": bibtex, "ris": ris, "json": csl_json}


def citation_cff(study: Study, based_on: Source, *, site_url: str, repository: str) -> str:
    """CITATION.cff (1.2.0), so that GitHub shows "Cite this repository": the theory, and its source."""
    import yaml  # only this function writes YAML
    theory = cite(study, based_on, site_url=site_url)
    def people(authors=study.authors):  # a fresh list each time: YAML would otherwise write anchors
        return [{"family-names": a.family, "given-names": a.given} for a in authors]
    reference = {"type": "article" if based_on.container and based_on.volume else "generic", "title": based_on.title,
                 "authors": people(based_on.authors) or people()}
    reference.update({key: value for key, value in (
        ("journal", based_on.container), ("volume", int(based_on.volume) if (based_on.volume or "").isdigit() else None),
        ("number", based_on.article), ("year", based_on.year), ("date-published", based_on.published),
        ("doi", based_on.doi), ("url", based_on.url),
        ("license", based_on.licence.replace(" ", "-") if based_on.licence else None)) if value is not None})
    spdx = study.licence.replace(" ", "-")  # "CC BY 4.0" -> the SPDX id CC-BY-4.0
    cff = {
        "cff-version": "1.2.0",
        "message": "If you use this programme theory, please cite it as below, and the work it is based on.",
        "type": "dataset", "title": study.title, "version": study.version, "date-released": study.released,
        "authors": people(), "license": spdx, "url": theory.latest_url.removesuffix("latest/") + "latest/",
        "repository-code": repository,
        "preferred-citation": {"type": "website", "title": study.title, "authors": people(),
                               "version": study.version, "date-published": study.released, "url": theory.url,
                               "publisher": {"name": study.publisher}, "license": spdx},
        "references": [reference],
    }
    header = "# Generated from theory/study.yaml by `python -m livingtheory citation-cff`; do not edit.\n"
    return header + yaml.safe_dump(cff, sort_keys=False, allow_unicode=True, width=100)


# ----------------------------------------------------------------------------- page head metadata

def head_metadata(c: Citation, licence: str) -> dict:
    """What the page head carries for Zotero (Highwire), Dublin Core readers and search engines (JSON-LD).
    No citation_journal_title: it makes Zotero file a web page as a journal article."""
    return {
        "canonical": c.url,
        "highwire": [("citation_title", c.title),
                     *(("citation_author", f"{a.family}, {a.given}") for a in c.authors),
                     ("citation_publication_date", c.released.strftime("%Y/%m/%d")),
                     ("citation_public_url", c.url), ("citation_publisher", c.publisher),
                     ("citation_language", c.language)],
        "dublin_core": [("DC.type", "Text"), ("DCTERMS.isVersionOf", c.latest_url),
                        ("DCTERMS.license", c.licence_url)],
        "json_ld": {
            "@context": "https://schema.org", "@type": "ScholarlyArticle", "name": c.title,
            "author": [{"@type": "Person", "familyName": a.family, "givenName": a.given} for a in c.authors],
            "datePublished": c.released.isoformat(), "version": c.edition, "url": c.url,
            "isPartOf": {"@type": "CreativeWork", "name": c.container or c.title,
                         "url": c.latest_url if not c.container else edition_root(c.latest_url)},
            **({"isBasedOn": c.based_on_url} if c.based_on_url else {}), "license": c.licence_url,
            "publisher": {"@type": "Organization", "name": c.publisher}, "inLanguage": c.language},
    }


def page_meta(study: Study, based_on: Source, *, site_url: str, path: str, page_url: str, title: str | None,
              edit_url: str | None) -> dict:
    """What a page's front matter carries for any builder's templates (overrides/ read only page.meta):
    the pinned canonical address, the edition banner, the citation tags and the edit link."""
    cited = cite(study, based_on, site_url=site_url, page_url=page_url, title=title,
                 key=path.removesuffix(".md").replace("/", "-"))
    head = head_metadata(cited, study.licence)
    return {"canonical_url": cited.url,
            "edition": {"number": cited.edition, "released": cited.released.isoformat(), "latest_url": cited.latest_url},
            "citation": {"highwire": head["highwire"], "dublin_core": head["dublin_core"], "json_ld": head["json_ld"]},
            **({"edit_url": edit_url} if edit_url else {})}


def edition_root(latest_url: str) -> str:
    return latest_url.split("/latest/")[0] + "/latest/"
