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
A_HEADER = ["year", "item", "name", "role", "standard", "paid", "period", "source", "published_on"]
KINDS = ("inspections", "elections", "decisions", "projects", "assets", "trainings", "allowances")


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
    write_table(base / "allowances.csv", A_HEADER, [
        ["2024", "主任报酬", chair, "主任", "6000", "72000", "2024年1—12月", "财政预算", "2025-01-10"],
        ["2024", "工作经费", "", "", "40000", "43260", "2024年1—12月", "财政预算<b>拨付</b>", "2025-01-10"]])
    out = root / "site"
    result = build(BuildPaths(data=data, site=out))
    assert result.built, [p.en for p in result.problems.errors][:5]
    return out


def _page(site, path) -> str:
    return (site / path / "index.html").read_text(encoding="utf-8")


def test_the_inspections_page_shows_each_inspection_its_results_and_problem_states(site):
    html = _page(site, f"c/{A}/inspections")
    section = html.split('id="inspections"', 1)[1].split('id="sheet"', 1)[0]
    assert section.index("2024年6月20日年中督查") < section.index("2023年12月20日年底考核")  # newest first
    assert "91.5 分" in section and "逾期未整改" in section and "已整改" in section
    assert "尚有 1 个问题未整改完成" in section
    assert "<script>x" not in html and "&lt;script&gt;x" in html  # the committee's text is escaped
    findings = html.split('id="findings"', 1)[1].split("</div>", 1)[0]  # the open finding, above the tables
    assert "发现 1 个问题尚未整改" in findings and "&lt;script&gt;x" in findings


def test_the_community_page_links_each_record_page_in_one_line(site):
    html = _page(site, f"c/{A}")
    part = html.split('id="records"', 1)[1].split("</ul>", 1)[0]
    for kind in KINDS:
        assert f'href="{kind}/"' in part, kind
    assert part.count("<li") == len(KINDS)
    assert "1 个问题未整改" in part and "最近一次年中督查：不合格" in part
    # the full tables are on the record pages, not here
    assert "落选者甲" not in html and "例会记录不全" not in html and "3.5 学时" not in html
    b = _page(site, f"c/{B}")  # B has inspections only
    assert 'href="inspections/"' in b and 'href="decisions/"' not in b
    assert not (site / "c" / B / "decisions").exists()


def test_the_community_page_does_not_grow_with_the_records(site):
    """A register of 60 decisions leaves the community page as long as one of one (give or take the
    summary's words): the rows are on the decisions page."""
    from generator.site.pages import site_pages
    from generator.site.render import environment, render_page
    from generator.gather import validate_city

    city = validate_city(site.parent / "data").city
    community = next(c for c in city.communities if c.code == A)

    def sizes():
        pages = {p.path: p for p in site_pages(city, only={A})}
        env = environment()
        return len(render_page(env, pages[f"c/{A}/"])), len(render_page(env, pages[f"c/{A}/decisions/"]))

    one = sizes()
    community.decisions = community.decisions * 60
    many = sizes()
    assert abs(many[0] - one[0]) < 40 and many[1] > one[1] + 59 * 100


def test_the_elections_page_shows_the_committees_elections_changes_and_history(site):
    html = _page(site, f"c/{A}/elections")
    assert 'id="elections"' in html and "落选者甲" in html and "未当选" in html
    assert 'id="changes"' in html and "工作调动" in html
    history = html.split('id="history"', 1)[1].split("</ol>", 1)[0]
    assert history.index("居民代表会议选举") < history.index("周建新辞职")  # oldest first
    community = _page(site, f"c/{A}").split('id="history"', 1)[1].split("</ol>", 1)[0]
    assert "周建新辞职" in community  # the history stays on the community page


def test_each_register_has_its_page(site):
    for kind, text in (("decisions", "加装电梯方案"), ("projects", "雨污分流改造（预算 120,000.00 元"),
                       ("assets", "活动室"), ("trainings", "3.5 学时")):
        html = _page(site, f"c/{A}/{kind}")
        assert f'id="{kind}"' in html and text in html, kind
        assert f'href="../data/{kind}.csv"' in html, kind  # its download
    projects = _page(site, f"c/{A}/projects").split('id="projects"', 1)[1]
    assert projects.index("决策") < projects.index("施工")  # stages by date


def test_each_record_page_carries_its_printed_sheets_code_which_verify_knows(site):
    from generator.print.records import record_sheet
    from generator.gather import validate_city

    city = validate_city(site.parent / "data").city
    community = next(c for c in city.communities if c.code == A)
    verify = {}
    for shard in (site / "verify").glob("*.json"):
        verify |= json.loads(shard.read_text(encoding="utf-8"))
    for kind in KINDS:
        sheet = record_sheet(city, community, kind)
        html = _page(site, f"c/{A}/{kind}")
        assert sheet.code in html and sheet.stamp in html, kind
        assert verify[sheet.code]["p"] == f"c/{A}/{kind}/" and verify[sheet.code]["s"] == "current", kind


def test_record_pages_are_in_the_sitemap_and_in_search(site):
    from generator.site import search
    from generator.site.pages import site_pages
    from generator.site.render import environment
    from generator.gather import validate_city

    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    for kind in KINDS:
        assert f"/c/{A}/{kind}/</loc>" in sitemap, kind
    city = validate_city(site.parent / "data").city
    pages = {p.path: p for p in site_pages(city)}
    page = pages[f"c/{A}/decisions/"]
    text = search.document(environment(), page)
    assert "加装电梯方案" in text and "检查考核与登记" in text  # its words and its filter
    assert search.bundle_names(page) == [A[:6]]  # the district's bundle, like a period page
    assert "示例区考核组" in search.document(environment(), pages[f"c/{A}/inspections/"])


def test_the_dashboard_and_district_show_inspection_results(site):
    rollout = _page(site, "rollout").split('id="inspections"', 1)[1].split('id="data"', 1)[0]
    row = rollout.split("年中督查", 1)[1].split("</tr>", 1)[0]
    assert [c.split(">", 1)[1] for c in row.split("<td")[1:5]] == ["1</td>", "0</td>", "1</td>", "0</td>"]  # C has no committee
    district = _page(site, f"d/{A[:6]}")
    part = district.split('id="inspections"', 1)[1].split("<h2", 1)[0]
    assert "最近一次检查不合格的社区" in part and f"c/{A}/inspections/" in part


def test_downloads_carry_the_records(site):
    data = site / "c" / A / "data"
    rows = list(csv.DictReader(io.StringIO((data / "inspections.csv").read_text(encoding="utf-8-sig"))))
    assert [(r["item"], r["state"]) for r in rows][:2] == [("财务公开", "逾期未整改"), ("台账", "已整改")]
    assert json.loads((data / "elections.json").read_text(encoding="utf-8"))[0]["votes"] == 33
    assert {f"{k}.csv" for k in KINDS} <= {p.name for p in data.iterdir()}
    allowances = list(csv.DictReader(io.StringIO((data / "allowances.csv").read_text(encoding="utf-8-sig"))))
    assert list(allowances[0]) == A_HEADER and allowances[1]["paid"] == "43260.00"


def test_the_city_downloads_carry_every_record_kind(site):
    city = site / "downloads"
    for kind in KINDS:
        rows = list(csv.DictReader(io.StringIO((city / f"{kind}.csv").read_text(encoding="utf-8-sig"))))
        assert rows and {r["community"] for r in rows} <= {A, B}, kind
        assert len(json.loads((city / f"{kind}.json").read_text(encoding="utf-8"))) == len(rows), kind
    inspections = list(csv.DictReader(io.StringIO((city / "inspections.csv").read_text(encoding="utf-8-sig"))))
    assert {r["community"] for r in inspections} == {A, B}
    package = json.loads((city / "datapackage.json").read_text(encoding="utf-8"))
    assert {r["name"] for r in package["resources"]} >= set(KINDS)


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


def test_the_allowances_page_shows_pay_budget_and_what_was_overspent(site):
    html = _page(site, f"c/{A}/allowances")
    support = html.split('id="support"', 1)[1].split("</dl>", 1)[0]
    assert "年度工作经费" in support and "主任报酬" in support
    year = html.split('id="y2024"', 1)[1]
    assert "主任报酬" in year and "6,000.00" in year and "72,000.00" in year
    budget = year.split("监督委员会经费", 1)[1].split("</table>", 1)[0]
    assert "40,000.00" in budget and "43,260.00" in budget and "超出预算" in budget
    assert "<b>拨付" not in html and "&lt;b&gt;拨付" in html
    findings = html.split('id="findings"', 1)[1].split("</div>", 1)[0]
    assert "工作经费已支出 43,260.00 元，超过预算 40,000.00 元" in findings


def test_the_citys_mechanisms_page_lists_what_city_yaml_configures(site):
    html = _page(site, "mechanisms")
    for name in ("申诉救助", "工作考评", "责任追究"):
        assert f">{name}</h2>" in html


def test_the_community_feed_announces_records_with_links_to_their_pages(site):
    import xml.etree.ElementTree as ET

    feed = ET.fromstring((site / "c" / A / "feed.xml").read_bytes())
    ns = {"a": "http://www.w3.org/2005/Atom"}
    entries = {e.find("a:title", ns).text: e for e in feed.findall("a:entry", ns)}
    inspection = next(e for t, e in entries.items() if "年中督查结果：不合格" in t)
    assert inspection.find("a:link", ns).get("href").endswith(f"c/{A}/inspections/")
    assert "发现 2 个问题" in inspection.find("a:summary", ns).text
    assert any("监督委员会选举结果" in t for t in entries) and any("重要事项：加装电梯方案" in t for t in entries)
    for words, kind in (("成员变动：周建新辞职", "elections"), ("工程项目：雨污分流改造（决策）", "projects"),
                        ("2024年报酬补贴与工作经费", "allowances")):
        entry = next(e for t, e in entries.items() if words in t)
        assert entry.find("a:link", ns).get("href").endswith(f"c/{A}/{kind}/"), words
    days = [e.find("a:updated", ns).text for e in feed.findall("a:entry", ns)]
    assert days == sorted(days, reverse=True)


def test_the_city_feed_carries_the_newest_records(site):
    import xml.etree.ElementTree as ET

    feed = ET.fromstring((site / "feed.xml").read_bytes())
    ns = {"a": "http://www.w3.org/2005/Atom"}
    links = [e.find("a:link", ns).get("href") for e in feed.findall("a:entry", ns)]
    # the allowances (published 2025-01-10) are newer than any ledger of this small city
    assert any(link.endswith(f"c/{A}/allowances/") for link in links)


def test_the_init_readme_and_the_projects_data_layout_describe_every_community_table():
    from generator.config import PROJECT_ROOT
    from generator.layout import COMMUNITY_TABLES

    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    layout = readme.split("## How `data/` is organised", 1)[1].split("\n## ", 1)[0]
    init = (PROJECT_ROOT / "generator" / "templates" / "cityrepo" / "README.md").read_text(encoding="utf-8")
    for table in COMMUNITY_TABLES:
        assert f"{table}.csv" in layout, table
    for table in ("elections", "member_changes", "inspections", "decisions", "projects", "assets", "trainings",
                  "allowances"):
        assert f"  {table}.csv" in init, table
    assert "c/<code>/<kind>/" in layout and "银行账号" in init
