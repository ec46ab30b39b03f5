"""One worksheet's XML read by the cells it really contains, within hard limits.

A sheet's own claims are never trusted for sizing: the declared dimension (`A1:XFD1048576`), row
numbers (`<row r="1e15">`) and far cell references (`XFD1048576`) do not make the reader pad or
walk empty rows, so the work is bounded by the cells present, and those by `Limits`. Every
malformed part (a missing shared string, "abc" in a number cell, a date serial out of range,
broken XML) raises `SheetRefused` naming the sheet and the Excel cell, never another exception.
"""

from __future__ import annotations

import datetime
import math
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import IO, Iterator
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

from generator.problems import column_letter

EXCEL_MAX_ROW = 1_048_576  # Excel's own grid; anything beyond is not a workbook Excel wrote
EXCEL_MAX_COLUMN = 16_384  # XFD
EXCEL_MAX_CELL_CHARS = 32_767
_REF = re.compile(r"([A-Z]{1,3})([0-9]{1,7})")
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]{1,3})?")
_DIGITS = re.compile(r"[0-9]{1,9}")


@dataclass(frozen=True)
class Limits:
    """The reader's share of the table limits (rows are counted by the caller, which skips blanks)."""

    columns: int  # the last column holding a value
    cells: int  # the grid the table keeps: rows × widest row, and <c> elements read


class SheetRefused(ValueError):
    def __init__(self, zh: str, en: str, row: int | None = None, cell: str | None = None,
                 hint_zh: str = "", hint_en: str = ""):
        super().__init__(en)
        self.zh, self.en, self.row, self.cell = zh, en, row, cell
        self.hint_zh, self.hint_en = hint_zh, hint_en


@dataclass(frozen=True)
class Styles:
    """What the workbook says about number formats: which style ids are dates or durations."""

    dates: frozenset
    durations: frozenset
    epoch: datetime.datetime


def rows(source: IO[bytes], title: str, strings, styles: Styles, limits: Limits,
         blank_formulas: bool = False, merges: list[tuple[int, int, int, int]] | None = None,
         ) -> Iterator[tuple[int, list[str]]]:
    """(sheet row number, cells as text) for each row holding a value, in sheet order.

    Cells are placed by their reference; a row is as wide as its last value (empty styled cells
    beyond it are ignored). Raises SheetRefused for a malformed sheet or one over `limits`.
    `blank_formulas`: a formula saved without its result reads as an empty cell instead (a
    template's computed cells, filled by a program that does not calculate; the caller computes them).
    `merges`: when given, the sheet's merged ranges (first row, first column, last row, last column;
    1-based; at most MAX_MERGES) are appended to it once the rows are read.
    """
    where = _Where(title)
    stack: list = []  # open elements: stack[0] is <worksheet>
    in_data = seen_data = False
    in_row = False
    row_number, last_row, column, cells, elements = 0, 0, 0, {}, 0
    try:
        for event, element in iterparse(source, events=("start", "end"), forbid_dtd=True):
            name = element.tag.rpartition("}")[2]
            if event == "start":
                stack.append(element)
                if name == "sheetData" and len(stack) == 2:
                    in_data = seen_data = True
                elif in_data and name == "row" and len(stack) == 3:
                    row_number = _row_number(element.get("r"), last_row, where)
                    in_row, column, cells = True, 0, {}
                continue
            stack.pop()
            if in_row and name == "c" and len(stack) == 3:
                elements += 1
                if elements > limits.cells:
                    raise where.refuse(row_number, None, f"单元格超过 {limits.cells:,} 个", f"more than {limits.cells:,} cells")
                column = _column(element.get("r"), row_number, column, where)
                text = _cell_text(element, strings, styles, where.at(row_number, column), blank_formulas)
                if text:
                    if column > limits.columns:
                        raise where.refuse(row_number, column, f"第 {column_letter(column - 1)} 列（第 {column} 列）有内容，"
                                           f"超过 {limits.columns} 列的上限", f"a value in column {column}, beyond the "
                                           f"limit of {limits.columns} columns")
                    cells[column] = text
                stack[-1].remove(element)
            elif in_row and name == "row" and len(stack) == 2:
                stack[-1].remove(element)
                in_row, last_row = False, row_number
                if cells:
                    row = [""] * max(cells)
                    for index, text in cells.items():
                        row[index - 1] = text
                    yield row_number, row
            elif name == "sheetData" and len(stack) == 1:
                if merges is None:
                    return  # nothing after the data matters
                in_data = False
            elif name == "mergeCell" and merges is not None and not in_data:
                if len(merges) < MAX_MERGES and (merged := _range(element.get("ref"))):
                    merges.append(merged)
                stack[-1].remove(element)
            elif stack and not (in_data and len(stack) >= 3):
                stack[-1].remove(element)  # keep memory flat outside the cells being read
    except (ParseError, DefusedXmlException) as exc:
        line = getattr(exc, "position", (None,))[0]
        raise SheetRefused(f"工作表“{title}”的 XML 已损坏" + (f"（XML 第 {line} 行）" if line else ""),
                           f"the XML of sheet '{title}' is broken" + (f" (XML line {line})" if line else ""),
                           hint_zh=RESAVE_ZH, hint_en=RESAVE_EN) from None
    if not seen_data:
        raise where.refuse(None, None, "缺少 sheetData 部分（工作表没有数据区）", "it has no sheetData part")


MAX_MERGES = 10_000  # merged ranges read per sheet; a real sheet has a few dozen


def _range(ref: str | None) -> tuple[int, int, int, int] | None:
    """'A3:A5' → (3, 1, 5, 1); None for anything else."""
    first, _, last = (ref or "").partition(":")
    a, b = _REF.fullmatch(first), _REF.fullmatch(last)
    if not (a and b):
        return None
    top, left, bottom, right = int(a[2]), _letters(a[1]), int(b[2]), _letters(b[1])
    return (top, left, bottom, right) if top <= bottom and left <= right else None


def _letters(letters: str) -> int:
    column = 0
    for letter in letters:
        column = column * 26 + ord(letter) - 64
    return column


RESAVE_ZH = "请在 Excel 或 WPS 中打开这个文件，检查内容后“另存为” .xlsx 再上传"
RESAVE_EN = "Open the file in Excel or WPS, check it, and Save As .xlsx again"


@dataclass(frozen=True)
class _Where:
    title: str

    def at(self, row: int, column: int) -> tuple[str, int, str]:
        return self.title, row, f"{column_letter(column - 1)}{row}"

    def refuse(self, row: int | None, column: int | None, zh: str, en: str) -> SheetRefused:
        cell = f"{column_letter(column - 1)}{row}" if row and column and column <= EXCEL_MAX_COLUMN else None
        place_zh = f"工作表“{self.title}”" + (f"单元格 {cell}" if cell else f"第 {row} 行" if row else "")
        place_en = f"sheet '{self.title}'" + (f" cell {cell}" if cell else f" row {row}" if row else "")
        return SheetRefused(f"{place_zh}：{zh}", f"{place_en}: {en}", row, cell, RESAVE_ZH, RESAVE_EN)


def _row_number(r: str | None, last: int, where: _Where) -> int:
    if r is None:
        number = last + 1
    elif _DIGITS.fullmatch(r):
        number = int(r)
    else:
        raise where.refuse(None, None, f"第 {last + 1} 个数据行的行号“{r[:20]}”不是有效的行号",
                           f"row number '{r[:20]}' after row {last} is not a row number")
    if not last < number <= EXCEL_MAX_ROW:
        raise where.refuse(None, None, f"行号 {number} 无效：行号必须递增且不超过 {EXCEL_MAX_ROW:,}",
                           f"row number {number} is invalid: rows must increase and stay within {EXCEL_MAX_ROW:,}")
    return number


def _column(r: str | None, row: int, last: int, where: _Where) -> int:
    """1-based column of a cell: its reference, or the one after the previous cell."""
    if r is None:
        column = last + 1
    else:
        match = _REF.fullmatch(r)
        if not match or int(match[2]) != row:
            raise where.refuse(row, None, f"单元格引用“{r[:20]}”无效（应为本行的单元格，如 B{row}）",
                               f"cell reference '{r[:20]}' is invalid (expected a cell of this row, e.g. B{row})")
        column = _letters(match[1])
    if not last < column <= EXCEL_MAX_COLUMN:
        raise where.refuse(row, None, f"单元格 {r or column} 的位置无效：列必须递增且不超过 XFD",
                           f"cell {r or column} is out of place: columns must increase and stay within XFD")
    return column


def _cell_text(c, strings, styles: Styles, at: tuple[str, int, str], blank_formulas: bool = False) -> str:
    """The text a clerk sees in the cell."""
    kind = c.get("t", "n")
    v = _child(c, "v")
    value = v.text if v is not None else None
    if kind == "inlineStr":
        text = _inline(_child(c, "is"))
    elif value is None:
        if _child(c, "f") is not None and not blank_formulas:
            raise _bad(at, "是公式，但文件中没有保存计算结果", "holds a formula but no saved result",
                       "请在 Excel 或 WPS 中打开文件、让公式算出结果后保存，再上传",
                       "Open the file in Excel or WPS so the formulas are calculated, save it, then submit it")
        return ""
    elif kind == "s":
        if not _DIGITS.fullmatch(value.strip()) or int(value) >= len(strings):
            raise _bad(at, f"引用了不存在的共享字符串（编号 {value[:20]}）",
                       f"refers to shared string {value[:20]}, which does not exist")
        text = strings[int(value)]
        text = text if isinstance(text, str) else str(text)
    elif kind in ("str", "e"):
        text = value  # a formula's text result, or an error such as #DIV/0! shown as the clerk sees it
    elif kind == "b":
        if value.strip() not in ("0", "1"):
            raise _bad(at, f"是逻辑值，但内容“{value[:20]}”不是 0 或 1", f"is a boolean but holds '{value[:20]}', not 0 or 1")
        text = "是" if value.strip() == "1" else "否"
    elif kind == "n":
        style = c.get("s") or "0"
        text = _number(value.strip(), int(style) if _DIGITS.fullmatch(style) else 0, styles, at)
    elif kind == "d":
        text = _iso_date(value.strip(), at)
    else:
        raise _bad(at, f"的类型“{kind[:20]}”无效", f"has an unknown type '{kind[:20]}'")
    if len(text) > EXCEL_MAX_CELL_CHARS:
        raise _bad(at, f"内容超过 {EXCEL_MAX_CELL_CHARS:,} 个字符", f"holds more than {EXCEL_MAX_CELL_CHARS:,} characters")
    return text


def _child(element, name: str):
    for child in element:
        if child.tag.rpartition("}")[2] == name:
            return child
    return None


def _inline(node) -> str:
    """An inline string: its <t>, or its runs' <t>; phonetic guides (<rPh>) left out."""
    if node is None:
        return ""
    parts = []
    for child in node:
        name = child.tag.rpartition("}")[2]
        if name == "t":
            parts.append(child.text or "")
        elif name == "r":
            t = _child(child, "t")
            parts.append(t.text or "" if t is not None else "")
    return "".join(parts)


def _number(value: str, style: int, styles: Styles, at) -> str:
    if len(value) > 400 or not _NUMBER.fullmatch(value) or not math.isfinite(float(value)):
        raise _bad(at, f"是数字单元格，但内容“{value[:20]}”不是数字", f"is a number cell but holds '{value[:20]}'")
    if style in styles.dates or style in styles.durations:
        from openpyxl.utils.datetime import from_excel

        try:
            moment = from_excel(float(value), styles.epoch, timedelta=style in styles.durations)
        except (OverflowError, ValueError, ArithmeticError):
            raise _bad(at, f"是日期格式，但序号 {value[:20]} 不是有效的日期", f"is formatted as a date but "
                       f"{value[:20]} is not a valid date serial",
                       "请在该单元格重新输入日期，例如 2025-01-15", "Type the date again, e.g. 2025-01-15") from None
        return _moment_text(moment)
    if "." not in value and "e" not in value.lower():
        return str(int(value))
    number = float(value)
    # Excel stores numbers as binary floats; repr gives the shortest exact decimal text.
    d = Decimal(repr(number))
    return format(d.normalize(), "f") if d == d.to_integral() else repr(number)


def _moment_text(value) -> str:
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time(0, 0) else value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def _iso_date(value: str, at) -> str:
    from openpyxl.utils.datetime import from_ISO8601

    try:
        return _moment_text(from_ISO8601(value))
    except (ValueError, OverflowError, TypeError):
        raise _bad(at, f"是日期单元格，但“{value[:30]}”不是有效的日期", f"is a date cell but '{value[:30]}' is not a valid date",
                   "请在该单元格重新输入日期，例如 2025-01-15", "Type the date again, e.g. 2025-01-15") from None


def _bad(at: tuple[str, int, str], zh: str, en: str, hint_zh: str = RESAVE_ZH, hint_en: str = RESAVE_EN) -> SheetRefused:
    title, row, cell = at
    return SheetRefused(f"工作表“{title}”单元格 {cell} {zh}", f"sheet '{title}' cell {cell} {en}", row, cell, hint_zh, hint_en)
