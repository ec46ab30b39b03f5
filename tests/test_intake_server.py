"""The server Juwu ships stays responsive: slow clients and slow files cannot take it down (issue 13).

The service runs under a real uvicorn on 127.0.0.1 (a free port), configured by
`generator.intake.server.config` exactly as `juwu intake` runs it. Every wait is bounded.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import threading
import time
from dataclasses import replace
from pathlib import Path

import httpx
import pytest
import uvicorn

from generator.intake import uploads
from generator.intake.app import Busy, create_app
from generator.intake.server import config
from generator.intake.users import add_user
from intake_helpers import (CLOSING_2024_12, CODE, csrf, free_port, intake_settings, ledger_csv, ledger_fields)

OTHER = "319901001003"
NGINX_EXAMPLE = Path(__file__).resolve().parent.parent / "generator/templates/intake/nginx-intake.conf"


class Live:
    def __init__(self, settings):
        self.settings = settings
        self.app = create_app(settings)
        self.port = free_port()
        self.server = uvicorn.Server(config(self.app, self.port, settings.limits, log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            assert time.monotonic() < deadline and self.thread.is_alive()
            time.sleep(0.05)

    def url(self, path: str = "") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def client(self, username: str, password: str) -> tuple[httpx.Client, str]:
        client = httpx.Client(base_url=self.url(), follow_redirects=False, timeout=30)
        assert client.post("/login", data={"username": username, "password": password,
                                           "csrf": csrf(client.get("/login").text)}).status_code == 303
        return client, csrf(client.get("/login").text)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(15)


@pytest.fixture
def live(tmp_path):
    settings = intake_settings(tmp_path)
    settings = replace(settings, limits=replace(settings.limits, header_timeout=1.0, max_connections=20))
    server = Live(settings)
    yield server
    server.stop()


def _answered_within(url: str, seconds: float) -> httpx.Response | None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            response = httpx.get(url, timeout=2)
            if response.status_code == 200:
                return response
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    return None


def test_half_sent_headers_do_not_starve_other_requests(live):
    sockets = []
    try:
        for _ in range(50):  # far more than max_connections, each stuck half-way through its header
            sock = socket.create_connection(("127.0.0.1", live.port), timeout=10)
            sock.sendall(b"GET /login HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
            sockets.append(sock)
        assert _answered_within(live.url("/login"), 20) is not None
        for sock in sockets:  # and each slow client was cut off (recv sees the close)
            assert sock.recv(1024) == b""
    finally:
        for sock in sockets:
            sock.close()


def test_a_slow_header_on_a_kept_alive_connection_is_cut_off_too(live):
    with socket.create_connection(("127.0.0.1", live.port), timeout=10) as sock:
        sock.sendall(b"GET /login HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        first = b""
        while b"</html>" not in first:
            chunk = sock.recv(65536)
            assert chunk, first[:300]
            first += chunk
        assert first.startswith(b"HTTP/1.1 200")
        sock.sendall(b"GET /login HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
        assert sock.recv(1024) == b""  # closed by the header deadline (the socket timeout bounds the wait)


def test_a_header_growing_past_the_limit_is_refused_without_buffering_more(live):
    with socket.create_connection(("127.0.0.1", live.port), timeout=10) as sock:
        # Never finished: the server answers once it holds more than max_header_bytes of it.
        sock.sendall(b"GET /login HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + b"a" * 40_000)
        reply = sock.recv(1024)
    assert reply.startswith(b"HTTP/1.1 4"), reply[:100]


def test_parsing_an_upload_never_blocks_sign_ins(live, monkeypatch):
    entered, release = threading.Event(), threading.Event()
    real_reader = uploads.read_table_upload

    def slow_reader(data):  # a workbook that takes long to read
        entered.set()
        release.wait(30)
        return real_reader(data)

    monkeypatch.setattr(uploads, "read_table_upload", slow_reader)
    clerk, password = add_user(live.settings.users, CODE)
    client, token = live.client(clerk.username, password)
    results = []

    def upload():
        results.append(client.post(f"/c/{CODE}/upload/ledger", data=ledger_fields(token, "2025-01", CLOSING_2024_12, "29726.47"),
                                   files={"file": ("x.csv", ledger_csv().encode(), "text/csv")}))

    worker = threading.Thread(target=upload, daemon=True)
    worker.start()
    try:
        assert entered.wait(20)
        # While that file is being read, another clerk signs in and sees the sign-in page.
        other, other_password = add_user(live.settings.users, OTHER)
        with httpx.Client(base_url=live.url(), follow_redirects=False, timeout=5) as second:
            page = second.get("/login")
            assert page.status_code == 200
            signed = second.post("/login", data={"username": other.username, "password": other_password,
                                                 "csrf": csrf(page.text)})
            assert signed.status_code == 303
            assert second.get(f"/c/{OTHER}/").status_code == 200
    finally:
        release.set()
        worker.join(60)
    assert results and results[0].status_code == 200, results


def test_uploads_for_one_community_wait_for_each_other_but_not_for_other_communities(tmp_path):
    settings = intake_settings(tmp_path)
    settings = replace(settings, limits=replace(settings.limits, upload_wait=0.2))
    service = create_app(settings).service
    holding, done = threading.Event(), threading.Event()

    def hold():
        with service.community_lock(CODE):
            holding.set()
            done.wait(30)

    thread = threading.Thread(target=hold, daemon=True)
    thread.start()
    try:
        assert holding.wait(10)
        with pytest.raises(Busy):
            with service.community_lock(CODE):
                pass
        with service.community_lock(OTHER):  # another community is not held up
            pass
    finally:
        done.set()
        thread.join(10)
    with service.community_lock(CODE):  # and the community is free again afterwards
        pass


def test_busy_community_tells_the_clerk_to_retry(live, monkeypatch):
    clerk, password = add_user(live.settings.users, CODE)
    client, token = live.client(clerk.username, password)

    def busy(code):
        raise Busy()

    monkeypatch.setattr(live.app.service, "community_lock", busy)
    response = client.post(f"/c/{CODE}/upload/members", data={"csrf": token},
                           files={"file": ("m.csv", b"name,role\n", "text/csv")})
    assert response.status_code == 503 and "正在检查" in response.text and "try again" in response.text


def test_the_nginx_example_sets_every_limit():
    text = NGINX_EXAMPLE.read_text(encoding="utf-8")
    for directive in ("client_header_timeout", "client_body_timeout", "client_max_body_size", "limit_conn ",
                      "limit_req ", "limit_conn_zone", "limit_req_zone", "proxy_pass http://127.0.0.1:8765",
                      "X-Forwarded-For $remote_addr"):
        assert directive in text, directive


def test_the_nginx_example_parses(tmp_path):
    """`nginx -t` on the example as shipped (only the certificate paths point at a throwaway pair).
    nginx is a test dependency (Debian: nginx-light), like chromium for the browser tests."""
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    assert Path(nginx).is_file(), "nginx is needed for this test: apt-get install nginx-light"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=juwu.test",
                    "-keyout", str(tmp_path / "key.pem"), "-out", str(tmp_path / "cert.pem")],
                   check=True, capture_output=True, timeout=60)
    site = NGINX_EXAMPLE.read_text(encoding="utf-8")
    site = site.replace("/etc/ssl/juwu/fullchain.pem", str(tmp_path / "cert.pem"))
    site = site.replace("/etc/ssl/juwu/privkey.pem", str(tmp_path / "key.pem"))
    conf = tmp_path / "nginx.conf"
    conf.write_text(f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
                    f"http {{\naccess_log off;\n{site}\n}}\n", encoding="utf-8")
    out = subprocess.run([nginx, "-t", "-q", "-c", str(conf), "-p", str(tmp_path), "-e", str(tmp_path / "e.log")],
                         capture_output=True, text=True, timeout=30)
    assert out.returncode == 0, out.stderr
