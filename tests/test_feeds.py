"""Feeds (issue 28, first part): a reader who cites a CMOC learns of its refinement without coming
back. Read with feedparser, an independent reader; each page's head offers its feed; an entry's
id is kept forever as the theory moves; a withdrawn quote's words are in no feed."""
import tempfile
from pathlib import Path
from urllib.parse import urljoin

import feedparser
import pytest
from lxml import html as lxml_html

import site_invariants as invariants
from conftest import REPO, THEORY
from livingtheory import generate
from livingtheory.outputs.feeds import THEORY_FEED
from theorygen import Choices, Team

ATOM = "application/atom+xml"


def _offered(site: Path, page: str) -> str:
    """The feed a built page's head offers, as a path in the site."""
    doc = lxml_html.fromstring((site / page / "index.html").read_bytes())
    (link,) = doc.xpath(f"//head/link[contains(concat(' ', @rel, ' '), ' alternate ')][@type='{ATOM}']")
    return urljoin(f"/{page}/", link.get("href")).lstrip("/")


def _read(path: Path):
    feed = feedparser.parse(path.read_bytes())
    assert not feed.bozo, (path, feed.get("bozo_exception"))
    assert feed.version == "atom10" and feed.feed.get("id") and feed.feed.get("title") and feed.feed.get("updated")
    assert feed.feed.get("author") or all(e.get("author") for e in feed.entries)  # RFC 4287 4.1.1
    for entry in feed.entries:
        assert entry.get("id") and entry.get("title") and entry.get("updated") and entry.get("link"), entry
    return feed


def test_a_feed_reader_finds_the_feed_where_feedparser_looks(live_site):
    """Autodiscovery as feed readers do it: the alternate keyword among the link's rel, and the type."""
    doc = lxml_html.fromstring((live_site / "index.html").read_bytes())
    links = [l for l in doc.xpath("//head/link") if "alternate" in (l.get("rel") or "").lower().split()
             and l.get("type") == ATOM]
    assert len(links) == 1 and links[0].get("rel") != "alternate"  # never link[rel=alternate] (Material: sitemap)


def test_the_live_theory_has_a_feed_for_itself_and_each_cmoc_linked_from_its_pages(live_site):
    from livingtheory import load_theory
    theory = load_theory(THEORY)
    assert _offered(live_site, "map") == THEORY_FEED
    theory_feed = _read(live_site / THEORY_FEED)
    assert theory_feed.entries
    for cmoc in theory.cmocs:
        path = _offered(live_site, f"cmoc/{cmoc.id}")
        assert path == f"feeds/{cmoc.id}.xml"
        feed = _read(live_site / path)
        assert len(feed.entries) == len(cmoc.history)
        assert len({e.id for e in feed.entries}) == len(feed.entries)  # every entry its own id
        page = (live_site / f"cmoc/{cmoc.id}/index.html").read_text()
        assert "Follow this CMOC" in page and f"feeds/{cmoc.id}.xml" in page


def _site(project: Path):
    return generate(project / "theory", site_url="https://example.org/theory/", project=project, draw=False)


def test_an_entry_keeps_its_id_as_the_theory_moves_and_withdrawn_words_are_in_no_feed():
    with tempfile.TemporaryDirectory() as scratch:
        project = Path(scratch)
        (project / "docs").mkdir()
        (project / "node_modules").symlink_to(REPO / "node_modules")
        team = Team(Choices(seed=31)).start().live(project, 6)
        team.step(project, "release")
        before = {d.path: feedparser.parse(d.content) for d in _site(project).citations if d.path.startswith("feeds/")}
        for operation in ("refine", "reword-core", "retire", "reinstate", "release", "withdraw"):
            team.step(project, operation)
        site = _site(project)
        after = {d.path: feedparser.parse(d.content) for d in site.citations if d.path.startswith("feeds/")}
        for path, feed in before.items():
            ids = {e.id: e.title for e in after[path].entries}
            for entry in feed.entries:
                assert entry.id in ids, (path, entry.id)  # kept forever (the theory feed keeps the newest 100)
        moved = [c for c in team.records["cmocs"].values() if len(c["history"]) > 1]
        assert moved and all(len(after[f"feeds/{c['id']}.xml"].entries) == len(c["history"]) for c in moved)
        texts = {d.path: d.content for d in site.citations if d.path.startswith("feeds/")}
        for quote, words in team.withdrawn.items():
            assert invariants.no_trace_of(words, texts) == [], quote


@pytest.mark.parametrize("hostile", ['<script>alert(1)</script> & "quotes" ]]> <![CDATA[', "\u202e\ufeff"])
def test_record_text_is_text_in_a_feed(hostile, tmp_path):
    project = tmp_path
    (project / "docs").mkdir()
    (project / "node_modules").symlink_to(REPO / "node_modules")
    team = Team(Choices(seed=3)).start()
    cmoc = next(iter(team.records["cmocs"].values()))
    cmoc["history"][-1]["change"] = f"Changed {hostile.strip()} here."
    team.write(project)
    try:
        site = _site(project)
    except Exception:  # a bidirectional control is refused by check: nothing to publish
        assert "\u202e" in hostile
        return
    feed = next(d for d in site.citations if d.path == f"feeds/{cmoc['id']}.xml")
    parsed = feedparser.parse(feed.content)
    assert not parsed.bozo and any(hostile.strip() in e.title for e in parsed.entries)
