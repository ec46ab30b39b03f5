"""A 合计 (total) or 上月结转 (carried over) row in a plain ledger table: one message, not one per cell.

Clerks copy the board they post, totals and carried-over balance included, into the ledger table.
Such a row is not a line of money received or spent: left in, it fails every required cell and
counts its amounts twice. It is taken out before the schema check and reported once, saying what
the row is and what to do. (A board, a sheet with a title and a footer, is read by board.py,
which checks such rows instead.)
"""

from __future__ import annotations

import re
from dataclasses import replace
from itertools import chain

from generator import tableschemas
from generator.load.board import OPENING_LABELS, TOTAL_LABELS
from generator.load.tables import Table
from generator.problems import ERROR, Problem

KIND = "ledger_lines"
_BLANKS = str.maketrans("", "", " \u3000\t：:")


# Every label holds one of these (tests/test_totalrows.py): a table or row without any, most of
# them, holds no label, and that is seen in C without looking at each cell.
LABEL_CHARS = re.compile("[计结余承]")


def _label(row: list[str]) -> str | None:
    if not LABEL_CHARS.search("".join(row)):
        return None
    for cell in row:
        text = cell.translate(_BLANKS)
        if text in TOTAL_LABELS or text in OPENING_LABELS:
            return text
    return None


def drop_total_rows(table: Table, file: str, community: str | None) -> tuple[Table, list[Problem]]:
    """TABLE without its total and carried-over rows (those with such a label and no date), and one
    problem for each row taken out."""
    if not LABEL_CHARS.search("".join(chain.from_iterable(table.rows))):
        return table, []
    aliases = tableschemas.header_aliases(KIND)
    date_col = next((i for i, h in enumerate(table.header) if aliases.get(h.strip()) == "date"), None)
    keep, lines, problems = [], [], []
    for row, line in zip(table.rows, table.lines):
        label = _label(row)
        dated = date_col is not None and date_col < len(row) and row[date_col].strip()
        if label is None or dated:
            keep.append(row)
            lines.append(line)
            continue
        opening = label in OPENING_LABELS
        problems.append(Problem(
            "ledger-total-row", ERROR, file,
            f"这一行是“{label}”行，不是一笔收支" + ("：上期结存在上传表单中填写" if opening else
                                                   "：合计由系统根据每笔收支自动计算"),
            f"this is a '{label}' row, not a line of income or expense"
            + (": the opening balance goes in the form" if opening else ": Juwu adds the lines up itself"),
            row=line, value=label, community=community,
            hint_zh="在 Excel 中删除这一行后重新上传；收支明细只列每一笔收入或支出",
            hint_en="delete this row and upload again; the ledger lists each income or expense only"))
    if not problems:
        return table, []
    return replace(table, rows=keep, lines=lines), problems
