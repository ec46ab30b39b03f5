"""The rollout plan (二, 三): phases in order, against the city's deadlines, as of the data's date."""

from __future__ import annotations

import datetime
from typing import Iterable

from generator.dates import format_zh
from generator.problems import ERROR, FINDING, WARNING, Problem
from generator.validate.rules._base import Context, rule

ORDER = rule("rollout-order", ERROR, "阶段按顺序完成：不能早于它所依赖的前一阶段",
             "a phase is done no earlier than the phase before it, which must be done too",
             "核对 rollout.csv 中该社区各阶段的完成日期", "Check the community's completion dates in rollout.csv")
OVERDUE = rule("rollout-overdue", FINDING, "超过城市规定期限仍未完成的阶段（逾期）",
               "a phase past its deadline and not done (overdue)",
               "完成后在 rollout.csv 中登记完成日期", "Record the completion date in rollout.csv once done")
LATE = rule("rollout-late", FINDING, "阶段在城市规定的期限之后才完成（逾期完成）",
            "a phase done after its deadline (done late)",
            "已完成的阶段不需更正：它作为已整改的问题保留在记录中", "Nothing to correct: it stays on record, closed")
FUTURE = rule("rollout-future", ERROR, "完成日期不晚于数据截止日期（city.yaml 的 as_of）",
              "a completion date is not after the data's as-of date (as_of in city.yaml)",
              "只登记已经完成的阶段", "Record only phases already done")
COMMITTEE = rule("rollout-committee", WARNING, "“建设实施”阶段完成与社区是否已有 committee.yaml 一致",
                 "the phase in which committees are elected is done exactly where committee.yaml exists",
                 "选举产生后提交 committee.yaml，并在 rollout.csv 登记该阶段",
                 "After the election add committee.yaml and record the phase in rollout.csv")

FILE = "rollout.csv"


def check_order(ctx: Context) -> Iterable[Problem]:
    as_of = ctx.city.as_of
    for c in ctx.city.communities:
        for phase in sorted(c.rollout):
            done = c.rollout[phase]
            row = c.rollout_rows.get(phase)
            if done > as_of:
                yield ctx.problem(FUTURE, FILE, f"第 {phase} 阶段的完成日期 {format_zh(done)} 晚于数据截止日期 {format_zh(as_of)}",
                                  f"phase {phase} is dated {done}, after the as-of date {as_of}",
                                  row=row, field="completed_on", value=done, community=c.code)
            if phase <= 1:
                continue
            before = c.rollout.get(phase - 1)
            if before is None:
                yield ctx.problem(ORDER, FILE, f"{c.name} 第 {phase} 阶段已登记完成，但第 {phase - 1} 阶段没有登记",
                                  f"{c.code}: phase {phase} is recorded done but phase {phase - 1} is not",
                                  row=row, field="phase", value=phase, community=c.code)
            elif done < before:
                yield ctx.problem(ORDER, FILE, f"{c.name} 第 {phase} 阶段完成于 {format_zh(done)}，早于第 {phase - 1} 阶段的 "
                                  f"{format_zh(before)}", f"{c.code}: phase {phase} done {done}, before phase {phase - 1} "
                                  f"({before})", row=row, field="completed_on", value=done, community=c.code)


def check_overdue(ctx: Context) -> Iterable[Problem]:
    names = {p.number: p.name for p in ctx.settings.phases}
    deadlines = {p.number: p.deadline for p in ctx.settings.phases}
    for c in ctx.city.communities:
        overdue = ctx.city.overdue_phases(c)
        if not overdue:
            continue
        first = overdue[0]
        listed = "、".join(map(str, overdue))
        yield ctx.problem(OVERDUE, FILE, f"{c.name}（{c.code}）第 {listed} 阶段逾期未完成"
                          f"（第 {first} 阶段“{names[first]}”期限为 {format_zh(deadlines[first])}）",
                          f"{c.code}: phases {', '.join(map(str, overdue))} are overdue (phase {first} was due "
                          f"{deadlines[first]})",
                          value=",".join(map(str, overdue)), community=c.code,
                          since=deadlines[first] + datetime.timedelta(days=1), due=deadlines[first])


def check_late(ctx: Context) -> Iterable[Problem]:
    """A phase done after its deadline: a breach put right, kept in the record as 逾期完成."""
    phases = {p.number: p for p in ctx.settings.phases}
    for c in ctx.city.communities:
        for number, done in sorted(c.rollout.items()):
            phase = phases.get(number)
            if phase is None or done <= phase.deadline:
                continue
            yield ctx.problem(LATE, FILE, f"第 {number} 阶段“{phase.name}”于 {format_zh(done)} 完成，"
                              f"晚于期限 {format_zh(phase.deadline)}（逾期完成）",
                              f"phase {number} ({phase.name}) was done on {done}, after its deadline {phase.deadline}",
                              row=c.rollout_rows.get(number), field="completed_on", value=done, community=c.code,
                              since=phase.deadline + datetime.timedelta(days=1), due=phase.deadline, closed=done)


def check_committee_phase(ctx: Context) -> Iterable[Problem]:
    phase = ctx.settings.committee_phase
    for c in ctx.city.communities:
        if ctx.refused(f"communities/{c.code}/committee.yaml"):
            continue
        has, done = c.committee is not None, phase in c.rollout
        if has and not done:
            yield ctx.problem(COMMITTEE, FILE, f"{c.name}（{c.code}）已有 committee.yaml，但 rollout.csv 没有登记第 {phase} 阶段完成",
                              f"{c.code} has committee.yaml but phase {phase} is not recorded in rollout.csv",
                              value=phase, community=c.code)
        elif done and not has:
            yield ctx.problem(COMMITTEE, FILE, f"{c.name}（{c.code}）登记了第 {phase} 阶段完成，但还没有 committee.yaml",
                              f"{c.code} has phase {phase} recorded but no committee.yaml",
                              row=c.rollout_rows.get(phase), field="phase", value=phase, community=c.code)


CHECKS = [check_order, check_overdue, check_late, check_committee_phase]
