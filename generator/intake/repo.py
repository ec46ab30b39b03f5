"""Writing accepted uploads into data/ and committing them, one at a time.

Every write goes through `publish`, under a lock that is both a thread lock (this process) and
an flock on a file (any other process using the same state folder). Under the lock the upload is
checked once more against the data as it is *now* — another clerk may have changed the previous
period meanwhile — and written only when still clean; a failed commit puts every file back.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from generator.catalogue import DESCRIPTOR_NAME, build_descriptor, dump_yaml, scan_csv_paths
from generator.intake import staging
from generator.intake.settings import IntakeSettings
from generator.intake.uploads import Candidate, read_table_upload, table_as_csv
from generator.intake.users import User
from generator.load import yamlfile

COMMITTER = {"GIT_COMMITTER_NAME": "Juwu 上传服务", "GIT_COMMITTER_EMAIL": "intake@juwu.invalid"}
_thread_lock = threading.Lock()


class RepoError(Exception):
    def __init__(self, zh: str, en: str):
        super().__init__(en)
        self.zh, self.en = zh, en


class Conflict(RepoError):
    """The data changed since the upload was checked: the clerk should upload again."""


@dataclass
class Published:
    commit: str
    files: list[str]


def git(cwd: Path, *args: str, env: dict | None = None, check: bool = True) -> str:
    full_env = {**os.environ, "LC_ALL": "C", "GIT_TERMINAL_PROMPT": "0", **(env or {})}
    out = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, env=full_env, timeout=120)
    if check and out.returncode != 0:
        raise RepoError(f"git {args[0]} 失败：{out.stderr.strip()[:300]}", f"git {args[0]} failed: {out.stderr.strip()[:300]}")
    return out.stdout


def toplevel(data: Path) -> Path:
    try:
        return Path(git(data, "rev-parse", "--show-toplevel").strip())
    except (RepoError, OSError):
        raise RepoError(f"数据文件夹 {data} 不在 git 仓库中", f"the data folder {data} is not in a git repository") from None


@contextlib.contextmanager
def repo_lock(settings: IntakeSettings, timeout: float = 60.0):
    """Serialise every write to the repository, across threads and processes."""
    if not _thread_lock.acquire(timeout=timeout):
        raise Conflict("其他上传正在提交，请稍后重试", "another upload is being committed; try again shortly")
    try:
        settings.lock_file.parent.mkdir(parents=True, exist_ok=True)
        with open(settings.lock_file, "a+") as handle:
            deadline = time.monotonic() + timeout
            while True:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise Conflict("其他上传正在提交，请稍后重试",
                                       "another upload is being committed; try again shortly") from None
                    time.sleep(0.05)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)
    finally:
        _thread_lock.release()


def finalise(candidate: Candidate) -> Candidate:
    """The files as the data folder keeps them: an .xlsx sheet becomes UTF-8 CSV (readable diffs)."""
    out = Candidate(candidate.kind, candidate.community, removes=list(candidate.removes), what=candidate.what,
                    period=candidate.period, amendment=candidate.amendment)
    for rel, content in candidate.writes.items():
        if rel.endswith(".xlsx"):
            _, _, table = read_table_upload(content)
            out.writes[rel[:-5] + ".csv"] = table_as_csv(table)
            out.removes.append(rel)
        else:
            out.writes[rel] = content
    out.removes = sorted(set(out.removes) - set(out.writes))
    return out


def publish(settings: IntakeSettings, user: User, candidate: Candidate, base: dict[str, str | None],
            upload_id: str) -> Published:
    """Check again, write, commit; or raise Conflict / RepoError with data/ exactly as it was."""
    data = settings.data.resolve()
    top = toplevel(data)
    final = finalise(candidate)
    for rel in final.touched():
        staging.inside(user.community or "", rel)
    with repo_lock(settings):
        now = staging.file_hashes(data, sorted(base))
        if now != base:
            raise Conflict("你上传之后，这些文件已被修改（可能是同事刚刚提交），请重新上传核对",
                           "the files changed after your upload was checked; upload again")
        checked = staging.check(data, final.community, final, settings.state / "tmp")
        if not checked.ok:
            raise Conflict("与最新数据一起检查时发现错误（可能是同事刚刚提交），请重新上传核对",
                           "the upload has errors against the latest data; upload again")
        backup = {rel: _read(data / rel) for rel in final.touched() + [DESCRIPTOR_NAME]}
        try:
            _write(data, final)
            _write_catalogue(data)
            # Only what really changed: absent before and after (a format never uploaded) is no change.
            touched = [rel for rel, before in backup.items() if before != _read(data / rel)]
            paths = [str((data / rel).relative_to(top)) for rel in touched]
            git(top, "add", "--all", "--", *paths)
            git(top, "commit", "--quiet", f"--author={user.author}", "-m",
                commit_message(user, final, upload_id, touched), "--", *paths, env=COMMITTER)
            commit = git(top, "rev-parse", "HEAD").strip()
        except BaseException:
            _restore(top, data, backup)
            raise
    audit(settings, {"event": "publish", "user": user.username, "community": user.community,
                     "commit": commit, "files": touched, "what": final.what, "upload": upload_id,
                     "amendment": final.amendment})
    return Published(commit, touched)


def commit_message(user: User, c: Candidate, upload_id: str, touched: list[str]) -> str:
    lines = [f"{c.what}（社区 {c.community}）", "",
             f"Intake upload by {user.display_name} ({user.username}) for community {c.community}: {c.kind}."]
    if c.amendment:
        lines += ["", f"更正说明 Amendment: {c.amendment}"]
    lines += ["", "Files:"] + [f"  {'removed ' if rel in c.removes else ''}{rel}" for rel in touched]
    lines += ["", f"Upload-Id: {upload_id}"]
    return "\n".join(lines) + "\n"


def _write(data: Path, c: Candidate) -> None:
    for rel in c.removes:
        (data / rel).unlink(missing_ok=True)
    for rel, content in c.writes.items():
        target = data / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".intake-")
        with os.fdopen(fd, "wb") as f:
            f.write(content)
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)


def _restore(top: Path, data: Path, backup: dict[str, bytes | None]) -> None:
    for rel, content in backup.items():
        path = data / rel
        if content is None:
            path.unlink(missing_ok=True)
        else:
            path.write_bytes(content)
    paths = [str((data / rel).relative_to(top)) for rel in backup]
    git(top, "reset", "--quiet", "--", *paths, check=False)  # unstage; HEAD never moved


def _read(path: Path) -> bytes | None:
    return path.read_bytes() if path.is_file() else None


def _write_catalogue(data: Path) -> None:
    """Rewrite datapackage.yaml when the set of CSV files changed (it lists every CSV)."""
    path = data / DESCRIPTOR_NAME
    if not path.is_file():
        return
    try:
        current = yamlfile.parse(path.read_text(encoding="utf-8"))
    except yamlfile.YamlRefused:
        current = {}
    name = current.get("name").text if isinstance(current, dict) and hasattr(current.get("name"), "text") else "juwu-city"
    title = current.get("title").text if isinstance(current, dict) and hasattr(current.get("title"), "text") else None
    text = dump_yaml(build_descriptor(scan_csv_paths(data), name, title))
    if path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8", newline="\n")


def audit(settings: IntakeSettings, event: dict) -> None:
    """One JSON line per event, appended (O_APPEND) and flushed: the service's own audit trail."""
    settings.state.mkdir(parents=True, exist_ok=True)
    record = {"time": time.strftime("%Y-%m-%dT%H:%M:%S%z"), **event}
    line = (json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")
    fd = os.open(settings.audit_log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, line)
        os.fsync(fd)
    finally:
        os.close(fd)
