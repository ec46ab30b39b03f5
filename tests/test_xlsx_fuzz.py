"""Issue 13, item 2: every malformed workbook is a clear refusal, never a crash.

A structure-aware fuzzer: valid zips of plausible workbook parts with mutated XML (cell types,
values, references, shared-string indexes, dimensions, row numbers, truncation, missing or
garbage parts). read_xlsx must return a Table or raise TableRefused with a Chinese and an
English message; any other exception is a crash the campaign found (ValueError, IndexError,
ParseError, KeyError, TypeError, BadZipFile, ...). The budget is fixed and derandomised.
"""

from __future__ import annotations

import re
import shutil
import warnings

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.load.city import load_city
from generator.load.tables import Table, TableRefused, read_xlsx
from tests import xlsxparts as x
from tests.cityfixture import A, city, small_city  # noqa: F401  (fixtures)

CJK = re.compile(r"[\u4e00-\u9fff]")

row_numbers = st.one_of(st.none(), st.integers(1, 12).map(str), st.sampled_from(
    ["1e15", "0", "-1", "", " 3", "1048576", "1048577", "99999999999999999999", "x", "2.0", "１"]))
refs = st.one_of(st.none(), st.builds(lambda c, r: f"{c}{r}", st.sampled_from(["A", "B", "Z", "AA", "XFD", "XFE", "a", "AAAA", ""]),
                                      st.sampled_from(["1", "2", "3", "0", "1048576", "1e3", ""])))
kinds = st.sampled_from([None, "n", "s", "b", "e", "str", "inlineStr", "d", "x", ""])
values = st.one_of(
    st.none(), st.integers(-10, 5).map(str),
    st.sampled_from(["abc", "", "1e400", "NaN", "inf", "1.5", "-0", "2958466", "45658", "1_000", "１２", "#DIV/0!",
                     "2024-05-01T00:00:00", "garbage-date", "1" * 5000, "0x10", " 7 "]),
    st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=8), st.just("\x01"))
styles = st.sampled_from([None, "0", "1", "2", "99", "x", "-1"])


SANE = [(None, "3"), ("n", "12.5"), ("s", "0"), ("b", "1"), ("e", "#N/A"), ("str", "文字"), ("d", "2024-05-01T00:00:00"),
        ("inlineStr", None), ("n", "45658")]


def mutated(draw, sane, wild):
    """Mostly the sane value, sometimes a wild one, so examples get deep enough to reach every
    cell kind. (Triggers compare with a middle value: hypothesis favours 0 and the bounds.)"""
    return draw(wild) if draw(st.integers(0, 11)) == 5 else sane


@st.composite
def cells(draw, row_number: int, column: int) -> str:
    kind, value = draw(st.sampled_from(SANE))
    kind, value = (draw(kinds), draw(values)) if draw(st.integers(0, 7)) == 3 else (kind, value)
    ref = mutated(draw, f"{x.column_letter(column)}{row_number}", refs)
    style = mutated(draw, None, styles)
    attrs = "".join(f' {k}="{x.escape(v, {chr(34): "&quot;"})}"' for k, v in (("r", ref), ("t", kind), ("s", style)) if v is not None)
    inner = "" if value is None else f"<v>{x.escape(value)}</v>"
    if kind == "inlineStr":
        inner = f"<is><t>{x.escape(value or '上月结转')}</t></is>"
    if draw(st.integers(0, 9)) == 4:
        inner = f"<f>SUM(A1:A2)</f>{inner if draw(st.booleans()) else ''}"
    return f"<c{attrs}>{inner}</c>"


@st.composite
def sheets(draw) -> str:
    body, number = [], 0
    for _ in range(draw(st.sampled_from([3, 2, 4, 5, 0, 1, 6]))):  # shrinks towards 3 rows
        number += draw(st.integers(1, 3))
        columns = sorted(draw(st.sets(st.integers(0, 6), min_size=1, max_size=4)))
        row_cells = [draw(cells(number, c)) for c in columns]
        body.append(x.row(mutated(draw, str(number), row_numbers), *row_cells))
    xml = x.sheet("".join(body), draw(st.one_of(st.none(), st.sampled_from(["A1", "A1:XFD1048576", "", "ZZZZ0", "A1:B"]))))
    if draw(st.integers(0, 7)) == 3:
        xml = xml[: draw(st.integers(0, len(xml)))]  # truncated
    return xml


GARBAGE = st.one_of(st.none(), st.just(b"not xml at all"), st.just(b"<?xml version='1.0'?><wrong/>"),
                    st.just(b"\xff\xfe<\x00"), st.just(b'<!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>'))


@st.composite
def workbooks(draw) -> bytes:
    strings = draw(st.lists(st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=5), max_size=3))
    files = x.parts(strings=strings, name=draw(st.sampled_from(["Sheet1", "账目", "a&b", "x" * 31])))
    files["xl/worksheets/sheet1.xml"] = draw(sheets())
    if draw(st.integers(0, 5)) == 3:
        broken = draw(st.sampled_from(sorted(files)))
        files[broken] = draw(GARBAGE)
        files = {k: v for k, v in files.items() if v is not None}
    return x.zipped(files)


def _read(data: bytes):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return read_xlsx(data)
        except TableRefused as exc:
            return exc


def _clear(exc: TableRefused) -> None:
    assert CJK.search(exc.zh), exc.zh
    assert re.search(r"[A-Za-z]{3,}", exc.en) and not CJK.fullmatch(exc.en), exc.en
    assert "Traceback" not in exc.zh + exc.en


@settings(max_examples=200, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(workbooks())
def test_a_mutated_workbook_is_read_or_refused_clearly(data):
    result = _read(data)
    if isinstance(result, TableRefused):
        _clear(result)
    else:
        assert isinstance(result, Table)
        assert all(isinstance(c, str) for row in result.rows for c in row)
        assert len(result.lines) == len(result.rows) and result.lines == sorted(set(result.lines))


H = x.row(1, x.text("A1", "日期"), x.text("B1", "金额"))

# The crash types the campaign's fuzzer found, one workbook each; each must be a clear refusal.
MALFORMED = {
    "missing shared string": (x.workbook(H + x.row(2, '<c r="B2" t="s"><v>999</v></c>'), strings=["x"]), "B2"),
    "text in a number cell": (x.workbook(H + x.row(2, '<c r="B2" t="n"><v>abc</v></c>')), "B2"),
    "bad date serial": (x.workbook(H + x.row(2, x.number("A2", "1e300", style=1))), "A2"),
    "negative date serial": (x.workbook(H + x.row(2, x.number("A2", "-99999999", style=1))), "A2"),
    "bad ISO date": (x.workbook(H + x.row(2, '<c r="A2" t="d"><v>2024-13-45</v></c>')), "A2"),
    "bad boolean": (x.workbook(H + x.row(2, '<c r="B2" t="b"><v>yes</v></c>')), "B2"),
    "formula without result": (x.workbook(H + x.row(2, '<c r="B2"><f>A2*2</f></c>')), "B2"),
    "unknown cell type": (x.workbook(H + x.row(2, '<c r="B2" t="q"><v>1</v></c>')), "B2"),
    "huge integer": (x.workbook(H + x.row(2, x.number("B2", "9" * 5000))), "B2"),
    "no workbook part": (x.workbook(H, workbook=None), None),
    "no sheet part": (x.workbook(H, sheet1=None), None),
    "no content types": (x.workbook(H, content_types=None), None),
    "wrong content type": (x.workbook(H, content_types=x.CONTENT_TYPES.replace("sheet.main+xml", "nothing")), None),
    "broken workbook XML": (x.workbook(H, workbook="<workbook"), None),
    "broken sheet XML": (x.workbook(H + "<row r='2'><c r='A2'>"), None),
    "broken shared strings": (x.workbook(H, shared="<sst><si><t>x"), None),
    "broken styles": (x.workbook(H, styles="<styleSheet><cellXfs count='x'>"), None),
    "entity in the sheet": (x.workbook(H, sheet1='<!DOCTYPE w [<!ENTITY e "x">]><worksheet>&e;</worksheet>'), None),
    "not a zip": (b"PK\x03\x04 this is not a zip", None),
    "truncated zip": (x.workbook(H)[:300], None),
}


@pytest.mark.parametrize("name", MALFORMED)
def test_each_known_crash_is_a_clear_refusal(name):
    data, cell = MALFORMED[name]
    result = _read(data)
    assert isinstance(result, TableRefused), result
    _clear(result)
    if cell:
        assert result.cell == cell and cell in result.zh and cell in result.en and "Sheet1" in result.zh


@pytest.mark.parametrize("case,expected", [
    ('<c r="A2" t="inlineStr"><is><r><t>上月</t></r><r><t>结转</t></r><rPh><t>ふり</t></rPh></is></c>', "上月结转"),
    ('<c r="A2" t="b"><v>1</v></c>', "是"),
    ('<c r="A2" t="e"><v>#DIV/0!</v></c>', "#DIV/0!"),
    ('<c r="A2" t="str"><f>A1</f><v>文字</v></c>', "文字"),
    ('<c r="A2"><f>1+1</f><v>2</v></c>', "2"),
    ('<c r="A2" s="1"><v>45658</v></c>', "2025-01-01"),
    ('<c r="A2" s="1"><v>45658.5</v></c>', "2025-01-01 12:00:00"),
    ('<c r="A2"><v>1286.5</v></c>', "1286.5"),
    ('<c r="A2"><v>1.5E3</v></c>', "1500"),
    ('<c r="A2"><v>0.30000000000000004</v></c>', "0.30000000000000004"),
    ('<c r="A2" t="s"><v>0</v></c>', "共享"),
    ('<c t="inlineStr"><is><t>no ref</t></is></c>', "no ref"),
])
def test_well_formed_cells_of_every_kind_are_read_as_the_clerk_sees_them(case, expected):
    table = read_xlsx(x.workbook(H + x.row(2, case), strings=["共享"]))
    assert table.rows == [[expected, ""]] and table.lines == [2]


@pytest.mark.parametrize("name", ["missing shared string", "formula without result", "broken sheet XML",
                                  "no workbook part", "no sheet part"])
def test_the_load_path_names_the_file_sheet_and_cell(city, name):  # noqa: F811
    finance = city / "communities" / A / "finance"
    ledger = sorted(finance.glob("*.csv"))[0]
    target = ledger.with_suffix(".xlsx")
    ledger.unlink()
    target.write_bytes(MALFORMED[name][0])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _, problems = load_city(city, {A})
    rel = target.relative_to(city).as_posix()
    [p] = [p for p in problems if p.file == rel]
    assert p.code == "table-unreadable" and p.severity == "error"
    assert CJK.search(p.zh) and re.search(r"[A-Za-z]{3,}", p.en) and p.hint_zh and p.hint_en
    cell = MALFORMED[name][1]
    if cell:
        assert p.cell == cell and p.row == int(cell[1:]) and "Sheet1" in p.zh and cell in p.en
