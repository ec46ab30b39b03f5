"""Finance disclosures: each period's ledger balances, follows the last, and is reviewed in time.

Amounts are Decimals to the fen throughout (the schema step read them exactly); nothing here
rounds. A period is a month by default, or the quarter ending in its month when the city's
disclosure frequency is quarterly.
"""

from __future__ import annotations

import datetime
from typing import Iterable

from generator.dates import format_zh, period_bounds
from generator.load.categories import UNCLASSIFIED
from generator.model import Community, Period
from generator.money import format_amount
from generator.problems import ERROR, FINDING, Problem
from generator.validate.rules._base import Context, rule

UNBALANCED = rule("ledger-unbalanced", ERROR, "上期结存 + 本期收入 − 本期支出 = 本期结存（精确到分）",
                  "opening + income − spending = closing, to the fen",
                  "核对明细中的每笔收支和本期结存", "Check every ledger line and the closing balance")
OPENING = rule("ledger-opening", ERROR, "上期结存等于前一期的本期结存", "a period opens at the previous period's closing",
               "上期结存应与前一期的本期结存一致", "Make the opening balance equal the previous closing balance")
GAP = rule("ledger-gap", FINDING, "财务公开按期连续，中间不缺期", "no period is missing between two disclosed periods",
           "补交缺少的那一期（没有收支时也要提交只有表头的明细）",
           "Submit the missing period (a header-only ledger when nothing happened)")
NEGATIVE = rule("ledger-negative", ERROR, "金额和结存不能为负数", "amounts and balances are never negative",
                "支出填在“支出”列并写正数；结存为负说明账有误", "Write spending as a positive number in the expense column")
LINE_DATE = rule("ledger-line-date", ERROR, "每笔收支的日期在本期之内", "every line's date falls inside its period",
                 "核对日期；跨期的收支记入所属的那一期", "Check the date; record the line in the period it belongs to")
AMOUNTS = rule("ledger-line-amounts", ERROR, "每行只填“收入”或“支出”其中一个", "each line has an income or an expense, not both",
               "一笔收支占一行：收入填在“收入”列，支出填在“支出”列", "One transaction per line, in one of the two columns")
CATEGORY = rule("ledger-category", ERROR, "类别取自城市设置的收入类别或支出类别", "categories come from the city's lists",
                "类别应为 city.yaml 中 finance 列出的名称之一", "Use a category listed under finance in city.yaml")
SIDE = rule("ledger-category-side", ERROR, "收入行用收入类别，支出行用支出类别",
            "an income line uses an income category, an expense line an expense category",
            "收入行选收入类别，支出行选支出类别", "Pick a category of the line's own side")
REVIEWER = rule("ledger-reviewer", FINDING, "审核人是本社区监督委员会的现任成员",
                "the reviewer is a current member of the community's committee",
                "审核人填写 members.csv 中的一名成员", "The reviewer is one of the members in members.csv")
REVIEW_DATE = rule("ledger-review-date", FINDING, "审核日期在本期结束之后、公开日期当天或之前",
                   "the review is after the period's end and on or before publication",
                   "核对审核日期和公开日期：先审核，后公开", "Review first, then publish")
LATE = rule("ledger-published-late", FINDING, "本期结束后按城市规定的天数内公开（默认 15 天）",
            "a period is published within the city's deadline after it ends (15 days by default)",
            "按时公开；确有原因的请在“更正说明”中写明", "Publish on time; explain a delay in the amendment note")
STOPPED = rule("disclosure-stopped", FINDING, "财务按城市规定的频率持续公开：最近一期之后的下一期已过公开期限仍未公开",
               "disclosure goes on at the city's frequency: the period after the latest is past its deadline and "
               "not disclosed", "尽快公开缺少的各期财务收支", "Disclose the missing periods")
PERIOD_KEY = rule("ledger-period-mismatch", ERROR, "公开期文件里的“公开期”与文件名一致",
                  "the period written in the file is the one in its file name",
                  "文件名和文件中的 period 应为同一个年-月", "Use the same year-month in the file name and in the file")


def check_ledgers(ctx: Context) -> Iterable[Problem]:
    for c in ctx.city.communities:
        previous: Period | None = None
        for p in c.periods:
            yield from _balances(ctx, c, p, previous)
            yield from _lines(ctx, c, p)
            yield from _review(ctx, c, p)
            previous = p


def _bounds(ctx: Context, key: str) -> tuple[datetime.date, datetime.date] | None:
    try:
        first, last = period_bounds(key)
    except ValueError:
        return None
    if ctx.settings.frequency == "quarterly":
        first = datetime.date(first.year, max(1, first.month - 2), 1)
    return first, last


def _step(ctx: Context) -> int:
    return 3 if ctx.settings.frequency == "quarterly" else 1


def _balances(ctx: Context, c: Community, p: Period, previous: Period | None) -> Iterable[Problem]:
    header = p.header_file
    written = _written_period(ctx, p)
    if written and written != p.key:
        yield ctx.problem(PERIOD_KEY, header, f"文件名是 {p.key}，文件里的公开期却是 {written}",
                          f"the file is named {p.key} but says period {written}", field="period",
                          value=written, community=c.code)
    for name, amount in (("opening_balance", p.opening_balance), ("closing_balance", p.closing_balance)):
        if amount < 0:
            yield ctx.problem(NEGATIVE, header, f"结存不能为负数：{format_amount(amount)}",
                              f"a balance cannot be negative: {amount}", field=name, value=amount, community=c.code)
    readable = not (ctx.unreadable(header, "opening_balance", "closing_balance")
                    or ctx.unreadable(p.lines_file, "income", "expense")
                    or ctx.refused(f"communities/{c.code}/finance/{p.key}"))
    if readable and p.computed_closing != p.closing_balance:
        yield ctx.problem(
            UNBALANCED, header,
            f"{p.key} 账不平：上期结存 {format_amount(p.opening_balance)} + 收入 {format_amount(p.income_total)}"
            f" − 支出 {format_amount(p.expense_total)} = {format_amount(p.computed_closing)}，"
            f"但本期结存填的是 {format_amount(p.closing_balance)}（相差 {format_amount(p.closing_balance - p.computed_closing)}）",
            f"{p.key} does not balance: opening {p.opening_balance} + income {p.income_total} − spending "
            f"{p.expense_total} = {p.computed_closing}, but the closing balance says {p.closing_balance}",
            field="closing_balance", value=p.closing_balance, community=c.code)
    if previous is None:
        return
    if readable and not ctx.unreadable(previous.header_file, "closing_balance") \
            and previous.closing_balance != p.opening_balance:
        yield ctx.problem(
            OPENING, header,
            f"{p.key} 的上期结存 {format_amount(p.opening_balance)} 与 {previous.key} 的本期结存 "
            f"{format_amount(previous.closing_balance)} 不一致",
            f"{p.key} opens at {p.opening_balance} but {previous.key} closed at {previous.closing_balance}",
            field="opening_balance", value=p.opening_balance, community=c.code,
            hint_zh=f"上期结存应等于 {previous.key} 的本期结存 {format_amount(previous.closing_balance)}",
            hint_en=f"The opening balance must equal {previous.key}'s closing balance")
    expected = _add_months(previous.key, _step(ctx))
    if expected and p.key > expected:
        yield ctx.problem(GAP, header, f"{previous.key} 之后缺少 {expected} 的财务公开",
                          f"the period {expected} is missing after {previous.key}", value=p.key, community=c.code)


def _written_period(ctx: Context, p: Period) -> str | None:
    source = ctx.source(p.header_file)
    if source is None or not source.rows():
        return None
    value = source.rows()[0].get("period")
    return value.strip() if isinstance(value, str) and value.strip() else None


def _add_months(key: str, months: int) -> str | None:
    try:
        year, month = int(key[:4]), int(key[5:7])
    except ValueError:
        return None
    index = year * 12 + month - 1 + months
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def _lines(ctx: Context, c: Community, p: Period) -> Iterable[Problem]:
    bounds = _bounds(ctx, p.key)
    income_cats, expense_cats = set(ctx.settings.income_categories), set(ctx.settings.expense_categories)
    file = p.lines_file
    for line in p.lines:
        at = dict(row=line.row, community=c.code)
        # A 0 typed in the other column (Excel formulas, clerks who fill every cell) is not a second amount.
        has_income = line.income is not None and (line.income != 0 or line.expense is None)
        has_expense = line.expense is not None and (line.expense != 0 or not has_income)
        for name, amount in (("income", line.income), ("expense", line.expense)):
            if amount is not None and amount < 0:
                yield ctx.problem(NEGATIVE, file, f"金额不能为负数：{format_amount(amount)}",
                                  f"amounts cannot be negative: {amount}", field=name, value=amount, **at)
        if has_income == has_expense and not ctx.unreadable(file, "income", "expense", row=line.row):
            yield ctx.problem(AMOUNTS, file,
                              "收入和支出都填了，一行只能是一笔收入或一笔支出" if has_income else "收入和支出都没有填",
                              "both income and expense are filled in" if has_income else "neither income nor expense "
                              "is filled in", field="income", **at)
        if bounds and line.date is not None and not bounds[0] <= line.date <= bounds[1]:
            yield ctx.problem(LINE_DATE, file,
                              f"日期 {format_zh(line.date)} 不在本期（{format_zh(bounds[0])}–{format_zh(bounds[1])}）之内",
                              f"the date {line.date} is outside the period {bounds[0]} to {bounds[1]}",
                              field="date", value=line.date, **at)
        if not line.category or line.category == UNCLASSIFIED or not (income_cats or expense_cats):
            continue  # a board line no keyword classified: warned about where it was read
        if line.category not in income_cats | expense_cats:
            yield ctx.problem(CATEGORY, file, f"类别“{line.category}”不在城市设置的类别中",
                              f"the category '{line.category}' is not in the city's lists", field="category",
                              value=line.category, **at,
                              hint_zh="收入类别：" + "、".join(ctx.settings.income_categories) + "；支出类别："
                              + "、".join(ctx.settings.expense_categories),
                              hint_en="Use a category listed under finance in city.yaml")
        elif has_income != has_expense:
            side_ok = line.category in (income_cats if has_income else expense_cats)
            if not side_ok:
                zh_side, en_side = ("收入", "income") if has_income else ("支出", "expense")
                yield ctx.problem(SIDE, file, f"这是一笔{zh_side}，但类别“{line.category}”不是{zh_side}类别",
                                  f"this is an {en_side} line but '{line.category}' is not an {en_side} category",
                                  field="category", value=line.category, **at)


def _review(ctx: Context, c: Community, p: Period) -> Iterable[Problem]:
    header = p.header_file
    members = {m.name for m in c.members}
    if p.reviewer and c.committee is not None and p.reviewer not in members \
            and not ctx.refused(f"communities/{c.code}/members"):
        yield ctx.problem(REVIEWER, header, f"审核人 {p.reviewer} 不是本社区监督委员会的现任成员",
                          f"the reviewer {p.reviewer} is not a current member of the committee",
                          field="review.reviewer", value=p.reviewer, community=c.code,
                          hint_zh="审核人应为以下成员之一：" + "、".join(sorted(members)) if members else None)
    bounds = _bounds(ctx, p.key)
    if bounds is None:
        return
    end = bounds[1]
    reviewed, published = p.reviewed_on, p.published_on
    if reviewed is not None and reviewed <= end:
        yield ctx.problem(REVIEW_DATE, header, f"审核日期 {format_zh(reviewed)} 不在本期结束（{format_zh(end)}）之后",
                          f"reviewed on {reviewed}, not after the period ends ({end})", field="review.reviewed_on",
                          value=reviewed, community=c.code)
    elif reviewed is not None and published is not None and reviewed > published:
        yield ctx.problem(REVIEW_DATE, header, f"审核日期 {format_zh(reviewed)} 晚于公开日期 {format_zh(published)}：应先审核后公开",
                          f"reviewed on {reviewed}, after publication on {published}", field="review.reviewed_on",
                          value=reviewed, community=c.code)
    limit = end + datetime.timedelta(days=ctx.settings.publish_within_days)
    if published is not None and published > limit:
        dated = dict(since=limit + datetime.timedelta(days=1), due=limit, closed=published)
        days = (published - end).days
        yield ctx.problem(LATE, header,
                          f"本期结束后第 {days} 天才公开，超过规定的 {ctx.settings.publish_within_days} 天（应在 {format_zh(limit)} 前）",
                          f"published {days} days after the period ended; the deadline is "
                          f"{ctx.settings.publish_within_days} days ({limit})",
                          field="published_on", value=published, community=c.code, **dated)


def check_disclosure_continues(ctx: Context) -> Iterable[Problem]:
    """A committee whose latest disclosure is older than the city's frequency plus its deadline:
    disclosure has stopped, even though no later period exists to be found late."""
    as_of = ctx.city.as_of
    for c in ctx.with_committee():
        latest = c.latest_period
        if latest is not None:
            bounds = _bounds(ctx, latest.key)
            if bounds is None:
                continue
            after = bounds[1]
        elif c.committee.elected_on is not None:
            after = c.committee.elected_on
        else:
            continue
        next_end = _period_end(after, _step(ctx))
        due = next_end + datetime.timedelta(days=ctx.settings.publish_within_days)
        if due >= as_of:
            continue
        missed = _months_between(after, as_of, _step(ctx), ctx.settings.publish_within_days)
        since = due + datetime.timedelta(days=1)
        what = f"最近一期是 {latest.key}" if latest is not None else "成立以来还没有公开过财务"
        what_en = f"the latest period is {latest.key}" if latest is not None else "nothing has been disclosed since the election"
        yield ctx.problem(STOPPED, f"communities/{c.code}/finance", f"财务公开已中断：{what}，已有 {missed} 期未按期公开"
                          f"（下一期应在 {format_zh(due)} 前公开）",
                          f"disclosure has stopped: {what_en}; {missed} periods are overdue (the next was due {due})",
                          community=c.code, since=since, due=due)


def _period_end(day: datetime.date, months: int) -> datetime.date:
    """The last day of the period `months` after the one ending on or containing `day`."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    following = datetime.date(year + (month == 12), month % 12 + 1, 1)
    return following - datetime.timedelta(days=1)


def _months_between(after: datetime.date, as_of: datetime.date, step: int, within: int) -> int:
    """How many periods after `after` were due (ended plus the deadline) by `as_of`."""
    n, end = 0, after
    while True:
        end = _period_end(end, step)
        if end + datetime.timedelta(days=within) >= as_of:
            return n
        n += 1


CHECKS = [check_ledgers, check_disclosure_continues]
