"""The printed sheet's running balance and a period's title come from Python, once."""

from __future__ import annotations

import datetime
from decimal import Decimal

from generator.model import LedgerLine, Period
from generator.periods import period_title


def _line(income: str | None, expense: str | None) -> LedgerLine:
    return LedgerLine(date=datetime.date(2024, 5, 1), category="其他", summary="", income=income and Decimal(income),
                      expense=expense and Decimal(expense), voucher="", funding_source=None, handled_by="")


def test_the_running_balance_is_the_balance_after_each_line():
    period = Period("2024-05", Decimal("100.00"), Decimal("0"), "", "", None, "", None, None,
                    lines=[_line("50.50", None), _line(None, "20.25"), _line(None, None)])
    assert period.running_balances() == [Decimal("150.50"), Decimal("130.25"), Decimal("130.25")]
    assert period.running_balances()[-1] == period.computed_closing


def test_a_period_title_names_the_community_and_the_period_as_the_city_discloses():
    assert period_title("华庭里社区", "2024-03") == "华庭里社区2024年3月财务收支公开"
    assert period_title("华庭里社区", "2024-03", "quarterly") == "华庭里社区2024年第1季度财务收支公开"
