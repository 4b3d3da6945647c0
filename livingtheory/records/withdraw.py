"""Withdraw a quote from the records: its words leave its file, and a `withdrawn:` block says when
and why. The record is changed as data (roundtrip), keeping its comments and layout."""
from __future__ import annotations

from pathlib import Path

from ..problems import Problem, TheoryInvalid
from . import roundtrip
from .yamlsource import read_record


def withdraw_quote(theory_dir: Path, quote_id: str, *, date: str, reason: str) -> Path:
    path = theory_dir / "quotes" / f"{quote_id}.yaml"
    shown = f"{theory_dir.name}/quotes/{quote_id}.yaml"
    if not path.is_file():
        raise TheoryInvalid([Problem(shown, 0, 0, f"there is no quote `{quote_id}`",
                                     "name a quote by its id, as in its file name (theory/quotes/)")])
    record, problems = read_record(path, shown)
    if problems:
        raise TheoryInvalid(problems)
    if record.data.get("withdrawn"):
        raise TheoryInvalid([Problem(shown, *record.position(("withdrawn",)), f"quote `{quote_id}` is withdrawn already",
                                     "nothing to do")])
    def withdrawn(quote):
        quote.pop("text", None)
        quote["withdrawn"] = {"date": roundtrip.quoted(date), "reason": reason}
    text = roundtrip.edited(path, withdrawn)
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(path)
    return path
