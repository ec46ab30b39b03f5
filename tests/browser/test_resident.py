"""A resident on a phone: home → district → street → community → a month's disclosure, and the
numbers on the screen are the numbers in the committee's files. Then the downloads, then axe."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import serious_violations
from tests.conftest import DATA, community_with_committee, read_csv_rows


def money(d: Decimal) -> str:
    return f"{d:,.2f}"


def test_resident_finds_the_month_and_sees_the_right_totals(phone, site_url):
    code = community_with_committee()
    row = next(r for r in read_csv_rows(DATA / "communities.csv") if r["code"] == code)
    ledger = sorted((DATA / "communities" / code / "finance").glob("*.csv"))[-1]
    lines = read_csv_rows(ledger)
    income = sum((Decimal(r["income"] or 0) for r in lines), Decimal(0))
    expense = sum((Decimal(r["expense"] or 0) for r in lines), Decimal(0))

    phone.goto(site_url)
    phone.get_by_role("link", name=row["district"], exact=True).first.click()
    phone.get_by_role("link", name=row["street"], exact=True).first.click()
    phone.get_by_role("link", name=row["name"], exact=True).first.click()
    expect(phone.locator("h1")).to_have_text(row["name"])  # retried until the community's page is in
    year, month = ledger.stem.split("-")
    phone.get_by_role("link", name=f"{int(year)}年{int(month)}月", exact=True).first.click()
    phone.wait_for_url(f"**/c/{code}/finance/{ledger.stem}/")
    phone.locator(".juwu-stat__label").first.wait_for()  # the new page, not the one being left

    stats = dict(zip(phone.locator(".juwu-stat__label").all_inner_texts(),
                     phone.locator(".juwu-stat__value").all_inner_texts()))
    assert stats["本期收入"] == money(income)
    assert stats["本期支出"] == money(expense)
    assert Decimal(stats["上期结存"].replace(",", "")) + income - expense == Decimal(stats["本期结存"].replace(",", ""))
    cards = phone.locator("table.juwu-ledger tbody tr")
    assert cards.count() == len(lines)
    assert phone.locator("table.juwu-ledger tbody tr").first.locator(".juwu-summary").inner_text() == lines[0]["summary"]
    # On a phone the ledger is cards: nothing sticks out sideways.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 412


def test_downloads_open_and_parse(phone, site_url):
    code = community_with_committee()
    phone.goto(f"{site_url}c/{code}/")
    phone.get_by_text("下载本页数据").click()
    link = phone.locator('a[href$="data/ledger.csv"]').first
    response = phone.request.get(link.evaluate("a => a.href"))
    assert response.ok and response.body().startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(response.body().decode("utf-8-sig"))))
    total = sum(len(read_csv_rows(p)) for p in (DATA / "communities" / code / "finance").glob("*.csv"))
    assert len(rows) == total
    package = phone.request.get(f"{site_url}c/{code}/data/datapackage.json").json()
    for resource in package["resources"]:
        body = phone.request.get(f"{site_url}c/{code}/data/{resource['path']}").body().decode("utf-8-sig")
        header = next(csv.reader(io.StringIO(body)))
        assert header == [f["name"] for f in resource["schema"]["fields"]]
        as_json = phone.request.get(f"{site_url}c/{code}/data/{resource['name']}.json").json()
        assert len(as_json) == len(list(csv.reader(io.StringIO(body)))) - 1
    feed = phone.request.get(f"{site_url}feed.xml")
    assert feed.ok and b"<feed" in feed.body()
    json.dumps(package)


def test_tables_sort_and_filter_with_javascript_and_read_without(browser, site_url):
    code = community_with_committee()
    street = code[:9]
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{site_url}s/{street}/")
    names = page.locator("table.juwu-table tbody tr td:first-child").all_inner_texts()
    page.get_by_label("在表格中查找").fill(names[-1][:3])
    visible = [n for n in page.locator("table.juwu-table tbody tr:not([hidden]) td:first-child").all_inner_texts()]
    assert names[-1] in visible and len(visible) < len(names)
    page.get_by_label("在表格中查找").fill("")
    column = 'table.juwu-table tbody tr td[data-label="最近财务公开"]'
    button = page.get_by_role("button", name="最近财务公开：点击排序")
    button.click()
    keys = [c.get_attribute("data-sort") for c in page.locator(column).all()]
    assert keys == sorted(keys) and len(set(keys)) > 1
    button.click()
    assert [c.get_attribute("data-sort") for c in page.locator(column).all()] == sorted(keys, reverse=True)
    assert page.locator("th[aria-sort=descending]").count() == 1
    context.close()
    nojs = browser.new_context(java_script_enabled=False)
    page = nojs.new_page()
    page.goto(f"{site_url}s/{street}/")
    assert page.locator("table.juwu-table tbody tr").count() == len(names)
    assert page.locator("button.juwu-sort").count() == 0
    nojs.close()


@pytest.mark.parametrize("path", ["", "c/{code}/", "c/{code}/finance/{period}/", "rollout/", "s/{street}/",
                                  "rollout/d/{district}/", "rollout/s/{street}/"])
@pytest.mark.parametrize("width", [412, 1280])
def test_axe_finds_no_serious_or_critical_violations(browser, site_url, path, width):
    code = community_with_committee()
    period = sorted((DATA / "communities" / code / "finance").glob("*.csv"))[-1].stem
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto(site_url + path.format(code=code, period=period, street=code[:9], district=code[:6]))
    found = serious_violations(page)
    context.close()
    assert found == []
