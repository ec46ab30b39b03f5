"""Shared by the upload-service tests: a private git copy of the demo data, accounts, sign-in."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

from generator.config import PROJECT_ROOT

DATA = PROJECT_ROOT / "data"
GIT_ENV = {"GIT_AUTHOR_NAME": "fixture", "GIT_AUTHOR_EMAIL": "fixture@example.invalid",
           "GIT_COMMITTER_NAME": "fixture", "GIT_COMMITTER_EMAIL": "fixture@example.invalid",
           "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
CSRF_RE = re.compile(r'name="csrf" value="([^"]+)"')
LEDGER_HEADER = "日期,凭证号,类别,摘要,收入,支出,资金来源,经办人\n"


def git(repo: Path, *args: str) -> str:
    out = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, env={**os.environ, **GIT_ENV})
    assert out.returncode == 0, out.stderr
    return out.stdout


_template: list[Path] = []


def make_city_repo(root: Path) -> Path:
    """ROOT/repo is a git repository whose data/ is a copy of the demo city; returns the data path.

    The repository is made once per test process (packed, so copying it is cheap) and copied."""
    if not _template:
        import atexit
        import tempfile

        base = Path(tempfile.mkdtemp(prefix="juwu-intake-template-"))
        atexit.register(shutil.rmtree, base, True)
        shutil.copytree(DATA, base / "data")
        git(base, "init", "-q", "-b", "main")
        git(base, "add", "-A")
        git(base, "commit", "-q", "-m", "demo city")
        git(base, "gc", "-q")
        _template.append(base)
    repo = root / "repo"
    shutil.copytree(_template[0], repo, symlinks=True)
    return repo / "data"


def csrf(html: str) -> str:
    match = CSRF_RE.search(html)
    assert match, html[:500]
    return match.group(1)


def sign_in(client, username: str, password: str):
    page = client.get("/login")
    return client.post("/login", data={"username": username, "password": password, "csrf": csrf(page.text)})


def ledger_fields(token: str, period: str, opening: str, closing: str, **extra) -> dict:
    return {"csrf": token, "period": period, "opening_balance": opening, "closing_balance": closing,
            "prepared_by": "魏凤凤", "reviewer": "任永良", "reviewed_on": "2025-02-03",
            "opinion": "经民主理财小组审核，同意公开。", "published_on": "2025-02-05", **extra}


def ledger_csv(expense: str = "200.00", income: str = "15000.00") -> str:
    return (LEDGER_HEADER
            + f"2025-01-03,记-2025-01-001,办公经费拨款,街道拨付社区办公经费,{income},,办公经费,魏凤凤\n"
            + f"2025-01-05,记-2025-01-002,办公用品,打印纸,,{expense},办公经费,魏凤凤\n")


def zip_bomb(unpacked: int = 60_000_000) -> bytes:
    """A zip that looks like a workbook and unpacks to UNPACKED bytes of zeros."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            chunk = b"\0" * 1_000_000
            for _ in range(unpacked // len(chunk)):
                sheet.write(chunk)
    return buffer.getvalue()


def status_clean(repo: Path) -> bool:
    return git(repo, "status", "--porcelain") == ""


CODE = "319901001002"  # 华庭里社区: last period 2024-12 closed at 14926.47
CLOSING_2024_12 = "14926.47"


def intake_settings(tmp_path: Path, **changes):
    """Settings for a service over a private git copy of the demo city (no rebuilds, plain-HTTP cookies)."""
    from generator.intake.settings import IntakeSettings, Limits

    data = make_city_repo(tmp_path)
    base = dict(data=data, state=tmp_path / "state", users=tmp_path / "users.json", site=tmp_path / "site",
                secure_cookies=False, rebuild=False, limits=Limits(max_body=400_000, max_file=300_000))
    return IntakeSettings(**(base | changes))


def client_for(settings):
    import warnings

    warnings.filterwarnings("ignore", message=".*httpx.*")
    from starlette.testclient import TestClient

    from generator.intake.app import create_app

    return TestClient(create_app(settings), base_url="http://testserver", follow_redirects=False)


def signed_in_clerk(settings, code: str, display_name: str = "魏凤凤"):
    """A test client signed in as a new clerk of `code`, and the CSRF token of its community page."""
    from generator.intake.users import add_user

    user, password = add_user(settings.users, code, display_name=display_name)
    client = client_for(settings)
    assert sign_in(client, user.username, password).status_code == 303
    return client, csrf(client.get(f"/c/{code}/").text)


def head(data: Path) -> str:
    return git(data.parent, "rev-parse", "HEAD").strip()


def upload_id(html: str) -> str:
    match = re.search(r'name="upload" value="([^"]+)"', html)
    assert match, html[:3000]
    return match.group(1)


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
