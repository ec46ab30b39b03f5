"""Tables as clerks save them: CSV in UTF-8 (with or without BOM), GBK or GB18030, or .xlsx.

Every cell stays text; a row remembers its line (CSV) or sheet row (xlsx) so problems can name
the Excel cell. Decoding is strict: a file that is none of these encodings is refused, never read
with replacement characters.

Size limits, the same for CSV and every sheet of a workbook, checked while reading so the work
and memory stay bounded whatever a file claims (a sheet's declared dimension is never trusted):

- MAX_ROWS: rows holding a value. A community's monthly ledger has tens of lines, a year of a
  busy one a few thousand; a whole city's roster stays far below 100,000.
- MAX_COLUMNS: the last column holding a value. Juwu's widest table has about 15 columns; 200
  leaves room for a clerk's own notes. Blank cells beyond it (Excel's formatting) are ignored.
- MAX_CELLS: rows × the widest row, i.e. the grid kept in memory (~16 MB of references at most),
  and for .xlsx also the <c> elements read: 100,000 rows of 20 columns.
"""

from __future__ import annotations

import csv
import io
import re
import sys
import zipfile
import zlib
from dataclasses import dataclass, field

from generator.load import sheet as sheet_xml
from generator.problems import column_letter

MAX_TABLE_BYTES = 20_000_000
MAX_ROWS = 100_000
MAX_COLUMNS = 200
MAX_CELLS = 2_000_000
COMMA_BUDGET = 20 * MAX_COLUMNS  # commas one CSV record may hold before it is refused unread
MAX_XLSX_UNPACKED = 50_000_000
MAX_XLSX_RATIO = 100
# Cells (dates, categories, names, funding sources, summaries) repeat across a city's ~1.2 million
# ledger lines: one shared string per distinct value (sys.intern) keeps the loaded city hundreds
# of MB smaller, and each string's hash, computed once there, serves every set and dict after.


class TableRefused(ValueError):
    """A file that is not a readable table; `row` and `cell` (e.g. "B7") say where, when known."""

    def __init__(self, zh: str, en: str, row: int | None = None, hint_zh: str = "", hint_en: str = "",
                 cell: str | None = None):
        super().__init__(en)
        self.zh, self.en, self.row, self.cell = zh, en, row, cell
        self.hint_zh, self.hint_en = hint_zh, hint_en


@dataclass
class Table:
    """Rows of text cells keyed by the header as written; `lines[i]` is row i's line/sheet row."""

    header: list[str]
    rows: list[list[str]]
    lines: list[int]
    encoding: str
    sheet: str | None = None
    column_index: dict[str, int] = field(default_factory=dict)
    # A board read into the schema's columns (generator/load/board.py): column → its column in the
    # sheet (None for one Juwu filled in), so problems name the cell the clerk wrote.
    source_columns: dict[str, int | None] | None = None
    header_line: int = 1  # the header's line or sheet row (a board's is below its title)
    cell_prefix: str = ""  # "3月!" for a month's sheet of a year's workbook (generator/load/workbook.py)

    def __post_init__(self):
        self.column_index = {name: i for i, name in enumerate(self.header)}

    def cell(self, row_index: int, column: str) -> str | None:
        """Excel-style cell of a data row and column, e.g. 'C7'."""
        col = self.column_index.get(column)
        if self.source_columns is not None and column in self.source_columns:
            col = self.source_columns[column]
        if col is None:
            return None
        return f"{self.cell_prefix}{column_letter(col)}{self.lines[row_index]}"


def decode(data: bytes) -> tuple[str, str]:
    """Bytes → (text, encoding name). UTF-8 first (strict), then GB18030, which covers GBK.

    The whole file is in one encoding or it is refused: a file that is neither, or that is not
    UTF-8 but holds UTF-8 Chinese text (a GBK file with a UTF-8 part pasted in, which GB18030
    would decode into garbled characters without an error), names the line of the first bad byte.
    """
    from generator.load.encoding import utf8_chinese_spans

    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _utf16()
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            raise _bad_encoding(data, exc.start + 3) from None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as utf8_exc:
        utf8_spans = utf8_chinese_spans(data)
        if utf8_spans:
            raise _mixed_encoding(data, utf8_exc.start, utf8_spans) from None
        try:
            return data.decode("gb18030"), "gb18030"
        except UnicodeDecodeError as gb_exc:
            # The encoding that read further is the one meant: its first bad byte is the mistake.
            raise _bad_encoding(data, max(utf8_exc.start, gb_exc.start)) from None


def _line_of(data: bytes, position: int) -> int:
    return data.count(b"\n", 0, position) + 1


def _utf16() -> TableRefused:
    return TableRefused(
        "文件编码是 UTF-16（Excel 的“Unicode 文本”），不能读取", "the file is in UTF-16 (Excel's 'Unicode Text'); "
        "it cannot be read", 1,
        "请在 Excel 中“另存为” → “CSV UTF-8（逗号分隔）”，或直接上传 .xlsx 文件",
        "In Excel use Save As → 'CSV UTF-8 (Comma delimited)', or submit the .xlsx file",
    )


def _bad_encoding(data: bytes, position: int) -> TableRefused:
    line = _line_of(data, position)
    return TableRefused(
        f"文件编码无法识别：第 {line} 行的字节既不是 UTF-8，也不是 GBK/GB18030",
        f"cannot decode the file: bytes on line {line} are neither UTF-8 nor GBK/GB18030",
        line,
        f"检查第 {line} 行，把文件另存为 UTF-8 编码（Excel：“另存为” → “CSV UTF-8（逗号分隔）”，或直接上传 .xlsx 文件）",
        f"Check line {line} and save the file as UTF-8 (Excel: Save As → 'CSV UTF-8 (Comma delimited)', "
        "or submit the .xlsx file)",
    )


def _mixed_encoding(data: bytes, first_not_utf8: int, utf8_spans: list[tuple[int, int]]) -> TableRefused:
    """Refuse a file in two encodings, naming the line where the file leaves its main one."""
    utf8_bytes = sum(end - start for start, end in utf8_spans)
    wide_bytes = len(data) - len(data.translate(None, bytes(range(0x80, 0x100))))
    utf8_line, gbk_line = _line_of(data, utf8_spans[0][0]), _line_of(data, first_not_utf8)
    mostly_utf8 = utf8_bytes * 2 > wide_bytes
    bad = gbk_line if mostly_utf8 else utf8_line
    return TableRefused(
        f"文件混用了两种编码：第 {utf8_line} 行是 UTF-8，第 {gbk_line} 行是 GBK/GB18030；"
        f"按任何一种读取都会有乱码（从第 {bad} 行起）",
        f"the file mixes two encodings: line {utf8_line} is UTF-8, line {gbk_line} is GBK/GB18030; read either "
        f"way part of it would be garbled (from line {bad})",
        bad,
        f"打开文件，检查第 {bad} 行附近的文字，把整个文件另存为“UTF-8”编码后重新提交",
        f"Open the file, check the text around line {bad}, and save the whole file as UTF-8",
    )


def read_csv(data: bytes, first_row_header: bool = True) -> Table:
    """The table of a CSV file; with first_row_header=False every non-blank row is a data row and
    the header is empty (a board whose header row is found later, generator/load/board.py)."""
    if len(data) > MAX_TABLE_BYTES:
        raise TableRefused(
            f"文件过大（超过 {MAX_TABLE_BYTES // 1_000_000} MB）",
            f"file too large (over {MAX_TABLE_BYTES // 1_000_000} MB)",
        )
    text, encoding = decode(data)
    if "\x00" in text:
        raise TableRefused("文件包含空字节，不是文本表格", "the file contains NUL bytes; not a text table")
    plain = '"' not in text and len(text) < csv.field_size_limit() and text.count(",") <= COMMA_BUDGET
    table = _plain_table(text, encoding, first_row_header) if plain else None
    if table is not None:
        return table
    budget = _CommaBudget()
    reader = csv.reader(_lines(text) if text.count(",") <= COMMA_BUDGET else budget.lines(text))
    header: list[str] | None = None
    rows: list[list[str]] = []
    lines: list[int] = []
    cells = width = 0
    try:
        for record in reader:
            budget.spent = 0
            if not "".join(record).strip():
                continue  # leading blank lines, and blank rows Excel leaves at the end
            if len(record) > MAX_COLUMNS:
                record = _within_columns(record, reader.line_num)
            if header is None and first_row_header:
                header = [c.strip() for c in record]
                width = len(header)
                continue
            rows.append(list(map(sys.intern, record)))
            lines.append(reader.line_num)
            cells += max(len(record), width)
            if len(rows) > MAX_ROWS or cells > MAX_CELLS:
                _check_size(len(rows), cells, reader.line_num, None)
    except csv.Error as exc:
        raise TableRefused(
            f"CSV 格式错误（第 {reader.line_num} 行）：{exc}，常见原因是引号没有成对",
            f"CSV format error at line {reader.line_num}: {exc}; usually an unmatched quote",
            reader.line_num,
        ) from None
    return Table(header or [], rows, lines, encoding)


def _plain_table(text: str, encoding: str, first_row_header: bool) -> Table | None:
    """The table of a CSV text without quotes, whose commas are within one record's budget and
    which is shorter than one field may be (most files): each line is one record, split at its
    commas, exactly as csv.reader reads it, in a few passes over the lines instead of a loop of
    checks per record. None when the file is too wide or too big: `read_csv` refuses it, naming
    where."""
    records = [line.rstrip("\r\n").split(",") for line in _lines(text)]
    kept = [i for i, record in enumerate(records) if "".join(record).strip()]  # blank rows skipped
    if not kept or max(len(records[i]) for i in kept) > MAX_COLUMNS:
        return None
    header = None
    if first_row_header:
        header, kept = [c.strip() for c in records[kept[0]]], kept[1:]
    width = len(header or ())
    if len(kept) > MAX_ROWS or sum(max(len(records[i]), width) for i in kept) > MAX_CELLS:
        return None
    rows = [list(map(sys.intern, records[i])) for i in kept]
    return Table(header or [], rows, [i + 1 for i in kept], encoding)


_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n|$)")


def _lines(text: str) -> list[str]:
    """The lines `_CommaBudget.lines` gives, all at once: for a text whose commas are within one
    record's budget, which then cannot be exceeded (a city's files, all but a broken one)."""
    found = _LINE.findall(text)
    if found and not found[-1]:
        found.pop()  # the empty match at the end
    return found


class _CommaBudget:
    """Feeds csv.reader line by line and stops a record that could hold far too many fields.

    csv.reader builds a whole record before returning it, so a line of a million commas would
    cost a million strings before any width check. A record has at most one field more than it
    has commas; COMMA_BUDGET leaves room for commas inside quoted text.
    """

    def __init__(self):
        self.spent = 0  # commas read since the last record was returned; reset by the reader loop
        self.line = 0

    def lines(self, text: str):
        # Not io.StringIO: it would hold a second copy of the text at four bytes a character.
        for match in _LINE.finditer(text):
            line = match[0]
            if not line:
                continue
            self.line += 1
            self.spent += line.count(",")
            if self.spent > COMMA_BUDGET:
                raise TableRefused(
                    f"第 {self.line} 行的一条记录含有超过 {COMMA_BUDGET:,} 个逗号：列数远超 {MAX_COLUMNS} 列的上限，"
                    "或有引号没有成对",
                    f"the record at line {self.line} holds more than {COMMA_BUDGET:,} commas: far more than "
                    f"the limit of {MAX_COLUMNS} columns, or an unmatched quote",
                    self.line, _LIMIT_HINT_ZH, _LIMIT_HINT_EN,
                )
            yield line


def _within_columns(record: list[str], line: int) -> list[str]:
    """The record cut to MAX_COLUMNS when only blank cells lie beyond; refused otherwise."""
    if len(record) <= MAX_COLUMNS:
        return record
    beyond = next((i for i in range(MAX_COLUMNS, len(record)) if record[i].strip()), None)
    if beyond is not None:
        raise TableRefused(
            f"第 {line} 行第 {beyond + 1} 列（{column_letter(beyond)} 列）有内容，超过 {MAX_COLUMNS} 列的上限",
            f"line {line} has a value in column {beyond + 1} ({column_letter(beyond)}), beyond the limit of "
            f"{MAX_COLUMNS} columns",
            line, _LIMIT_HINT_ZH, _LIMIT_HINT_EN,
        )
    return record[:MAX_COLUMNS]


def _check_size(rows: int, cells: int, row: int, sheet: str | None) -> None:
    where_zh, where_en = (f"工作表“{sheet}”", f"sheet '{sheet}'") if sheet else ("表格", "the table")
    if rows > MAX_ROWS:
        raise TableRefused(f"{where_zh}行数超过 {MAX_ROWS:,} 行的上限", f"{where_en} has more than {MAX_ROWS:,} rows, the limit",
                           row, _LIMIT_HINT_ZH, _LIMIT_HINT_EN)
    if cells > MAX_CELLS:
        raise TableRefused(f"{where_zh}单元格超过 {MAX_CELLS:,} 个的上限（行数 × 列数）",
                           f"{where_en} has more than {MAX_CELLS:,} cells (rows × columns), the limit",
                           row, _LIMIT_HINT_ZH, _LIMIT_HINT_EN)


_LIMIT_HINT_ZH = "一个文件只放一个社区一个账期的表格；请删除多余的行和列（包括看不见的格式），或分成几个文件"
_LIMIT_HINT_EN = ("Keep one community's table for one period in a file; delete extra rows and columns "
                  "(including invisible formatting), or split the file")
RESAVE_ZH, RESAVE_EN = sheet_xml.RESAVE_ZH, sheet_xml.RESAVE_EN


def read_xlsx(data: bytes, sheet: str | None = None, prefer: tuple[str, ...] = (),
              first_row_header: bool = True, period: str | None = None, blank_formulas: bool = False) -> Table:
    """One sheet of a workbook, after checking the zip is not a bomb.

    `sheet` names it exactly; otherwise the first sheet whose name is one of `prefer` (a clerk's
    workbook often holds a 封面 or 说明 sheet before the data), else the first sheet. The sheet is
    read by the cells it holds (generator.load.sheet), never by the size it declares.
    """
    _check_zip(data)
    book = _open_workbook(data)
    try:
        ws = _pick_sheet(book, sheet or _month_sheet(book, period), prefer)
        header, rows, lines = _sheet_table(ws, first_row_header, blank_formulas)
    finally:
        book.close()
    return Table(header, rows, lines, "xlsx", sheet=ws.title)


def sheet_states(data: bytes) -> list[tuple[str, str]]:
    """(title, visible / hidden / veryHidden) of every worksheet of a workbook, in its order."""
    _check_zip(data)
    book = _open_workbook(data)
    try:
        return [(ws.title, ws.sheet_state or "visible") for ws in book.worksheets]
    finally:
        book.close()


def _open_workbook(data: bytes):
    import openpyxl  # defusedxml, when installed, guards openpyxl's XML parsing

    try:
        return openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken workbook
        detail = " ".join(str(exc).split())[:200]
        raise TableRefused(
            f"无法打开 Excel 文件：文件结构已损坏（{type(exc).__name__}：{detail}）",
            f"cannot open the Excel workbook: its structure is broken ({type(exc).__name__}: {detail})",
            hint_zh=RESAVE_ZH, hint_en=RESAVE_EN,
        ) from None


def _month_sheet(book, period: str | None) -> str | None:
    """The sheet of a period (YYYY-MM) in a workbook of month sheets (1月 … 12月, 2024年3月), so a
    year's workbook saved as one month's file is read at that month, never at its first sheet;
    TableRefused when it has month sheets but none for the period."""
    from generator.load.workbook import sheet_month

    if period is None:
        return None
    year, month = int(period[:4]), int(period[5:7])
    months = [(ws.title, sheet_month(ws.title)) for ws in book.worksheets]
    months = [(title, m) for title, m in months if m is not None]
    if len(months) < 2:
        return None  # one sheet named for its month, or none: the usual choice
    for title, (sheet_year, sheet_month_) in months:
        if sheet_month_ == month and sheet_year in (None, year):
            return title
    names = "、".join(title for title, _ in months)
    raise TableRefused(f"工作簿按月分表（{names}），但没有 {year} 年 {month} 月的工作表",
                       f"the workbook has a sheet per month ({names}) but none for {period}",
                       hint_zh=f"把 {month} 月的账放在名为“{month}月”的工作表中，或把全年工作簿命名为 {year}.xlsx",
                       hint_en=f"Put {period}'s lines in a sheet named {month}月, or name the year's workbook {year}.xlsx")


def _pick_sheet(book, sheet: str | None, prefer: tuple[str, ...]):
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    if sheet is None:
        wanted = {p.strip().lower() for p in prefer}
        sheet = next((name for name in book.sheetnames if name.strip().lower() in wanted), None)
    if sheet is not None and sheet not in book.sheetnames:
        raise TableRefused(f"找不到工作表“{sheet}”", f"no sheet named '{sheet}'")
    ws = book[sheet] if sheet else _first_data_sheet(book.worksheets)
    if ws is None:
        raise TableRefused("工作簿中没有工作表", "the workbook has no worksheet", hint_zh=RESAVE_ZH, hint_en=RESAVE_EN)
    if not isinstance(ws, ReadOnlyWorksheet):
        raise TableRefused(f"工作表“{ws.title}”不是数据表（可能是图表）", f"sheet '{ws.title}' is not a worksheet (a chart?)")
    return ws


def _first_data_sheet(sheets):
    """The first visible sheet that is not a cover, instructions or summary sheet (说明, 封面, 汇总 …);
    else the first visible one; else the first."""
    from generator.load.workbook import is_skipped

    visible = [ws for ws in sheets if (ws.sheet_state or "visible") == "visible"]
    return next((ws for ws in visible if not is_skipped(ws.title)), next(iter(visible or sheets), None))


def _sheet_table(ws, first_row_header: bool = True, blank_formulas: bool = False) -> tuple[list[str], list[list[str]], list[int]]:
    """(header, rows, lines) of a read-only worksheet, within the module's limits."""
    book = ws.parent
    styles = sheet_xml.Styles(frozenset(book._date_formats), frozenset(book._timedelta_formats), book.epoch)
    limits = sheet_xml.Limits(columns=MAX_COLUMNS, cells=MAX_CELLS)
    header: list[str] | None = None
    rows: list[list[str]] = []
    lines: list[int] = []
    merges: list[tuple[int, int, int, int]] = []
    width = 0
    try:
        with ws._get_source() as source:
            for number, cells in sheet_xml.rows(source, ws.title, ws._shared_strings, styles, limits, blank_formulas,
                                                merges):
                if not any(c.strip() for c in cells):
                    continue
                if header is None and first_row_header:
                    header = [c.strip() for c in cells]
                    continue
                rows.append(list(map(sys.intern, cells)))
                lines.append(number)
                width = max(width, len(cells), len(header or ()))
                _check_size(len(rows), len(rows) * width, number, ws.title)
    except sheet_xml.SheetRefused as exc:
        raise TableRefused(exc.zh, exc.en, exc.row, exc.hint_zh, exc.hint_en, cell=exc.cell) from None
    except (KeyError, zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError, OSError) as exc:
        # a missing or damaged part of the zip: the sheet's XML cannot be read at all
        raise TableRefused(
            f"工作表“{ws.title}”的内容缺失或已损坏，无法读取（{type(exc).__name__}）",
            f"the content of sheet '{ws.title}' is missing or damaged ({type(exc).__name__})",
            hint_zh=RESAVE_ZH, hint_en=RESAVE_EN,
        ) from None
    for row in rows:  # one width for every row, as Excel shows the sheet
        row.extend([""] * (width - len(row)))
    if merges and rows:
        _fill_down(rows, lines, merges)
    header = header or []
    while header and header[-1] == "":
        header.pop()
    return header, rows, lines


def _fill_down(rows: list[list[str]], lines: list[int], merges) -> None:
    """A cell merged down over the rows below it (检查编号 and 检查日期 written once for an inspection's
    rows, the month once for its lines) holds its value in each of them, as the clerk reads the
    sheet. Only down one column: a title merged across columns is one value, not one per column. A
    number is never copied: an amount merged over two lines is one payment, not two (the sums say so)."""
    at = {line: row for line, row in zip(lines, rows)}
    for top, left, bottom, right in merges:
        if left != right or top == bottom or top not in at:
            continue
        source = at[top]
        value = source[left - 1] if left - 1 < len(source) else ""
        if not value.strip() or _NUMBER.fullmatch(value.strip().replace(",", "")):
            continue
        for line in range(top + 1, bottom + 1):
            row = at.get(line)
            if row is not None and left - 1 < len(row) and not row[left - 1].strip():
                row[left - 1] = value


_NUMBER = re.compile(r"[+-]?[0-9]+(?:\.[0-9]+)?")


def _check_zip(data: bytes) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError):
        raise _not_a_workbook() from None
    with archive:
        infos = archive.infolist()
        unpacked = sum(i.file_size for i in infos)
        if len(infos) > 1000 or unpacked > MAX_XLSX_UNPACKED or unpacked > MAX_XLSX_RATIO * max(len(data), 1):
            raise TableRefused(
                "Excel 文件解压后过大，已拒绝（可能是压缩炸弹）",
                "the .xlsx unpacks to far more than its size; refused (possible zip bomb)",
                hint_zh=RESAVE_ZH, hint_en=RESAVE_EN,
            )
        if "xl/workbook.xml" not in archive.namelist():
            raise _not_a_workbook()


def _not_a_workbook() -> TableRefused:
    return TableRefused("文件不是有效的 .xlsx（Excel）文件", "not a valid .xlsx workbook",
                        hint_zh="请上传用 Excel 或 WPS 保存的 .xlsx 文件，或另存为 CSV UTF-8",
                        hint_en="Submit an .xlsx saved by Excel or WPS, or save it as CSV UTF-8")
