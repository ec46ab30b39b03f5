"""What a phone downloads to search: bytes fetched for the first query and for later ones.

Serves a built site on 127.0.0.1, opens its search page in headless Chromium (a fresh profile, so
nothing is cached) and types queries a resident would type; counts the bytes of every search
request (pagefind/*: the script, the WebAssembly, the page list, index chunks, result fragments).
Queries are picked from the city's own data: a community-name fragment, a member's name, and,
within one district, 物业费 and 电梯.
"""

from __future__ import annotations

import csv
import functools
import http.server
import threading
from collections import Counter
from pathlib import Path

QUERY_JS = """q => { const m = document.getElementById('juwu-search-message');
  return m && m.textContent.includes('“' + q + '”') && !m.textContent.includes('正在搜索'); }"""


def _rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def queries(data: Path) -> tuple[list[str], str, list[str]]:
    """(city-wide queries, a district code, queries within that district)."""
    communities = _rows(data / "communities.csv")
    names = [c["name"].removesuffix("社区") for c in communities]
    counts = Counter(n[i:i + 2] for n in names for i in range(len(n) - 1))
    fragment = next((c["name"][:2] for c in communities if counts[c["name"][:2]] == 1), communities[0]["name"][:2])
    members = Counter()
    for path in sorted((data / "communities").glob("*/members.csv"))[:200]:
        members.update(r["name"] for r in _rows(path))
    member = next((n for n, k in members.items() if k == 1), "")
    district = sorted({c["code"][:6] for c in communities})[0]
    return [fragment, member], district, ["物业费", "电梯", "民主理财"]


def probe(site: Path, data: Path) -> dict:
    from playwright.sync_api import sync_playwright

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    city_queries, district, district_queries = queries(data)
    report = {"district": district}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium",
                                        args=["--no-sandbox", "--disable-background-networking"])
            report["city"] = _session(browser, f"{base}/search/", city_queries)
            report["in_district"] = _session(browser, f"{base}/search/?d={district}", district_queries)
            browser.close()
    finally:
        httpd.shutdown()
    return report


def _session(browser, url: str, terms: list[str]) -> list[dict]:
    context = browser.new_context()
    page = context.new_page()
    fetched: list[tuple[str, int]] = []
    page.on("requestfinished", lambda r: fetched.append((r.url, r.sizes()["responseBodySize"])))
    page.goto(url)
    page.wait_for_selector("#juwu-search-input")
    page.wait_for_timeout(500)
    out = []
    for term in terms:  # the first query also counts the search UI the page loaded for it
        if not term:
            continue
        if out:
            fetched.clear()
        page.fill("#juwu-search-input", term)
        page.wait_for_function(QUERY_JS, arg=term, timeout=60_000)
        titles = page.locator(".juwu-result__link").all_inner_texts()
        message = page.locator("#juwu-search-message").inner_text()
        out.append({
            "query": term,
            "bytes": sum(size for u, size in fetched if "/pagefind/" in u),
            "requests": sum(1 for u, _ in fetched if "/pagefind/" in u),
            "message": message,
            "top": titles[:3],
        })
    context.close()
    return out
