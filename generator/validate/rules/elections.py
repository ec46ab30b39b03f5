"""The committee's elections: attendance and votes that add up, a quorum, a chair, and the result
published within the city's working days (the same window as a member change)."""

from __future__ import annotations

import datetime
from fractions import Fraction
from typing import Iterable

from generator.dates import add_working_days, format_zh
from generator.problems import ERROR, FINDING, WARNING, Problem
from generator.records import expected_members, group_elections
from generator.validate.rules._base import Context, rule

# Present at least this share of those expected: a residents' representative meeting needs two
# thirds, a residents' meeting more than half (城市居民委员会组织法 and common local rules).
QUORUM = {"居民代表会议": Fraction(2, 3), "居民会议": Fraction(1, 2)}

COUNTS = rule("election-counts", ERROR, "选举的实到人数不超过应到人数，候选人得票不超过实到人数，同一次选举的会议和人数一致",
              "an election's attendance does not exceed those expected, no candidate gets more votes than "
              "were present, and its rows agree on the meeting and the numbers",
              "核对应到、实到人数和得票数", "Check the attendance and the votes")
ROLE = rule("election-role", ERROR, "当选的人写明当选职务，一次选举至多选出一名主任；未当选的人不写职务",
            "those elected have a role, an election elects at most one chair, and those not elected have none",
            "填写“当选职务”（主任/委员）", "Fill in the role (主任/委员) of those elected")
QUORATE = rule("election-quorum", FINDING, "选举会议到会人数符合规定（居民代表会议三分之二以上，居民会议过半数）",
               "the electing meeting is quorate (two thirds of representatives, more than half at a residents' meeting)",
               "到会人数不足的选举应重新组织", "An election without a quorum is held again")
LATE = rule("election-published-late", FINDING, "选举结果在城市规定的工作日内公开（默认 20 个工作日）",
            "an election's result is published within the city's working days (20 by default)",
            "今后选举后及时在公开栏和本站公开结果", "Publish election results promptly")

ROSTER = rule("election-roster", WARNING, "成员名单与最近一次选举结果及其后的成员变动相符",
              "the member list matches the latest election and the member changes since",
              "核对 members.csv、elections.csv 和 member_changes.csv：补录成员变动，或更正名单",
              "Check the three files: record the missing change, or correct the list")


def quorate(meeting: str, present: int, expected: int) -> bool:
    """Two thirds or more at a representatives' meeting; more than half at a residents' meeting."""
    share = Fraction(present, expected)
    if meeting == "居民会议":
        return share > QUORUM[meeting]
    return share >= QUORUM.get(meeting, 0)


def check_elections(ctx: Context) -> Iterable[Problem]:
    s = ctx.settings
    for c in ctx.with_committee():
        for election in group_elections(c.elections):
            first = election.candidates[0]
            at = dict(community=c.code)
            for cand in election.candidates:
                if (cand.meeting, cand.expected, cand.present, cand.published_on) != \
                        (first.meeting, first.expected, first.present, first.published_on):
                    yield ctx.problem(COUNTS, cand.file, f"{format_zh(election.held_on)}选举的各行会议类型、人数或公开日期不一致",
                                      f"the election of {election.held_on}: rows differ in meeting, numbers or "
                                      "publication date", row=cand.row, field="present", **at)
                if cand.votes is not None and cand.present is not None and cand.votes > cand.present:
                    yield ctx.problem(COUNTS, cand.file, f"{cand.candidate}得 {cand.votes} 票，多于实到 {cand.present} 人",
                                      f"{cand.candidate} got {cand.votes} votes, more than the {cand.present} present",
                                      row=cand.row, field="votes", value=cand.votes, **at)
                if cand.is_elected and not cand.role:
                    yield ctx.problem(ROLE, cand.file, f"{cand.candidate}当选，但没有写当选职务",
                                      f"{cand.candidate} was elected but has no role", row=cand.row, field="role", **at)
                if not cand.is_elected and cand.role:
                    yield ctx.problem(ROLE, cand.file, f"{cand.candidate}未当选，不应写当选职务",
                                      f"{cand.candidate} was not elected but has a role", row=cand.row,
                                      field="role", value=cand.role, **at)
            chairs = [x for x in election.elected if x.role == "主任"]
            if len(chairs) > 1:
                yield ctx.problem(ROLE, chairs[1].file, f"{format_zh(election.held_on)}的选举选出了 {len(chairs)} 名主任",
                                  f"the election of {election.held_on} elected {len(chairs)} chairs",
                                  row=chairs[1].row, field="role", value="主任", **at)
            where = dict(row=first.row, **at)
            if election.expected is not None and election.present is not None:
                if election.present > election.expected:
                    yield ctx.problem(COUNTS, first.file, f"实到 {election.present} 人，多于应到 {election.expected} 人",
                                      f"{election.present} present, more than the {election.expected} expected",
                                      field="present", value=election.present, **where)
                elif not quorate(election.meeting, election.present, election.expected):
                    share = "三分之二" if election.meeting == "居民代表会议" else "半数"
                    yield ctx.problem(QUORATE, first.file, f"{format_zh(election.held_on)}的{election.meeting}应到 "
                                      f"{election.expected} 人、实到 {election.present} 人，未达到{share}以上",
                                      f"the {election.meeting} of {election.held_on}: {election.present} of "
                                      f"{election.expected} present, short of the quorum", field="present",
                                      value=election.present, since=election.held_on, **where)
            if election.held_on is None or election.published_on is None:
                continue
            if election.published_on < election.held_on:
                yield ctx.problem(COUNTS, first.file, f"公开日期 {format_zh(election.published_on)} 早于选举日期",
                                  f"published on {election.published_on}, before the election",
                                  field="published_on", value=election.published_on, **where)
                continue
            due = add_working_days(election.held_on, s.member_change_workdays, s.holidays, s.workdays)
            if election.published_on > due:
                yield ctx.problem(LATE, first.file, f"{format_zh(election.held_on)}的选举结果于 "
                                  f"{format_zh(election.published_on)} 才公开，超过 {s.member_change_workdays} 个工作日"
                                  f"（应在 {format_zh(due)} 前）",
                                  f"the election of {election.held_on} was published on {election.published_on}, "
                                  f"after {s.member_change_workdays} working days ({due})", field="published_on",
                                  value=election.published_on, since=due + datetime.timedelta(days=1), due=due,
                                  closed=election.published_on, **where)


def check_roster(ctx: Context) -> Iterable[Problem]:
    for c in ctx.with_committee():
        expected = expected_members(c)
        if expected is None or not c.members or ctx.refused(f"communities/{c.code}/members"):
            continue
        listed = {m.name for m in c.members}
        missing, extra = sorted(expected - listed), sorted(listed - expected)
        if missing or extra:
            parts_zh = ([f"选举或补选产生但不在成员名单中：{'、'.join(missing)}"] if missing else []) + \
                ([f"在成员名单中但没有选举或补选记录：{'、'.join(extra)}"] if extra else [])
            yield ctx.problem(ROSTER, c.members[0].file, "；".join(parts_zh),
                              f"not on the member list: {', '.join(missing) or '-'}; listed without an election "
                              f"or by-election: {', '.join(extra) or '-'}", community=c.code)


CHECKS = [check_elections, check_roster]
