"""amendment-unexplained: a published period or report changed in the data repository without an
amendment reason is a finding; a reason in the commit or in the period header, a first
publication, or data outside git are not."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from generator.demo import write_demo_city
from generator.history import collect
from generator.load.sources import Loaded
from generator.gather import validate_city
from generator.validate.rules import amendments
from generator.validate.rules._base import Context

CODE = "319902001001"


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", "-c", "user.email=c@example.org", "-c", "user.name=c", *args], cwd=root,
                          check=True, capture_output=True, text=True).stdout


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    root = tmp_path_factory.mktemp("amend") / "repo"
    data = root / "data"
    write_demo_city(data, 3, seed=7)
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "initial")
    finance = data / f"communities/{CODE}/finance"
    # 2024-05: changed without any reason (the finding).
    edit(finance / "2024-05.csv", "固话及宽带费", "固定电话费")
    # 2024-04: changed with a reason in the header's amendment field only.
    (finance / "2024-04.yaml").write_text((finance / "2024-04.yaml").read_text(encoding="utf-8")
                                          + "amendment: 摘要笔误更正\n", encoding="utf-8")
    git(root, "commit", "-qam", "edit ledgers")
    # A report amended with the reason the upload service writes into the commit.
    report = sorted((data / f"communities/{CODE}/reports").glob("*.md"))[0]
    edit(report, "\n\n", "\n\n补充：会后已通知相关居民。\n\n")
    git(root, "commit", "-qam", "更正报告\n\n更正说明 Amendment: 补充会后处理情况")
    return data


def found(data: Path) -> list:
    city = validate_city(data).city
    city.history = collect(data, None, set())
    return list(amendments.check_amendments(Context(city, Loaded())))


def test_a_change_without_a_reason_is_a_finding_and_with_one_is_not(repo):
    [p] = found(repo)
    assert (p.code, p.severity, p.file, p.community) == (
        "amendment-unexplained", "finding", f"communities/{CODE}/finance/2024-05.yaml", CODE)
    assert "没有写明更正说明" in p.zh and "第 2 版" in p.zh and p.since and p.due > p.since


def test_a_later_change_with_a_reason_does_not_hide_the_earlier_one(repo, tmp_path):
    import shutil

    copy = tmp_path / "repo"
    shutil.copytree(repo.parent, copy)
    data = copy / "data"
    edit(data / f"communities/{CODE}/finance/2024-05.csv", "固定电话费", "固定电话及宽带费")
    git(copy, "commit", "-qam", "更正 2024-05\n\n更正说明 Amendment: 恢复原摘要")
    [p] = found(data)  # version 3 gave a reason; version 2 still did not
    assert "第 2 版" in p.zh


def test_outside_git_there_is_no_finding(tmp_path):
    data = tmp_path / "data"
    write_demo_city(data, 2, seed=3)
    assert found(data) == []
    city = validate_city(data).city
    assert amendments.attach(city, collect(data, None, set())) == 0
