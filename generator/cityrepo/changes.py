"""Which communities a change touches, from git, so checks before a commit stay fast.

Two questions, one answer each:
- `--changed`: the staged index against HEAD (what `git commit` is about to record; pre-commit
  stashes unstaged edits, so the working tree then equals the index);
- `--changed --base REV`: the working tree (and untracked files) against the merge base of REV
  and HEAD (what a pull request into REV changes).

A change to a community folder selects that community. A change to communities.csv or
rollout.csv selects the communities whose rows changed (compared row by row, so adding one
community to a list of 5,000 checks one community). A change to city.yaml or schemas/ can change
the verdict on every community: everything is checked.
"""

from __future__ import annotations

import subprocess
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from generator import tableschemas
from generator.cityrepo import CityRepoError
from generator.load.city import CODE_RE
from generator.load.tables import TableRefused, read_csv
from generator.problems import WARNING, Problem

# Spreadsheet versions of the keyed tables are not compared row by row: everything is checked.
CITY_WIDE = ("city.yaml", "communities.xlsx", "rollout.xlsx")
CITY_WIDE_DIRS = ("schemas/",)
KEYED_TABLES = {"communities.csv": ("communities", "code"), "rollout.csv": ("rollout", "community")}
SHARED = ("city.yaml", "communities.csv", "communities.xlsx", "rollout.csv", "rollout.xlsx", "owners.csv",
          "CODEOWNERS")
SHARED_DIRS = ("schemas/", "content/")


@dataclass(frozen=True)
class Change:
    status: str  # git's letter: A added, M modified, D deleted, …
    path: str  # relative to the data folder, "/" separated


@dataclass
class Scope:
    """What to check: `communities` None means every community."""

    communities: set[str] | None
    changes: list[Change] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


# --- pure decisions --------------------------------------------------------------------------

def community_of(path: str) -> str | None:
    parts = path.split("/")
    if len(parts) >= 2 and parts[0] == "communities" and CODE_RE.match(parts[1]):
        return parts[1]
    return None


def changed_keys(kind: str, key: str, old: bytes | None, new: bytes | None) -> set[str] | None:
    """Codes whose rows differ between two versions of a keyed table; None if either is unreadable."""
    try:
        before, after = _rows_by_key(kind, key, old), _rows_by_key(kind, key, new)
    except TableRefused:
        return None
    if before is None or after is None:
        return None
    return {code for code in before.keys() | after.keys() if before.get(code) != after.get(code)}


def _rows_by_key(kind: str, key: str, data: bytes | None) -> dict[str, list] | None:
    if not data:
        return {}
    table = read_csv(data)
    aliases = tableschemas.header_aliases(kind)
    names = [aliases.get(h.strip()) or aliases.get(h.strip().lower()) or h for h in table.header]
    if key not in names:
        return None
    at = names.index(key)
    rows: dict[str, list] = defaultdict(list)
    for row in table.rows:
        cells = dict(zip(names, (str(c).strip() for c in row)))
        rows[cells.get(names[at], "")].append(sorted(cells.items()))
    return {code: sorted(found) for code, found in rows.items()}


def mixed_commit(changes: list[Change]) -> Problem | None:
    """A warning when an existing community's folder and the city's shared files change together.

    Adding a community (its row, its new folder, owners and CODEOWNERS) is one act and not
    warned about: every file in the folder is new.
    """
    shared = sorted({c.path for c in changes if c.path in SHARED or c.path.startswith(SHARED_DIRS)})
    edited = sorted({code for c in changes if (code := community_of(c.path)) and c.status != "A"})
    if not shared or not edited:
        return None
    folders = "、".join(f"communities/{code}/" for code in edited[:3]) + ("等" if len(edited) > 3 else "")
    folders_en = ", ".join(f"communities/{code}/" for code in edited[:3]) + (" …" if len(edited) > 3 else "")
    return Problem(
        "mixed-commit", WARNING, shared[0],
        f"这次改动同时修改了社区文件夹（{folders}）和全市共用的文件（{'、'.join(shared)}）",
        f"this change edits community folders ({folders_en}) and the city's shared files "
        f"({', '.join(shared)}) together",
        value=", ".join(shared),
        hint_zh="请分成两次提交：社区的数据由社区提交，共用文件由市、区工作人员提交，便于分别审核",
        hint_en="Commit them separately: a committee's data and the city's shared files are reviewed by different people")


def scope_of(changes: list[Change], keyed: dict[str, set[str] | None]) -> set[str] | None:
    """The communities to check, given the changes and the codes changed in each keyed table."""
    if any(c.path in CITY_WIDE or c.path.startswith(CITY_WIDE_DIRS) for c in changes):
        return None
    selected = {code for c in changes if (code := community_of(c.path))}
    for codes in keyed.values():
        if codes is None:
            return None
        selected |= {code for code in codes if CODE_RE.match(code)}
    return selected


# --- git, at the edge --------------------------------------------------------------------------

def select_communities(data_dir: Path, communities: tuple[str, ...] = (), changed: bool = False,
                       base: str | None = None) -> tuple[set[str] | None, list[Problem]]:
    """What `juwu validate` checks: the communities named, plus those changed in git (None: all),
    and the warnings about the change itself."""
    bad = [c for c in communities if not CODE_RE.match(c)]
    if bad:
        raise CityRepoError(f"--community 应为 12 位社区代码，而不是“{bad[0]}”",
                            f"--community takes a 12-digit community code, not '{bad[0]}'")
    named = set(communities) or None
    if not changed:
        return named, []
    scope = changed_scope(data_dir, base)
    if scope.communities is None:
        return None, scope.problems
    return (named or set()) | scope.communities, scope.problems


def changed_scope(data_dir: Path, base: str | None = None) -> Scope:
    data_dir = Path(data_dir)
    if base is None:
        changes = _parse_status(_git(data_dir, "diff", "--cached", "--name-status", "--no-renames", "--relative", "-z"))
        old_rev, new_rev = "HEAD", ""  # "" is the index (git show :path)
    else:
        merge_base = _git(data_dir, "merge-base", base, "HEAD").strip()
        changes = _parse_status(_git(data_dir, "diff", "--name-status", "--no-renames", "--relative", "-z", merge_base))
        untracked = _git(data_dir, "ls-files", "--others", "--exclude-standard", "-z").split("\0")
        changes += [Change("A", p) for p in untracked if p]
        old_rev, new_rev = merge_base, None  # None: the working tree
    keyed = {}
    for path, (kind, key) in KEYED_TABLES.items():
        if any(c.path == path for c in changes):
            keyed[path] = changed_keys(kind, key, _version(data_dir, old_rev, path),
                                       _version(data_dir, new_rev, path))
    scope = Scope(scope_of(changes, keyed), changes)
    warning = mixed_commit(changes)
    if warning:
        scope.problems.append(warning)
    return scope


def _parse_status(out: str) -> list[Change]:
    fields = out.split("\0")
    changes = []
    for status, path in zip(fields[0::2], fields[1::2]):
        if status and path:
            changes.append(Change(status[0], path))
    return changes


def _version(data_dir: Path, rev: str | None, path: str) -> bytes | None:
    if rev is None:
        target = data_dir / path
        return target.read_bytes() if target.is_file() else None
    result = subprocess.run(["git", "-C", str(data_dir), "show", f"{rev}:./{path}"], capture_output=True)
    return result.stdout if result.returncode == 0 else None


def _git(data_dir: Path, *args: str) -> str:
    try:
        result = subprocess.run(["git", "-C", str(data_dir), *args], capture_output=True, text=True,
                                encoding="utf-8", errors="surrogateescape")
    except FileNotFoundError:
        raise CityRepoError("找不到 git 命令：--changed 需要安装 git", "git is not installed; --changed needs it") from None
    if result.returncode != 0:
        detail = result.stderr.strip().splitlines()[-1] if result.stderr.strip() else ""
        raise CityRepoError(f"无法从 git 得到改动（{detail}）：{data_dir} 是 git 仓库吗？--base 的分支存在吗？",
                            f"could not get the changes from git ({detail}): is {data_dir} in a git repository, "
                            "and does the --base revision exist?")
    return result.stdout
