"""检查结果公示 (`juwu print --sheet inspections`) and the sheets of the other records (elections,
decisions, projects, assets, trainings, allowances): each inspection's items, problems and states, a
stamp that changes with what is printed, and a clear refusal for communities without inspections."""

from __future__ import annotations

import subprocess
import sys

import pytest

from generator.print.html import print_environment, render_sheet
from generator.print.select import PrintError, Request, select_sheets
from generator.print.sheets import inspections_sheet
from generator.gather import validate_city
from tests.cityfixture import A, B, C, city, small_city, write_table  # noqa: F401 - fixtures

HEADER = ["inspection", "kind", "inspected_on", "group", "item", "result", "score", "problem", "rectify_by",
          "rectified_on", "rectification"]
GROUP = "示例区居务监督工作督查组"


def _write(city, problem="公开栏<b>未</b>更新", done=""):
    write_table(city / "communities" / A / "inspections.csv", HEADER, [
        ["2024-督查", "年中督查", "2024-06-20", GROUP, "财务公开", "不合格", "", problem, "2024-07-20", done, ""],
        ["2024-督查", "年中督查", "2024-06-20", GROUP, "总评", "", "55", "", "", "", ""]])
    return validate_city(city).city


def test_the_sheet_prints_items_problems_and_states_escaped(city):
    model = _write(city)
    community = next(c for c in model.communities if c.code == A)
    sheet = inspections_sheet(model, community)
    html = render_sheet(print_environment(), sheet)
    assert "年中督查" in html and GROUP in html and "逾期未整改" in html and "（55 分）" in html
    assert "<b>未</b>" not in html and "&lt;b&gt;未&lt;/b&gt;" in html
    assert sheet.url.endswith(f"c/{A}/inspections/")  # the inspections' own page
    later = _write(city, done="2024-07-10")
    again = inspections_sheet(later, next(c for c in later.communities if c.code == A))
    assert again.stamp != sheet.stamp and "已整改" in render_sheet(print_environment(), again)


def test_communities_without_inspections_are_refused_or_left_out(city):
    model = _write(city)
    with pytest.raises(PrintError):
        select_sheets(model, Request(sheet="inspections", community=B))
    street = select_sheets(model, Request(sheet="inspections", street=A[:9]))
    assert [s.url.rsplit("/c/", 1)[1] for s in street.sheets] == [f"{A}/inspections/"]


def test_the_command_line_offers_the_sheet(city, tmp_path):
    _write(city)
    out = tmp_path / "insp.pdf"
    result = subprocess.run([sys.executable, "-m", "generator", "print", str(city), "--sheet", "inspections",
                             "--community", A, "-o", str(out), "--allow-placeholder-url"],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert out.read_bytes().startswith(b"%PDF")


RECORDS = {
    "elections": (["held_on", "meeting", "expected", "present", "candidate", "votes", "elected", "role", "published_on"],
                  [["2023-05-20", "居民代表会议", "40", "35", "候选人<i>甲</i>", "33", "是", "主任", "2023-05-25"]]),
    "decisions": (["decided_on", "meeting", "matter", "decision", "opinion", "published_on"],
                  [["2024-04-01", "居民代表会议", "加装电梯<i>方案</i>", "同意实施", "程序合规", "2024-04-03"]]),
    "projects": (["project", "budget", "contractor", "stage", "stage_on", "check", "published_on"],
                 [["雨污分流<i>改造</i>", "120000", "某市政公司", "决策", "2024-03-01", "列席表决", "2024-03-02"]]),
    "assets": (["asset", "category", "location", "value", "use", "checked_on"],
               [["活动室<i>一</i>", "房产", "社区服务中心", "300000", "自用", "2024-10-01"]]),
    "trainings": (["held_on", "topic", "organiser", "attendees", "hours"],
                  [["2023-07-15", "居务监督<i>实务</i>", "区民政局", "张三", "3.5"]]),
    "allowances": (["year", "item", "name", "role", "standard", "paid", "period", "source", "published_on"],
                   [["2024", "工作经费", "", "", "45000", "41850", "2024年1—12月", "财政<i>预算</i>", "2025-01-10"]]),
}
SHOWN = {"elections": "33", "decisions": "2024年4月1日", "projects": "120,000.00", "assets": "300,000.00",
         "trainings": "3.5", "allowances": "41,850.00"}


def _records(city, kind, rows=None):
    header, default = RECORDS[kind]
    write_table(city / "communities" / A / f"{kind}.csv", header, rows or default)
    return validate_city(city).city


@pytest.mark.parametrize("kind", list(RECORDS))
def test_every_record_kind_has_a_sheet_with_its_rows_escaped_a_code_and_a_stamp_that_follows_them(city, kind):
    from generator.print.records import record_sheet

    model = _records(city, kind)
    community = next(c for c in model.communities if c.code == A)
    sheet = record_sheet(model, community, kind)
    html = render_sheet(print_environment(), sheet)
    assert "<i>" not in html and "&lt;i&gt;" in html and SHOWN[kind] in html
    assert sheet.code in html and sheet.stamp in html and "<svg" in html  # the QR and the short code
    assert sheet.url.endswith(f"c/{A}/{kind}/") and sheet.path == f"c/{A}/{kind}/"
    header, rows = RECORDS[kind]
    changed = [list(rows[0])]
    changed[0][1 if kind != "allowances" else 5] = changed[0][1 if kind != "allowances" else 5] + "0"
    later = _records(city, kind, changed)
    again = record_sheet(later, next(c for c in later.communities if c.code == A), kind)
    assert again.stamp != sheet.stamp and again.code != sheet.code


@pytest.mark.parametrize("kind", list(RECORDS))
def test_a_community_without_the_record_is_refused_and_a_street_prints_those_with_it(city, kind):
    model = _records(city, kind)
    # Every committee has its pay and budget in committee.yaml (an allowances sheet); C has no committee.
    with pytest.raises(PrintError):
        select_sheets(model, Request(sheet=kind, community=C if kind == "allowances" else B))
    street = select_sheets(model, Request(sheet=kind, street=A[:9]))
    assert [s.path for s in street.sheets] == [f"c/{A}/{kind}/"]


def test_the_print_command_offers_every_sheet_of_the_print_module():
    from generator import cli
    from generator.print import RECORD_SHEETS, SHEETS

    option = next(p for p in cli.print_command.params if p.name == "sheet")
    assert list(option.type.choices) == list(SHEETS) and set(RECORD_SHEETS) <= set(SHEETS)


def test_verify_knows_every_record_sheet(city):
    from generator.print.records import record_sheet
    from generator.site.history import current_sheets

    model = _records(city, "decisions")
    community = next(c for c in model.communities if c.code == A)
    codes = {code: path for code, _, path in current_sheets(model)}
    assert codes[record_sheet(model, community, "decisions").code] == f"c/{A}/decisions/"


def test_the_command_line_prints_an_allowances_sheet(city, tmp_path):
    _records(city, "allowances")
    out = tmp_path / "allowances.pdf"
    result = subprocess.run([sys.executable, "-m", "generator", "print", str(city), "--sheet", "allowances",
                             "--community", A, "-o", str(out), "--allow-placeholder-url"],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert out.read_bytes().startswith(b"%PDF")


def test_the_allowances_sheets_stamp_follows_the_chairs_pay_in_committee_yaml(city):
    from generator.print.records import record_sheet
    from tests.cityfixture import set_yaml

    model = _records(city, "allowances")
    before = record_sheet(model, next(c for c in model.communities if c.code == A), "allowances")
    set_yaml(city / "communities" / A / "committee.yaml", "funding.annual_budget", "46000.00")
    later = validate_city(city).city
    after = record_sheet(later, next(c for c in later.communities if c.code == A), "allowances")
    assert after.stamp != before.stamp and "46,000.00" in render_sheet(print_environment(), after)
