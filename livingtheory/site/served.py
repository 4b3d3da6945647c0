"""The files the site serves besides its pages: the site's own script and styles, minified, and the
font in the parts a page loads as it needs them.

Each is made once from its source and kept in the private cache (`drawing.private_folder`), so a
build copies a small file and a rebuild makes nothing again.
"""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

from ..web import addresses
from . import drawing

ASSETS = Path(__file__).parent / "assets"
# served as -> source, minified (rjsmin, rcssmin): comments and spaces are bytes a phone loads for nothing
_OWN = {addresses.SCRIPT: "site.js", addresses.EXPLORER: "explorer.js", addresses.SEARCH_ON_USE: "search-on-use.js",
        addresses.STYLESHEET: "site.css"}
_PLAIN = {addresses.FAVICON: "favicon.svg"}


def files(fonts: dict[tuple[int, str], Path]) -> list[tuple[str, Path]]:
    """(address in the site, file) for every file the site serves besides pages and downloads;
    `fonts`: the font parts (`drawing.font_files`; `drawing.Drawing` makes them beside the build)."""
    served = [(addresses.FONT.format(weight=weight, subset=subset), path) for (weight, subset), path in fonts.items()]
    served += [(address, _minified(ASSETS / name)) for address, name in _OWN.items()]
    served += [(address, ASSETS / name) for address, name in _PLAIN.items()]
    return served


def _minified(source: Path) -> Path:
    import rcssmin
    import rjsmin
    text = source.read_text(encoding="utf-8")
    digest = hashlib.sha256(text.encode() + Path(__file__).read_bytes()).hexdigest()[:16]
    target = drawing.private_folder(drawing.cache_root() / "assets") / f"{digest}-{source.name}"
    if not target.is_file():
        small = rcssmin.cssmin(text) if source.suffix == ".css" else rjsmin.jsmin(text)
        temporary = target.with_suffix(f"{target.suffix}.{os.getpid()}.tmp")
        temporary.write_text(small, encoding="utf-8")
        temporary.replace(target)
    return target
