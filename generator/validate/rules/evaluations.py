"""Democratic evaluation (民主评议) totals: quorum, ballots and counts that add up.

A row rates either one person (优秀 / 称职 / 基本称职 / 不称职) or the residents' committee as a
whole (满意 / 基本满意 / 不满意); its ratings add up to the valid ballots.
"""

from __future__ import annotations

import datetime
from typing import Iterable

from generator.dates import format_zh

from generator.model import Evaluation
from generator.problems import ERROR, FINDING, Problem
from generator.validate.rules._base import Context, rule

QUORUM = rule("evaluation-quorum", ERROR, "实到人数不少于应到人数的三分之二，且不超过应到人数",
              "at least two thirds of the representatives are present, and no more than expected",
              "核对应到、实到人数；不足三分之二的评议无效，应重新组织", "Check the attendance; below two thirds the vote is void")
BALLOTS = rule("evaluation-ballots", ERROR, "有效票与作废票之和不超过实到人数", "valid plus void ballots do not exceed those present",
               "核对有效票、作废票和实到人数", "Check the ballots against attendance")
COUNTS = rule("evaluation-counts", ERROR, "每一档票数不超过有效票，各档之和等于有效票",
              "no rating count exceeds the valid ballots, and the counts add up to them",
              "核对各档票数", "Check the counts of each rating")
COLUMNS = rule("evaluation-columns", ERROR, "一行只评一个对象：个人用 优秀/称职/基本称职/不称职，居委会整体用 满意/基本满意/不满意",
               "a row rates one person (优秀…不称职) or the whole body (满意…不满意), not both",
               "把整体评价和个人评价分成两行填写", "Put the whole-body rating and personal ratings on separate rows")

TWICE = rule("evaluation-incompetent-twice", FINDING, "连续两年被评议为不称职的，按规定终止其职务",
             "a person rated 不称职 (incompetent) two years running leaves the post, as the organisation law provides",
             "按规定程序终止其职务并补选，在成员名单中更新", "End the post as the law provides and update the records")
MISSING = rule("evaluation-missing", FINDING, "每年组织一次民主评议（在城市规定的日期前）",
               "a democratic evaluation is held every year (by the city's date)",
               "组织本年度民主评议，并在 evaluations.csv 登记结果", "Hold the year's evaluation and record it")

PERSON = (("excellent", "优秀"), ("competent", "称职"), ("basically_competent", "基本称职"), ("incompetent", "不称职"))
WHOLE = (("satisfied", "满意"), ("basically_satisfied", "基本满意"), ("dissatisfied", "不满意"))
_COUNTS = ("reps_expected", "reps_present", "ballots_valid", "ballots_void", *(n for n, _ in PERSON + WHOLE))


def check_evaluations(ctx: Context) -> Iterable[Problem]:
    for c in ctx.city.communities:
        for e in c.evaluations:
            at = dict(row=e.row, community=c.code)
            file = e.file or f"communities/{c.code}/evaluations.csv"
            if ctx.unreadable(file, *_COUNTS, row=e.row):
                continue  # a count the schema refused would only add up wrongly here
            if e.reps_present > e.reps_expected or 3 * e.reps_present < 2 * e.reps_expected:
                yield ctx.problem(QUORUM, file, f"{e.evaluated}：应到 {e.reps_expected} 人，实到 {e.reps_present} 人"
                                  + ("，实到多于应到" if e.reps_present > e.reps_expected else "，不足三分之二"),
                                  f"{e.evaluated}: {e.reps_present} of {e.reps_expected} present", field="reps_present",
                                  value=e.reps_present, **at)
            void = e.ballots_void or 0
            if e.ballots_valid + void > e.reps_present:
                yield ctx.problem(BALLOTS, file, f"{e.evaluated}：有效票 {e.ballots_valid} + 作废票 {void} 多于实到人数 {e.reps_present}",
                                  f"{e.evaluated}: {e.ballots_valid} valid + {void} void ballots exceed {e.reps_present} present",
                                  field="ballots_void", value=void, **at)
            yield from _counts(ctx, file, e, at)


def _counts(ctx: Context, file: str, e: Evaluation, at: dict) -> Iterable[Problem]:
    person = [(n, t, getattr(e, n)) for n, t in PERSON]
    whole = [(n, t, getattr(e, n)) for n, t in WHOLE]
    if any(v for _, _, v in person) and any(v for _, _, v in whole):
        yield ctx.problem(COLUMNS, file, f"{e.evaluated}：同一行既填了个人评价又填了整体满意度",
                          f"{e.evaluated}: the row has both personal and whole-body ratings", field="satisfied", **at)
        return
    used = whole if e.is_whole_body else person
    for name, title, value in used:
        if value > e.ballots_valid:
            yield ctx.problem(COUNTS, file, f"{e.evaluated}：“{title}” {value} 票多于有效票 {e.ballots_valid}",
                              f"{e.evaluated}: {name} {value} exceeds the {e.ballots_valid} valid ballots",
                              field=name, value=value, **at)
            return
    total = sum(v for _, _, v in used)
    if total != e.ballots_valid:
        titles = "+".join(t for _, t, _ in used)
        yield ctx.problem(COUNTS, file, f"{e.evaluated}：{titles} 共 {total} 票，不等于有效票 {e.ballots_valid}",
                          f"{e.evaluated}: the ratings add up to {total}, not the {e.ballots_valid} valid ballots",
                          field="ballots_valid", value=total, **at)


def check_incompetent_twice(ctx: Context) -> Iterable[Problem]:
    for c in ctx.city.communities:
        by_person: dict[tuple[str, str], dict[int, Evaluation]] = {}
        for e in c.evaluations:
            if e.result is not None:
                by_person.setdefault((e.evaluated, e.post or ""), {})[e.year] = e
        for (name, post), years in sorted(by_person.items()):
            for year in sorted(years):
                second = years.get(year + 1)
                if years[year].result == "不称职" and second is not None and second.result == "不称职":
                    file = second.file or f"communities/{c.code}/evaluations.csv"
                    yield ctx.problem(TWICE, file, f"{post}{name} 在 {year} 年和 {year + 1} 年的民主评议中连续被评为不称职，"
                                      "应按规定终止其职务", f"{name} ({post}) was rated incompetent in {year} and "
                                      f"{year + 1}: the post ends as the law provides", row=second.row,
                                      field="incompetent", value=second.incompetent, community=c.code,
                                      since=second.held_on)


def check_held_every_year(ctx: Context) -> Iterable[Problem]:
    """Every full year of the committee's term has its evaluation, once the city's date for it has passed."""
    as_of = ctx.city.as_of
    for c in ctx.with_committee():
        elected = c.committee.elected_on
        if elected is None:
            continue
        held: dict[int, datetime.date] = {}
        for e in c.evaluations:
            if e.held_on is not None:
                held[e.year] = min(held.get(e.year, e.held_on), e.held_on)
        for year in range(elected.year + 1, as_of.year):
            due = datetime.date.fromisoformat(f"{year + 1}-{ctx.settings.evaluation_by}")
            if year in held and held[year] > due:
                yield ctx.problem(MISSING, f"communities/{c.code}/evaluations.csv",
                                  f"{year} 年度民主评议于 {format_zh(held[year])} 才举行，晚于 {format_zh(due)}",
                                  f"the {year} democratic evaluation was held on {held[year]}, after {due}",
                                  value=year, community=c.code, since=due + datetime.timedelta(days=1), due=due,
                                  closed=held[year])
            if year in held or due >= as_of:
                continue
            yield ctx.problem(MISSING, f"communities/{c.code}/evaluations.csv",
                              f"{year} 年度没有民主评议记录（应在 {format_zh(due)} 前完成）",
                              f"no democratic evaluation is recorded for {year} (due by {due})",
                              value=year, community=c.code, since=due + datetime.timedelta(days=1), due=due)


CHECKS = [check_evaluations, check_incompetent_twice, check_held_every_year]
