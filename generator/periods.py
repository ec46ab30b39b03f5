"""How a disclosure period is named for residents: one function, used by pages, sheets, feeds and titles.

A period's key is YYYY-MM. In a city that discloses monthly it is that month (2024年3月); in a city
that discloses quarterly (city.yaml disclosure.frequency: quarterly) it is the quarter ending in
that month (2024-03 → 2024年第1季度).
"""

from __future__ import annotations

import calendar
import datetime

QUARTERLY = "quarterly"


def period_label(key: str, frequency: str = "monthly", with_year: bool = True) -> str:
    """'2024-03' → '2024年3月', or '2024年第1季度' when the city discloses quarterly."""
    year, month = int(key[:4]), int(key[5:7])
    name = f"第{(month + 2) // 3}季度" if frequency == QUARTERLY else f"{month}月"
    return f"{year}年{name}" if with_year else name


def period_title(community_name: str, key: str, frequency: str = "monthly") -> str:
    """A period's disclosure as its page, its printed sheet and its history are titled, the same
    words on paper and online: '华庭里社区2024年3月财务收支公开'."""
    return f"{community_name}{period_label(key, frequency)}财务收支公开"


def months_per_period(frequency: str) -> int:
    return 3 if frequency == QUARTERLY else 1


def step_back(key: str, months: int) -> str:
    """The period key `months` months before `key` ('2025-01', 2 → '2024-11')."""
    index = int(key[:4]) * 12 + int(key[5:7]) - 1 - months
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def period_span(key: str, frequency: str = "monthly") -> tuple[datetime.date, datetime.date]:
    """The first and last day a period covers: its month, or the quarter ending in its month."""
    first = step_back(key, months_per_period(frequency) - 1)
    year, month = int(key[:4]), int(key[5:7])
    return (datetime.date(int(first[:4]), int(first[5:7]), 1),
            datetime.date(year, month, calendar.monthrange(year, month)[1]))
