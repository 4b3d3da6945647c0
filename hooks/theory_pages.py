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

from peertheory import TheoryInvalid, load_theory
from peertheory.citation import cite, head_metadata
from peertheory.downloads import citation_files, data_files
from peertheory.editions import load_editions
from peertheory.pages import render_site

log = get_plugin_logger(__name__)

# ----------------------------------------------------------------------------- hooks

_theory = None  # one per build: `mkdocs serve` keeps this module loaded across rebuilds
_study = None  # all that is needed once the pages are Markdown
_editions: list = []
_site_root = ""
_downloads: Path | None = None


def on_config(config: MkDocsConfig) -> None:
    global _theory, _study, _editions, _site_root
    _theory, _study, _editions = None, None, []
    try:
        _theory = load_theory(theory_dir(config))  # the lifecycle rules read editions/ beside theory/
        _editions = load_editions(theory_dir(config).parent / "editions")
    except TheoryInvalid as invalid:  # the same messages as `python -m peertheory check`
        raise PluginError(f"{invalid}\nRun `python -m peertheory check` to see these without building.") from None
    _study = _theory.study
    _site_root = site_root(config, _study.version)


@event_priority(50)  # before plugins (such as redirects) that read the file list
def on_files(files: Files, *, config: MkDocsConfig) -> Files:
    global _theory, _downloads
    edit_base = config.edit_uri if config.edit_uri and "://" in config.edit_uri else None
    for file in files.documentation_pages():  # hand-written pages live under docs/
        file.edit_uri = f"{Path(config.docs_dir).name}/{file.src_uri}"
    for page in render_site(_theory, edit_base=edit_base, site_url=_site_root, editions=_editions):
        if files.get_file_from_path(page.path):
            raise PluginError(f"docs/{page.path} would hide a page generated from theory/: rename or delete it")
        file = File.generated(config, page.path, content=page.markdown)
        file.edit_uri = page.source  # "edit" opens the YAML record, never a generated file
        files.append(file)
    for download in citation_files(_theory, _site_root):  # small, one set per CMOC: kept in memory
        files.append(File.generated(config, download.path, content=download.content))
    _downloads = Path(tempfile.mkdtemp(prefix="peertheory-"))
    for download in data_files(_theory):  # the whole theory: streamed to disk, never whole in memory
        target = _downloads / download.path
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("w", encoding="utf-8", newline="") as out:
            download.write(out)
        files.append(File.generated(config, download.path, abs_src_path=str(target)))
    log.debug("generated %d pages from %s", len(files.documentation_pages()), theory_dir(config))
    _theory = None  # every page is Markdown now; the model's memory goes to MkDocs' pages (issue 3: RSS)
    gc.freeze()  # all alive now (modules, validator, files) lives to the end of the build: the collector
    #             need not re-read it at every pass (~20 ms of a 12-CMOC build); unfrozen after the build
    return files


def on_page_context(context, *, page, config, nav):
    """Citation metadata in the head of every page (overrides/main.html writes it out)."""
    title = None if page.is_homepage else html.unescape(page.title or "")  # titles are HTML-escaped
    cited = cite(_study, site_url=_site_root, page_url=page.url if page.url != "./" else "", title=title,
                 key=page.file.src_uri.removesuffix(".md").replace("/", "-"))
    context["citation_head"] = head_metadata(cited, _study.licence)
    context["edition"] = cited  # the banner: which edition this is, and this page in the latest
    page.canonical_url = cited.url  # canonical = the pinned edition address, as in the citation
    return context


def on_post_build(*, config: MkDocsConfig) -> None:
    gc.unfreeze()  # `mkdocs serve` builds again in this process: this build's objects may go
    if _downloads:
        shutil.rmtree(_downloads, ignore_errors=True)


def on_build_error(*, error: Exception) -> None:
    on_post_build(config=None)


# ----------------------------------------------------------------------------- helpers

def site_root(config: MkDocsConfig, version: str) -> str:
    """The site's address without an edition folder. `mike deploy V` builds with site_url <root>/V."""
    url = (config.site_url or "").rstrip("/")
    edition = os.environ.get("MIKE_DOCS_VERSION")
    if edition:
        if edition not in (version, "draft"):  # draft: main, published by CI at draft/, not citable
            raise PluginError(f"deploying edition {edition}, but theory/study.yaml says version {version}: "
                              "use `make release`, which deploys the version the theory records")
        url = url.removesuffix(f"/{edition}")
    return url + "/"


def theory_dir(config: MkDocsConfig) -> Path:
    """theory/ beside mkdocs.yml; PEERTHEORY_DIR builds another copy (tests, benchmarks)."""
    return Path(os.environ.get("PEERTHEORY_DIR") or Path(config.config_file_path).parent / "theory")
