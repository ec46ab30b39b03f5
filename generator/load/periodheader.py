"""A period's header (finance/YYYY-MM.yaml's fields) read from the workbook when it carries them.

A clerk need not write `YYYY-MM.yaml` when the workbook says it all:

- the template's sheet 公开期信息 (generator/template.py): label in column A, value in column B —
  公开期, 上期结存, 本期结存, 制表人, 审核人 (the supervision committee's reviewer), 审核日期, 审核意见,
  公开日期; 本期收入 / 本期支出 / 本期结存 are formulas there, which a program that does not calculate
  (openpyxl) saves without a result: a 本期结存 without one is computed as Excel would;
- a board's own rows: 上月结转 (the opening balance), the footer (制表, 监督委员会意见, 张榜/公开日期,
  and where a board names them, the committee's reviewer and review date) — generator/load/board.py.
  The board's 审核 (the residents' committee's or finance office's check) is never the review.

`from_workbook` builds the header record from both (the sheet wins), each value remembering its row
and cell, so a problem names `公开期信息!B9` or the footer's cell. Where a YAML header exists too,
`disagreements` names every field the sheet gives differently (boardcheck.py does the same for the
footer), and the YAML's values stand.
"""

from __future__ import annotations

from decimal import Decimal

from generator import tableschemas
from generator.dates import parse_date
from generator.formats import FormatError
from generator.load.tables import Table, read_xlsx, sheet_states
from generator.load.yamlfile import Scalar
from generator.money import format_amount, parse_amount
from generator.problems import ERROR, WARNING, Problem

PERIOD_SHEET = "公开期信息"
HEADER_SUFFIX = "（公开期信息）"  # a header assembled from a board's own rows: finance/2025-03.xlsx（公开期信息）
AMOUNTS = ("opening_balance", "closing_balance")
DATES = ("review.reviewed_on", "published_on")
# Labels the period sheet may use besides the schema's titles (ledger_period.yaml).
EXTRA_LABELS = {
    "账期": "period", "月份": "period", "上月结转": "opening_balance", "上期结余": "opening_balance",
    "期初余额": "opening_balance", "期末余额": "closing_balance", "本期结余": "closing_balance",
    "制表": "prepared_by", "监督委员会审核人": "review.reviewer", "监委会审核人": "review.reviewer",
    "监督委员会审核日期": "review.reviewed_on", "监督委员会意见": "review.opinion",
    "监督委员会审核意见": "review.opinion", "张榜日期": "published_on",
}


def labels() -> dict[str, str]:
    """Period-sheet label (spaces and a trailing colon left out) → header key."""
    out = {f.get("title", name): name for name, f in tableschemas.fields("ledger_period").items()}
    return out | EXTRA_LABELS


def read_sheet(data: bytes) -> dict[str, Scalar] | None:
    """Header key → value (with its row and cell) of a workbook's 公开期信息 sheet; None without one.
    TableRefused when the sheet is there but cannot be read."""
    if PERIOD_SHEET not in [title for title, _ in sheet_states(data)]:
        return None
    grid = read_xlsx(data, sheet=PERIOD_SHEET, first_row_header=False, blank_formulas=True)
    known = labels()
    found: dict[str, Scalar] = {}
    for row, line in zip(grid.rows, grid.lines):
        label = "".join((row[0] if row else "").split()).rstrip("：:")
        key = known.get(label)
        value = row[1].strip() if len(row) > 1 else ""
        if key and value and key not in found:
            found[key] = Scalar(value, line, f"{PERIOD_SHEET}!B{line}")
    return found


def from_workbook(period: str, sheet: dict[str, Scalar] | None, board, lines: Table | None,
                  cell_prefix: str = "") -> dict[str, Scalar]:
    """The period's header record from the period sheet and the board's own rows.

    The opening balance: the sheet's, else the board's 上月结转. The closing balance: the sheet's
    saved value, else the board's 合计 balance, else opening + income − expense of the lines."""
    record: dict[str, Scalar] = {"period": Scalar(period, 1)}
    record.update(sheet or {})
    if board is not None:
        if "opening_balance" not in record and board.opening is not None:
            record["opening_balance"] = _scalar(board.opening, cell_prefix)
        for name, key in FOOTER_KEYS.items():
            if key not in record and name in board.footer:
                record[key] = _scalar(board.footer[name], cell_prefix)
        if "closing_balance" not in record:
            total = next((t.balance for t in board.totals if t.balance is not None
                          and not t.label.startswith(("本年累计", "累计"))), None)
            if total is not None:
                record["closing_balance"] = _scalar(total, cell_prefix)
    if "closing_balance" not in record and "opening_balance" in record and lines is not None:
        closing = computed_closing(record["opening_balance"].text, lines)
        if closing is not None:
            opening = record["opening_balance"]
            record["closing_balance"] = Scalar(str(closing), opening.line, opening.cell)
    return record


# Footer name (board.FOOTER_LABELS' values) → header key. `checked_by` (审核) is left out on purpose.
FOOTER_KEYS = {"prepared_by": "prepared_by", "published_on": "published_on", "supervision_opinion": "review.opinion",
               "supervision_reviewer": "review.reviewer", "supervision_reviewed_on": "review.reviewed_on"}


def _scalar(mark, prefix: str) -> Scalar:
    return Scalar(mark.text, mark.row, f"{prefix}{mark.cell}" if mark.cell else None)


def computed_closing(opening: str, lines: Table) -> Decimal | None:
    """opening + income − expense of the lines; None when an amount cannot be read (the schema
    check names it)."""
    aliases = tableschemas.header_aliases("ledger_lines")
    columns = {aliases.get(h.strip()) or aliases.get(h.strip().lower()): i for i, h in enumerate(lines.header)}
    try:
        total = parse_amount(opening)
        for name, sign in (("income", 1), ("expense", -1)):
            col = columns.get(name)
            if col is None:
                continue
            for row in lines.rows:
                text = row[col].strip() if col < len(row) else ""
                if text:
                    total += sign * parse_amount(text)
    except FormatError:
        return None
    return total


def disagreements(sheet: dict[str, Scalar], header: dict[str, object], header_file: str, file: str,
                  community: str | None) -> list[Problem]:
    """Each field the period sheet gives differently from the YAML header: amounts and dates are
    errors, names and texts warnings; the YAML's value is the one kept."""
    problems = []
    for key, mark in sheet.items():
        stated = header.get(key)
        stated_text = (stated.text if isinstance(stated, Scalar) else str(stated or "")).strip()
        if key == "period" or not stated_text or _same(key, mark.text, stated_text):
            continue
        title = tableschemas.title("ledger_period", key)
        strict = key in AMOUNTS or key in DATES
        shown = _shown(key, mark.text)
        problems.append(Problem(
            "period-sheet-differs", ERROR if strict else WARNING, file,
            f"单元格 {mark.cell} 的{title}是“{shown}”，但 {header_file} 中是“{stated_text}”",
            f"cell {mark.cell}: {key} is '{shown}', but {header_file} says '{stated_text}'",
            row=mark.line, field=key, value=mark.text, cell=mark.cell, community=community,
            hint_zh=f"改正工作表“{PERIOD_SHEET}”或 {header_file} 中错的一处（也可以删除 {header_file}，只用工作表）",
            hint_en=f"Correct the sheet {PERIOD_SHEET} or {header_file}, whichever is wrong (or delete "
                    f"{header_file} and keep the sheet only)"))
    return problems


def _shown(key: str, text: str) -> str:
    if key in AMOUNTS:
        try:
            return format_amount(parse_amount(text))
        except FormatError:
            return text
    return text


def _same(key: str, shown: str, stated: str) -> bool:
    try:
        if key in AMOUNTS:
            return parse_amount(shown) == parse_amount(stated)
        if key in DATES:
            return parse_date(shown) == parse_date(stated)
    except FormatError:
        return False
    return "".join(shown.split()) == "".join(stated.split())

