"""MkDocs hook: load theory/ once per build; add its pages and files; put citation data in each head.

A thin adapter over peertheory (load -> validate -> render); it knows MkDocs, the core does not.
"""
from __future__ import annotations

import gc
import html
import os
import shutil
import tempfile
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files

from peertheory import TheoryInvalid
from peertheory.citation import page_meta
from peertheory.generate import StaticDrawingRequired, generate, site_settings, with_sections
from peertheory.mermaid import embed
from peertheory.pages import fill

log = get_plugin_logger(__name__)

# ----------------------------------------------------------------------------- hooks

_site = None  # one per build: `mkdocs serve` keeps this module loaded across rebuilds
_study = _based_on = None  # all that is needed once the pages are Markdown
_site_root = ""
_downloads: Path | None = None
_diagrams: dict[str, Path] = {}  # placeholder key -> SVG file, for the pages being written
_front: dict[str, dict] = {}  # generated page -> its front matter, handed to MkDocs as page.meta
_fragments: dict[str, dict] = {}  # generated page -> the HTML of its placeholders (peertheory.pages.fill)


def on_config(config: MkDocsConfig) -> None:
    global _site, _study, _based_on, _site_root
    _site, _study, _based_on = None, None, None
    _site_root = site_root(config)
    edit_base = absolute_edit_uri(config)
    try:  # the same checks and messages as `python -m peertheory check`; nothing is built on a problem
        _site = generate(theory_dir(config), site_url=_site_root, edit_base=edit_base,
                         project=Path(config.config_file_path).parent, docs_dir=Path(config.docs_dir))
    except TheoryInvalid as invalid:
        raise PluginError(f"{invalid}\nRun `python -m peertheory check` to see these without building.") from None
    except (StaticDrawingRequired, FileNotFoundError) as err:
        raise PluginError(str(err)) from None
    if _site.not_drawn:  # a contributor's machine with no browser: say so (published builds never do this)
        log.info("diagrams are left to the reader's browser (Mermaid) because %s", _site.not_drawn)
    _study, _based_on = _site.study, _site.based_on
    check_edition(_study.version)
    for key, value in site_settings(_study, _based_on).items():  # the theory's own, not the config's
        config[key] = value
    if config.nav is not None:  # the theory's own pages (methods, discussion...) join the top navigation
        config.nav = with_sections(config.nav, _site.sections)


@event_priority(50)  # before plugins (such as redirects) that read the file list
def on_files(files: Files, *, config: MkDocsConfig) -> Files:
    global _site, _downloads
    for file in files.documentation_pages():  # hand-written pages live under docs/
        file.edit_uri = f"{Path(config.docs_dir).name}/{file.src_uri}"
    for page in _site.pages:  # (generate has checked that no hand-written page hides one of these)
        # The body only: the front matter goes to page.meta directly (on_page_markdown), the same
        # values MkDocs would parse from it, without its pure-Python YAML reader (~1 ms a page).
        file = File.generated(config, page.path, content=page.body)
        _front[page.path] = page.front
        if page.fragments:
            _fragments[page.path] = page.fragments
        file.edit_uri = page.source  # "edit" opens the YAML record, never a generated file
        files.append(file)
    for download in _site.citations:  # small, one set per CMOC: kept in memory
        files.append(File.generated(config, download.path, content=download.content))
    for served_as, path in _site.assets:  # the diagram font (and Mermaid where not drawn), from node_modules
        files.append(File.generated(config, served_as, abs_src_path=str(path)))
    _downloads = Path(tempfile.mkdtemp(prefix="peertheory-"))
    for download in _site.data:  # the whole theory: streamed to disk, never whole in memory
        target = _downloads / download.path
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("w", encoding="utf-8", newline="") as out:
            download.write(out)
        files.append(File.generated(config, download.path, abs_src_path=str(target)))
    log.debug("generated %d pages from %s", len(files.documentation_pages()), theory_dir(config))
    _diagrams.update(_site.diagrams)  # each page's SVG goes in as it is written (on_post_page)
    _site = None  # every page is Markdown now; the model's memory goes to MkDocs' pages (issue 3: RSS)
    gc.freeze()  # all alive now (modules, validator, files) lives to the end of the build: the collector
    #             need not re-read it at every pass (~20 ms of a 12-CMOC build); unfrozen after the build
    return files


def on_page_markdown(markdown: str, *, page, config: MkDocsConfig, files: Files) -> str:
    page.meta.update(_front.get(page.file.src_uri, {}))  # a generated page's front matter (see on_files)
    return markdown


@event_priority(100)  # before the search plugin and release_memory read the page's HTML
def on_page_content(html_: str, *, page, config: MkDocsConfig, files: Files) -> str:
    """The HTML the core wrote for parts of a generated page (quotes, record text, citations),
    placed after the Markdown pass it does not need; the search index sees it."""
    return fill(html_, _fragments.pop(page.file.src_uri, {}))


def on_page_context(context, *, page, config, nav):
    """Each page's head metadata, edition banner and edit link are in its front matter (the core
    writes them for generated pages); hand-written pages get the same from the same function."""
    if "citation" not in page.meta:
        edit_base = absolute_edit_uri(config)
        title = None if page.is_homepage else html.unescape(page.title or "")  # titles are HTML-escaped
        page.meta.update(page_meta(_study, _based_on, site_url=_site_root, path=page.file.src_uri,
                                   page_url=page.url if page.url != "./" else "", title=title,
                                   edit_url=f"{edit_base}{page.file.edit_uri}" if edit_base else None))
    page.canonical_url = page.meta["canonical_url"]  # pinned, as in the citation (also the sitemap's)
    return context


@event_priority(100)  # before release_memory lets go of the page's HTML
def on_post_page(output: str, *, page, config: MkDocsConfig) -> str:
    """Each diagram's SVG, placed as the page is written: the search index and Markdown's raw-HTML
    pass have seen only its placeholder (a diagram is most of a page's bytes)."""
    return embed(output, lambda key: _diagrams[key].read_text()) if 'data-diagram="' in output else output


def on_post_build(*, config: MkDocsConfig) -> None:
    gc.unfreeze()  # `mkdocs serve` builds again in this process: this build's objects may go
    _diagrams.clear()
    _front.clear()
    _fragments.clear()
    if _downloads:
        shutil.rmtree(_downloads, ignore_errors=True)


def on_build_error(*, error: Exception) -> None:
    on_post_build(config=None)


# ----------------------------------------------------------------------------- helpers

def site_root(config: MkDocsConfig) -> str:
    """The site's address without an edition folder. `mike deploy V` builds with site_url <root>/V."""
    url = (config.site_url or "").rstrip("/")
    edition = os.environ.get("MIKE_DOCS_VERSION")
    return (url.removesuffix(f"/{edition}") if edition else url) + "/"


def absolute_edit_uri(config: MkDocsConfig) -> str | None:
    """Where "edit" links point (a full address: mkdocs.yml sets no repo_url), or None."""
    return config.edit_uri if config.edit_uri and "://" in config.edit_uri else None


def check_edition(version: str) -> None:
    """mike deploys the version the theory records, or draft/ (main, published by CI, not citable)."""
    edition = os.environ.get("MIKE_DOCS_VERSION")
    if edition and edition not in (version, "draft"):
        raise PluginError(f"deploying edition {edition}, but theory/study.yaml says version {version}: "
                          "use `make release`, which deploys the version the theory records")


def theory_dir(config: MkDocsConfig) -> Path:
    """theory/ beside mkdocs.yml; PEERTHEORY_DIR builds another copy (tests, benchmarks)."""
    return Path(os.environ.get("PEERTHEORY_DIR") or Path(config.config_file_path).parent / "theory")
