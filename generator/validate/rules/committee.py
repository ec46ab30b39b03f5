"""Composition (plan 四.1): size, one chair, a party-member chair, the term.

Who elected the committee (居民会议 or 居民代表会议) is the schema's enum on `elected_by`, which
names the key and the allowed values; no rule repeats it.
"""

from __future__ import annotations

from typing import Iterable

from generator.dates import format_zh
from generator.model import Community
from generator.problems import FINDING, WARNING, Problem
from generator.validate.rules._base import Context, rule

SIZE = rule("committee-size", FINDING, "监督委员会由 3–5 人组成（人数为城市设置）",
            "a committee has 3 to 5 members (a city setting)",
            "按选举结果补全或删减 members.csv 中的成员", "Correct members.csv to match the election")
CHAIR = rule("committee-chair", FINDING, "监督委员会有且只有 1 名主任", "a committee has exactly one chair (主任)",
             "“职务”列中只能有一人填写“主任”，其他人填写“委员”", "Exactly one row has role 主任; the others 委员")
CHAIR_PARTY = rule("chair-not-party-member", FINDING, "主任一般应为中共党员（可以是退休党员）",
                   "the chair is normally a party member (a retired one may be chosen)",
                   "核对主任的“政治面貌”；如确非党员，请向街道说明", "Check the chair's political status")
TERM_END = rule("committee-term-end", FINDING, "监督委员会任期止日与居委会任期止日相同",
                "the committee's term ends when the residents' committee's term ends",
                "把 committee.yaml 的 term_end 改为 communities.csv 中的居委会任期止日",
                "Set term_end to the residents' committee's term end in communities.csv")
TERM_START = rule("committee-term-start", FINDING,
                  "任期起日不早于居委会任期起日，也不早于选举日期（届中选举的，任期自选举起至本届居委会任期届满）",
                  "the term starts no earlier than the residents' committee's term nor than the election "
                  "(a committee elected mid-term serves until that term ends)",
                  "任期起日填写选举日期或居委会任期起日中较晚的一个",
                  "Use the later of the election date and the residents' committee's term start")
RC_TERM = rule("rc-term-missing", WARNING, "有监督委员会的社区应在 communities.csv 填写居委会任期",
               "a community with a committee records the residents' committee's term in communities.csv",
               "在 communities.csv 中填写“居委会任期起”和“居委会任期止”",
               "Fill in rc_term_start and rc_term_end in communities.csv")


def check_size_and_chair(ctx: Context) -> Iterable[Problem]:
    s = ctx.settings
    for c in ctx.with_committee():
        file = f"communities/{c.code}/members.csv"
        if ctx.refused(f"communities/{c.code}/members"):
            continue
        n = len(c.members)
        if not s.min_members <= n <= s.max_members:
            yield ctx.problem(SIZE, file, f"监督委员会应由 {s.min_members}–{s.max_members} 人组成，现有 {n} 人",
                              f"a committee has {s.min_members}-{s.max_members} members; this one has {n}",
                              value=n, community=c.code)
        chairs = [m for m in c.members if m.is_chair]
        if c.members and not chairs:
            yield ctx.problem(CHAIR, file, "成员名单中没有主任", "no member has the role 主任 (chair)",
                              field="role", community=c.code)
        for extra in chairs[1:]:
            yield ctx.problem(CHAIR, file, f"主任只能有 1 名：{chairs[0].name} 和 {extra.name} 都填了“主任”",
                              f"only one chair: both {chairs[0].name} and {extra.name} have the role 主任",
                              row=extra.row, field="role", value=extra.role, community=c.code)
        if len(chairs) == 1 and chairs[0].political_status and not chairs[0].is_party_member:
            chair = chairs[0]
            yield ctx.problem(CHAIR_PARTY, chair.file or file,
                              f"主任 {chair.name} 的政治面貌是“{chair.political_status}”，主任一般应为中共党员",
                              f"the chair {chair.name} is '{chair.political_status}', not a party member",
                              row=chair.row, field="political_status", value=chair.political_status,
                              community=c.code)


def check_term(ctx: Context) -> Iterable[Problem]:
    for c in ctx.with_committee():
        committee = c.committee
        file = committee.file
        if c.rc_term_end is None or c.rc_term_start is None:
            yield ctx.problem(RC_TERM, "communities.csv", f"{c.name}（{c.code}）没有填写居委会任期，无法核对监督委员会任期",
                              f"{c.code} has no residents' committee term; the committee's term cannot be checked",
                              row=c.row, field="rc_term_end" if c.rc_term_start else "rc_term_start",
                              community=c.code)
        if c.rc_term_end is not None and committee.term_end is not None and committee.term_end != c.rc_term_end:
            yield ctx.problem(TERM_END, file,
                              f"任期止日 {format_zh(committee.term_end)} 与居委会任期止日 {format_zh(c.rc_term_end)} 不同",
                              f"the term ends {committee.term_end}, the residents' committee's on {c.rc_term_end}",
                              field="term_end", value=committee.term_end, community=c.code)
        yield from _term_start(ctx, c)


def _term_start(ctx: Context, c: Community) -> Iterable[Problem]:
    committee = c.committee
    start = committee.term_start
    if start is None:
        return
    reasons = []
    if c.rc_term_start is not None and start < c.rc_term_start:
        reasons.append((f"早于居委会任期起日 {format_zh(c.rc_term_start)}",
                        f"before the residents' committee's term starts ({c.rc_term_start})"))
    if committee.elected_on is not None and start < committee.elected_on:
        reasons.append((f"早于选举日期 {format_zh(committee.elected_on)}", f"before the election ({committee.elected_on})"))
    if committee.term_end is not None and start > committee.term_end:
        reasons.append((f"晚于任期止日 {format_zh(committee.term_end)}", f"after the term's end ({committee.term_end})"))
    if reasons:
        yield ctx.problem(TERM_START, committee.file,
                          f"任期起日 {format_zh(start)} " + "，且".join(r[0] for r in reasons),
                          f"the term starts {start}, " + " and ".join(r[1] for r in reasons),
                          field="term_start", value=start, community=c.code)


CHECKS = [check_size_and_chair, check_term]
