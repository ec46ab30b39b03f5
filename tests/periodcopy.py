"""Helpers that add periods to a copy of the demo data, as a clerk would: copy the last period's
files, move them to the new period, open at the last closing balance."""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal
from pathlib import Path


def _money(text: str) -> Decimal:
    return Decimal(text) if text.strip() else Decimal(0)


def add_period(finance: Path, source: str, target: str, reviewed_on: str, published_on: str) -> None:
    """finance/<target>.csv/.yaml from <source>'s: line dates and vouchers moved to the target
    month, opening balance = the source's closing, closing = opening + income − expense."""
    src_year, src_month = source.split("-")
    year, month = target.split("-")
    lines = (finance / f"{source}.csv").read_text(encoding="utf-8-sig")
    lines = re.sub(rf"\b{src_year}-{src_month}-", f"{year}-{month}-", lines)
    (finance / f"{target}.csv").write_text(lines, encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(lines)))
    income = sum((_money(r["income"]) for r in rows), Decimal(0))
    expense = sum((_money(r["expense"]) for r in rows), Decimal(0))
    header = (finance / f"{source}.yaml").read_text(encoding="utf-8")
    opening = re.search(r'^closing_balance: "([0-9.]+)"', header, re.M).group(1)
    closing = Decimal(opening) + income - expense
    header = re.sub(r'^period: .*$', f'period: "{target}"', header, flags=re.M)
    header = re.sub(r'^opening_balance: .*$', f'opening_balance: "{opening}"', header, flags=re.M)
    header = re.sub(r'^closing_balance: .*$', f'closing_balance: "{closing:.2f}"', header, flags=re.M)
    header = re.sub(r'^(\s*reviewed_on: ).*$', rf'\g<1>"{reviewed_on}"', header, flags=re.M)
    header = re.sub(r'^published_on: .*$', f'published_on: "{published_on}"', header, flags=re.M)
    header = re.sub(r'^amendment: .*\n', '', header, flags=re.M)
    (finance / f"{target}.yaml").write_text(header, encoding="utf-8")


def set_as_of(data: Path, as_of: str) -> None:
    city = data / "city.yaml"
    city.write_text(re.sub(r"^as_of: .*$", f"as_of: {as_of}", city.read_text(encoding="utf-8"), flags=re.M),
                    encoding="utf-8")
