"""`juwu serve` builds, serves on 127.0.0.1 and rebuilds when the data changes."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
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
    server = subprocess.Popen(
        [sys.executable, "-m", "generator", "serve", str(data_copy), "--site", str(tmp_path / "site"),
         "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        url = f"http://127.0.0.1:{port}/c/{first['code']}/"
        assert wait_for(lambda: (fetch(url) or "").count(first["name"])), "the site was not served"
        renamed = first["name"].replace("社区", "新村社区")
        communities.write_text(communities.read_text(encoding="utf-8").replace(first["name"], renamed, 1),
                               encoding="utf-8")
        assert wait_for(lambda: renamed in (fetch(url) or "")), "the site was not rebuilt after the change"
    finally:
        server.terminate()
        server.wait(timeout=20)
