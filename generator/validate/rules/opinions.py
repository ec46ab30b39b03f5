"""Residents' opinions: an answer comes after the opinion, and an answered one has its answer."""

from __future__ import annotations

import datetime
from typing import Iterable

from generator.dates import format_zh
from generator.problems import ERROR, FINDING, Problem
from generator.validate.rules._base import Context, rule

DATES = rule("opinion-dates", ERROR, "答复日期不早于收到日期", "an opinion is answered on or after the day it was received",
             "核对收到日期和答复日期", "Check the two dates")
ANSWER = rule("opinion-answer", ERROR, "状态为“已答复”的意见须填写答复内容和答复日期",
              "an opinion marked 已答复 (answered) has its answer and answer date",
              "填写答复和答复日期，或把状态改为“办理中”/“待答复”", "Fill in the answer, or change the status")

LATE = rule("opinion-answer-late", FINDING, "居民意见在城市规定的天数内答复（默认 10 天）",
            "residents' opinions are answered within the city's days (10 by default)",
            "尽快答复并登记答复日期", "Answer it and record the answer date")


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


def check_answered_in_time(ctx: Context) -> Iterable[Problem]:
    days, as_of = ctx.settings.opinion_answer_days, ctx.city.as_of
    for c in ctx.with_committee():
        for o in c.opinions:
            if o.received_on is None:
                continue
            due = answer_due(o.received_on, days)
            at = dict(row=o.row, community=c.code, since=due + datetime.timedelta(days=1), due=due)
            if o.answered_on is not None and o.answered_on > due:
                yield ctx.problem(LATE, o.file, f"“{o.subject}”于 {format_zh(o.answered_on)} 才答复，超过 {days} 天的期限"
                                  f"（应在 {format_zh(due)} 前）",
                                  f"'{o.subject}' was answered on {o.answered_on}, after the {days}-day deadline ({due})",
                                  field="answered_on", value=o.answered_on, closed=o.answered_on, **at)
            elif o.answered_on is None and due < as_of:
                yield ctx.problem(LATE, o.file, f"“{o.subject}”收到 {(as_of - o.received_on).days} 天仍未答复"
                                  f"（应在 {format_zh(due)} 前答复）",
                                  f"'{o.subject}' is unanswered {(as_of - o.received_on).days} days after it was "
                                  f"received (due {due})", field="answered_on", **at)


def answer_due(received: datetime.date, days: int) -> datetime.date:
    return received + datetime.timedelta(days=days)


CHECKS = [check_opinions, check_answered_in_time]
