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
from generator.validate import validate_city
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
