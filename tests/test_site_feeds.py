"""Atom feeds: valid XML, the newest disclosures and reports, every text escaped."""

from __future__ import annotations

import datetime

import pytest
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


def test_city_entries_are_the_newest_of_every_disclosure_and_record():
    """The city feed ranks only what can make it (facts.latest_disclosures by key, records no
    older than its ledgers and reports): the same entries, in the same order, as ranking all."""
    from generator.gather import validate_city
    from generator.site import facts
    from generator.site.feeds import city_entries

    city = validate_city(DATA).city
    everything = [d for c in city.communities for d in facts.disclosures(c, city.settings.frequency)]
    everything += [item for c in city.communities for item in records.feed_items(city, c)]
    ranked = sorted(everything, key=lambda d: d.sort_key, reverse=True)

    def shown(items):
        return [(d.sort_key, d.label, d.summary, d.period is not None, d.report is not None) for d in items]

    assert len(ranked) > FEED_LIMIT
    dated_records = {d.date for d in everything if d.kind == "record"}
    assert dated_records  # the demo city has records for the cut to skip or keep
    for limit in (1, 3, 10, FEED_LIMIT, 200, len(ranked) + 5):
        assert shown(city_entries(city, limit)) == shown(ranked[:limit]), limit
    for limit in (1, 7, 20, 400):
        assert shown(facts.latest_disclosures(city.communities, limit, city.settings.frequency)) == shown(
            sorted([d for d in everything if d.kind != "record"], key=lambda d: d.sort_key, reverse=True)[:limit])


KINDS = ("inspections", "elections", "decisions", "member_changes", "projects", "trainings", "allowances")


@pytest.mark.parametrize("kind, field", [
    ("inspections", "inspected_on"), ("elections", "published_on"), ("decisions", "published_on"),
    ("member_changes", "published_on"), ("projects", "published_on"), ("trainings", "held_on"),
    ("allowances", "published_on")])
def test_a_record_newer_than_every_ledger_leads_the_city_feed(kind, field):
    """Each kind of record, dated after every ledger and report, is in the city feed: the cut that
    skips old records looks at every date a record entry can carry."""
    import dataclasses

    from generator.gather import validate_city
    from generator.site.feeds import city_entries

    city = validate_city(DATA).city
    community = next(c for c in city.communities if getattr(c, kind))
    newest = max(d.date for d in city_entries(city, FEED_LIMIT)) + datetime.timedelta(days=400)
    for other in KINDS:  # this kind alone decides whether the community's records are looked at
        setattr(community, other, [] if other != kind else
                [dataclasses.replace(row, **{field: newest}) for row in getattr(community, kind)])
    first = city_entries(city, FEED_LIMIT)[0]
    assert (first.date, first.community.code, first.kind) == (newest, community.code, "record")
