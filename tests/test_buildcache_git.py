"""The build cache's change scan asks git what changed since the last scan instead of stat-ing
every data file: it must find exactly what a walk of the whole folder finds."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from generator import buildcache, gitstatus
from generator.demo import write_demo_city


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=root, check=True, capture_output=True, text=True).stdout


def state_of(data: Path, previous: buildcache.State | None = None) -> buildcache.State:
    files, snapshot = buildcache.scan(data, previous)
    return buildcache.State("engine", "site", buildcache.now_ns() - 10 * buildcache.RACY_NS, files, {}, [],
                            git=snapshot)


def shas(files: dict) -> dict[str, str]:
    return {rel: f[2] for rel, f in files.items()}


@pytest.fixture
def repo(tmp_path):
    root = tmp_path / "repo"
    data = root / "data"
    write_demo_city(data, 2, seed=3)
    (root / ".gitignore").write_text("*.tmp\n", encoding="utf-8")
    git(root, "init", "-q")
    git(root, "config", "user.email", "clerk@example.org")
    git(root, "config", "user.name", "clerk")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "initial")
    return root, data


def test_the_git_scan_finds_what_a_walk_finds(repo, monkeypatch):
    root, data = repo
    first = state_of(data)
    assert first.git is not None and first.git.dirty == frozenset()
    ledger = sorted(data.glob("communities/*/finance/*.csv"))[0]
    ledger.write_text(ledger.read_text(encoding="utf-8") + "\n", encoding="utf-8")  # uncommitted
    new = data / "communities" / ledger.parts[-3] / "finance" / "2099-01.yaml"
    new.write_text("period: '2099-01'\n", encoding="utf-8")  # untracked
    (data / "notes.tmp").write_text("ignored, but a file of the folder\n", encoding="utf-8")
    (data / ".hidden").mkdir()
    (data / ".hidden" / "x.csv").write_text("a\n", encoding="utf-8")  # a hidden folder: never scanned
    gone = sorted(data.glob("communities/*/members.csv"))[-1]
    gone.unlink()
    walked = []
    real = buildcache.walk
    monkeypatch.setattr(buildcache, "walk", lambda d, p: walked.append(d) or real(d, p))
    second = state_of(data, first)
    assert walked == []  # git said what changed: no walk
    assert shas(second.files) == shas(real(data, None)[0])
    assert {"notes.tmp", new.relative_to(data).as_posix(), gone.relative_to(data).as_posix()} <= second.git.dirty
    # Committed since: the commit's files and the files dirty at the last scan are looked at again.
    git(root, "add", "-A")
    git(root, "commit", "-qm", "more")
    other = sorted(data.glob("communities/*/committee.yaml"))[0]
    other.write_text(other.read_text(encoding="utf-8") + "# a comment\n", encoding="utf-8")
    git(root, "commit", "-qam", "comment")
    ledger.write_text(ledger.read_text(encoding="utf-8").rstrip("\n") + "\n", encoding="utf-8")  # back
    third = state_of(data, second)
    assert walked == []
    assert shas(third.files) == shas(real(data, None)[0])


def test_without_git_or_with_a_rewritten_history_the_folder_is_walked(repo, tmp_path, monkeypatch):
    root, data = repo
    first = state_of(data)
    git(root, "commit", "-q", "--amend", "-m", "rewritten")
    git(root, "reflog", "expire", "--expire=now", "--all")
    git(root, "gc", "-q", "--prune=now")
    walked = []
    real = buildcache.walk
    monkeypatch.setattr(buildcache, "walk", lambda d, p: walked.append(d) or real(d, p))
    assert shas(state_of(data, first).files) == shas(real(data, None)[0]) and walked == [data]
    plain = tmp_path / "plain"
    write_demo_city(plain, 1, seed=3)
    files, snapshot = buildcache.scan(plain, None)
    assert snapshot is None and files


def test_status_lines_are_read_with_their_folder_prefix():
    out = ("# branch.oid abc\0# branch.head main\0"
           "1 .M N... 100644 100644 100644 1111 2222 data/communities/1/a b.csv\0"
           "? data/new.csv\0! data/x.tmp\0")
    snap = gitstatus.parse_status(out, "data/")
    assert snap == gitstatus.Snapshot("abc", frozenset({"communities/1/a b.csv", "new.csv", "x.tmp"}))
    assert gitstatus.parse_status("# branch.oid (initial)\0", "") is None
    assert gitstatus.parse_status("# branch.oid abc\0? other/new.csv\0", "data/") is None
