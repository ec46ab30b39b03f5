"""Reading one file of a city's data folder into `Loaded`: YAML, tables (CSV or xlsx, boards
included) and text, each failure a Problem naming the file. Shared by the walk of the city
(load/city.py) and of each community's finance folder (load/finance.py)."""

from __future__ import annotations

import re
from pathlib import Path

from generator.load import board as boards
from generator.load import categories, titlerows, walk, yamlfile
from generator.load.sources import Loaded, Source
from generator.load.tables import TableRefused, decode, read_csv, read_xlsx
from generator.load.totalrows import drop_total_rows
from generator.problems import ERROR, WARNING, Problem, Problems

PERIOD_RE = re.compile(r"^[0-9]{4}-(0[1-9]|1[0-2])$")
TABLE_SUFFIXES = (".csv", ".xlsx")
IGNORED_NAMES = {".gitkeep", "README.md", ".DS_Store", "Thumbs.db"}


def read_text(loaded: Loaded, data_dir: Path, rel: str, problems: Problems, community: str | None) -> str | None:
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


def read_yaml_file(loaded: Loaded, data_dir: Path, rel: str, listing: dict[str, str], problems: Problems,
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
    text = read_text(loaded, data_dir, rel, problems, community)
    if text is None:
        return None
    try:
        record = yamlfile.parse(text)
    except yamlfile.YamlRefused as exc:
        problems.add(yaml_problem(rel, exc, community))
        return None
    if not isinstance(record, dict):
        problems.add(not_mapping(rel, community))
        return None
    return record


def read_table_file(loaded: Loaded, data_dir: Path, rel_stem: str, listing: dict[str, str], kind: str,
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
        table = read_table(data, rel, kind)
        if kind == "ledger_lines" and boards.needs_board(table.header):
            board = boards.read_board(read_table(data, rel, kind, first_row_header=False),
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


def read_table(data: bytes, rel: str, kind: str, first_row_header: bool = True):
    if rel.endswith(".xlsx"):
        stem = rel.rsplit("/", 1)[-1].rsplit(".", 1)[0]
        period = stem if kind == "ledger_lines" and PERIOD_RE.match(stem) else None
        return read_xlsx(data, prefer=sheet_names(kind, rel), first_row_header=first_row_header, period=period)
    return read_csv(data, first_row_header=first_row_header)


def sheet_names(kind: str, rel: str) -> tuple[str, ...]:
    """Sheet names that hold this kind's rows: the file's name, the kind, its Chinese title."""
    from generator import tableschemas

    title = tableschemas.schema(kind).get("title", "")
    stem = rel.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    return (stem, kind, title, title.split(" ", 1)[0])


def yaml_problem(rel: str, exc: yamlfile.YamlRefused, community: str | None) -> Problem:
    return Problem("yaml-refused", ERROR, rel, exc.zh, exc.en, row=exc.line, community=community,
                   hint_zh="对照模板修改；日期、金额、电话请加英文引号，例如 \"2024-05-01\"",
                   hint_en="Compare with the template; quote dates, amounts and phone numbers")


def not_mapping(rel: str, community: str | None) -> Problem:
    return Problem("yaml-not-mapping", ERROR, rel, "文件内容应为“键: 值”形式的条目",
                   "the file should hold 'key: value' entries", community=community)


def unknown_file(rel: str, community: str, zh: str = "", en: str = "") -> Problem:
    if rel.lower().endswith((".xls", ".et")):  # old Excel, WPS: the upload service converts them, git does not
        return Problem("unknown-file", WARNING, rel, f"旧版 Excel/WPS 表格（{rel.rsplit('.', 1)[-1]}）不能直接读取，已忽略。{zh}",
                       f"an old Excel/WPS spreadsheet ({rel.rsplit('.', 1)[-1]}) cannot be read here; ignored. {en}".strip(),
                       community=community,
                       hint_zh="在 Excel 或 WPS 中“另存为” Excel 工作簿（.xlsx）后提交；通过上传服务上传 .xls 会自动转换",
                       hint_en="Save As an Excel workbook (.xlsx) and commit that; the upload service converts .xls itself")
    return Problem("unknown-file", WARNING, rel,
                   f"不认识的文件，已忽略。{zh}", f"unknown file, ignored. {en}".strip(), community=community)
