"""Avoidance (回避, plan 四.1.6): who may not sit on the committee, checked against officials.csv.

No member may be a member of the community party organisation (the chair excepted), of the
residents' committee, a declared close relative of any official listed, or community finance
staff. The message names both people, so the clerk sees which row of officials.csv matched.
"""

from __future__ import annotations

import re
from typing import Iterable

from generator.model import Member, Official
from generator.problems import FINDING, WARNING, Problem
from generator.validate.rules._base import Context, rule

AVOIDANCE = rule("avoidance", FINDING,
                 "成员不得是社区党组织成员（主任除外）、居委会成员、他们的近亲属或社区财务人员（对照 officials.csv）",
                 "no member may be a party-organisation member (the chair excepted), a residents' committee member, "
                 "a close relative of an official, or finance staff (checked against officials.csv)",
                 "按回避规定调整成员；如是同名的不同人，请在 officials.csv 中核对姓名",
                 "Replace the member as the avoidance rule requires; if it is another person of the same name, "
                 "check the names in officials.csv")
AVOIDANCE_POST = rule("avoidance-post", WARNING,
                      "成员填写的现任职务看起来是两委或财务职务，但 officials.csv 中没有此人",
                      "a member's other post looks like a two-committee or finance post not listed in officials.csv",
                      "核对该成员的“现任职务”；若确属两委成员或财务人员，须按回避规定调整，并补充 officials.csv",
                      "Check the member's other post; if it is such a post, apply the avoidance rule")

PARTY, RC, FINANCE = "社区党组织", "居民委员会", "社区财务人员"
# A stated post that belongs to the two committees or to community finance.
_BARRED_POST = re.compile(r"居委会|居民委员会|社区(?:党委|党总支|党支部|党组织).*(?:书记|委员)|社区.*(?:财务|会计|出纳)")


def check_avoidance(ctx: Context) -> Iterable[Problem]:
    for c in ctx.with_committee():
        if ctx.refused(f"communities/{c.code}/officials", f"communities/{c.code}/members"):
            continue
        for member in c.members:
            found = _conflicts(member, c.officials)
            if found:
                zh = "；".join(z for z, _, _ in found)
                en = "; ".join(e for _, e, _ in found)
                public = "；".join(dict.fromkeys(p for _, _, p in found))
                yield ctx.problem(AVOIDANCE, member.file or f"communities/{c.code}/members.csv",
                                  f"{member.role or '成员'} {member.name} 应当回避：{zh}",
                                  f"{member.name} must stand aside (avoidance rule): {en}",
                                  row=member.row, field="name", value=member.name, community=c.code,
                                  public=f"{member.role or '成员'} {member.name} 应当回避：{public}")
            elif not member.is_chair and member.concurrent_post and _BARRED_POST.search(member.concurrent_post):
                yield ctx.problem(AVOIDANCE_POST, member.file or f"communities/{c.code}/members.csv",
                                  f"{member.name} 的现任职务“{member.concurrent_post}”属于两委或财务职务，不能担任监督委员会成员",
                                  f"{member.name}'s other post '{member.concurrent_post}' looks like a two-committee "
                                  "or finance post", row=member.row, field="concurrent_post",
                                  value=member.concurrent_post, community=c.code)


def _conflicts(member: Member, officials: list[Official]) -> list[tuple[str, str, str]]:
    """(Chinese, English, public) for each conflict: the public text names the member and the kind
    of conflict, never the official's relative or the row that records them (DISCLOSURE.md)."""
    found: list[tuple[str, str, str]] = []
    for o in officials:
        where_zh = f"officials.csv 第 {o.row} 行" if o.row else "officials.csv"
        where_en = f"officials.csv row {o.row}" if o.row else "officials.csv"
        if o.name == member.name and not (o.body == PARTY and member.is_chair):
            found.append((f"本人是{o.body}{o.post}（{where_zh}）", f"is {o.post} of {o.body} ({where_en})",
                          f"本人是{o.body}{o.post}"))
        elif o.relative and o.relative == member.name:
            found.append((f"是{o.body}{o.post} {o.name} 的{o.relation or '近亲属'}（{where_zh}）",
                          f"is the {o.relation or 'close relative'} (relative) of {o.name}, {o.post} of {o.body} "
                          f"({where_en})", f"是{o.body if o.body == FINANCE else o.body + '成员'}的近亲属"))
    return found


CHECKS = [check_avoidance]
