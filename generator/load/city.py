"""Walk a city's data folder and read every file it should hold, collecting problems."""

from __future__ import annotations

import re
from pathlib import Path

from generator import layout
from generator.load import board as boards
from generator.load import categories, titlerows, walk, yamlfile
from generator.load.totalrows import drop_total_rows
from generator.load.sources import Loaded, Source
from generator.load.tables import TableRefused, decode, read_csv, read_xlsx
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
        from generator.load.finance import load_finance  # it reads its files with this module's readers

        load_finance(data_dir, code, loaded, problems)
    if _is_folder(listing, "reports", f"{base}/reports", code, problems):
        _load_reports(data_dir, code, loaded, problems)
    for name, kind in listing.items():
        if name not in seen and name not in IGNORED_NAMES and kind != walk.LINK:
            problems.add(_unknown_file(f"{base}/{name}", code))


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
