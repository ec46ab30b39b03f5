"""Old Excel workbooks (.xls, what Excel 97–2003 and WPS save): uploaded as they are, read as the
.xlsx they become (same sheets, same cells, dates and merged cells kept), and kept as an .xlsx
would be (a table as its CSV, a year's months as month files). The
.xls files are written by LibreOffice from workbooks built here, as a clerk's Excel would."""

from __future__ import annotations

import datetime
import io
import subprocess
from pathlib import Path

import openpyxl
import pytest

from generator.gather import validate_city
from generator.load import xls
from generator.load.tables import TableRefused, read_xlsx
from intake_helpers import CODE, intake_settings, signed_in_clerk
from intake_helpers import upload_id as _upload_id
from test_intake_year import FINANCE, _book, _specs

SOFFICE = next((p for p in ("/usr/bin/soffice", "/usr/bin/libreoffice") if Path(p).exists()), None)
pytestmark = pytest.mark.skipif(SOFFICE is None and not __import__("os").environ.get("CI"),
                                reason="LibreOffice not installed (make system-deps installs libreoffice-calc-nogui)")


def _inspections() -> openpyxl.Workbook:
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "检查情况"
    ws.append(["2025年居务监督工作检查情况表"])
    ws.merge_cells("A1:F1")
    ws.append(["检查编号", "检查类型", "检查日期", "检查组", "检查项目", "结果"])
    ws.append(["2025-督查", "年中督查", datetime.datetime(2025, 6, 18), "示例区居务监督工作检查组", "组织建设", "合格"])
    ws.append([None, None, None, None, "总评", "合格"])
    for col in "ABCD":
        ws.merge_cells(f"{col}3:{col}4")
    ws.cell(row=3, column=3).number_format = "yyyy年m月d日"
    hidden = book.create_sheet("草稿")
    hidden.append(["不公开的草稿"])
    hidden.sheet_state = "hidden"
    return book


@pytest.fixture(scope="module")
def xls_files(tmp_path_factory) -> dict[str, bytes]:
    """{name: .xls bytes}, written by LibreOffice ("MS Excel 97") in one run."""
    assert SOFFICE, "CI must have LibreOffice (make system-deps)"
    base = tmp_path_factory.mktemp("xls")
    (base / "in").mkdir()
    _inspections().save(base / "in" / "inspections.xlsx")
    (base / "in" / "year.xlsx").write_bytes(_book(_specs((1, 2))))
    done = subprocess.run([SOFFICE, f"-env:UserInstallation=file://{base / 'profile'}", "--headless", "--convert-to",
                           "xls:MS Excel 97", "--outdir", str(base / "out"),
                           str(base / "in" / "inspections.xlsx"), str(base / "in" / "year.xlsx")],
                          capture_output=True, text=True, timeout=240)
    files = {p.stem: p.read_bytes() for p in (base / "out").glob("*.xls")}
    assert set(files) == {"inspections", "year"}, done.stderr + done.stdout
    assert all(xls.is_xls(data) for data in files.values())
    return files


def test_an_xls_becomes_an_xlsx_with_the_same_sheets_cells_dates_and_merges(xls_files):
    converted = xls.to_xlsx(xls_files["inspections"])
    book = openpyxl.load_workbook(io.BytesIO(converted))
    assert book.sheetnames == ["检查情况", "草稿"] and book["草稿"].sheet_state == "hidden"
    ws = book["检查情况"]
    assert ws["C3"].value == datetime.datetime(2025, 6, 18) and ws["E4"].value == "总评"
    assert {str(r) for r in ws.merged_cells.ranges} == {"A1:F1", "A3:A4", "B3:B4", "C3:C4", "D3:D4"}
    table = read_xlsx(converted, first_row_header=False)
    assert [r[:5] for r in table.rows[2:]] == [["2025-督查", "年中督查", "2025-06-18", "示例区居务监督工作检查组", "组织建设"],
                                                ["2025-督查", "年中督查", "2025-06-18", "示例区居务监督工作检查组", "总评"]]


@pytest.mark.parametrize("data, words", [
    (xls.OLE2_MAGIC + b"\0" * 1000, "无法读取这个旧版 Excel（.xls）文件"),
    (xls.OLE2_MAGIC, "无法读取这个旧版 Excel（.xls）文件"),
])
def test_a_damaged_xls_is_refused_in_words(data, words):
    with pytest.raises(TableRefused) as refused:
        xls.to_xlsx(data)
    assert words in refused.value.zh and "另存为" in refused.value.hint_zh and ".xls" in refused.value.en


def test_an_xls_table_is_uploaded_and_kept_as_its_csv(tmp_path, xls_files):
    settings = intake_settings(tmp_path)
    client, token = signed_in_clerk(settings, CODE)
    response = client.post(f"/c/{CODE}/upload/inspections", data={"csrf": token},
                           files={"file": ("检查情况.xls", xls_files["inspections"], "application/vnd.ms-excel")})
    assert response.status_code == 200 and "确认提交" in response.text, response.text[-3000:]
    done = client.post(f"/c/{CODE}/confirm", data={"csrf": token, "upload": _upload_id(response.text), "action": "confirm"})
    assert done.status_code == 200 and "已提交" in done.text
    kept = (settings.data / f"communities/{CODE}/inspections.csv").read_text("utf-8")  # a table is kept as CSV
    assert "2025-督查,年中督查,2025-06-18,示例区居务监督工作检查组,总评,合格" in kept
    community = next(c for c in validate_city(settings.data, {CODE}).city.communities if c.code == CODE)
    assert [(i.inspection, i.item) for i in community.inspections] == [("2025-督查", "组织建设"), ("2025-督查", "总评")]


def test_a_year_workbook_saved_as_xls_publishes_its_months(tmp_path, xls_files):
    settings = intake_settings(tmp_path)
    client, token = signed_in_clerk(settings, CODE, "魏凤凤（华庭里社区）")
    response = client.post(f"/c/{CODE}/upload/ledger_year", data={"csrf": token, "year": "2025"},
                           files={"file": ("2025年收支.xls", xls_files["year"], "application/vnd.ms-excel")})
    assert response.status_code == 200, response.text[-3000:]
    assert response.text.count("检查通过，将公开") == 2
    done = client.post(f"/c/{CODE}/confirm", data={"csrf": token, "upload": _upload_id(response.text), "action": "confirm"})
    assert done.status_code == 200 and "已提交" in done.text
    assert (settings.data / FINANCE / "2025-02.csv").is_file()
