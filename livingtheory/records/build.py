"""The model made from records that matched their schemas (read.py): plain construction, no checks."""
from __future__ import annotations

from . import model
from .read import Records
from .yamlsource import Record


def build(records: Records) -> model.ProgrammeTheory:
    study = _study(records.single["study"])
    outcomes = sorted((_outcome(r) for r in records.by_kind["outcome"]), key=lambda o: (o.order, o.id))
    order = {o.id: i for i, o in enumerate(outcomes)}
    cmocs = sorted((_cmoc(r) for r in records.by_kind["cmoc"]),
                   key=lambda c: (order.get(c.outcome_group, len(order)), c.number, c.id))
    sources = sorted((_source(r) for r in records.by_kind["source"]),
                     key=lambda x: (x.id != study.based_on, x.year or 0, x.id))  # the theory's own source first
    return model.ProgrammeTheory(
        study=study, outcomes=tuple(outcomes), cmocs=tuple(cmocs),
        quotes=tuple(sorted((_quote(r) for r in records.by_kind["quote"]), key=lambda q: q.id)),
        services=tuple(sorted((_service(r) for r in records.by_kind["service"]), key=lambda x: x.id)),
        theories=tuple(sorted((_theory(r) for r in records.by_kind["theory"]), key=lambda t: (t.name, t.id))),
        content=tuple(sorted((_content(r) for r in records.by_kind["content"]),  # in the source's order, then by id
                             key=lambda c: (_section_key(c.section), c.id))),
        sources=tuple(sources),
        reporting=_reporting(records.single["reporting"]) if "reporting" in records.single else None,
        deidentification=_deidentification(records.single["deidentification"])
        if "deidentification" in records.single else None,
        references=_references(records.single["references"]) if "references" in records.single else None)


def _section_key(section: str | None) -> tuple:
    return tuple(int(part) for part in section.split(".")) if section else (1_000_000,)


def _terms(items) -> tuple[model.Term, ...]:
    return tuple(model.Term(t["id"], t["name"]) for t in items or ())


def _people(people) -> tuple[model.Author, ...]:
    return tuple(model.Author(p["family"], p["given"], p.get("orcid")) for p in people or ())


def _changes(d: dict) -> tuple[model.Change, ...]:
    return tuple(model.Change(h["date"], h["theory_version"], h["change"], h["rationale"]) for h in d.get("history", ()))


def _withdrawal(value) -> model.Withdrawal | None:
    return model.Withdrawal(value["date"], value["reason"]) if value else None


def _study(r: Record) -> model.Study:
    s, words = r.data["theory"], r.data["vocabulary"]
    scheme = words.get("confidence")
    vocabulary = model.Vocabulary(
        beneficiaries=_terms(words["beneficiaries"]), roles=_terms(words["roles"]),
        designs=_terms(words.get("designs")), phases=_terms(words.get("phases")),
        relation_types=tuple(model.RelationType(t["id"], t["name"], t["inverse"]) for t in words.get("relation_types", ())),
        confidence=model.ConfidenceScheme(scheme["framework"], _terms(scheme["levels"]), _terms(scheme.get("components")),
                                          _terms(scheme.get("concerns"))) if scheme else None)
    return model.Study(title=s["title"], version=s["version"], summary=s["summary"], publisher=s["publisher"],
                       description=s["description"], based_on=s["based_on"], licence=s["licence"]["name"],
                       licence_url=s["licence"]["url"], editors=_people(s["editors"]),
                       contributors=_people(s.get("contributors")), example=s.get("example"), doi=s.get("doi"),
                       vocabulary=vocabulary, file=r.file)


def _source(r: Record) -> model.Source:
    d = r.data
    licence = d.get("licence") or {}
    table = d.get("services_table")
    return model.Source(
        id=d["id"], kind=d["kind"], name=d["name"], title=d["title"], authors=_people(d.get("authors")),
        year=d.get("year"), container=d.get("container"), volume=d.get("volume"), article=d.get("article"),
        published=d.get("published"), doi=d.get("doi"), url=d.get("url"), identifier=d.get("identifier"),
        licence=licence.get("name"), licence_url=licence.get("url"), part_of=d.get("part_of"),
        description=d.get("description"), design=d.get("design"), phase=d.get("phase"),
        sample_size=d.get("sample_size"),
        services_table=model.ServicesTable(table["name"], tuple(model.Column(c["id"], c["name"], c.get("note"))
                                                                for c in table["columns"])) if table else None,
        participants=tuple(model.Participant(p["tag"], p["role"], p.get("service"), _withdrawal(p.get("withdrawn")))
                           for p in d["participants"]),
        history=_changes(d), file=r.file)


def _reporting(r: Record) -> model.Reporting:
    d = r.data
    return model.Reporting(d["standard"], d["reference"], tuple(
        model.ReportingItem(i["item"], i["title"], tuple(i["pages"]), i.get("note")) for i in d["items"]), r.file)


def _deidentification(r: Record) -> model.Deidentification:
    d = r.data
    return model.Deidentification(tuple(model.Identifier(i["name"], i["pattern"], i.get("check"))
                                        for i in d["identifiers"]), frozenset(d["allowed_words"]), r.file)


def _references(r: Record) -> model.References:
    return model.References(tuple(sorted((model.Work(w["number"], w["text"], w.get("doi"), w.get("url"), w.get("accessed"))
                                          for w in r.data["works"]), key=lambda w: w.number)), r.file)


def _outcome(r: Record) -> model.Outcome:
    d = r.data
    return model.Outcome(id=d["id"], name=d["name"], order=d["order"], section=d.get("section"),
                         description=d["description"], history=_changes(d), file=r.file)


def _theory(r: Record) -> model.SubstantiveTheory:
    d = r.data
    return model.SubstantiveTheory(id=d["id"], name=d["name"], reference=d["reference"], description=d["description"],
                                   doi=d.get("doi"), url=d.get("url"), history=_changes(d), file=r.file)


def _content(r: Record) -> model.Content:
    d = r.data
    return model.Content(id=d["id"], title=d["title"], section=d.get("section"), body=d["body"], history=_changes(d),
                         file=r.file)


def _quote(r: Record) -> model.Quote:
    d = r.data
    review = d.get("deidentification")
    return model.Quote(id=d["id"], source=d["source"], participant=d["participant"], text=d.get("text"),
                       section=d.get("section"),
                       deidentification=model.Review(review["reviewed_by"], review["reason"]) if review else None,
                       withdrawn=_withdrawal(d.get("withdrawn")), history=_changes(d), file=r.file,
                       segment=d.get("segment"))


def _service(r: Record) -> model.Service:
    d = r.data
    return model.Service(id=d["id"], source=d["source"], name=d["name"], columns=dict(d["columns"]),
                         history=_changes(d), file=r.file)


def _cmoc(r: Record) -> model.Cmoc:
    d = r.data
    confidence = d.get("confidence")
    return model.Cmoc(
        id=d["id"], title=d["title"], section=d.get("section"), figure=d.get("figure"),
        outcome_group=d["outcome_group"], beneficiary=d["beneficiary"], statement=d["statement"],
        context=model.Part(**d["context"]), mechanism=model.Part(**d["mechanism"]), outcome=model.Part(**d["outcome"]),
        summary=d["summary"],
        evidence=tuple(model.Evidence(e["direction"], e.get("quote"), e.get("source"), e.get("note"), e.get("circumstance"))
                       for e in d["evidence"]),
        not_triggered=tuple(model.Circumstance(c["circumstance"], c["text"], c.get("section")) for c in d["not_triggered"]),
        theories=tuple(model.TheoryLink(t["theory"], t["basis"]) for t in d["theories"]),
        relations=tuple(model.Relation(x["type"], x["cmoc"], x["how"]) for x in d.get("relations", ())),
        confidence=model.Confidence(confidence["level"], confidence["judged_by"], confidence["date"],
                                    confidence["rationale"], tuple(model.Judgement(j["component"], j["concern"], j["reason"])
                                                                   for j in confidence.get("components", ())))
        if confidence else None,
        status=d["status"], version=d["version"], replaced_by=tuple(d.get("replaced_by", ())),
        history=tuple(model.HistoryEntry(h["date"], h["theory_version"], h["version"], h["status"], h["change"],
                                         h["rationale"], tuple(h["evidence"])) for h in d["history"]),
        file=r.file)
