"""A district indexed in several Pagefind bundles (search.MAX_PAGES bounds Pagefind's memory)
searches as one: the search page merges them, and lists the same pages as one bundle would.

The demo city is small enough for one bundle a district, so its first district's documents are
indexed again here in bundles of a third of its pages, into a copy of the site.
"""

from __future__ import annotations

import json
import shutil

import pytest

from generator.site import search
from tests.browser import recall
from tests.browser.conftest import serve
from tests.browser.test_search import browser, server  # noqa: F401 - the fixtures
from tests.browser.test_search_recall import NAMED

WORDS = NAMED + ["物业费", "居务监督", "民主理财", "电梯", "监控"]


@pytest.fixture(scope="module")
def sharded(built_site, tmp_path_factory):
    """(base URL of a site whose first district is in three or more bundles, that district, its
    shard plan, its pages: URL → text)."""
    from generator.config import BuildPaths
    from tests.conftest import DATA

    documents = BuildPaths(data=DATA, site=built_site).cache / "search"
    district = min(p.name for p in documents.iterdir() if p.name != search.DIRECTORY)
    pages = recall.bundle_pages(documents, district)
    docs = {url.strip("/") + "/" if url != "/" else "": "x" for url in pages}
    plan = search.shard_plan({district: docs}, limit=len(docs) // 3 + 1)
    assert len(plan) >= 3
    site = tmp_path_factory.mktemp("sharded") / "site"
    shutil.copytree(built_site, site, ignore=shutil.ignore_patterns("pagefind"))
    shutil.copytree(built_site / search.BUNDLE, site / search.BUNDLE, ignore=shutil.ignore_patterns(district))
    search.index_site(documents, site, list(plan.values()))
    groups = json.loads((site / search.BUNDLE / "districts.json").read_text(encoding="utf-8"))
    for entry in groups["districts"]:
        if entry["code"] == district:
            entry["bundles"] = list(plan)
    (site / search.BUNDLE / "districts.json").write_text(json.dumps(groups, ensure_ascii=False), encoding="utf-8")
    url, httpd = serve(site)
    yield url.rstrip("/"), district, plan, pages
    httpd.shutdown()


def found(browser, base, district, pages):  # noqa: F811
    context = browser.new_context()
    tab = context.new_page()
    tab.goto(f"{base}/search/")
    tab.wait_for_function("() => window.JuwuSearch !== undefined")
    _, results = recall.measure(tab, district, pages, WORDS)
    context.close()
    return results


def test_only_a_groups_first_bundle_carries_the_engine(sharded):
    from urllib.error import HTTPError
    from urllib.request import urlopen

    base, district, plan, _ = sharded
    names = list(plan)

    assert urlopen(f"{base}/pagefind/{names[0]}/pagefind.js").status == 200
    for name in names[1:]:
        assert urlopen(f"{base}/pagefind/{name}/pagefind-entry.json").status == 200
        with pytest.raises(HTTPError):
            urlopen(f"{base}/pagefind/{name}/pagefind.js")


def test_a_district_in_several_bundles_finds_what_one_bundle_finds(sharded, server, browser):  # noqa: F811
    base, district, plan, pages = sharded
    merged = found(browser, base, district, pages)
    single = found(browser, server, district, pages)
    for word in WORDS:
        assert sorted(merged[word]["exact"]) == sorted(single[word]["exact"]), word
        holding = {url for url, text in pages.items() if word in text}
        assert holding <= set(merged[word]["found"]), word
    # pages of every bundle are found, not only the first one's
    listed = {url for word in WORDS for url in merged[word]["exact"]}
    for shard in plan.values():
        assert any(url.strip("/").startswith(unit) for url in listed for unit in shard.units if unit), shard.name
