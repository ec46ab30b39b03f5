"""The only code that writes: generated sources into content/, the new site, the swap.

A build is written to a staging folder beside the site; the finished staging folder replaces the
site only at the very end, so a failed or killed build leaves the previous site as it was.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import time
from pathlib import Path

from generator.problems import JuwuError

GENERATED = ("index.md", "rollout/index.md", "_shell")  # inside content/, owned by the writer


def write_content(content_dir: Path, files: dict[str, str]) -> int:
    """Write generated Markdown sources, touching only files whose text changed."""
    changed = 0
    wanted = {content_dir / rel for rel in files}
    shell_root = content_dir / "_shell"
    if shell_root.exists():
        for path in shell_root.rglob("index.md"):
            if path not in wanted:
                path.unlink()
    for rel, text in sorted(files.items()):
        path = content_dir / rel
        if path.is_file() and path.read_text(encoding="utf-8") == text:
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        changed += 1
    return changed


def merge_docs(juwu_content: Path, city_content: Path, docs: Path) -> int:
    """Make `docs` Juwu's hand-written pages with the city's laid over them, file by file.

    MkDocs reads one docs_dir. Rather than a plugin that merges two (mkdocs.yml must stay plain)
    or writing the city's pages into Juwu's own content/ (a later build of another city would
    keep them), the build owns a third folder: the few hand-written files are copied on each
    build, only when their bytes changed, so MkDocs' own change detection still works. The
    generated area is left to write_content. The city's pages are trusted like Juwu's own (they
    are reviewed through CODEOWNERS, not sent by committees); symlinks are refused so a page can
    only come from inside the repository.
    """
    wanted = {**_hand_written(juwu_content), **_hand_written(city_content)}
    changed = 0
    if docs.exists():
        for path in sorted(docs.rglob("*"), reverse=True):
            rel = path.relative_to(docs).as_posix()
            if path.is_file() and rel not in wanted and not _generated(rel):
                path.unlink()
            elif path.is_dir() and not any(path.iterdir()):
                path.rmdir()
    for rel, source in sorted(wanted.items()):
        target = docs / rel
        data = source.read_bytes()
        if target.is_file() and target.read_bytes() == data:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        changed += 1
    return changed


def _generated(rel: str) -> bool:
    return _within(rel, GENERATED)


def _within(rel: str, roots: tuple[str, ...]) -> bool:
    """Whether a relative path is one of `roots` or inside one of them."""
    return any(rel == root or rel.startswith(root + "/") for root in roots)


def _hand_written(root: Path) -> dict[str, Path]:
    found: dict[str, Path] = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if path.is_symlink():
            raise JuwuError(f"{root.name}/{rel} 是符号链接，已拒绝：页面只能是仓库中的普通文件",
                            f"{root.name}/{rel} is a symbolic link; refused: pages must be plain files", code="site-symlink")
        if path.is_file() and not _generated(rel) and not any(part.startswith(".") for part in rel.split("/")):
            found[rel] = path
    return found


def staging_dir(site: Path) -> Path:
    site = site.resolve()
    stage = site.with_name(f".{site.name}.new-{os.getpid()}")
    if stage.exists():
        shutil.rmtree(stage)
    return stage


def write_file(root: Path, rel: str, data: str | bytes) -> None:
    """Write a new file; one already there is replaced (unlinked first), never overwritten in
    place, so a file that is also linked elsewhere is never changed there."""
    # Most files are new in a folder already made: one exclusive create, without a mkdir or an
    # unlink that fails first (~250,000 files at 5,000 communities). A missing folder is made and
    # a file already there is unlinked only when the create says so.
    path = os.path.join(root, rel)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    try:
        _create(path, payload)
        return
    except FileNotFoundError:
        os.makedirs(os.path.dirname(path), exist_ok=True)
    except FileExistsError:  # also a symlink, even a dangling one: unlinked, never written through
        os.unlink(path)
    _create(path, payload)


class NewFiles:
    """write_file for many files in few folders of a new tree (a build's stage): each folder is
    made at most once by this writer, before its first file, rather than after a create that
    failed for want of it."""

    def __init__(self) -> None:
        self.folders: set[str] = set()

    def write(self, root: Path, rel: str, data: str | bytes) -> None:
        path = os.path.join(root, rel)
        folder = os.path.dirname(path)
        if folder not in self.folders:
            try:
                os.mkdir(folder)
            except FileExistsError:  # another worker made it, or it was there (also a symlink: the create refuses)
                pass
            except FileNotFoundError:
                os.makedirs(folder, exist_ok=True)
            self.folders.add(folder)
        payload = data.encode("utf-8") if isinstance(data, str) else data
        try:
            _create(path, payload)
        except FileExistsError:  # replaced, never written through (write_file)
            os.unlink(path)
            _create(path, payload)


_CREATE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)


def _create(path: str, payload: bytes) -> None:
    fd = os.open(path, _CREATE, 0o666)
    try:
        view = memoryview(payload)
        while view:
            view = view[os.write(fd, view):]
    finally:
        os.close(fd)


def publish_changes(stage: Path, site: Path, removed: list[str], journal: Path) -> list[str]:
    """A republish goes live: every file of the stage whose bytes the site does not already have
    is moved into the site (each move one atomic rename, search entry points last, so a bundle is
    never pointed at before its files are there), then `removed` (paths in the site) are deleted.
    A journal written first lets the next build finish the job should this process be killed
    half-way (finish_publishing). Returns the files moved in."""
    files = sorted((rel for rel in _stage_files(stage) if not same_bytes(stage / rel, site / rel)),
                   key=lambda rel: (rel.endswith("pagefind-entry.json"), rel))
    journal.parent.mkdir(parents=True, exist_ok=True)
    _atomic_text(journal, json.dumps({"stage": str(stage), "site": str(site), "files": files, "removed": removed}))
    _apply(stage, site, files, removed)
    journal.unlink()
    return files


def _stage_files(stage: Path) -> list[str]:
    found = []
    for folder, _, names in os.walk(stage):
        base = os.path.relpath(folder, stage).replace(os.sep, "/")
        found += [name if base == "." else f"{base}/{name}" for name in names]
    return found


def same_bytes(new: Path, old: Path) -> bool:
    """Whether the site already has this file as staged: most of a republish's stage (verify
    shards, downloads, pages of other communities' districts) is unchanged and need not move.
    Sizes first; a symlink in the site is never taken as equal (it is replaced, not followed)."""
    try:
        theirs = os.lstat(old)
        if not stat.S_ISREG(theirs.st_mode) or theirs.st_size != os.stat(new).st_size:
            return False
        return old.read_bytes() == new.read_bytes()
    except OSError:
        return False


def finish_publishing(journal: Path) -> None:
    """After a kill during publish_changes, move the rest of the stage in and delete what was to go."""
    try:
        job = json.loads(journal.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return
    stage, site = Path(job["stage"]), Path(job["site"])
    if stage.is_dir():
        _apply(stage, site, [f for f in job["files"] if (stage / f).is_file()], job["removed"])
    journal.unlink(missing_ok=True)


def _apply(stage: Path, site: Path, files: list[str], removed: list[str]) -> None:
    for rel in files:
        target = site / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(stage / rel, target)
    for rel in removed:
        (site / rel).unlink(missing_ok=True)
    for folder in sorted({(site / rel).parent for rel in removed}, key=lambda p: -len(p.parts)):
        while folder != site and folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
            folder = folder.parent
    shutil.rmtree(stage, ignore_errors=True)


def _atomic_text(path: Path, text: str) -> None:
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


def copy_tree(source: Path, stage: Path, text_suffixes: tuple[str, ...], replace: dict[str, str],
              skip: tuple[str, ...] = ()) -> None:
    """Copy a folder into the stage (files there replaced, not overwritten in place), replacing
    tokens in text files; `skip`: paths, relative to `source`, left out."""
    for folder, dirs, files in os.walk(source):
        dirs.sort()
        for name in sorted(files):
            path = Path(folder) / name
            rel = path.relative_to(source).as_posix()
            if _within(rel, skip):
                continue
            data = path.read_bytes()
            if name.endswith(text_suffixes):
                text = data.decode("utf-8")
                for token, value in replace.items():
                    text = text.replace(token, value)
                data = text.encode("utf-8")
            write_file(stage, rel, data)


def carry_over(site: Path, stage: Path, folder: str, change_html, everything: bool) -> None:
    """Copy what the site publishes under `folder` into the stage: its pages through `change_html`,
    and (with `everything`) its other files as they are. Pages a later build keeps (a community held
    back) go through here."""
    root = site / folder
    if not root.is_dir():
        return
    for path in sorted(root.rglob("*")):
        if not path.is_file() or path.is_symlink():
            continue
        rel = path.relative_to(site).as_posix()
        if path.suffix == ".html":
            write_file(stage, rel, change_html(path.read_text(encoding="utf-8")))
        elif everything:
            write_file(stage, rel, path.read_bytes())


def dispose_except(folder: Path, keep: list[str], trash: Path) -> None:
    """Empty a folder but for these sub-folders (moved, not copied), the rest deleted in the background."""
    if not folder.exists():
        return
    old = folder.with_name(folder.name + f".old-{os.getpid()}")
    os.replace(folder, old)
    folder.mkdir(parents=True)
    for rel in keep:
        if (old / rel).is_dir():
            (folder / rel).parent.mkdir(parents=True, exist_ok=True)
            os.replace(old / rel, folder / rel)
    dispose(old, trash)


def remove(root: Path, rel: str) -> None:
    path = root / rel
    if path.is_dir():
        shutil.rmtree(path)
    elif path.exists():
        path.unlink()


def swap(stage: Path, site: Path, trash: Path) -> None:
    """Replace the site with the finished stage: two renames. The old tree is then moved into
    `trash` and deleted by a background process: deleting ~100,000 files takes seconds, and the
    new site is already live."""
    site = site.resolve()
    recover(site, trash)
    old = site.with_name(f".{site.name}.old-{os.getpid()}")
    if site.exists():
        os.replace(site, old)
    os.replace(stage, site)
    if old.exists():
        dispose(old, trash)


def dispose(folder: Path, trash: Path) -> None:
    """Move a folder out of the way (one rename) and delete it in a background process."""
    if not folder.exists():
        return
    trash.mkdir(parents=True, exist_ok=True)
    target = trash / f"{folder.name}-{time.time_ns()}"
    os.replace(folder, target)
    subprocess.Popen(["rm", "-rf", str(target)], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                     stderr=subprocess.DEVNULL, start_new_session=True)


def recover(site: Path, trash: Path | None = None) -> None:
    """After a kill between the two renames of a swap, put the previous site back; drop stale stages
    (a killed build's: ~4 GB at 5,000 communities), into `trash` to be deleted in the background
    when one is given."""
    site = site.resolve()
    parent = site.parent
    if not parent.exists():
        return
    olds = sorted(parent.glob(f".{site.name}.old-*"))
    if not site.exists() and olds:
        os.replace(olds[-1], site)
        olds = olds[:-1]
    for leftover in olds + sorted(parent.glob(f".{site.name}.new-*")):
        if leftover.name.endswith(f"-{os.getpid()}"):
            continue
        if trash is not None:
            dispose(leftover, trash)
        else:
            shutil.rmtree(leftover, ignore_errors=True)


def discard(stage: Path) -> None:
    shutil.rmtree(stage, ignore_errors=True)
