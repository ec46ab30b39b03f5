"""Across files: every community referred to exists once, and records need a committee.

Duplicate community codes, member names and vouchers are the Table Schemas' primary keys (the
schema step reports them as `duplicate-key`); what no single table can see is checked here.
"""

from __future__ import annotations

from typing import Iterable

from generator.problems import ERROR, Problem
from generator.validate.rules._base import Context, rule

UNKNOWN = rule("community-unknown", ERROR, "社区文件夹的代码在 communities.csv 中登记过",
               "a community folder's code is listed in communities.csv",
               "先在 communities.csv 中登记该社区，或检查文件夹名是否写错",
               "Add the community to communities.csv first, or fix the folder name")
ROLLOUT_UNKNOWN = rule("rollout-community-unknown", ERROR, "rollout.csv 中的社区代码在 communities.csv 中登记过",
                       "every community in rollout.csv is listed in communities.csv", "核对社区代码", "Check the community code")
NO_COMMITTEE = rule("records-without-committee", ERROR, "没有 committee.yaml 的社区不能有成员、财务等记录",
                    "a community without committee.yaml has no members, ledgers or other records",
                    "补充 committee.yaml，或删除这些文件", "Add committee.yaml, or remove those files")
NAMES = rule("division-name-mismatch", ERROR, "代码相同的区（前 6 位）、街道（前 9 位）名称一致",
             "communities sharing a district (6-digit) or street (9-digit) code give it the same name",
             "统一 communities.csv 中的区、街道名称，或核对社区代码", "Use one name per district and street code")

_RECORD_KINDS = {"members", "officials", "ledger_period", "ledger_lines", "report", "opinions", "evaluations",
                 "inspections", "elections", "decisions", "projects", "assets", "trainings", "allowances"}


def check_folders_known(ctx: Context) -> Iterable[Problem]:
    known = {c.code for c in ctx.city.communities}
    for code in ctx.loaded.community_folders:
        if code not in known:
            yield ctx.problem(UNKNOWN, f"communities/{code}", f"社区代码 {code} 不在 communities.csv 中",
                              f"community {code} is not listed in communities.csv", community=code)


def check_rollout_known(ctx: Context) -> Iterable[Problem]:
    known = {c.code for c in ctx.city.communities}
    for source in ctx.loaded.of_kind("rollout"):
        column = next((h for h in (source.table.header if source.table else []) if h in ("community", "社区代码")), None)
        if column is None:
            continue  # reported as a missing column
        for index, row in enumerate(source.rows()):
            code = str(row.get(column) or "").strip()
            if code and code not in known:
                line, _ = source.where(index, column)
                yield ctx.problem(ROLLOUT_UNKNOWN, source.file, f"社区代码 {code} 不在 communities.csv 中",
                                  f"community {code} is not in communities.csv", row=line, field="community", value=code)


def check_records_need_committee(ctx: Context) -> Iterable[Problem]:
    by_code = {c.code: c for c in ctx.city.communities}
    found: dict[str, list[str]] = {}
    for source in ctx.loaded.sources:
        if source.kind in _RECORD_KINDS and source.community in by_code and by_code[source.community].committee is None \
                and not ctx.refused(f"communities/{source.community}/committee.yaml"):
            found.setdefault(source.community, []).append(source.file.split("/", 2)[-1])
    for code, files in sorted(found.items()):
        entries: dict[str, int] = {}
        for f in files:
            top = f.split("/", 1)[0] + ("/" if "/" in f else "")
            entries[top] = entries.get(top, 0) + 1
        order = sorted(entries, key=lambda e: (e.endswith("/"), e))
        zh = "、".join(e if n == 1 else f"{e}（{n} 个文件）" for e, n in ((e, entries[e]) for e in order))
        en = ", ".join(e if n == 1 else f"{e} ({n} files)" for e, n in ((e, entries[e]) for e in order))
        yield ctx.problem(NO_COMMITTEE, f"communities/{code}",
                          f"该社区没有 committee.yaml（尚未成立监督委员会），却有 {zh}",
                          f"this community has no committee.yaml (no committee yet) but has {en}", community=code)


def check_division_names(ctx: Context) -> Iterable[Problem]:
    for level, length, attr in (("区", 6, "district_name"), ("街道", 9, "street_name")):
        first: dict[str, tuple[str, str]] = {}
        for c in sorted(ctx.city.communities, key=lambda c: c.row or 0):
            prefix, name = c.code[:length], getattr(c, attr)
            if prefix not in first:
                first[prefix] = (name, c.code)
                continue
            if name != first[prefix][0]:
                other = first[prefix][1]
                field = "district" if length == 6 else "street"
                yield ctx.problem(NAMES, "communities.csv",
                                  f"{c.code} 的{level}名“{name}”与同一{level}代码 {prefix} 的 {other} 所填“{first[prefix][0]}”不同",
                                  f"{c.code} names {field} {prefix} '{name}' but {other} calls it '{first[prefix][0]}'",
                                  row=c.row, field=field, value=name, community=c.code)


CHECKS = [check_folders_known, check_rollout_known, check_records_need_committee, check_division_names]
