"""The project's builder config (mkdocs.yml), read and written as YAML: its `!ENV` and
`!!python/name:` tags are kept as they are, and nothing edits it as text."""
from __future__ import annotations

import re
from pathlib import Path

import yaml


class _Tagged:
    """A value under a YAML tag the core does not interpret (`!ENV [...]`, `!!python/name:...`)."""

    def __init__(self, tag: str, value):
        self.tag, self.value = tag, value


class _ConfigLoader(yaml.SafeLoader):
    pass


class _ConfigDumper(yaml.SafeDumper):
    pass


def _construct_tagged(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> _Tagged:
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    return _Tagged(node.tag, value)


def _represent_tagged(dumper: yaml.SafeDumper, data: _Tagged) -> yaml.Node:
    if isinstance(data.value, list):
        return dumper.represent_sequence(data.tag, data.value, flow_style=True)
    if isinstance(data.value, dict):
        return dumper.represent_mapping(data.tag, data.value)
    return dumper.represent_scalar(data.tag, data.value)


_ConfigLoader.add_multi_constructor("!", _construct_tagged)
_ConfigLoader.add_multi_constructor("tag:yaml.org,2002:python/", _construct_tagged)
_ConfigDumper.add_representer(_Tagged, _represent_tagged)
_ConfigDumper.add_multi_representer(str, lambda dumper, text: dumper.represent_str(str(text)))  # Markup is text


def read_config(path: Path) -> dict:
    return yaml.load(path.read_text(encoding="utf-8"), Loader=_ConfigLoader)


def configured(config: dict, key: str, default: str | None = None) -> str | None:
    """A config value, with `!ENV [NAME, default]` read as its default."""
    value = config.get(key, default)
    if isinstance(value, _Tagged):
        value = value.value[-1] if isinstance(value.value, list) else value.value
    return value


def publication_settings(project: Path) -> tuple[str, str | None]:
    """(site_url, edit_base) as the project's mkdocs.yml sets them (site_url's default)."""
    config = read_config(project / "mkdocs.yml")
    edit = configured(config, "edit_uri")
    return configured(config, "site_url", "https://example.org/"), edit if edit and "://" in edit else None


PREVIEW_CONFIG = "mkdocs.preview.yml"  # how a pull request's preview is built (and so addressed)


def preview_addresses(project: Path):
    """The address scheme of a pull request's preview (its pages as .html files: it opens from disk),
    as the preview's config sets it: the change summary's links are made with it."""
    from ..web.addresses import Addresses
    path = project / PREVIEW_CONFIG
    config = read_config(path) if path.is_file() else {}
    directory_urls = config.get("use_directory_urls", True)
    if directory_urls is True and config.get("INHERIT"):
        directory_urls = read_config(project / configured(config, "INHERIT")).get("use_directory_urls", True)
    return Addresses(directory_urls=directory_urls is not False)


def repository_of(edit_base: str | None) -> str | None:
    """The repository an edit address points into (https://github.com/o/r/edit/main/ -> https://github.com/o/r)."""
    return re.split(r"/(?:edit|blob)/", edit_base)[0] if edit_base else None


def write_config(config: dict) -> str:
    return yaml.dump(config, Dumper=_ConfigDumper, sort_keys=False, allow_unicode=True, width=100)
