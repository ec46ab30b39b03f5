"""Supervision in a real browser at phone width: a city whose data has a six-member committee,
an unreadable ledger in another community, an overdue rectification and an opinion answered late
builds; the findings are on the community page and the 督办 page; the broken community keeps its
last good pages under the 数据待更正 notice; every other community is current."""

from __future__ import annotations

import shutil

import pytest
from playwright.sync_api import expect

from generator.build import build
from generator.config import BuildPaths
from tests.browser.conftest import serve
from tests.conftest import DATA
from tests.test_heldback import add_sixth_member, break_ledger, communities_with_ledgers


@pytest.fixture(scope="module")
def supervised(tmp_path_factory):
    root = tmp_path_factory.mktemp("supervised")
    data = root / "data"
    shutil.copytree(DATA, data)
    site = root / "site"
    assert build(BuildPaths.for_data(data, site)).built  # the last good site
    codes = communities_with_ledgers(data)
    six, broken = codes[4], codes[6]
    add_sixth_member(data, six)
    ledger = break_ledger(data, broken)
    result = build(BuildPaths.for_data(data, site))
    assert result.built and set(result.held) == {broken}
    url, server = serve(site)
    yield {"url": url, "six": six, "broken": broken, "ledger": ledger.name, "data": data, "result": result}
    server.shutdown()


@pytest.fixture
def narrow(browser):
    context = browser.new_context(viewport={"width": 360, "height": 800}, locale="zh-CN")
    page = context.new_page()
    yield page
    context.close()


def _no_sideways(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), page.url


def test_the_size_finding_is_on_the_community_and_the_supervision_page(narrow, supervised):
    six = supervised["six"]
    narrow.goto(supervised["url"] + f"c/{six}/")
    findings = narrow.locator("#findings").locator("xpath=..")
    expect(findings).to_contain_text("3–5")
    expect(findings).to_contain_text("现有 6")
    _no_sideways(narrow)
    narrow.goto(supervised["url"] + "supervision/")
    narrow.get_by_role("link", name="委员会人数", exact=False).first.click()
    expect(narrow.locator("table.juwu-table")).to_contain_text("现有 6")
    narrow.locator(f'tr:has-text("现有 6") a[href*="c/{six}/"]').first.click()
    narrow.wait_for_url(f"**/c/{six}/#findings")
    _no_sideways(narrow)


def test_the_broken_community_keeps_its_last_good_pages_under_the_notice(narrow, supervised):
    broken = supervised["broken"]
    narrow.goto(supervised["url"] + f"c/{broken}/")
    notice = narrow.locator(".juwu-held")
    expect(notice).to_contain_text("数据待更正")
    expect(notice).to_contain_text(supervised["ledger"])
    # Its months are still there, each with the notice.
    narrow.locator("#finance").locator("xpath=following::a[contains(@href, 'finance/')]").first.click()
    expect(narrow.locator(".juwu-held")).to_contain_text("数据待更正")
    _no_sideways(narrow)


def test_overdue_items_show_their_dates_and_other_communities_are_current(narrow, supervised):
    from generator.gather import validate_city

    findings = validate_city(supervised["data"]).problems.findings  # the whole city (the build republished two)
    late = [p for p in findings if p.code in ("rectification-overdue", "opinion-answer-late")]
    assert {p.code for p in late} == {"rectification-overdue", "opinion-answer-late"}
    for p in late[:4]:
        if p.community == supervised["broken"]:
            continue
        narrow.goto(supervised["url"] + f"c/{p.community}/")
        section = narrow.locator("section.juwu-findings")
        date = p.due if p.closed is None else p.closed
        y, m, d = (int(x) for x in date.split("-"))
        expect(section).to_contain_text(f"{y}年{m}月{d}日")
    for code in communities_with_ledgers(supervised["data"]):
        if code == supervised["broken"]:
            continue
        narrow.goto(supervised["url"] + f"c/{code}/")
        assert narrow.locator(".juwu-held").count() == 0, code


@pytest.mark.parametrize("path", ["supervision/", "supervision/d/319901/"])
def test_supervision_pages_fit_a_phone_and_work_without_javascript(browser, supervised, path):
    for width in (320, 360, 412):
        context = browser.new_context(viewport={"width": width, "height": 800}, java_script_enabled=False)
        page = context.new_page()
        page.goto(supervised["url"] + path)
        expect(page.locator("h1")).to_be_visible()
        assert page.locator("a.juwu-chip").count() > 0  # the filters are plain links
        _no_sideways(page)
        context.close()
