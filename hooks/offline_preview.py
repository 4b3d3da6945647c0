"""MkDocs hook (mkdocs.preview.yml only): the preview that opens from disk fetches nothing.

Material's offline plugin makes search work from file:// with the iframe-worker shim, which it
adds as https://unpkg.com/iframe-worker/shim. Named first here, the shim is served from the
pinned npm package instead, and the plugin leaves it alone.
"""
from __future__ import annotations

from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files

SHIM = "node_modules/iframe-worker/shim/index.js"  # pinned in package-lock.json
SERVED_AS = "assets/javascripts/iframe-worker.js"


@event_priority(100)  # before the offline plugin looks for a shim
def on_config(config: MkDocsConfig) -> None:
    if not (Path(config.config_file_path).parent / SHIM).is_file():
        raise PluginError(f"{SHIM} is missing: run `npm ci` (or `make setup`)")
    polyfills = [p for p in config.extra.get("polyfills", []) if "iframe-worker" not in p]
    config.extra["polyfills"] = [*polyfills, SERVED_AS]


def on_files(files: Files, *, config: MkDocsConfig) -> Files:
    files.append(File.generated(config, SERVED_AS, abs_src_path=str(Path(config.config_file_path).parent / SHIM)))
    return files
