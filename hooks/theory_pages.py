"""MkDocs hook: the site generated from theory/ (livingtheory.generate), handed to MkDocs.

A thin adapter over the core's public entry point. One object, made by the core per build (the
generated site), is kept on the build's config; the hook asks it for pages, files, each page's
front matter and parts, and nothing else.
"""
from __future__ import annotations

import gc
import html
import os
import shutil
import tempfile
import weakref
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files
from pathspec.gitignore import GitIgnoreSpec

from livingtheory import NOT_IN_NAV, PROBLEMS, CannotBuild, GeneratedSite, TheoryInvalid, generate

log = get_plugin_logger(__name__)
_SITE = "livingtheory_site"  # where the build's config keeps the generated site
# One `mkdocs serve` session: a preview (a theory with problems still shows, with its problems on
# every page), the records read so far, and (with --dirty, as `make serve` runs it) what each
# generated page was made of, so that only the pages an edit changed are written again. A build
# never previews.
_SERVE = {"preview": False, "dirty": False, "records": {}, "made": {}}
_ONE_BUILD = {"then_exits": False}  # `mkdocs build` and `gh-deploy`: the process ends with the build

# ----------------------------------------------------------------------------- hooks


def on_startup(*, command: str, dirty: bool) -> None:
    _SERVE["preview"] = command == "serve"
    _SERVE["dirty"] = command == "serve" and dirty
    _ONE_BUILD["then_exits"] = command in ("build", "gh-deploy")

def on_config(config: MkDocsConfig) -> None:
    gc.freeze()  # the modules and MkDocs' config live to the end of the build: the collections while the
    #             site is generated need not re-read them (~15 ms of a 12-CMOC build); see on_post_build
    edition = os.environ.get("MIKE_DOCS_VERSION")
    project = Path(config.config_file_path).parent
    try:  # the same checks and messages as `python -m livingtheory check`; nothing is built on a problem
        site = generate(theory_dir(config), site_url=site_root(config), edit_base=absolute_edit_uri(config),
                        project=project, docs_dir=Path(config.docs_dir), directory_urls=config.use_directory_urls,
                        preview=_SERVE["preview"], cache=_SERVE["records"] if _SERVE["preview"] else None,
                        against=config.extra.get("compare_with") or None)
    except TheoryInvalid as invalid:
        raise PluginError(f"{invalid}\nRun `python -m livingtheory check` to see these without building.") from None
    except CannotBuild as cannot:
        raise PluginError(str(cannot)) from None
    if site.problems:
        log.info("previewing a theory with %d problems (shown on every page); the published build refuses it:\n%s",
                    len(site.problems), "\n".join(map(str, site.problems)))
    if site.not_drawn:  # a contributor's machine with no browser: say so (published builds never do this)
        log.info("diagrams are left to the reader's browser (Mermaid), not drawn as the published site draws "
                 "them, because %s", site.not_drawn)
    if edition and edition != "draft" and (edition != site.state.version or site.state.draft):
        raise PluginError(f"deploying edition {edition}, but the theory is "
                          + (f"the unreleased draft of version {site.state.version}" if site.state.draft
                             else f"edition {site.state.version}")
                          + ": release it first (`make release`), which freezes and deploys the version the theory records")
    config[_SITE] = site
    config.update(site.theme)  # the site's name, description and copyright are the theory's own
    config.nav = site.theme_navigation(config.nav)
    config.not_in_nav = GitIgnoreSpec.from_lines(NOT_IN_NAV)


@event_priority(50)  # before plugins (such as redirects) that read the file list
def on_files(files: Files, *, config: MkDocsConfig) -> Files:
    site: GeneratedSite = config[_SITE]
    for file in files.documentation_pages():  # hand-written pages live under docs/
        file.edit_uri = f"{Path(config.docs_dir).name}/{file.src_uri}"
    made, navigation = _SERVE["made"], repr(site.navigation)
    for page in site.pages:  # (generate has checked that no hand-written page hides one of these)
        file = File.generated(config, page.path, content=page.body)
        file.edit_uri = page.source  # "edit" opens the YAML record, never a generated file
        if _SERVE["dirty"]:  # unchanged since the server last wrote it (nor the navigation): not again
            signature = (site.signature(page.path), navigation)
            file.is_modified = (lambda same=made.get(page.path) == signature: not same)
            made[page.path] = signature
        files.append(file)
    for served_as, path in site.assets:
        files.append(File.generated(config, served_as, abs_src_path=str(path)))
    _write_downloads(site, files, config)
    gc.freeze()  # all alive now (modules, validator, files) lives to the end of the build: the collector
    #             need not re-read it at every pass (~20 ms of a 12-CMOC build); unfrozen after the build
    return files


def on_env(env, *, config: MkDocsConfig, files: Files):
    """The diagrams and font parts, made beside the Markdown conversion, ready before MkDocs copies
    the site's files and writes its pages."""
    try:
        config[_SITE].ready()
    except CannotBuild as cannot:
        raise PluginError(str(cannot)) from None
    return env


def on_page_markdown(markdown: str, *, page, config: MkDocsConfig, files: Files) -> str:
    """A generated page's front matter, given to MkDocs as page.meta directly (the values MkDocs
    would parse from it, without its pure-Python YAML reader: ~1 ms a page)."""
    generated = config[_SITE].by_path.get(page.file.src_uri)
    if generated:
        page.meta.update(generated.front)
    return markdown


@event_priority(100)  # before the search plugin indexes the page, one page at a time as it is written
def on_page_context(context, *, page, config: MkDocsConfig, nav):
    """Each part of a generated page (record text, tables, citations, drawn diagrams) in place of
    its placeholder, after the Markdown pass it does not need; a hand-written page gets the same
    head metadata, edition banner and edit link as a generated one."""
    site: GeneratedSite = config[_SITE]
    if page.file.src_uri in site.by_path:
        page.content = site.fill(page.file.src_uri, page.content)
    elif "citation" not in page.meta:
        edit_base = absolute_edit_uri(config)
        title = None if page.is_homepage else html.unescape(page.title or "")  # titles are HTML-escaped
        page.meta.update(site.page_meta(page.file.src_uri, title=title,
                                        edit_url=f"{edit_base}{page.file.edit_uri}" if edit_base else None))
    if _SERVE["preview"]:  # a serve session: its problems, from one file (a page is not rewritten for them)
        page.content = site.problems_slot(page.file.src_uri) + page.content
    page.canonical_url = page.meta.get("canonical_url")  # pinned, as in the citation (also the sitemap's)
    return context


def on_post_build(*, config: MkDocsConfig) -> None:
    if _SERVE["preview"]:
        (Path(config.site_dir) / PROBLEMS).write_text(config[_SITE].problems_file(), encoding="utf-8")
    if not _ONE_BUILD["then_exits"]:  # `mkdocs serve` (or a program) builds again: this build's objects may go
        gc.unfreeze()
    # else left frozen: the interpreter's exit need not re-read them (some 50 ms at 12 CMOCs)


def on_build_error(*, error: Exception) -> None:
    gc.unfreeze()


# ----------------------------------------------------------------------------- helpers

def _write_downloads(site: GeneratedSite, files: Files, config: MkDocsConfig) -> None:
    """Each citation and data file written to disk as it is made, never held in memory to the end of
    the build (the whole theory's files; each CMOC's citations and feed: some 15 MB at 5,000 CMOCs);
    once written, the records they are made from can go too."""
    folder = Path(tempfile.mkdtemp(prefix="livingtheory-"))
    weakref.finalize(site, shutil.rmtree, folder, ignore_errors=True)
    for download in site.hand_over_downloads():
        target = folder / download.path
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("w", encoding="utf-8", newline="") as out:
            download.write(out)
        files.append(File.generated(config, download.path, abs_src_path=str(target)))


def site_root(config: MkDocsConfig) -> str:
    """The site's address without an edition folder. `mike deploy V` builds with site_url <root>/V."""
    url = (config.site_url or "").rstrip("/")
    edition = os.environ.get("MIKE_DOCS_VERSION")
    return (url.removesuffix(f"/{edition}") if edition else url) + "/"


def absolute_edit_uri(config: MkDocsConfig) -> str | None:
    """Where "edit" links point (a full address: mkdocs.yml sets no repo_url), or None."""
    return config.edit_uri if config.edit_uri and "://" in config.edit_uri else None


def theory_dir(config: MkDocsConfig) -> Path:
    """theory/ beside mkdocs.yml; LIVINGTHEORY_DIR builds another copy (tests, benchmarks)."""
    return Path(os.environ.get("LIVINGTHEORY_DIR") or Path(config.config_file_path).parent / "theory")
