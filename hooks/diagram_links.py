"""MkDocs hook: fail the build on a Mermaid click target that leads nowhere.

MkDocs validates Markdown links but cannot see links inside diagrams, so this checks them.
"""
from __future__ import annotations

import posixpath
import re

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import Files

_FENCE = re.compile(r"^``` ?(?:mermaid|\{ ?\.mermaid[^}\n]*\})\n(.*?)^```", re.M | re.S)  # ```mermaid, ``` { .mermaid ... }
_CLICK = re.compile(r'^\s*click \S+ href "([^"]*)"', re.M)


@event_priority(-50)  # after the pages are generated
def on_files(files: Files, *, config: MkDocsConfig) -> Files:
    urls = {"" if f.url == "./" else f.url for f in files.documentation_pages()}
    dangling = []
    for file in files.documentation_pages():
        for target in diagram_targets(file.content_string):
            url = resolve(file.url, target)
            if url not in urls:
                dangling.append(f"{file.src_uri}: diagram link {target!r} leads to {url!r}, which is no page")
    if dangling:
        raise PluginError("dangling diagram links:\n" + "\n".join(dangling))
    return files


def diagram_targets(markdown: str) -> list[str]:
    return [target for fence in _FENCE.findall(markdown) for target in _CLICK.findall(fence)]


def resolve(page_url: str, target: str) -> str:
    """The site URL a relative diagram link from page_url points to (directory URLs)."""
    path = target.split("#")[0]
    joined = posixpath.normpath(posixpath.join(posixpath.dirname(page_url.rstrip("/") + "/x"), path))
    return "" if joined == "." else joined.strip("/") + "/"
