"""Chair's pay (plan 四.3): a retired chair gets a monthly allowance; otherwise at least the city's
ratio (70 % by default) of the basic pay of the two committees' principal heads."""

from __future__ import annotations

from decimal import Decimal
from typing import Iterable

from generator.money import format_amount
from generator.problems import FINDING, Problem
from generator.validate.rules._base import Context, rule

PAY_LOW = rule("chair-pay-low", FINDING, "在职主任的报酬不低于两委正职基本报酬的 70%（比例为城市设置）",
               "a chair who is not retired is paid at least 70 % of the two committees' heads' basic pay (a city setting)",
               "核对 committee.yaml 中 chair_pay 的两个金额", "Check the two amounts under chair_pay in committee.yaml")
PAY_MISSING = rule("chair-pay-missing", FINDING, "在职主任须填写月报酬和两委正职基本报酬",
                   "for a chair who is not retired, the monthly pay and the heads' basic pay are recorded",
                   "在 committee.yaml 的 chair_pay 下填写 monthly_pay 和 heads_basic_pay",
                   "Fill in chair_pay.monthly_pay and chair_pay.heads_basic_pay")
ALLOWANCE = rule("chair-allowance-missing", FINDING, "退休主任须有月补贴", "a retired chair has a monthly allowance",
                 "在 committee.yaml 的 chair_pay 下填写 monthly_allowance", "Fill in chair_pay.monthly_allowance")

_PAY_FIELDS = ("chair_pay.monthly_pay", "chair_pay.heads_basic_pay", "chair_pay.monthly_allowance")


def check_chair_pay(ctx: Context) -> Iterable[Problem]:
    ratio = ctx.settings.chair_pay_ratio
    for c in ctx.with_committee():
        chair, committee = c.chair, c.committee
        if chair is None or ctx.unreadable(committee.file, *_PAY_FIELDS) \
                or ctx.unreadable(chair.file, "retired", row=chair.row):
            continue  # reported by committee-chair, or the schema refused an amount
        if chair.retired:
            if not committee.chair_monthly_allowance or committee.chair_monthly_allowance <= 0:
                yield ctx.problem(ALLOWANCE, committee.file, f"主任 {chair.name} 已退休，但没有填写月补贴",
                                  f"the chair {chair.name} is retired but no monthly allowance is recorded",
                                  field="chair_pay.monthly_allowance", community=c.code)
            continue
        pay, heads = committee.chair_monthly_pay, committee.heads_basic_pay
        if pay is None or heads is None:
            missing = "chair_pay.monthly_pay" if pay is None else "chair_pay.heads_basic_pay"
            yield ctx.problem(PAY_MISSING, committee.file,
                              f"主任 {chair.name} 未退休，须填写主任月报酬和两委正职基本报酬",
                              f"the chair {chair.name} is not retired: record the monthly pay and the heads' basic pay",
                              field=missing, community=c.code)
            continue
        floor = (heads * ratio).quantize(Decimal("0.01"))
        if pay < floor:
            pct = f"{ratio * 100:.0f}%"
            yield ctx.problem(PAY_LOW, committee.file,
                              f"主任月报酬 {format_amount(pay)} 元低于两委正职基本报酬 {format_amount(heads)} 元的 {pct}"
                              f"（{format_amount(floor)} 元）",
                              f"the chair's pay {pay} is below {pct} of the heads' basic pay {heads} ({floor})",
                              field="chair_pay.monthly_pay", value=pay, community=c.code)


CHECKS = [check_chair_pay]
