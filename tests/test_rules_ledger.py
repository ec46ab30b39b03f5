"""Finance disclosures: balance to the fen, continuity, lines inside their period, review in time."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.cityfixture import (  # noqa: F401 - fixtures
    A, city, flat, of_code, problems, read_table, set_cell, set_yaml, small_city,
)

FIN = f"communities/{A}/finance"


def _yaml_value(path, key):
    return next(l.split('"')[1] for l in path.read_text("utf-8").splitlines() if l.strip().startswith(key + ":"))


def _first_row(city, period, side):
    """Index of the first line with an amount on `side` (income or expense)."""
    header, rows = read_table(city / FIN / f"{period}.csv")
    return next(i for i, r in enumerate(rows) if r[header.index(side)])


def test_balance_to_the_fen(city):
    path = city / FIN / "2024-02.yaml"
    closing = Decimal(_yaml_value(path, "closing_balance"))
    line = set_yaml(path, "closing_balance", str(closing + Decimal("0.01")))
    assert ("ledger-unbalanced", f"{FIN}/2024-02.yaml", line, "closing_balance") in flat(city)
    [p] = of_code(city, "ledger-unbalanced")
    assert "0.01" in p.zh  # says by how much
    set_yaml(path, "closing_balance", str(closing))
    # The next period's opening now follows again: no problem at all.
    assert not [p for p in problems(city) if p.code.startswith("ledger")]


def test_opening_follows_previous_closing(city):
    path = city / FIN / "2024-03.yaml"
    opening = Decimal(_yaml_value(path, "opening_balance"))
    line = set_yaml(path, "opening_balance", str(opening - 1))
    assert ("ledger-opening", f"{FIN}/2024-03.yaml", line, "opening_balance") in flat(city)
    [p] = of_code(city, "ledger-opening")
    assert "2024-02" in p.zh


def test_a_missing_period_is_a_finding(city):
    (city / FIN / "2024-03.yaml").unlink()
    (city / FIN / "2024-03.csv").unlink()
    [p] = of_code(city, "ledger-gap")
    assert (p.file, p.severity) == (f"{FIN}/2024-04.yaml", "finding") and "2024-03" in p.zh


def test_negative_balance(city):
    line = set_yaml(city / FIN / "2024-01.yaml", "opening_balance", "-1.00")
    assert ("ledger-negative", f"{FIN}/2024-01.yaml", line, "opening_balance") in flat(city)


def test_negative_expense_is_refused(city):
    i = _first_row(city, "2024-02", "expense")
    line = set_cell(city / FIN / "2024-02.csv", i, "expense", "-12.00")
    found = [p for p in problems(city) if p.file == f"{FIN}/2024-02.csv" and p.row == line]
    assert [(p.code, p.field, p.severity) for p in found] == [("constraint-minimum", "expense", "error")]


def test_line_date_inside_its_period(city):
    line = set_cell(city / FIN / "2024-02.csv", 0, "date", "2024-01-31")
    [p] = of_code(city, "ledger-line-date")
    assert (p.file, p.row, p.field, p.cell) == (f"{FIN}/2024-02.csv", line, "date", f"A{line}")
    set_cell(city / FIN / "2024-02.csv", 0, "date", "2024-02-29")  # leap day, inside
    assert not of_code(city, "ledger-line-date")


def test_duplicate_voucher_names_the_earlier_row(city):
    path = city / FIN / "2024-02.csv"
    header, rows = read_table(path)
    voucher = rows[0][header.index("voucher")]
    line = set_cell(path, 3, "voucher", voucher)
    [p] = of_code(city, "duplicate-key")
    assert (p.file, p.row, p.field, p.cell) == (f"{FIN}/2024-02.csv", line, "voucher", f"B{line}")
    assert "第 2 行" in p.zh and voucher in p.zh and "row 2" in p.en


def test_same_voucher_in_two_periods_is_fine(city):
    header, rows = read_table(city / FIN / "2024-02.csv")
    set_cell(city / FIN / "2024-03.csv", 0, "voucher", rows[0][header.index("voucher")])
    assert not of_code(city, "duplicate-key")


def test_category_from_the_city_lists(city):
    line = set_cell(city / FIN / "2024-02.csv", 0, "category", "茶水费")
    assert ("ledger-category", f"{FIN}/2024-02.csv", line, "category") in flat(city)
    [p] = of_code(city, "ledger-category")
    assert "办公用品" in p.hint_zh


def test_income_line_needs_an_income_category(city):
    i = _first_row(city, "2024-02", "income")
    line = set_cell(city / FIN / "2024-02.csv", i, "category", "办公用品")
    assert ("ledger-category-side", f"{FIN}/2024-02.csv", line, "category") in flat(city)
    set_cell(city / FIN / "2024-02.csv", i, "category", "其他收入")
    assert not of_code(city, "ledger-category-side")


@pytest.mark.parametrize("income, expense", [("10.00", "10.00"), ("", "")])
def test_exactly_one_of_income_and_expense(city, income, expense):
    path = city / FIN / "2024-02.csv"
    set_cell(path, 0, "income", income)
    line = set_cell(path, 0, "expense", expense)
    assert ("ledger-line-amounts", f"{FIN}/2024-02.csv", line, "income") in flat(city)


def test_reviewer_is_a_current_member(city):
    line = set_yaml(city / FIN / "2024-02.yaml", "review.reviewer", "王峰")  # the finance clerk
    assert ("ledger-reviewer", f"{FIN}/2024-02.yaml", line, "review.reviewer") in flat(city)
    [p] = of_code(city, "ledger-reviewer")
    assert "郑月琴" in p.hint_zh  # lists who may review


def test_review_after_the_period_and_before_publication(city):
    path = city / FIN / "2024-02.yaml"
    line = set_yaml(path, "review.reviewed_on", "2024-02-29")
    assert ("ledger-review-date", f"{FIN}/2024-02.yaml", line, "review.reviewed_on") in flat(city)
    set_yaml(path, "review.reviewed_on", "2024-03-06")  # published 2024-03-05
    [p] = of_code(city, "ledger-review-date")
    assert "先审核后公开" in p.zh
    set_yaml(path, "review.reviewed_on", "2024-03-05")  # same day is fine
    assert not of_code(city, "ledger-review-date")


def test_late_publication_is_a_closed_finding(city):
    path = city / FIN / "2024-02.yaml"
    set_yaml(path, "published_on", "2024-03-15")  # day 15 after the end: on time
    assert not of_code(city, "ledger-published-late")
    line = set_yaml(path, "published_on", "2024-03-16")
    [p] = of_code(city, "ledger-published-late")
    assert (p.file, p.row, p.field, p.severity) == (f"{FIN}/2024-02.yaml", line, "published_on", "finding")
    assert (p.since, p.due, p.closed) == ("2024-03-16", "2024-03-15", "2024-03-16")  # put right, late


def test_period_in_the_file_matches_its_name(city):
    line = set_yaml(city / FIN / "2024-02.yaml", "period", "2024-12")
    assert ("ledger-period-mismatch", f"{FIN}/2024-02.yaml", line, "period") in flat(city)


def test_one_mistake_one_message(city):
    """An amount the schema refuses is not reported again as an empty cell or an unbalanced period."""
    i = _first_row(city, "2024-02", "expense")
    line = set_cell(city / FIN / "2024-02.csv", i, "expense", "十二元")
    found = [p for p in problems(city) if p.severity == "error"]
    assert [(p.file, p.row, p.field) for p in found] == [(f"{FIN}/2024-02.csv", line, "expense")]
    assert "1286.50" in found[0].zh  # names the expected format
