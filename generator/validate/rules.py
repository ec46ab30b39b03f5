"""The plan's own rules, checked on the assembled city. Each rule yields Problems.

Only the foundations live here for now; see RULES.md for the full list.
"""

from __future__ import annotations

from typing import Callable, Iterable

from generator.load.sources import Loaded
from generator.model import City, Community
from generator.money import format_amount
from generator.problems import ERROR, Problem

Rule = Callable[[City, Loaded], Iterable[Problem]]


def check_rules(city: City, loaded: Loaded) -> list[Problem]:
    problems: list[Problem] = []
    for rule in RULES:
        problems.extend(rule(city, loaded))
    return problems


def community_folders_known(city: City, loaded: Loaded) -> Iterable[Problem]:
    known = {c.code for c in city.communities}
    for code in loaded.community_folders:
        if code not in known:
            yield Problem("community-unknown", ERROR, f"communities/{code}",
                          f"社区代码 {code} 不在 communities.csv 中", f"community {code} is not listed in communities.csv",
                          community=code, hint_zh="先在 communities.csv 中登记该社区，或检查文件夹名是否写错",
                          hint_en="Add the community to communities.csv first, or fix the folder name")


def rollout_communities_known(city: City, loaded: Loaded) -> Iterable[Problem]:
    known = {c.code for c in city.communities}
    for source in loaded.of_kind("rollout"):
        for index, row in enumerate(source.rows()):
            code = next((v for k, v in row.items() if k in ("community", "社区代码")), "")
            if code and code.strip() not in known:
                line, cell = source.where(index, "community")
                yield Problem("rollout-community-unknown", ERROR, source.file,
                              f"社区代码 {code} 不在 communities.csv 中", f"community {code} is not in communities.csv",
                              row=line, field="community", value=code, cell=cell,
                              hint_zh="核对社区代码", hint_en="Check the community code")


def committee_size(city: City, loaded: Loaded) -> Iterable[Problem]:
    s = city.settings
    for c in _with_committee(city):
        n = len(c.members)
        if not s.min_members <= n <= s.max_members:
            yield Problem("committee-size", ERROR, f"communities/{c.code}/members.csv",
                          f"监督委员会应由 {s.min_members}–{s.max_members} 人组成，现有 {n} 人",
                          f"a committee has {s.min_members}-{s.max_members} members; this one has {n}",
                          value=str(n), community=c.code,
                          hint_zh="按选举结果补全或删减成员名单", hint_en="Correct the member list to match the election")
        chairs = [m for m in c.members if m.is_chair]
        if c.members and len(chairs) != 1:
            yield Problem("committee-chair", ERROR, f"communities/{c.code}/members.csv",
                          f"监督委员会应有且只有 1 名主任，现有 {len(chairs)} 名",
                          f"a committee has exactly one chair (主任); this one has {len(chairs)}",
                          field="role", value=str(len(chairs)), community=c.code,
                          hint_zh="“职务”列中只能有一人填写“主任”，其他人填写“委员”",
                          hint_en="Exactly one row has role 主任; the others 委员")


def ledger_balances(city: City, loaded: Loaded) -> Iterable[Problem]:
    for c in city.communities:
        previous = None
        for p in c.periods:
            if p.computed_closing != p.closing_balance:
                yield Problem(
                    "ledger-unbalanced", ERROR, p.header_file,
                    f"{p.key} 账不平：上期结存 {format_amount(p.opening_balance)} + 收入 {format_amount(p.income_total)}"
                    f" − 支出 {format_amount(p.expense_total)} = {format_amount(p.computed_closing)}，"
                    f"但本期结存填的是 {format_amount(p.closing_balance)}",
                    f"{p.key} does not balance: opening {p.opening_balance} + income {p.income_total} − spending "
                    f"{p.expense_total} = {p.computed_closing}, but the closing balance says {p.closing_balance}",
                    field="closing_balance", value=str(p.closing_balance), community=c.code,
                    hint_zh="核对明细中的每笔收支和期末余额", hint_en="Check every ledger line and the closing balance")
            if previous is not None and previous.closing_balance != p.opening_balance:
                yield Problem(
                    "ledger-opening", ERROR, p.header_file,
                    f"{p.key} 的上期结存 {format_amount(p.opening_balance)} 与 {previous.key} 的本期结存 "
                    f"{format_amount(previous.closing_balance)} 不一致",
                    f"{p.key} opens at {p.opening_balance} but {previous.key} closed at {previous.closing_balance}",
                    field="opening_balance", value=str(p.opening_balance), community=c.code,
                    hint_zh=f"上期结存应等于 {previous.key} 的本期结存", hint_en=f"Opening must equal {previous.key}'s closing")
            previous = p


def no_committee_no_records(city: City, loaded: Loaded) -> Iterable[Problem]:
    for c in city.communities:
        if c.committee is None and (c.members or c.periods):
            yield Problem("records-without-committee", ERROR, f"communities/{c.code}",
                          "该社区没有 committee.yaml（尚未成立监督委员会），却有成员名单或财务公开",
                          "this community has no committee.yaml (no committee yet) but has members or ledgers",
                          community=c.code, hint_zh="补充 committee.yaml，或删除成员和财务文件",
                          hint_en="Add committee.yaml, or remove the members and ledger files")


def _with_committee(city: City) -> Iterable[Community]:
    return (c for c in city.communities if c.committee is not None)


RULES: list[Rule] = [
    community_folders_known,
    rollout_communities_known,
    committee_size,
    ledger_balances,
    no_committee_no_records,
]
