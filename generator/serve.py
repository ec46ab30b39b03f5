"""Preview server: build, serve the site folder, rebuild when the sources change."""

from __future__ import annotations

import functools
import http.server
import threading
import time
from pathlib import Path
from typing import Callable


def serve(rebuild: Callable[[], int], site: Path, watched: list[Path], port: int,
          say: Callable[[str], None]) -> None:
    rebuild()
    changed = threading.Event()
    _watch(watched, changed)
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    say(f"正在预览 serving on http://127.0.0.1:{port}/ （Ctrl+C 停止）")
    try:
        while True:
            if changed.wait(timeout=1.0):
                time.sleep(0.5)  # let an editor finish saving several files
                changed.clear()
                say("检测到数据变化，重新生成 rebuilding…")
                rebuild()
    except KeyboardInterrupt:
        server.shutdown()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - signature from the base class
        pass


def _watch(paths: list[Path], changed: threading.Event) -> None:
    from watchdog.events import FileSystemEventHandler
    from watchdog.observers import Observer

    class Handler(FileSystemEventHandler):
        def on_any_event(self, event):
            if not event.is_directory and "/_shell/" not in event.src_path and not event.src_path.endswith(
                    ("content/index.md", "content/rollout/index.md")):
                changed.set()

    observer = Observer()
    for path in paths:
        if path.exists():
            observer.schedule(Handler(), str(path), recursive=True)
    observer.daemon = True
    observer.start()
