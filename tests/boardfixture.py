"""Ledger boards laid out the way clerks keep them (DISCLOSURE.md "What real boards look like"),
built by code: each writes one period's lines of BOARD_LINES as a board variant, to be read back
to exactly the lines and totals of the clean CSV twin (tests/test_boards.py)."""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass
from decimal import Decimal

import openpyxl


@dataclass(frozen=True)
class Line:
    day: int
    voucher: str
    summary: str
    income: Decimal | None
    expense: Decimal | None
    category: str  # what the city's default keywords give for the summary


D = Decimal
BOARD_LINES = (
    Line(2, "记-001", "街道拨付社区办公经费", D("15000.00"), None, "办公经费拨款"),
    Line(5, "记-002", "电费", None, D("1132.80"), "水电燃气"),
    Line(8, "记-003", "打印纸、墨盒等办公用品", None, D("1286.50"), "办公用品"),
    Line(12, "记-004", "网格员通讯补贴（3人×300）", None, D("900.00"), "人员补贴"),
    Line(20, "记-005", "银行存款利息", D("12.36"), None, "利息收入"),
    Line(21, "记-006", "银行手续费", None, D("15.00"), "银行手续费"),
    Line(25, "记-007", "小区绿化补植修剪", None, D("4800.00"), "环境绿化"),
    Line(28, "记-008", "茶话会场地布置", None, D("200.00"), "未分类"),
)
INCOME = sum((l.income or D(0) for l in BOARD_LINES), D(0))
EXPENSE = sum((l.expense or D(0) for l in BOARD_LINES), D(0))
PREPARED_BY, CHECKED_BY, OPINION = "王峰", "财务李敏", "经审核，同意公开。"
REVIEWER = "任永良"  # the supervision committee's reviewer, where a board names one


@dataclass(frozen=True)
class Spec:
    """The period a board is for and its opening balance."""

    year: int
    month: int
    opening: Decimal
    published_on: datetime.date

    def date(self, line: Line) -> datetime.date:
        return datetime.date(self.year, self.month, line.day)

    def balances(self) -> list[Decimal]:
        out, balance = [], self.opening
        for line in BOARD_LINES:
            balance += (line.income or 0) - (line.expense or 0)
            out.append(balance)
        return out

    @property
    def closing(self) -> Decimal:
        return self.opening + INCOME - EXPENSE


def clean_csv(spec: Spec) -> bytes:
    rows = ["date,voucher,category,summary,income,expense,funding_source,handled_by"]
    for l in BOARD_LINES:
        rows.append(f"{spec.date(l).isoformat()},{l.voucher},{l.category},{l.summary},{l.income or ''},"
                    f"{l.expense or ''},,未注明")
    return ("\n".join(rows) + "\n").encode()


def _save(book) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _num(value: Decimal | None):
    return None if value is None else float(value)


def _footer(ws, spec: Spec, split_cells: bool = False, review: bool = False) -> None:
    ws.append([])
    if review:  # the committee's own signature line, as some boards print it
        ws.append([f"监督委员会审核人：{REVIEWER}", None, None, None,
                   f"监督委员会审核日期：{spec.published_on.isoformat()}"])
    if split_cells:  # label and value in cells side by side
        ws.append(["制表：", PREPARED_BY, "审核：", CHECKED_BY])
        ws.append(["监督委员会意见：", OPINION])
        ws.append(["张榜日期：", spec.published_on])
    else:
        ws.append([f"制表：{PREPARED_BY}", None, f"审核：{CHECKED_BY}", None, f"监督委员会意见：{OPINION}"])
        ws.append([f"张榜日期：{spec.published_on.year}年{spec.published_on.month}月{spec.published_on.day}日"])


def classic(spec: Spec, *, total_income: Decimal | None = None, balance_at: dict[int, Decimal] | None = None,
            opening: Decimal | None = None, review: bool = False) -> bytes:
    """Merged title, unit line, two-row merged header 月|日|凭证号|收支内容|金额(收入|支出)|结存, 上月结转
    first, the month only on the first line, blank cells for zero, a spaced 合  计 row, signatures
    (`review`: with the committee's reviewer and review date)."""
    book = openpyxl.Workbook()
    classic_sheet(book.active, spec, total_income=total_income, balance_at=balance_at, opening=opening, review=review)
    return _save(book)


def classic_sheet(ws, spec: Spec, *, total_income: Decimal | None = None,
                  balance_at: dict[int, Decimal] | None = None, opening: Decimal | None = None,
                  review: bool = False) -> None:
    """The classic board written into the worksheet `ws` (one month of a year's workbook)."""
    ws.append([f"某某社区居务公开榜（{spec.year}年{spec.month}月）"])
    ws.merge_cells("A1:G1")
    ws.append([None, None, None, None, None, "单位：元"])
    ws.append(["月", "日", "凭证号", "收支内容", "金额", None, "结存"])
    ws.append([None, None, None, None, "收入", "支出", None])
    for col in "ABCDG":
        ws.merge_cells(f"{col}3:{col}4")
    ws.merge_cells("E3:F3")
    ws.append([spec.month, None, None, "上月结转", None, None, _num(spec.opening if opening is None else opening)])
    balances = spec.balances()
    for i, l in enumerate(BOARD_LINES):
        shown = (balance_at or {}).get(i, balances[i])
        ws.append([None, l.day, l.voucher, l.summary, _num(l.income), _num(l.expense), _num(shown)])
        for c in "EFG":
            ws[f"{c}{ws.max_row}"].number_format = "#,##0.00"
    ws.append([None, None, None, "合  计", _num(INCOME if total_income is None else total_income), _num(EXPENSE),
               _num(spec.closing)])
    _footer(ws, spec, review=review)


def debit_credit(spec: Spec) -> bytes:
    """One header row 日期|凭证编号|摘要|借方|贷方|余额, real date cells, an 上期结余 row."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["收支明细账"])
    ws.append(["日期", "凭证编号", "摘要", "借方", "贷方", "余额"])
    ws.append([None, None, "上期结余", None, None, _num(spec.opening)])
    for l, balance in zip(BOARD_LINES, spec.balances()):
        ws.append([spec.date(l), l.voucher, l.summary, _num(l.income), _num(l.expense), _num(balance)])
        ws[f"A{ws.max_row}"].number_format = "yyyy年m月d日"
    ws.append([None, None, "本月合计", _num(INCOME), _num(EXPENSE), _num(spec.closing)])
    _footer(ws, spec, split_cells=True)
    return _save(book)


def month_day(spec: Spec) -> bytes:
    """月 | 日 columns, the month on every line, 本月合计 then 本年累计 (checked only in January)."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["月", "日", "凭证号", "摘要", "收入", "支出", "结存"])
    ws.append([None, None, None, "上月结转", None, None, _num(spec.opening)])
    for l, balance in zip(BOARD_LINES, spec.balances()):
        ws.append([f"{spec.month}月", f"{l.day}日", l.voucher, l.summary, _num(l.income), _num(l.expense), _num(balance)])
    ws.append([None, None, None, "本月合计", _num(INCOME), _num(EXPENSE), None])
    ws.append([None, None, None, "本年累计", _num(INCOME * 3), _num(EXPENSE * 3), None])
    _footer(ws, spec)
    return _save(book)


def serials(spec: Spec) -> bytes:
    """Dates typed as Excel serial numbers in a cell not formatted as a date; 收入金额 | 支出金额."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["单位：元"])
    ws.append(["日期", "凭证号", "内容", "收入金额", "支出金额"])
    for l in BOARD_LINES:
        ws.append([(spec.date(l) - datetime.date(1899, 12, 30)).days, l.voucher, l.summary, _num(l.income),
                   _num(l.expense)])
    ws.append(["合计", None, None, _num(INCOME), _num(EXPENSE)])
    return _save(book)


def gbk_csv(spec: Spec) -> bytes:
    """A GBK CSV board: title, unit line, 日期 as 3月5日, 凭证字号, 事由, amounts with thousands commas."""
    rows = [f"{spec.year}年{spec.month}月财务公开榜,,,,,", ",,,,,单位：元", "日期,凭证字号,事由,收入,支出,结存",
            f",,上月结转,,,\"{spec.opening:,.2f}\""]
    for l, balance in zip(BOARD_LINES, spec.balances()):
        money = [f"\"{v:,.2f}\"" if v is not None else "" for v in (l.income, l.expense)]
        rows.append(f"{spec.month}月{l.day}日,{l.voucher},{l.summary},{money[0]},{money[1]},\"{balance:,.2f}\"")
    rows.append(f",,合  计,\"{INCOME:,.2f}\",\"{EXPENSE:,.2f}\",\"{spec.closing:,.2f}\"")
    rows.append(f"制表：{PREPARED_BY},,审核：{CHECKED_BY},,,")
    return ("\r\n".join(rows) + "\r\n").encode("gbk")


def plain_csv(spec: Spec) -> bytes:
    """A UTF-8 (BOM) CSV whose first row is a header without category or handler columns."""
    rows = ["凭证号,日期,收支内容,收入,支出"]
    for l in BOARD_LINES:
        rows.append(f"{l.voucher},{spec.date(l).isoformat()},{l.summary},{l.income or ''},{l.expense or ''}")
    return ("\n".join(rows) + "\n").encode("utf-8-sig")


def day_only(spec: Spec) -> bytes:
    """The period in the title row, a 日期 column holding the day only, dashes for zero."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.append([f"{spec.year}年{spec.month}月收支公开"])
    ws.append([])
    ws.append(["日期", "凭证号", "摘要", "收入", "支出", "结存"])
    ws.append([None, None, "上月结转", "-", "-", _num(spec.opening)])
    for l, balance in zip(BOARD_LINES, spec.balances()):
        ws.append([l.day, l.voucher, l.summary, _num(l.income) or "-", _num(l.expense) or "-", _num(balance)])
    _footer(ws, spec)
    return _save(book)


def low_header(spec: Spec) -> bytes:
    """The header on row 12 under notes; amounts typed as text (¥15,000.00, 1,286.50)."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["说明：本表按月公开，接受居民监督。"])
    for _ in range(5):
        ws.append([])
    for note in ("公开单位：某某社区居委会", "监督电话：12345", "单位：元"):
        ws.append([note])
        ws.append([])
    ws.append(["日期", "凭证号", "摘要", "收入", "支出"])
    for l in BOARD_LINES:
        ws.append([spec.date(l).isoformat(), l.voucher, l.summary,
                   f"¥{l.income:,.2f}" if l.income else None, f"{l.expense:,.2f}" if l.expense else None])
    return _save(book)


def year_over_month_day(spec: Spec) -> bytes:
    """Two-row header: 2024年 merged over 月 | 日, 金额（元） over 收入 | 支出; label and value of
    the footer in separate cells."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.append([f"{spec.year}年", None, "凭证号", "摘  要", "金额（元）", None, "余额（元）"])
    ws.append(["月", "日", None, None, "收 入", "支 出", None])
    ws.merge_cells("A1:B1")
    ws.merge_cells("E1:F1")
    ws.append([spec.month, 1, None, "上月结转", None, None, _num(spec.opening)])
    for l, balance in zip(BOARD_LINES, spec.balances()):
        ws.append([spec.month, l.day, l.voucher, l.summary, _num(l.income), _num(l.expense), _num(balance)])
    ws.append([None, None, None, "合计", _num(INCOME), _num(EXPENSE), _num(spec.closing)])
    _footer(ws, spec, split_cells=True)
    return _save(book)


def given_categories(spec: Spec) -> bytes:
    """A sheet with its own 科目 and 经手人 columns: taken as written, nothing inferred."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["社区收支明细"])
    ws.append(["日期", "凭证号", "科目", "摘要", "收入", "支出", "经手人"])
    for l in BOARD_LINES:
        ws.append([spec.date(l), l.voucher, l.category, l.summary, _num(l.income), _num(l.expense), "未注明"])
        ws[f"A{ws.max_row}"].number_format = "yyyy-mm-dd"
    ws.append(["合计", None, None, None, _num(INCOME), _num(EXPENSE), None])
    return _save(book)


def opening_label_variant(spec: Spec) -> bytes:
    """上期结余 and 本期合计, running balance as floats that need rounding (1132.8)."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["凭证号", "日期", "收支事由", "收入", "支出", "结余"])
    ws.append([None, None, "上期结余", None, None, _num(spec.opening)])
    for l, balance in zip(BOARD_LINES, spec.balances()):
        ws.append([l.voucher, spec.date(l), l.summary, _num(l.income), _num(l.expense), float(balance)])
    ws.append([None, None, "本期合计", _num(INCOME), _num(EXPENSE), float(spec.closing)])
    return _save(book)


def over_pages(spec: Spec, *, cumulative: bool = False, subtotal_shift: Decimal = Decimal(0)) -> bytes:
    """A board printed over two pages: the title and header repeated on the second, a 小计 row ending
    the first page (the page's own lines, or with `cumulative` every line so far; `subtotal_shift`
    makes its income wrong), 0 typed in the empty amount cells, date cells as 2024.3.5 text."""
    book = openpyxl.Workbook()
    ws = book.active
    header = ["日期", "凭证号", "摘要", "收入", "支出", "结存"]
    ws.append([f"{spec.year}年{spec.month}月收支公开（第1页）"])
    ws.append(header)
    ws.append([None, None, "上月结转", 0, 0, _num(spec.opening)])
    page_income = page_expense = Decimal(0)
    for i, (l, balance) in enumerate(zip(BOARD_LINES, spec.balances())):
        if i == 5:
            ws.append([None, None, "小  计", _num(page_income + subtotal_shift), _num(page_expense), _num(balance_before)])
            ws.append([])
            ws.append([f"{spec.year}年{spec.month}月收支公开（第2页）"])
            ws.append(header)
            if not cumulative:
                page_income = page_expense = Decimal(0)
        ws.append([f"{spec.year}.{spec.month}.{l.day}", l.voucher, l.summary, _num(l.income or Decimal(0)),
                   _num(l.expense or Decimal(0)), _num(balance)])
        page_income += l.income or 0
        page_expense += l.expense or 0
        balance_before = balance
    ws.append([None, None, "合  计", _num(INCOME), _num(EXPENSE), _num(spec.closing)])
    _footer(ws, spec)
    return _save(book)


def over_pages_cumulative(spec: Spec) -> bytes:
    return over_pages(spec, cumulative=True)


# (name, builder, suffix): every variant reads to the clean CSV's lines and totals.
VARIANTS = (
    ("classic", classic, ".xlsx"),
    ("debit_credit", debit_credit, ".xlsx"),
    ("month_day", month_day, ".xlsx"),
    ("serials", serials, ".xlsx"),
    ("gbk_csv", gbk_csv, ".csv"),
    ("plain_csv", plain_csv, ".csv"),
    ("day_only", day_only, ".xlsx"),
    ("low_header", low_header, ".xlsx"),
    ("year_over_month_day", year_over_month_day, ".xlsx"),
    ("given_categories", given_categories, ".xlsx"),
    ("opening_label_variant", opening_label_variant, ".xlsx"),
    ("over_pages", over_pages, ".xlsx"),
    ("over_pages_cumulative", over_pages_cumulative, ".xlsx"),
)
