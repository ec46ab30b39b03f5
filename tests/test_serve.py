"""`juwu serve` builds, serves on 127.0.0.1 and rebuilds when the data changes."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

from tests.conftest import read_csv_rows


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except OSError:
        return None


def fetch_status(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8")


def wait_for(predicate, seconds: float = 120):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.5)
    return None


def test_serve_rebuilds_when_data_changes(data_copy, tmp_path):
    port = free_port()
    communities = data_copy / "communities.csv"
    first = read_csv_rows(communities)[0]
    log = tmp_path / "serve.log"

    def builds() -> list[str]:
        # Each build ends with one summary line (已生成 … or 已重新发布 …).
        text = log.read_text(encoding="utf-8", errors="replace")
        return [line for line in text.splitlines() if line.startswith(("已生成 ", "已重新发布 "))]

    with log.open("w", encoding="utf-8") as stderr:
        server = subprocess.Popen(
            [sys.executable, "-m", "generator", "serve", str(data_copy), "--site", str(tmp_path / "site"),
             "--port", str(port)], stdout=subprocess.DEVNULL, stderr=stderr, text=True)
        try:
            url = f"http://127.0.0.1:{port}/c/{first['code']}/"
            assert wait_for(lambda: (fetch(url) or "").count(first["name"])), "the site was not served"
            renamed = first["name"].replace("社区", "新村社区")
            communities.write_text(communities.read_text(encoding="utf-8").replace(first["name"], renamed, 1),
                                   encoding="utf-8")
            assert wait_for(lambda: renamed in (fetch(url) or "")), "the site was not rebuilt after the change"
            # The page goes live before the build has signed its manifest and said so: wait for its line.
            assert wait_for(lambda: len(builds()) >= 2), log.read_text(encoding="utf-8")[-2000:]
            missing = fetch_status(f"http://127.0.0.1:{port}/c/000000000000/")
            assert missing[0] == 404 and "页面不存在" in missing[1]  # the site's own Chinese 404 page
        finally:
            server.terminate()
            server.wait(timeout=20)
    # The first build and one rebuild for one write: the build reading data/ (and the fetches above)
    # are not changes.
    assert len(builds()) == 2, log.read_text(encoding="utf-8")[-2000:]
