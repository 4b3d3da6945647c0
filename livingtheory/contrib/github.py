"""GitHub's REST API, as the workflows' own scripts use it: JSON in, JSON out, the job's token.

GITHUB_API_URL (set by Actions) says where the API is, so that the tests can stand in for it.
"""
from __future__ import annotations

import json
import os
import urllib.request


def api_url() -> str:
    return os.environ.get("GITHUB_API_URL", "https://api.github.com").rstrip("/")


def call(method: str, url: str, token: str, payload: dict | None = None, *, data: bytes | None = None,
         content_type: str = "application/json") -> dict:
    body = json.dumps(payload).encode() if payload is not None else data
    request = urllib.request.Request(url, data=body, method=method, headers={
        "Authorization": f"Bearer {token}", "Accept": "application/vnd.github+json",
        "X-GitHub-Api-Version": "2022-11-28", "Content-Type": content_type})
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read() or b"{}")
