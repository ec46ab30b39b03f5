"""`juwu serve` rebuilds only when something changed (issue 17): reading files under a running
watcher rebuilds nothing; writing one rebuilds exactly once. Every wait is bounded; nothing here
asserts on how long anything took."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from watchdog.events import (DirModifiedEvent, FileClosedEvent, FileClosedNoWriteEvent, FileCreatedEvent,
                             FileDeletedEvent, FileModifiedEvent, FileMovedEvent, FileOpenedEvent)

from generator.serve import Changes, generated_content, is_change, rebuild_on_changes, watch

BOUND = 30.0  # seconds: the most any wait below may take before the test fails


def nothing_generated(path: str) -> bool:
    return False


@pytest.mark.parametrize("event, expected", [
    (FileOpenedEvent("/d/city.yaml"), False),
    (FileClosedNoWriteEvent("/d/city.yaml"), False),
    (FileClosedEvent("/d/city.yaml"), False),
    (DirModifiedEvent("/d/communities"), False),
    (FileModifiedEvent("/d/city.yaml"), True),
    (FileCreatedEvent("/d/new.csv"), True),
    (FileDeletedEvent("/d/old.csv"), True),
    (FileMovedEvent("/d/a.csv.tmp", "/d/a.csv"), True),
])
def test_only_writes_creations_moves_and_deletions_are_changes(event, expected):
    assert is_change(event, nothing_generated) is expected


def test_what_the_build_writes_into_content_is_not_a_change(tmp_path):
    generated = generated_content(tmp_path)
    assert not is_change(FileModifiedEvent(str(tmp_path / "index.md")), generated)
    assert not is_change(FileCreatedEvent(str(tmp_path / "_shell" / "x" / "index.md")), generated)
    assert is_change(FileModifiedEvent(str(tmp_path / "about" / "index.md")), generated)
    # A file moved out of the generated shells into a page of the user's is the user's change.
    assert is_change(FileMovedEvent(str(tmp_path / "_shell" / "index.md"), str(tmp_path / "guide.md")), generated)


def test_a_burst_of_changes_is_one_rebuild():
    changes = Changes(quiet=0.01, limit=1.0)
    for _ in range(50):
        changes.record(True)
    assert changes.take_burst(timeout=BOUND)
    assert not changes.take_burst(timeout=0)  # the whole burst was taken at once
    changes.record(False)  # an event that is not a change leaves nothing to take
    assert not changes.take_burst(timeout=0)


class Rebuilds:
    def __init__(self):
        self.count = 0
        self.done = threading.Condition()

    def __call__(self) -> int:
        with self.done:
            self.count += 1
            self.done.notify_all()
        return 0

    def wait_for(self, count: int) -> bool:
        with self.done:
            return self.done.wait_for(lambda: self.count >= count, BOUND)


def _read_everything(folder: Path) -> int:
    """Open and read every file, list every folder; returns how many files were read."""
    read = 0
    for root, _, names in os.walk(folder):
        for name in names:
            (Path(root) / name).read_bytes()
            read += 1
    return read


@pytest.fixture
def running_watcher(tmp_path):
    data = tmp_path / "data"
    (data / "communities" / "319901001002").mkdir(parents=True)
    (data / "city.yaml").write_text("name: 示例市\n", encoding="utf-8")
    (data / "communities.csv").write_text("code,name\n319901001002,华庭里社区\n", encoding="utf-8")
    (data / "communities" / "319901001002" / "members.csv").write_text("name\n张三\n", encoding="utf-8")
    changes, rebuilds, stop = Changes(), Rebuilds(), threading.Event()
    observer = watch([data], changes, nothing_generated)
    loop = threading.Thread(target=rebuild_on_changes, args=(changes, rebuilds, lambda message: None, stop))
    loop.start()
    try:
        yield data, changes, rebuilds
    finally:
        stop.set()
        observer.stop()
        loop.join(timeout=BOUND)
        observer.join(timeout=BOUND)


def _settle(folder: Path, changes: Changes) -> None:
    """Read a file and wait until the watcher reported it: every earlier event has then been seen."""
    before = changes.seen
    (folder / "city.yaml").read_bytes()
    assert changes.wait_seen(before + 2, BOUND), "the watcher did not report opening and closing a file"


def test_reading_files_under_a_running_watcher_rebuilds_nothing_and_a_write_rebuilds_once(running_watcher):
    data, changes, rebuilds = running_watcher
    for _ in range(3):
        read = _read_everything(data)
    assert read == 3
    _settle(data, changes)  # the reads were all reported (opened, closed) ...
    # Every file was seen opened and closed; the kernel may merge repeats of an event still unread
    # on a loaded machine (inotify(7)), so the three passes are not counted one by one.
    assert changes.seen >= 2 * read
    assert not changes.pending  # ... and none was a change
    assert rebuilds.count == 0

    members = data / "communities" / "319901001002" / "members.csv"
    members.write_text("name\n张三\n李四\n", encoding="utf-8")
    assert rebuilds.wait_for(1), "writing a file did not rebuild"
    _settle(data, changes)  # every event of the write has been reported since
    assert not changes.pending
    assert rebuilds.count == 1


def test_a_missing_page_gets_the_sites_404_page_with_status_404(tmp_path):
    import functools
    import http.server
    import urllib.error
    import urllib.request

    from generator.serve import SiteHandler

    (tmp_path / "index.html").write_text("<h1>首页</h1>", encoding="utf-8")
    (tmp_path / "404.html").write_text("<h1>页面不存在</h1>", encoding="utf-8")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(SiteHandler, directory=str(tmp_path)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}/"
        with urllib.request.urlopen(base, timeout=BOUND) as response:
            assert response.status == 200
        with pytest.raises(urllib.error.HTTPError) as missing:
            urllib.request.urlopen(base + "c/000000000000/", timeout=BOUND)
        assert missing.value.code == 404
        assert "页面不存在" in missing.value.read().decode("utf-8")
        assert missing.value.headers["Content-Type"] == "text/html; charset=utf-8"
    finally:
        server.shutdown()
        server.server_close()
