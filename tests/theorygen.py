"""Theories generated over the record format, and the years a research team lives through with one.

A `Team` starts a theory from choices (Hypothesis draws them in the property tests; a seeded random
source elsewhere) and then moves it as a team does: phases of evidence, refinements, retirements
and reinstatements, vocabulary added and renamed, outcomes reworded, quotes corrected or withdrawn,
editions released. Each record kind, each value of each enum of the JSON Schemas (statuses,
directions, source kinds) and each list of the vocabulary is reachable; every theory it leaves is
one that `check` must accept. Records are written as YAML; releases and withdrawals go through the
project's own commands, as a team runs them.

Text is lower-case words (so that de-identification finds no name in it) with the characters that
HTML and Markdown treat specially (& ' " * _ #), so that a page showing markup where text belongs is
caught; `[[id]]` links appear in Markdown fields.
"""
from __future__ import annotations

import contextlib
import datetime
import io
import json
import random
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from livingtheory.cli import main as command

SCHEMAS = Path(__file__).resolve().parent.parent / "livingtheory/records/schemas"
_COMMON = json.loads((SCHEMAS / "common.schema.json").read_text())["$defs"]
STATUSES = _COMMON["status"]["enum"]  # from the schemas: a new value is generated without a change here
DIRECTIONS = _COMMON["direction"]["enum"]
SOURCE_KINDS = json.loads((SCHEMAS / "source.schema.json").read_text())["properties"]["kind"]["enum"]
RETIRED = ("refuted", "merged", "split")
CURRENT = [s for s in STATUSES if s not in RETIRED]
WORDS = ("peer support helped the child feel less alone and more able to talk about worry at school with "
         "someone who had been through it before when staff made time for matching trust grew slowly over "
         "weeks parents noticed change sessions were short online or face to face group one to one").split()
# Quotes are participants' words, drawn apart from the rest: a withdrawn quote's words are then its own.
QUOTE_WORDS = ("i we they felt really honestly kind of like nobody else got me until my mentor said you "
               "can do this it gets better slowly lots little bit proper mate nervous happy scared brave "
               "laughing crying listening waiting hoping coping trying anyway because though maybe never "
               "always sometimes yesterday tomorrow together").split()
SPECIAL = ["&", "'", '"', "*", "_", "#", "co-design", "well-being", "it's"]
OPERATIONS = ["refine", "reword-core", "add-quote", "add-evidence-from-source", "retire", "reinstate",
              "reword-outcome", "add-term", "rename-term", "add-cmoc", "add-source", "relate", "judge",
              "correct-quote", "rename-service", "describe-source", "revise-theory", "revise-content", "add-work",
              "participant-withdraws", "withdraw", "release"]


class Choices:
    """Where the team's decisions come from: Hypothesis (`draw`) or a seeded random source."""

    def __init__(self, draw=None, seed: int | None = None):
        self._draw, self._random = draw, random.Random(seed)

    def number(self, low: int, high: int) -> int:
        if self._draw is not None:
            from hypothesis import strategies as st
            return self._draw(st.integers(low, high))
        return self._random.randint(low, high)

    def flag(self) -> bool:
        return bool(self.number(0, 1))

    def pick(self, items):
        items = list(items)
        return items[self.number(0, len(items) - 1)]

    def words(self, low: int = 3, high: int = 9, special: bool = True, words=WORDS) -> str:
        chosen = [self.pick(words) for _ in range(self.number(low, high))]
        if special and self.number(0, 3) == 0:
            chosen.insert(self.number(1, len(chosen)), self.pick(SPECIAL))  # never first: "# ..." is a heading
        return " ".join(chosen)

    def sentence(self, low: int = 4, high: int = 12, words=WORDS) -> str:
        text = self.words(low, high, words=words)
        return text[0].upper() + text[1:] + "."


@dataclass
class Team:
    """A theory's records as data (kind -> id -> record) and the team's bookkeeping."""
    choices: Choices
    records: dict = field(default_factory=lambda: {k: {} for k in ("cmocs", "quotes", "outcomes", "services",
                                                                     "sources", "theories", "content")})
    study: dict = field(default_factory=dict)
    works: list = field(default_factory=list)  # theory/references.yaml's works (none: no such file)
    reporting: dict | None = None  # theory/reporting.yaml
    released: dict | None = None  # the newest edition's records (kind -> id -> record), as data
    editions: list = field(default_factory=list)  # versions released, oldest first
    withdrawn: dict = field(default_factory=dict)  # quote id -> its words before withdrawal
    day: datetime.date = datetime.date(2023, 1, 10)
    done: list = field(default_factory=list)  # operations applied, for a failing example's report

    # ------------------------------------------------------------------------- a first theory

    def start(self) -> "Team":
        c = self.choices
        terms = lambda prefix, n: [{"id": f"{prefix}-{i}", "name": f"{c.words(1, 3, special=i == 1)}"[:37] + f" {i}"}  # noqa: E731
                                   for i in range(1, n + 1)]  # names differ: `check` refuses two terms of one name
        vocabulary = {"beneficiaries": terms("who", c.number(1, 3)), "roles": terms("role", c.number(1, 3))}
        for name, low in (("designs", 0), ("phases", 0)):
            if c.flag():
                vocabulary[name] = terms(name[:-1], c.number(max(low, 1), 3))
        if c.flag():
            vocabulary["relation_types"] = [{**t, "inverse": f"follows from {t['name']}"[:40]}
                                            for t in terms("relation", c.number(1, 3))]
        if c.flag():
            vocabulary["confidence"] = {"framework": c.words(2, 5), "levels": terms("level", c.number(1, 4)),
                                        "components": terms("component", c.number(1, 3)),
                                        "concerns": terms("concern", c.number(1, 3))}
        self.study = {"id": "study", "theory": {
            "title": c.sentence(3, 6), "version": "0.1", "publisher": c.words(2, 5), "description": c.sentence(),
            "summary": c.sentence(), "based_on": "source-1",
            "licence": {"name": "CC BY 4.0", "url": "https://creativecommons.org/licenses/by/4.0/"},
            "editors": [{"family": "editor", "given": "first"}],
            **({"doi": "10.5555/theory.concept"} if c.flag() else {}),
            **({"contributors": [{"family": "helper", "given": "second", "orcid": "0000-0002-1825-0097"}]}
               if c.flag() else {})},
            "vocabulary": vocabulary}
        self._source(first=True)
        for _ in range(c.number(1, 3)):
            self._outcome()
        for _ in range(c.number(0, 2)):
            self._substantive_theory()
        if c.flag():
            self.works = [{"number": n, "text": c.sentence(), **({"doi": f"10.5555/work.{n}"} if c.flag() else
                                                                {"url": f"https://example.org/w{n}", "accessed": "2023-01-05"})}
                          for n in range(1, c.number(1, 3) + 1)]
        if c.flag():
            self.records["content"]["methods"] = {"id": "methods", "title": "Methods", "body": self._markdown(),
                                                  **({"section": "2"} if c.flag() else {})}
        for _ in range(c.number(1, 4)):
            self._cmoc()
        self.study["theory"]["example"] = next(iter(self.records["cmocs"]))
        if c.flag():
            pages = ["index.md", "map/index.md", *(f"{i}.md" for i in self.records["content"])]
            self.reporting = {"id": "reporting", "standard": c.words(1, 3, special=False).upper(),
                              "reference": self._markdown(),
                              "items": [{"item": i, "title": c.words(1, 4),
                                         "pages": [c.pick(pages)] if c.flag() else [],
                                         **({"note": c.sentence()} if c.flag() else {})} for i in range(1, c.number(1, 4) + 1)]}
        return self

    # ------------------------------------------------------------------------- records

    def _next(self, kind: str, prefix: str) -> str:
        return f"{prefix}-{len(self.records[kind]) + 1:02d}"

    def _term(self, name: str):
        words = self.study["vocabulary"].get(name)
        return self.choices.pick(words)["id"] if words and self.choices.flag() else None

    def _source(self, first: bool = False) -> dict:
        c = self.choices
        number = len(self.records["sources"]) + 1
        table = [{"id": f"column-{i}", "name": c.words(1, 2, special=False),
                  **({"note": c.words(2, 4)} if c.flag() else {})} for i in range(1, c.number(0, 3) + 1)]
        source = {"id": f"source-{number}", "kind": "study" if first else c.pick(SOURCE_KINDS),
                  "name": f"{c.words(1, 3)} {number}", "title": c.sentence(3, 7),
                  "authors": [{"family": "author", "given": "some"}], "year": 2023 + number // 2,
                  **({"doi": f"10.5555/source.{number}"} if c.flag() else {"url": f"https://example.org/s{number}"}),
                  **({"container": c.words(1, 3), "volume": str(number), "article": f"{number}0",
                      "published": "2023-01-02"} if c.flag() else {}),
                  **({"identifier": f"preprint {number}"} if c.flag() else {}),
                  **({"licence": {"name": "CC BY 4.0", "url": "https://creativecommons.org/licenses/by/4.0/"}}
                     if c.flag() else {}),
                  **({"description": self._markdown()} if c.flag() else {}),
                  **({"design": d} if (d := self._term("designs")) else {}),
                  **({"phase": p} if (p := self._term("phases")) else {}),
                  **({"sample_size": c.number(1, 40)} if c.flag() else {}),
                  **({"services_table": {"name": c.words(1, 3), "columns": table}} if table else {}),
                  "participants": []}
        if not first and c.flag():
            source["part_of"] = "source-1"
        self.records["sources"][source["id"]] = source
        services = [self._service(source) for _ in range(c.number(0, 3) if table else 0)]
        for i in range(1, c.number(1, 4) + 1):
            participant = {"tag": f"P{number}-{i}", "role": c.pick(self.study["vocabulary"]["roles"])["id"]}
            if services and c.flag():
                participant["service"] = c.pick(services)["id"]
            source["participants"].append(participant)
        return source

    def _service(self, source: dict) -> dict:
        c = self.choices
        existing = [s["name"] for s in self.records["services"].values()]
        name = c.pick(existing) if existing and c.number(0, 3) == 0 else c.words(2, 4)  # names may be shared
        columns = {col["id"]: c.pick([None, True, False, c.words(1, 4)]) for col in
                   source["services_table"]["columns"] if c.flag()}
        service = {"id": self._next("services", "service"), "source": source["id"], "name": name, "columns": columns}
        self.records["services"][service["id"]] = service
        return service

    def _outcome(self) -> None:
        c = self.choices
        outcome_id = f"outcome-{len(self.records['outcomes']) + 1}"
        self.records["outcomes"][outcome_id] = {"id": outcome_id, "name": c.words(1, 3),
                                                "order": len(self.records["outcomes"]) + 1,
                                                **({"section": f"3.{len(self.records['outcomes']) + 1}"} if c.flag() else {}),
                                                "description": c.sentence()}

    def _substantive_theory(self) -> None:
        c = self.choices
        theory_id = f"theory-{len(self.records['theories']) + 1}"
        self.records["theories"][theory_id] = {"id": theory_id, "name": c.words(2, 4), "reference": c.sentence(),
                                               "description": c.sentence(),
                                               **({"doi": "10.5555/theory.1"} if c.flag() else
                                                  {"url": "https://example.org/theory"} if c.flag() else {})}

    def _markdown(self) -> str:
        c = self.choices
        text = c.sentence()
        if self.records["cmocs"] and c.flag():
            text += f" See [[{c.pick(self.records['cmocs'])}]]."
        if c.flag():
            text += f" *{c.words(1, 3, special=False)}* and **{c.words(1, 2, special=False)}**."
        if self.works and c.flag():
            text += f" As shown before [{c.pick(self.works)['number']}]."
        return text

    def _quote(self, cmoc: dict, direction: str, circumstance: str | None = None) -> str | None:
        c = self.choices
        speakers = [(s, p) for s in self.records["sources"].values() for p in s["participants"] if not p.get("withdrawn")]
        if not speakers:
            return None
        source, participant = c.pick(speakers)
        quote_id = self._next("quotes", "quote")
        self.records["quotes"][quote_id] = {"id": quote_id, "source": source["id"], "participant": participant["tag"],
                                            "text": c.sentence(8, 30, words=QUOTE_WORDS),
                                            **({"section": "3.1"} if c.flag() else {}),
                                            **({"segment": str(uuid.uuid5(uuid.NAMESPACE_OID, quote_id))}
                                               if c.flag() else {}),  # imported from a coded project
                                            **({"deidentification": {"reviewed_by": "reviewer",
                                                                     "reason": c.words(2, 5)}} if c.flag() else {})}
        entry = {"quote": quote_id, "direction": direction}
        if circumstance:
            entry["circumstance"] = circumstance
        if c.flag():
            entry["note"] = self._markdown()
        cmoc["evidence"].append(entry)
        return quote_id

    def _cmoc(self) -> dict:
        c = self.choices
        number = len(self.records["cmocs"]) + 1
        parts = {part: c.words(3, 7) for part in ("context", "mechanism", "outcome")}
        status = c.pick([s for s in CURRENT])
        cmoc = {"id": f"cmoc-{number:02d}", "title": c.words(2, 6), "outcome_group": c.pick(self.records["outcomes"]),
                "beneficiary": c.pick(self.study["vocabulary"]["beneficiaries"])["id"],
                "statement": _statement(parts),
                **({"section": f"3.{number}", "figure": f"Fig. {number}"} if c.flag() else {}),
                **{part: {"label": text[:30], "text": text} for part, text in parts.items()},
                "summary": self._markdown(), "evidence": [], "not_triggered": [], "theories": [], "relations": [],
                "status": status, "version": "0.1", "history": []}
        if c.flag():
            cmoc["not_triggered"].append({"circumstance": c.words(2, 4), "text": c.sentence(),
                                          **({"section": "3.2"} if c.flag() else {})})
        self.records["cmocs"][cmoc["id"]] = cmoc
        for _ in range(c.number(0, 3)):
            direction = c.pick(DIRECTIONS)
            circumstance = cmoc["not_triggered"][0]["circumstance"] \
                if direction == "not-triggered" and cmoc["not_triggered"] and c.flag() else None
            self._quote(cmoc, direction, circumstance)
        if c.flag():
            source = c.pick(self.records["sources"])
            cmoc["evidence"].append({"source": source, "direction": c.pick(DIRECTIONS[:3]), "note": self._markdown()})
        if self.records["theories"] and c.flag():
            cmoc["theories"].append({"theory": c.pick(self.records["theories"]), "basis": c.sentence()})
        self._add_relation(cmoc)
        if self.study["vocabulary"].get("confidence") and c.flag():
            self._judgement(cmoc)
        cmoc["history"].append(self._entry(cmoc, "First stated."))
        return cmoc

    def _add_relation(self, cmoc: dict) -> bool:
        types = self.study["vocabulary"].get("relation_types")
        others = [i for i in self.records["cmocs"] if i != cmoc["id"]
                  and all(r["cmoc"] != i for r in cmoc.get("relations", []))]
        if not types or not others or not self.choices.flag():
            return False
        cmoc["relations"].append({"type": self.choices.pick(types)["id"], "cmoc": self.choices.pick(others),
                                  "how": self.choices.sentence()})
        return True

    def _judgement(self, cmoc: dict) -> None:
        c, scheme = self.choices, self.study["vocabulary"]["confidence"]
        components = list(dict.fromkeys(c.pick(scheme["components"])["id"] for _ in range(c.number(0, 3))))
        cmoc["confidence"] = {"level": c.pick(scheme["levels"])["id"], "judged_by": "the team",
                              "date": self.day.isoformat(), "rationale": self._markdown(),
                              "components": [{"component": x, "concern": c.pick(scheme["concerns"])["id"],
                                              "reason": c.words(2, 6)} for x in components]}

    def _entry(self, cmoc: dict, change: str) -> dict:
        return {"date": self.day.isoformat(), "theory_version": self.study["theory"]["version"],
                "version": cmoc["version"], "status": cmoc["status"], "change": change,
                "rationale": self.choices.sentence(), "evidence": [e["quote"] for e in cmoc["evidence"][-1:]
                                                                    if e.get("quote")]}

    # ------------------------------------------------------------------------- years of change

    def live(self, project: Path, steps: int) -> "Team":
        """Write the theory into project/theory, then move it `steps` times (releases included)."""
        self.write(project)
        for _ in range(steps):
            self.step(project, self.choices.pick(OPERATIONS))
        return self

    def step(self, project: Path, operation: str) -> None:
        self.day += datetime.timedelta(days=self.choices.number(1, 90))
        self.day = min(self.day, datetime.date.today())
        if operation == "release":
            self.release(project)
        elif operation == "withdraw":
            self.withdraw(project)
        elif operation == "participant-withdraws":
            if self.participant_withdraws(project):
                self.done.append(operation)
                self.write(project)
        elif getattr(self, "_" + operation.replace("-", "_"))():
            self.done.append(operation)
            self.write(project)

    def _changing(self) -> str:
        """The theory version a change is made in: raised once after each release."""
        theory = self.study["theory"]
        if self.editions and theory["version"] == self.editions[-1]:
            major, minor = map(int, theory["version"].split("."))
            theory["version"] = f"{major}.{minor + 1}"
        return theory["version"]

    def _released_record(self, kind: str, record_id: str) -> dict | None:
        return (self.released or {}).get(kind, {}).get(record_id)

    def _bump(self, cmoc: dict, *, major: bool, change: str, status: str | None = None) -> None:
        """A CMOC changed: a new version (major for its core or a change of standing), always above
        the one it has, so above any released one, and a history entry that says so."""
        self._changing()
        major_now, minor_now = map(int, cmoc["version"].split("."))
        cmoc["version"] = f"{major_now + 1}.0" if major else f"{major_now}.{minor_now + 1}"
        if status:
            cmoc["status"] = status
        cmoc["history"].append(self._entry(cmoc, change))

    def _current(self) -> list[dict]:
        return [c for c in self.records["cmocs"].values() if c["status"] not in RETIRED]

    def _refine(self) -> bool:
        cmoc = self.choices.pick(self.records["cmocs"].values())
        cmoc["summary"] = self._markdown()
        if not cmoc["not_triggered"] and self.choices.flag():
            cmoc["not_triggered"].append({"circumstance": self.choices.words(2, 4), "text": self.choices.sentence()})
        status = self.choices.pick(CURRENT) if cmoc["status"] not in RETIRED else None
        self._bump(cmoc, major=False, change="Refined: " + self.choices.words(2, 6), status=status)
        return True

    def _reword_core(self) -> bool:
        cmoc = self.choices.pick(self.records["cmocs"].values())
        part = self.choices.pick(["context", "mechanism", "outcome"])
        text = self.choices.words(3, 7)
        cmoc[part] = {"label": text[:30], "text": text}
        cmoc["statement"] = _statement({p: cmoc[p]["text"] for p in ("context", "mechanism", "outcome")})
        self._bump(cmoc, major=True, change=f"The {part} reworded.")
        return True

    def _add_quote(self) -> bool:
        cmoc = self.choices.pick(self.records["cmocs"].values())
        self._changing()
        direction = self.choices.pick(DIRECTIONS)
        if not self._quote(cmoc, direction):
            return False
        self._bump(cmoc, major=False, change=f"New evidence ({direction}).")
        return True

    def _add_evidence_from_source(self) -> bool:
        cmoc = self.choices.pick(self.records["cmocs"].values())
        source = self.choices.pick(self.records["sources"])
        direction = self.choices.pick(DIRECTIONS[:3])
        if any(e.get("source") == source and e["direction"] == direction for e in cmoc["evidence"]):
            return False
        cmoc["evidence"].append({"source": source, "direction": direction, "note": self._markdown()})
        self._bump(cmoc, major=False, change="Evidence from a whole source.")
        return True

    def _retire(self) -> bool:
        current = self._current()
        if len(current) < 2:
            return False
        successors_named = {i for c in self.records["cmocs"].values() for i in c.get("replaced_by", [])}
        candidates = [c for c in current if c["id"] not in successors_named]  # a successor stays current
        if not candidates:
            return False
        cmoc = self.choices.pick(candidates)
        how = self.choices.pick(RETIRED)
        successors = [c["id"] for c in current if c is not cmoc]
        if how != "refuted" or self.choices.flag():
            cmoc["replaced_by"] = [self.choices.pick(successors)]
        else:
            cmoc.pop("replaced_by", None)
        if self.study["theory"].get("example") == cmoc["id"]:
            self.study["theory"]["example"] = successors[0]
        self._bump(cmoc, major=True, change=f"{how.capitalize()}.", status=how)
        return True

    def _reinstate(self) -> bool:
        retired = [c for c in self.records["cmocs"].values() if c["status"] in RETIRED]
        if not retired:
            return False
        cmoc = self.choices.pick(retired)
        self._bump(cmoc, major=True, change="Reinstated by new evidence.", status=self.choices.pick(CURRENT))
        return True

    def _recorded(self, kind: str, record: dict, change: str) -> None:
        """A change to a record of a kind other than CMOC: a history entry once it was released."""
        version = self._changing()
        if self._released_record(kind, record["id"]) is not None or self.choices.flag():
            record.setdefault("history", []).append({"date": self.day.isoformat(), "theory_version": version,
                                                     "change": change, "rationale": self.choices.sentence()})

    def _reword_outcome(self) -> bool:
        outcome = self.choices.pick(self.records["outcomes"].values())
        outcome["description"] = self.choices.sentence()
        if self.choices.flag():
            outcome["name"] = self.choices.words(1, 3)
        self._recorded("outcomes", outcome, "Reworded.")
        return True

    def _add_term(self) -> bool:
        name = self.choices.pick(["beneficiaries", "roles", "designs", "phases", "relation_types"])
        terms = self.study["vocabulary"].setdefault(name, [])
        term = {"id": f"{name[:5].rstrip('_')}-new-{len(terms) + 1}",
                "name": f"{self.choices.words(1, 3)[:32]} new {len(terms) + 1}"}
        if name == "relation_types":
            term["inverse"] = f"is {term['name']}"[:40]
        terms.append(term)
        self._changing()
        return True

    def _rename_term(self) -> bool:
        lists = [(name, terms) for name, terms in self.study["vocabulary"].items() if isinstance(terms, list) and terms]
        if not lists:
            return False
        _, terms = self.choices.pick(lists)
        term = self.choices.pick(terms)
        term["name"] = f"{self.choices.words(1, 3)[:30]} renamed {terms.index(term) + 1}"
        self._changing()
        return True

    def _add_cmoc(self) -> bool:
        self._changing()
        cmoc = self._cmoc()
        cmoc["status"] = cmoc["history"][-1]["status"] = "proposed" if self.choices.flag() else cmoc["status"]
        return True

    def _add_source(self) -> bool:
        self._changing()
        if self.choices.flag():  # a new phase of the evaluation, added to the vocabulary first
            phases = self.study["vocabulary"].setdefault("phases", [])
            phases.append({"id": f"phase-{len(phases) + 1}", "name": f"{self.choices.words(1, 3)[:30]} phase {len(phases) + 1}"})
        self._source()
        return True

    def _relate(self) -> bool:
        target = self.choices.pick(self.records["cmocs"].values())
        if not self._add_relation(target):
            return False
        self._bump(target, major=False, change="Related to another CMOC.")
        return True

    def _judge(self) -> bool:
        if not self.study["vocabulary"].get("confidence"):
            return False
        cmoc = self.choices.pick(self.records["cmocs"].values())
        self._judgement(cmoc)
        self._bump(cmoc, major=False, change="Confidence judged.")
        return True

    def _correct_quote(self) -> bool:
        quotes = [q for q in self.records["quotes"].values() if q.get("text")]
        if not quotes:
            return False
        quote = self.choices.pick(quotes)
        quote["text"] = quote["text"].rstrip(".") + " " + self.choices.words(2, 5, words=QUOTE_WORDS) + "."
        self._recorded("quotes", quote, "Transcription corrected.")
        return True

    def _rename_service(self) -> bool:
        if not self.records["services"]:
            return False
        service = self.choices.pick(self.records["services"].values())
        service["name"] = self.choices.words(2, 4)
        self._recorded("services", service, "Renamed.")
        return True

    def _describe_source(self) -> bool:
        source = self.choices.pick(self.records["sources"].values())
        source["description"] = self._markdown()
        self._recorded("sources", source, "Described.")
        return True

    def _revise_theory(self) -> bool:
        if not self.records["theories"]:
            return False
        theory = self.choices.pick(self.records["theories"].values())
        theory["description"] = self.choices.sentence()
        self._recorded("theories", theory, "Description revised.")
        return True

    def _revise_content(self) -> bool:
        if not self.records["content"]:
            return False
        content = self.choices.pick(self.records["content"].values())
        content["body"] = self._markdown()
        self._recorded("content", content, "Revised.")
        return True

    def _add_work(self) -> bool:
        self.works.append({"number": len(self.works) + 1, "text": self.choices.sentence()})
        self._changing()
        return True

    # ------------------------------------------------------------------------- commands

    def participant_withdraws(self, project: Path) -> bool:
        """A participant withdraws consent: each quote of theirs is withdrawn (the command), then the
        participant is marked withdrawn in their source, with a history entry."""
        speakers = [(s, p) for s in self.records["sources"].values() for p in s["participants"] if not p.get("withdrawn")]
        if not speakers:
            return False
        source, participant = self.choices.pick(speakers)
        for quote in list(self.records["quotes"].values()):
            if quote["source"] == source["id"] and quote["participant"] == participant["tag"] and quote.get("text"):
                self.withdraw(project, quote=quote)
        participant["withdrawn"] = {"date": self.day.isoformat(), "reason": "consent withdrawn"}
        self._recorded("sources", source, f"Participant {participant['tag']} withdrew.")
        return True


    def release(self, project: Path) -> None:
        theory = self.study["theory"]
        if self.editions and theory["version"] == self.editions[-1]:
            return  # nothing changed since the last release
        run(project, "release", "--date", self.day.isoformat())
        self.editions.append(theory["version"])
        self.released = json.loads(json.dumps(self.records))
        self.done.append(f"release {theory['version']}")

    def withdraw(self, project: Path, published_site: Path | None = None, quote: dict | None = None) -> str | None:
        quotes = [q for q in self.records["quotes"].values() if q.get("text")]
        if not quotes:
            return None
        quote = quote or self.choices.pick(quotes)
        extra = ["--published-site", str(published_site)] if published_site else []
        run(project, "withdraw", quote["id"], "--reason", "consent withdrawn", "--date", self.day.isoformat(),
            *extra)
        self.withdrawn[quote["id"]] = quote.pop("text")
        quote["withdrawn"] = {"date": self.day.isoformat(), "reason": "consent withdrawn"}
        self.done.append(f"withdraw {quote['id']}")
        self.write(project)
        return quote["id"]

    @classmethod
    def read(cls, project: Path) -> "Team":
        """A team whose records are a theory already written (a fixed regression theory): what the
        invariants compare the pages with. The words of its withdrawn quotes are in withdrawn.json."""
        team = cls(Choices(seed=0))
        theory = project / "theory"
        load = lambda path: yaml.safe_load(path.read_text(encoding="utf-8"))  # noqa: E731
        team.study = load(theory / "study.yaml")
        for kind in team.records:
            for path in sorted((theory / kind).glob("*.yaml")):
                record = load(path)
                team.records[kind][record["id"]] = record
        if (theory / "references.yaml").is_file():
            team.works = load(theory / "references.yaml")["works"]
        if (theory / "reporting.yaml").is_file():
            team.reporting = load(theory / "reporting.yaml")
        if (project / "withdrawn.json").is_file():
            team.withdrawn = json.loads((project / "withdrawn.json").read_text(encoding="utf-8"))
        return team

    def write(self, project: Path) -> None:
        """The records as files, as a team keeps them (theory/<kind>/<id>.yaml, theory/study.yaml)."""
        theory = project / "theory"
        _dump(theory / "study.yaml", self.study)
        _dump(theory / "deidentification.yaml", {"id": "deidentification", "identifiers": [], "allowed_words": []})
        for name, record in (("references", {"id": "references", "works": self.works} if self.works else None),
                             ("reporting", self.reporting)):
            if record:
                _dump(theory / f"{name}.yaml", record)
        for kind, records in self.records.items():
            folder = theory / kind
            folder.mkdir(parents=True, exist_ok=True)
            for old in folder.glob("*.yaml"):
                if old.stem not in records:
                    old.unlink()
            for record_id, record in records.items():
                _dump(folder / f"{record_id}.yaml", record)


def _statement(parts: dict) -> str:
    return f"When {parts['context']} (C), {parts['outcome']} (O), because {parts['mechanism']} (M)"


def _dump(path: Path, record: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(record, sort_keys=False, allow_unicode=True, width=1000), encoding="utf-8")


def run(project: Path, *arguments: str) -> str:
    """A command of the project, run on the generated theory as a team runs it (in this process)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = command([*arguments[:1], *arguments[1:], str(project / "theory")])
    if status != 0:
        raise AssertionError(f"{' '.join(arguments)} refused a valid theory:\n{err.getvalue()}{out.getvalue()}")
    return out.getvalue()
