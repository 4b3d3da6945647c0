"""A serve session's rebuilds: a record's page is rendered again only where an edit can change it.

`make serve` rebuilds the whole site on every save; most pages are what they were. Between two
renders of one session (`Memo`, kept by the caller), each record's data is compared, and a record
page is made again when its own record changed, names or is named by a changed one (the page an
evidence or relation moves to), or when its last output holds the id of (shows: every page that
shows a record links to it) a changed record, a record that names one, or a record a changed one
now names or no longer names (a quote moved to another CMOC: the pages showing that quote). Every
page that is not one record's (the map, the indexes, the home page) is made again every time.
Anything else (a record added or removed, the study, the editions, the site's address, a record the
study names) renders everything. A build never uses this: it renders all. Held to a whole render
after generated edits by tests/test_serve_render.py (decision 23).
"""
from __future__ import annotations

import hashlib
import json
import re
from typing import Callable

from ..records.data import theory_data

_WORD = re.compile(r"[a-z0-9][a-z0-9-]*")  # what a record's data may name another by (ids are such words)
_RECORDS = ("cmocs", "quotes", "outcomes", "services", "theories", "content", "sources")


class Memo:
    """What the last render of a session was made from, and the pages it made."""

    def __init__(self):
        self.context = None  # everything besides the records that shapes every page
        self.digests: dict[str, str] = {}  # record id -> digest of its data
        self.names: dict[str, frozenset] = {}  # record id -> the ids its data names
        self.pages: dict[str, tuple] = {}  # docs path -> (page, its text: body and parts)


class Plan:
    """This render's: which record pages may be taken from the last one."""

    def __init__(self, memo: Memo | None, theory, context: Callable[[], list]):
        """`context`: what else shapes every page (asked for only in a session)."""
        self.memo = memo
        self.shown = self.own = None  # None: render everything
        if memo is None:
            return
        data = theory_data(theory)
        records = {record["id"]: record for kind in _RECORDS for record in data.get(kind) or ()}
        ids = frozenset(records)
        digests, names = {}, {}
        for record_id, record in records.items():
            text = json.dumps(record, sort_keys=True, default=str)
            digests[record_id] = hashlib.sha1(text.encode()).hexdigest()
            names[record_id] = frozenset(_WORD.findall(text)) & ids - {record_id}
        rest = json.dumps({k: v for k, v in data.items() if k not in _RECORDS}, sort_keys=True, default=str)
        # what the study names is on every page (the source each page's citation credits)
        context = json.dumps([context(), rest, [digests[i] for i in sorted(set(_WORD.findall(rest)) & ids)]],
                             default=str)
        if memo.context == context and set(memo.digests) == set(digests):
            changed = {i for i, digest in digests.items() if memo.digests[i] != digest}
            shown, own = set(changed), set(changed)
            for record_id in changed:
                before, after = memo.names.get(record_id, frozenset()), names[record_id]
                shown |= before ^ after  # a record it now names or no longer does (its evidence, a relation)
                own |= before | after
            namers = {i for i, named in names.items() if named & changed}  # their counts and marks may change
            self.shown, self.own = shown | namers, own | namers
        else:
            memo.pages.clear()
        memo.context, memo.digests, memo.names = context, digests, names

    def kept(self, path: str, record_id: str | None):
        """The page as last made, where this render would make it the same; else None."""
        if self.shown is None or record_id is None or record_id in self.own:
            return None
        page, text = self.memo.pages.get(path, (None, ""))
        # any text holding an id counts (cmoc-1 in cmoc-10 too): a page made again for nothing is the safe side
        return None if page is None or any(record_id in text for record_id in self.shown) else page

    def made(self, page, record_id: str | None) -> None:
        if self.memo is not None and record_id is not None:
            text = page.body + "".join(part if isinstance(part, str) else part.source for _, part in page.parts.items())
            self.memo.pages[page.path] = (page, text)
