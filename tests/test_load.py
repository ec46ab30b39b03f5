"""Reading what clerks save: encodings, Excel workbooks, and YAML that could hurt."""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest

from generator.load.tables import TableRefused, read_csv, read_xlsx
from generator.load.yamlfile import YamlRefused, parse

ROWS = "日期,凭证号,摘要\r\n2024-05-01,记-001,购买灭火器20具×85元\r\n"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_csv_encodings_read_exactly(encoding):
    table = read_csv(ROWS.encode(encoding))
    assert table.header == ["日期", "凭证号", "摘要"]
    assert table.rows == [["2024-05-01", "记-001", "购买灭火器20具×85元"]]
    assert table.lines == [2]
    assert "\ufffd" not in table.rows[0][2]


def test_utf16_is_refused_naming_the_encoding():
    with pytest.raises(TableRefused) as exc:
        read_csv(ROWS.encode("utf-16"))
    assert "UTF-16" in exc.value.zh and "UTF-16" in exc.value.en


def test_quoted_newlines_keep_the_right_line_numbers():
    table = read_csv("a,b\n1,\"two\nlines\"\n3,4\n".encode())
    assert table.lines == [3, 4]  # csv line_num is the line where the record ends
    assert table.cell(1, "b") == "B4"


def _xlsx(rows) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_xlsx_first_sheet_with_cells():
    import datetime

    table = read_xlsx(_xlsx([["日期", "金额"], [datetime.datetime(2024, 5, 1), 1286.5], [None, None], ["2024-05-02", 15]]))
    assert table.rows == [["2024-05-01", "1286.5"], ["2024-05-02", "15"]]
    assert table.cell(1, "金额") == "B4"


def test_xlsx_zip_bomb_is_refused_before_unpacking():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/worksheets/sheet1.xml", "0" * 60_000_000)
    with pytest.raises(TableRefused) as exc:
        read_xlsx(out.getvalue())
    assert "压缩炸弹" in exc.value.zh


def test_not_a_workbook():
    with pytest.raises(TableRefused):
        read_xlsx(b"PK not really")


@pytest.mark.parametrize("text", [
    "a: &x [1, 2]\nb: *x\n",
    "a: !!python/object/apply:os.system ['ls']\n",
    "a: " + "[" * 40 + "]" * 40 + "\n",
    "a: 1\na: 2\n",
    "- x\n- y\n---\n- z\n",
])
def test_dangerous_or_broken_yaml_is_refused(text):
    with pytest.raises(YamlRefused):
        parse(text)


def test_billion_laughs_is_refused_fast():
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n" for i in range(10))
    with pytest.raises(YamlRefused):
        parse(bomb)


def test_yaml_11_surprises_stay_text():
    record = parse("retired: no\nmode: 0755\nphone: 13812345678\nday: 2024-05-01\n")
    assert {k: v.text for k, v in record.items()} == {
        "retired": "no", "mode": "0755", "phone": "13812345678", "day": "2024-05-01"}
    assert record["phone"].line == 3


def test_control_character_line_counts_characters_not_bytes():
    """libyaml reports where it stopped in UTF-8 bytes; the clerk needs the line."""
    from generator.load import yamlfile

    text = "a: " + "中文" * 30 + "\nb: " + "中文" * 10 + "\nc: 中文\nd: x\x7f\n"
    with pytest.raises(yamlfile.YamlRefused) as refused:
        yamlfile.parse(text)
    assert refused.value.line == 4


def test_xlsx_with_a_cover_sheet_reads_the_sheet_named_for_the_data():
    book = openpyxl.Workbook()
    book.active.title = "说明"
    book.active.append(["本表由社区财务人员填写"])
    data = book.create_sheet("财务收支明细")
    data.append(["日期", "摘要"])
    data.append(["2024-05-01", "电费"])
    out = io.BytesIO()
    book.save(out)
    table = read_xlsx(out.getvalue(), prefer=("2024-05", "ledger_lines", "财务收支明细"))
    assert table.sheet == "财务收支明细" and table.rows == [["2024-05-01", "电费"]]
    # nothing preferred: the first visible sheet that is not instructions, a cover or a summary
    assert read_xlsx(out.getvalue()).sheet == "财务收支明细"


def test_validate_reads_the_data_sheet_of_a_workbook_with_a_cover(data_copy):
    from generator.gather import validate_city
    from tests.conftest import community_with_committee, read_csv_rows

    code = community_with_committee(data_copy)
    members = data_copy / "communities" / code / "members.csv"
    rows = read_csv_rows(members)
    book = openpyxl.Workbook()
    book.active.title = "封面"
    book.active.append(["监督委员会成员名单"])
    sheet = book.create_sheet("监督委员会成员")  # the schema's Chinese title
    sheet.append(list(rows[0]))
    for row in rows:
        sheet.append(list(row.values()))
    book.save(members.with_suffix(".xlsx"))
    members.unlink()
    result = validate_city(data_copy)
    assert result.ok, [p.en for p in result.problems.errors][:5]
    community = next(c for c in result.city.communities if c.code == code)
    assert [m.name for m in community.members] == [r["name"] for r in rows]
