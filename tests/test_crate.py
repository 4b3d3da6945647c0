"""Each edition as an RO-Crate (issue 28): read by the RO-Crate project's own library (`rocrate`),
expanded as JSON-LD against the RO-Crate context held locally (pyld, with a loader that refuses
the network), checked by `roc-validator` offline, and its PROV chain walked from the crate alone,
across two releases and a withdrawal. No test here reaches the network: each runs with sockets
refused."""
import json
import socket
from pathlib import Path
from urllib.parse import urljoin

import pytest
import rocrate
from lxml import html as lxml_html
from pyld import jsonld
from rocrate.rocrate import ROCrate

from conftest import make_project
from livingtheory import generate
from livingtheory.outputs.crate import METADATA, RO_CRATE
from livingtheory.records import roundtrip
from livingtheory.site.config import publication_settings
from theorygen import run

RO_CRATE_CONTEXT = json.loads((Path(rocrate.__file__).parent / "data/ro-crate.jsonld").read_text())["@context"]


@pytest.fixture
def offline(monkeypatch):
    """Every connection refused: what a test learns, it learns from the files."""
    def refused(*args, **kwargs):
        raise OSError("this test may not reach the network")
    monkeypatch.setattr(socket.socket, "connect", refused)
    monkeypatch.setattr(socket, "create_connection", refused)


ORCID = "0000-0002-1825-0097"
BASE = "https://crate.invalid/"  # where the crate is read from, for its relative identifiers


def _local_context(url, options=None):
    if url.rstrip("/") == f"{RO_CRATE}/context":
        return {"contextUrl": None, "documentUrl": url, "document": {"@context": RO_CRATE_CONTEXT}}
    raise AssertionError(f"the crate needs {url}, which is not held locally")


def _graph(crate: dict) -> dict[str, dict]:
    return {entity["@id"]: entity for entity in crate["@graph"]}


def _listed(value) -> list:
    return value if isinstance(value, list) else [] if value is None else [value]


def meets_the_ro_crate_requirements(folder: Path) -> dict:
    """What RO-Crate 1.2/1.3 requires that applies here; returns the crate as JSON."""
    crate = json.loads((folder / METADATA).read_text(encoding="utf-8"))
    graph = _graph(crate)
    descriptor, root = graph[METADATA], graph["./"]
    assert descriptor["conformsTo"] == {"@id": RO_CRATE} and descriptor["about"] == {"@id": "./"}
    assert "Dataset" in _listed(root["@type"])
    for needed in ("name", "description", "datePublished", "license"):
        assert root.get(needed), f"the root dataset has no {needed}"
    assert len(root["datePublished"]) == 10 and root["datePublished"][4] == "-"
    assert root["license"]["@id"] in graph  # described in the crate, not only named
    files = [graph[part["@id"]] for part in _listed(root["hasPart"])]
    assert files and all("File" in _listed(f["@type"]) for f in files)
    for file in files:
        assert (folder / file["@id"]).is_file(), f"{file['@id']} is listed in the crate but not in it"
    # every property of every entity expands to an IRI (JSON-LD drops a term no context defines)
    expanded = {node["@id"]: node for node in jsonld.expand(crate, {"documentLoader": _local_context,
                                                                    "base": BASE})}
    for entity in crate["@graph"]:
        kept = {k for k in expanded[urljoin(BASE, entity["@id"])] if not k.startswith("@")}
        assert len(kept) == len([k for k in entity if not k.startswith("@")]), f"{entity['@id']}: terms dropped"
    # the library of the RO-Crate project reads it
    read = ROCrate(folder)
    assert read.root_dataset["name"] == root["name"] and read.root_dataset["datePublished"] == root["datePublished"]
    return crate


def passes_roc_validator(folder: Path, tmp_path: Path) -> None:
    """roc-validator, RO-Crate 1.3 profile, every requirement down to the recommended. Its two
    checks of the context fetch it from w3id.org; the expansion above checks it against a local copy."""
    import atexit
    from rocrate_validator import models, services
    from rocrate_validator.utils import log
    atexit.unregister(log.__print_logs_on_exit__)  # its log (the context not fetched offline) printed at exit
    settings = models.ValidationSettings(
        rocrate_uri=str(folder), profile_identifier="ro-crate-1.3", requirement_severity=models.Severity.RECOMMENDED,
        offline=True, cache_path=tmp_path / "validator-cache", skip_availability_check=True,
        skip_checks=["ro-crate-1.3_1.1", "ro-crate-1.2_4.1"])
    result = services.validate(settings)
    assert result.passed(), [f"{i.check.identifier}: {i.message}" for i in result.get_issues()]


@pytest.mark.live
def test_the_live_sites_crate_is_an_ro_crate_its_pages_name_what_it_holds_and_no_quote_is_in_it(
        live_site, offline, tmp_path):
    from livingtheory import load_theory
    from conftest import THEORY
    crate = meets_the_ro_crate_requirements(live_site)
    passes_roc_validator(live_site, tmp_path)
    graph = _graph(crate)
    theory = load_theory(THEORY)
    for cmoc in theory.cmocs:
        (page,) = [json.loads(s) for s in lxml_html.fromstring((live_site / f"cmoc/{cmoc.id}/index.html").read_bytes())
                   .xpath("//script[@type='application/ld+json']/text()")]
        assert page["@id"] in graph, f"{cmoc.id}'s page names {page['@id']}, which its crate does not hold"
        assert graph[page["@id"]]["version"] == page["version"]
        assert page["isPartOf"]["@id"] == page["url"].split("/cmoc/")[0] + "/"  # the edition it cites: its crate's root
    words = json.dumps(crate, ensure_ascii=False)
    for quote in theory.quotes:
        assert not quote.text or quote.text[:40] not in words  # a crate names quotes, never holds their words
    home = (live_site / "index.html").read_text()
    assert 'href="ro-crate-metadata.json"' in home


@pytest.mark.live
def test_the_crates_own_terms_lead_to_their_definitions_in_the_schemas_the_site_serves(live_site):
    """Each term the record format adds (cmocContext, confidence...) is an address in a JSON Schema
    this site serves, whose `$id` is that address and which defines the term's anchor."""
    crate = json.loads((live_site / "ro-crate-metadata.json").read_text())
    terms = {t: iri for t, iri in crate["@context"][1].items() if "/data/schemas/" in iri}
    assert {"cmocContext", "cmocMechanism", "cmocOutcome", "confidence", "rationale"} <= set(terms)
    for term, iri in terms.items():
        address, _, anchor = iri.partition("#")
        served = json.loads((live_site / "data/schemas" / address.rsplit("/", 1)[1]).read_text())
        assert served["$id"] == address, term
        assert f'"$anchor": "{anchor}"' in json.dumps(served), term
    for schema in (live_site / "data/schemas").glob("*.json"):  # relative $refs resolve beside each
        assert json.loads(schema.read_text())["$id"].rsplit("/", 1)[0] == address.rsplit("/", 1)[0]
    assert ".example/" not in json.dumps(crate)


def _cmoc_03(project: Path, change) -> None:
    path = project / "theory/cmocs/cmoc-03.yaml"
    path.write_text(roundtrip.edited(path, change), encoding="utf-8")


def _move(project: Path, day: str, theory_version: str, version: str, status: str, what: str, why: str,
          **fields) -> None:
    def change(record):
        record["version"], record["status"] = version, status
        for key, value in fields.items():
            record[key] = value
        roundtrip.append(record, "history", {"date": day, "theory_version": theory_version,
                                             "version": version, "status": status, "change": what,
                                             "rationale": why, "evidence": ["quote-06"]})
    _cmoc_03(project, change)
    study = project / "theory/study.yaml"
    study.write_text(roundtrip.edited(study, lambda s: s["theory"].__setitem__("version", theory_version)))


def _walk(crate: dict, cmoc_id: str) -> list[dict]:
    """A CMOC's versions, oldest first, from the crate alone: its newest from the root, then back."""
    graph = _graph(crate)
    (newest,) = [graph[m["@id"]] for m in _listed(graph["./"]["mentions"])
                 if graph[m["@id"]]["identifier"].startswith(cmoc_id + "-v")]
    chain = [newest]
    while chain[0].get("wasRevisionOf"):
        chain.insert(0, graph[chain[0]["wasRevisionOf"]["@id"]])
    return chain


def test_two_releases_give_two_crates_whose_prov_chains_walk_a_cmoc_refined_twice_then_refuted(tmp_path, offline):
    project = make_project(tmp_path / "project")
    site_url, _ = publication_settings(project)  # what `release` writes the archive's crate with
    _move(project, "2026-11-20", "1.1", "1.1", "refined", "Summary sharpened.", "The first phase-two interviews.",
          summary="Matching by lived experience mattered most.")
    _move(project, "2026-11-21", "1.1", "1.2", "refined", "Context read as community matching.", "Parents' interviews.")
    study = project / "theory/study.yaml"  # an editor gives their ORCID iD
    study.write_text(roundtrip.edited(study, lambda s: s["theory"]["editors"][1].__setitem__("orcid", ORCID)))
    run(project, "release", "--date", "2026-11-22")
    first = json.loads((project / METADATA).read_text())
    first_site = generate(project / "theory", site_url=site_url, project=project, draw=False)
    _move(project, "2026-11-25", "1.2", "2.0", "refuted", "Refuted.", "Children's interviews contradicted the mechanism.")
    run(project, "release", "--date", "2026-11-26")
    second = json.loads((project / METADATA).read_text())
    second_site = generate(project / "theory", site_url=site_url, project=project, draw=False)

    reasons = [("0.1", "initial", None), ("1.0", "initial", None), ("1.1", "refined", "Summary sharpened."),
               ("1.2", "refined", "Context read as community matching.")]
    for crate in (first, [d for d in first_site.data if d.path == METADATA][0].content):
        crate = json.loads(crate) if isinstance(crate, str) else crate
        chain = _walk(crate, "cmoc-03")
        assert [(v["version"], v["creativeWorkStatus"]) for v in chain] == [r[:2] for r in reasons]
        assert [v["description"] for v in chain][2:] == [r[2] for r in reasons][2:]
        assert chain[-1]["rationale"] == "Parents' interviews." and "invalidatedAtTime" not in chain[-1]
        assert _graph(crate)["./"]["version"] == "1.1" and _graph(crate)["./"]["wasRevisionOf"]["@id"] == site_url + "1.0/"
    for crate in (second, json.loads([d for d in second_site.data if d.path == METADATA][0].content)):
        chain = _walk(crate, "cmoc-03")
        assert [v["version"] for v in chain] == ["0.1", "1.0", "1.1", "1.2", "2.0"]
        refuted = chain[-1]
        assert refuted["creativeWorkStatus"] == "refuted" and refuted["invalidatedAtTime"] == "2026-11-25"
        assert refuted["description"] == "Refuted." and refuted["rationale"].startswith("Children's interviews")
        # where each version was first published; version 1.1 was followed by 1.2 before any release
        assert [v.get("url") for v in chain] == [None, *(f"{site_url}{e}/cmoc/cmoc-03/" for e in ("1.0",)), None,
                                                 f"{site_url}1.1/cmoc/cmoc-03/", f"{site_url}1.2/cmoc/cmoc-03/"]
        # the same versions keep their identifiers from one edition's crate to the next
        assert [v["@id"] for v in chain[:4]] == [v["@id"] for v in _walk(first, "cmoc-03")]
        assert _graph(crate)["./"]["wasRevisionOf"]["@id"] == site_url + "1.1/"

    # the editor is known by their ORCID iD in the crate, CITATION.cff and the deposit
    (editor,) = [e for e in second["@graph"] if e["@id"] == f"https://orcid.org/{ORCID}"]
    assert editor["@type"] == "Person" and {"@id": editor["@id"]} in second["@graph"][1]["author"]
    assert f"orcid: https://orcid.org/{ORCID}" in (project / "CITATION.cff").read_text()
    assert {"name": "Bernard, Mark", "orcid": ORCID} in json.loads((project / ".zenodo.json").read_text())["creators"]

    # the archive's crate (the repository at the tag) holds the records and the snapshot
    for name in ("CITATION.cff", ".zenodo.json", "editions/1.2.json"):
        assert (project / name).is_file()
    meets_the_ro_crate_requirements(project)
    passes_roc_validator(project, tmp_path)
    zenodo = json.loads((project / ".zenodo.json").read_text())
    related = {r["relation"]: r["identifier"] for r in zenodo["related_identifiers"]}
    assert related == {"isSupplementTo": site_url + "1.2/", "isNewVersionOf": site_url + "1.1/",
                       "isDerivedFrom": "10.1007/s44192-023-00045-2"}

    # a quote withdrawn after both releases: marked withdrawn in the crates made from then on
    run(project, "withdraw", "quote-06", "--reason", "Asked by the service.", "--date", "2026-12-01")
    after = json.loads([d for d in generate(project / "theory", site_url=site_url, project=project, draw=False).data
                        if d.path == METADATA][0].content)
    (quote,) = [e for e in after["@graph"] if e.get("identifier") == "quote-06"]
    assert quote["creativeWorkStatus"] == "withdrawn" and "Asked by the service." in quote["description"]
