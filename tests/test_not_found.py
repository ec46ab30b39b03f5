"""The site's own Chinese 404 page (issue 17): published by the build, in Material's look, with
links that work from whatever wrong address it is served at."""

from __future__ import annotations

import re


def test_the_build_publishes_a_chinese_404_page(built_site):
    page = (built_site / "404.html").read_text(encoding="utf-8")
    assert '<html lang="zh"' in page
    assert "<title>页面不存在 - " in page
    assert '<h1 id="page-title">页面不存在</h1>' in page
    assert "Not found" not in page
    assert 'class="md-header' in page and "juwu-searchbar" in page  # the site's look: header, search box
    # Served at any depth, so every link into the site is absolute.
    links = re.findall(r'href="([^"]+)"', page)
    assert '/search/' in links and '/contacts/' in links
    assert not [link for link in links if link.startswith("..") or link.startswith("./")]
    # The footer carries a real data version, never the build's token.
    assert "JUWU" not in page
    assert re.search(r"data-juwu-version>[0-9a-f]{8} · \d{4}-\d{2}-\d{2}<", page)


def test_the_404_page_is_not_in_the_sitemap(built_site):
    assert "404" not in (built_site / "sitemap.xml").read_text(encoding="utf-8")
