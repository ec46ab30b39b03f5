"""A ledger line's category inferred from its summary, for boards that have no category column.

The keyword list is the city's `finance.category_keywords` in city.yaml (category → words), else
Juwu's own in generator/defaults/city.yaml. A line takes the first category in the list's order one
of whose words is in its summary, skipping categories of the other side (an expense line never
takes an income category the city lists); with none, UNCLASSIFIED, which the loader warns about
and the category rules leave alone.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml

UNCLASSIFIED = "未分类"
Keywords = tuple[tuple[str, tuple[str, ...]], ...]


def infer_category(summary: str, income: bool, keywords: Keywords,
                   sides: tuple[tuple[str, ...], tuple[str, ...]] = ((), ())) -> str:
    """The first category (in the list's order) one of whose keywords is in the summary and that
    belongs to the line's side when the city lists its categories; else UNCLASSIFIED."""
    other_side = set(sides[1] if income else sides[0])
    for category, words in keywords:
        if category in other_side:
            continue
        if any(w and w in summary for w in words):
            return category
    return UNCLASSIFIED


# --- the city's lists ----------------------------------------------------------------------------

DEFAULTS = Path(__file__).resolve().parent.parent / "defaults" / "city.yaml"


@cache
def default_keywords() -> Keywords:
    """Juwu's keyword list (generator/defaults/city.yaml finance.category_keywords)."""
    finance = yaml.safe_load(DEFAULTS.read_text(encoding="utf-8"))["finance"]
    return _keywords(finance["category_keywords"])


def city_lists(city: dict | None) -> tuple[Keywords, tuple[str, ...], tuple[str, ...]]:
    """(category keywords, income categories, expense categories) of a city.yaml as loaded; the
    defaults' keywords when the city gives none. A malformed list is reported by config.py."""
    finance = (city or {}).get("finance")
    finance = finance if isinstance(finance, dict) else {}
    raw = finance.get("category_keywords")
    keywords = _keywords(raw) if isinstance(raw, dict) else default_keywords()
    return keywords, _texts(finance.get("income_categories")), _texts(finance.get("expense_categories"))


def funding_sources(city: dict | None) -> tuple[str, ...]:
    """The city's funding sources (finance.funding_sources), as loaded."""
    finance = (city or {}).get("finance")
    return _texts(finance.get("funding_sources")) if isinstance(finance, dict) else ()


def _keywords(raw: dict) -> Keywords:
    return tuple((_plain(k), _texts(v)) for k, v in raw.items() if isinstance(v, list))


def _texts(value: object) -> tuple[str, ...]:
    return tuple(_plain(v) for v in value if _plain(v)) if isinstance(value, list) else ()


def _plain(value: object) -> str:
    return str(getattr(value, "text", value) or "").strip()
