"""工作保障 in allowances.csv (plan 四.3): the chair's pay and members' allowances, and the committee's
work budget (工作经费, "列入财政预算") and office budget (办公经费) with what was spent.

- Each row is either a person's (主任报酬, 主任补贴, 成员补贴: a name and the post that fits) or a
  budget's (工作经费, 办公经费: no name).
- The chair's pay (主任报酬) is at least the city's ratio of the two committees' heads' basic pay,
  as committee.yaml records it — the same rule as chair-pay-low, on the pay actually set for the year.
- A year with pay or allowances has its work budget; a budget is not overspent.
- Where the year's ledgers have lines paid from a fund of the same name (funding source 办公经费), what
  the budget row says was spent matches them: a warning, since a budget may also be spent elsewhere.
- A person paid is a member of the committee (today's, or one elected or changed in its history).
Bank accounts and ID numbers are refused anywhere by the privacy rule (bank-card, id-number).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Iterable

from generator.money import format_amount
from generator.problems import ERROR, FINDING, WARNING, Problem
from generator.records import BUDGET_ITEMS, PERSON_ITEMS
from generator.validate.rules._base import Context, rule

ROW = rule("allowance-row", ERROR, "报酬补贴行写明姓名和相符的职务（主任报酬、主任补贴对应主任，成员补贴对应委员），经费行不写姓名",
           "a pay or allowance row names the person and a post that fits its item; a budget row names no one",
           "核对 allowances.csv 的“项目”“姓名”“职务”三列", "Check the item, name and role columns of allowances.csv")
CHAIR_LOW = rule("allowance-chair-low", FINDING, "在职主任的报酬标准不低于两委正职基本报酬的 70%（比例为城市设置）",
                 "the chair's pay standard in allowances.csv is at least 70 % of the heads' basic pay (a city setting)",
                 "核对主任报酬标准和 committee.yaml 中的 chair_pay.heads_basic_pay",
                 "Check the chair's standard and chair_pay.heads_basic_pay in committee.yaml")
BUDGET_MISSING = rule("budget-missing", FINDING, "发放报酬补贴的年度公开监督委员会工作经费（列入财政预算）",
                      "a year with pay or allowances also shows the committee's work budget (工作经费)",
                      "在 allowances.csv 中为该年增加一行“工作经费”，写明预算和资金来源",
                      "Add a 工作经费 row for the year with its budget and funding source")
OVERSPENT = rule("budget-overspent", FINDING, "监督委员会经费的已支出不超过预算",
                 "what was spent from a committee budget is not more than the budget",
                 "核对预算和支出；追加预算的写明新的预算金额", "Check the budget and the spending; record an increased budget")
LEDGER = rule("budget-ledger-mismatch", WARNING, "经费已支出金额与当年账目中同名资金来源的支出合计相符",
              "a budget's spending matches the year's ledger lines paid from the fund of the same name",
              "核对 allowances.csv 的实发金额与各月账目", "Check the amount against the month ledgers")
NOT_MEMBER = rule("allowance-not-member", WARNING, "领取报酬补贴的人是监督委员会成员（现任，或选举、变动记录中有的）",
                  "a person paid is a member of the committee (today's, or one in its elections or changes)",
                  "核对姓名是否与成员名单一致", "Check the name against the roster")

_FITS = {"主任报酬": "主任", "主任补贴": "主任", "成员补贴": "委员"}


def check_allowances(ctx: Context) -> Iterable[Problem]:
    for c in ctx.with_committee():
        if not c.allowances:
            continue
        yield from _rows(ctx, c)
        yield from _chair(ctx, c)
        yield from _budgets(ctx, c)


def _rows(ctx: Context, c) -> Iterable[Problem]:
    known = {m.name for m in c.members} | {e.candidate for e in c.elections} | {m.name for m in c.member_changes}
    for a in c.allowances:
        at = dict(row=a.row, community=c.code)
        if a.item in PERSON_ITEMS:
            if not a.name or (a.role and a.role != _FITS[a.item]):
                yield ctx.problem(ROW, a.file, f"{a.item}须写明姓名，职务应为{_FITS[a.item]}",
                                  f"a {a.item} row needs the name and the post {_FITS[a.item]}",
                                  field="name" if not a.name else "role", value=a.role, **at)
            elif a.name not in known:
                yield ctx.problem(NOT_MEMBER, a.file, f"{a.name} 不在监督委员会成员名单、选举或变动记录中",
                                  f"{a.name} is not on the roster, in the elections or in the member changes",
                                  field="name", value=a.name, **at)
        elif a.item in BUDGET_ITEMS and a.name:
            yield ctx.problem(ROW, a.file, f"{a.item}是监督委员会的经费，不写姓名", f"a {a.item} row names no one",
                              field="name", value=a.name, **at)


def _chair(ctx: Context, c) -> Iterable[Problem]:
    heads, ratio = c.committee.heads_basic_pay, ctx.settings.chair_pay_ratio
    if heads is None:
        return  # chair-pay-missing says so, from committee.yaml
    floor = (heads * ratio).quantize(Decimal("0.01"))
    for a in c.allowances:
        if a.item == "主任报酬" and a.standard is not None and a.standard < floor:
            pct = f"{ratio * 100:.0f}%"
            yield ctx.problem(CHAIR_LOW, a.file,
                              f"{a.year}年主任 {a.name} 的报酬标准每月 {format_amount(a.standard)} 元，低于两委正职基本报酬 "
                              f"{format_amount(heads)} 元的 {pct}（{format_amount(floor)} 元）",
                              f"the chair's standard in {a.year} ({a.standard} a month) is below {pct} of the heads' "
                              f"basic pay {heads} ({floor})", row=a.row, field="standard", value=a.standard,
                              community=c.code, public=f"{a.year}年主任报酬标准每月 {format_amount(a.standard)} 元，"
                              f"低于两委正职基本报酬的 {pct}（{format_amount(floor)} 元）")


def _budgets(ctx: Context, c) -> Iterable[Problem]:
    years = sorted({a.year for a in c.allowances if a.year is not None})
    spent = _ledger_spending(c)
    for year in years:
        mine = [a for a in c.allowances if a.year == year]
        first = mine[0]
        if any(a.item in PERSON_ITEMS for a in mine) and not any(a.item == "工作经费" for a in mine):
            yield ctx.problem(BUDGET_MISSING, first.file, f"{year}年发放了报酬补贴，但没有公开监督委员会工作经费",
                              f"{year}: pay and allowances, but no work budget (工作经费) row",
                              row=first.row, field="item", community=c.code)
        for b in (a for a in mine if a.item in BUDGET_ITEMS):
            at = dict(row=b.row, field="paid", value=b.paid, community=c.code)
            if b.standard is not None and b.paid is not None and b.paid > b.standard:
                yield ctx.problem(OVERSPENT, b.file, f"{year}年{b.item}已支出 {format_amount(b.paid)} 元，超过预算 "
                                  f"{format_amount(b.standard)} 元", f"{year} {b.item}: spent {b.paid}, over the "
                                  f"budget {b.standard}", **at)
            ledger = spent.get((year, b.item))
            if ledger is not None and b.paid is not None and ledger != b.paid:
                yield ctx.problem(LEDGER, b.file, f"{year}年{b.item}已支出 {format_amount(b.paid)} 元，当年账目中资金来源为"
                                  f"“{b.item}”的支出合计 {format_amount(ledger)} 元",
                                  f"{year} {b.item}: {b.paid} spent, the ledgers' lines from that fund total {ledger}",
                                  **at)


def _ledger_spending(c) -> dict[tuple[int, str], Decimal]:
    """(year, funding source) → the year's ledger spending from it (only sources a budget row names)."""
    found: dict[tuple[int, str], Decimal] = {}
    for p in c.periods:
        year = int(p.key[:4])
        for line in p.lines:
            if line.funding_source in BUDGET_ITEMS and line.expense:
                key = (year, line.funding_source)
                found[key] = found.get(key, Decimal("0")) + line.expense
    return found


CHECKS = [check_allowances]
