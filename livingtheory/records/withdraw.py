"""Withdraw a quote from the records: its words leave its file, and a `withdrawn:` block says when
and why. The file is edited as text, so that its comments and layout stay as the contributor left them."""
from __future__ import annotations

import json
from pathlib import Path

from ..problems import Problem, TheoryInvalid
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
    lines = path.read_text(encoding="utf-8").splitlines()
    kept, skipping = [], False
    for line in lines:
        if skipping and (line.startswith((" ", "\t")) or not line.strip()):
            continue
        skipping = False
        if line.startswith("text:"):
            skipping = True  # the key and its block (or its one line)
            continue
        kept.append(line)
    kept += ["withdrawn:", f"  date: {json.dumps(date)}", f"  reason: {json.dumps(reason, ensure_ascii=False)}"]
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text("\n".join(kept) + "\n", encoding="utf-8")
    temporary.replace(path)
    return path
