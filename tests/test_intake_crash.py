"""`kill -9` in the middle of a publication or a rebuild leaves nothing half-done (issue 13).

Each test runs the real service (`python -m generator intake`) as a subprocess with
JUWU_INTAKE_PAUSE_AT naming a point where it stops (IntakeSettings.pause_at), kills it there with
SIGKILL, restarts it, and checks the repository (a clean tree, a whole commit or none), the rebuild
status and the site, then publishes the next month on top. Every wait is bounded.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from generator.intake.users import add_user
from generator.gather import validate_city
from intake_helpers import (CLOSING_2024_12, CODE, csrf, free_port, git, head, ledger_csv, ledger_fields,
                            make_city_repo, upload_id)

JAN_CLOSING = "29726.47"


class Service:
    def __init__(self, tmp: Path):
        self.tmp = tmp
        self.data = make_city_repo(tmp)
        self.state, self.site, self.users = tmp / "state", tmp / "site", tmp / "users.json"
        self.user, self.password = add_user(self.users, CODE, display_name="魏凤凤（华庭里社区）")
        self.process: subprocess.Popen | None = None
        self.port = 0

    def start(self, pause_at: str | None = None) -> None:
        self.port = free_port()
        env = {k: v for k, v in os.environ.items() if k != "JUWU_INTAKE_PAUSE_AT"}
        env |= {"NO_MKDOCS_2_WARNING": "1"} | ({"JUWU_INTAKE_PAUSE_AT": pause_at} if pause_at else {})
        log = open(self.tmp / "service.log", "a")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "generator", "intake", "--data", str(self.data), "--port", str(self.port),
             "--users", str(self.users), "--state", str(self.state), "--site", str(self.site), "--insecure-cookies"],
            stdout=log, stderr=subprocess.STDOUT, env=env, cwd=Path(__file__).resolve().parent.parent)
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(self.url("/login"), timeout=2)
                return
            except httpx.HTTPError:
                assert self.process.poll() is None and time.monotonic() < deadline, self.log()
                time.sleep(0.2)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def log(self) -> str:
        return (self.tmp / "service.log").read_text(encoding="utf-8", errors="replace")

    def client(self) -> tuple[httpx.Client, str]:
        client = httpx.Client(base_url=self.url(""), follow_redirects=False, timeout=30)
        token = csrf(client.get("/login").text)
        assert client.post("/login", data={"username": self.user.username, "password": self.password,
                                           "csrf": token}).status_code == 303
        return client, csrf(client.get(f"/c/{CODE}/").text)

    def upload(self, client, token, period: str, opening: str, closing: str) -> str:
        lines = ledger_csv().replace("2025-01", period)
        after = f"2025-{int(period[5:]) + 1:02d}"  # reviewed and published in the following month
        response = client.post(f"/c/{CODE}/upload/ledger", data=ledger_fields(
            token, period, opening, closing, reviewed_on=f"{after}-03", published_on=f"{after}-05"),
                               files={"file": ("x.csv", lines.encode(), "text/csv")})
        assert response.status_code == 200, response.text[:2000]
        return upload_id(response.text)

    def kill_when_paused(self, point: str) -> None:
        marker = self.state / f"paused-at-{point}"
        deadline = time.monotonic() + 60
        while not marker.exists():
            assert time.monotonic() < deadline and self.process.poll() is None, self.log()
            time.sleep(0.05)
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(10)
        marker.unlink()

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)

    def status(self) -> dict:
        return json.loads((self.state / "rebuild-status.json").read_text(encoding="utf-8"))

    def wait_for_rebuild(self) -> dict:
        deadline = time.monotonic() + 120
        while True:
            status = self.status() if (self.state / "rebuild-status.json").exists() else {}
            if status.get("state") in ("ok", "failed"):
                return status
            assert time.monotonic() < deadline, (status, self.log())
            time.sleep(0.2)


@pytest.fixture
def service(tmp_path):
    s = Service(tmp_path)
    yield s
    s.stop()


def _confirm_in_background(client, token, upload: str) -> threading.Thread:
    def run():
        try:
            client.post(f"/c/{CODE}/confirm", data={"csrf": token, "upload": upload, "action": "confirm"}, timeout=30)
        except httpx.HTTPError:
            pass  # the service dies under this request: that is the point

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def _repository_is_whole(data: Path, before: str) -> bool:
    """Clean tree, valid data, and HEAD either unchanged or one whole commit of the three files. True if landed."""
    repo = data.parent
    assert git(repo, "status", "--porcelain") == ""
    git(repo, "fsck", "--strict")
    assert validate_city(data).ok
    if head(data) == before:
        assert not (data / f"communities/{CODE}/finance/2025-01.yaml").exists()
        return False
    assert git(repo, "rev-list", "--count", f"{before}..HEAD").strip() == "1"
    assert set(git(repo, "show", "--name-only", "--format=", "HEAD").split()) == {
        f"data/communities/{CODE}/finance/2025-01.csv", f"data/communities/{CODE}/finance/2025-01.yaml",
        "data/datapackage.yaml", "data/schemas/zh/ledger_lines.yaml"}  # Chinese header: its titled schema too
    return True


@pytest.mark.parametrize("point,lands", [("journal-written", False), ("committed", True), ("synced", True)])
def test_a_publication_killed_at_any_point_is_whole_after_restart(service, point, lands):
    before = head(service.data)
    service.start(pause_at=point)
    client, token = service.client()
    confirm = _confirm_in_background(client, token, service.upload(client, token, "2025-01", CLOSING_2024_12, JAN_CLOSING))
    service.kill_when_paused(point)
    confirm.join(30)
    if point == "committed":  # the moment that used to break the city: HEAD moved, files not yet in place
        assert git(service.data.parent, "status", "--porcelain") != ""

    service.start()
    assert not (service.state / "publish-journal.json").exists()
    assert _repository_is_whole(service.data, before) is lands
    status = service.wait_for_rebuild() if lands else None
    if lands:
        assert status["state"] == "ok" and status["commit"] == head(service.data), status
        assert (service.site / f"c/{CODE}/finance/2025-01/index.html").is_file()

    # The city goes on: the next month (or the same one again) is published on top and validates.
    client, token = service.client()
    period, opening, closing = ("2025-02", JAN_CLOSING, "44526.47") if lands else ("2025-01", CLOSING_2024_12, JAN_CLOSING)
    done = client.post(f"/c/{CODE}/confirm", data={
        "csrf": token, "upload": service.upload(client, token, period, opening, closing), "action": "confirm"})
    assert done.status_code == 200 and "已提交" in done.text, done.text[:2000]
    assert git(service.data.parent, "status", "--porcelain") == ""
    assert validate_city(service.data).ok
    assert service.wait_for_rebuild()["state"] == "ok"


def test_a_rebuild_killed_half_way_runs_again_after_restart(service):
    service.start(pause_at="rebuild-running")
    client, token = service.client()
    done = client.post(f"/c/{CODE}/confirm", data={
        "csrf": token, "upload": service.upload(client, token, "2025-01", CLOSING_2024_12, JAN_CLOSING),
        "action": "confirm"})
    assert done.status_code == 200
    service.kill_when_paused("rebuild-running")
    assert service.status()["state"] == "running"  # what the dead process left
    assert not (service.site / f"c/{CODE}/finance/2025-01/index.html").exists()

    service.start()  # the stale "running" record is replaced at start-up, then the build runs again
    status = service.wait_for_rebuild()
    assert status["state"] == "ok" and status["commit"] == head(service.data), status
    assert (service.site / f"c/{CODE}/finance/2025-01/index.html").is_file()
    assert "interrupted" in (service.state / "rebuild.log").read_text(encoding="utf-8")
