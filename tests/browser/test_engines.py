"""Issue 21 in Chromium: the demo city built with MkDocs and with Zensical looks and works the same
on a 412 px phone and on a desktop, on screen and in print: the same boxes where a resident looks
(header, tabs, title, content, footer), the same colours and type from the theme overrides, the
tabs and the phone's menu lead where they should, and the header's search box finds a community.

Screenshots of home, a community page and a period page with both engines must be pixel-identical;
they are written to
$JUWU_SCREENSHOTS (default: a temporary folder) for a person to look at."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from generator.build import build
from generator.config import BuildPaths
from generator.site import engines
from tests.browser.conftest import serve
from tests.conftest import DATA, community_with_committee

ENGINES = (engines.MKDOCS, engines.ZENSICAL)
VIEWPORTS = {"phone": {"width": 412, "height": 900}, "desktop": {"width": 1280, "height": 900}}
# Where a resident looks, measured in both sites: selector → what is compared.
LOOK = """() => {
  const out = {};
  const box = s => { const e = document.querySelector(s); if (!e) return null;
    const r = e.getBoundingClientRect(), c = getComputedStyle(e);
    return {x: Math.round(r.x), y: Math.round(r.y), w: Math.round(r.width), h: Math.round(r.height),
            display: c.display, visibility: c.visibility, color: c.color, background: c.backgroundColor,
            font: c.fontFamily + ' ' + c.fontSize + ' ' + c.fontWeight}; };
  for (const s of ['.md-header', '.md-tabs', '.juwu-searchbar', '.juwu-searchbar input', 'h1#page-title',
                   'article.md-content__inner', '.md-content table', '.md-footer', '.juwu-data-version',
                   '.md-sidebar--primary', 'body'])
    out[s] = box(s);
  out.scroll = [document.documentElement.scrollWidth, document.documentElement.scrollHeight];
  return out;
}"""


@pytest.fixture(scope="module")
def sites(tmp_path_factory):
    served = {}
    servers = []
    for engine in ENGINES:
        site = tmp_path_factory.mktemp(f"browser-{engine}") / "site"
        assert build(BuildPaths(data=DATA, site=site), engine=engine).built
        url, server = serve(site)
        served[engine] = (site, url)
        servers.append(server)
    yield served
    for server in servers:
        server.shutdown()


def _paths(site: Path) -> dict[str, str]:
    code = community_with_committee()
    period = sorted((site / "c" / code / "finance").glob("*/index.html"))[-1].parent.name
    return {"home": "", "community": f"c/{code}/", "period": f"c/{code}/finance/{period}/"}


def _shots() -> Path:
    folder = Path(os.environ.get("JUWU_SCREENSHOTS") or "/tmp/juwu-engine-screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _look(browser, url: str, viewport: dict, media: str, shot: Path | None) -> dict:
    context = browser.new_context(viewport=viewport, locale="zh-CN")
    page = context.new_page()
    try:
        page.emulate_media(media=media)
        page.goto(url)
        page.wait_for_load_state("load")
        if shot is not None:
            page.screenshot(path=str(shot), full_page=False)
        return page.evaluate(LOOK)
    finally:
        context.close()


@pytest.mark.parametrize("media", ["screen", "print"])
@pytest.mark.parametrize("viewport", sorted(VIEWPORTS))
def test_both_engines_give_the_same_look(browser, sites, viewport, media):
    paths = _paths(sites[engines.MKDOCS][0])
    different = {}
    for kind, path in paths.items():
        looks = {}
        for engine in ENGINES:
            shot = _shots() / f"{kind}-{viewport}-{engine}.png" if media == "screen" else None
            looks[engine] = _look(browser, sites[engine][1] + path, VIEWPORTS[viewport], media, shot)
        ours, theirs = looks[engines.MKDOCS], looks[engines.ZENSICAL]
        if media == "screen":  # what a resident sees first: the same pixels
            shots = [(_shots() / f"{kind}-{viewport}-{engine}.png").read_bytes() for engine in ENGINES]
            if shots[0] != shots[1]:
                different[f"{kind} screenshot"] = "the two engines' screenshots differ"
        assert ours["h1#page-title"] is not None and ours["article.md-content__inner"] is not None, kind
        for key in ours:
            if ours[key] != theirs[key]:
                different[f"{kind} {key}"] = (ours[key], theirs[key])
        if media == "print":  # the notice-board print: no header, tabs, search box or footer
            for selector in (".md-header", ".md-tabs", ".juwu-searchbar", ".md-footer"):
                assert theirs[selector] is None or theirs[selector]["display"] == "none", (kind, selector)
    assert different == {}


def test_zensical_tabs_and_phone_menu_lead_to_the_pages(browser, sites):
    site, url = sites[engines.ZENSICAL]
    context = browser.new_context(viewport=VIEWPORTS["desktop"], locale="zh-CN")
    page = context.new_page()
    try:
        page.goto(url)
        page.locator(".md-tabs").get_by_role("link", name="推进情况").click()
        page.wait_for_url(re.compile(r"/rollout/$"))
        assert page.locator("h1#page-title").inner_text().strip() == "推进情况"
    finally:
        context.close()
    context = browser.new_context(viewport=VIEWPORTS["phone"], locale="zh-CN")
    page = context.new_page()
    try:
        page.goto(url + _paths(site)["community"])
        page.locator("label.md-header__button[for='__drawer']").click()
        drawer = page.locator("nav.md-nav--primary")
        drawer.get_by_role("link", name="联系我们").first.click()
        page.wait_for_url(re.compile(r"/contacts/$"))
    finally:
        context.close()


def test_zensical_header_search_finds_a_community(browser, sites):
    site, url = sites[engines.ZENSICAL]
    code = community_with_committee()
    name = re.search(r'<h1 id="page-title">([^<]+)</h1>', (site / "c" / code / "index.html").read_text("utf-8")).group(1)
    context = browser.new_context(viewport=VIEWPORTS["phone"], locale="zh-CN")
    page = context.new_page()
    try:
        page.goto(url)
        page.fill(".juwu-searchbar input[name=q]", name.strip())
        page.locator(".juwu-searchbar button").click()
        page.wait_for_url(re.compile(r"/search/\?q="))
        page.wait_for_selector(".juwu-result__link", timeout=90_000)
        hrefs = [page.locator(".juwu-result__link").nth(i).get_attribute("href")
                 for i in range(min(3, page.locator(".juwu-result__link").count()))]
        assert any(h.rstrip("/").endswith(f"c/{code}") for h in hrefs), hrefs
    finally:
        context.close()
