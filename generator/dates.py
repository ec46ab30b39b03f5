"""Dates and monthly periods: read from cell text year-first only, or refused with a clear message."""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta

from generator.formats import FormatError, normalise_cell

MIN_YEAR, MAX_YEAR = 1900, 2099  # outside this a four-digit year is a typo (0224, 2204)
_DATE_ZH = "日期格式应为 2024-05-01（年-月-日），也可写 2024/5/1 或 2024年5月1日"
_DATE_EN = "dates must be year-month-day, e.g. 2024-05-01, 2024/5/1 or 2024年5月1日"
_PERIOD_ZH = "期间格式应为 2024-05（年-月），也可写 2024年5月"
_PERIOD_EN = "periods must be year-month, e.g. 2024-05 or 2024年5月"


class DateError(FormatError):
    """A date or period cell that cannot be read unambiguously."""


def _date_error(code: str, zh: str, en: str) -> DateError:
    return DateError(f"{zh}。{_DATE_ZH}", f"{en}. {_DATE_EN}", "2024-05-01", code)


def _period_error(code: str, zh: str, en: str) -> DateError:
    return DateError(f"{zh}。{_PERIOD_ZH}", f"{en}. {_PERIOD_EN}", "2024-05", code)


# The same separator twice; a trailing midnight is what Excel writes when a date cell is saved as CSV
# ("2024-05-01 00:00:00", or "2024/5/1 0:00" from Chinese Excel).
_YMD = re.compile(r"([0-9]{4})([-/.])([0-9]{1,2})\2([0-9]{1,2})")
_YMD_ZH = re.compile(r"([0-9]{4})年([0-9]{1,2})月([0-9]{1,2})日")
_MIDNIGHT = re.compile(r"(?:[ T]0{1,2}:00(?::00(?:\.0+)?)?)?")
_TIME = re.compile(r"[ T][0-9]{1,2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?")
_YEAR_LAST = re.compile(r"[0-9]{1,2}[-/.][0-9]{1,2}[-/.][0-9]{4}")
_SHORT_YEAR = re.compile(r"[0-9]{2}(?:[-/.][0-9]{1,2}[-/.][0-9]{1,2}|年[0-9]{1,2}月[0-9]{1,2}日)")
_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]+)?")


def _check_year(year: int, error, kind: str) -> None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise error(f"{kind}-year", f"年份应在 {MIN_YEAR}–{MAX_YEAR} 之间", f"the year must be {MIN_YEAR}–{MAX_YEAR}")


def _check_month(month: int, error, kind: str) -> None:
    if not 1 <= month <= 12:
        raise error(f"{kind}-month", "月份应为 1–12", "the month must be 1–12")


def parse_date(text: str) -> date:
    """Read a year-first date, e.g. "2024/5/1" -> date(2024, 5, 1); raise DateError otherwise."""
    s = normalise_cell(text)
    if not s:
        raise _date_error("date-empty", "单元格为空", "the cell is empty")
    if len(s) > 40:
        raise _date_error("date-format", "内容过长", "the text is too long")
    m = _YMD_ZH.fullmatch(s)
    if m:
        y, mo, d = m.groups()
    else:
        m = _YMD.match(s)
        if m is None or not _MIDNIGHT.fullmatch(s, m.end()):
            raise _diagnose_date(s, m)
        y, _, mo, d = m.groups()
    year, month, day = int(y), int(mo), int(d)
    _check_year(year, _date_error, "date")
    _check_month(month, _date_error, "date")
    last = calendar.monthrange(year, month)[1]
    if not 1 <= day <= last:
        raise _date_error("date-no-such-day", f"这一天不存在：{year}年{month}月只有 {last} 天",
                          f"that day does not exist: {year}-{month:02d} has {last} days")
    return date(year, month, day)


def _diagnose_date(s: str, m: re.Match | None) -> DateError:
    """Say why a text is not a date, for the mistakes Excel users actually make."""
    if m is not None and _TIME.fullmatch(s, m.end()):
        return _date_error("date-time", "只填日期，不要带时间（只接受 00:00:00）",
                           "give the date only, without a time of day (only 00:00:00 is accepted)")
    if _NUMBER.fullmatch(s):
        if len(s) == 8:
            return _date_error("date-format", "年、月、日之间缺少分隔符", "separators are missing between year, month and day")
        return _date_error("date-excel-number",
                           "这是一个数字：Excel 把这一格设成了数值格式（日期显示成了序号），请把单元格设为日期或文本格式",
                           "this is a number: Excel formatted the cell as a number (a date shows as a serial "
                           "number); format the cell as a date or as text")
    if _YEAR_LAST.fullmatch(s):
        return _date_error("date-ambiguous", "年份写在最后，无法确定是“月/日”还是“日/月”，请把年份写在前面",
                           "with the year last it is ambiguous whether month or day comes first; put the year first")
    if _SHORT_YEAR.fullmatch(s):
        return _date_error("date-short-year", "年份应写四位，如 2024", "the year must have four digits, e.g. 2024")
    return _date_error("date-format", "无法识别的日期", "not a date")


# No "2024.5": Excel stores a typed 2024.10 as the number 2024.1, which would read as January.
_YM = re.compile(r"([0-9]{4})[-/]([0-9]{1,2})|([0-9]{4})年([0-9]{1,2})月")


def parse_period(text: str) -> str:
    """Read a month, e.g. "2024年5月" or "2024/5" -> "2024-05"; raise DateError otherwise."""
    s = normalise_cell(text)
    if not s:
        raise _period_error("period-empty", "单元格为空", "the cell is empty")
    m = _YM.fullmatch(s)
    if m is None:
        if _YMD.match(s) or _YMD_ZH.fullmatch(s):
            raise _period_error("period-is-date",
                                "这是一个日期，期间只写年和月（若 Excel 把它变成了日期，请把单元格设为文本）",
                                "this is a date; a period is a year and month only (if Excel turned it "
                                "into a date, format the cell as text)")
        if _NUMBER.fullmatch(s):
            raise _period_error("period-excel-number",
                                "这是一个数字，不是期间（Excel 会把 2024.10 存成 2024.1），请写成 2024-10 并把单元格设为文本格式",
                                "this is a number, not a period (Excel stores 2024.10 as 2024.1); write 2024-10 "
                                "and format the cell as text")
        if re.fullmatch(r"[0-9]{1,2}[-/.][0-9]{4}", s):
            raise _period_error("period-year-last", "请把年份写在前面", "put the year first")
        raise _period_error("period-format", "无法识别的期间", "not a period")
    year, month = int(m[1] or m[3]), int(m[2] or m[4])
    _check_year(year, _period_error, "period")
    _check_month(month, _period_error, "period")
    return f"{year:04d}-{month:02d}"


def period_bounds(period: str) -> tuple[date, date]:
    """First and last day of a period given as "YYYY-MM"."""
    if not isinstance(period, str) or not re.fullmatch(r"[0-9]{4}-[0-9]{2}", period) or parse_period(period) != period:
        raise ValueError(f"period must be YYYY-MM, not {period!r}")
    year, month = int(period[:4]), int(period[5:])
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def add_working_days(start: date, n: int, holidays=(), workdays=()) -> date:
    """The day `n` working days after `start`: weekends and the city's holidays are not working
    days, the weekend days it declares worked (调休) are."""
    off, on = set(holidays), set(workdays)
    day, left = start, n
    while left > 0:
        day += timedelta(days=1)
        if (day.weekday() < 5 and day not in off) or day in on:
            left -= 1
    return day


def to_iso(d: date) -> str:
    """2024-05-01."""
    return d.isoformat()


def format_zh(d: date) -> str:
    """2024年5月1日."""
    return f"{d.year}年{d.month}月{d.day}日"
