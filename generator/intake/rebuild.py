"""Site rebuilds after accepted uploads: one at a time, from the committed data, never half-done.

Requests coalesce (ten uploads during one build cause one more build, not ten). Each build reads
a private git worktree checked out at the commit being published, so an upload landing meanwhile
cannot be half-read; `generator.build.build` swaps the site in only when the whole build
succeeded, so a failed rebuild leaves the published site as it was. Status and log are in the
state folder for the operator's page.
"""

from __future__ import annotations

import json
import threading
import time
import traceback
from pathlib import Path

from generator.config import BuildPaths
from generator.intake import repo
from generator.intake.settings import IntakeSettings


class Rebuilder:
    def __init__(self, settings: IntakeSettings):
        self.settings = settings
        self._lock = threading.Lock()
        self._wanted = False
        self._running = False
        self._idle = threading.Event()
        self._idle.set()

    @property
    def status_file(self) -> Path:
        return self.settings.state / "rebuild-status.json"

    def request(self, reason: str) -> None:
        self._log(f"queued: {reason}")
        with self._lock:
            self._wanted = True
            self._idle.clear()
            if not self._running:
                self._running = True
                threading.Thread(target=self._run, name="juwu-rebuild", daemon=True).start()

    def recover(self, rebuild: bool) -> None:
        """At start-up: a status still "running" was a build killed with the previous process; say so
        and build again (as when REBUILD, a publication recovered from its journal, needs it)."""
        stale = self.status().get("state") == "running"
        if stale:
            old = self.status()
            self._status("interrupted", old.get("commit", ""), time.time(),
                         "上次生成被中断（服务重启）" + ("，正在重新生成" if self.settings.rebuild else "，网站保持原样"))
        if (stale or rebuild) and self.settings.rebuild:
            self.request("restart: finish what the previous process left")

    def wait(self, timeout: float) -> bool:
        """True when no rebuild is queued or running (tests and shutdown)."""
        return self._idle.wait(timeout)

    def status(self) -> dict:
        try:
            return json.loads(self.status_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {"state": "never", "message": "尚未重新生成过网站"}

    def log_tail(self, lines: int = 40) -> list[str]:
        try:
            return self.settings.rebuild_log.read_text(encoding="utf-8").splitlines()[-lines:]
        except OSError:
            return []

    def _run(self) -> None:
        while True:
            with self._lock:
                if not self._wanted:
                    self._running = False
                    self._idle.set()
                    return
                self._wanted = False
            self._build_once()

    def _build_once(self) -> None:
        from generator.build import build

        started = time.time()
        commit = ""
        try:
            tree, commit = self._checkout()
            data = tree / self._data_prefix()
            self._status("running", commit, started, "正在重新生成网站")
            repo.checkpoint(self.settings, "rebuild-running")
            result = build(BuildPaths.for_data(data, self.settings.site))
            if result.built and result.held:
                held = sorted(result.held)
                self._status("ok", commit, started, f"已发布 {result.pages} 个页面；{len(held)} 个社区数据待更正，"
                             "保留上次核对无误的内容", pages=result.pages, held=held)
            elif result.built:
                self._status("ok", commit, started, f"已发布 {result.pages} 个页面", pages=result.pages)
            else:
                errors = [f"{p.file}: {p.zh}" for p in result.problems.errors][:20]
                self._status("failed", commit, started, "数据有错误，网站保持原样", errors=errors)
        except Exception as exc:  # any failure must reach the operator, never kill the worker
            self._status("failed", commit, started, f"生成失败，网站保持原样：{type(exc).__name__}: {exc}",
                         errors=traceback.format_exc().splitlines()[-8:])

    def _data_prefix(self) -> str:
        data = self.settings.data.resolve()
        return str(data.relative_to(repo.toplevel(data)))

    def _checkout(self) -> tuple[Path, str]:
        """The private worktree, moved to the current HEAD (created the first time)."""
        data = self.settings.data.resolve()
        top = repo.toplevel(data)
        tree = (self.settings.state / "build-tree").resolve()
        with repo.repo_lock(self.settings):
            commit = repo.git(top, "rev-parse", "HEAD").strip()
            if not (tree / ".git").exists():
                repo.git(top, "worktree", "prune")
                repo.git(top, "worktree", "add", "--detach", "--force", str(tree), commit)
            else:
                repo.git(tree, "checkout", "--quiet", "--detach", "--force", commit)
        return tree, commit

    def _status(self, state: str, commit: str, started: float, message: str, **extra) -> None:
        record = {"state": state, "commit": commit, "started": _stamp(started),
                  "finished": _stamp(time.time()) if state != "running" else None, "message": message, **extra}
        self.settings.state.mkdir(parents=True, exist_ok=True)
        tmp = self.status_file.with_suffix(".tmp")
        tmp.write_text(json.dumps(record, ensure_ascii=False, indent=2), encoding="utf-8")
        tmp.replace(self.status_file)
        self._log(f"{state} {commit[:10]} {message}" + "".join(f"\n    {e}" for e in extra.get("errors", [])))

    def _log(self, line: str) -> None:
        self.settings.state.mkdir(parents=True, exist_ok=True)
        with open(self.settings.rebuild_log, "a", encoding="utf-8") as f:
            f.write(f"{_stamp(time.time())} {line}\n")


def _stamp(t: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S%z", time.localtime(t))
