"""Inspections and assessments (检查验收, 年中督查, 年底考核): made by a group, with a result, and
every problem they find put right by its deadline — here, or through the rectification loop."""

from __future__ import annotations

import datetime
from typing import Iterable

from generator.dates import format_zh
from generator.problems import ERROR, FINDING, WARNING, Problem
from generator.records import FAILED, GROUP_WORDS, group_inspections
from generator.validate.rules._base import Context, rule

GROUP = rule("inspection-group", ERROR, "检查组写检查组或单位的名称，不写个人姓名",
             "the inspecting group is a group or body, never a private person",
             "写成“某某区居务监督工作检查组”这样的名称", "Write the group's name, e.g. 示例区居务监督工作检查组")
RESULT = rule("inspection-result", ERROR, "每个检查项目写明结果（合格/基本合格/不合格）或得分",
              "each item checked has a result (合格/基本合格/不合格) or a score",
              "填写“结果”或“得分”", "Fill in the result or the score")
CONSISTENT = rule("inspection-consistent", ERROR, "同一检查编号的各行，检查类型、日期和检查组相同",
                  "the rows of one inspection share its kind, date and group",
                  "核对检查编号，或统一这几列", "Check the inspection ids, or make these columns agree")
PROBLEM = rule("inspection-problem", ERROR, "不合格、基本合格的项目写明发现的问题和整改期限",
               "an item found 不合格 or 基本合格 states the problem found and a deadline to put it right",
               "填写“发现的问题”和“整改期限”", "Fill in the problem and its deadline")
LINK = rule("inspection-rectification", ERROR, "“整改跟踪编号”是本社区 rectifications.csv 中已有的编号",
            "the rectification column names an item of the community's rectifications.csv",
            "核对 rectifications.csv 中的编号，或留空并填写整改完成日期", "Check the id, or leave it empty")
UNRECTIFIED = rule("inspection-unrectified", FINDING, "检查、考核发现的问题在整改期限内整改完成",
                   "a problem found by an inspection or assessment is put right by its deadline",
                   "整改完成后填写“整改完成日期”，或在整改跟踪表中跟踪并填写编号",
                   "Once done, fill in rectified_on, or follow it in rectifications.csv and name its id")
DUE_LATER = rule("inspection-due-later", WARNING, "整改跟踪表给检查发现的问题的期限不晚于检查组规定的期限",
                 "the rectification list does not give an inspection's problem more time than the inspectors did",
                 "把整改跟踪表中的整改期限改为检查组规定的期限", "Use the inspectors' deadline in rectifications.csv")


def _is_group(name: str) -> bool:
    return any(word in name for word in GROUP_WORDS)


def check_inspections(ctx: Context) -> Iterable[Problem]:
    as_of = ctx.city.as_of
    pass_score = ctx.settings.inspection_pass_score
    for c in ctx.with_committee():
        linked = {r.id: r for r in c.rectifications}
        for inspection in group_inspections(c.inspections, pass_score):
            first = inspection.items[0] if inspection.items else inspection.overall_row
            for item in [*inspection.items, *([inspection.overall_row] if inspection.overall_row else [])]:
                at = dict(row=item.row, community=c.code)
                if item is first and item.group and not _is_group(item.group):
                    yield ctx.problem(GROUP, item.file, f"检查组“{item.group}”像是个人姓名，应写检查组或单位的名称",
                                      f"the group '{item.group}' reads like a person's name", field="group",
                                      value=item.group, **at)
                for column in ("kind", "inspected_on", "group"):
                    if getattr(item, column) != getattr(first, column):
                        yield ctx.problem(CONSISTENT, item.file, f"检查 {inspection.id} 的各行“{column}”不一致",
                                          f"inspection {inspection.id}: {column} differs between its rows",
                                          field=column, value=getattr(item, column), **at)
                outcome = item.outcome(pass_score)
                if outcome is None and not item.is_overall:
                    yield ctx.problem(RESULT, item.file, f"检查 {inspection.id} 的项目“{item.item}”没有结果或得分",
                                      f"inspection {inspection.id}: item '{item.item}' has no result or score",
                                      field="result", **at)
                if outcome in ("基本合格", FAILED) and not item.is_overall and not (item.problem and item.rectify_by):
                    missing = "problem" if not item.problem else "rectify_by"
                    yield ctx.problem(PROBLEM, item.file, f"检查 {inspection.id} 的项目“{item.item}”为{outcome}，"
                                      "但没有写明发现的问题和整改期限",
                                      f"inspection {inspection.id}: '{item.item}' is {outcome} with no problem "
                                      "and deadline", field=missing, **at)
                if not item.problem:
                    continue
                if item.rectification:
                    target = linked.get(item.rectification)
                    if target is None:
                        yield ctx.problem(LINK, item.file, f"整改跟踪编号 {item.rectification} 不在本社区的整改跟踪表中",
                                          f"rectification {item.rectification} is not in the community's "
                                          "rectifications.csv", field="rectification", value=item.rectification, **at)
                    elif item.rectify_by and target.due and target.due > item.rectify_by:
                        yield ctx.problem(DUE_LATER, item.file, f"“{item.problem}”：整改跟踪表的期限 "
                                          f"{format_zh(target.due)} 晚于检查组规定的 {format_zh(item.rectify_by)}",
                                          f"'{item.problem}': the rectification list's deadline {target.due} is "
                                          f"later than the inspectors' {item.rectify_by}", field="rectification",
                                          value=item.rectification, **at)
                    continue  # followed to closure by the rectification rules
                if item.rectify_by is None:
                    continue
                late = dict(since=item.rectify_by + datetime.timedelta(days=1), due=item.rectify_by,
                            field="rectify_by", value=item.rectify_by, **at)
                what = f"{inspection.kind}（{format_zh(inspection.inspected_on) if inspection.inspected_on else ''}）" \
                       f"发现的问题“{item.problem}”"
                if item.rectified_on is not None and item.rectified_on > item.rectify_by:
                    yield ctx.problem(UNRECTIFIED, item.file, f"{what}于 {format_zh(item.rectified_on)} 才整改完成，"
                                      f"超过期限 {format_zh(item.rectify_by)}",
                                      f"'{item.problem}' ({inspection.kind}) was put right on {item.rectified_on}, "
                                      f"after its deadline {item.rectify_by}", closed=item.rectified_on, **late)
                elif item.rectified_on is None and item.rectify_by < as_of:
                    yield ctx.problem(UNRECTIFIED, item.file, f"{what}整改期限 {format_zh(item.rectify_by)} 已过 "
                                      f"{(as_of - item.rectify_by).days} 天，仍未整改完成",
                                      f"'{item.problem}' ({inspection.kind}): {(as_of - item.rectify_by).days} days "
                                      f"past its deadline {item.rectify_by}", **late)


CHECKS = [check_inspections]
