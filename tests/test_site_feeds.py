"""Atom feeds: valid XML, the newest disclosures and reports, every text escaped."""

from __future__ import annotations

import datetime

from defusedxml import ElementTree

from generator.site import records
from generator.site.feeds import FEED_LIMIT
from tests.conftest import DATA, community_with_committee

ATOM = "{http://www.w3.org/2005/Atom}"


def entries(path):
    root = ElementTree.parse(path).getroot()
    assert root.tag == f"{ATOM}feed"
    return root, [(e.find(f"{ATOM}id").text, e.find(f"{ATOM}updated").text, e.find(f"{ATOM}title").text)
                  for e in root.findall(f"{ATOM}entry")]


def source_items(code: str) -> list[tuple[str, str]]:
    """(date, url path) of every period and report of a community, read from the data files."""
    import yaml

    folder = DATA / "communities" / code
    items = []
    for header in (folder / "finance").glob("*.yaml"):
        raw = yaml.safe_load(header.read_text(encoding="utf-8"))
        items.append((raw["published_on"], f"c/{code}/finance/{header.stem}/"))
    for report in (folder / "reports").glob("*.md"):
        items.append((report.name[:10], f"c/{code}/reports/{report.stem}/"))
    return items


def test_community_feed_has_every_disclosure_newest_first(built_site):
    code = community_with_committee()
    root, got = entries(built_site / "c" / code / "feed.xml")
    dates = [u[:10] for _, u, _ in got]
    assert dates == sorted(dates, reverse=True)
    assert root.find(f"{ATOM}updated").text.startswith(max(dates))
    # Issue 18's records link to their kind's own page (test_records_site.py).
    record_pages = tuple(f"c/{code}/{kind}/" for kind in records.PAGE_TITLES)
    found = [i for i, _, _ in got if i.rsplit("invalid/", 1)[1] in record_pages]
    assert found
    got = [g for g in got if g[0] not in found]
    expected = source_items(code)
    assert len(got) == min(len(expected), FEED_LIMIT - len(found))
    assert {i.rsplit("invalid/", 1)[1] for i, _, _ in got} == {path for _, path in expected}


def test_city_feed_holds_the_newest_of_the_whole_city(built_site):
    everything = [item for folder in (DATA / "communities").iterdir() for item in source_items(folder.name)]
    _, got = entries(built_site / "feed.xml")
    assert len(got) == min(FEED_LIMIT, len(everything))
    cutoff = sorted((d for d, _ in everything), reverse=True)[len(got) - 1]
    assert all(u[:10] >= cutoff for _, u, _ in got)
    datetime.date.fromisoformat(got[0][1][:10])


def test_every_community_has_a_feed_linked_from_its_page(built_site):
    for folder in (DATA / "communities").iterdir():
        assert (built_site / "c" / folder.name / "feed.xml").is_file()
        assert 'href="feed.xml"' in (built_site / "c" / folder.name / "index.html").read_text(encoding="utf-8")
