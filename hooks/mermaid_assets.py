"""MkDocs hook: serve Mermaid from the site itself, from the npm package pinned in package-lock.json.

The file is added as a generated file from node_modules, so no copy is ever committed and no
page asks a CDN for it (Material loads Mermaid from a CDN only when `mermaid` is not defined).
"""
from __future__ import annotations

from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

MERMAID = "node_modules/mermaid/dist/mermaid.min.js"
SERVED_AS = "assets/javascripts/mermaid.min.js"  # listed in mkdocs.yml extra_javascript


def on_files(files: Files, *, config: MkDocsConfig) -> Files:
    source = Path(config.config_file_path).parent / MERMAID
    if not source.is_file():
        raise PluginError(f"{MERMAID} is missing: run `npm ci` (or `make setup`) to install the pinned Mermaid")
    files.append(File.generated(config, SERVED_AS, abs_src_path=str(source)))
    return files
