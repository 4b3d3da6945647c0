"""`python -m livingtheory docs OUT`: the whole site as a docs tree and a config, for any builder.

OUT/docs/ holds the hand-written pages of docs/ and every page generated from theory/, each with
its metadata (canonical, edition, citation tags, edit link) in its front matter, the `cite/` and
`data/` files and the site's assets; OUT/mkdocs.yml is the project's config without hooks, with
the site's name, description, copyright and navigation from the records. MkDocs, ProperDocs and
Zensical build the same site from it (`config`: read and written as YAML, never edited as text).
"""
from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from ..problems import CannotBuild
from .assembly import front_matter
from .config import publication_settings, read_config, write_config
from .generate import NOT_IN_NAV, GeneratedSite, generate, write_docs


def build_docs(project: Path, out: Path, *, site_url: str | None = None) -> GeneratedSite:
    """Write OUT/docs and OUT/mkdocs.yml from the project (mkdocs.yml, docs/, overrides/, theory/)."""
    default_url, edit_base = publication_settings(project)
    site_url = (site_url or default_url).rstrip("/") + "/"
    site = generate(project / "theory", site_url=site_url, edit_base=edit_base, project=project)
    if out.resolve() in (project.resolve(), *project.resolve().parents):
        raise CannotBuild(f"{out} holds the project: name a folder of its own for the docs tree")
    shutil.rmtree(out, ignore_errors=True)
    docs = out / "docs"
    shutil.copytree(project / "docs", docs)
    for page in sorted(docs.rglob("*.md")):
        path = page.relative_to(docs).as_posix()
        _add_meta(page, site, path=path, edit_url=f"{edit_base}docs/{path}" if edit_base else None)
    write_docs(site, docs)
    shutil.copytree(project / "overrides", out / "overrides")
    (out / "mkdocs.yml").write_text(builder_config(read_config(project / "mkdocs.yml"), site, site_url=site_url),
                                    encoding="utf-8")
    return site


def _add_meta(page: Path, site: GeneratedSite, *, path: str, edit_url: str | None) -> None:
    """A hand-written page's front matter, with the metadata the hook gives it under MkDocs."""
    text = page.read_text(encoding="utf-8")
    front: dict = {}
    if text.startswith("---\n"):
        head, _, text = text[4:].partition("\n---\n")
        front = yaml.safe_load(head) or {}
    title = front.get("title") or next((line[2:].strip() for line in text.splitlines() if line.startswith("# ")), "")
    front.update(site.page_meta(path, title=None if path == "index.md" else title, edit_url=edit_url))
    page.write_text(front_matter(front) + text, encoding="utf-8")


def builder_config(config: dict, site: GeneratedSite, *, site_url: str) -> str:
    """The project's config for a builder without hooks: docs in docs/, no hooks or watch, the
    address resolved, and what the hook sets from the records written out."""
    config = {key: value for key, value in config.items() if key not in ("hooks", "watch", "docs_dir")}
    config.update({"docs_dir": "docs", "site_url": site_url, **site.theme,
                   "nav": site.theme_navigation(config.get("nav")), "not_in_nav": "\n".join(NOT_IN_NAV) + "\n"})
    return write_config(config)
