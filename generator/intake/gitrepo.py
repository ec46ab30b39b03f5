"""The few git operations the upload service needs, all with explicit paths.

A commit is built from the commit it follows plus exactly the clerk's files, in a private index
(`GIT_INDEX_FILE`): whatever else is in the working tree or the operator's index (an edited
`city.yaml`, a stray notes file) can never be swept into it. HEAD moves by one compare-and-swap
(`git update-ref HEAD new old`), which is the single moment an upload becomes published.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path

from generator.problems import JuwuError

ZERO = "0" * 40


class RepoError(JuwuError):
    code = "data-repository"


def run(cwd: Path, *args: str, env: dict | None = None, input: bytes | None = None, check: bool = True) -> bytes:
    full_env = {**os.environ, "LC_ALL": "C", "GIT_TERMINAL_PROMPT": "0", **(env or {})}
    out = subprocess.run(["git", *args], cwd=cwd, capture_output=True, env=full_env, input=input, timeout=120)
    if check and out.returncode != 0:
        err = out.stderr.decode("utf-8", "replace").strip()[:300]
        raise RepoError(f"git {args[0]} 失败：{err}", f"git {args[0]} failed: {err}")
    return out.stdout


def git(cwd: Path, *args: str, env: dict | None = None, check: bool = True) -> str:
    return run(cwd, *args, env=env, check=check).decode("utf-8")


def toplevel(data: Path) -> Path:
    try:
        return Path(git(data, "rev-parse", "--show-toplevel").strip())
    except (RepoError, OSError):
        raise RepoError(f"数据文件夹 {data} 不在 git 仓库中", f"the data folder {data} is not in a git repository") from None


def prefix_of(data: Path, top: Path) -> str:
    """DATA relative to the repository's top, '' when they are the same folder."""
    rel = data.resolve().relative_to(top.resolve()).as_posix()
    return "" if rel == "." else rel + "/"


def head(top: Path) -> str:
    return git(top, "rev-parse", "--verify", "HEAD").strip()


def blobs(top: Path, commit: str, paths: list[str]) -> dict[str, str | None]:
    """The blob id of each repository path at COMMIT (None when absent). Paths are files, not folders."""
    found: dict[str, str | None] = {p: None for p in paths}
    if paths:
        listing = run(top, "ls-tree", "-z", "--full-tree", commit, "--", *paths)
        for entry in listing.split(b"\0"):
            if entry:
                meta, path = entry.split(b"\t", 1)
                _, kind, sha = meta.split(b" ")
                if kind == b"blob" and path.decode("utf-8") in found:
                    found[path.decode("utf-8")] = sha.decode("ascii")
    return found


def files_under(top: Path, commit: str, pathspecs: list[str]) -> list[str]:
    """Every file path at COMMIT under the given files or folders (repository paths)."""
    if not pathspecs:
        return []
    listing = run(top, "ls-tree", "-r", "-z", "--name-only", "--full-tree", commit, "--", *pathspecs)
    return [p.decode("utf-8") for p in listing.split(b"\0") if p]


def read_blob(top: Path, sha: str) -> bytes:
    return run(top, "cat-file", "blob", sha)


def worktree_blob(top: Path, path: str) -> str | None:
    """The blob id the working-tree file would have (None when absent)."""
    file = top / path
    if not file.is_file():
        return None
    return git(top, "hash-object", "--no-filters", "--", path).strip()


def commit_paths(top: Path, parent: str, changes: dict[str, bytes | None], author: tuple[str, str],
                 committer: tuple[str, str], message: str, scratch: Path) -> str:
    """A commit object: PARENT's tree with exactly CHANGES (path → bytes, None removes). HEAD is not moved."""
    scratch.mkdir(parents=True, exist_ok=True)
    fd, index = tempfile.mkstemp(dir=scratch, prefix="index-")
    os.close(fd)
    os.unlink(index)  # git wants to create it itself
    env = {"GIT_INDEX_FILE": index}
    try:
        run(top, "read-tree", parent, env=env)
        lines = []
        for path, content in sorted(changes.items()):
            if content is None:
                lines.append(f"0 {ZERO}\t{path}")
            else:
                sha = run(top, "hash-object", "-w", "--no-filters", "--stdin", input=content).decode("ascii").strip()
                lines.append(f"100644 {sha}\t{path}")
        run(top, "update-index", "-z", "--index-info", env=env, input="".join(l + "\0" for l in lines).encode("utf-8"))
        tree = git(top, "write-tree", env=env).strip()
    finally:
        Path(index).unlink(missing_ok=True)
    names = {"GIT_AUTHOR_NAME": author[0], "GIT_AUTHOR_EMAIL": author[1],
             "GIT_COMMITTER_NAME": committer[0], "GIT_COMMITTER_EMAIL": committer[1]}
    return run(top, "commit-tree", tree, "-p", parent, "-F", "-", env=names,
               input=message.encode("utf-8")).decode("ascii").strip()


def move_head(top: Path, new: str, old: str, reason: str) -> None:
    """Point HEAD's branch at NEW only if it still is OLD (another writer makes this fail, not lose work)."""
    run(top, "update-ref", "-m", reason, "HEAD", new, old)


def is_ancestor(top: Path, commit: str, of: str) -> bool:
    """COMMIT is OF or one of its ancestors (False for an unknown commit)."""
    out = subprocess.run(["git", "merge-base", "--is-ancestor", commit, of], cwd=top, capture_output=True,
                         timeout=60, env={**os.environ, "LC_ALL": "C"})
    return out.returncode == 0


def sync_paths(top: Path, paths: list[str], only_if: dict[str, str | None] | None = None) -> list[str]:
    """Make the working tree and the index show HEAD for PATHS (and nothing else).

    With ONLY_IF (path → blob id expected in the working tree), a path whose working copy is
    something else — an operator's uncommitted edit — is left alone; those paths are returned."""
    current = blobs(top, "HEAD", paths)
    left: list[str] = []
    synced: list[str] = []
    for path in paths:
        if only_if is not None and worktree_blob(top, path) not in (only_if.get(path), current[path]):
            left.append(path)
            continue
        target = top / path
        if current[path] is None:
            target.unlink(missing_ok=True)
        else:
            write_atomic(target, read_blob(top, current[path]))
        synced.append(path)
    if synced:
        run(top, "reset", "-q", "HEAD", "--", *synced)
    return left


def write_atomic(target: Path, content: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".intake-")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(content)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
