"""Preview server: build, serve the site folder, rebuild when the sources change.

Only a change rebuilds: a file written, created, moved or deleted. Opening or reading a file (an
editor, `cat`, the build itself reading data/) is not a change, and a burst of changes (an editor
saving several files) is one rebuild.
"""

from __future__ import annotations

import functools
import http.server
import threading
import time
from pathlib import Path
from typing import Callable

from watchdog.events import (EVENT_TYPE_CREATED, EVENT_TYPE_DELETED, EVENT_TYPE_MODIFIED, EVENT_TYPE_MOVED,
                             FileSystemEvent, FileSystemEventHandler)

from generator.site import shell

# Kinds of event that are a change; watchdog also reports opened, closed and attribute events.
CHANGE_EVENTS = frozenset({EVENT_TYPE_CREATED, EVENT_TYPE_DELETED, EVENT_TYPE_MODIFIED, EVENT_TYPE_MOVED})
QUIET_SECONDS = 0.5  # a burst ends when no change came for this long
BURST_LIMIT_SECONDS = 5.0  # ... or this long after its first change, however busy the folder
NOT_FOUND_PAGE = "404.html"


def serve(rebuild: Callable[[], int], site: Path, watched: list[Path], port: int,
          say: Callable[[str], None], generated: Callable[[str], bool] = lambda path: False) -> None:
    """Build, serve SITE on 127.0.0.1:PORT, and rebuild after each burst of changes under WATCHED.
    `generated`: paths the build itself writes (their changes are the build's own, not the user's)."""
    rebuild()
    changes = Changes()
    observer = watch(watched, changes, generated)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), functools.partial(SiteHandler, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    say(f"正在预览 serving on http://127.0.0.1:{port}/ （Ctrl+C 停止）")
    try:
        rebuild_on_changes(changes, rebuild, say, threading.Event())
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
        observer.stop()


def rebuild_on_changes(changes: "Changes", rebuild: Callable[[], int], say: Callable[[str], None],
                       stop: threading.Event) -> None:
    """Rebuild once per burst of changes, until `stop` is set (checked every second)."""
    while not stop.is_set():
        if changes.take_burst(timeout=1.0):
            say("检测到数据变化，重新生成 rebuilding…")
            rebuild()


def generated_content(content: Path) -> Callable[[str], bool]:
    """The files the build writes into content/ (shells and the navigation pages): not user changes."""
    root = content.resolve()
    written = {root / f"{page}index.md" for page in shell.NAV_PAGES}
    shells = root / "_shell"

    def generated(path: str) -> bool:
        p = Path(path).resolve()
        return p in written or p == shells or shells in p.parents
    return generated


def is_change(event: FileSystemEvent, generated: Callable[[str], bool]) -> bool:
    """A write, creation, move or deletion of something the build did not write itself.

    A folder's "modified" is left out: it only says that something inside it changed, which is
    reported for that thing; a folder created, moved or deleted is a change."""
    if event.event_type not in CHANGE_EVENTS:
        return False
    if event.is_directory and event.event_type == EVENT_TYPE_MODIFIED:
        return False
    paths = [p for p in (event.src_path, getattr(event, "dest_path", "")) if p]
    return any(not generated(p if isinstance(p, str) else p.decode()) for p in paths)


class Changes:
    """What the watcher saw, handed to the serve loop in bursts (thread-safe)."""

    def __init__(self, quiet: float = QUIET_SECONDS, limit: float = BURST_LIMIT_SECONDS):
        self._cond = threading.Condition()
        self._quiet, self._limit = quiet, limit
        self._pending = False
        self._last = 0.0
        self.seen = 0  # every event reported, change or not

    def record(self, change: bool) -> None:
        with self._cond:
            self.seen += 1
            if change:
                self._pending, self._last = True, time.monotonic()
            self._cond.notify_all()

    @property
    def pending(self) -> bool:
        with self._cond:
            return self._pending

    def take_burst(self, timeout: float) -> bool:
        """Wait up to `timeout` for a change, then until the burst ends; True when there was one."""
        with self._cond:
            if not self._cond.wait_for(lambda: self._pending, timeout):
                return False
            first = time.monotonic()
            while True:
                left = min(self._last + self._quiet, first + self._limit) - time.monotonic()
                if left <= 0:
                    break
                self._cond.wait(left)
            self._pending = False
            return True

    def wait_seen(self, count: int, timeout: float) -> bool:
        """Wait up to `timeout` until `count` events have been reported (any kind)."""
        with self._cond:
            return self._cond.wait_for(lambda: self.seen >= count, timeout)


class _Handler(FileSystemEventHandler):
    def __init__(self, changes: Changes, generated: Callable[[str], bool]):
        super().__init__()
        self.changes, self.generated = changes, generated

    def on_any_event(self, event: FileSystemEvent) -> None:
        self.changes.record(is_change(event, self.generated))


def watch(paths: list[Path], changes: Changes, generated: Callable[[str], bool]):
    """Start a watchdog observer recording into `changes`; the caller stops it."""
    from watchdog.observers import Observer

    observer = Observer()
    handler = _Handler(changes, generated)
    for path in paths:
        if path.exists():
            observer.schedule(handler, str(path), recursive=True)
    observer.daemon = True
    observer.start()
    return observer


class SiteHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the site folder quietly; a missing page gets the site's own 404 page (status 404)."""

    def log_message(self, format, *args):  # noqa: A002 - signature from the base class
        pass

    def send_error(self, code, message=None, explain=None):
        page = Path(self.directory) / NOT_FOUND_PAGE
        if code != 404 or not page.is_file():
            return super().send_error(code, message, explain)
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
