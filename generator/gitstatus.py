"""Which data files may differ from what the last build scanned, as git knows it, without
stat-ing every file ourselves (100,000 files at 5,000 communities).

The build cache's scan (generator/buildcache.py) records the commit the data folder's repository
was at and the files git listed as not matching it (changed, new, deleted, ignored). The next scan
asks git only for the files committed since that commit and those not matching HEAD now: every
other file holds the bytes it held at the last scan. Any doubt (no repository, a submodule, a
commit no longer there, git failing) answers None, and the caller walks the whole folder.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

from generator.intake import gitrepo


@dataclass(frozen=True)
class Snapshot:
    """The repository as one scan saw it."""

    commit: str  # HEAD, as `git status` compared the files with it
    dirty: frozenset[str]  # data-relative files not matching that commit (changed, new, deleted, ignored)


def snapshot(data: Path) -> Snapshot | None:
    """The data folder's repository now: HEAD and the data files that do not match it."""
    try:
        top = gitrepo.toplevel(data)
        prefix = gitrepo.prefix_of(data, top)
        if (top / ".gitmodules").exists():  # a submodule's files are not listed one by one
            return None
        out = gitrepo.run(top, "-c", "core.quotepath=false", "status", "--porcelain=v2", "-z", "--branch",
                          "--untracked-files=all", "--ignored", "--no-renames", "--", prefix or ".")
    except (gitrepo.RepoError, OSError, ValueError, subprocess.SubprocessError):
        return None
    return parse_status(out.decode("utf-8", "surrogateescape"), prefix)


def parse_status(out: str, prefix: str) -> Snapshot | None:
    """`git status --porcelain=v2 -z --branch` → the commit compared with and the data files
    listed; None when there is no commit yet or a line is not understood."""
    commit, dirty = None, set()
    for entry in out.split("\0"):
        if not entry:
            continue
        kind = entry[0]
        if entry.startswith("# branch.oid "):
            commit = entry[len("# branch.oid "):]
            continue
        if kind == "#":
            continue
        if kind in "?!":
            path = entry[2:]
        elif kind == "1":
            path = entry.split(" ", 8)[8]
        elif kind == "u":
            path = entry.split(" ", 10)[10]
        else:  # "2": a rename, which --no-renames should never give
            return None
        if not path.startswith(prefix):
            return None
        dirty.add(path[len(prefix):])
    if commit is None or commit == "(initial)":
        return None
    return Snapshot(commit, frozenset(dirty))


def changed_since(data: Path, before: Snapshot) -> tuple[Snapshot, set[str]] | None:
    """The repository now, and every data-relative file that may hold other bytes than at the
    scan that saw `before`: committed since its commit, not matching HEAD now, or not matching
    its commit then. None when git cannot say (the caller walks the folder)."""
    now = snapshot(data)
    if now is None:
        return None
    if now.commit == before.commit:
        return now, set(now.dirty | before.dirty)
    try:
        top = gitrepo.toplevel(data)
        prefix = gitrepo.prefix_of(data, top)
        out = gitrepo.run(top, "-c", "core.quotepath=false", "diff", "--name-only", "--no-renames", "-z",
                          before.commit, now.commit, "--", prefix or ".")
    except (gitrepo.RepoError, OSError, ValueError, subprocess.SubprocessError):
        return None
    committed = set()
    for path in out.decode("utf-8", "surrogateescape").split("\0"):
        if path:
            if not path.startswith(prefix):
                return None
            committed.add(path[len(prefix):])
    return now, committed | now.dirty | before.dirty
