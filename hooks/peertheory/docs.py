"""`python -m peertheory docs OUT`: the whole site as a docs tree and a config, for any builder.

OUT/docs/ holds the hand-written pages of docs/ and every page generated from theory/, each with
its metadata (canonical, edition, citation tags, edit link) in its front matter, the `cite/` and
`data/` files and the diagram font (and Mermaid, where no browser drew the diagrams); OUT/mkdocs.yml is the project's config without hooks, with
the site's name, description, copyright and navigation from the records. MkDocs, ProperDocs and
Zensical build the same site from it. The checks no builder makes (links inside diagrams, a
hand-written page hiding a generated one) are made here and in `generate`.
"""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import yaml

from .citation import page_meta, publication_settings
from .generate import GeneratedSite, generate, site_settings, write_docs
from .pages import front_matter, theme_text, url_of


def build_docs(project: Path, out: Path, *, site_url: str | None = None) -> GeneratedSite:
    """Write OUT/docs and OUT/mkdocs.yml from the project (mkdocs.yml, docs/, overrides/, theory/)."""
    config_text = (project / "mkdocs.yml").read_text()
    default_url, _ = publication_settings(config_text)
    edit_base = re.search(r"^edit_uri: (\S+)", config_text, re.M).group(1)
    site_url = (site_url or default_url).rstrip("/") + "/"
    site = generate(project / "theory", site_url=site_url, edit_base=edit_base, project=project)
    hand_written = sorted(p.relative_to(project / "docs").as_posix() for p in (project / "docs").rglob("*")
                          if p.is_file())
    shutil.rmtree(out, ignore_errors=True)
    docs = out / "docs"
    shutil.copytree(project / "docs", docs)
    for path in hand_written:
        if path.endswith(".md"):
            _add_meta(docs / path, site, site_url=site_url, path=path, edit_url=f"{edit_base}docs/{path}")
    write_docs(site, docs)
    shutil.copytree(project / "overrides", out / "overrides")
    (out / "mkdocs.yml").write_text(builder_config(config_text, site, site_url=site_url))
    return site


def _add_meta(page: Path, site: GeneratedSite, *, site_url: str, path: str, edit_url: str) -> None:
    """A hand-written page's front matter, with the metadata the hook gives it under MkDocs."""
    text = page.read_text()
    front: dict = {}
    if text.startswith("---\n"):
        head, _, text = text[4:].partition("\n---\n")
        front = yaml.safe_load(head) or {}
    title = front.get("title") or next((line[2:].strip() for line in text.splitlines() if line.startswith("# ")), "")
    front.update(page_meta(site.study, site.based_on, site_url=site_url, path=path, page_url=url_of(path),
                           title=None if path == "index.md" else title, edit_url=edit_url))
    page.write_text(front_matter(front) + text)


def builder_config(config_text: str, site: GeneratedSite, *, site_url: str) -> str:
    """The project's mkdocs.yml for a builder without hooks: docs in docs/, no hooks or watch, the
    address resolved, and what the hook sets from the records written out."""
    settings = site_settings(site.study, site.based_on)
    text = re.sub(r"^(hooks|watch):\n(?:  - .*\n)+", "", config_text, flags=re.M)
    text = re.sub(r"^site_url: .*$", f"site_url: {json.dumps(site_url)}", text, flags=re.M)
    named = "\n".join(f"{key}: {json.dumps(value)}" for key, value in settings.items())
    text = re.sub(r"^site_name: .*$", lambda _: named, text, flags=re.M)  # (a replacement string would read \ as escapes)
    sections = "".join(f"  - {json.dumps(theme_text(title))}: {path}\n" for title, path in site.sections)
    text = text.replace("  - What changed: changes.md\n", sections + "  - What changed: changes.md\n")
    return "docs_dir: docs\n" + text
