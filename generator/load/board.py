"""Ledger sheets laid out as published boards (逐笔公开榜), read into the schema's columns.

A clerk's sheet has a title, a unit line (单位：元) and blank rows above its header, a header of one
or two rows (金额 merged over 收入 | 支出), a 上月结转 row, the month only on the first line, blank
cells (or 0) for zero, a 合  计 row, and signature rows below (制表 / 审核 / 监督委员会意见 / 张榜日期);
printed over several pages, it repeats its header and may carry 小计 / 本页合计 rows.
`read_board` finds the header within the first HEADER_SEARCH_ROWS rows, matches its titles through
the schema's aliases (schemas/ledger_lines.yaml), and keeps the ledger lines as a Table in the
schema's columns; the rows that are not lines are kept apart (`Board`), for generator/load/
boardcheck.py to check against the lines and the period's header.

Boards carry no category or handled-by column: the category is inferred from the summary
(generator/load/categories.py), or left UNCLASSIFIED with a warning; the handler is NOT_STATED.
"""

from __future__ import annotations

import datetime
import difflib
import re
from dataclasses import dataclass, field

from generator import tableschemas
from generator.formats import FormatError
from generator.load.categories import UNCLASSIFIED, Keywords, infer_category
from generator.load.tables import Table, TableRefused
from generator.money import parse_amount
from generator.problems import WARNING, Problem, column_letter

KIND = "ledger_lines"
HEADER_SEARCH_ROWS = 15
NOT_STATED = "未注明"
OPENING_LABELS = ("上月结转", "上期结转", "上月结余", "上期结余", "期初余额", "年初结转", "承前页", "承上页")
TOTAL_LABELS = ("本月合计", "本期合计", "本季合计", "本页合计", "本年累计", "累计", "合计", "小计", "总计")
YEAR_TOTAL_LABELS = ("本年累计", "累计")
# Footer labels → what they are. 审核 on a board is the residents' committee's or the finance
# office's check, not the supervision committee's review: it is kept as `checked_by`, apart.
FOOTER_LABELS = {
    "制表人": "prepared_by", "制表": "prepared_by", "审核人": "checked_by", "审核": "checked_by",
    "居务监督委员会意见": "supervision_opinion", "监督委员会意见": "supervision_opinion",
    "监委会意见": "supervision_opinion", "监督委员会审核人": "supervision_reviewer",
    "监委会审核人": "supervision_reviewer", "监督委员会审核日期": "supervision_reviewed_on",
    "监委会审核日期": "supervision_reviewed_on", "张榜日期": "published_on", "张榜时间": "published_on",
    "公开日期": "published_on", "公开时间": "published_on",
}
_FOOTER = re.compile("(" + "|".join(sorted(FOOTER_LABELS, key=len, reverse=True)) + r")\s*(?:[：:]|(?=\s)|$)")
_ZERO = ("-", "—", "－", "/", "／", "——")
_MONTH = re.compile(r"(?:(\d{4})\s*[年/.-]\s*)?(\d{1,2})\s*月?")
_MONTH_DAY = re.compile(r"(\d{1,2})\s*[月/.-]\s*(\d{1,2})\s*日?")
_DAY = re.compile(r"(\d{1,2})\s*日?")
_SERIAL = re.compile(r"[1-9]\d{4}")


@dataclass(frozen=True)
class Mark:
    """A value as the board shows it, and where: its sheet row and Excel cell."""

    text: str
    row: int
    cell: str | None


@dataclass(frozen=True)
class Total:
    label: str  # as written, spaces removed: 合计, 本月合计, 本年累计 …
    row: int
    income: Mark | None
    expense: Mark | None
    balance: Mark | None


@dataclass
class Board:
    table: Table  # the ledger lines in the schema's columns
    header_row: int
    opening: Mark | None = None
    totals: list[Total] = field(default_factory=list)
    balances: list[Mark | None] = field(default_factory=list)  # the running 结存 of each line
    footer: dict[str, Mark] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


@dataclass(frozen=True)
class Where:
    file: str
    community: str | None
    period: str  # YYYY-MM: the year and month of month- or day-only dates


def needs_board(header: list[str]) -> bool:
    """Whether a table's first row is not a whole schema header, so it is read as a board."""
    aliases = tableschemas.header_aliases(KIND)
    named = {aliases.get(c) or aliases.get(c.lower()) for c in header}
    required = [n for n, f in tableschemas.fields(KIND).items() if f.get("constraints", {}).get("required")]
    return not all(n in named for n in required)


def read_board(grid: Table, where: Where, keywords: Keywords,
               income_categories: tuple[str, ...] = (), expense_categories: tuple[str, ...] = ()) -> Board:
    """The board in `grid` (every non-blank row, no header); TableRefused when no header is found."""
    found = _find_header(grid)
    if found is None:
        raise _no_header(grid)
    first, last, columns = found
    problems = [*_unknown_columns(grid, first, last, columns, where)]
    lines, body = _split_rows(grid, last + 1, columns)
    board = Board(Table([], [], [], grid.encoding, grid.sheet), grid.lines[last], problems=problems)
    _read_body(board, grid, body, columns)
    board.table = _lines_table(grid, lines, columns, where, keywords, (income_categories, expense_categories),
                               board.problems, grid.lines[first])
    board.balances = [_mark(grid, i, columns.get("balance")) for i in lines]
    return board


# --- the header ----------------------------------------------------------------------------------

def _target(text: str) -> str | None:
    aliases = tableschemas.board_aliases(KIND)
    return aliases.get(text.strip()) or aliases.get(tableschemas.plain_title(text))


def _find_header(grid: Table) -> tuple[int, int, dict[str, int]] | None:
    """(first, last row index of the header, target → column) of the best header in the first rows."""
    best = None
    for i in range(min(HEADER_SEARCH_ROWS, len(grid.rows))):
        candidates = [(i, i, _columns([grid.rows[i]]))]
        if i + 1 < len(grid.rows) and _all_titles(grid.rows[i + 1]):
            candidates.append((i, i + 1, _columns([grid.rows[i + 1], grid.rows[i]])))
        for first, last, columns in candidates:
            if _usable(columns) and (best is None or len(columns) > len(best[2])):
                best = (first, last, columns)
    return best


def _all_titles(row: list[str]) -> bool:
    """A row that can be the second row of a header: every value in it is a known column title."""
    texts = [c for c in row if c.strip()]
    return bool(texts) and all(_target(c) for c in texts)


def _columns(rows: list[list[str]]) -> dict[str, int]:
    """Target → column, the first row given winning over the next (the lower header row over the
    merged one above it); a target met twice keeps its first column."""
    columns: dict[str, int] = {}
    for col in range(max(len(r) for r in rows)):
        for row in rows:
            target = _target(row[col]) if col < len(row) and row[col].strip() else None
            if target:
                columns.setdefault(target, col)
                break
    return columns


def _usable(columns: dict[str, int]) -> bool:
    return "summary" in columns and bool({"income", "expense"} & set(columns))


def _unknown_columns(grid: Table, first: int, last: int, columns: dict[str, int], where: Where):
    used = set(columns.values())
    spellings = sorted(set(tableschemas.board_aliases(KIND)) - set(tableschemas.fields(KIND)))
    for index in range(first, last + 1):
        for col, text in enumerate(grid.rows[index]):
            if not text.strip() or col in used or _target(text) or (index < last and _spans_titles(grid, last, col)):
                continue
            close = difflib.get_close_matches(tableschemas.plain_title(text), spellings, n=3, cutoff=0.34)
            cell = f"{column_letter(col)}{grid.lines[index]}"
            yield Problem(
                "unknown-column", WARNING, where.file,
                f"不认识的列“{text.strip()}”（{cell}），已忽略" + (f"；是不是“{'”或“'.join(close)}”？" if close else ""),
                f"unknown column '{text.strip()}' ({cell}), ignored" + (f"; did you mean {' or '.join(close)}?"
                                                                      if close else ""),
                row=grid.lines[index], field=text.strip(), cell=cell, community=where.community,
                hint_zh="列名可以是：" + "、".join(spellings), hint_en="Column titles Juwu reads: " + ", ".join(spellings))


def _spans_titles(grid: Table, last: int, col: int) -> bool:
    """A merged title above known columns (金额 over 收入 | 支出)."""
    row = grid.rows[last]
    return any(_target(row[c]) for c in range(col, min(col + 3, len(row))) if row[c].strip())


def _no_header(grid: Table) -> TableRefused:
    scored = [(len(_columns([r])), i) for i, r in enumerate(grid.rows[:HEADER_SEARCH_ROWS])]
    score, index = max(scored, key=lambda s: (s[0], -s[1]), default=(0, 0))
    shown = [f"第 {grid.lines[i]} 行：" + " | ".join(c.strip()[:40] for c in r if c.strip())
             for i, r in enumerate(grid.rows[:5])]
    shown_en = [f"row {grid.lines[i]}: " + " | ".join(c.strip()[:40] for c in r if c.strip())
                for i, r in enumerate(grid.rows[:5])]
    row = grid.lines[index] if grid.rows else 1
    known = sorted(_columns([grid.rows[index]])) if grid.rows else []
    took_zh = (f"最像表头的是第 {row} 行，但只认出了 {score} 列（{'、'.join(tableschemas.title(KIND, k) for k in known)}）"
               if score else f"前 {HEADER_SEARCH_ROWS} 行中没有一行含有认识的列名")
    took_en = (f"the row most like a header is row {row}, but only {score} column(s) were recognised "
               f"({', '.join(known)})" if score else f"none of the first {HEADER_SEARCH_ROWS} rows holds a known column title")
    return TableRefused(
        f"找不到收支明细的表头：{took_zh}。表头应在前 {HEADER_SEARCH_ROWS} 行内，至少有“摘要”（或 收支内容/内容/事由）"
        f"和“收入”或“支出”两列。读到的前几行是：" + "；".join(shown),
        f"cannot find the ledger's header row: {took_en}. The header must be within the first "
        f"{HEADER_SEARCH_ROWS} rows and hold at least 摘要 (summary; or 收支内容/内容/事由) and 收入 (income) or "
        "支出 (expense). The first rows as read: " + "; ".join(shown_en),
        row, "在表头行写上列名：日期（或 月、日）、凭证号、摘要、收入、支出、结存",
        "Write the column titles in the header row: 日期 (or 月, 日), 凭证号, 摘要, 收入, 支出, 结存")


# --- the rows below the header ---------------------------------------------------------------------

Other = tuple[str, int, str]  # (opening, total or footer; row index; its label, spaces removed)


def _split_rows(grid: Table, start: int, columns: dict[str, int]) -> tuple[list[int], list[Other]]:
    """(row indexes of ledger lines, the other rows: the opening balance, totals and the footer).

    Everything from the first footer row (制表：…) down is footer."""
    lines: list[int] = []
    others: list[Other] = []
    amounts = {columns.get(k) for k in ("income", "expense", "balance")} - {None}
    in_footer = False
    for index in range(start, len(grid.rows)):
        row = grid.rows[index]
        texts = [c.strip() for col, c in enumerate(row) if col not in amounts and c.strip()]
        labels = ["".join(t.split()) for t in texts]
        opening = next((t for t in labels if t.startswith(OPENING_LABELS)), None)
        total = next((t for t in labels if t in TOTAL_LABELS or t.startswith(_LONG_TOTALS)), None)
        if in_footer or (texts and _FOOTER.match(texts[0])):
            in_footer = True
            others.append(("footer", index, ""))
        elif _repeats_header(row, columns):
            continue  # a board printed over several pages repeats its header on each
        elif opening:
            others.append(("opening", index, opening))
        elif total:
            others.append(("total", index, total))
        elif any(_text(row, columns.get(k)) for k in ("summary", "income", "expense", "voucher")):
            lines.append(index)
    return lines, others


_LONG_TOTALS = tuple(t for t in TOTAL_LABELS if len(t) > 2)


def _repeats_header(row: list[str], columns: dict[str, int]) -> bool:
    """A row below the header whose summary or amount cells are column titles again (摘要, 收入 | 支出):
    the header repeated at the top of a printed page, or the lower row of a repeated two-row header."""
    return any(_target(cell) == name for name in ("summary", "income", "expense")
               if (cell := _text(row, columns.get(name))))


def _read_body(board: Board, grid: Table, others: list[Other], columns: dict[str, int]) -> None:
    for kind, index, label in others:
        if kind == "opening":
            board.opening = board.opening or _mark(grid, index, columns.get("balance")) or _first_amount(grid, index, columns)
        elif kind == "total":
            board.totals.append(Total(label, grid.lines[index], *(_mark(grid, index, columns.get(k))
                                                                 for k in ("income", "expense", "balance"))))
        else:
            for name, mark in _footer_values(grid, index).items():
                board.footer.setdefault(name, mark)


def _footer_values(grid: Table, index: int) -> dict[str, Mark]:
    """'制表：张三  审核：李四' in one cell, or label and value in cells side by side."""
    row, line = grid.rows[index], grid.lines[index]
    found: dict[str, Mark] = {}
    pending: str | None = None
    for col, text in enumerate(row):
        text = text.strip()
        if not text:
            continue
        cell = f"{column_letter(col)}{line}"
        matches = list(_FOOTER.finditer(text))
        if not matches or matches[0].start() != 0:
            if pending:
                found.setdefault(pending, Mark(text, line, cell))
                pending = None
            continue
        for m, after in zip(matches, [*matches[1:], None]):
            value = text[m.end():after.start() if after else len(text)].strip(" ：:，,；;")
            name = FOOTER_LABELS[m.group(1)]
            if value:
                found.setdefault(name, Mark(value, line, cell))
                pending = None
            else:
                pending = name
    return found


def _text(row: list[str], col: int | None) -> str:
    return row[col].strip() if col is not None and col < len(row) else ""


def _amount_text(row: list[str], col: int | None) -> str:
    text = _text(row, col)
    return "" if text in _ZERO else text


def _line_amount(row: list[str], col: int | None) -> str:
    """A line's amount; a 0 is a blank cell as a dash is (boards where every cell is filled, formulas)."""
    text = _amount_text(row, col)
    try:
        return "" if text and parse_amount(text) == 0 else text
    except FormatError:
        return text  # unreadable: the schema check names it


def _mark(grid: Table, index: int, col: int | None) -> Mark | None:
    text = _amount_text(grid.rows[index], col)
    return Mark(text, grid.lines[index], f"{column_letter(col)}{grid.lines[index]}") if text else None


def _first_amount(grid: Table, index: int, columns: dict[str, int]) -> Mark | None:
    return next((m for k in ("income", "expense") if (m := _mark(grid, index, columns.get(k)))), None)


# --- the ledger lines --------------------------------------------------------------------------------

def _lines_table(grid: Table, lines: list[int], columns: dict[str, int], where: Where, keywords,
                 sides: tuple[tuple[str, ...], tuple[str, ...]], problems: list[Problem], header_line: int) -> Table:
    names = ["date", "voucher", "category", "summary", "income", "expense", "funding_source", "handled_by"]
    if not {"date", "month", "day"} & set(columns):
        names.remove("date")  # the schema check reports the missing column at the header row
    if "voucher" not in columns:
        names.remove("voucher")
    sources: dict[str, int | None] = {n: columns.get(n) for n in names}
    sources["date"] = columns.get("date", columns.get("day", columns.get("month")))
    sources["category"] = columns.get("category", columns.get("summary"))
    rows: list[list[str]] = []
    month = day = ""
    for index in lines:
        row = grid.rows[index]
        month = _text(row, columns.get("month")) or month
        day = _text(row, columns.get("day")) or day
        values = {n: _text(row, columns.get(n)) for n in ("voucher", "summary", "funding_source", "handled_by")}
        values["income"] = _line_amount(row, columns.get("income"))
        values["expense"] = _line_amount(row, columns.get("expense"))
        values["date"] = _date_text(_text(row, columns.get("date")), month, day, where.period)
        category = _text(row, columns.get("category"))
        if "category" not in columns:
            category = infer_category(values["summary"], bool(values["income"]), keywords, sides)
            if category == UNCLASSIFIED:
                problems.append(_unclassified(where, grid, index, columns["summary"], values["summary"]))
        values["category"] = category
        if "handled_by" not in columns:
            values["handled_by"] = NOT_STATED
        rows.append([values.get(n, "") for n in names])
    if "handled_by" not in columns and lines:
        problems.append(Problem(
            "board-no-handler", WARNING, where.file, f"表中没有“经办人”列，各行的经办人记为“{NOT_STATED}”",
            f"the sheet has no 经办人 (handled by) column; each line's handler is recorded as '{NOT_STATED}' "
            "(not stated)", row=grid.lines[lines[0]], community=where.community,
            hint_zh="如需公开经办人，请在表中加一列“经办人”", hint_en="Add a 经办人 column to publish who handled each line"))
    return Table(names, rows, [grid.lines[i] for i in lines], grid.encoding, grid.sheet, source_columns=sources,
                 header_line=header_line)


def _unclassified(where: Where, grid: Table, index: int, col: int, summary: str) -> Problem:
    line = grid.lines[index]
    return Problem(
        "category-unclassified", WARNING, where.file,
        f"无法从摘要“{summary}”判断类别，记为“{UNCLASSIFIED}”", f"no category could be inferred from the summary "
        f"'{summary}'; it is recorded as {UNCLASSIFIED} (unclassified)",
        row=line, field="category", value=summary, cell=f"{column_letter(col)}{line}", community=where.community,
        hint_zh="在表中加一列“类别”，或在 city.yaml 的 finance.category_keywords 中为这类摘要加上关键词",
        hint_en="Add a 类别 column, or add a keyword for such summaries to finance.category_keywords in city.yaml")


def _date_text(text: str, month: str, day: str, period: str) -> str:
    """A line's date as text the schema reads: a whole date as written, else built from the
    period's year (and month) with the board's month and day."""
    year, period_month = int(period[:4]), int(period[5:7])
    if text:
        if _SERIAL.fullmatch(text):
            return _serial_date(text) or text
        if m := _MONTH_DAY.fullmatch(text):
            return _iso(year, int(m[1]), int(m[2])) or text
        if m := _DAY.fullmatch(text):
            return _iso(year, period_month, int(m[1])) or text
        return text
    m = _MONTH.fullmatch(month) if month else None
    the_month = int(m[2]) if m else period_month
    the_year = int(m[1]) if m and m[1] else year
    d = _DAY.fullmatch(day) if day else None
    # A day the month does not have (31 in April) stays a date the schema check refuses as such.
    return _iso(the_year, the_month, int(d[1]) if d else 1) or f"{the_year}-{the_month:02d}-{d[1] if d else day}"


def _iso(year: int, month: int, day: int) -> str | None:
    try:
        return datetime.date(year, month, day).isoformat()
    except ValueError:
        return None


def _serial_date(text: str) -> str | None:
    """An Excel date serial typed into a cell not formatted as a date (1900 date system)."""
    serial = int(text)
    if not 20_000 <= serial <= 80_000:  # 1954 … 2119: anything else is not a date of this ledger
        return None
    return (datetime.date(1899, 12, 30) + datetime.timedelta(days=serial)).isoformat()
