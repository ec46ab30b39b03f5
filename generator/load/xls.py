"""Old Excel workbooks (.xls: Excel 97–2003, and what WPS saves by default) turned into .xlsx at the
door, so everything after reads one format: the same sheets in the same order (hidden ones still
hidden), the same cells at the same references (D12 stays D12), dates as dates, merged cells kept.

xlrd reads the file (it reads .xls only, and no formulas: a cell holds the result Excel saved).
The whole workbook is held in memory, so its size is bounded first by the caller's upload limit
and here by the table limits (generator/load/tables.py) before any cell is copied.
"""

from __future__ import annotations

import io

from generator.load.tables import MAX_CELLS, MAX_COLUMNS, MAX_ROWS, TableRefused

# The compound-document signature every .xls (and .doc, .et) starts with.
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_SAVE_AS_ZH = "请在 Excel 或 WPS 中打开这个文件，“另存为” Excel 工作簿（.xlsx）后再上传"
_SAVE_AS_EN = "Open the file in Excel or WPS and Save As an Excel workbook (.xlsx), then upload that"
_VISIBILITY = {0: "visible", 1: "hidden", 2: "veryHidden"}


def is_xls(data: bytes) -> bool:
    return data.startswith(OLE2_MAGIC)


def to_xlsx(data: bytes) -> bytes:
    """The .xls workbook DATA as .xlsx bytes; TableRefused (in words, with what to do) when it
    cannot be read: encrypted, not a workbook (a Word file), damaged, or over the table limits."""
    import openpyxl
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=data, formatting_info=True, on_demand=True)
    except Exception as exc:  # xlrd raises its own errors, struct and index errors for damaged files
        raise _refused(exc) from None
    try:
        out = openpyxl.Workbook()
        out.remove(out.active)
        for index in range(book.nsheets):
            sheet = book.sheet_by_index(index)
            _check_limits(sheet)
            ws = out.create_sheet(_title(sheet.name, out))
            ws.sheet_state = _VISIBILITY.get(sheet.visibility, "visible")
            _copy_cells(book, sheet, ws)
            for top, bottom, left, right in sheet.merged_cells:
                if bottom - top > 1 or right - left > 1:
                    ws.merge_cells(start_row=top + 1, end_row=bottom, start_column=left + 1, end_column=right)
            book.unload_sheet(index)
    except TableRefused:
        raise
    except Exception as exc:
        raise _refused(exc) from None
    finally:
        book.release_resources()
    buffer = io.BytesIO()
    out.save(buffer)
    return buffer.getvalue()


def _copy_cells(book, sheet, ws) -> None:
    import xlrd

    for r in range(sheet.nrows):
        for c, cell in enumerate(sheet.row(r)):
            if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                continue
            if cell.ctype == xlrd.XL_CELL_DATE:
                try:
                    value = xlrd.xldate_as_datetime(cell.value, book.datemode)
                except (ValueError, OverflowError, xlrd.xldate.XLDateError):
                    value = cell.value  # a number formatted as a date but out of range: kept as the number
            elif cell.ctype == xlrd.XL_CELL_NUMBER:
                value = int(cell.value) if cell.value.is_integer() else cell.value
            elif cell.ctype == xlrd.XL_CELL_BOOLEAN:
                value = bool(cell.value)
            elif cell.ctype == xlrd.XL_CELL_ERROR:
                value = xlrd.error_text_from_code.get(cell.value, "#ERROR")
            else:
                value = str(cell.value)
            ws.cell(row=r + 1, column=c + 1, value=value)


def _check_limits(sheet) -> None:
    if sheet.nrows > MAX_ROWS or sheet.ncols > MAX_COLUMNS or sheet.nrows * sheet.ncols > MAX_CELLS:
        raise TableRefused(
            f"工作表“{sheet.name}”有 {sheet.nrows:,} 行 × {sheet.ncols:,} 列，超过上限"
            f"（{MAX_ROWS:,} 行、{MAX_COLUMNS} 列）",
            f"sheet '{sheet.name}' has {sheet.nrows:,} rows × {sheet.ncols:,} columns, over the limit "
            f"({MAX_ROWS:,} rows, {MAX_COLUMNS} columns)",
            hint_zh="删除表格下方和右侧多余的行和列后保存", hint_en="Delete the extra rows and columns and save")


def _title(name: str, book) -> str:
    """The sheet's name as .xlsx allows it (at most 31 characters, none of []:*?/\\), kept unique."""
    title = "".join("_" if ch in "[]:*?/\\" else ch for ch in name)[:31] or "Sheet"
    taken = set(book.sheetnames)
    candidate, n = title, 1
    while candidate in taken:
        n += 1
        candidate = f"{title[:28]}({n})"
    return candidate


def _refused(exc: Exception) -> TableRefused:
    detail = " ".join(str(exc).split())[:200]
    if "encrypt" in detail.lower():
        return TableRefused("这个 .xls 文件设置了打开密码，无法读取", "the .xls file is password-protected and cannot be read",
                            hint_zh="在 Excel 或 WPS 中取消文件密码（文件 → 信息 → 保护工作簿）后另存为 .xlsx 再上传",
                            hint_en="Remove the password in Excel or WPS, Save As .xlsx, and upload that")
    return TableRefused(f"无法读取这个旧版 Excel（.xls）文件（{type(exc).__name__}：{detail}）",
                        f"cannot read this old-format Excel (.xls) file ({type(exc).__name__}: {detail})",
                        hint_zh=_SAVE_AS_ZH, hint_en=_SAVE_AS_EN)
