"""Issue 18's records in a browser: the community page's list of records, each record kind's own
page, the dashboard's and a district's inspection results and the 工作机制 page fit a phone and have
no serious or critical axe violation."""

from __future__ import annotations

import pytest

from tests.browser.conftest import serious_violations
from tests.browser.test_phone_width import WIDEST
from tests.conftest import DATA, community_with_committee

CODE = community_with_committee()  # the demo's first committee: it failed its mid-year inspection


@pytest.mark.parametrize("path", [f"c/{CODE}/#records", f"c/{CODE}/inspections/#inspections",
                                  f"c/{CODE}/elections/#elections", f"c/{CODE}/projects/#projects",
                                  f"c/{CODE}/allowances/#support", "rollout/#inspections",
                                  f"d/{CODE[:6]}/#inspections", "mechanisms/"])
@pytest.mark.parametrize("width", [360, 1280])
def test_records_fit_and_pass_axe(browser, site_url, path, width):
    assert (DATA / "communities" / CODE / "inspections.csv").exists()
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN")
    page = context.new_page()
    try:
        page.goto(site_url + path)
        page.wait_for_load_state("load")
        anchor = path.split("#", 1)[1] if "#" in path else None
        if anchor:
            assert page.locator(f"#{anchor}").is_visible()
        scroll, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert scroll <= inner, page.evaluate(WIDEST)
        assert serious_violations(page) == []
    finally:
        context.close()


def test_the_failed_inspection_is_two_taps_from_the_community_page_on_a_phone(phone, site_url):
    phone.goto(f"{site_url}c/{CODE}/")
    phone.locator("#records").scroll_into_view_if_needed()
    phone.locator("#inspections a").click()  # the second tap (the first reached the community)
    phone.wait_for_load_state("load")
    assert phone.url.endswith(f"c/{CODE}/inspections/")
    section = phone.locator("#inspections ~ div table").first
    assert "不合格" in section.locator("caption").inner_text()
    assert phone.get_by_text("逾期未整改").first.is_visible()
    assert phone.locator("#sheet").is_visible() and phone.locator("#data").is_visible()
