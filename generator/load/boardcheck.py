"""A board's own sums checked, and its footer set against the period's header (finance/YYYY-MM.yaml).

- 上月结转 / 上期结余: the opening balance, equal to the header's opening_balance.
- The running 结存 column: each line's balance is the one before plus income minus expense; the
  first line where it disagrees is named (later lines would all disagree with it).
- 合计 / 本月合计 / 本期合计: equal to the sum of the lines' income and expense, and its 结存 to the
  closing balance the lines give. 本年累计 sums the months before too, so it is checked only in
  January, where it is the month's own total. A total with lines still below it (小计, 本页合计 on a
  board printed over pages) sums the lines above it, since the total before it or from the top.
- The footer fills the header where it is silent (制表 → prepared_by, 张榜/公开日期 → published_on,
  监督委员会意见 → review.opinion) and is checked against it where it is not. 审核 (the residents'
  committee's or finance office's check) is never taken for the supervision committee's review.

Every disagreement is a data error naming the cell; amounts that cannot be read are left to the
schema check, which names them.
"""

from __future__ import annotations

from decimal import Decimal

from generator.dates import parse_date
from generator.formats import FormatError
from generator.load.board import YEAR_TOTAL_LABELS, Board, Mark, Where
from generator.load.yamlfile import Scalar
from generator.money import format_amount, parse_amount
from generator.problems import ERROR, WARNING, Problem

ZERO = Decimal("0")
FILLED_FROM_FOOTER = {"prepared_by": "prepared_by", "published_on": "published_on",
                      "supervision_opinion": "review.opinion", "supervision_reviewer": "review.reviewer",
                      "supervision_reviewed_on": "review.reviewed_on"}
_FIELD_ZH = {"prepared_by": "制表人", "published_on": "公开日期", "review.opinion": "监督委员会意见",
             "review.reviewer": "监督委员会审核人", "review.reviewed_on": "监督委员会审核日期"}
_DATES = ("published_on", "review.reviewed_on")
PAGE_TOTALS = ("小计", "本页合计")  # may sum only the lines since the total before them, even at the end


def check(board: Board, header: dict[str, object] | None, header_file: str, where: Where) -> list[Problem]:
    """Every disagreement within the board, and between the board and its period header."""
    header = header or {}
    opening = _amount(_text(header.get("opening_balance")))
    problems: list[Problem] = []
    if board.opening is not None and opening is not None:
        problems += _compare(board.opening, opening, where, "board-opening",
                             ("上月结转", "the opening balance (上月结转)"),
                             (f" {header_file} 中的上期结存", f"opening_balance in {header_file}"))
    start = _amount(board.opening.text) if board.opening else None
    start = opening if start is None else start
    incomes, expenses = _column(board, "income"), _column(board, "expense")
    if _readable(board):  # an amount that cannot be read is the schema check's to name: sums would mislead
        problems += _running(board, start, incomes, expenses, where)
        problems += _totals(board, start, incomes, expenses, where)
    problems += _footer(board, header, header_file, where)
    return problems


def closing_of(board: Board, header: dict[str, object] | None) -> Decimal | None:
    """The closing balance a board's lines give: its 上月结转 (else the header's opening balance)
    plus income minus expense; None when neither opening can be read."""
    start = _amount(board.opening.text) if board.opening else None
    if start is None:
        start = _amount(_text((header or {}).get("opening_balance")))
    if start is None:
        return None
    return start + sum(_column(board, "income"), ZERO) - sum(_column(board, "expense"), ZERO)


def header_additions(board: Board, header: dict[str, object] | None) -> dict[str, Scalar]:
    """Header keys the footer fills because the header leaves them out or empty."""
    header = header or {}
    return {key: Scalar(board.footer[name].text, 1) for name, key in FILLED_FROM_FOOTER.items()
            if name in board.footer and not _text(header.get(key))}


def _text(value: object) -> str:
    return (value.text if isinstance(value, Scalar) else str(value or "")).strip()


def _amount(text: str) -> Decimal | None:
    try:
        return parse_amount(text) if text else None
    except FormatError:
        return None


def _readable(board: Board) -> bool:
    """Whether every income and expense of the lines is a readable amount (or blank)."""
    cols = [board.table.column_index[n] for n in ("income", "expense")]
    return all(not row[c].strip() or _amount(row[c]) is not None for row in board.table.rows for c in cols)


def _column(board: Board, name: str) -> list[Decimal]:
    col = board.table.column_index[name]
    return [_amount(row[col]) or ZERO for row in board.table.rows]


def _compare(mark: Mark, expected: Decimal, where: Where, code: str, what: tuple[str, str],
             against: tuple[str, str]) -> list[Problem]:
    value = _amount(mark.text)
    if value is None or value == expected:
        return []
    return [Problem(
        code, ERROR, where.file,
        f"单元格 {mark.cell} 的{what[0]}是 {format_amount(value)}，但{against[0]}是 {format_amount(expected)}",
        f"cell {mark.cell}: {what[1]} is {value}, but {against[1]} is {expected}",
        row=mark.row, value=mark.text, cell=mark.cell, community=where.community,
        hint_zh=f"核对单元格 {mark.cell} 和{against[0]}，改正错的一处", hint_en=f"Check cell {mark.cell} against "
        f"{against[1]} and correct the wrong one")]


def _running(board: Board, start: Decimal | None, incomes, expenses, where: Where) -> list[Problem]:
    """The first line whose 结存 is not the balance before it plus income minus expense."""
    balance = start
    for mark, income, expense in zip(board.balances, incomes, expenses):
        expected = None if balance is None else balance + income - expense
        shown = _amount(mark.text) if mark else None
        if expected is not None and shown is not None and shown != expected:
            return [Problem(
                "board-running-balance", ERROR, where.file,
                f"单元格 {mark.cell} 的结存是 {format_amount(shown)}，按上一行结存加收入减支出应为 {format_amount(expected)}"
                "（这是第一处不符的行）",
                f"cell {mark.cell}: the running balance is {shown}, but the balance before plus income minus "
                f"expense is {expected} (the first line where it disagrees)",
                row=mark.row, field="balance", value=mark.text, cell=mark.cell, community=where.community,
                hint_zh="核对这一行的收入、支出和结存", hint_en="Check this line's income, expense and balance")]
        balance = shown if shown is not None else expected
    return []


def _totals(board: Board, start: Decimal | None, incomes: list[Decimal], expenses: list[Decimal],
            where: Where) -> list[Problem]:
    """Each total row against the lines it sums, and its 结存 against START (the opening balance) plus
    them. A total with lines still below it (小计, 本页合计 on a board printed over pages) sums the
    lines above it: since the total before it, or from the top."""
    problems: list[Problem] = []
    january = where.period.endswith("-01")
    rows = board.table.lines
    section_from = 0
    for total in sorted(board.totals, key=lambda t: t.row):
        above = sum(1 for r in rows if r < total.row)
        partial = above < len(rows)
        cumulative = (sum(incomes[:above], ZERO), sum(expenses[:above], ZERO))
        section = (sum(incomes[section_from:above], ZERO), sum(expenses[section_from:above], ZERO))
        section_from = above
        if total.label.startswith(YEAR_TOTAL_LABELS) and not january:
            continue
        what = f"“{total.label}”行的"
        lines_zh = "它上面各行" if partial else "各行"
        for i, (mark, zh, en) in enumerate(((total.income, "收入", "income"), (total.expense, "支出", "expense"))):
            if mark is None or ((partial or total.label in PAGE_TOTALS) and _amount(mark.text) == section[i]):
                continue
            problems += _compare(mark, cumulative[i], where, "board-total", (what + zh, f"the {total.label} {en}"),
                                 (f"{lines_zh}{zh}之和", f"the sum of the lines' {en}" + (" above it" if partial else "")))
        if total.balance is not None and start is not None:
            balance = start + cumulative[0] - cumulative[1]
            problems += _compare(total.balance, balance, where, "board-total",
                                 (what + "结存", f"the {total.label} balance"),
                                 ("上月结转加收入减支出", "the opening balance plus income minus expense"))
    return problems


def _footer(board: Board, header: dict[str, object], header_file: str, where: Where) -> list[Problem]:
    problems: list[Problem] = []
    for name, key in FILLED_FROM_FOOTER.items():
        mark, stated = board.footer.get(name), _text(header.get(key))
        if mark is None or not stated or _same(key, mark.text, stated):
            continue
        date = key in _DATES
        problems.append(Problem(
            "board-footer", ERROR if date else WARNING, where.file,
            f"单元格 {mark.cell} 的{_FIELD_ZH[key]}“{mark.text}”与 {header_file} 中的“{stated}”不一致",
            f"cell {mark.cell}: {key} '{mark.text}' differs from '{stated}' in {header_file}",
            row=mark.row, field=key, value=mark.text, cell=mark.cell, community=where.community,
            hint_zh=f"改正表中或 {header_file} 中错的一处", hint_en=f"Correct the sheet or {header_file}, whichever is wrong"))
    return problems


def _same(key: str, shown: str, stated: str) -> bool:
    if key not in _DATES:
        return "".join(shown.split()) == "".join(stated.split())
    try:
        return parse_date(shown) == parse_date(stated)
    except FormatError:
        return False
