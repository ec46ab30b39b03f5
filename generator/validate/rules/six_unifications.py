"""Working conditions (plan 四.3): the six unifications (六统一), one warning per missing item.

A warning never fails the build; it carries the community so the community's page can show it
as open work ("尚未统一监审印章").
"""

from __future__ import annotations

from typing import Iterable

from generator.model import SIX_UNIFICATIONS
from generator.problems import FINDING, Problem
from generator.validate.rules._base import Context, rule

MISSING = rule("six-unifications", FINDING,
               "六统一（工作牌子、监审印章、监督制度、工作记录、监督举报箱、居务监督栏）每缺一项提醒一次",
               "each of the six unifications (sign, seal, rules, records, report box, notice board) not in place",
               "落实后在 committee.yaml 的 six_unifications 中把该项改为“是”",
               "Once in place, set the item to 是 under six_unifications in committee.yaml")


def check_six_unifications(ctx: Context) -> Iterable[Problem]:
    for c in ctx.with_committee():
        for key, label in SIX_UNIFICATIONS:
            state = c.committee.six_unifications.get(key)
            if state is True:
                continue
            said_zh = "未填写" if state is None else "填写为“否”"
            said_en = "not stated" if state is None else "marked 否 (no)"
            yield ctx.problem(MISSING, c.committee.file, f"尚未落实“{label}”（{said_zh}）",
                              f"'{label}' ({key}) is not in place ({said_en})",
                              field=f"six_unifications.{key}", value=None if state is None else "否",
                              community=c.code)


CHECKS = [check_six_unifications]
