"""检查结果公示 (`juwu print --sheet inspections`): each inspection's items, problems and states, a
stamp that changes with what is printed, and a clear refusal for communities without inspections."""

from __future__ import annotations

import subprocess
import sys

import pytest

from generator.print.html import print_environment, render_sheet
from generator.print.select import PrintError, Request, select_sheets
from generator.print.sheets import inspections_sheet
from generator.gather import validate_city
from tests.cityfixture import A, B, city, small_city, write_table  # noqa: F401 - fixtures

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
    assert sheet.url.endswith(f"c/{A}/#inspections")
    later = _write(city, done="2024-07-10")
    again = inspections_sheet(later, next(c for c in later.communities if c.code == A))
    assert again.stamp != sheet.stamp and "已整改" in render_sheet(print_environment(), again)


def test_communities_without_inspections_are_refused_or_left_out(city):
    model = _write(city)
    with pytest.raises(PrintError):
        select_sheets(model, Request(sheet="inspections", community=B))
    street = select_sheets(model, Request(sheet="inspections", street=A[:9]))
    assert [s.url.rsplit("/c/", 1)[1] for s in street.sheets] == [f"{A}/#inspections"]


def test_the_command_line_offers_the_sheet(city, tmp_path):
    _write(city)
    out = tmp_path / "insp.pdf"
    result = subprocess.run([sys.executable, "-m", "generator", "print", str(city), "--sheet", "inspections",
                             "--community", A, "-o", str(out), "--allow-placeholder-url"],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert out.read_bytes().startswith(b"%PDF")
