"""A year's workbook with one sheet per month (issue 15): finance/2024.xlsx with sheets 10月, 11月, 12月
reads as those periods, each to exactly the lines of its clean CSV twin; problems name the sheet and
the cell (11月!G5); a month's 上月结转 is checked against the month before; hidden, summary and
unknown sheets are handled, never misread."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from generator.load import workbook
from generator.problems import ERROR
from generator.gather import validate_city
from tests import boardfixture as bf
from tests.cityfixture import A, city, set_yaml, small_city  # noqa: F401 - fixtures

MONTHS = ("2024-10", "2024-11", "2024-12")


def _yaml_value(header: Path, key: str) -> str:
    return next(l.split(":", 1)[1].strip().strip('"') for l in header.read_text("utf-8").splitlines()
                if l.startswith(f"{key}:"))


def _specs(data: Path) -> tuple[Path, list[bf.Spec]]:
    """Community A's last three months made one chain of boards: each header's balances set to what
    the board gives, and each month's own CSV removed (the workbook holds them)."""
    finance = data / "communities" / A / "finance"
    opening = Decimal(_yaml_value(finance / f"{MONTHS[0]}.yaml", "opening_balance"))
    specs = []
    for key in MONTHS:
        header = finance / f"{key}.yaml"
        published = datetime.date.fromisoformat(_yaml_value(header, "published_on"))
        spec = bf.Spec(int(key[:4]), int(key[5:7]), opening, published)
        set_yaml(header, "opening_balance", f"{spec.opening:.2f}")
        set_yaml(header, "closing_balance", f"{spec.closing:.2f}")
        set_yaml(header, "prepared_by", bf.PREPARED_BY)
        set_yaml(header, "review.opinion", bf.OPINION)
        (finance / f"{key}.csv").unlink()
        specs.append(spec)
        opening = spec.closing
    return finance, specs


def _book(specs, names=None, extra=(), broken=None) -> bytes:
    book = openpyxl.Workbook()
    book.remove(book.active)
    cover = book.create_sheet("说明")
    cover.append(["本工作簿为 2024 年逐月收支公开榜"])
    for i, spec in enumerate(specs):
        ws = book.create_sheet(names[i] if names else f"{spec.month}月")
        bf.classic_sheet(ws, spec, **(broken or {}).get(i, {}))
    for title, state in extra:
        ws = book.create_sheet(title)
        ws.sheet_state = state
        ws.append(["摘要", "收入"])
        ws.append(["不应读到的一行", 1])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _result(data: Path):
    result = validate_city(data, {A})
    community = next(c for c in result.city.communities if c.code == A)
    return {p.key: p for p in community.periods}, result.problems.items


def test_each_month_sheet_is_its_period_read_like_its_clean_twin(city, tmp_path):  # noqa: F811
    finance, specs = _specs(city)
    (finance / "2024.xlsx").write_bytes(_book(specs, names=["10月", "2024年11月", "十二月"],
                                              extra=[("全年汇总", "visible")]))
    periods, problems = _result(city)
    errors = [(p.code, p.file, p.cell, p.en) for p in problems if p.severity == ERROR and "finance" in p.file]
    assert not errors, errors
    for key, spec in zip(MONTHS, specs):
        period = periods[key]
        assert [(l.date, l.voucher, l.summary, l.income, l.expense) for l in period.lines] == [
            (spec.date(l), l.voucher, l.summary, l.income, l.expense) for l in bf.BOARD_LINES]
        assert (period.income_total, period.expense_total) == (bf.INCOME, bf.EXPENSE)
        assert period.computed_closing == spec.closing
    assert not [p for p in problems if p.code == "workbook-sheet-unknown"]  # 说明 and 汇总 are left alone


def test_problems_name_the_sheet_and_the_cell(city):  # noqa: F811
    finance, specs = _specs(city)
    (finance / "2024.xlsx").write_bytes(_book(specs, broken={1: {"total_income": bf.INCOME + 100}}))
    _, problems = _result(city)
    [p] = [p for p in problems if p.severity == ERROR and "finance" in p.file]
    assert (p.code, p.cell, p.row) == ("board-total", "11月!E14", 14)
    assert p.file == f"communities/{A}/finance/2024.xlsx!11月"
    [unclassified] = [p for p in problems if p.code == "category-unclassified" and "12月" in p.file]
    assert unclassified.cell == "12月!D13"


def test_an_opening_row_is_checked_against_the_month_before(city):  # noqa: F811
    finance, specs = _specs(city)
    # November's board opens 7 above October's closing, and its header agrees with the board: only
    # the workbook's own chain (and the ledger rule on the headers) can see it.
    opening = specs[1].opening + 7
    for i in (1, 2):  # November onwards, chained again from the wrong opening
        specs[i] = bf.Spec(2024, specs[i].month, opening, specs[i].published_on)
        set_yaml(finance / f"{MONTHS[i]}.yaml", "opening_balance", f"{opening:.2f}")
        set_yaml(finance / f"{MONTHS[i]}.yaml", "closing_balance", f"{specs[i].closing:.2f}")
        opening = specs[i].closing
    (finance / "2024.xlsx").write_bytes(_book(specs))
    _, problems = _result(city)
    [p] = [p for p in problems if p.code == "workbook-opening"]
    assert p.cell == "11月!G5" and p.row == 5 and "10月" in p.zh and f"{specs[0].closing}" in p.en


def test_hidden_unknown_and_other_year_sheets_are_named_never_read(city):  # noqa: F811
    finance, specs = _specs(city)
    data = _book(specs[:2], extra=[("12月", "hidden"), ("草稿", "visible"), ("2023年5月", "visible")])
    (finance / "2024.xlsx").write_bytes(data)
    periods, problems = _result(city)
    by_code = {p.code: p for p in problems if p.file == f"communities/{A}/finance/2024.xlsx"}
    assert by_code["workbook-sheet-hidden"].value == "12月"
    assert by_code["workbook-sheet-unknown"].value == "草稿"
    assert by_code["workbook-sheet-year"].value == "2023年5月" and by_code["workbook-sheet-year"].severity == ERROR
    assert "2024-12" in {p.file.rsplit("/", 1)[-1][:7] for p in problems if p.code == "ledger-lines-missing"}
    assert all("不应读到" not in l.summary for p in periods.values() for l in p.lines)


def test_a_month_given_twice_is_refused(city):  # noqa: F811
    finance, specs = _specs(city)
    (finance / "2024.xlsx").write_bytes(_book(specs))
    (finance / "2024-12.csv").write_bytes(bf.clean_csv(specs[2]))
    _, problems = _result(city)
    [p] = [p for p in problems if p.code == "file-twice"]
    assert "12月" in p.zh and "2024-12" in p.en


@pytest.mark.parametrize("title, expected", [
    ("1月", (None, 1)), ("01月", (None, 1)), ("3月份", (None, 3)), ("十二月", (None, 12)), ("十月", (None, 10)),
    ("2024年3月", (2024, 3)), ("2024.03", (2024, 3)), ("2024-11", (2024, 11)), ("202407", (2024, 7)),
    (" 5 月 ", (None, 5)), ("13月", None), ("汇总", None), ("Sheet1", None), ("2024", None),
])
def test_sheet_names_give_their_month(title, expected):
    assert workbook.sheet_month(title) == expected


def test_a_month_sheet_juwu_cannot_read_is_refused_alone(city):  # noqa: F811
    finance, specs = _specs(city)
    book = openpyxl.load_workbook(io.BytesIO(_book(specs)))
    ws = book["11月"]
    ws.delete_rows(3, 2)  # the header rows gone: no row names 摘要 and 收入 or 支出
    out = io.BytesIO()
    book.save(out)
    (finance / "2024.xlsx").write_bytes(out.getvalue())
    periods, problems = _result(city)
    [p] = [p for p in problems if p.severity == ERROR and "finance" in p.file and p.code == "table-unreadable"]
    assert p.file == f"communities/{A}/finance/2024.xlsx!11月" and "表头" in p.zh and "上月结转" in p.zh
    assert len(periods["2024-10"].lines) == len(periods["2024-12"].lines) == len(bf.BOARD_LINES)


def test_a_year_workbook_saved_as_one_month_file_is_read_at_that_month(city):  # noqa: F811
    finance, specs = _specs(city)
    # The clerk keeps the year in one book but saves it as 2024-11.xlsx (as the upload service stores
    # it): November is read from its sheet, never the first sheet (October).
    wrong_first = [bf.Spec(s.year, s.month, s.opening + 1000, s.published_on) if i == 0 else s
                   for i, s in enumerate(specs)]
    (finance / "2024-11.xlsx").write_bytes(_book(wrong_first[:2]))
    for key, spec in (("2024-10", specs[0]), ("2024-12", specs[2])):
        (finance / f"{key}.csv").write_bytes(bf.clean_csv(spec))
    periods, problems = _result(city)
    errors = [(p.code, p.cell, p.en) for p in problems if p.severity == ERROR and "finance" in p.file]
    assert not errors, errors
    assert periods["2024-11"].lines[0].date == datetime.date(2024, 11, bf.BOARD_LINES[0].day)
    # A book of month sheets with none for the period is refused, naming the sheets it has.
    (finance / "2024-11.xlsx").write_bytes(_book([specs[0], specs[2]]))
    _, problems = _result(city)
    [p] = [p for p in problems if p.code == "table-unreadable"]
    assert p.file.endswith("2024-11.xlsx") and "10月、12月" in p.zh and "2024-11" in p.en


def test_the_upload_service_reads_a_year_workbook_at_the_month_chosen(tmp_path):
    """A clerk uploads the year's workbook (sheets 1月, 2月) in the month's form: January is checked
    from its sheet; February's sheet, whose lines would not balance January, is not read."""
    import csv as csvmod

    from intake_helpers import intake_settings, ledger_csv, ledger_fields, signed_in_clerk

    code = "319901001002"  # 华庭里社区: 2024-12 closed at 14926.47
    settings = intake_settings(tmp_path)
    client, token = signed_in_clerk(settings, code)
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, text in (("2月", ledger_csv(expense="999999.00")), ("1月", ledger_csv())):  # February first
        ws = book.create_sheet(title)
        for row in csvmod.reader(io.StringIO(text)):
            ws.append(row)
    out = io.BytesIO()
    book.save(out)
    response = client.post(f"/c/{code}/upload/ledger", data=ledger_fields(token, "2025-01", "14926.47", "29726.47"),
                           files={"file": ("2025.xlsx", out.getvalue(), "application/octet-stream")})
    assert response.status_code == 200 and "确认提交" in response.text, response.text[-3000:]
    # What is committed is January's sheet too, never the workbook's first sheet (February).
    from intake_helpers import upload_id

    done = client.post(f"/c/{code}/confirm", data={"csrf": token, "upload": upload_id(response.text),
                                                    "action": "confirm"})
    assert done.status_code == 200 and "已提交" in done.text
    committed = (settings.data / f"communities/{code}/finance/2025-01.csv").read_text("utf-8")
    assert "999999" not in committed and "15000" in committed
