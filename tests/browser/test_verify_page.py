"""A printed sheet's short code on /verify/, in Chromium at phone width: the sheet printed before an
amendment is "not the latest", with what changed since and a link to the history; the current
sheet is "current"; a code typed by hand (lower case, no dash) is found; a made-up code is unknown."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from generator.build import build
from generator.config import BuildPaths
from generator.demo import write_demo_city
from generator.print.select import Request, select_sheets
from generator.gather import validate_city
from tests.browser.conftest import serious_violations, serve

CODE = "319902001001"
PERIOD = "2024-05"


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=root, check=True, capture_output=True)


def printed_code(data: Path) -> str:
    """The code `juwu print` puts beside the QR code of the period's sheet."""
    [sheet] = select_sheets(validate_city(data).city, Request(community=CODE, period=PERIOD)).sheets
    return sheet.code


@pytest.fixture(scope="module")
def verified(tmp_path_factory):
    root = tmp_path_factory.mktemp("verify") / "repo"
    data = root / "data"
    write_demo_city(data, 3, seed=7)
    git(root, "init", "-q")
    git(root, "-c", "user.email=c@example.org", "-c", "user.name=c", "add", "-A")
    git(root, "-c", "user.email=c@example.org", "-c", "user.name=c", "commit", "-qm", "initial")
    old = printed_code(data)
    ledger = data / f"communities/{CODE}/finance/{PERIOD}.csv"
    text = ledger.read_text(encoding="utf-8")
    assert "固话及宽带费" in text
    ledger.write_text(text.replace("固话及宽带费", "固定电话及宽带费", 1), encoding="utf-8")
    git(root, "-c", "user.email=c@example.org", "-c", "user.name=c", "commit", "-qam",
        "更正 2024-05\n\n更正说明 Amendment: 摘要写错了")
    new = printed_code(data)
    site = root.parent / "site"
    assert build(BuildPaths.for_data(data, site)).built
    url, server = serve(site)
    yield {"url": url, "old": old, "new": new}
    server.shutdown()


def verdict(page) -> str:
    page.wait_for_function("document.querySelector('#result .verdict') && "
                           "!document.querySelector('#result').matches('[data-state=loading]')")
    return page.inner_text("#result")


def test_an_old_sheet_says_it_is_not_the_latest_and_links_to_what_changed(verified, phone):
    assert verified["old"] != verified["new"]
    phone.goto(verified["url"] + "verify/?c=" + verified["old"])
    said = verdict(phone)
    assert "这不是最新版本" in said and "第 1 版" in said and "摘要写错了" in said
    assert phone.get_attribute("#result", "data-state") == "old"
    phone.click("text=查看每次更改了什么")
    phone.wait_for_load_state()
    assert phone.url.endswith(f"c/{CODE}/finance/{PERIOD}/history/")
    body = phone.inner_text("body")
    assert "第 2 版（现行版本）" in body and "固定电话及宽带费" in body


def test_the_current_sheet_is_current_and_a_typed_code_is_found(verified, phone):
    phone.goto(verified["url"] + "verify/?c=" + verified["new"])
    assert "这是现行版本" in verdict(phone)
    phone.click("text=查看网上公开的内容")
    phone.wait_for_load_state()
    assert phone.url.endswith(f"c/{CODE}/finance/{PERIOD}/")
    phone.goto(verified["url"] + "verify/")
    phone.fill("#code", verified["new"].lower().replace("-", " "))
    phone.click("button[type=submit]")
    assert "这是现行版本" in verdict(phone)
    assert phone.input_value("#code") == verified["new"]
    assert verified["new"] in phone.url


def test_an_unknown_or_malformed_code_says_so_in_plain_chinese(verified, phone):
    known = {verified["old"], verified["new"]}
    made_up = next(c for c in ("ZZZZ-ZZZZ", "ZZZZ-ZZZY") if c not in known)
    phone.goto(verified["url"] + "verify/?c=" + made_up)
    assert "查不到核验码 " + made_up in verdict(phone)
    phone.goto(verified["url"] + "verify/?c=<b>12")
    said = verdict(phone)
    assert "核验码应为 8 位字母和数字" in said
    assert phone.locator("#result b").count() == 0  # what was typed is never markup


def test_the_verify_page_fits_a_phone_and_has_no_serious_accessibility_problems(verified, phone):
    phone.set_viewport_size({"width": 320, "height": 700})
    phone.goto(verified["url"] + "verify/?c=" + verified["old"])
    verdict(phone)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 320
    assert serious_violations(phone) == []


def test_a_period_never_changed_leads_to_its_row_of_the_community_history(verified, phone):
    """Every page links to its history: one never changed, to its row (first published, current
    code) on the community's history page, which fits a phone."""
    phone.set_viewport_size({"width": 320, "height": 700})
    phone.goto(verified["url"] + f"c/{CODE}/finance/2024-06/")
    phone.click(".juwu-history-link a")
    phone.wait_for_load_state()
    assert phone.url.endswith(f"c/{CODE}/history/#p-2024-06")
    row = phone.locator("#p-2024-06")
    assert "公开后未更改过" in row.inner_text()
    assert phone.evaluate("(() => { const r = document.getElementById('p-2024-06').getBoundingClientRect();"
                          " return r.top >= 0 && r.top < window.innerHeight; })()")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 320
    assert serious_violations(phone) == []
