"""On a phone no page slides sideways: every page kind fits 320, 360, 390 and 412 px, the header
search bar included (its button keeps one line)."""

from __future__ import annotations

from pathlib import Path

import pytest

WIDTHS = (320, 360, 390, 412)


def page_kinds(site: Path) -> dict[str, str]:
    """One URL of every kind of page the site has, found in the built site."""

    def first(pattern: str) -> str:
        found = sorted(site.glob(pattern))
        assert found, f"no page matches {pattern}"
        return found[0].parent.relative_to(site).as_posix() + "/"

    return {
        "home": "",
        "district": first("d/*/index.html"),
        "street": first("s/*/index.html"),
        "community": first("c/*/index.html"),
        "community-with-committee": f"c/{with_committee(site)}/",
        "community-without-committee": f"c/{without_committee(site)}/",
        "period": first("c/*/finance/*/index.html"),
        "report": first("c/*/reports/*/index.html"),
        "rollout": "rollout/",
        "rollout-district": first("rollout/d/*/index.html"),
        "rollout-street": first("rollout/s/*/index.html"),
        "search": "search/?q=%E8%A5%BF%E8%8B%91",  # 西苑: a query with results on the page
        "supervision": "supervision/",
        "supervision-district": first("supervision/d/*/index.html"),
        "about": "about/",
        "guide": "guide/",
    }


def with_committee(site: Path) -> str:
    return next(p.parent.name for p in sorted(site.glob("c/*/index.html"))
                if "juwu-roster" in p.read_text(encoding="utf-8"))


def without_committee(site: Path) -> str:
    return next(p.parent.name for p in sorted(site.glob("c/*/index.html"))
                if "尚未成立居务监督委员会</p>" in p.read_text(encoding="utf-8"))


WIDEST = """() => {
  const w = window.innerWidth, out = [];
  for (const e of document.querySelectorAll('body *')) {
    const r = e.getBoundingClientRect();
    if (r.width > 0 && r.right > w + 0.5) out.push(`${e.tagName}.${e.className} ends at ${Math.round(r.right)}`);
  }
  return out.slice(0, 5);
}"""


@pytest.mark.parametrize("width", WIDTHS)
def test_no_page_kind_slides_sideways(browser, built_site, site_url, width):
    context = browser.new_context(viewport={"width": width, "height": 800}, locale="zh-CN")
    page = context.new_page()
    wide = {}
    try:
        for kind, path in page_kinds(built_site).items():
            page.goto(site_url + path)
            page.wait_for_load_state("load")
            scroll, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
            if scroll > inner:
                wide[kind] = (scroll, inner, page.evaluate(WIDEST))
    finally:
        context.close()
    assert not wide, f"pages wider than a {width} px phone: {wide}"


TEXT_HEIGHT = """b => {
  const range = document.createRange();
  range.selectNodeContents(b);
  const style = getComputedStyle(b);
  return [range.getBoundingClientRect().height,
          parseFloat(style.lineHeight) || 1.2 * parseFloat(style.fontSize)];
}"""


@pytest.mark.parametrize("width", (320, 412))
def test_header_search_button_keeps_one_line(browser, site_url, width):
    context = browser.new_context(viewport={"width": width, "height": 800}, locale="zh-CN")
    page = context.new_page()
    try:
        page.goto(site_url)
        button = page.locator(".juwu-searchbar button")
        # The height of the button's text itself (the button stretches to the input's height).
        text, line = page.evaluate(TEXT_HEIGHT, button.element_handle())
        form = page.locator(".juwu-searchbar").bounding_box()
        placeholder = page.locator(".juwu-searchbar input").get_attribute("placeholder")
    finally:
        context.close()
    assert text < 1.8 * line, f"the search button's text wraps: {text} px high, one line is {line} px"
    assert form["x"] + form["width"] <= width + 0.5
    assert len(placeholder) <= 8, f"placeholder too long for a 320 px phone: {placeholder}"


ROSTER = """() => [...document.querySelectorAll('.juwu-roster tbody tr')].map(tr => {
  const box = e => e.getBoundingClientRect();
  const name = tr.querySelector('.juwu-member'), role = tr.querySelector('td:first-child');
  return {card: box(tr).width, nameTop: box(name).top, roleTop: box(role).top, nameLeft: box(name).left,
          roleLeft: box(role).left, bottom: box(tr).height};
})"""


@pytest.mark.parametrize("width", (360, 412))
def test_the_roster_reads_as_cards_headed_by_name_and_role(browser, built_site, site_url, width):
    context = browser.new_context(viewport={"width": width, "height": 800}, locale="zh-CN")
    page = context.new_page()
    try:
        page.goto(site_url + f"c/{with_committee(built_site)}/")
        cards = page.evaluate(ROSTER)
        scroll = page.evaluate("document.documentElement.scrollWidth")
    finally:
        context.close()
    assert cards and scroll <= width
    for card in cards:
        assert card["card"] >= 0.85 * width, card  # the card uses the phone's width
        assert abs(card["nameTop"] - card["roleTop"]) < 12 and card["nameLeft"] < card["roleLeft"], card
        assert card["bottom"] < 260, card  # a member fits in well under a third of a screen


def test_a_community_without_committee_shows_no_version(browser, built_site, site_url):
    context = browser.new_context(viewport={"width": 360, "height": 800}, locale="zh-CN")
    page = context.new_page()
    try:
        page.goto(site_url + f"c/{without_committee(built_site)}/")
        text = page.inner_text("body")
        versions = page.locator("[data-juwu-version]").count()
    finally:
        context.close()
    assert versions == 0 and "数据版本" not in text
    assert "尚未完成" in text or "已完成前" in text
