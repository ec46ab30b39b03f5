"""The printed sheets of issue 18's records (公示 for the notice board): elections and member changes,
decisions, projects, assets, training, and allowances and budget — each the same rows as its page
on the site and its download (generator/site/record_tables.py), laid out as tables of blocks.
Inspections have their own layout (sheets.inspections_sheet). Pure."""

from __future__ import annotations

import datetime
import hashlib
from decimal import Decimal

from generator.dates import format_zh
from generator.model import City, Community
from generator.money import format_amount
from generator.print.sheets import Layout, Sheet, inspections_sheet, public_url
from generator.records import plain_number
from generator.site import record_tables, urls
from generator.site.tablefiles import CHANGE_FIELDS, Field
from generator.stamp import SHORT

# Kind → the sheet's title after the committee's or community's name, and the columns printed
# (field names of the kind's download table, generator/site/record_tables.py).
TITLES = {"elections": "选举及成员变动公示", "decisions": "重要事项公开", "projects": "工程项目公开",
          "assets": "资产资源公开", "trainings": "学习培训情况公示", "allowances": "报酬补贴与工作经费公开"}
COLUMNS = {
    "elections": ("held_on", "meeting", "expected", "present", "candidate", "votes", "elected", "role", "published_on"),
    "decisions": ("decided_on", "meeting", "matter", "decision", "opinion", "published_on"),
    "projects": ("project", "budget", "contractor", "stage", "stage_on", "check", "published_on"),
    "assets": ("asset", "category", "location", "value", "use", "checked_on"),
    "trainings": ("held_on", "topic", "organiser", "attendees", "hours"),
    "allowances": ("year", "item", "name", "role", "standard", "paid", "period", "source", "published_on"),
}
MONEY = {"budget", "value", "standard", "paid"}  # number columns that are amounts of money


def cell(value, f: Field) -> str:
    """A value as the board prints it: dates in Chinese, money with separators, no empty None."""
    if value is None or value == "":
        return "—"
    if isinstance(value, datetime.date):
        return format_zh(value)
    if isinstance(value, Decimal):
        return format_amount(value) if f.name in MONEY else plain_number(value)
    return str(value)


def blocks(city: City, c: Community, kind: str) -> list[dict]:
    """The sheet's tables: {caption, headers, rows} with every cell already text."""
    spec = next((fields, rows) for name, fields, rows in record_tables.SPECS if name == kind)
    fields, rows = spec[0], spec[1](city, c)
    chosen = [i for i, f in enumerate(fields) if f.name in COLUMNS[kind]]
    found = [{"caption": record_tables.TITLES[kind], "headers": [fields[i].title for i in chosen],
              "rows": [[cell(r[i], fields[i]) for i in chosen] for r in rows]}]
    if kind == "elections" and c.member_changes:
        found.append({"caption": "成员变动", "headers": [f.title for f in CHANGE_FIELDS],
                      "rows": [[cell(v, f) for v, f in zip(r, CHANGE_FIELDS)] for r in record_tables.member_change_rows(c)]})
    return [b for b in found if b["rows"]]


def blocks_stamp(city: City, c: Community, kind: str, found: list[dict], support: dict | None = None) -> str:
    """'3f9a1c07 · 2025-01-31': a hash of exactly what is printed, dated by the data's date."""
    h = hashlib.sha256(f"{c.code}/{kind}".encode())
    if support:  # the allowances sheet's 工作保障 block, from committee.yaml
        h.update(("\0".join(f"{k}={support[k]}" for k in sorted(support)) + "\n").encode())
    for b in found:
        for row in [b["headers"], *b["rows"]]:
            h.update(("\0".join(row) + "\n").encode())
    return f"{h.hexdigest()[:SHORT]} · {city.as_of.isoformat()}"


def record_sheet(city: City, c: Community, kind: str, layout: Layout = Layout()) -> Sheet:
    """The notice-board sheet of one record kind; its address is the kind's page (urls.record)."""
    if kind == "inspections":
        return inspections_sheet(city, c, layout)
    found = blocks(city, c, kind)
    body = (c.committee.name if c.committee and c.committee.name else f"{c.name}居务监督委员会")
    path = urls.record(c.code, kind)
    support = _support(city, c) if kind == "allowances" else None
    return Sheet("record.html", f"{body}{TITLES[kind]}", blocks_stamp(city, c, kind, found, support),
                 public_url(city, path), layout, {"city": city, "community": c, "committee": c.committee,
                                                  "blocks": found, "kind": kind, "support": support}, path)


def _support(city: City, c: Community) -> dict | None:
    from generator.site.records import support

    return support(city, c)


def has_records(c: Community, kind: str) -> bool:
    """Whether the community has anything to print on this kind's sheet: the kinds with a page."""
    from generator.site.records import page_kinds

    return kind in page_kinds(c)
