"""Ledger sheets as clerks keep them (issue 15): every board variant of tests/boardfixture.py reads to
exactly the lines and totals of its clean CSV twin; broken boards are refused naming the cell."""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path

import pytest

from generator.load import board as boards
from generator.load import categories
from generator.load.tables import read_csv
from generator.problems import ERROR
from generator.gather import validate_city
from tests import boardfixture as bf
from tests.cityfixture import A, city, set_yaml, small_city  # noqa: F401 - fixtures

PUBLISHED = datetime.date(2024, 4, 2)


def _period(data: Path) -> tuple[Path, bf.Spec]:
    """The latest period of community A, and the spec of a board for it (its opening kept)."""
    finance = data / "communities" / A / "finance"
    key = sorted(p.stem for p in finance.glob("*.yaml"))[-1]
    header = finance / f"{key}.yaml"
    opening = next(l.split(":", 1)[1].strip().strip('"') for l in header.read_text("utf-8").splitlines()
                   if l.startswith("opening_balance:"))
    spec = bf.Spec(int(key[:4]), int(key[5:7]), Decimal(opening), PUBLISHED)
    set_yaml(header, "closing_balance", f"{spec.closing:.2f}")
    set_yaml(header, "published_on", PUBLISHED.isoformat())
    set_yaml(header, "prepared_by", bf.PREPARED_BY)
    set_yaml(header, "review.opinion", bf.OPINION)
    return header, spec


def _write(header: Path, data: bytes, suffix: str) -> str:
    for old in header.parent.glob(f"{header.stem}.*"):
        if old.suffix in (".csv", ".xlsx"):
            old.unlink()
    path = header.with_suffix(suffix)
    path.write_bytes(data)
    return path.relative_to(header.parents[3]).as_posix()


def _read(data: Path, key: str):
    result = validate_city(data, {A})
    community = next(c for c in result.city.communities if c.code == A)
    period = next(p for p in community.periods if p.key == key)
    lines = [(l.date, l.voucher, l.category, l.summary, l.income, l.expense) for l in period.lines]
    return lines, (period.income_total, period.expense_total, period.computed_closing), result.problems.items


def _errors_in(problems, file: str):
    return [p for p in problems if p.file == file and p.severity == ERROR]


@pytest.fixture
def board_city(city):  # noqa: F811
    header, spec = _period(city)
    return city, header, spec


@pytest.fixture(scope="module")
def twin(tmp_path_factory, small_city):  # noqa: F811
    """The clean CSV's lines and totals, read once."""
    import shutil

    data = tmp_path_factory.mktemp("twin") / "data"
    shutil.copytree(small_city, data)
    header, spec = _period(data)
    file = _write(header, bf.clean_csv(spec), ".csv")
    lines, totals, problems = _read(data, header.stem)
    assert not _errors_in(problems, file), _errors_in(problems, file)
    assert len(lines) == len(bf.BOARD_LINES) and totals[0] == bf.INCOME and totals[1] == bf.EXPENSE
    return lines, totals


@pytest.mark.parametrize("name, build, suffix", bf.VARIANTS, ids=[v[0] for v in bf.VARIANTS])
def test_a_board_reads_to_its_clean_twin(board_city, twin, name, build, suffix):
    data, header, spec = board_city
    file = _write(header, build(spec), suffix)
    lines, totals, problems = _read(data, header.stem)
    assert not _errors_in(problems, file), [(p.code, p.cell, p.en) for p in _errors_in(problems, file)]
    assert lines == twin[0]
    assert totals == twin[1]


def test_a_summary_no_keyword_fits_is_unclassified_with_a_warning_naming_the_cell(board_city):
    data, header, spec = board_city
    file = _write(header, bf.classic(spec), ".xlsx")
    _, _, problems = _read(data, header.stem)
    [warning] = [p for p in problems if p.code == "category-unclassified"]
    assert warning.file == file and warning.cell == "D13" and warning.value == "茶话会场地布置"
    assert not [p for p in problems if p.code.startswith("ledger-category")]


def test_the_footer_fills_what_the_header_leaves_out(board_city):
    data, header, spec = board_city
    text = header.read_text("utf-8").replace(f"prepared_by: \"{bf.PREPARED_BY}\"\n", "")
    header.write_text(text, "utf-8")
    _write(header, bf.classic(spec), ".xlsx")
    result = validate_city(data, {A})
    period = next(p for c in result.city.communities if c.code == A for p in c.periods if p.key == header.stem)
    assert period.prepared_by == bf.PREPARED_BY
    assert bf.CHECKED_BY not in (period.reviewer, period.review_opinion)  # 审核 is not the committee's review
    assert not [p for p in result.problems.items if p.field == "prepared_by"]


def test_a_board_with_its_footer_needs_no_yaml_header(board_city, twin):
    """上月结转, 合计 and the footer (制表, 监督委员会意见 and the committee's reviewer, 张榜日期) are the
    period's header; the board's 审核 (the finance check) is never taken for the committee's review."""
    data, header, spec = board_city
    header.unlink()
    file = _write(header, bf.classic(spec, review=True), ".xlsx")
    lines, totals, problems = _read(data, header.stem)
    errors = [(p.code, p.file, p.cell, p.en) for p in problems if p.severity == ERROR and "/finance/" in p.file]
    assert not errors, errors
    assert lines == twin[0] and totals == twin[1]
    result = validate_city(data, {A})
    period = next(p for c in result.city.communities if c.code == A for p in c.periods if p.key == header.stem)
    assert period.header_file == file + "（公开期信息）"
    assert (period.opening_balance, period.closing_balance) == (spec.opening, spec.closing)
    assert (period.prepared_by, period.reviewer, period.review_opinion) == (bf.PREPARED_BY, bf.REVIEWER, bf.OPINION)
    assert period.published_on == period.reviewed_on == spec.published_on


def test_a_board_without_the_committee_review_and_no_yaml_names_what_is_missing(board_city):
    data, header, spec = board_city
    header.unlink()
    file = _write(header, bf.classic(spec), ".xlsx")  # 审核：财务李敏 only: the finance check, not the review
    _, _, problems = _read(data, header.stem)
    missing = {(p.file, p.field) for p in problems if p.severity == ERROR and "/finance/" in p.file}
    assert missing == {(file + "（公开期信息）", "review.reviewer"), (file + "（公开期信息）", "review.reviewed_on")}
    assert not any(bf.CHECKED_BY in (p.value or "") for p in problems)


def test_a_plain_table_without_a_yaml_header_says_where_the_header_can_come_from(board_city):
    data, header, spec = board_city
    header.unlink()
    _write(header, bf.clean_csv(spec), ".csv")
    problems = validate_city(data, {A}).problems.items
    [p] = [p for p in problems if p.code == "period-header-missing"]
    assert "公开期信息" in p.zh and "公开期信息" in p.hint_zh and p.file.endswith(f"{header.stem}.yaml")


# --- broken boards -------------------------------------------------------------------------------

def test_a_total_that_disagrees_is_refused_naming_its_cell(board_city):
    data, header, spec = board_city
    file = _write(header, bf.classic(spec, total_income=bf.INCOME + 100), ".xlsx")
    _, _, problems = _read(data, header.stem)
    [p] = _errors_in(problems, file)
    assert (p.code, p.cell, p.row) == ("board-total", "E14", 14)
    assert "合计" in p.zh and "E14" in p.en


def test_a_page_subtotal_that_disagrees_is_refused_naming_its_cell(board_city):
    data, header, spec = board_city
    file = _write(header, bf.over_pages(spec, subtotal_shift=Decimal("10.00")), ".xlsx")
    _, _, problems = _read(data, header.stem)
    [p] = _errors_in(problems, file)
    assert (p.code, p.cell, p.row) == ("board-total", "D9", 9)
    assert "小计" in p.zh and "它上面各行收入之和" in p.zh and "above it" in p.en


def test_a_zero_in_the_other_amount_column_of_a_plain_ledger_is_not_a_second_amount(city):  # noqa: F811
    import csv
    import io

    finance = city / "communities" / A / "finance"
    ledger = sorted(finance.glob("*.csv"))[-1]
    rows = list(csv.reader(io.StringIO(ledger.read_text("utf-8"))))
    income, expense = rows[0].index("income"), rows[0].index("expense")
    for row in rows[1:]:
        row[income if not row[income] else expense] = "0.00"
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    ledger.write_text(out.getvalue(), "utf-8")
    problems = validate_city(city, {A}).problems.items
    assert not [p for p in problems if p.code in ("ledger-line-amounts", "ledger-category-side")]


def test_a_rule_broken_on_a_board_names_the_cell_the_clerk_wrote(board_city):
    """The rules see the board in the schema's columns; their problems still name the board's cell
    (借方 is column D here, though income is the fifth field)."""
    import io

    import openpyxl

    data, header, spec = board_city
    book = openpyxl.load_workbook(io.BytesIO(bf.debit_credit(spec)))
    book.active["E4"] = 5  # the first line (row 4) is income; 5 more in 贷方 makes it both
    out = io.BytesIO()
    book.save(out)
    file = _write(header, out.getvalue(), ".xlsx")
    _, _, problems = _read(data, header.stem)
    [p] = [p for p in problems if p.code == "ledger-line-amounts"]
    assert (p.file, p.row, p.cell) == (file, 4, "D4")


def test_a_running_balance_that_breaks_names_the_first_line_only(board_city):
    data, header, spec = board_city
    balances = spec.balances()
    wrong = {2: balances[2] + 1, 3: balances[3] + 1, 4: balances[4] + 1}
    file = _write(header, bf.classic(spec, balance_at=wrong), ".xlsx")
    _, _, problems = _read(data, header.stem)
    [p] = _errors_in(problems, file)
    assert (p.code, p.cell) == ("board-running-balance", "G8")


def test_an_opening_row_that_disagrees_with_the_header_is_refused(board_city):
    data, header, spec = board_city
    file = _write(header, bf.classic(spec, opening=spec.opening + 5), ".xlsx")
    _, _, problems = _read(data, header.stem)
    codes = {(p.code, p.cell) for p in _errors_in(problems, file)}
    assert ("board-opening", "G5") in codes
    [opening] = [p for p in problems if p.code == "board-opening"]
    assert header.name in opening.zh


def test_a_footer_date_that_disagrees_with_the_header_is_refused(board_city):
    data, header, spec = board_city
    set_yaml(header, "published_on", "2024-04-09")
    file = _write(header, bf.classic(spec), ".xlsx")
    _, _, problems = _read(data, header.stem)
    [p] = _errors_in(problems, file)
    assert (p.code, p.cell, p.field) == ("board-footer", "A17", "published_on")


# Broken cells a clerk really types into the classic board: (name, cell, value, the one error, its cell).
BROKEN_CELLS = (
    ("amount_in_words", "F7", "一千元", "amount-format", "F7"),
    ("day_the_month_lacks", "B8", 35, "date-no-such-day", "B8"),
    ("summary_left_blank", "D9", None, "constraint-required", "D9"),
    ("amount_with_unit", "F10", "900元整", "amount-format", "F10"),
)


@pytest.mark.parametrize("name, cell, value, code, named", BROKEN_CELLS, ids=[b[0] for b in BROKEN_CELLS])
def test_a_broken_cell_is_refused_naming_its_row_and_nothing_else(board_city, name, cell, value, code, named):
    """One error, at the cell the clerk typed: an unreadable amount never sets off the running balance
    or the totals, which cannot be judged without it."""
    import io

    import openpyxl

    data, header, spec = board_city
    book = openpyxl.load_workbook(io.BytesIO(bf.classic(spec)))
    book.active[cell] = value
    out = io.BytesIO()
    book.save(out)
    file = _write(header, out.getvalue(), ".xlsx")
    problems = validate_city(data, {A}).problems.items
    assert [(p.code, p.cell, p.row) for p in _errors_in(problems, file)] == [(code, named, int(named[1:]))]


def test_a_sheet_without_a_header_says_what_it_read(board_city):
    data, header, spec = board_city
    rows = ["社区公开栏", "单位：元", "时间,编号,说明,钱"] + [f"2024-01-0{i},{i},办公用品,{i}0" for i in range(1, 4)]
    file = _write(header, ("\n".join(rows) + "\n").encode(), ".csv")
    _, _, problems = _read(data, header.stem)
    [p] = _errors_in(problems, file)
    assert p.code == "table-unreadable" and p.row == 3
    assert "第 3 行" in p.zh and "row 3" in p.en  # the row taken as the header
    assert "社区公开栏" in p.zh and "单位：元" in p.en  # the first rows as read
    assert "摘要" in p.zh and "收入" in p.en  # what was expected


def test_an_unknown_column_is_named_with_what_it_could_mean(board_city):
    data, header, spec = board_city
    rows = ["日期,凭证号,摘要,收入,支出,支出凭据"] + [f"{spec.year}-{spec.month:02d}-02,记-1,电费,,10,"]
    file = _write(header, ("\n".join(rows) + "\n").encode(), ".csv")
    _, _, problems = _read(data, header.stem)
    [p] = [p for p in problems if p.code == "unknown-column"]
    assert p.file == file and p.cell == "F1" and "支出凭据" in p.zh and "支出" in p.en


# --- units ---------------------------------------------------------------------------------------

def test_the_header_is_found_under_title_unit_and_blank_rows():
    text = "某社区财务公开榜\n,,单位：元\n\n\n月,凭证号,内容,收入,支出,余额\n3,记-1,电费,,10,90\n合  计,,,,10,90\n"
    grid = read_csv(text.encode(), first_row_header=False)
    where = boards.Where("f.csv", None, "2024-03")
    board = boards.read_board(grid, where, categories.default_keywords())
    assert board.header_row == 5 and board.table.lines == [6]
    assert board.table.rows[0][:6] == ["2024-03-01", "记-1", "水电燃气", "电费", "", "10"]
    assert board.totals[0].label == "合计" and board.totals[0].expense.cell == "E7"


@pytest.mark.parametrize("summary, income, category", [
    ("上级拨付社区工作经费", True, "服务经费拨款"), ("固话及宽带费", False, "通讯网络"),
    ("春节慰问困难群众（30户×300）", False, "走访慰问"), ("灭火器20具×85", False, "安全消防"),
    ("法律咨询购买服务", False, "购买服务"), ("办公经费购买文具", False, "办公用品"),
])
def test_categories_are_inferred_from_the_city_keywords_on_the_line_side(summary, income, category):
    keywords, incomes, expenses = categories.city_lists(None)
    from generator.load.yamlfile import parse

    city = parse(categories.DEFAULTS.read_text("utf-8"))
    _, incomes, expenses = categories.city_lists(city)
    assert categories.infer_category(summary, income, keywords, (incomes, expenses)) == category


def test_a_city_can_edit_the_keywords():
    from generator.load.yamlfile import parse

    city = parse("finance:\n  category_keywords:\n    居民活动: [茶话会]\n")
    keywords, _, _ = categories.city_lists(city)
    assert categories.infer_category("茶话会场地布置", False, keywords) == "居民活动"
    assert categories.infer_category("电费", False, keywords) == categories.UNCLASSIFIED


def test_a_malformed_keyword_list_is_a_city_setting_error(board_city):
    data, header, spec = board_city
    city_yaml = data / "city.yaml"
    text = city_yaml.read_text("utf-8")
    assert "  category_keywords:\n" in text  # the demo city carries Juwu's defaults
    city_yaml.write_text(text.replace("  category_keywords:\n", "  category_keywords: 电费\n  old_keywords:\n"), "utf-8")
    problems = validate_city(data, {A}).problems.items
    [p] = [p for p in problems if p.code == "city-setting"]
    assert p.field == "finance.category_keywords" and p.row is not None and "水电燃气" in p.en


def test_the_city_settings_carry_the_default_keywords():
    from generator.config import read_city
    from generator.load.yamlfile import parse
    from generator.problems import Problems

    settings = read_city(parse(categories.DEFAULTS.read_text("utf-8")), Problems())
    assert dict(settings.category_keywords)["水电燃气"][0] == "电费"
    assert settings.category_keywords == categories.default_keywords()


def test_an_unknown_column_of_a_whole_header_is_named_with_what_it_could_mean(board_city):
    data, header, spec = board_city
    clean = bf.clean_csv(spec).decode().split("\n")
    clean[0] = clean[0].replace("funding_source", "资金来原")
    file = _write(header, "\n".join(clean).encode(), ".csv")
    _, _, problems = _read(data, header.stem)
    [p] = [p for p in problems if p.code == "unknown-column"]
    assert p.file == file and p.cell == "G1" and "资金来源" in p.zh and "资金来源" in p.en


def test_a_hidden_draft_and_an_instructions_sheet_are_passed_over_for_the_board(board_city, twin):
    import io

    import openpyxl

    data, header, spec = board_city
    book = openpyxl.Workbook()
    draft = book.active
    draft.title = "草稿"
    draft.sheet_state = "hidden"
    draft.append(["摘要", "收入"])
    draft.append(["隐藏的草稿行", 99])
    book.create_sheet("填表说明").append(["说明：逐笔填写"])
    bf.classic_sheet(book.create_sheet("Sheet3"), spec)
    out = io.BytesIO()
    book.save(out)
    file = _write(header, out.getvalue(), ".xlsx")
    lines, totals, problems = _read(data, header.stem)
    assert not _errors_in(problems, file), [(p.code, p.cell, p.en) for p in _errors_in(problems, file)]
    assert lines == twin[0] and totals == twin[1]


# --- title rows above a table's header (issue 17: one message, not five) -----------------------------

def test_title_rows_above_a_members_header_are_one_warning(board_city):
    data, _, _ = board_city
    path = data / "communities" / A / "members.csv"
    before = validate_city(data, {A})
    members = [(m.name, m.role) for c in before.city.communities if c.code == A for m in c.members]
    text = path.read_text("utf-8")
    path.write_text("某某社区居务监督委员会成员名单\n,,单位：人\n" + text, "utf-8")
    result = validate_city(data, {A})
    mine = [p for p in result.problems.items if p.file.endswith("members.csv")]
    assert [(p.code, p.row) for p in mine if p.code in ("title-rows", "missing-column", "unknown-column")] == \
        [("title-rows", 1)]
    [title] = [p for p in mine if p.code == "title-rows"]
    assert "第 3 行" in title.zh and "成员名单" in title.zh and "row 3" in title.en
    assert [(m.name, m.role) for c in result.city.communities if c.code == A for m in c.members] == members
    assert not [p for p in mine if p.severity == ERROR]
    # a cell is still named where the clerk sees it: rows keep their own line numbers
    bad = path.read_text("utf-8").split("\n")
    cells = bad[3].split(",")
    cells[1] = "组员"  # the role of the first member (line 4), not one the schema allows
    bad[3] = ",".join(cells)
    path.write_text("\n".join(bad), "utf-8")
    role = next(p for p in validate_city(data, {A}).problems.sorted() if p.file.endswith("members.csv") and p.field == "role" and p.severity == ERROR)
    assert role.row == 4 and role.cell.endswith("4")
