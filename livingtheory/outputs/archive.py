"""What a release leaves for archives: CITATION.cff (GitHub's "Cite this repository") and
.zenodo.json (the metadata Zenodo reads when it archives a GitHub release and mints its DOI),
both made from the records of the edition being released. Written by `release`, never by hand.
"""
from __future__ import annotations

import json

import yaml

from ..records.editions import Edition
from ..records.model import Source, Study
from .citation import edition_urls

HEADER = "# Written by `python -m livingtheory release` from theory/study.yaml; do not edit.\n"


def spdx(licence: str) -> str:
    """"CC BY 4.0" -> the SPDX id CC-BY-4.0."""
    return "-".join(licence.split())


def _people(authors) -> list[dict]:
    return [{"family-names": a.family, "given-names": a.given,
             **({"orcid": f"https://orcid.org/{a.orcid}"} if a.orcid else {})} for a in authors]


def citation_cff(study: Study, based_on: Source, *, version: str, released: str, site_url: str,
                 repository: str | None) -> str:
    """CITATION.cff (1.2.0) for edition `version`: the theory, and the source it is based on."""
    pinned, latest = edition_urls(site_url, version, "")
    reference = {"type": "article" if based_on.container and based_on.volume else "generic", "title": based_on.title,
                 "authors": _people(based_on.authors) or _people(study.authors)}
    reference.update({key: value for key, value in (
        ("journal", based_on.container), ("volume", int(based_on.volume) if (based_on.volume or "").isdigit() else None),
        ("number", based_on.article), ("year", based_on.year), ("date-published", based_on.published),
        ("doi", based_on.doi), ("url", based_on.url),
        ("license", spdx(based_on.licence) if based_on.licence else None)) if value is not None})
    cff = {
        "cff-version": "1.2.0",
        "message": "If you use this programme theory, please cite it as below, and the work it is based on.",
        "type": "dataset", "title": " ".join(study.title.split()), "version": version, "date-released": released,
        "authors": _people(study.authors), "license": spdx(study.licence), "url": latest,
        **({"repository-code": repository} if repository else {}),
        **({"doi": study.doi} if study.doi else {}),
        "preferred-citation": {"type": "website", "title": " ".join(study.title.split()), "authors": _people(study.authors),
                               "version": version, "date-published": released, "url": pinned,
                               "publisher": {"name": " ".join(study.publisher.split())}, "license": spdx(study.licence),
                               **({"doi": study.doi} if study.doi else {})},
        "references": [reference],
    }
    return HEADER + yaml.safe_dump(cff, sort_keys=False, allow_unicode=True, width=100)


def zenodo_json(study: Study, based_on: Source, *, version: str, released: str, site_url: str,
                previous: Edition | None = None) -> str:
    """.zenodo.json for edition `version` (Zenodo's deposit metadata): creators, title, version,
    licence, and its related identifiers: the edition's site (`isSupplementTo`: the deposit is the
    data behind it), the previous edition (`isNewVersionOf`: its DOI once recorded, else its
    address) and the source the theory is based on (`isDerivedFrom`)."""
    pinned, _ = edition_urls(site_url, version, "")
    related = [{"identifier": pinned, "relation": "isSupplementTo", "scheme": "url", "resource_type": "publication"}]
    if previous:
        related.append({"identifier": previous.doi, "relation": "isNewVersionOf", "scheme": "doi",
                        "resource_type": "dataset"} if previous.doi else
                       {"identifier": edition_urls(site_url, previous.version, "")[0], "relation": "isNewVersionOf",
                        "scheme": "url", "resource_type": "dataset"})
    if based_on.doi:
        related.append({"identifier": based_on.doi, "relation": "isDerivedFrom", "scheme": "doi",
                        "resource_type": "publication-article"})
    elif based_on.url:
        related.append({"identifier": based_on.url, "relation": "isDerivedFrom", "scheme": "url",
                        "resource_type": "publication"})
    record = {"title": f"{' '.join(study.title.split())} (edition {version})", "version": version,
              "upload_type": "dataset", "publication_date": released,
              "description": f"{' '.join(study.description.split())} Edition {version}: its records, data and site, "
                             f"as published at {pinned}.",
              "creators": [{"name": f"{a.family}, {a.given}", **({"orcid": a.orcid} if a.orcid else {})}
                           for a in study.authors],
              "license": spdx(study.licence).lower(), "access_right": "open",
              "keywords": ["realist evaluation", "programme theory", "CMOC"],
              "related_identifiers": related}
    return json.dumps(record, indent=2, ensure_ascii=False) + "\n"
