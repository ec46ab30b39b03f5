"""Total and carried-over rows taken out of a plain ledger table (generator/load/totalrows.py)."""

from __future__ import annotations

from generator.load.board import OPENING_LABELS, TOTAL_LABELS
from generator.load.tables import read_csv
from generator.load.totalrows import LABEL_CHARS, drop_total_rows

HEADER = "date,voucher,category,summary,income,expense,funding_source,handled_by\n"


def test_every_label_holds_a_character_the_quick_look_sees():
    assert all(LABEL_CHARS.search(label) for label in TOTAL_LABELS + OPENING_LABELS)


def test_total_and_opening_rows_are_taken_out_once_each():
    table = read_csv((HEADER + "2024-02-01,记-1,走访慰问,慰问,,596.00,服务经费,莫美英\n"
                      ",,,本 月 合 计：,,596.00,,\n"
                      ",,上月结转,,100.00,,,\n"
                      "2024-02-03,记-2,其他支出,本月合计,,1.00,服务经费,莫美英\n").encode())
    kept, problems = drop_total_rows(table, "f.csv", "c")
    assert [p.row for p in problems] == [3, 4]
    assert [p.value for p in problems] == ["本月合计", "上月结转"]
    assert kept.lines == [2, 5]  # a dated row stays, whatever its summary says


def test_a_table_without_labels_comes_back_as_it_is():
    table = read_csv((HEADER + "2024-02-01,记-1,走访慰问,结算余款,,596.00,服务经费,余明\n").encode())
    kept, problems = drop_total_rows(table, "f.csv", "c")
    assert kept is table and problems == []
