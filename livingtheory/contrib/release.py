"""The publishing workflow's last step at a tag: the edition's GitHub release, with its archival
PDF attached. Zenodo, when the repository is connected to it, archives the release and mints the
edition's version DOI (recorded afterwards with `python -m livingtheory record-doi`).

    python -m livingtheory.contrib.release TAG PDF   # in the job: GITHUB_REPOSITORY, GITHUB_TOKEN
"""
from __future__ import annotations

import os
import sys
import urllib.parse
from pathlib import Path

from .github import api_url, call


def release_text(tag: str, version: str) -> dict:
    return {"tag_name": tag, "name": f"Edition {version}", "draft": False, "prerelease": False,
            "body": (f"Edition {version} of the theory: the snapshot `editions/{version}.json`, its site "
                     f"(published under `{version}/`), and the whole edition as one PDF (attached).")}


def publish(repository: str, token: str, tag: str, pdf: Path) -> str:
    version = tag.removeprefix("v")
    release = call("POST", f"{api_url()}/repos/{repository}/releases", token, release_text(tag, version))
    upload = release["upload_url"].split("{", 1)[0]  # a URI template: {?name,label}
    name = f"edition-{version}.pdf"
    call("POST", f"{upload}?{urllib.parse.urlencode({'name': name})}", token, data=pdf.read_bytes(),
         content_type="application/pdf")
    return release.get("html_url", "")


def main(argv: list[str]) -> int:
    tag, pdf = argv
    url = publish(os.environ["GITHUB_REPOSITORY"], os.environ["GITHUB_TOKEN"], tag, Path(pdf))
    print(f"released {tag} with its PDF: {url}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
