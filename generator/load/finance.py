"""A community's finance/ folder: each period's header and ledger lines, however the clerk keeps them.

A period is `YYYY-MM.csv` or `.xlsx` (a schema table or a board: generator/load/board.py), or one
month's sheet of a year's workbook `YYYY.xlsx` (generator/load/workbook.py); its header is
`YYYY-MM.yaml`, or — when there is none — what the workbook carries: the template's 公开期信息 sheet
or the board's own rows (generator/load/periodheader.py). Where both give a field they are checked
against each other (boardcheck.py, periodheader.disagreements), naming the cell.
"""

from __future__ import annotations

from pathlib import Path

from generator.load import board as boards
from generator.load import boardcheck, categories, periodheader, walk, workbook, yamlfile
from generator.load.readfile import IGNORED_NAMES, PERIOD_RE, read_table_file, read_yaml_file, unknown_file
from generator.load.sources import Loaded, Source
from generator.load.tables import TableRefused, read_xlsx, sheet_states
from generator.load.totalrows import drop_total_rows
from generator.problems import ERROR, Problem, Problems


def load_finance(data_dir: Path, code: str, loaded: Loaded, problems: Problems) -> None:
    base = f"communities/{code}/finance"
    listing = walk.entries(data_dir, base, problems, code)
    periods: dict[str, set[str]] = {}
    books: dict[str, tuple[str, str, bytes]] = {}  # period → (workbook, sheet, its bytes): a year's workbook
    months: list[workbook.MonthRead] = []
    blocked: set[str] = set()  # periods with a folder (or pipe) where a file belongs: that is their problem
    for name, kind in listing.items():
        if kind == walk.LINK:
            continue
        stem, dot, suffix = name.rpartition(".")
        suffix = dot + suffix.lower()
        if PERIOD_RE.match(stem) and suffix in (".yaml", ".csv", ".xlsx") and kind != walk.FILE:
            problems.add(walk.not_a_file(f"{base}/{name}", kind, code))
            blocked.add(stem)
        elif PERIOD_RE.match(stem) and suffix in (".yaml", ".csv", ".xlsx"):
            periods.setdefault(stem, set()).add(suffix)
        elif workbook.YEAR_BOOK.match(name) and kind == walk.FILE:
            for month in _year_book(data_dir, f"{base}/{name}", code, loaded, problems, books):
                periods.setdefault(month.period, set()).add(workbook.SHEET_MARK)
        elif name not in IGNORED_NAMES:
            problems.add(unknown_file(f"{base}/{name}", code,
                                       "财务文件名应为“年-月”，例如 2024-05.csv 和 2024-05.yaml",
                                       "finance files are named by period, e.g. 2024-05.csv and 2024-05.yaml"))
    for period, suffixes in sorted(periods.items()):
        if period in blocked:
            continue
        header_file = f"{base}/{period}.yaml"
        header = None
        if ".yaml" in suffixes:
            record = read_yaml_file(loaded, data_dir, header_file, listing, problems, required=True, community=code)
            header = yamlfile.flatten(record) if record is not None else None
            if header is not None:
                loaded.sources.append(Source("ledger_period", header_file, code, period, record=header))
        if workbook.SHEET_MARK in suffixes and suffixes & {".csv", ".xlsx"}:
            rel, title, _ = books[period]
            problems.add(Problem("file-twice", ERROR, rel,
                                 f"{period} 既有工作表“{title}”，又有文件 {period}{min(suffixes & {'.csv', '.xlsx'})}，只能保留一个",
                                 f"{period} is both sheet '{title}' and a file {period}.csv/.xlsx; keep one",
                                 community=code, hint_zh="删除单独的月份文件，或删除工作簿中的这个工作表；"
                                 "在上传服务中，请改用“全年工作簿”上传改好的整本工作簿",
                                 hint_en="Delete the month's own file, or the sheet in the workbook; in the upload "
                                 "service, upload the corrected workbook as the year's workbook instead"))
            continue
        if workbook.SHEET_MARK in suffixes:
            lines = _read_month_sheet(loaded, books[period], code, period, problems)
        elif suffixes & {".csv", ".xlsx"}:
            lines = read_table_file(loaded, data_dir, f"{base}/{period}", listing, "ledger_lines", code, problems,
                                     required=False)
        else:
            lines = None
        sheet = _period_sheet(loaded, data_dir, f"{base}/{period}.xlsx", code, problems) \
            if ".xlsx" in suffixes and lines is not None else None
        prefix = f"{books[period][1]}{workbook.SHEET_MARK}" if workbook.SHEET_MARK in suffixes else ""
        if ".yaml" not in suffixes:
            if lines is None or (lines.board is None and sheet is None):
                if lines is not None or not suffixes & {".csv", ".xlsx", workbook.SHEET_MARK}:
                    problems.add(_header_missing(header_file, period, code))
                continue
            # No YAML: the workbook's 公开期信息 sheet and the board's own rows are the header.
            header_file = (workbook.sheet_file(f"{base}/{period}.xlsx", periodheader.PERIOD_SHEET) if sheet is not None
                           else lines.file + periodheader.HEADER_SUFFIX)
            loaded.hashes[header_file] = loaded.hashes.get(lines.file, "")
            header = periodheader.from_workbook(period, sheet, lines.board, lines.table, prefix)
            loaded.sources.append(Source("ledger_period", header_file, code, period, record=header))
        elif sheet is not None and header is not None:
            problems.extend(periodheader.disagreements(sheet, header, header_file, f"{base}/{period}.xlsx", code))
            header.update({k: v for k, v in sheet.items() if not _filled(header.get(k))})
        if lines is not None and lines.board is not None:
            where = boards.Where(lines.file, code, period)
            found = boardcheck.check(lines.board, header, header_file, where)
            if workbook.SHEET_MARK in suffixes:
                title = books[period][1]
                found = [workbook.in_sheet(p, lines.file, title) for p in found]
                months.append(_month_read(lines, period, title, header))
            problems.extend(found)
            if header is not None and ".yaml" in suffixes:
                header.update(boardcheck.header_additions(lines.board, header))
        if lines is None and not suffixes & {".csv", ".xlsx", workbook.SHEET_MARK}:
            problems.add(Problem(
                "ledger-lines-missing", ERROR, f"{base}/{period}.csv",
                f"{period} 缺少收支明细文件 {period}.csv", f"{period} has no ledger file {period}.csv",
                community=code,
                hint_zh="本期没有收支时，也请提交只有表头的明细文件", hint_en="With no transactions, submit a file with the header only",
            ))
        if lines is not None:
            lines.period = period
            loaded.sources.append(lines)
    problems.extend(workbook.chain({p: workbook.sheet_file(*books[p][:2]) for p in books}, months, code))


def _header_missing(header_file: str, period: str, code: str) -> Problem:
    return Problem(
        "period-header-missing", ERROR, header_file,
        f"{period} 有收支明细，但缺少公开期信息（期初期末余额、审核）：没有 {period}.yaml，工作簿中也没有“公开期信息”工作表或表尾",
        f"{period} has ledger lines but no period header (balances, review): no {period}.yaml, and the workbook has "
        "no 公开期信息 sheet or board footer",
        community=code,
        hint_zh=f"用 juwu template 生成的 Excel 模板填写“公开期信息”工作表，或按模板新建 {period}.yaml，"
                "填写上期结存、本期结存和监督委员会审核意见",
        hint_en=f"Fill in the 公开期信息 sheet of the Excel template (juwu template), or create {period}.yaml "
                "with balances and the committee's review")


def _filled(value: object) -> bool:
    return bool((value.text if isinstance(value, yamlfile.Scalar) else str(value or "")).strip())


def _period_sheet(loaded: Loaded, data_dir: Path, rel: str, code: str, problems: Problems) -> dict | None:
    """The 公开期信息 sheet of a month's workbook (the template's), or None."""
    data = walk.read_bytes(loaded, data_dir, rel, Problems(), code)  # unreadable: reported reading its lines
    if data is None:
        return None
    try:
        return periodheader.read_sheet(data)
    except TableRefused as exc:
        problems.add(Problem("table-unreadable", ERROR, workbook.sheet_file(rel, periodheader.PERIOD_SHEET), exc.zh,
                             exc.en, row=exc.row, cell=exc.cell, community=code, hint_zh=exc.hint_zh,
                             hint_en=exc.hint_en))
        return None


def _year_book(data_dir: Path, rel: str, code: str, loaded: Loaded, problems: Problems,
               books: dict[str, tuple[str, str, bytes]]) -> list[workbook.MonthSheet]:
    """The month sheets of a year's workbook (finance/2024.xlsx), noted in `books`."""
    data = walk.read_bytes(loaded, data_dir, rel, problems, code)
    if data is None:
        return []
    try:
        states = sheet_states(data)
    except TableRefused as exc:
        problems.add(Problem("table-unreadable", ERROR, rel, exc.zh, exc.en, row=exc.row, cell=exc.cell,
                             community=code, hint_zh=exc.hint_zh, hint_en=exc.hint_en))
        return []
    year = int(rel.rsplit("/", 1)[-1][:4])
    months, found = workbook.month_sheets(rel, year, states, code)
    problems.extend(found)
    if not months and not any(p.severity == ERROR for p in found):
        problems.add(Problem("workbook-no-months", ERROR, rel,
                             f"工作簿 {year}.xlsx 中没有月份工作表（应命名为“1月”…“12月”或“{year}年3月”）",
                             f"the workbook {year}.xlsx has no month's sheet (name them 1月 … 12月 or {year}年3月)",
                             community=code, hint_zh="把每个月的工作表按月份命名", hint_en="Name each month's sheet by its month"))
    for month in months:
        books[month.period] = (rel, month.title, data)
    return months


def _read_month_sheet(loaded: Loaded, book: tuple[str, str, bytes], code: str, period: str,
                      problems: Problems) -> Source | None:
    """One month's sheet of a year's workbook as that period's ledger lines."""
    rel, title, data = book
    file = workbook.sheet_file(rel, title)
    # The month's version is the workbook's sha256: every month of the book changes when the book
    # does (a re-saved workbook may change any sheet), and the hash can be checked against the file.
    loaded.hashes[file] = loaded.hashes.get(rel, "")
    board = None
    found: list[Problem] = []
    try:
        table = read_xlsx(data, sheet=title)
        if boards.needs_board(table.header):
            board = boards.read_board(read_xlsx(data, sheet=title, first_row_header=False),
                                      boards.Where(file, code, period), *categories.city_lists(loaded.city))
            table = board.table
            found = board.problems
        else:
            table, found = drop_total_rows(table, file, code)
    except TableRefused as exc:
        found = [Problem("table-unreadable", ERROR, file, exc.zh, exc.en, row=exc.row, cell=exc.cell,
                         community=code, hint_zh=exc.hint_zh, hint_en=exc.hint_en)]
        problems.extend(workbook.in_sheet(p, file, title) for p in found)
        return None
    problems.extend(workbook.in_sheet(p, file, title) for p in found)
    table.cell_prefix = f"{title}{workbook.SHEET_MARK}"
    return Source("ledger_lines", file, code, table=table, board=board)


def _month_read(lines: Source, period: str, title: str, header: dict | None) -> workbook.MonthRead:
    """A month's opening mark and the closing balance its lines give."""
    board = lines.board
    return workbook.MonthRead(period, title, board.opening, boardcheck.closing_of(board, header))
