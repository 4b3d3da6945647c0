"""MkDocs hook: compact JSON in page templates (Material's config script, our JSON-LD).

Jinja's `tojson` writes ", " and ": "; on every page that is about 100 bytes of spaces, and a CMOC
page is loaded on phones over slow connections: bytes that say nothing are worth dropping.
"""
from __future__ import annotations


def on_env(env, *, config, files):
    env.policies["json.dumps_kwargs"] = {"sort_keys": True, "separators": (",", ":")}
    return env
