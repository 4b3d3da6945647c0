"""Text measured in the site's own font, as the reader's browser sets it, for laying out diagrams
without a browser: each label's box is sized for the words a reader sees.

HarfBuzz (the shaper Chromium and Firefox use) shapes each run with the font files the site serves
(the same unicode-range subsets), kerning included. A label is wrapped as a diagram's HTML label is:
lines break at spaces only, and widths are rounded up, so a label is never given fewer lines or
less width than the browser needs (at worst a little more room). Text the font does not cover
(another script, drawn by the reader's fallback font) is not measured here: None, and the
renderer's own metrics apply to that label.
"""
from __future__ import annotations

import functools
import io
import math
from pathlib import Path

# The font as @fontsource ships it (pinned in package-lock.json). The site serves each weight without
# its hinting instructions (a third of the bytes; phones and Macs ignore them, and the glyphs'
# advances, so every measurement here, are the same) and in two parts by unicode-range, as
# site/assets/site.css declares them: a browser fetches the second only for a page that has
# one of its characters (an accented letter, an arrow), so most pages load the first alone.
FONT_FILES = {weight: f"node_modules/@fontsource/atkinson-hyperlegible/files/atkinson-hyperlegible-latin-{weight}-normal.woff2"
              for weight in (400, 700)}
SUBSETS = {"": "U+0000-00A0,U+00AB,U+00B7,U+00BB,U+2000-206F,U+20AC,U+2122,U+2212,U+FEFF,U+FFFD",
           "-more": "U+00A1-00AA,U+00AC-00B6,U+00B8-00BA,U+00BC-024F,U+02B0-036F,U+2190-21FF,U+2215"}
SLACK = 1.01  # a browser's rounding never makes a line longer than this


class SiteFont:
    """The site's font, by weight: widths of text in CSS px, and labels wrapped as a browser wraps them."""

    def __init__(self, served: dict[tuple[int, str], Path]):
        """`served`: the font files by (weight, unicode-range part), as the site serves them."""
        self.faces: dict[int, list] = {}
        for (weight, _), path in served.items():
            self.faces.setdefault(weight, []).append(_face(path))

    def width(self, text: str, size: float, weight: int = 400) -> float | None:
        """The advance of text on one line, or None when a character is in none of the subsets."""
        faces = self.faces[700 if weight >= 600 and 700 in self.faces else min(self.faces)]
        runs: list[tuple[str, object]] = []
        for char in text:
            face = next((f for f in faces if ord(char) in f[1]), None)
            if face is None:
                return None
            if runs and runs[-1][1] is face:
                runs[-1] = (runs[-1][0] + char, face)
            else:
                runs.append((char, face))
        return sum(_advance(run, face[0], face[2]) for run, face in runs) * size

    def wrapped(self, text: str, size: float, max_width: float | None, weight: int = 400) -> tuple[float, int] | None:
        """(width, lines) of an HTML label (its line breaks as newlines): on one line each when it
        fits max_width, else wrapped at spaces in a box max_width wide (a longer word widens it)."""
        measured = [self._paragraph(line, size, max_width, weight) for line in text.split("\n")]
        if None in measured:
            return None
        return max(width for width, _ in measured), sum(lines for _, lines in measured)

    def _paragraph(self, text: str, size: float, max_width: float | None, weight: int) -> tuple[float, int] | None:
        natural = self.width(text, size, weight)
        if natural is None:
            return None
        if max_width is None or natural * SLACK <= max_width:
            return math.ceil(natural * SLACK), 1
        # A preserved space keeps its width at a line's end (white-space: break-spaces), so each
        # word is measured with the space after it.
        words = text.split(" ")
        lines, line, widest = 1, 0.0, max_width
        for i, word in enumerate(words):
            span = self.width(word + (" " if i < len(words) - 1 else ""), size, weight) * SLACK
            if line and line + span > max_width:
                lines, line = lines + 1, 0.0
            line += span
            widest = max(widest, math.ceil(span))
        return widest, lines


@functools.lru_cache(maxsize=None)
def _face(path: Path):
    """HarfBuzz's face of a served font part, from the plain OpenType copy made beside it (`unhinted`):
    HarfBuzz reads no WOFF2, and decoding it again costs tens of milliseconds a file."""
    import uharfbuzz as hb
    from fontTools.ttLib import TTFont
    plain = path.with_suffix(".otf")
    if plain.is_file():
        data = plain.read_bytes()
    else:  # made by an earlier version: decoded here
        font = TTFont(path)
        font.flavor = None
        sfnt = io.BytesIO()
        font.save(sfnt)
        data = sfnt.getvalue()
    face = hb.Face(data)
    return hb.Font(face), frozenset(TTFont(io.BytesIO(data), lazy=True).getBestCmap()), face.upem


@functools.lru_cache(maxsize=100_000)
def _advance(run: str, font, upem: int) -> float:
    """A run's advance in ems."""
    import uharfbuzz as hb
    buffer = hb.Buffer()
    buffer.add_str(run)
    buffer.guess_segment_properties()
    hb.shape(font, buffer, {"kern": True, "liga": True})
    return sum(p.x_advance for p in buffer.glyph_positions) / upem


def unhinted(font_file: Path, parts: dict[Path, str]) -> None:
    """Each part of the font (out file -> a CSS unicode-range): its characters, without hinting
    instructions, every layout feature kept, as WOFF2, with a plain OpenType copy beside it (.otf)
    for measuring. The source is decoded once for all its parts."""
    from fontTools import subset
    options = subset.Options(hinting=False, layout_features=["*"], name_IDs=["*"], notdef_outline=True,
                             glyph_names=False, flavor="woff2")
    source = subset.load_font(str(font_file), options)
    source.flavor = None
    decoded = io.BytesIO()
    source.save(decoded)
    for out, unicode_range in parts.items():
        font = subset.load_font(io.BytesIO(decoded.getvalue()), options)
        wanted = set(subset.parse_unicodes(unicode_range.replace("U+", "").replace(",", " ")))
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=wanted & set(font.getBestCmap()))
        subsetter.subset(font)
        font.flavor = None
        font.save(str(out.with_suffix(".otf")))
        subset.save_font(font, str(out), options)
