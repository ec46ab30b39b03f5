"""Walk a city's data folder and read every file it should hold, collecting problems."""

from __future__ import annotations

import functools
import hashlib
import re
from pathlib import Path

from generator.load import yamlfile
from generator.load.sources import Loaded, Source
from generator.load.tables import TableRefused, read_csv, read_xlsx
from generator.problems import ERROR, WARNING, Problem, Problems

CODE_RE = re.compile(r"^[0-9]{12}$")
PERIOD_RE = re.compile(r"^[0-9]{4}-(0[1-9]|1[0-2])$")
REPORT_RE = re.compile(r"^([0-9]{4}-[0-9]{2}-[0-9]{2})-([a-z0-9][a-z0-9-]{0,60})\.md$")
TABLE_SUFFIXES = (".csv", ".xlsx")
MAX_FILE_BYTES = 20_000_000

# Per-community tables: file stem → schema kind.
COMMUNITY_TABLES = {
    "members": "members",
    "officials": "officials",
    "opinions": "opinions",
    "evaluations": "evaluations",
}
IGNORED_NAMES = {".gitkeep", "README.md", ".DS_Store", "Thumbs.db"}


def load_city(data_dir: Path, communities: set[str] | None = None) -> tuple[Loaded, Problems]:
    """Read city.yaml, the city tables and every community folder (or only those named)."""
    data_dir = Path(data_dir)
    _resolved_dir.cache_clear()  # a folder may have become a symlink since the last build (serve)
    loaded = Loaded()
    problems = Problems()
    if not data_dir.is_dir():
        problems.add(Problem("data-missing", ERROR, str(data_dir),
                             f"找不到数据文件夹 {data_dir}", f"data folder {data_dir} not found"))
        return loaded, problems
    loaded.city = _read_yaml_file(loaded, data_dir, "city.yaml", problems, required=True)
    for stem, kind in (("communities", "communities"), ("rollout", "rollout")):
        source = _read_table_file(loaded, data_dir, stem, kind, None, problems, required=True)
        if source:
            loaded.sources.append(source)
    root = data_dir / "communities"
    if root.is_dir():
        for folder in sorted(root.iterdir()):
            if folder.name in IGNORED_NAMES:
                continue
            rel = f"communities/{folder.name}"
            if folder.is_symlink() or not folder.is_dir() or not CODE_RE.match(folder.name):
                problems.add(Problem(
                    "community-folder-name", ERROR, rel,
                    f"“{folder.name}”不是社区文件夹：文件夹名必须是 12 位社区代码",
                    f"'{folder.name}' is not a community folder: the name must be a 12-digit code",
                    hint_zh="把文件夹改名为社区的 12 位统计用区划代码，例如 310101002001",
                    hint_en="Rename the folder to the community's 12-digit division code",
                ))
                continue
            loaded.community_folders.append(folder.name)
            if communities is None or folder.name in communities:
                _load_community(data_dir, folder.name, loaded, problems)
    return loaded, problems


def _load_community(data_dir: Path, code: str, loaded: Loaded, problems: Problems) -> None:
    base = f"communities/{code}"
    folder = data_dir / base
    seen = {"committee.yaml", "finance", "reports"}
    record = _read_yaml_file(loaded, data_dir, f"{base}/committee.yaml", problems, required=False, community=code)
    if record is not None:
        loaded.sources.append(Source("committee", f"{base}/committee.yaml", code, record=yamlfile.flatten(record)))
    for stem, kind in COMMUNITY_TABLES.items():
        source = _read_table_file(loaded, data_dir, f"{base}/{stem}", kind, code, problems, required=False)
        if source:
            loaded.sources.append(source)
        seen.update(stem + s for s in TABLE_SUFFIXES)
    _load_finance(data_dir, code, loaded, problems)
    _load_reports(data_dir, code, loaded, problems)
    for path in sorted(folder.iterdir()):
        if path.name not in seen and path.name not in IGNORED_NAMES:
            problems.add(_unknown_file(f"{base}/{path.name}", code))


def _load_finance(data_dir: Path, code: str, loaded: Loaded, problems: Problems) -> None:
    base = f"communities/{code}/finance"
    folder = data_dir / base
    if not folder.is_dir():
        return
    periods: dict[str, set[str]] = {}
    for path in sorted(folder.iterdir()):
        stem, suffix = path.stem, path.suffix.lower()
        if PERIOD_RE.match(stem) and suffix in (".yaml", ".csv", ".xlsx"):
            periods.setdefault(stem, set()).add(suffix)
        elif path.name not in IGNORED_NAMES:
            problems.add(_unknown_file(f"{base}/{path.name}", code,
                                       "财务文件名应为“年-月”，例如 2024-05.csv 和 2024-05.yaml",
                                       "finance files are named by period, e.g. 2024-05.csv and 2024-05.yaml"))
    for period, suffixes in sorted(periods.items()):
        header_file = f"{base}/{period}.yaml"
        if ".yaml" not in suffixes:
            problems.add(Problem(
                "period-header-missing", ERROR, header_file,
                f"{period} 有收支明细，但缺少公开期信息文件 {period}.yaml（期初期末余额、审核）",
                f"{period} has ledger lines but no period file {period}.yaml (balances, review)",
                community=code,
                hint_zh=f"按模板新建 {period}.yaml，填写上期结存、本期结存和监督委员会审核意见",
                hint_en=f"Create {period}.yaml from the template with balances and the committee's review",
            ))
            continue
        record = _read_yaml_file(loaded, data_dir, header_file, problems, required=True, community=code)
        if record is not None:
            loaded.sources.append(Source("ledger_period", header_file, code, period, record=yamlfile.flatten(record)))
        lines = _read_table_file(loaded, data_dir, f"{base}/{period}", "ledger_lines", code, problems, required=False)
        if lines is None and not suffixes & {".csv", ".xlsx"}:
            problems.add(Problem(
                "ledger-lines-missing", ERROR, f"{base}/{period}.csv",
                f"{period} 缺少收支明细文件 {period}.csv", f"{period} has no ledger file {period}.csv",
                community=code,
                hint_zh="本期没有收支时，也请提交只有表头的明细文件", hint_en="With no transactions, submit a file with the header only",
            ))
        if lines is not None:
            lines.period = period
            loaded.sources.append(lines)


def _load_reports(data_dir: Path, code: str, loaded: Loaded, problems: Problems) -> None:
    base = f"communities/{code}/reports"
    folder = data_dir / base
    if not folder.is_dir():
        return
    for path in sorted(folder.iterdir()):
        rel = f"{base}/{path.name}"
        if path.name in IGNORED_NAMES:
            continue
        if not REPORT_RE.match(path.name):
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
            record = yamlfile.parse(front)
        except yamlfile.YamlRefused as exc:
            problems.add(_yaml_problem(rel, exc, code))
            continue
        if not isinstance(record, dict):
            problems.add(_not_mapping(rel, code))
            continue
        loaded.sources.append(Source("report", rel, code, record=yamlfile.flatten(record), body=body, body_line=body_line))


def _split_front_matter(text: str) -> tuple[str | None, str, int]:
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        return None, text, 1
    for i in range(1, len(lines)):
        if lines[i].strip() in ("---", "..."):
            return "".join(lines[1:i]), "".join(lines[i + 1:]), i + 2
    return None, text, 1


def _read_bytes(loaded: Loaded, data_dir: Path, rel: str, problems: Problems, community: str | None) -> bytes | None:
    path = data_dir / rel
    if path.is_symlink() or not _resolved_dir(path.parent).is_relative_to(_resolved_dir(data_dir)):
        problems.add(Problem("file-outside", ERROR, rel, "文件是指向数据文件夹以外的链接，已拒绝",
                             "the file links outside the data folder; refused", community=community))
        return None
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        problems.add(Problem("file-too-large", ERROR, rel, f"文件过大（{size // 1_000_000} MB）",
                             f"file too large ({size // 1_000_000} MB)", community=community))
        return None
    data = path.read_bytes()
    loaded.hashes[rel] = hashlib.sha256(data).hexdigest()
    return data


@functools.lru_cache(maxsize=4096)
def _resolved_dir(folder: Path) -> Path:
    # A city has ~100,000 files in ~15,000 folders: resolve each folder once, not every file.
    return folder.resolve()


def _read_text(loaded: Loaded, data_dir: Path, rel: str, problems: Problems, community: str | None) -> str | None:
    data = _read_bytes(loaded, data_dir, rel, problems, community)
    if data is None:
        return None
    from generator.load.tables import decode

    try:
        text, _ = decode(data)
    except TableRefused as exc:
        problems.add(Problem("encoding", ERROR, rel, exc.zh, exc.en, row=exc.row, community=community,
                             hint_zh=exc.hint_zh or "请将文件另存为 UTF-8 编码",
                             hint_en=exc.hint_en or "Save the file as UTF-8"))
        return None
    return text


def _read_yaml_file(loaded: Loaded, data_dir: Path, rel: str, problems: Problems, required: bool,
                    community: str | None = None) -> dict | None:
    if not (data_dir / rel).is_file():
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


def _read_table_file(loaded: Loaded, data_dir: Path, rel_stem: str, kind: str, community: str | None,
                     problems: Problems, required: bool) -> Source | None:
    found = [rel_stem + s for s in TABLE_SUFFIXES if (data_dir / (rel_stem + s)).is_file()]
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
    data = _read_bytes(loaded, data_dir, rel, problems, community)
    if data is None:
        return None
    try:
        table = read_xlsx(data, prefer=_sheet_names(kind, rel)) if rel.endswith(".xlsx") else read_csv(data)
    except TableRefused as exc:
        problems.add(Problem("table-unreadable", ERROR, rel, exc.zh, exc.en, row=exc.row, cell=exc.cell,
                             community=community, hint_zh=exc.hint_zh, hint_en=exc.hint_en))
        return None
    return Source(kind, rel, community, table=table)


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
