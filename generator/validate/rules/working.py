"""The working system (四.4): regular meetings on record, and the annual work report to the
residents' (representative) meeting, as often and as early as the city sets."""

from __future__ import annotations

import datetime
from typing import Iterable

from generator.dates import format_zh
from generator.problems import FINDING, Problem
from generator.validate.rules._base import Context, rule

MEETINGS = rule("meetings-too-few", FINDING, "每年的工作例会记录不少于城市规定的次数",
                "a full year has at least the city's number of regular meeting records (例会记录)",
                "把例会记录作为“例会记录”类型的报告提交", "Submit the meeting records as reports of type 例会记录")
ANNUAL = rule("annual-report-missing", FINDING, "每年向居民（代表）会议报告工作，并在城市规定的日期前公开年度工作报告",
              "the annual work report to the residents' (representative) meeting is published by the city's date",
              "提交“年度工作报告”类型的报告", "Submit the year's report as a report of type 年度工作报告")
MEETING_TYPE, ANNUAL_TYPE = "例会记录", "年度工作报告"


def _full_years(ctx: Context, elected: datetime.date) -> range:
    """The years the committee served whole, before the data's date."""
    return range(elected.year + 1, ctx.city.as_of.year)


def check_meetings(ctx: Context) -> Iterable[Problem]:
    wanted = ctx.settings.meetings_per_year
    if wanted <= 0:
        return
    for c in ctx.with_committee():
        if c.committee.elected_on is None:
            continue
        for year in _full_years(ctx, c.committee.elected_on):
            held = sum(1 for r in c.reports if r.type == MEETING_TYPE and r.date is not None and r.date.year == year)
            if held < wanted:
                yield ctx.problem(MEETINGS, f"communities/{c.code}/reports",
                                  f"{year} 年只有 {held} 次工作例会记录，少于规定的每年 {wanted} 次",
                                  f"{year} has {held} regular meeting records, fewer than the city's {wanted}",
                                  value=held, community=c.code, since=datetime.date(year + 1, 1, 1))


def check_annual_report(ctx: Context) -> Iterable[Problem]:
    as_of = ctx.city.as_of
    for c in ctx.with_committee():
        if c.committee.elected_on is None:
            continue
        for year in range(c.committee.elected_on.year + 1, as_of.year + 1):
            due = datetime.date.fromisoformat(f"{year + 1}-{ctx.settings.annual_report_by}")
            if due >= as_of:
                continue
            made = [r.date for r in c.reports if r.type == ANNUAL_TYPE and r.date is not None
                    and datetime.date(year, 10, 1) <= r.date]
            on_time = [d for d in made if d <= due]
            if on_time:
                continue
            late = min((d for d in made if d.year <= year + 1), default=None)
            yield ctx.problem(ANNUAL, f"communities/{c.code}/reports",
                              f"{year} 年度工作报告" + (f"于 {format_zh(late)} 才公开" if late else "尚未公开")
                              + f"（应在 {format_zh(due)} 前）",
                              f"the {year} annual work report " + (f"was published late, on {late}" if late
                                                                  else "is missing") + f" (due by {due})",
                              value=year, community=c.code, since=due + datetime.timedelta(days=1), due=due,
                              closed=late)


CHECKS = [check_meetings, check_annual_report]
