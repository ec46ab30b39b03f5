"""Dates and periods: year-first only, exact, or refused with a message (SECURITY.md item 17)."""

from datetime import date, timedelta

import pytest
from hypothesis import given, strategies as st

from generator.dates import DateError, format_zh, parse_date, parse_period, period_bounds, to_iso
from generator.formats import FormatError

MAY_DAY = date(2024, 5, 1)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2024-05-01", MAY_DAY),
        ("2024-5-1", MAY_DAY),
        ("2024/5/1", MAY_DAY),
        ("2024/05/01", MAY_DAY),
        ("2024.5.1", MAY_DAY),
        ("2024年5月1日", MAY_DAY),
        ("2024年05月01日", MAY_DAY),
        ("２０２４－０５－０１", MAY_DAY),
        ("２０２４／５／１", MAY_DAY),
        ("２０２４年５月１日", MAY_DAY),
        ("  2024-05-01\u3000", MAY_DAY),
        ("\ufeff2024-05-01\r\n", MAY_DAY),
        ("2024-05-01 00:00:00", MAY_DAY),  # Excel date cell saved as CSV
        ("2024-05-01 00:00", MAY_DAY),
        ("2024/5/1 0:00", MAY_DAY),  # Chinese Excel's default date-time display
        ("2024-05-01T00:00:00", MAY_DAY),
        ("2024-05-01 00:00:00.000", MAY_DAY),
        ("2024-02-29", date(2024, 2, 29)),
        ("2023-12-31", date(2023, 12, 31)),
        ("1900-01-01", date(1900, 1, 1)),
        ("2099-12-31", date(2099, 12, 31)),
    ],
)
def test_parse_date_accepts(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    "text, code",
    [
        ("", "date-empty"),
        ("\u3000", "date-empty"),
        ("45413", "date-excel-number"),  # 2024-05-01 as an Excel serial number
        ("45413.0", "date-excel-number"),
        ("20240501", "date-format"),
        ("5/1/2024", "date-ambiguous"),
        ("01/05/2024", "date-ambiguous"),
        ("13/05/2024", "date-ambiguous"),
        ("1.5.2024", "date-ambiguous"),
        ("24-5-1", "date-short-year"),
        ("24/05/01", "date-short-year"),
        ("24年5月1日", "date-short-year"),
        ("2024-02-30", "date-no-such-day"),
        ("2023-02-29", "date-no-such-day"),
        ("2024-04-31", "date-no-such-day"),
        ("2024-05-00", "date-no-such-day"),
        ("2024年2月30日", "date-no-such-day"),
        ("2024-13-01", "date-month"),
        ("2024-00-10", "date-month"),
        ("0224-05-01", "date-year"),
        ("2204-05-01", "date-year"),
        ("2024-05-01 10:00", "date-time"),
        ("2024-05-01 00:00:01", "date-time"),
        ("2024/5/1 9:30", "date-time"),
        ("2024-05-01T12:00:00", "date-time"),
        ("2024-05-01T00:00:00Z", "date-format"),
        ("2024-05-01T00:00:00+08:00", "date-format"),
        ("2024-5/1", "date-format"),  # mixed separators
        ("2024-05", "date-format"),
        ("2024-05-01-", "date-format"),
        ("2024-005-01", "date-format"),
        ("2024年5月1", "date-format"),
        ("二〇二四年五月一日", "date-format"),
        ("May 1, 2024", "date-format"),
        ("2024-05-01 00:00:00 00:00:00", "date-format"),
        ("١٢٣٤-٠٥-٠١", "date-format"),
        ("2" * 500, "date-format"),
    ],
)
def test_parse_date_rejects(text, code):
    with pytest.raises(DateError) as info:
        parse_date(text)
    err = info.value
    assert err.code == code
    assert isinstance(err, FormatError) and isinstance(err, ValueError)
    assert "2024-05-01" in err.zh and "2024-05-01" in err.en  # names the format expected
    assert err.expected == "2024-05-01"


def test_messages_say_why():
    with pytest.raises(DateError) as info:
        parse_date("2024-02-30")
    assert "不存在" in info.value.zh and "does not exist" in info.value.en
    with pytest.raises(DateError) as info:
        parse_date("45413")
    assert "Excel" in info.value.zh and "Excel" in info.value.en
    with pytest.raises(DateError) as info:
        parse_date("5/1/2024")
    assert "ambiguous" in info.value.en


def test_parse_date_refuses_non_text():
    with pytest.raises(TypeError):
        parse_date(45413)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "text, period",
    [
        ("2024-05", "2024-05"),
        ("2024-5", "2024-05"),
        ("2024年5月", "2024-05"),
        ("2024年05月", "2024-05"),
        ("2024/05", "2024-05"),
        ("2024/5", "2024-05"),
        ("2024-12", "2024-12"),
        ("２０２４年１０月", "2024-10"),
        (" 2024-05 ", "2024-05"),
    ],
)
def test_parse_period_accepts(text, period):
    assert parse_period(text) == period


@pytest.mark.parametrize(
    "text, code",
    [
        ("", "period-empty"),
        ("2024.5", "period-excel-number"),  # Excel keeps 2024.10 as 2024.1: would read as January
        ("2024.10", "period-excel-number"),
        ("202405", "period-excel-number"),
        ("45413", "period-excel-number"),
        ("2024-05-01", "period-is-date"),
        ("2024年5月1日", "period-is-date"),
        ("5/2024", "period-year-last"),
        ("05-2024", "period-year-last"),
        ("2024-13", "period-month"),
        ("2024-0", "period-month"),
        ("1899-12", "period-year"),
        ("24-05", "period-format"),
        ("2024-5-", "period-format"),
        ("May-24", "period-format"),
        ("2024年5", "period-format"),
        ("2024 年 5 月", "period-format"),
    ],
)
def test_parse_period_rejects(text, code):
    with pytest.raises(DateError) as info:
        parse_period(text)
    assert info.value.code == code
    assert "2024-05" in info.value.zh and "2024-05" in info.value.en
    assert info.value.expected == "2024-05"


@pytest.mark.parametrize(
    "period, first, last",
    [
        ("2024-05", date(2024, 5, 1), date(2024, 5, 31)),
        ("2024-02", date(2024, 2, 1), date(2024, 2, 29)),
        ("2023-02", date(2023, 2, 1), date(2023, 2, 28)),
        ("2024-04", date(2024, 4, 1), date(2024, 4, 30)),
        ("2024-12", date(2024, 12, 1), date(2024, 12, 31)),
    ],
)
def test_period_bounds(period, first, last):
    assert period_bounds(period) == (first, last)


@pytest.mark.parametrize("period", ["2024-5", "2024年5月", "2024-13", "2024-05-01", "", "2024/05"])
def test_period_bounds_wants_canonical(period):
    with pytest.raises(ValueError):
        period_bounds(period)


def test_to_iso_and_format_zh():
    assert to_iso(MAY_DAY) == "2024-05-01"
    assert format_zh(MAY_DAY) == "2024年5月1日"
    assert format_zh(date(2023, 12, 31)) == "2023年12月31日"


dates = st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31))


@given(dates)
def test_date_round_trip(d):
    assert parse_date(to_iso(d)) == d
    assert parse_date(format_zh(d)) == d
    assert parse_date(f"{d.year}/{d.month}/{d.day}") == d
    assert parse_date(f"{d.year}.{d.month}.{d.day}") == d
    assert parse_date(f"{to_iso(d)} 00:00:00") == d
    assert parse_date(to_iso(d).translate(str.maketrans("0123456789-", "０１２３４５６７８９－"))) == d


@given(dates)
def test_period_round_trip(d):
    period = parse_period(f"{d.year}年{d.month}月")
    assert period == to_iso(d)[:7]
    first, last = period_bounds(period)
    assert first <= d <= last
    assert first.day == 1 and (last + timedelta(days=1)).day == 1


_DATEISH = st.sampled_from(list("0123456789-/.:年月日 T０１２３４５６７８９－／．") + ["2024", "00:00", "24"])
texts = st.one_of(st.text(), st.lists(_DATEISH, max_size=12).map("".join))


@given(texts)
def test_parse_date_raises_only_date_error(text):
    try:
        value = parse_date(text)
    except DateError as err:
        assert err.zh and err.en and err.expected
    else:
        assert parse_date(to_iso(value)) == value


@given(texts)
def test_parse_period_raises_only_date_error(text):
    try:
        period = parse_period(text)
    except DateError as err:
        assert err.zh and err.en and err.expected
    else:
        assert parse_period(period) == period
        period_bounds(period)
