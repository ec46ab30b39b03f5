"""Tables as clerks save them: CSV in UTF-8 (with or without BOM), GBK or GB18030, or .xlsx.

Every cell stays text; a row remembers its line (CSV) or sheet row (xlsx) so problems can name
the Excel cell. Decoding is strict: a file that is none of these encodings is refused, never read
with replacement characters.
"""

from __future__ import annotations

import csv
import io
import sys
import zipfile
from dataclasses import dataclass, field

from generator.problems import column_letter

MAX_TABLE_BYTES = 20_000_000
MAX_ROWS = 100_000
MAX_XLSX_UNPACKED = 50_000_000
MAX_XLSX_RATIO = 100
# Cells this short (dates, categories, names, funding sources) repeat across a city's ~1.2 million
# ledger lines; one shared string per distinct value keeps the loaded city hundreds of MB smaller.
INTERN_CHARS = 24


class TableRefused(ValueError):
    def __init__(self, zh: str, en: str, row: int | None = None, hint_zh: str = "", hint_en: str = ""):
        super().__init__(en)
        self.zh, self.en, self.row = zh, en, row
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

    def __post_init__(self):
        self.column_index = {name: i for i, name in enumerate(self.header)}

    def cell(self, row_index: int, column: str) -> str | None:
        """Excel-style cell of a data row and column, e.g. 'C7'."""
        col = self.column_index.get(column)
        if col is None:
            return None
        return f"{column_letter(col)}{self.lines[row_index]}"


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


def read_csv(data: bytes) -> Table:
    if len(data) > MAX_TABLE_BYTES:
        raise TableRefused(
            f"文件过大（超过 {MAX_TABLE_BYTES // 1_000_000} MB）",
            f"file too large (over {MAX_TABLE_BYTES // 1_000_000} MB)",
        )
    text, encoding = decode(data)
    if "\x00" in text:
        raise TableRefused("文件包含空字节，不是文本表格", "the file contains NUL bytes; not a text table")
    reader = csv.reader(io.StringIO(text, newline=""))
    header: list[str] | None = None
    rows: list[list[str]] = []
    lines: list[int] = []
    try:
        for record in reader:
            if header is None:
                if not any(c.strip() for c in record):
                    continue  # leading blank lines
                header = [c.strip() for c in record]
                continue
            if not any(c.strip() for c in record):
                continue  # blank rows Excel leaves at the end
            rows.append([sys.intern(c) if len(c) <= INTERN_CHARS else c for c in record])
            lines.append(reader.line_num)
            if len(rows) > MAX_ROWS:
                raise TableRefused(f"行数超过 {MAX_ROWS} 行", f"more than {MAX_ROWS} rows")
    except csv.Error as exc:
        raise TableRefused(
            f"CSV 格式错误（第 {reader.line_num} 行）：{exc}，常见原因是引号没有成对",
            f"CSV format error at line {reader.line_num}: {exc}; usually an unmatched quote",
            reader.line_num,
        ) from None
    return Table(header or [], rows, lines, encoding)


def read_xlsx(data: bytes, sheet: str | None = None, prefer: tuple[str, ...] = ()) -> Table:
    """One sheet of a workbook, after checking the zip is not a bomb.

    `sheet` names it exactly; otherwise the first sheet whose name is one of `prefer` (a clerk's
    workbook often holds a 封面 or 说明 sheet before the data), else the first sheet.
    """
    _check_zip(data)
    import openpyxl  # defusedxml, when installed, guards openpyxl's XML parsing

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken workbook
        raise TableRefused(
            f"无法打开 Excel 文件：{type(exc).__name__}", f"cannot open the Excel workbook: {exc}"
        ) from None
    if sheet is None:
        wanted = {p.strip().lower() for p in prefer}
        sheet = next((name for name in book.sheetnames if name.strip().lower() in wanted), None)
    try:
        ws = book[sheet] if sheet else book.worksheets[0]
    except KeyError:
        raise TableRefused(f"找不到工作表“{sheet}”", f"no sheet named '{sheet}'") from None
    header: list[str] | None = None
    rows: list[list[str]] = []
    lines: list[int] = []
    for number, values in enumerate(ws.iter_rows(values_only=True), start=1):
        cells = [_xlsx_text(v) for v in values]
        if not any(c.strip() for c in cells):
            continue
        if header is None:
            header = [c.strip() for c in cells]
            continue
        rows.append(cells)
        lines.append(number)
        if len(rows) > MAX_ROWS:
            raise TableRefused(f"行数超过 {MAX_ROWS} 行", f"more than {MAX_ROWS} rows")
    name = ws.title
    book.close()
    while header and header[-1] == "":
        header.pop()
    return Table(header or [], rows, lines, "xlsx", sheet=name)


def _xlsx_text(value) -> str:
    """A cell as the text a clerk sees: dates as ISO, whole numbers without '.0'."""
    import datetime
    from decimal import Decimal

    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        # Excel stores numbers as binary floats; repr gives the shortest exact decimal text.
        d = Decimal(repr(value))
        return format(d.normalize(), "f") if d == d.to_integral() else repr(value)
    return str(value)


def _check_zip(data: bytes) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise TableRefused("文件不是有效的 .xlsx（Excel）文件", "not a valid .xlsx workbook") from None
    with archive:
        infos = archive.infolist()
        unpacked = sum(i.file_size for i in infos)
        if len(infos) > 1000 or unpacked > MAX_XLSX_UNPACKED or unpacked > MAX_XLSX_RATIO * max(len(data), 1):
            raise TableRefused(
                "Excel 文件解压后过大，已拒绝（可能是压缩炸弹）",
                "the .xlsx unpacks to far more than its size; refused (possible zip bomb)",
            )
        if "xl/workbook.xml" not in archive.namelist():
            raise TableRefused("文件不是有效的 .xlsx（Excel）文件", "not a valid .xlsx workbook")
