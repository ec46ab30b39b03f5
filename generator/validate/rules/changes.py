"""Changes of the committee after its election are published, and in time (the city's working days)."""

from __future__ import annotations

import datetime
from typing import Iterable

from generator.dates import add_working_days, format_zh
from generator.problems import ERROR, FINDING, Problem
from generator.validate.rules._base import Context, rule

LATE = rule("member-change-late", FINDING, "成员变动在城市规定的工作日内公开（默认 20 个工作日）",
            "a change of the committee is published within the city's working days (20 by default)",
            "今后成员变动后及时在公开栏和本站公开", "Publish changes of the committee promptly")
DATES = rule("member-change-dates", ERROR, "成员变动的公开日期不早于变动日期",
             "a member change is published on or after the day it happened",
             "核对变动日期和公开日期", "Check the two dates")


def check_member_changes(ctx: Context) -> Iterable[Problem]:
    s = ctx.settings
    for c in ctx.with_committee():
        for change in c.member_changes:
            if change.changed_on is None or change.published_on is None:
                continue
            at = dict(row=change.row, community=c.code, field="published_on", value=change.published_on)
            if change.published_on < change.changed_on:
                yield ctx.problem(DATES, change.file, f"{change.name}{change.change}的公开日期 {format_zh(change.published_on)} "
                                  f"早于变动日期 {format_zh(change.changed_on)}",
                                  f"{change.name}: published {change.published_on}, before the change on "
                                  f"{change.changed_on}", **at)
                continue
            due = add_working_days(change.changed_on, s.member_change_workdays, s.holidays, s.workdays)
            if change.published_on > due:
                yield ctx.problem(LATE, change.file, f"{change.name}{change.change}（{format_zh(change.changed_on)}）"
                                  f"于 {format_zh(change.published_on)} 才公开，超过 {s.member_change_workdays} 个工作日"
                                  f"（应在 {format_zh(due)} 前）",
                                  f"{change.name} ({change.change} on {change.changed_on}) was published on "
                                  f"{change.published_on}, after {s.member_change_workdays} working days ({due})",
                                  since=due + datetime.timedelta(days=1), due=due, closed=change.published_on, **at)


CHECKS = [check_member_changes]
