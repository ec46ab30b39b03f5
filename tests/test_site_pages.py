"""Pages and their rendering, without a disk: the demo city's model → pages → HTML fragments."""

from __future__ import annotations

import copy
import datetime
import re
from decimal import Decimal

import pytest
import yaml

from generator.model import Community
from generator.problems import WARNING, Problem
from generator.site import facts
from generator.site.pages import site_pages
from generator.site.render import environment, render_page
from generator.gather import validate_city
from tests.conftest import DATA, community_with_committee, read_csv_rows


@pytest.fixture(scope="module")
def city():
    validation = validate_city(DATA)
    assert validation.ok
    return validation.city


@pytest.fixture(scope="module")
def rendered(city):
    env = environment()
    return {page.path: (page, render_page(env, page)) for page in site_pages(city)}


def published_dates(code: str) -> list[tuple[datetime.date, str]]:
    """(published_on, period) of every period of a community, read straight from the YAML files."""
    out = []
    for header in sorted((DATA / "communities" / code / "finance").glob("*.yaml")):
        raw = yaml.safe_load(header.read_text(encoding="utf-8"))
        out.append((datetime.date.fromisoformat(raw["published_on"]), header.stem))
    return out


def test_every_page_says_when_its_data_last_changed(rendered):
    without = []
    for path, (page, html) in rendered.items():
        if page.changed is None:  # a community with no record at all yet
            assert "本页尚无记录（全市数据截至" in html, path
            without.append(page)
        else:
            assert f'本页数据更新于 <time datetime="{page.changed.isoformat()}">' in html, path
    assert all(p.kind == "community" and not p.context["community"].rollout for p in without)


def test_period_page_changed_is_its_publication_date(rendered):
    code = community_with_committee()
    for published_on, key in published_dates(code):
        page, html = rendered[f"c/{code}/finance/{key}/"]
        assert page.changed == published_on


def test_community_changed_is_the_latest_date_in_its_files(rendered):
    code = community_with_committee()
    dates = [d for d, _ in published_dates(code)]
    dates += [datetime.date.fromisoformat(r["received_on"]) for r in read_csv_rows(DATA / "communities" / code / "opinions.csv")]
    dates += [datetime.date.fromisoformat(r["answered_on"]) for r in read_csv_rows(DATA / "communities" / code / "opinions.csv") if r["answered_on"]]
    dates += [datetime.date.fromisoformat(r["completed_on"]) for r in read_csv_rows(DATA / "rollout.csv") if r["community"] == code]
    for report in (DATA / "communities" / code / "reports").glob("*.md"):
        dates.append(datetime.date.fromisoformat(report.name[:10]))
    page, _ = rendered[f"c/{code}/"]
    assert page.changed == max(dates)


def test_home_lists_the_twenty_newest_disclosures_of_the_city(rendered):
    everything = []
    for folder in sorted((DATA / "communities").iterdir()):
        everything += [(d, f"c/{folder.name}/finance/{key}/") for d, key in published_dates(folder.name)]
        for report in (folder / "reports").glob("*.md"):
            everything.append((datetime.date.fromisoformat(report.name[:10]), f"c/{folder.name}/reports/{report.stem}/"))
    _, html = rendered[""]
    latest = html.split('id="latest"')[1].split("</ul>")[0]
    links = re.findall(r'<br>\n?<a href="([^"]+)"', latest)
    assert len(links) == facts.LATEST_LIMIT < len(everything)
    newest_date = max(d for d, _ in everything)
    cutoff = sorted((d for d, _ in everything), reverse=True)[facts.LATEST_LIMIT - 1]
    shown = {link for link in links}
    assert all(any(link == target for _, target in everything) for link in shown)
    dates = [date for date, target in everything if target in shown]
    assert min(dates) >= cutoff and max(dates) == newest_date
    assert "首页" not in latest  # nothing but disclosures in the list


def test_latest_disclosures_stay_bounded_and_newest_first(city):
    many = city.communities * 50  # a big city's worth of the same disclosures
    items = facts.latest_disclosures(many, 20)
    assert len(items) == 20
    assert [i.date for i in items] == sorted((i.date for i in items), reverse=True)


def test_overdue_list_is_bounded_but_the_count_is_complete(city):
    count, listed = facts.overdue_communities(city, city.communities * 40, limit=50)
    single, _ = facts.overdue_communities(city, city.communities)
    assert single > 0 and count == single * 40 and len(listed) == 50


def test_district_home_and_dashboard_percentages(rendered, city):
    rows = read_csv_rows(DATA / "communities.csv")
    with_committee = sum((DATA / "communities" / r["code"] / "committee.yaml").exists() for r in rows)
    _, html = rendered["rollout/"]
    assert f"{with_committee} / {len(rows)}" in html
    assert f"（{100 * with_committee / len(rows):.1f}%）" in html
    for phase in city.settings.phases:
        done = len({r["community"] for r in read_csv_rows(DATA / "rollout.csv") if r["phase"] == str(phase.number)})
        assert f"<td data-label=\"已完成\">{done}（{100 * done / len(rows):.1f}%）</td>" in html


def test_community_page_shows_members_checklist_contact_and_evaluation(rendered, city):
    code = community_with_committee()
    _, html = rendered[f"c/{code}/"]
    for m in read_csv_rows(DATA / "communities" / code / "members.csv"):
        assert f'<td data-label="职务">{m["role"]}</td><td data-label="姓名" class="juwu-member">{m["name"]}</td>' in html
        assert m["mobile"] == "" or m["mobile"] not in html
    committee = yaml.safe_load((DATA / "communities" / code / "committee.yaml").read_text(encoding="utf-8"))
    assert f'href="tel:{committee["supervision_phone"]}"' in html
    assert committee["report_box"] in html
    assert html.count("已落实") == sum(v == "是" for v in committee["six_unifications"].values())
    whole = next(r for r in read_csv_rows(DATA / "communities" / code / "evaluations.csv") if r["evaluated"] == "居民委员会")
    good = int(whole["satisfied"]) + int(whole["basically_satisfied"])  # the whole body is rated 满意/基本满意/不满意
    rate = Decimal(good) / Decimal(whole["ballots_valid"]) * 100
    assert f"满意率为 <strong>{rate:.1f}%</strong>" in html
    assert ("未达到" in html) == (rate < 90)


def test_chart_and_its_numbers_on_the_community_page(rendered):
    code = community_with_committee()
    _, html = rendered[f"c/{code}/"]
    svg = html.split("<svg")[1].split("</svg>")[0]
    assert "<title" in svg and "<desc" in svg
    last_year = sorted((DATA / "communities" / code / "finance").glob("*.csv"))[-1].stem[:4]
    months = sorted((DATA / "communities" / code / "finance").glob(f"{last_year}-*.csv"))
    bars = svg.count('<rect x="') - 2  # two legend swatches
    assert 0 < bars <= 2 * len(months)
    table = html.split('class="juwu-chart-table"')[1].split("</details>")[0]
    assert table.count("<tr><td") == 12


def test_warnings_and_missing_unifications_are_shown(city):
    code = community_with_committee()
    community: Community = copy.deepcopy(next(c for c in city.communities if c.code == code))
    community.warnings = [Problem("unknown-column", WARNING, f"communities/{code}/members.csv",
                                  "有一列名称无法识别：备注", "unknown column", hint_zh="删去这一列或改成规定的列名")]
    community.committee.six_unifications["seal"] = False
    community.committee.six_unifications["sign"] = None
    page = next(p for p in site_pages(city) if p.path == f"c/{code}/")
    page.context = page.context | {"community": community}
    html = render_page(environment(), page)
    assert "数据提醒（1 条）" in html and "有一列名称无法识别：备注" in html
    assert "删去这一列" not in html  # the fix is for the clerk (juwu validate), not for residents
    assert "统一监审印章：未落实" in html and "统一工作牌子：未填报" in html


def test_period_page_totals_categories_and_neighbours(rendered):
    code = community_with_committee()
    keys = [p.stem for p in sorted((DATA / "communities" / code / "finance").glob("*.csv"))]
    key = keys[len(keys) // 2]
    _, html = rendered[f"c/{code}/finance/{key}/"]
    rows = read_csv_rows(DATA / "communities" / code / "finance" / f"{key}.csv")
    by_category: dict[str, Decimal] = {}
    for r in rows:
        by_category[r["category"]] = by_category.get(r["category"], Decimal(0)) + Decimal(r["expense"] or 0)
    for category, amount in by_category.items():
        if amount:
            assert re.search(f'<td data-label="类别">{category}</td>.*?<td data-label="支出" class="juwu-num">{amount:,.2f}</td>', html)
    i = keys.index(key)
    assert f'href="../{keys[i - 1]}/" rel="prev"' in html and f'href="../{keys[i + 1]}/" rel="next"' in html
    assert "与本期结存相符" in html


def test_pages_fit_a_whole_city_without_listing_it(city):
    """District pages list streets and at most a bounded set of communities, never all of them."""
    for page in site_pages(city):
        if page.kind == "district":
            assert len(page.context["overdue"]) <= facts.OVERDUE_LIMIT
            assert len(page.context["latest"]) <= 10
