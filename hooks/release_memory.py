"""MkDocs hook: hold each page's HTML compressed from its conversion until it is written, and let go
of its Markdown once it is HTML.

MkDocs converts every page before it writes any, so every page's HTML stays in memory to the end of
the build: at 5,000 CMOCs most of the peak memory. Here it waits compressed (zlib, fastest level:
about a sixth of its size), and is whole again only while its page is written (the search plugin
indexes it then, in on_page_context). Nothing reads it in between.
"""
from __future__ import annotations

import zlib

from mkdocs.plugins import event_priority


@event_priority(-100)  # after every plugin has seen the Markdown and the HTML
def on_page_content(html, *, page, config, files):
    page.markdown = ""  # not None: Page.title returns None when the Markdown is None
    if page.file.abs_src_path is None:  # a generated page: its Markdown lives in the File too
        page.file.content_string = ""
    page.livingtheory_html = zlib.compress(html.encode("utf-8"), 1)
    return ""


@event_priority(110)  # before any other hook or plugin reads the page's HTML
def on_page_context(context, *, page, config, nav):
    held = getattr(page, "livingtheory_html", None)
    if held is not None:
        page.content = zlib.decompress(held).decode("utf-8")
        page.livingtheory_html = None
    return context


@event_priority(-100)
def on_post_page(output, *, page, config):
    page.content = None
    return output
