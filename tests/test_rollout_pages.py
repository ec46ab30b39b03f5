"""The 推进情况 pages: the city's lists districts, a district's its streets, a street's its
communities; nothing the one big page showed is lost (a community's status is two taps from
/rollout/, and in the CSV files), and the counts agree from the city down to each community."""

from __future__ import annotations

import csv
import io
import re

import pytest

from generator.gather import validate_city
from generator.site import rollout, urls
from generator.site.pages import site_pages
from generator.site.render import environment, render_page
from tests.conftest import DATA, read_csv_rows

LINK = re.compile(r'href="([^"#]*)(?:#[^"]*)?"')


@pytest.fixture(scope="module")
def city():
    validation = validate_city(DATA)
    assert validation.ok
    return validation.city


@pytest.fixture(scope="module")
def pages(city):
    """path → (page, HTML fragment) of every rollout page."""
    env = environment()
    return {p.path: (p, render_page(env, p)) for p in site_pages(city, only=set()) if p.path.startswith(rollout.HOME)}


def links(page, html: str) -> set[str]:
    """The site paths a fragment links to (relative links resolved against the page's path)."""
    found = set()
    for href in LINK.findall(html):
        if not href or href.startswith(("http", "mailto:", "tel:")):
            continue
        parts = page.path.split("/")[:-1]
        for part in href.split("/")[:-1]:
            parts = parts[:-1] if part == ".." else parts + [part]
        found.add("/".join(parts) + "/" if parts else "")
    return found


def communities_linked(page, html: str) -> set[str]:
    return {p.split("/")[1] for p in links(page, html) if re.fullmatch(r"c/[0-9]{12}/", p)}


def test_every_district_and_street_has_its_rollout_page(city, pages):
    expected = {rollout.HOME} | {rollout.district_path(d.code) for d in city.districts} | {
        rollout.street_path(s.code) for d in city.districts for s in d.streets}
    assert set(pages) == expected
    page, _ = pages[rollout.street_path(city.districts[0].streets[0].code)]
    assert [title for title, _ in page.crumbs] == ["首页", "推进情况", f"{city.districts[0].name}推进情况"]


def test_the_city_page_lists_districts_never_streets_or_communities(city, pages):
    page, html = pages[rollout.HOME]
    found = links(page, html)
    assert {rollout.district_path(d.code) for d in city.districts} <= found
    assert not [p for p in found if p.startswith(("c/", "s/", "rollout/s/"))], found
    for d in city.districts:
        assert f">{d.name}</a>" in html


def test_a_district_page_lists_its_streets_and_only_its_own_communities(city, pages):
    for d in city.districts:
        page, html = pages[rollout.district_path(d.code)]
        found = links(page, html)
        assert {p for p in found if p.startswith("rollout/s/")} == {rollout.street_path(s.code) for s in d.streets}
        overdue = [c.code for c in d.communities if city.overdue_phases(c)]
        assert communities_linked(page, html) == set(overdue[:rollout.LIST_LIMIT])
        assert f"共 {len(overdue)} 个社区有阶段超过计划期限" in html or not overdue


def test_the_overdue_list_of_a_district_is_bounded_and_its_csv_complete(city, monkeypatch):
    district = max(city.districts, key=lambda d: sum(1 for c in d.communities if city.overdue_phases(c)))
    overdue = [c for c in district.communities if city.overdue_phases(c)]
    assert len(overdue) >= 2, "the demo must have a district with several overdue communities"
    monkeypatch.setattr(rollout, "LIST_LIMIT", 1)
    page = next(p for p in rollout.rollout_pages(city, [], "") if p.path == rollout.district_path(district.code))
    html = render_page(environment(), page)
    assert len(communities_linked(page, html)) == 1 and "下面列出前 1 个" in html
    assert f'href="{rollout.OVERDUE_CSV}"' in html
    rows = csv_rows(rollout.published(city)[rollout.district_path(district.code) + rollout.OVERDUE_CSV])
    assert [r["community_code"] for r in rows] == [c.code for c in overdue]


def test_a_street_page_shows_each_of_its_communities_rollout(city, pages):
    for d in city.districts:
        for s in d.streets:
            page, html = pages[rollout.street_path(s.code)]
            assert communities_linked(page, html) == {c.code for c in s.communities}
            for c in s.communities:
                row = html.split(f'c/{c.code}/#rollout">', 1)[1].split("</tr>", 1)[0]
                reached = c.phase_reached()
                assert (f"第 {reached} 阶段" if reached else "尚未完成任何阶段") in row, (c.code, row)
                overdue = city.overdue_phases(c)
                assert (f"第 {'、'.join(map(str, overdue))} 阶段" if overdue else ">无<") in row, (c.code, row)


def test_every_community_is_two_taps_from_the_rollout_page(city, pages):
    page, html = pages[rollout.HOME]
    one_tap = [p for p in links(page, html) if p in pages]
    two_taps = set()
    for path in one_tap:
        two_taps |= {p for p in links(*pages[path]) if p in pages}
    reached = set().union(*(communities_linked(*pages[p]) for p in two_taps))
    assert reached == {c.code for c in city.communities}


def test_counts_agree_from_the_city_down_to_the_streets(city, pages):
    def table(html: str, heading: str) -> list[dict[str, str]]:
        part = html.split(f'<h2 id="{heading}"', 1)[1].split("<h2", 1)[0]
        return [dict(re.findall(r'<td data-label="([^"]+)"[^>]*>(?:<a [^>]+>)?([^<]*)', row))
                for row in re.findall(r"<tr><td.*?</tr>", part, re.S)]

    def summed(rows, label):
        return sum(int(r[label]) for r in rows)

    _, html = pages[rollout.HOME]
    districts = table(html, "districts")
    assert summed(districts, "社区数") == len(city.communities)
    assert summed(districts, "有阶段逾期") == sum(1 for c in city.communities if city.overdue_phases(c))
    for d, row in zip(city.districts, districts):
        streets = table(pages[rollout.district_path(d.code)][1], "streets")
        for label in ("社区数", "已成立", "按期", "逾期完成", "逾期未成立", "有阶段逾期"):
            assert summed(streets, label) == int(row[label]), (d.name, label)


def csv_rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def test_the_csv_files_hold_every_community_and_street(city):
    files = rollout.published(city)
    everyone = csv_rows(files[rollout.HOME + rollout.COMMUNITIES_CSV])
    assert [r["community_code"] for r in everyone] == [c.code for c in city.communities]
    done = {(r["community"], r["phase"]): r["completed_on"] for r in read_csv_rows(DATA / "rollout.csv")}
    for row in everyone:
        for phase in city.settings.phases:
            assert row[f"phase_{phase.number}"] == done.get((row["community_code"], str(phase.number)), "")
    by_district = [r for d in city.districts for r in csv_rows(files[rollout.district_path(d.code) + "communities.csv"])]
    by_street = [r for d in city.districts for s in d.streets
                 for r in csv_rows(files[rollout.street_path(s.code) + "communities.csv"])]
    assert by_district == everyone == by_street
    overdue = csv_rows(files[rollout.HOME + rollout.OVERDUE_CSV])
    assert [r["community_code"] for r in overdue] == [c.code for c in city.communities if city.overdue_phases(c)]
    assert all(int(r["overdue_phases"]) > 0 for r in overdue)
    streets = csv_rows(files[rollout.HOME + rollout.STREETS_CSV])
    assert [r["street_code"] for r in streets] == [s.code for d in city.districts for s in d.streets]
    assert sum(int(r["communities"]) for r in streets) == len(city.communities)
    assert streets[0]["url"].endswith(rollout.street_path(streets[0]["street_code"]))


def test_the_committee_column_says_what_the_status_badge_says(city):
    rows = {r["community_code"]: r for r in csv_rows(rollout.published(city)[rollout.HOME + rollout.COMMUNITIES_CSV])}
    for c in city.communities:
        expected = ("已成立" if c.committee is not None else
                    "逾期未成立" if city.settings.committee_phase in city.overdue_phases(c) else "筹建中")
        assert rows[c.code]["committee"] == expected


def test_the_new_pages_and_files_are_published_and_in_the_sitemap(built_site, city):
    sitemap = (built_site / "sitemap.xml").read_text(encoding="utf-8")
    for d in city.districts:
        for path in [rollout.district_path(d.code), *(rollout.street_path(s.code) for s in d.streets)]:
            assert (built_site / path / "index.html").is_file(), path
            assert f"{path}</loc>" in sitemap, path
            assert (built_site / path / rollout.COMMUNITIES_CSV).is_file(), path
        assert (built_site / rollout.district_path(d.code) / rollout.OVERDUE_CSV).is_file()
    for name in (rollout.COMMUNITIES_CSV, rollout.OVERDUE_CSV, rollout.STREETS_CSV):
        assert (built_site / rollout.HOME / name).is_file(), name
    # The district and street pages lead to their rollout pages too.
    code = city.districts[0].code
    assert "../../rollout/d/" + code + "/" in (built_site / urls.district(code) / "index.html").read_text(encoding="utf-8")
