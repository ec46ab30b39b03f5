"""Issue 18's records on the site, from hand-written files in a small city: the community page's
sections, the committee's history, the dashboard's and district's inspection results, downloads."""

from __future__ import annotations

import csv
import datetime
import io
import json
from decimal import Decimal

import pytest

from generator.build import build
from generator.config import BuildPaths
from generator import records as R
from tests.cityfixture import A, B, small_city, write_table  # noqa: F401 - fixtures

I_HEADER = ["inspection", "kind", "inspected_on", "group", "item", "result", "score", "problem", "rectify_by",
            "rectified_on", "rectification"]
GROUP = "示例区居务监督工作检查组"


def _item(item, result="合格", score=None, problem=None, by=None, done=None, link=None, ident="X", kind="年中督查"):
    day = lambda s: None if s is None else datetime.date.fromisoformat(s)  # noqa: E731
    return R.InspectionItem(ident, kind, datetime.date(2024, 6, 20), GROUP, item, result,
                            None if score is None else Decimal(score), problem, day(by), day(done), link)


# --- pure ---------------------------------------------------------------------------------------------

def test_the_overall_result_is_the_stated_one_else_the_worst_item():
    [ins] = R.group_inspections([_item("a"), _item("b", "基本合格"), _item("c", "合格")])
    assert ins.overall == "基本合格" and not ins.overall_stated
    [ins] = R.group_inspections([_item("a", "不合格"), _item("总评", "基本合格")])
    assert ins.overall == "基本合格" and ins.overall_stated and [i.item for i in ins.items] == ["a"]
    [ins] = R.group_inspections([_item("a", None, "59"), _item("b", None, "90")])
    assert ins.overall == "不合格"
    [ins] = R.group_inspections([_item("a", None, "59")], pass_score=50)
    assert ins.overall == "合格"


def test_inspections_are_grouped_by_id_oldest_first():
    late = _item("a", ident="B")
    late.inspected_on = datetime.date(2024, 12, 1)
    found = R.group_inspections([late, _item("a", ident="A"), _item("b", ident="A")])
    assert [(i.id, len(i.items)) for i in found] == [("A", 2), ("B", 1)]


def test_a_problems_state_follows_its_own_dates_or_its_rectification():
    as_of = datetime.date(2024, 9, 1)
    assert R.problem_state(_item("a", "不合格", problem="p", by="2024-10-01"), {}, as_of) == "整改中"
    assert R.problem_state(_item("a", "不合格", problem="p", by="2024-08-01"), {}, as_of) == "逾期未整改"
    assert R.problem_state(_item("a", "不合格", problem="p", by="2024-08-01", done="2024-08-20"), {}, as_of) == "已整改"

    class Linked:
        def __init__(self, closed, due):
            self.is_closed, self.due = closed, due
    item = _item("a", "不合格", problem="p", by="2024-08-01", link="R1")
    assert R.problem_state(item, {"R1": Linked(True, None)}, as_of) == "已整改"
    assert R.problem_state(item, {"R1": Linked(False, datetime.date(2024, 12, 1))}, as_of) == "整改中"


def test_plain_numbers():
    assert [R.plain_number(Decimal(x)) for x in ("89.00", "4.50", "100", "0")] == ["89", "4.5", "100", "0"]


# --- the site -----------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def site(small_city, tmp_path_factory):
    import shutil
    root = tmp_path_factory.mktemp("records")
    data = root / "data"
    shutil.copytree(small_city, data)
    base = data / "communities" / A
    write_table(base / "inspections.csv", I_HEADER, [
        ["2024-督查", "年中督查", "2024-06-20", GROUP, "财务公开", "不合格", "", "公开栏<script>x</script>未更新", "2024-07-20", "", ""],
        ["2024-督查", "年中督查", "2024-06-20", GROUP, "台账", "基本合格", "", "例会记录不全", "2024-07-20", "2024-07-10", ""],
        ["2024-督查", "年中督查", "2024-06-20", GROUP, "总评", "不合格", "", "", "", "", ""],
        ["2023-考核", "年底考核", "2023-12-20", "示例区考核组", "总评", "", "91.50", "", "", "", ""],
    ])
    write_table(data / "communities" / B / "inspections.csv", I_HEADER, [
        ["2024-督查", "年中督查", "2024-06-21", GROUP, "总评", "合格", "", "", "", "", ""]])
    members = list(csv.reader(io.StringIO((base / "members.csv").read_text(encoding="utf-8"))))
    chair = next(r[0] for r in members[1:] if r[1] == "主任")
    write_table(base / "elections.csv", ["held_on", "meeting", "expected", "present", "candidate", "votes", "elected",
                                         "role", "published_on"],
                [["2023-05-20", "居民代表会议", "40", "35", chair, "33", "是", "主任", "2023-05-25"],
                 ["2023-05-20", "居民代表会议", "40", "35", "落选者甲", "9", "否", "", "2023-05-25"]])
    write_table(base / "member_changes.csv", ["changed_on", "name", "change", "role_before", "role_after", "reason",
                                              "meeting", "published_on"],
                [["2024-03-01", "周建新", "辞职", "委员", "", "工作调动", "居民代表会议", "2024-03-05"]])
    write_table(base / "decisions.csv", ["decided_on", "meeting", "matter", "decision", "opinion", "published_on"],
                [["2024-04-01", "居民代表会议", "加装电梯方案", "同意实施", "程序合规", "2024-04-03"]])
    write_table(base / "projects.csv", ["project", "budget", "contractor", "stage", "stage_on", "check", "published_on"],
                [["雨污分流改造", "120000", "某市政公司", "施工", "2024-05-01", "抽查质量", ""],
                 ["雨污分流改造", "", "", "决策", "2024-03-01", "列席表决", "2024-03-02"]])
    write_table(base / "assets.csv", ["asset", "category", "location", "value", "use", "checked_on"],
                [["活动室", "房产", "社区服务中心", "300000", "自用", "2024-10-01"]])
    write_table(base / "trainings.csv", ["held_on", "topic", "organiser", "attendees", "hours"],
                [["2023-07-15", "居务监督实务", "区民政局", f"{chair}，张三", "3.5"]])
    out = root / "site"
    result = build(BuildPaths(data=data, site=out))
    assert result.built, [p.en for p in result.problems.errors][:5]
    return out


def _page(site, path) -> str:
    return (site / path / "index.html").read_text(encoding="utf-8")


def test_the_community_page_shows_each_inspection_its_results_and_problem_states(site):
    html = _page(site, f"c/{A}")
    section = html.split('id="inspections"', 1)[1].split('id="opinions"', 1)[0]
    assert section.index("2024年6月20日年中督查") < section.index("2023年12月20日年底考核")  # newest first
    assert "91.5 分" in section and "逾期未整改" in section and "已整改" in section
    assert "尚有 1 个问题未整改完成" in section
    assert "<script>x" not in html and "&lt;script&gt;x" in html  # the committee's text is escaped


def test_the_community_page_shows_the_committees_history_and_registers(site):
    html = _page(site, f"c/{A}")
    assert 'id="elections"' in html and "落选者甲" in html and "未当选" in html
    history = html.split('id="history"', 1)[1].split("</ol>", 1)[0]
    assert history.index("居民代表会议选举") < history.index("周建新辞职")  # oldest first
    for anchor, text in (("decisions", "加装电梯方案"), ("projects", "雨污分流改造（预算 120,000.00 元"),
                         ("assets", "活动室"), ("trainings", "3.5 学时")):
        assert f'id="{anchor}"' in html and text in html, anchor
    projects = html.split('id="projects"', 1)[1].split('id="assets"', 1)[0]
    assert projects.index("决策") < projects.index("施工")  # stages by date


def test_the_dashboard_and_district_show_inspection_results(site):
    rollout = _page(site, "rollout").split('id="inspections"', 1)[1].split('id="data"', 1)[0]
    row = rollout.split("年中督查", 1)[1].split("</tr>", 1)[0]
    assert [c.split(">", 1)[1] for c in row.split("<td")[1:5]] == ["1</td>", "0</td>", "1</td>", "0</td>"]  # C has no committee
    district = _page(site, f"d/{A[:6]}")
    part = district.split('id="inspections"', 1)[1].split("<h2", 1)[0]
    assert "最近一次检查不合格的社区" in part and f"c/{A}/#inspections" in part


def test_downloads_carry_the_records(site):
    data = site / "c" / A / "data"
    rows = list(csv.DictReader(io.StringIO((data / "inspections.csv").read_text(encoding="utf-8-sig"))))
    assert [(r["item"], r["state"]) for r in rows][:2] == [("财务公开", "逾期未整改"), ("台账", "已整改")]
    assert json.loads((data / "elections.json").read_text(encoding="utf-8"))[0]["votes"] == 33
    assert {"inspections.csv", "decisions.csv", "projects.csv", "assets.csv", "trainings.csv"} <= \
        {p.name for p in data.iterdir()}
    city = list(csv.DictReader(io.StringIO((site / "downloads" / "inspections.csv").read_text(encoding="utf-8-sig"))))
    assert {r["community"] for r in city} == {A, B}


def test_the_community_search_document_holds_matters_projects_and_assets(site, small_city):
    from generator.site import search
    from generator.site.pages import site_pages
    from generator.site.render import environment
    from generator.gather import validate_city

    data = site.parent / "data"
    city = validate_city(data).city
    [page] = [p for p in site_pages(city) if p.path == f"c/{A}/"]
    text = search.document(environment(), page)
    assert "加装电梯方案" in text and "雨污分流改造" in text and text.count("雨污分流改造") == 1 and "活动室" in text


def test_the_committees_budget_and_chairs_pay_are_shown(site):
    html = _page(site, f"c/{A}")
    part = html.split('id="support"', 1)[1].split("</dl>", 1)[0]
    assert "年度工作经费" in part and "主任报酬" in part


def test_the_citys_mechanisms_page_lists_what_city_yaml_configures(site):
    html = _page(site, "mechanisms")
    for name in ("申诉救助", "工作考评", "责任追究"):
        assert f">{name}</h2>" in html


def test_the_community_feed_announces_inspections_elections_and_decisions(site):
    import xml.etree.ElementTree as ET

    feed = ET.fromstring((site / "c" / A / "feed.xml").read_bytes())
    ns = {"a": "http://www.w3.org/2005/Atom"}
    entries = {e.find("a:title", ns).text: e for e in feed.findall("a:entry", ns)}
    inspection = next(e for t, e in entries.items() if "年中督查结果：不合格" in t)
    assert inspection.find("a:link", ns).get("href").endswith(f"c/{A}/#inspections")
    assert "发现 2 个问题" in inspection.find("a:summary", ns).text
    assert any("监督委员会选举结果" in t for t in entries) and any("重要事项：加装电梯方案" in t for t in entries)
    days = [e.find("a:updated", ns).text for e in feed.findall("a:entry", ns)]
    assert days == sorted(days, reverse=True)
