"""A year's workbook with one sheet per month (finance/2024.xlsx: sheets 1月 … 12月), read as periods.

Clerks keep a year's ledger as one workbook: a sheet per month named 1月, 01月, 一月, 3月份,
2024年3月, 2024.03 or 2024-03, often with a 汇总 (summary) or 说明 sheet and old or draft months
hidden. `month_sheets` says which sheet is which period:

- a month sheet becomes the period YYYY-MM of the workbook's year; a sheet naming another year,
  or a second sheet for a month already given, is an error naming the sheet;
- a summary, cover or instructions sheet (SKIPPED_WORDS: 汇总, 合计, 说明, 封面 …) is left alone;
- a hidden sheet is not published (a warning names it: unhide it to publish it);
- any other sheet is ignored with a warning naming it.

Each month is a Source of its own whose file is `<workbook>!<sheet>` (SHEET_MARK), so its rows,
problems and cache entry stay apart from the other months; its cells are named `3月!D12`.
`chain` checks that each month's 上月结转 row equals the closing balance the month before gives.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, replace
from decimal import Decimal

from generator.formats import FormatError
from generator.money import format_amount, parse_amount
from generator.problems import ERROR, WARNING, Problem

SHEET_MARK = "!"  # communities/<code>/finance/2024.xlsx!3月: one month's sheet of a year's workbook
YEAR_BOOK = re.compile(r"^([0-9]{4})\.xlsx$", re.I)
SKIPPED_WORDS = ("汇总", "合计", "累计", "说明", "封面", "目录", "模板", "样表", "填表", "备注", "全年", "年度")
_NUMERALS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10,
             "十一": 11, "十二": 12, "正": 1, "元": 1}
_YEAR_MONTH = re.compile(r"(?:([0-9]{4})\s*(?:年|[./\-_]))?\s*([0-9]{1,2})\s*(?:月份?|月)?")
_CHINESE_MONTH = re.compile(r"(?:([0-9]{4})\s*年)?\s*(十[一二]?|[一二三四五六七八九正元])\s*月份?")
_COMPACT = re.compile(r"([0-9]{4})([0-9]{2})")


@dataclass(frozen=True)
class MonthSheet:
    title: str  # the sheet's name as written
    period: str  # YYYY-MM


def sheet_month(title: str) -> tuple[int | None, int] | None:
    """(year or None, month) a sheet's name gives, or None when it names no month."""
    text = "".join(title.split())
    for pattern in (_YEAR_MONTH, _CHINESE_MONTH, _COMPACT):
        m = pattern.fullmatch(text)
        if not m:
            continue
        month = int(m[2]) if m[2].isdigit() else _NUMERALS[m[2]]
        if 1 <= month <= 12:
            return (int(m[1]) if m[1] else None), month
    return None


def is_skipped(title: str) -> bool:
    """A summary, cover or instructions sheet: not a month, and not worth a warning."""
    return any(word in title for word in SKIPPED_WORDS)


def month_sheets(rel: str, year: int, sheets: list[tuple[str, str]],
                 community: str | None) -> tuple[list[MonthSheet], list[Problem]]:
    """(the month sheets in workbook order, problems) of a year's workbook; `sheets` are
    (title, state) with state visible, hidden or veryHidden, as openpyxl gives them."""
    found: list[MonthSheet] = []
    problems: list[Problem] = []
    taken: dict[str, str] = {}
    for title, state in sheets:
        month = sheet_month(title)
        if month is None:
            if not is_skipped(title):
                problems.append(_problem(
                    "workbook-sheet-unknown", WARNING, rel, community, title,
                    f"工作表“{title}”不是月份表（应命名为“1月”“2024年3月”或“2024.03”），已忽略",
                    f"sheet '{title}' is not a month's sheet (name it 1月, 2024年3月 or 2024.03); ignored",
                    "如果它是某个月的收支明细，请把工作表改名为该月，例如“3月”",
                    "If it holds a month's ledger, rename the sheet to its month, e.g. 3月"))
            continue
        if state != "visible":
            problems.append(_problem(
                "workbook-sheet-hidden", WARNING, rel, community, title,
                f"工作表“{title}”是隐藏的，没有读取，也不会公开",
                f"sheet '{title}' is hidden; it is not read and not published",
                "如需公开这个月，请在 Excel 中右键工作表标签 →“取消隐藏”后保存",
                "To publish this month, unhide the sheet in Excel (right-click the sheet tabs → Unhide) and save"))
            continue
        sheet_year, number = month
        if sheet_year is not None and sheet_year != year:
            problems.append(_problem(
                "workbook-sheet-year", ERROR, rel, community, title,
                f"工作表“{title}”是 {sheet_year} 年的，但工作簿 {year}.xlsx 是 {year} 年的账",
                f"sheet '{title}' is for {sheet_year}, but the workbook {year}.xlsx holds {year}'s ledger",
                f"把这个工作表移到 {sheet_year}.xlsx，或改正工作表名称",
                f"Move the sheet to {sheet_year}.xlsx, or correct its name"))
            continue
        period = f"{year:04d}-{number:02d}"
        if period in taken:
            problems.append(_problem(
                "workbook-sheet-twice", ERROR, rel, community, title,
                f"工作表“{title}”和“{taken[period]}”都是 {year} 年 {number} 月的账，只能保留一个",
                f"sheets '{title}' and '{taken[period]}' are both {period}; keep one",
                "删除或改名其中一个工作表", "Delete or rename one of the sheets"))
            continue
        taken[period] = title
        found.append(MonthSheet(title, period))
    return sorted(found, key=lambda s: s.period), problems


def sheet_file(rel: str, title: str) -> str:
    """The name a month of a workbook goes by: communities/<code>/finance/2024.xlsx!3月."""
    return f"{rel}{SHEET_MARK}{title}"


def in_sheet(problem: Problem, file: str, title: str) -> Problem:
    """A problem found reading one month's sheet, named by that month and its cell as 3月!D12."""
    cell = problem.cell
    if cell and SHEET_MARK not in cell:
        cell = f"{title}{SHEET_MARK}{cell}"
    return replace(problem, file=file, cell=cell)


@dataclass(frozen=True)
class MonthRead:
    """What the chain check needs of one month's sheet."""

    period: str
    title: str
    opening: object | None  # the board's 上月结转 Mark (generator/load/board.py), if any
    closing: Decimal | None  # the closing balance its lines give (opening + income − expense)


def chain(file_of: dict[str, str], months: list[MonthRead], community: str | None) -> list[Problem]:
    """Each month's 上月结转 against the closing balance of the month before it in the workbook."""
    problems: list[Problem] = []
    for before, month in zip(months, months[1:]):
        if not _consecutive(before.period, month.period) or before.closing is None or month.opening is None:
            continue
        try:
            opening = parse_amount(month.opening.text)
        except FormatError:
            continue
        if opening == before.closing:
            continue
        cell = f"{month.title}{SHEET_MARK}{month.opening.cell}"
        problems.append(Problem(
            "workbook-opening", ERROR, file_of[month.period],
            f"{cell} 的上月结转是 {format_amount(opening)}，但上一个月（工作表“{before.title}”）的结存是 "
            f"{format_amount(before.closing)}",
            f"{cell}: the opening balance (上月结转) is {opening}, but the month before (sheet '{before.title}') "
            f"closed at {before.closing}",
            row=month.opening.row, field="opening_balance", value=month.opening.text, cell=cell, community=community,
            hint_zh=f"核对工作表“{before.title}”的结存和“{month.title}”的上月结转，改正错的一处",
            hint_en=f"Check the closing balance of sheet '{before.title}' against the opening of '{month.title}' "
                    "and correct the wrong one"))
    return problems


def _consecutive(a: str, b: str) -> bool:
    first = datetime.date(int(a[:4]), int(a[5:7]), 1)
    nxt = (first + datetime.timedelta(days=32)).replace(day=1)
    return nxt.strftime("%Y-%m") == b


def _problem(code: str, severity: str, rel: str, community: str | None, title: str, zh: str, en: str,
             hint_zh: str, hint_en: str) -> Problem:
    return Problem(code, severity, rel, zh, en, field=None, value=title, community=community,
                   hint_zh=hint_zh, hint_en=hint_en)
