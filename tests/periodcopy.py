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


def make_quarterly(data: Path) -> None:
    """Turn the demo city into one that discloses quarterly: city.yaml says so, and each
    community's months are merged into the quarter that ends with them (2024-01..03 → 2024-03:
    the lines of the three months, opening at the first's opening, closing at the last's closing,
    reviewed and published as the quarter's last month was)."""
    from generator.catalogue import write_datapackage

    city = data / "city.yaml"
    city.write_text(re.sub(r"^(\s*frequency:) monthly", r"\1 quarterly", city.read_text(encoding="utf-8"), flags=re.M),
                    encoding="utf-8")
    for finance in sorted((data / "communities").glob("*/finance")):
        quarters: dict[str, list[str]] = {}
        for header in sorted(finance.glob("*.yaml")):
            year, month = int(header.stem[:4]), int(header.stem[5:7])
            quarters.setdefault(f"{year}-{(month + 2) // 3 * 3:02d}", []).append(header.stem)
        for quarter, months in quarters.items():
            texts = [(finance / f"{m}.csv").read_text(encoding="utf-8-sig") for m in months]
            lines = texts[0].splitlines(keepends=True)[:1] + [l for t in texts for l in t.splitlines(keepends=True)[1:]]
            first = (finance / f"{months[0]}.yaml").read_text(encoding="utf-8")
            header = (finance / f"{months[-1]}.yaml").read_text(encoding="utf-8")
            opening = re.search(r"^opening_balance: .*$", first, re.M).group(0)
            header = re.sub(r"^opening_balance: .*$", opening, header, flags=re.M)
            header = re.sub(r"^period: .*$", f'period: "{quarter}"', header, flags=re.M)
            for m in months:
                (finance / f"{m}.csv").unlink()
                (finance / f"{m}.yaml").unlink()
            (finance / f"{quarter}.csv").write_text("".join(lines), encoding="utf-8")
            (finance / f"{quarter}.yaml").write_text(header, encoding="utf-8")
    write_datapackage(data)
