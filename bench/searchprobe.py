"""What a phone downloads to search: bytes fetched for the first query and for later ones.

Serves a built site on 127.0.0.1, opens its search page in headless Chromium (a fresh profile, so
nothing is cached) and types queries a resident would type; counts the bytes of every search
request (pagefind/*: the script, the WebAssembly, the page list, index chunks, result fragments).
The bytes are counted where the server sends them: a request made by a web worker (Pagefind's
own, pagefind-worker.js) is not always reported to the page, with its body's size.
Queries are picked from the city's own data: a community-name fragment, a member's name, and,
within the first district and within the largest (the one searched in the most bundles),
物业费, 电梯 and 民主理财.
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
    """(city-wide queries, the first district's code, queries within a district)."""
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


def largest_district(data: Path) -> str:
    """The district with the most communities: the most search bundles a query meets."""
    counts = Counter(c["code"][:6] for c in _rows(data / "communities.csv"))
    return min(counts, key=lambda code: (-counts[code], code))


class _Served:
    """What the server sent, request by request: (path, body bytes)."""

    def __init__(self):
        self.sent: list[tuple[str, int]] = []
        self.lock = threading.Lock()

    def add(self, path: str, size: int) -> None:
        with self.lock:
            self.sent.append((path, size))

    def take(self) -> list[tuple[str, int]]:
        with self.lock:
            sent, self.sent = self.sent, []
        return sent


def probe(site: Path, data: Path) -> dict:
    from playwright.sync_api import sync_playwright

    served = _Served()

    class Counting(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def copyfile(self, source, outputfile):
            body = source.read()
            served.add(self.path, len(body))
            outputfile.write(body)

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Counting, directory=str(site)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    city_queries, district, district_queries = queries(data)
    largest = largest_district(data)
    report = {"district": district, "largest_district": largest}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium",
                                        args=["--no-sandbox", "--disable-background-networking"])
            report["city"] = _session(browser, served, f"{base}/search/", city_queries)
            report["in_district"] = _session(browser, served, f"{base}/search/?d={district}", district_queries)
            # each query first in a fresh page: what a resident pays who starts with it
            report["first_in_district"] = [
                _session(browser, served, f"{base}/search/?d={code}", [term])[0]
                for code in dict.fromkeys([district, largest]) for term in district_queries]
            browser.close()
    finally:
        httpd.shutdown()
    return report


def _session(browser, served: _Served, url: str, terms: list[str]) -> list[dict]:
    context = browser.new_context()
    page = context.new_page()
    served.take()
    page.goto(url)
    page.wait_for_selector("#juwu-search-input")
    page.wait_for_timeout(500)
    out = []
    for term in terms:  # the first query also counts the search UI the page loaded for it
        if not term:
            continue
        if out:
            served.take()
        page.fill("#juwu-search-input", term)
        page.wait_for_function(QUERY_JS, arg=term, timeout=60_000)
        titles = page.locator(".juwu-result__link").all_inner_texts()
        message = page.locator("#juwu-search-message").inner_text()
        page.wait_for_timeout(300)  # requests still under way when the answer shows are the query's too
        sent = [(path, size) for path, size in served.take() if "/pagefind/" in path]
        out.append({
            "query": term,
            "bytes": sum(size for _, size in sent),
            "requests": len(sent),
            "by_kind": _by_kind(sent),
            "message": message,
            "top": titles[:3],
        })
    context.close()
    return out


def _by_kind(sent: list[tuple[str, int]]) -> dict[str, list[int]]:
    """kind of file (pf_index, pf_fragment, pf_meta, pf_filter, wasm, js, json) → [requests, bytes]."""
    kinds: dict[str, list[int]] = {}
    for path, size in sent:
        name = path.split("?")[0].rsplit("/", 1)[-1]
        kind = name.rsplit(".", 1)[-1] if "." in name else name
        kind = "wasm" if name.startswith("wasm.") else kind
        kinds.setdefault(kind, [0, 0])
        kinds[kind][0] += 1
        kinds[kind][1] += size
    return kinds


if __name__ == "__main__":  # pragma: no cover - python -m bench.searchprobe SITE DATA
    import json
    import sys

    print(json.dumps(probe(Path(sys.argv[1]), Path(sys.argv[2])), ensure_ascii=False, indent=1))
