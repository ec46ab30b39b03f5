"""Issue 13, item 1: a small file cannot make the reader do unbounded work.

Each hostile workbook is a few KB; what it *claims* (a dimension of A1:XFD1048576, a row numbered
1e15, a cell at XFD1048576) must not make the reader pad or walk empty rows. Work is measured by
what the reader does (rows it yields, memory it allocates), never by the clock.
"""

from __future__ import annotations

import csv
import io
import re
import tracemalloc

import pytest

from generator.load import sheet as sheet_xml
from generator.load import tables
from generator.load.tables import MAX_CELLS, MAX_COLUMNS, MAX_ROWS, TableRefused, read_csv, read_xlsx
from tests.xlsxparts import number, row, text, workbook

HEADER = row(1, text("A1", "日期"), text("B1", "金额"))


@pytest.fixture
def yielded(monkeypatch):
    """Counts the rows the sheet reader hands to read_xlsx (the work a sheet can cause)."""
    seen = []
    real = sheet_xml.rows

    def counting(*args, **kwargs):
        for item in real(*args, **kwargs):
            seen.append(item[0])
            yield item

    monkeypatch.setattr(sheet_xml, "rows", counting)
    return seen


def _refusal(data: bytes) -> TableRefused:
    with pytest.raises(TableRefused) as caught:
        read_xlsx(data)
    return caught.value


def _bilingual(exc: TableRefused) -> None:
    assert any("\u4e00" <= ch <= "\u9fff" for ch in exc.zh), exc.zh
    assert re.search(r"[a-z]{3,} [a-z]{2,}", exc.en) and exc.en != exc.zh, exc.en


def test_a_declared_huge_dimension_is_not_trusted(yielded):
    data = workbook(HEADER + row(2, number("A2", "45658", 1), number("B2", "15")), dimension="A1:XFD1048576")
    assert len(data) < 5_000
    table = read_xlsx(data)
    assert table.rows == [["2025-01-01", "15"]] and table.lines == [2]
    assert yielded == [1, 2]  # the rows that exist, not 1,048,576 padded ones
    assert len(table.rows[0]) == 2  # nor 16,384 padded columns


@pytest.mark.parametrize("bad", ["1e15", "-3", "0", "x", " 2", "1048577", "99999999999999999999"])
def test_an_impossible_row_number_is_refused_naming_the_sheet(yielded, bad):
    exc = _refusal(workbook(HEADER + row(bad, number("A2", "5")), name="账目"))
    _bilingual(exc)
    assert "账目" in exc.zh and "账目" in exc.en and "行号" in exc.zh
    assert yielded == [1]  # refused at the bad row: nothing walked towards it


def test_rows_numbered_out_of_order_are_refused(yielded):
    exc = _refusal(workbook(HEADER + row(5, number("A5", "1")) + row(3, number("A3", "2"))))
    assert "3" in exc.zh and "rows must increase" in exc.en


def test_a_far_sparse_cell_is_refused_without_walking_to_it(yielded):
    # One row at Excel's last row, one value at its last column: before, 1,048,575 empty rows
    # and 16,384 columns were produced to reach it.
    exc = _refusal(workbook(HEADER + row(1048576, number("XFD1048576", "5")), dimension="A1:XFD1048576"))
    _bilingual(exc)
    assert exc.cell == "XFD1048576" and exc.row == 1048576
    assert f"{MAX_COLUMNS}" in exc.zh and "XFD1048576" in exc.en
    assert yielded == [1]


def test_a_far_row_with_data_in_range_is_read_as_that_row(yielded):
    table = read_xlsx(workbook(HEADER + row(1048576, number("B1048576", "7"))))
    assert table.lines == [1048576] and table.rows == [["", "7"]]
    assert table.cell(0, "金额") == "B1048576"
    assert yielded == [1, 1048576]


def test_formatting_far_to_the_right_is_ignored_not_refused():
    # Excel writes styled empty cells where a clerk once formatted a column: not data.
    table = read_xlsx(workbook(HEADER + row(2, number("A2", "1"), '<c r="XFD2" s="1"/>')))
    assert table.rows == [["1", ""]]


@pytest.mark.parametrize("ref", ["AAAA2", "A0", "a2", "2A", "A2B", "A-2", "$A$2", "A3", "B2\u00a0"])
def test_a_bad_cell_reference_is_refused(ref):
    exc = _refusal(workbook(HEADER + row(2, number(ref, "1"))))
    _bilingual(exc)
    assert "cell" in exc.en


def test_too_many_real_columns_are_refused_naming_the_column_and_limit(yielded):
    wide = "".join(number(f"{tables.column_letter(i)}2", "1") for i in range(MAX_COLUMNS + 1))
    exc = _refusal(workbook(HEADER + row(2, wide), name="明细"))
    _bilingual(exc)
    assert exc.cell == f"{tables.column_letter(MAX_COLUMNS)}2" and "明细" in exc.zh
    assert f"{MAX_COLUMNS}" in exc.en
    assert yielded == [1]


def test_many_rows_are_refused_at_the_limit_without_reading_on(monkeypatch, yielded):
    monkeypatch.setattr(tables, "MAX_ROWS", 50)
    body = "".join(row(n, number(f"A{n}", str(n))) for n in range(2, 2000))
    exc = _refusal(workbook(HEADER + body, name="账目"))
    _bilingual(exc)
    assert "50" in exc.zh and "账目" in exc.en
    assert len(yielded) == 52  # header + 50 rows + the one over the limit; not the 1,998 in the file


def test_the_cell_limit_counts_rows_times_width(monkeypatch, yielded):
    monkeypatch.setattr(tables, "MAX_CELLS", 100)
    body = "".join(row(n, number(f"A{n}", "1"), number(f"J{n}", "1")) for n in range(2, 500))
    exc = _refusal(workbook(HEADER + body))
    assert "100" in exc.zh and "cells" in exc.en
    assert len(yielded) == 12  # the header, 10 rows × 10 columns that fit, and the row over


def test_empty_cell_elements_count_towards_the_limit(monkeypatch):
    monkeypatch.setattr(tables, "MAX_CELLS", 1000)
    body = "".join(row(n, *(f'<c r="{c}{n}" s="1"/>' for c in "ABCDEFGHIJ")) for n in range(2, 200))
    exc = _refusal(workbook(HEADER + body))
    assert "1,000" in exc.zh


def test_a_tiny_workbook_declaring_a_huge_sheet_reads_in_bounded_memory():
    # The campaign's 4.8 KB file: 1,000 declared rows took 20 s; a million, hours.
    body = "".join(row(n, number(f"A{n}", "1")) for n in (2, 3))
    data = workbook(HEADER + body + row(1048576, '<c r="XFD1048576" s="1"/>'), dimension="A1:XFD1048576")
    tracemalloc.start()
    try:
        table = read_xlsx(data)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert table.lines == [2, 3]
    assert peak < 5_000_000, peak


def test_limits_are_sensible_for_a_community():
    assert MAX_ROWS >= 10_000 and MAX_COLUMNS >= 50 and MAX_CELLS >= MAX_ROWS * 10


# --- CSV ----------------------------------------------------------------------------------------

def test_a_csv_of_a_million_columns_is_refused_in_bounded_memory():
    data = b"abcdefghi," * 1_000_000 + b"\n"
    assert len(data) > 9_900_000
    tracemalloc.start()
    try:
        with pytest.raises(TableRefused) as caught:
            read_csv(data)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    _bilingual(caught.value)
    assert caught.value.row == 1 and f"{MAX_COLUMNS}" in caught.value.zh
    # The text once and one line of it; a million fields would be over 60 MB.
    assert peak < 3 * len(data), peak


def test_a_csv_record_spread_over_lines_by_quotes_is_still_capped():
    # Each line closes the quote opened on the line before, adds 150 fields and opens another:
    # every line is under the column limit, the one record is 15,000 fields wide.
    more = "1," * 150
    data = b"a,b\n" + (more + '"x\n').encode() + (('",' + more + '"x\n') * 100).encode() + b'"\n'
    assert max(len(r) for r in csv.reader(io.StringIO(data.decode()))) > 15_000  # what csv would build
    with pytest.raises(TableRefused) as caught:
        read_csv(data)
    assert "unmatched quote" in caught.value.en and caught.value.row < 40


def test_a_csv_row_wider_than_the_limit_is_refused_naming_the_column():
    data = ("a,b\n" + ",".join(["1"] * (MAX_COLUMNS + 1)) + "\n").encode()
    with pytest.raises(TableRefused) as caught:
        read_csv(data)
    exc = caught.value
    _bilingual(exc)
    assert exc.row == 2 and tables.column_letter(MAX_COLUMNS) in exc.en


def test_blank_columns_beyond_the_limit_are_dropped():
    data = ("a,b" + "," * 500 + "\n1,2" + "," * 500 + "\n").encode()
    table = read_csv(data)
    assert table.header[:2] == ["a", "b"] and len(table.header) == MAX_COLUMNS
    assert table.rows == [["1", "2"] + [""] * (MAX_COLUMNS - 2)]


def test_commas_inside_quoted_text_are_allowed():
    note = "，".join(["x"] * 10) + "," * 300
    table = read_csv(f'a,b\n1,"{note}"\n'.encode())
    assert table.rows == [["1", note]]


def test_csv_rows_and_cells_are_capped(monkeypatch):
    monkeypatch.setattr(tables, "MAX_ROWS", 10)
    with pytest.raises(TableRefused) as caught:
        read_csv(("a\n" + "1\n" * 50).encode())
    assert caught.value.row == 12 and "10" in caught.value.zh
    monkeypatch.setattr(tables, "MAX_ROWS", 1000)
    monkeypatch.setattr(tables, "MAX_CELLS", 100)
    with pytest.raises(TableRefused) as caught:
        read_csv(("a,b,c,d,e\n" + "1,2,3,4,5\n" * 50).encode())
    assert "100" in caught.value.zh and caught.value.row == 22
