"""MkDocs hook: let go of each page's Markdown once it is HTML, and of its HTML once it is written.

MkDocs converts every page before it writes any, so every page's sources stay in memory to the
end of the build: at 5,000 CMOCs most of the peak memory. Nothing reads them later (the search
plugin indexes the HTML in on_page_context, before the page is written).
"""
from __future__ import annotations

from mkdocs.plugins import event_priority


@event_priority(-100)  # after every plugin has seen the Markdown and the HTML
def on_page_content(html, *, page, config, files):
    page.markdown = ""  # not None: Page.title returns None when the Markdown is None
    if page.file.abs_src_path is None:  # a generated page: its Markdown lives in the File too
        page.file.content_string = ""
    return html


@event_priority(-100)
def on_post_page(output, *, page, config):
    page.content = None
    return output
