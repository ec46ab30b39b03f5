"""A clerk in a real browser: sign in, upload a ledger with a mistake, see the cell, fix it,
confirm, and find the commit by the clerk and the new period on the rebuilt site.

Runs `juwu intake` itself (uvicorn) on a free 127.0.0.1 port against a private git copy of the
demo data; Chromium is Debian's, headless.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from playwright import sync_api as playwright

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from intake_helpers import git, ledger_csv, make_city_repo  # noqa: E402

from generator.intake.users import add_user  # noqa: E402

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CODE = "319901001002"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def service(tmp_path):
    data = make_city_repo(tmp_path)
    users = tmp_path / "users.json"
    user, password = add_user(users, CODE, display_name="魏凤凤（华庭里社区）")
    port = _free_port()
    site = tmp_path / "site"
    log = open(tmp_path / "service.log", "w")
    process = subprocess.Popen(
        [sys.executable, "-m", "generator", "intake", "--data", str(data), "--port", str(port), "--users", str(users),
         "--state", str(tmp_path / "state"), "--site", str(site), "--insecure-cookies", "--allow-placeholder-url"],
        stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(base + "/login", timeout=2)
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise AssertionError((tmp_path / "service.log").read_text())
            time.sleep(0.2)
    yield {"base": base, "data": data, "site": site, "user": user, "password": password, "state": tmp_path / "state"}
    process.terminate()
    process.wait(20)
    log.close()


@pytest.fixture
def page():
    assert Path(CHROMIUM).exists(), "browser tests need Debian's chromium (make system-deps)"
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                                    args=["--no-sandbox", "--disable-background-networking"])
        context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")  # a phone
        yield context.new_page()
        browser.close()


def _fill_header(page, closing: str) -> None:
    page.fill("input[name=closing_balance]", closing)
    page.fill("input[name=published_on]", "2025-02-05")
    page.fill("input[name=reviewed_on]", "2025-02-03")
    page.fill("textarea[name=opinion]", "经民主理财小组审核，凭证齐全，同意公开。")


def test_clerk_fixes_a_mistake_and_publishes_a_month(service, page):
    before = git(service["data"].parent, "rev-parse", "HEAD").strip()
    page.goto(service["base"] + "/")
    page.fill("input[name=username]", service["user"].username)
    page.fill("input[name=password]", service["password"])
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(rf"/c/{CODE}/$"))
    assert "华庭里社区" in page.inner_text("h1")

    page.click("text=上传一个月的收支公开（账期）")
    assert page.input_value("input[name=period]") == "2025-01"  # the month after the last one
    assert page.input_value("input[name=opening_balance]") == "14926.47"
    _fill_header(page, "29726.47")
    wrong = ledger_csv(expense="2OO.00")  # letter O typed for zero, as happens in Excel
    page.set_input_files("input[name=file]", {"name": "2025年1月.csv", "mimeType": "text/csv",
                                              "buffer": wrong.encode("gbk")})
    page.click("text=上传并检查")
    result = page.locator(".result")
    result.wait_for()
    text = result.inner_text()
    assert "单元格 F3" in text and "支出" in text and "2OO.00" in text
    assert git(service["data"].parent, "rev-parse", "HEAD").strip() == before

    assert page.input_value("input[name=closing_balance]") == "29726.47"  # the form kept what was typed
    page.set_input_files("input[name=file]", {"name": "2025年1月.csv", "mimeType": "text/csv",
                                              "buffer": ledger_csv().encode("gbk")})
    page.click("text=上传并检查")
    page.locator("text=检查通过，请确认").wait_for()
    assert "200.00" in page.inner_text("table.summary")
    page.click("text=确认提交并公开")
    page.locator("h1:has-text('已提交')").wait_for()

    repo = service["data"].parent
    assert git(repo, "rev-list", "--count", f"{before}..HEAD").strip() == "1"
    assert git(repo, "log", "-1", "--format=%an <%ae>").strip() == "魏凤凤（华庭里社区） <319901001002@intake.invalid>"
    assert "公开 2025-01 财务收支" in git(repo, "log", "-1", "--format=%s")

    published = service["site"] / f"c/{CODE}/finance/2025-01/index.html"
    deadline = time.monotonic() + 180
    while not published.is_file():
        assert time.monotonic() < deadline, (service["state"] / "rebuild.log").read_text()
        time.sleep(0.5)
    page.goto(published.as_uri())
    body = page.inner_text("body")
    assert "2025年1月" in body and "街道拨付社区办公经费" in body and "29,726.47" in body


def _sign_in(service, page) -> None:
    page.goto(service["base"] + "/")
    page.fill("input[name=username]", service["user"].username)
    page.fill("input[name=password]", service["password"])
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(rf"/c/{CODE}/$"))


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("width", (360, 412))
def test_clerk_fills_in_committee_and_report_forms_and_downloads_the_sheets(service, page, width, tmp_path):
    page.set_viewport_size({"width": width, "height": 800})
    repo = service["data"].parent
    _sign_in(service, page)

    page.click("text=上传监督委员会基本信息")
    assert page.input_value("input[name=supervision_phone]") == "021-69381500"  # the published details
    assert page.locator("select[name=elected_by]").input_value() == "居民会议"
    assert _fits(page)
    page.screenshot(path=str(tmp_path / f"committee-{width}.png"), full_page=True)
    page.fill("input[name=office_hours]", "周一至周六 8:30-17:30")
    page.select_option("select[name=six_seal]", "否")
    page.click("text=上传并检查")
    page.locator("text=检查通过，请确认").wait_for()
    page.click("text=确认提交并公开")
    page.locator("h1:has-text('已提交')").wait_for()
    assert _fits(page)
    page.screenshot(path=str(tmp_path / f"committee-done-{width}.png"), full_page=True)
    with page.expect_download() as download:
        page.click("text=下载成员公示（PDF）")
    roster = Path(download.value.path()).read_bytes()
    assert roster.startswith(b"%PDF") and download.value.suggested_filename == f"{CODE}-roster.pdf"
    text = (service["data"] / f"communities/{CODE}/committee.yaml").read_text(encoding="utf-8")
    assert 'hours: "周一至周六 8:30-17:30"' in text and "seal: 否" in text

    page.goto(service["base"] + f"/c/{CODE}/upload/report")
    assert page.locator("input[name=slug]").count() == 0  # no English short name to invent
    page.select_option("select[name=type]", "监督事项")
    page.fill("input[name=date]", "2025-01-22")
    page.fill("input[name=title]", "一月保洁服务合同执行情况")
    page.fill("textarea[name=body]", "## 检查情况\n\n核对了一月份保洁服务记录和付款凭证，未发现问题。\n")
    page.click("text=上传并检查")
    page.locator("text=检查通过，请确认").wait_for()
    assert "2025-01-22-supervision.md" in page.inner_text("main")
    page.click("text=确认提交并公开")
    page.locator("h1:has-text('已提交')").wait_for()
    with page.expect_download() as download:
        page.click("text=下载监督报告（PDF）")
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF")
    assert "发布报告“一月保洁服务合同执行情况”" in git(repo, "log", "-1", "--format=%s")


def test_clerk_uploads_the_year_workbook_and_sees_each_month_on_a_phone(service, page, tmp_path):
    """One upload, one row per month: January passes, February names its cell (2月!E14), March waits;
    the table fits a phone; confirming publishes January alone."""
    from tests.test_intake_year import _book, _specs

    from tests import boardfixture as bf

    repo = service["data"].parent
    before = git(repo, "rev-parse", "HEAD").strip()
    _sign_in(service, page)
    page.click("text=上传全年收支公开")
    page.fill("input[name=year]", "2025")
    page.set_input_files("input[name=file]", {"name": "2025年收支.xlsx", "buffer": _book(
        _specs(), broken={1: {"total_income": bf.INCOME + 100}}),
        "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"})
    page.click("text=上传并检查")
    page.locator("h1:has-text('逐月检查结果')").wait_for()
    rows = page.locator("table.months tbody tr")
    assert rows.count() == 3
    assert "检查通过，将公开" in rows.nth(0).inner_text() and "有错误" in rows.nth(1).inner_text()
    assert "要等前面" in rows.nth(2).inner_text()
    assert "2月!E14" in page.inner_text("main")
    assert _fits(page)
    page.screenshot(path=str(tmp_path / "year.png"), full_page=True)
    page.click("text=确认提交并公开通过检查的月份")
    page.locator("h1:has-text('已提交')").wait_for()
    assert git(repo, "rev-list", "--count", f"{before}..HEAD").strip() == "1"
    files = git(repo, "show", "--name-only", "--format=", "HEAD")
    assert "2025-01.csv" in files and "2025-02" not in files
