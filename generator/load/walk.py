"""What the loader may read: real files and folders inside the data folder, nothing else.

A link (symbolic link) anywhere in the inputs is refused, whatever it points to: a folder or a
file, inside the repository or outside it, or nowhere. A link to a folder outside would publish
whatever is there (another community's officials.csv, /etc); a link inside would publish one
community's data as another's. Git stores links as easily as files, so they are refused where
the loader meets them: each folder is listed without following links, and each file is opened
without following one (so a file swapped for a link after listing is refused too). A folder where
a file should be (git stores `finance/2025-01.csv/` as easily as the file), a FIFO or a device is
refused with a message, never read.
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from pathlib import Path

from generator.load.sources import Loaded
from generator.problems import ERROR, Problem, Problems

MAX_FILE_BYTES = 20_000_000
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
FILE, FOLDER, OTHER, LINK = "file", "folder", "other", "link"


def entries(data_dir: Path, rel: str, problems: Problems, community: str | None = None) -> dict[str, str]:
    """A folder's entries, name → FILE / FOLDER / OTHER / LINK, sorted by name. Every link is
    reported here, once: callers skip LINK entries and never read through them (nor report them
    missing). `rel` is "" for the data folder."""
    found: dict[str, str] = {}
    try:
        with os.scandir(data_dir / rel) as listing:
            items = sorted(listing, key=lambda e: e.name)
    except OSError as exc:
        problems.add(_unreadable(rel or ".", exc, community))
        return found
    for entry in items:
        entry_rel = f"{rel}/{entry.name}" if rel else entry.name
        try:
            if entry.is_symlink():
                problems.add(link_problem(entry_rel, community))
                found[entry.name] = LINK
            elif entry.is_dir(follow_symlinks=False):
                found[entry.name] = FOLDER
            elif entry.is_file(follow_symlinks=False):
                found[entry.name] = FILE
            else:
                found[entry.name] = OTHER
        except OSError as exc:
            problems.add(_unreadable(entry_rel, exc, community))
    return found


def refuse_links_below(data_dir: Path, rel: str, problems: Problems, limit: int = 100_000) -> None:
    """Report every link anywhere below a folder that is published as it is (the city's content/),
    walking real folders only; at most `limit` entries are looked at, the rest is refused."""
    pending = [rel]
    seen = 0
    while pending:
        folder = pending.pop()
        for name, kind in entries(data_dir, folder, problems).items():
            seen += 1
            if seen > limit:
                problems.add(Problem("folder-too-large", ERROR, rel, f"“{rel}”中的文件过多（超过 {limit} 个）",
                                     f"'{rel}' holds too many files (over {limit})",
                                     hint_zh="删除不需要发布的文件", hint_en="Remove files that are not to be published"))
                return
            if kind == FOLDER:
                pending.append(f"{folder}/{name}")


def read_bytes(loaded: Loaded, data_dir: Path, rel: str, problems: Problems, community: str | None) -> bytes | None:
    """A regular file's bytes (and its sha256 kept in `loaded`), or None after reporting why not."""
    path = os.path.join(data_dir, rel)  # a str: ~9,000 files a shard, pathlib's joins add up
    if not hasattr(os, "O_NOFOLLOW") and os.path.islink(path):  # Windows: no O_NOFOLLOW
        problems.add(link_problem(rel, community))
        return None
    try:
        fd = os.open(path, _OPEN_FLAGS)  # non-blocking: a FIFO named like a data file must not hang the build
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            problems.add(link_problem(rel, community))
        elif exc.errno == errno.EISDIR:
            problems.add(not_a_file(rel, FOLDER, community))
        else:
            problems.add(_unreadable(rel, exc, community))
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            problems.add(not_a_file(rel, FOLDER if stat.S_ISDIR(info.st_mode) else OTHER, community))
            return None
        data = _read_at_most(fd, MAX_FILE_BYTES + 1, info.st_size)
    finally:
        os.close(fd)
    if len(data) > MAX_FILE_BYTES:
        problems.add(Problem("file-too-large", ERROR, rel, f"文件过大（超过 {MAX_FILE_BYTES // 1_000_000} MB）",
                             f"file too large (over {MAX_FILE_BYTES // 1_000_000} MB)", community=community,
                             hint_zh="拆分文件，或删除不需要的内容", hint_en="Split the file or remove what is not needed"))
        return None
    loaded.hashes[rel] = hashlib.sha256(data).hexdigest()
    return data


def _read_at_most(fd: int, limit: int, size: int) -> bytes:
    """Up to `limit` bytes of an open file. Read with os.read in pieces of the size the file says
    it has (plus one, to see its end), not through a buffered file asked for `limit` bytes, which
    allocates that much (20 MB) for every file read, most of a 9,000-file shard's reading time."""
    chunks: list[bytes] = []
    total = 0
    while total < limit:
        chunk = os.read(fd, min(max(size + 1 - total, 1 << 16), limit - total))
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def link_problem(rel: str, community: str | None) -> Problem:
    return Problem(
        "symlink", ERROR, rel,
        f"“{rel}”是一个链接（符号链接），已拒绝：数据仓库中只能有真实的文件和文件夹，不能指向别处",
        f"'{rel}' is a symbolic link; refused: the data repository may hold only real files and folders, "
        "never links to elsewhere",
        community=community,
        hint_zh="删除这个链接，把真实的文件或文件夹（不是链接）放在这里再提交",
        hint_en="Delete the link and commit the real file or folder (not a link) in its place",
    )


def not_a_file(rel: str, kind: str, community: str | None) -> Problem:
    name = rel.rsplit("/", 1)[-1]
    if kind == FOLDER:
        zh, en = f"“{name}”是一个文件夹，不是文件", f"'{name}' is a folder, not a file"
    else:
        zh, en = f"“{name}”不是普通文件（可能是管道或设备）", f"'{name}' is not a regular file (a pipe or a device?)"
    return Problem("not-a-file", ERROR, rel, zh + "，无法读取", en + "; it cannot be read", community=community,
                   hint_zh=f"删除或改名“{name}”，把数据放在同名的普通文件中",
                   hint_en=f"Delete or rename '{name}' and put the data in a plain file of that name")


def not_a_folder(rel: str, community: str | None) -> Problem:
    name = rel.rsplit("/", 1)[-1]
    return Problem("not-a-folder", ERROR, rel, f"“{name}”应是文件夹，却是一个文件", f"'{name}' should be a folder, "
                   "but it is a file", community=community,
                   hint_zh=f"删除这个文件，按模板建立“{name}”文件夹", hint_en=f"Delete the file and make '{name}' a folder, "
                   "as in the template")


def _unreadable(rel: str, exc: OSError, community: str | None) -> Problem:
    return Problem("file-unreadable", ERROR, rel, f"无法读取“{rel}”（{exc.strerror or type(exc).__name__}）",
                   f"cannot read '{rel}' ({exc.strerror or type(exc).__name__})", community=community,
                   hint_zh="检查文件的权限，或重新提交这个文件", hint_en="Check the file's permissions, or commit it again")
