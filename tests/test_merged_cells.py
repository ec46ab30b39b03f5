"""Cells merged down a column, as clerks lay out a sheet (an inspection's 编号, date and group
written once for its rows; the month once for its lines): each row holds the value, as the clerk
reads it. A title merged across columns stays one value, and a number is never copied (an amount
merged over two lines is one payment)."""

from __future__ import annotations

import datetime
import io

import openpyxl

from generator.gather import validate_city
from generator.load.tables import read_xlsx
from tests.cityfixture import A, city, small_city  # noqa: F401 - fixtures

HEADER = ["检查编号", "检查类型", "检查日期", "检查组", "检查项目", "结果", "得分", "发现的问题", "整改期限", "整改完成日期",
          "整改跟踪编号"]


def _inspections() -> bytes:
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["2024年居务监督工作检查情况表"])
    ws.merge_cells("A1:K1")
    ws.append(HEADER)
    ws.append(["2024-督查", "年中督查", datetime.datetime(2024, 6, 18), "示例区居务监督工作检查组", "组织建设", "合格", 95])
    ws.append([None, None, None, None, "财务公开", "基本合格", 80, "公开栏未及时更新", datetime.datetime(2024, 7, 31),
               datetime.datetime(2024, 7, 20)])
    ws.append([None, None, None, None, "总评", "合格", None])
    for col in "ABCD":
        ws.merge_cells(f"{col}3:{col}5")
    ws.merge_cells("G4:G5")  # a score merged down: a number, never copied
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_value_merged_down_a_column_is_in_every_row_it_covers():
    table = read_xlsx(_inspections(), first_row_header=False)
    title, header, *rows = table.rows
    assert title[0] == "2024年居务监督工作检查情况表" and not any(title[1:])  # across columns: one value
    assert header == HEADER
    assert [r[:4] for r in rows] == [["2024-督查", "年中督查", "2024-06-18", "示例区居务监督工作检查组"]] * 3
    assert [r[6] for r in rows] == ["95", "80", ""]


def test_an_inspection_sheet_with_merged_cells_publishes_every_row(city):  # noqa: F811
    folder = city / "communities" / A
    (folder / "inspections.csv").unlink(missing_ok=True)
    (folder / "inspections.xlsx").write_bytes(_inspections())
    result = validate_city(city, {A})
    mine = [p for p in result.problems.items if p.file.endswith("inspections.xlsx")]
    assert not [p for p in mine if p.severity == "error"], [(p.code, p.cell) for p in mine]
    community = next(c for c in result.city.communities if c.code == A)
    assert [(i.inspection, i.item) for i in community.inspections] == \
        [("2024-督查", "组织建设"), ("2024-督查", "财务公开"), ("2024-督查", "总评")]
