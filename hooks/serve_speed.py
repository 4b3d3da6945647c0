"""MkDocs hook: `mkdocs serve` rebuilds only what an edit changed, so a saved record shows at once.

A serve session notices a save up to half a second late, waits a tenth of a second more, and
rebuilds the whole site on every save. It looks every tenth of a second here and waits half that;
and three costs of a rebuild do not depend on the edit: compiling the theme's templates, converting
each page's Markdown, and indexing each page for search, most of which is the same as last time.
Within one serve session (never in a build), compiled templates are kept on disk, a page whose
Markdown is unchanged gets its last HTML and table of contents back instead of being converted
again, and one whose HTML is unchanged its last search entries. The theory's own steps keep what
they read, and the pages an edit cannot change, between rebuilds too (theory_pages, decision 23).
"""
from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path

from jinja2 import FileSystemBytecodeCache
from mkdocs.plugins import event_priority

_SESSION = {"serving": False, "templates": None, "pages": {}, "search": {}}
_SKIPPED = "<!-- unchanged since the last rebuild -->"


def on_startup(*, command: str, dirty: bool) -> None:
    _SESSION["serving"] = command == "serve"


def on_serve(server, *, config, builder):
    """MkDocs looks for saved files every half second (a polling observer, not yet started here);
    every tenth of one, a save is seen at once (a stat of each watched file: cheap)."""
    if hasattr(server, "observer") and hasattr(server.observer, "_timeout"):
        server.observer._timeout = 0.1  # read by each watcher it starts (watchdog's EventDispatcher)
    if hasattr(server, "build_delay"):  # the quiet it waits for after a save (0.1 s): a save's writes come within ms
        server.build_delay = 0.05
    return server


def on_env(env, *, config, files):
    if _SESSION["serving"]:
        if _SESSION["templates"] is None:
            _SESSION["templates"] = tempfile.TemporaryDirectory(prefix="livingtheory-templates-")
        env.bytecode_cache = FileSystemBytecodeCache(_SESSION["templates"].name)
    return env


def _search(config):
    search = config.plugins.get("material/search") or config.plugins.get("search")
    return search if hasattr(getattr(search, "search_index", None), "entries") else None


def on_pre_build(*, config) -> None:
    """The search index's entries of a page whose HTML is unchanged are the ones it had: kept, not
    parsed again (the search plugin parses every page's HTML on every rebuild); a page a --dirty
    rebuild does not write keeps its entries too (below)."""
    search = _search(config)
    if not _SESSION["serving"] or search is None:
        return
    index = search.search_index
    search.search_index_prev = None  # its own --dirty merge assumes one changed page: ours is below
    add, kept, seen = index.add_entry_from_context, _SESSION["search"], set()
    _SESSION["seen"] = seen

    def add_kept(page):
        key = hashlib.sha256(f"{page.title}\0{page.meta.get('search')}\0{page.content}".encode()).digest()
        if kept.get(page.url, (None,))[0] == key:
            index.entries.extend(kept[page.url][1])
        else:
            before = len(index.entries)
            add(page)
            kept[page.url] = (key, index.entries[before:])
        seen.add(page.url)
    index.add_entry_from_context = add_kept


@event_priority(100)  # before the search plugin writes its index
def on_post_build(*, config) -> None:
    if not _SESSION["serving"]:
        return
    _remove_what_is_gone(config)
    search = _search(config)
    if search is None:
        return
    pages = {file.url for file in _SESSION.get("files") or () if file.is_documentation_page()}
    for url, (_, entries) in list(_SESSION["search"].items()):
        if url not in pages:
            del _SESSION["search"][url]  # a page gone from the site
        elif url not in _SESSION["seen"]:
            search.search_index.entries.extend(entries)  # not written again in this rebuild: as it was


def on_files(files, *, config):
    _SESSION["files"] = files
    return files


def _remove_what_is_gone(config) -> None:
    """A --dirty rebuild leaves the files of the last one in place: a page whose record was deleted
    or renamed would still be served. What the last rebuild wrote and this one did not is removed."""
    written = {file.dest_uri for file in _SESSION.get("files") or ()}
    site = Path(config.site_dir).resolve()
    for uri in _SESSION.get("written", set()) - written:
        path = (site / uri).resolve()
        if path.is_relative_to(site) and path.is_file():
            path.unlink()
            for folder in path.parents:  # and the folders it leaves empty
                if folder == site or any(folder.iterdir()):
                    break
                folder.rmdir()
    _SESSION["written"] = written


def _key(markdown: str, config) -> str:
    settings = repr((config.markdown_extensions, config.mdx_configs, config.use_directory_urls))
    return hashlib.sha256(f"{settings}\0{markdown}".encode()).hexdigest()


@event_priority(-100)  # last: the Markdown as it will be converted
def on_page_markdown(markdown: str, *, page, config, files):
    if not _SESSION["serving"]:
        return markdown
    key = _key(markdown, config)
    kept = _SESSION["pages"].get(page.file.src_uri)
    page.livingtheory_key = key
    if kept and kept[0] == key:
        return _SKIPPED  # nothing to convert: its HTML is put back below
    return markdown


@event_priority(100)  # first: before anything reads the page's HTML
def on_page_content(html: str, *, page, config, files):
    if not _SESSION["serving"] or not hasattr(page, "livingtheory_key"):
        return html
    kept = _SESSION["pages"].get(page.file.src_uri)
    if html.strip() == _SKIPPED and kept:
        page.toc = kept[2]
        return kept[1]
    _SESSION["pages"][page.file.src_uri] = (page.livingtheory_key, html, page.toc)
    return html
