"""MkDocs hook: fail the build on a Mermaid click target that leads nowhere.

MkDocs validates Markdown links but cannot see links inside diagrams; the check is the core's
(`python -m peertheory docs` makes it too), run here over every page MkDocs has.
"""
from __future__ import annotations

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import Files

from peertheory.mermaid import dangling_links


@event_priority(-50)  # after the pages are generated
def on_files(files: Files, *, config: MkDocsConfig) -> Files:
    dangling = dangling_links([(f.src_uri, "" if f.url == "./" else f.url, f.content_string)
                               for f in files.documentation_pages()])
    if dangling:
        raise PluginError("dangling diagram links:\n" + "\n".join(dangling))
    return files
