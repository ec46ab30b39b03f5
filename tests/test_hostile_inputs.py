"""Hostile inputs refused at the root (issue 13): links anywhere in the data, folders where files
belong, files mixing encodings, front matter lines, invisible amendment reasons.

Each refusal is a Problem naming the file, saying what is wrong and how to fix it, in Chinese and
English, never a traceback; nothing behind a link is read.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from generator.build import build
from generator.config import BuildPaths
from generator.gather import validate_city
from tests.cityfixture import A, B, city, small_city  # noqa: F401 (fixtures)

SECRET = "机密外泄"


def _problems(data: Path, code: str):
    return [p for p in validate_city(data).problems.items if p.code == code]


def _explained(p) -> None:
    """A refusal a clerk can act on: file, what, how to fix, in Chinese and English."""
    assert p.severity == "error" and p.file and p.zh and p.en and p.hint_zh and p.hint_en
    assert "Traceback" not in p.en and "内部错误" not in p.zh


@pytest.fixture
def outside(tmp_path) -> Path:
    """A folder outside the data repository, holding another community's officials and a page."""
    folder = tmp_path / "elsewhere"
    (folder / "finance").mkdir(parents=True)
    (folder / "officials.csv").write_text(f"name,post\n{SECRET},主任\n", encoding="utf-8")
    (folder / "index.md").write_text(f"# {SECRET}\n", encoding="utf-8")
    (folder / "2024-01-01-x.md").write_text(f"---\ntype: 监督事项\ndate: \"2024-01-01\"\ntitle: {SECRET}\n---\n",
                                            encoding="utf-8")
    return folder


# (where the link is, relative to the data folder) → what it points to: "outside-file",
# "outside-folder", "inside-file" (another community's), "inside-folder", "dangling"
LINKS = [
    ("content", "outside-folder"),
    ("content/notice.md", "outside-file"),
    ("content/sub", "inside-folder"),
    ("communities", "inside-folder"),
    (f"communities/{B}9", "outside-folder"),
    (f"communities/{A}/finance", "inside-folder"),
    (f"communities/{A}/reports", "outside-folder"),
    (f"communities/{A}/officials.csv", "inside-file"),
    (f"communities/{A}/officials.csv", "outside-file"),
    (f"communities/{A}/officials.csv", "dangling"),
    (f"communities/{A}/notes.txt", "outside-file"),
    (f"communities/{A}/finance/2025-01.csv", "inside-file"),
    (f"communities/{A}/finance/2025-01.yaml", "dangling"),
    (f"communities/{A}/reports/2024-01-01-x.md", "outside-file"),
    ("city.yaml", "inside-file"),
    ("rollout.csv", "dangling"),
    ("schemas", "outside-folder"),
]


def _make_link(data: Path, rel: str, target: str, outside: Path) -> None:
    path = data / rel
    targets = {
        "outside-file": outside / ("index.md" if rel.endswith(".md") else "officials.csv"),
        "outside-folder": outside,
        "inside-file": data / "communities" / B / ("officials.csv" if rel.endswith(".csv") else "committee.yaml"),
        "inside-folder": data / "communities" / B / ("finance" if rel.endswith("finance") else ""),
        "dangling": data / "no-such-file",
    }
    if path.is_symlink() or path.is_file():
        path.unlink()
    elif path.is_dir():
        import shutil

        shutil.rmtree(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.symlink_to(targets[target])


@pytest.mark.parametrize(("rel", "target"), LINKS)
def test_a_link_anywhere_in_the_data_is_refused_and_nothing_behind_it_is_read(city, outside, rel, target):
    if rel.startswith("content/"):
        (city / "content").mkdir(exist_ok=True)
        (city / "content" / "about.md").write_text("# 关于\n", encoding="utf-8")
    _make_link(city, rel, target, outside)
    validation = validate_city(city)
    links = [p for p in validation.problems.items if p.code == "symlink"]
    assert [p.file for p in links] == [rel]
    _explained(links[0])
    assert "链接" in links[0].zh and "link" in links[0].en
    assert not validation.ok
    # One mistake, one message: the link is not also "missing" or "not a community folder".
    assert not [p for p in validation.problems.errors if p.file in (rel, rel.removesuffix(".csv")) and p.code != "symlink"]
    # Nothing was read through the link: no file under it was hashed, no value came from outside.
    assert not [f for f in validation.hashes if f == rel or f.startswith(rel + "/")]
    assert SECRET not in repr(validation.city)


def test_a_community_folder_that_is_a_link_is_refused_as_a_link_not_as_a_bad_name(city, outside):
    (city / "communities" / "319903001001").symlink_to(city / "communities" / B)
    problems = validate_city(city).problems.items
    assert [(p.code, p.file) for p in problems if p.file == "communities/319903001001"] == \
           [("symlink", "communities/319903001001")]


def test_a_subset_check_still_refuses_links_in_the_city_files_and_content(city, outside):
    (city / "content").symlink_to(outside)
    problems = validate_city(city, {A}).problems.items
    assert [p.file for p in problems if p.code == "symlink"] == ["content"]


def test_a_city_content_folder_linked_outside_is_never_published(city, outside, tmp_path):
    """The attack as it was: DATA/content → a folder elsewhere; its pages were published."""
    (city / "content").symlink_to(outside)
    site = tmp_path / "site"
    result = build(BuildPaths.for_data(city, site))
    assert not result.built
    assert [p.file for p in result.problems.errors if p.code == "symlink"] == ["content"]
    published = [p for p in site.rglob("*") if p.is_file()] if site.exists() else []
    assert not [p for p in published if SECRET in p.read_text(encoding="utf-8", errors="ignore")]


# --- folders where files belong, and other things that are not files ---------------------------

FOLDERS_AS_FILES = [
    f"communities/{A}/reports/2024-06-01-x.md",
    f"communities/{A}/finance/2025-01.csv",
    f"communities/{A}/finance/2025-01.yaml",
    f"communities/{A}/members.csv",
    f"communities/{A}/committee.yaml",
    "city.yaml",
    "communities.csv",
]


@pytest.mark.parametrize("rel", FOLDERS_AS_FILES)
def test_a_folder_named_like_a_data_file_is_a_clear_refusal(city, rel):
    path = city / rel
    if path.exists():
        path.unlink()
    (path / "inner").mkdir(parents=True)  # git stores a folder only with something in it
    (path / "inner" / "x.csv").write_text("a\n1\n", encoding="utf-8")
    problems = validate_city(city).problems.items
    refused = [p for p in problems if p.file == rel and p.severity == "error"]
    assert [p.code for p in refused] == ["not-a-file"], [(p.code, p.file) for p in problems]
    _explained(refused[0])
    assert "文件夹" in refused[0].zh and "folder" in refused[0].en
    # One mistake, one message: no "file missing" for the same file.
    assert not [p for p in problems if p.code == "file-missing" and p.file == rel]


def test_a_file_where_a_folder_belongs_is_a_clear_refusal(city):
    import shutil

    shutil.rmtree(city / "communities" / A / "reports")
    (city / "communities" / A / "reports").write_text("x", encoding="utf-8")
    refused = _problems(city, "not-a-folder")
    assert [p.file for p in refused] == [f"communities/{A}/reports"]
    _explained(refused[0])


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_a_fifo_named_like_a_data_file_is_refused_without_waiting(city):
    path = city / "communities" / A / "members.csv"
    path.unlink()
    os.mkfifo(path)  # reading it would block forever
    refused = _problems(city, "not-a-file")
    assert [p.file for p in refused] == [f"communities/{A}/members.csv"]


# --- one encoding a file ----------------------------------------------------------------------

from generator.load.encoding import utf8_chinese_spans  # noqa: E402
from generator.load.tables import TableRefused, decode  # noqa: E402

GBK_LINES = ["日期,凭证号,摘要,支出", "2024-05-01,记-001,购买灭火器20具,1700.00", "2024-05-02,记-002,打印纸、墨盒,1286.50"]


def _mixed(lines_gbk: list[str], utf8_line: str, at: int) -> bytes:
    parts = [line.encode("gbk") for line in lines_gbk]
    parts.insert(at, utf8_line.encode("utf-8"))
    return b"\n".join(parts) + b"\n"


@pytest.mark.parametrize(("data", "line"), [
    # a GBK file with a UTF-8 line pasted in: the UTF-8 line is the bad one
    (_mixed(GBK_LINES, "2024-05-03,记-003,社区活动宣传材料,300.00", 3), 4),
    # one UTF-8 cell in a GBK file: a name of two characters, between commas
    (_mixed(GBK_LINES, "2024-05-03,记-003,张三,300.00", 2), 3),
    # UTF-8 text right next to GBK text in one cell, no ASCII between
    ("2024-05-03,记-003,".encode() + "打印纸".encode("gbk") + "购买灭火器".encode() + b",1\n", 1),
    # a UTF-8 file with one GBK line: the GBK line is the bad one
    ("\n".join(["日期,摘要", "2024-05-01,购买灭火器20具", "2024-05-02,打印纸"]).encode() + b"\n"
     + "2024-05-03,墨盒".encode("gbk") + b"\n" + "2024-05-04,电费和宽带费".encode() + b"\n", 4),
], ids=["utf8-line-in-gbk", "utf8-cell-in-gbk", "utf8-next-to-gbk", "gbk-line-in-utf8"])
def test_a_file_mixing_utf8_and_gbk_is_refused_naming_the_bad_line(data, line):
    with pytest.raises(TableRefused) as caught:
        decode(data)
    assert caught.value.row == line
    assert "UTF-8" in caught.value.zh and "GBK" in caught.value.zh and "mixes" in caught.value.en
    assert f"第 {line} 行" in caught.value.zh and caught.value.hint_zh and caught.value.hint_en


def test_the_garbled_reading_is_what_gb18030_alone_would_give():
    """Why decoding without an error proves nothing: the UTF-8 name reads as other characters."""
    data = _mixed(GBK_LINES, "2024-05-03,J-003,张三,300.00", 2)
    assert "张三" not in data.decode("gb18030") and "寮犱笁" in data.decode("gb18030")
    with pytest.raises(TableRefused):
        decode(data)


def test_a_file_in_neither_encoding_names_the_line_of_the_first_bad_byte():
    data = "\n".join(GBK_LINES).encode("gbk") + b"\n2024-05-03,\xff\xfe\xff,1\n"
    with pytest.raises(TableRefused) as caught:
        decode(data)
    assert caught.value.row == 4


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8", "utf-8-sig"])
def test_a_file_in_one_encoding_is_read_exactly(encoding):
    """No false alarm on real Chinese text: every demo file, names and all, in each encoding."""
    from tests.conftest import DATA

    text = "\n".join(p.read_text(encoding="utf-8") for p in sorted(DATA.rglob("*")) if p.suffix in (".csv", ".yaml", ".md"))
    assert decode(text.encode(encoding))[0] == text


def test_gbk_text_does_not_look_like_utf8_by_chance():
    """GB2312 text at random (the worst case: rare characters as often as common ones), short
    cells between commas: no run of UTF-8 Chinese is seen in 1.5 MB."""
    import random

    rng = random.Random(13)
    chars = [bytes([a, b]).decode("gb2312") for a in range(0xB0, 0xF8) for b in range(0xA1, 0xFF)
             if not (a == 0xD7 and b > 0xF9)]
    cells = ("".join(rng.choice(chars) for _ in range(rng.randint(1, 6))) for _ in range(200_000))
    assert utf8_chinese_spans(",".join(cells).encode("gbk")) == []


@pytest.mark.parametrize("rel", ["members.csv", "committee.yaml", "reports/2024-12-30-annual-report.md"])
def test_mixed_encodings_are_refused_in_tables_yaml_and_reports(city, rel):
    path = next((city / "communities" / A).glob(rel.replace("2024-12-30-annual-report", "*")))
    text = path.read_text(encoding="utf-8")
    lines = text.split("\n")
    # The file saved in GBK, then a line of UTF-8 Chinese pasted at its end.
    data = "\n".join(lines).encode("gbk") + "\n# 这一行是从别处粘贴过来的说明文字\n".encode("utf-8")
    path.write_bytes(data)
    file = path.relative_to(city).as_posix()
    refused = [p for p in validate_city(city).problems.errors if p.file == file]
    assert [p.code for p in refused] in (["encoding"], ["table-unreadable"])
    assert refused[0].row == len(lines) + 1 and "UTF-8" in refused[0].zh


# --- a report's front matter: lines as the file numbers them ----------------------------------

def _report(city: Path, front: str, body: str = "正文\n") -> str:
    rel = f"communities/{A}/reports/2024-05-20-check.md"
    (city / rel).write_text(f"---\n{front}---\n{body}", encoding="utf-8")
    return rel


def test_a_duplicate_key_in_front_matter_names_its_line_in_the_file(city):
    rel = _report(city, 'type: 监督事项\ndate: "2024-05-20"\ntitle: 一\ntitle: 二\n')
    refused = [p for p in validate_city(city).problems.errors if p.file == rel]
    assert [(p.code, p.row) for p in refused] == [("yaml-refused", 5)]  # line 1 is the opening ---
    assert "第 5 行" in refused[0].zh and "line 5" in refused[0].en


def test_every_line_named_in_front_matter_is_the_files_own(city):
    """A value's line (an impossible date) and a syntax error's line, both counted from the ---."""
    rel = _report(city, 'type: 监督事项\n\ntitle: 标题\ndate: "2025-02-30"\n')
    assert [(p.field, p.row) for p in validate_city(city).problems.errors if p.file == rel] == [("date", 5)]
    rel = _report(city, 'type: 监督事项\ndate: "2024-05-20"\ntitle: "没有结束的引号\n')
    assert [p.row for p in validate_city(city).problems.errors if p.file == rel] == [5]


# --- values that show nothing -------------------------------------------------------------------

INVISIBLE = ["\u200b\u200b", "\u00a0", "\u3000\u3000", "\ufeff", "\u200b \u3000\u00a0\ufeff", "\u2800", "\u3164",
             "\u200e\u2060", " "]


@pytest.mark.parametrize("reason", INVISIBLE, ids=lambda r: "+".join(f"U{ord(c):04X}" for c in r))
def test_an_amendment_reason_of_only_invisible_characters_is_refused(city, reason):
    header = sorted((city / "communities" / A / "finance").glob("*.yaml"))[0]
    with header.open("a", encoding="utf-8") as f:
        f.write(f'\namendment: "{reason}"\n')
    line = header.read_text(encoding="utf-8").split("\n").index(f'amendment: "{reason}"') + 1
    file = header.relative_to(city).as_posix()
    refused = [p for p in validate_city(city).problems.errors if p.file == file]
    assert [(p.code, p.field, p.row) for p in refused] == [("invisible-text", "amendment", line)]
    _explained(refused[0])


def test_an_amendment_through_the_upload_form_with_zero_width_spaces_is_refused(city):
    """The form refuses a reason of only invisible characters as missing; a header written with
    one by other means is refused by the check every upload goes through."""
    from generator.intake.uploads import FormProblems, ledger_candidate

    finance = city / "communities" / A / "finance"
    period = sorted(finance.glob("*.yaml"))[0].stem
    existing = {p.relative_to(city).as_posix() for p in finance.iterdir()}
    fields = {"period": period, "amendment": "\u200b\u200b\u200b", "opening_balance": "0", "closing_balance": "0",
              "prepared_by": "王峰", "reviewer": "李慧燕", "reviewed_on": "2024-02-01", "opinion": "已审核",
              "published_on": "2024-02-02"}
    lines = (finance / f"{period}.csv").read_bytes()
    with pytest.raises(FormProblems) as refused_form:
        ledger_candidate(A, fields, lines, existing)
    assert [p.code for p in refused_form.value.problems] == ["amendment-reason"]
    with (finance / f"{period}.yaml").open("a", encoding="utf-8") as f:
        f.write('\namendment: "\u200b\u200b\u200b"\n')
    refused = [p for p in validate_city(city, {A}).problems.errors if p.field == "amendment"]
    assert [p.code for p in refused] == ["invisible-text"]


def test_a_visible_amendment_reason_and_blank_looking_table_cells_are_fine(city):
    header = sorted((city / "communities" / A / "finance").glob("*.yaml"))[0]
    with header.open("a", encoding="utf-8") as f:
        f.write('\namendment: "\u3000补录 1 月 20 日水费凭证\u200b"\n')
    members = city / "communities" / A / "members.csv"
    text = members.read_text(encoding="utf-8").split("\n")
    columns = text[0].split(",")
    cells = text[1].split(",")
    cells[columns.index("duties")] = "\u3000\u00a0"  # an Excel cell of spaces is an empty cell
    text[1] = ",".join(cells)
    members.write_text("\n".join(text), encoding="utf-8")
    assert not [p for p in validate_city(city).problems.items if p.code == "invisible-text"]


def test_a_report_title_of_only_invisible_characters_is_refused(city):
    rel = _report(city, 'type: 监督事项\ndate: "2024-05-20"\ntitle: "\u200b\u3000"\n')
    refused = [p for p in validate_city(city).problems.errors if p.file == rel]
    assert [(p.code, p.field, p.row) for p in refused] == [("invisible-text", "title", 4)]
