"""The supervision loop (整改): each problem found is followed to closure, in time.

A problem is recorded in rectifications.csv (or, for a single matter, in a 监督事项 report's
status and due date). Open past its deadline: a finding, open. Closed after its deadline: a
finding kept on record, closed. A closed one names its closing date; a later report that
confirms it must exist.
"""

from __future__ import annotations

import datetime
from typing import Iterable

from generator.dates import format_zh
from generator.problems import ERROR, FINDING, Problem
from generator.validate.rules._base import Context, rule

OVERDUE = rule("rectification-overdue", FINDING, "发现的问题在整改期限内整改完成",
               "a problem found is put right by its deadline",
               "整改完成后在 rectifications.csv 中把状态改为“已整改”，填写完成日期和整改情况",
               "Once done, set the status to 已整改 with the closing date and what was done")
CLOSED = rule("rectification-closed", ERROR, "状态为“已整改”的问题填写完成日期，完成日期不早于发现日期",
              "a problem marked 已整改 (closed) has a closing date, not before it was found",
              "填写完成日期（2024-05-20），或把状态改为“整改中”",
              "Fill in closed_on, or set the status back to 整改中")
REPORT = rule("rectification-report", ERROR, "“来源报告”“确认报告”是本社区已有的报告文件名（不含 .md）",
              "the report and closed_by columns name one of the community's reports (file name without .md)",
              "核对 reports 文件夹中的文件名", "Check the file names in the reports folder")


def check_rectifications(ctx: Context) -> Iterable[Problem]:
    as_of = ctx.city.as_of
    for c in ctx.with_committee():
        slugs = {r.slug for r in c.reports}
        for item in c.rectifications:
            at = dict(row=item.row, community=c.code)
            for column in ("report", "closed_by"):
                slug = getattr(item, column)
                if slug and slug.removesuffix(".md") not in slugs:
                    yield ctx.problem(REPORT, item.file, f"第 {item.id} 项的“{'来源报告' if column == 'report' else '确认报告'}”"
                                      f"{slug} 不是本社区的报告", f"item {item.id}: {column} {slug} is not one of "
                                      "the community's reports", field=column, value=slug, **at)
            if item.is_closed and item.closed_on is None:
                yield ctx.problem(CLOSED, item.file, f"第 {item.id} 项标为已整改，但没有填写完成日期",
                                  f"item {item.id} is marked closed but has no closing date", field="closed_on", **at)
                continue
            if item.closed_on and item.found_on and item.closed_on < item.found_on:
                yield ctx.problem(CLOSED, item.file, f"第 {item.id} 项的完成日期 {format_zh(item.closed_on)} 早于发现日期",
                                  f"item {item.id} is closed on {item.closed_on}, before it was found",
                                  field="closed_on", value=item.closed_on, **at)
                continue
            if item.due is None:
                continue
            late = dict(since=item.due + datetime.timedelta(days=1), due=item.due, field="due", value=item.due, **at)
            if item.is_closed and item.closed_on > item.due:
                yield ctx.problem(OVERDUE, item.file, f"{item.problem}（{item.responsible}）：{format_zh(item.closed_on)} "
                                  f"才整改完成，超过期限 {format_zh(item.due)}",
                                  f"{item.problem}: closed on {item.closed_on}, after its deadline {item.due}",
                                  closed=item.closed_on, **late)
            elif not item.is_closed and item.due < as_of:
                yield ctx.problem(OVERDUE, item.file, f"{item.problem}（{item.responsible}）：整改期限 {format_zh(item.due)} "
                                  f"已过 {(as_of - item.due).days} 天，仍{item.status}",
                                  f"{item.problem}: {(as_of - item.due).days} days past its deadline {item.due}, "
                                  f"still {item.status}", **late)
        tracked = {item.report.removesuffix(".md") for item in c.rectifications if item.report}
        for report in c.reports:  # a single matter followed in its report, not in rectifications.csv
            if report.due is None or report.status in (None, "无需整改", "已整改") or report.due >= as_of \
                    or report.slug in tracked:
                continue
            yield ctx.problem(OVERDUE, report.file, f"监督事项“{report.title}”：整改期限 {format_zh(report.due)} "
                              f"已过 {(as_of - report.due).days} 天，仍{report.status}",
                              f"'{report.title}': {(as_of - report.due).days} days past its deadline {report.due}, "
                              f"still {report.status}", field="status", value=report.status, community=c.code,
                              since=report.due + datetime.timedelta(days=1), due=report.due)


CHECKS = [check_rectifications]
