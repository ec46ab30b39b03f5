"""Walk a city's data folder and read every file it should hold, collecting problems."""

from __future__ import annotations

import re
from pathlib import Path

from generator import layout
from generator.load import walk, yamlfile
from generator.load.finance import load_finance
from generator.load.readfile import (IGNORED_NAMES, TABLE_SUFFIXES, not_mapping, read_table_file, read_text,
                                     read_yaml_file, unknown_file, yaml_problem)
from generator.load.sources import Loaded, Source
from generator.problems import ERROR, Problem, Problems

CODE_RE = re.compile(r"^[0-9]{12}$")
REPORT_RE = re.compile(r"^([0-9]{4}-[0-9]{2}-[0-9]{2})-([a-z0-9][a-z0-9-]{0,60})\.md$")

# Per-community tables: file stem → schema kind.
COMMUNITY_TABLES = layout.COMMUNITY_TABLES


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
    loaded.city = read_yaml_file(loaded, data_dir, "city.yaml", top, problems, required=True)
    for stem, kind in (("communities", "communities"), ("rollout", "rollout")):
        source = read_table_file(loaded, data_dir, stem, top, kind, None, problems, required=True)
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
    record = read_yaml_file(loaded, data_dir, f"{base}/committee.yaml", listing, problems, required=False,
                             community=code)
    if record is not None:
        loaded.sources.append(Source("committee", f"{base}/committee.yaml", code, record=yamlfile.flatten(record)))
    for stem, kind in COMMUNITY_TABLES.items():
        source = read_table_file(loaded, data_dir, f"{base}/{stem}", listing, kind, code, problems, required=False)
        if source:
            loaded.sources.append(source)
        seen.update(stem + s for s in TABLE_SUFFIXES)
    if _is_folder(listing, "finance", f"{base}/finance", code, problems):

        load_finance(data_dir, code, loaded, problems)
    if _is_folder(listing, "reports", f"{base}/reports", code, problems):
        _load_reports(data_dir, code, loaded, problems)
    for name, kind in listing.items():
        if name not in seen and name not in IGNORED_NAMES and kind != walk.LINK:
            problems.add(unknown_file(f"{base}/{name}", code))


def _load_reports(data_dir: Path, code: str, loaded: Loaded, problems: Problems) -> None:
    base = f"communities/{code}/reports"
    for name, kind in walk.entries(data_dir, base, problems, code).items():
        rel = f"{base}/{name}"
        if name in IGNORED_NAMES or kind == walk.LINK:
            continue
        if not REPORT_RE.match(name):
            problems.add(unknown_file(rel, code,
                                       "报告文件名应为“日期-英文简称.md”，例如 2024-05-20-meeting.md",
                                       "report files are named date-slug.md, e.g. 2024-05-20-meeting.md"))
            continue
        text = read_text(loaded, data_dir, rel, problems, code)
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
            problems.add(yaml_problem(rel, exc, code))
            continue
        if not isinstance(record, dict):
            problems.add(not_mapping(rel, code))
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
