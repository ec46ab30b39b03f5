"""Residents' opinions: an answer comes after the opinion, and an answered one has its answer."""

from __future__ import annotations

from typing import Iterable

from generator.dates import format_zh
from generator.problems import ERROR, Problem
from generator.validate.rules._base import Context, rule

DATES = rule("opinion-dates", ERROR, "答复日期不早于收到日期", "an opinion is answered on or after the day it was received",
             "核对收到日期和答复日期", "Check the two dates")
ANSWER = rule("opinion-answer", ERROR, "状态为“已答复”的意见须填写答复内容和答复日期",
              "an opinion marked 已答复 (answered) has its answer and answer date",
              "填写答复和答复日期，或把状态改为“办理中”/“待答复”", "Fill in the answer, or change the status")


def check_opinions(ctx: Context) -> Iterable[Problem]:
    for c in ctx.with_committee():
        for o in c.opinions:
            at = dict(row=o.row, community=c.code)
            if o.received_on and o.answered_on and o.answered_on < o.received_on:
                yield ctx.problem(DATES, o.file, f"答复日期 {format_zh(o.answered_on)} 早于收到日期 {format_zh(o.received_on)}",
                                  f"answered {o.answered_on}, before it was received ({o.received_on})",
                                  field="answered_on", value=o.answered_on, **at)
            if o.status == "已答复" and (not o.answer or o.answered_on is None):
                missing = "answer" if not o.answer else "answered_on"
                yield ctx.problem(ANSWER, o.file, f"“{o.subject}”标为已答复，但没有填写" + ("答复内容" if not o.answer else "答复日期"),
                                  f"'{o.subject}' is marked answered but has no {missing}", field=missing, **at)


CHECKS = [check_opinions]
