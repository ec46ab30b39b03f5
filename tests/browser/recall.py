"""Search recall, measured in Chromium: every word of the site's pages is searched with Pagefind's
own JS API, and the pages it finds are compared with the pages whose text contains the word.

A bundle here is a group of Pagefind bundles (the city-wide directory or a district: a folder of
search documents), opened together as the search page opens them (JuwuSearch.open). The pages of a
bundle are the ones it indexes (a search document each, in the build cache); the
text of a page is what a resident reads on it (its <article>), not its search document, so a word
left out of a document counts as not found. The words are runs of whole pieces as Chromium's own word
segmenter (ICU, Intl.Segmenter) cuts the text, two to four Han characters long: 物业, 物业费,
楼道灯 (cut 楼 / 道 / 灯: ICU has no word for it) and 楼道, but not 业费, half of a word: the words
a resident types after reading them on a page or a notice board.

Run on a built site: python -m tests.browser.recall SITE [DATA]
"""

from __future__ import annotations

import html
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

ARTICLE = re.compile(r'<article class="md-content__inner md-typeset">(.*?)</article>', re.S)
WORD = re.compile(r"^[\u3400-\u9fff]{2,4}$")

# Batched in one page (the search page, for the way it searches: JuwuSearch.find in
# juwu-search.js): segment texts, then search each word and resolve result ids to URLs once.
SEGMENT_JS = """texts => { const seg = new Intl.Segmenter('zh', {granularity: 'word'});
  const han = /^[\\u3400-\\u9fff]+$/; const words = new Set();
  for (const t of texts) {
    const pieces = Array.from(seg.segment(t), s => s.segment);
    for (let i = 0; i < pieces.length; i++) {
      let word = '';
      for (let j = i; j < pieces.length && han.test(pieces[j]); j++) {
        word += pieces[j];
        if (word.length > 4) break;
        if (word.length >= 2) words.add(word);
      }
    }
  }
  return [...words].sort(); }"""
SEARCH_JS = """async ({bundle, words}) => {
  const groups = await (await fetch('/pagefind/districts.json')).json();
  const named = bundle === 'all' ? groups.city : groups.districts.find(d => d.code === bundle).bundles;
  const pf = await window.JuwuSearch.open('/pagefind/', named);
  const urls = {}; const out = {};
  for (const w of words) {
    const r = await window.JuwuSearch.find(pf, w);
    const found = [], exact = [];
    for (const x of r.listed.concat(r.near)) {  // what the search page lists
      if (!(x.id in urls)) urls[x.id] = (await x.data()).url;
      found.push(urls[x.id]);
    }
    for (const x of r.exact) if (x.id in urls) exact.push(urls[x.id]);
    out[w] = {found: found, exact: exact, near: r.listed.length === 0};
  }
  return out; }"""


def page_text(page_html: str) -> str:
    match = ARTICLE.search(page_html)
    body = match.group(1) if match else ""
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", body))


def document_text(document_html: str) -> str:
    """A search document's own text: titles, summaries, report texts, names; without what is
    there only for the index (an element of class index-only, the last thing in a document)."""
    body = document_html.split('<div class="index-only">')[0]
    body = re.sub(r"<(title|script|style)\b.*?</\1>", " ", body, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", body))


def bundle_pages(documents: Path, bundle: str) -> dict[str, str]:
    """URL ('/c/…/') → the own text (document_text) of every page the bundle indexes."""
    pages = {}
    for doc in sorted((documents / bundle).rglob("index.html")):
        rel = doc.parent.relative_to(documents / bundle).as_posix()
        pages["/" if rel == "." else f"/{rel}/"] = document_text(doc.read_text(encoding="utf-8"))
    return pages


@dataclass
class Recall:
    bundle: str
    words: int = 0
    expected: int = 0  # (word, page) pairs where the page contains the word
    found: int = 0  # ...of which the search found the page
    worst: list[tuple[float, str, int, int]] = field(default_factory=list)  # (recall, word, found, expected)
    wrong: list[tuple[str, str]] = field(default_factory=list)  # (word, page) said to hold the word, but not

    @property
    def ratio(self) -> float:
        return self.found / self.expected if self.expected else 1.0


def words_of(page, texts: list[str]) -> list[str]:
    """The distinct words of two to four Han characters Chromium cuts the texts into."""
    return page.evaluate(SEGMENT_JS, texts)


def measure(page, bundle: str, pages: dict[str, str], words: list[str]) -> tuple[Recall, dict]:
    """Search every word in the open page; returns the recall over the pages that contain each
    word and word → result URLs in order."""
    results = page.evaluate(SEARCH_JS, {"bundle": bundle, "words": words})
    recall = Recall(bundle, words=len(words))
    for word in words:
        expected = {url for url, text in pages.items() if word in text}
        recall.wrong += [(word, url) for url in results[word]["exact"] if url not in expected]
        if not expected:
            continue
        got = expected & set(results[word]["found"])
        recall.expected += len(expected)
        recall.found += len(got)
        recall.worst.append((len(got) / len(expected), word, len(got), len(expected)))
    recall.worst.sort()
    return recall, results


if __name__ == "__main__":  # pragma: no cover
    import functools
    import http.server
    import threading

    from playwright.sync_api import sync_playwright

    site = Path(sys.argv[1]).resolve()
    documents = site.parent / f".{site.name}.cache" / "search"

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    totals = [0, 0, 0]
    report = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        page = browser.new_page()
        page.goto(f"{base}/search/")
        for bundle in sorted(b.name for b in documents.iterdir() if b.is_dir()):
            pages = bundle_pages(documents, bundle)
            recall, results = measure(page, bundle, pages, words_of(page, list(pages.values())))
            totals[0] += recall.words
            totals[1] += recall.expected
            totals[2] += recall.found
            print(f"{bundle}: {recall.words} words, {len(pages)} pages, recall {recall.ratio:.1%} "
                  f"({recall.found}/{recall.expected}); worst: "
                  + ", ".join(f"{w} {f}/{e}" for _, w, f, e in recall.worst[:12]))
            below = [w for r, w, f, e in recall.worst if r < 0.9]
            print(f"  words below 90 %: {len(below)}; found as exact but not on the page: {len(recall.wrong)} "
                  f"{recall.wrong[:8]}")
            report[bundle] = {"recall": recall.ratio, "worst": recall.worst[:40]}
        browser.close()
    httpd.shutdown()
    print(f"all: {totals[0]} words, recall {totals[2] / totals[1]:.1%} ({totals[2]}/{totals[1]})")
    Path("/tmp/h16-recall.json").write_text(json.dumps(report, ensure_ascii=False, indent=1))
