"""Page weight: every page of the demo build stays light enough for an old phone on a slow network.

Budget (also in README.md): the HTML of a page ≤ 100 KB; the page plus everything it loads
(stylesheets, scripts, icon) ≤ 400 KB as stored and ≤ 150 KB as transferred with gzip, which
every web server we know of applies to HTML, CSS and JavaScript.
"""

from __future__ import annotations

import gzip
import re
from functools import lru_cache
from pathlib import Path
from urllib.parse import urljoin

HTML_BUDGET = 100 * 1024
TOTAL_BUDGET = 400 * 1024
TRANSFER_BUDGET = 150 * 1024
_LOADED = re.compile(r'<(?:link[^>]+rel="(?:stylesheet|icon)"[^>]*href|script[^>]+src)="([^"]+)"')


@lru_cache(maxsize=None)
def _sizes(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    return len(data), len(gzip.compress(data, 6))


def page_weight(site: Path, page: Path) -> tuple[int, int, int]:
    html = page.read_text(encoding="utf-8")
    base = "/" + str(page.parent.relative_to(site)) + "/"
    raw, zipped = _sizes(page)
    total, transfer = raw, zipped
    for href in set(_LOADED.findall(html)):
        target = site / urljoin(base if base != "/./" else "/", href).lstrip("/")
        assert target.is_file(), (page, href)
        r, z = _sizes(target)
        total, transfer = total + r, transfer + z
    return raw, total, transfer


def test_every_page_is_within_the_budget(built_site):
    pages = sorted(built_site.rglob("*.html"))
    assert len(pages) > 200
    heaviest = max(pages, key=lambda p: page_weight(built_site, p)[1])
    for page in pages:
        raw, total, transfer = page_weight(built_site, page)
        assert raw <= HTML_BUDGET, (page, raw)
        assert total <= TOTAL_BUDGET, (page, total)
        assert transfer <= TRANSFER_BUDGET, (page, transfer)
    raw, total, transfer = page_weight(built_site, heaviest)
    print(f"heaviest page {heaviest.relative_to(built_site)}: HTML {raw} B, with assets {total} B, gzip {transfer} B")


def test_the_budget_counts_what_a_page_loads(built_site):
    """The measure is honest: a community page loads the theme's CSS and JS, and they count."""
    community = next((built_site / "c").glob("*/index.html"))
    raw, total, transfer = page_weight(built_site, community)
    assert total > raw + 200 * 1024 and transfer < total
