"""The registers of duty ② (重要事项, 工程项目): each decision, and each stage of a works project, is
published within the city's days (`disclosure.decision_publish_days`, 30 by default), never before
it happened."""

from __future__ import annotations

import datetime
from typing import Iterable

from generator.dates import format_zh
from generator.problems import ERROR, FINDING, Problem
from generator.validate.rules._base import Context, rule

LATE = rule("register-published-late", FINDING, "重要事项和工程项目的每个阶段在城市规定的天数内公开（默认 30 天）",
            "an important decision, and each stage of a works project, is published within the city's days "
            "(30 by default)", "公开后填写公开日期；今后及时公开", "Publish it and fill in the publication date")
DATES = rule("register-dates", ERROR, "重要事项、工程项目的公开日期不早于决策或阶段日期",
             "a decision or a project stage is published on or after the day it happened",
             "核对两个日期", "Check the two dates")


def _records(c) -> Iterable[tuple[object, str, datetime.date | None, str]]:
    """(record, what it is, the day it happened, its date column) of both registers."""
    for d in c.decisions:
        yield d, f"重要事项“{d.matter}”", d.decided_on, "decided_on"
    for s in c.projects:
        yield s, f"工程项目“{s.project}”{s.stage}阶段", s.stage_on, "stage_on"


def check_registers(ctx: Context) -> Iterable[Problem]:
    s = ctx.settings
    as_of = ctx.city.as_of
    days = s.decision_publish_days
    for c in ctx.with_committee():
        for record, what, happened, _ in _records(c):
            if happened is None:
                continue
            at = dict(row=record.row, community=c.code, field="published_on")
            published = record.published_on
            if published is not None and published < happened:
                yield ctx.problem(DATES, record.file, f"{what}的公开日期 {format_zh(published)} 早于 {format_zh(happened)}",
                                  f"{what}: published {published}, before it happened on {happened}",
                                  value=published, **at)
                continue
            due = happened + datetime.timedelta(days=days)
            late = dict(since=due + datetime.timedelta(days=1), due=due, **at)
            if published is not None and published > due:
                yield ctx.problem(LATE, record.file, f"{what}（{format_zh(happened)}）于 {format_zh(published)} 才公开，"
                                  f"超过 {days} 天", f"{what} ({happened}) was published on {published}, after "
                                  f"{days} days", value=published, closed=published, **late)
            elif published is None and due < as_of:
                yield ctx.problem(LATE, record.file, f"{what}（{format_zh(happened)}）已过 {(as_of - happened).days} 天，"
                                  "仍未公开", f"{what} ({happened}) is still unpublished after "
                                  f"{(as_of - happened).days} days", **late)


CHECKS = [check_registers]
