"""Walk a city's data folder and read every file it should hold, collecting problems."""

from __future__ import annotations

import re
from pathlib import Path

from generator import layout
from generator.load import board as boards
from generator.load import boardcheck, categories, periodheader, titlerows, walk, workbook, yamlfile
from generator.load.totalrows import drop_total_rows
from generator.load.sources import Loaded, Source
from generator.load.tables import TableRefused, decode, read_csv, read_xlsx, sheet_states
from generator.problems import ERROR, WARNING, Problem, Problems

CODE_RE = re.compile(r"^[0-9]{12}$")
PERIOD_RE = re.compile(r"^[0-9]{4}-(0[1-9]|1[0-2])$")
REPORT_RE = re.compile(r"^([0-9]{4}-[0-9]{2}-[0-9]{2})-([a-z0-9][a-z0-9-]{0,60})\.md$")
TABLE_SUFFIXES = (".csv", ".xlsx")

# Per-community tables: file stem → schema kind.
COMMUNITY_TABLES = layout.COMMUNITY_TABLES
IGNORED_NAMES = {".gitkeep", "README.md", ".DS_Store", "Thumbs.db"}


def load_city(data_dir: Path, communities: set[str] | None = None) -> tuple[Loaded, Problems]:
    """Read city.yaml, the city tables and every community folder (or only those named).

    Folders are listed without following links and every link met is refused (walk.py): only
    real files inside the data folder are read, and the city's content/ pages, published as they
    are, are checked for links all the way down.
    """
    data_dir = Path(data_dir)
    loaded = Loaded()
    problems = Problems()
    if not data_dir.is_dir():
        problems.add(Problem("data-missing", ERROR, str(data_dir),
                             f"找不到数据文件夹 {data_dir}", f"data folder {data_dir} not found"))
        return loaded, problems
    top = walk.entries(data_dir, "", problems)
    loaded.city = _read_yaml_file(loaded, data_dir, "city.yaml", top, problems, required=True)
    for stem, kind in (("communities", "communities"), ("rollout", "rollout")):
        source = _read_table_file(loaded, data_dir, stem, top, kind, None, problems, required=True)
        if source:
            loaded.sources.append(source)
    if _is_folder(top, "content", "content", None, problems):
        walk.refuse_links_below(data_dir, "content", problems)
    if not _is_folder(top, "communities", "communities", None, problems):
        return loaded, problems
    for name, kind in walk.entries(data_dir, "communities", problems).items():
        if name in IGNORED_NAMES or kind == walk.LINK:
            continue
        rel = f"communities/{name}"
        if kind != walk.FOLDER or not CODE_RE.match(name):
            problems.add(Problem(
                "community-folder-name", ERROR, rel,
                f"“{name}”不是社区文件夹：文件夹名必须是 12 位社区代码",
                f"'{name}' is not a community folder: the name must be a 12-digit code",
                hint_zh="把文件夹改名为社区的 12 位统计用区划代码，例如 310101002001",
                hint_en="Rename the folder to the community's 12-digit division code",
            ))
            continue
        loaded.community_folders.append(name)
        if communities is None or name in communities:
            _load_community(data_dir, name, loaded, problems)
    return loaded, problems


def _is_folder(listing: dict[str, str], name: str, rel: str, community: str | None, problems: Problems) -> bool:
    """Whether a folder the loader reads is there as a real folder (a link is reported by walk)."""
    kind = listing.get(name)
    if kind not in (None, walk.FOLDER, walk.LINK):
        problems.add(walk.not_a_folder(rel, community))
    return kind == walk.FOLDER


def _load_community(data_dir: Path, code: str, loaded: Loaded, problems: Problems) -> None:
    base = f"communities/{code}"
    listing = walk.entries(data_dir, base, problems, code)
    seen = {"committee.yaml", "finance", "reports"}
    record = _read_yaml_file(loaded, data_dir, f"{base}/committee.yaml", listing, problems, required=False,
                             community=code)
    if record is not None:
        loaded.sources.append(Source("committee", f"{base}/committee.yaml", code, record=yamlfile.flatten(record)))
    for stem, kind in COMMUNITY_TABLES.items():
        source = _read_table_file(loaded, data_dir, f"{base}/{stem}", listing, kind, code, problems, required=False)
        if source:
            loaded.sources.append(source)
        seen.update(stem + s for s in TABLE_SUFFIXES)
    if _is_folder(listing, "finance", f"{base}/finance", code, problems):
        _load_finance(data_dir, code, loaded, problems)
    if _is_folder(listing, "reports", f"{base}/reports", code, problems):
        _load_reports(data_dir, code, loaded, problems)
    for name, kind in listing.items():
        if name not in seen and name not in IGNORED_NAMES and kind != walk.LINK:
            problems.add(_unknown_file(f"{base}/{name}", code))


def _load_finance(data_dir: Path, code: str, loaded: Loaded, problems: Problems) -> None:
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
            problems.add(_unknown_file(f"{base}/{name}", code,
                                       "财务文件名应为“年-月”，例如 2024-05.csv 和 2024-05.yaml",
                                       "finance files are named by period, e.g. 2024-05.csv and 2024-05.yaml"))
    for period, suffixes in sorted(periods.items()):
        if period in blocked:
            continue
        header_file = f"{base}/{period}.yaml"
        header = None
        if ".yaml" in suffixes:
            record = _read_yaml_file(loaded, data_dir, header_file, listing, problems, required=True, community=code)
            header = yamlfile.flatten(record) if record is not None else None
            if header is not None:
                loaded.sources.append(Source("ledger_period", header_file, code, period, record=header))
        if workbook.SHEET_MARK in suffixes and suffixes & {".csv", ".xlsx"}:
            rel, title, _ = books[period]
            problems.add(Problem("file-twice", ERROR, rel,
                                 f"{period} 既有工作表“{title}”，又有文件 {period}{min(suffixes & {'.csv', '.xlsx'})}，只能保留一个",
                                 f"{period} is both sheet '{title}' and a file {period}.csv/.xlsx; keep one",
                                 community=code, hint_zh="删除单独的月份文件，或删除工作簿中的这个工作表",
                                 hint_en="Delete the month's own file, or the sheet in the workbook"))
            continue
        if workbook.SHEET_MARK in suffixes:
            lines = _read_month_sheet(loaded, books[period], code, period, problems)
        elif suffixes & {".csv", ".xlsx"}:
            lines = _read_table_file(loaded, data_dir, f"{base}/{period}", listing, "ledger_lines", code, problems,
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


def _load_reports(data_dir: Path, code: str, loaded: Loaded, problems: Problems) -> None:
    base = f"communities/{code}/reports"
    for name, kind in walk.entries(data_dir, base, problems, code).items():
        rel = f"{base}/{name}"
        if name in IGNORED_NAMES or kind == walk.LINK:
            continue
        if not REPORT_RE.match(name):
            problems.add(_unknown_file(rel, code,
                                       "报告文件名应为“日期-英文简称.md”，例如 2024-05-20-meeting.md",
                                       "report files are named date-slug.md, e.g. 2024-05-20-meeting.md"))
            continue
        text = _read_text(loaded, data_dir, rel, problems, code)
        if text is None:
            continue
        front, body, body_line = _split_front_matter(text)
        if front is None:
            problems.add(Problem(
                "report-front-matter", ERROR, rel,
                "报告开头缺少以 --- 包围的信息段（类型、日期、标题）",
                "the report does not start with a front matter block between --- lines (type, date, title)",
                row=1, community=code,
                hint_zh="在文件开头加上：---、type: 监督事项、date: \"2024-05-20\"、title: 标题、---",
                hint_en="Start the file with ---, type, date and title lines, then ---",
            ))
            continue
        try:
            record = yamlfile.parse(front, first_line=2)  # after the opening ---
        except yamlfile.YamlRefused as exc:
            problems.add(_yaml_problem(rel, exc, code))
            continue
        if not isinstance(record, dict):
            problems.add(_not_mapping(rel, code))
            continue
        loaded.sources.append(Source("report", rel, code, record=yamlfile.flatten(record), body=body, body_line=body_line))


def _split_front_matter(text: str) -> tuple[str | None, str, int]:
    """(front matter, body, the body's first line). Lines are counted as an editor counts them, by
    "\n" only (str.splitlines would also split at form feeds, U+2028 and others)."""
    lines = text.split("\n")
    if lines[0].strip() != "---":
        return None, text, 1
    for i in range(1, len(lines)):
        if lines[i].strip() in ("---", "..."):
            return "\n".join(lines[1:i]) + "\n", "\n".join(lines[i + 1:]), i + 2
    return None, text, 1


def _read_text(loaded: Loaded, data_dir: Path, rel: str, problems: Problems, community: str | None) -> str | None:
    data = walk.read_bytes(loaded, data_dir, rel, problems, community)
    if data is None:
        return None
    try:
        text, _ = decode(data)
    except TableRefused as exc:
        problems.add(Problem("encoding", ERROR, rel, exc.zh, exc.en, row=exc.row, community=community,
                             hint_zh=exc.hint_zh or "请将文件另存为 UTF-8 编码",
                             hint_en=exc.hint_en or "Save the file as UTF-8"))
        return None
    return text


def _read_yaml_file(loaded: Loaded, data_dir: Path, rel: str, listing: dict[str, str], problems: Problems,
                    required: bool, community: str | None = None) -> dict | None:
    """A YAML file of its folder's `listing` (which left links out); a folder of that name is refused."""
    entry = listing.get(rel.rsplit("/", 1)[-1])
    if entry == walk.LINK:  # refused where it was listed
        return None
    if entry is not None and entry != walk.FILE:
        problems.add(walk.not_a_file(rel, entry, community))
        return None
    if entry is None:
        if required:
            problems.add(Problem("file-missing", ERROR, rel, f"缺少文件 {rel}", f"missing file {rel}",
                                 community=community))
        return None
    text = _read_text(loaded, data_dir, rel, problems, community)
    if text is None:
        return None
    try:
        record = yamlfile.parse(text)
    except yamlfile.YamlRefused as exc:
        problems.add(_yaml_problem(rel, exc, community))
        return None
    if not isinstance(record, dict):
        problems.add(_not_mapping(rel, community))
        return None
    return record


def _read_table_file(loaded: Loaded, data_dir: Path, rel_stem: str, listing: dict[str, str], kind: str,
                     community: str | None, problems: Problems, required: bool) -> Source | None:
    stem = rel_stem.rsplit("/", 1)[-1]
    found = [rel_stem + s for s in TABLE_SUFFIXES if stem + s in listing]
    if not found:
        if required:
            problems.add(Problem("file-missing", ERROR, rel_stem + ".csv", f"缺少文件 {rel_stem}.csv",
                                 f"missing file {rel_stem}.csv", community=community))
        return None
    if len(found) > 1:
        problems.add(Problem("file-twice", ERROR, found[1],
                             f"{found[0]} 和 {found[1]} 同时存在，只能保留一个",
                             f"both {found[0]} and {found[1]} exist; keep one", community=community))
        return None
    rel = found[0]
    entry = listing[rel.rsplit("/", 1)[-1]]
    if entry == walk.LINK:  # refused where it was listed
        return None
    if entry != walk.FILE:
        problems.add(walk.not_a_file(rel, entry, community))
        return None
    data = walk.read_bytes(loaded, data_dir, rel, problems, community)
    if data is None:
        return None
    board = None
    try:
        table = _read_table(data, rel, kind)
        if kind == "ledger_lines" and boards.needs_board(table.header):
            board = boards.read_board(_read_table(data, rel, kind, first_row_header=False),
                                      boards.Where(rel, community, stem), *categories.city_lists(loaded.city))
            table = board.table
            problems.extend(board.problems)
        elif kind == "ledger_lines":
            table, found = drop_total_rows(table, rel, community)
            problems.extend(found)
        else:
            table, found = titlerows.below_titles(table, kind, rel, community)
            problems.extend(found)
    except TableRefused as exc:
        problems.add(Problem("table-unreadable", ERROR, rel, exc.zh, exc.en, row=exc.row, cell=exc.cell,
                             community=community, hint_zh=exc.hint_zh, hint_en=exc.hint_en))
        return None
    return Source(kind, rel, community, table=table, board=board)


def _read_table(data: bytes, rel: str, kind: str, first_row_header: bool = True):
    if rel.endswith(".xlsx"):
        stem = rel.rsplit("/", 1)[-1].rsplit(".", 1)[0]
        period = stem if kind == "ledger_lines" and PERIOD_RE.match(stem) else None
        return read_xlsx(data, prefer=_sheet_names(kind, rel), first_row_header=first_row_header, period=period)
    return read_csv(data, first_row_header=first_row_header)


def _sheet_names(kind: str, rel: str) -> tuple[str, ...]:
    """Sheet names that hold this kind's rows: the file's name, the kind, its Chinese title."""
    from generator import tableschemas

    title = tableschemas.schema(kind).get("title", "")
    stem = rel.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    return (stem, kind, title, title.split(" ", 1)[0])


def _yaml_problem(rel: str, exc: yamlfile.YamlRefused, community: str | None) -> Problem:
    return Problem("yaml-refused", ERROR, rel, exc.zh, exc.en, row=exc.line, community=community,
                   hint_zh="对照模板修改；日期、金额、电话请加英文引号，例如 \"2024-05-01\"",
                   hint_en="Compare with the template; quote dates, amounts and phone numbers")


def _not_mapping(rel: str, community: str | None) -> Problem:
    return Problem("yaml-not-mapping", ERROR, rel, "文件内容应为“键: 值”形式的条目",
                   "the file should hold 'key: value' entries", community=community)


def _unknown_file(rel: str, community: str, zh: str = "", en: str = "") -> Problem:
    return Problem("unknown-file", WARNING, rel,
                   f"不认识的文件，已忽略。{zh}", f"unknown file, ignored. {en}".strip(), community=community)
