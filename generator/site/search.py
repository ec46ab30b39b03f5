"""Search: Pagefind (extended build, which segments Chinese) indexes a search document per page.

Why Pagefind and not Material's built-in search (measured in bench/README.md): Material writes one
search_index.json that every phone downloads whole before the first result (96 MB for a city of
1,000 communities), and segments Chinese only with jieba at build time.
Pagefind splits its index into small chunks fetched per query word, so the first query costs a
few hundred KB at any city size, and its extended binary segments Chinese. Pagefind 1.6.0 (from
npm: pagefind_bin.py) cuts page text and query with the same segmenter (ICU4X); 1.5 did not, and
missed whole words (楼道灯, 保洁: Pagefind issue #1237). A dictionary still cuts a run by its
neighbours (民生实事项目 → 民生 / 实 / 事项 / 目), so every document also spells its Chinese out
one character at a time (characters()) and the search page looks for a query's characters side
by side as well: recall 100 % over every word of the demo city (tests/browser/test_search_recall.py).

Pagefind does not read the site's pages: each generated page has a search document, a small HTML
file made from the model by templates/search/ (the words a resident looks for: names, members,
what the money was for, report subjects; never amounts, dates or voucher numbers), with hidden
marks saying how to filter it (district, kind) and what to show with a result (community,
period, place). Pagefind's time grows with the text it reads, and the documents hold about a
fifth of the pages' text; they are written per bundle, so a bundle whose documents did not
change need not be indexed again. Hand-written pages have no document and are not indexed.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment
from markupsafe import Markup

from generator.periods import period_label
from generator.problems import JuwuError
from generator.site import pagefind_bin, pagefind_stable
from generator.site.pages import Page
from generator.site.privacy import mask_personal

BUNDLE = "pagefind"  # folder inside the site
DIRECTORY = "all"  # the city-wide bundle
UI_FILES = ("pagefind-ui.js", "pagefind-ui.css", "pagefind-modular-ui.js", "pagefind-modular-ui.css",
            "pagefind-component-ui.js", "pagefind-component-ui.css", "pagefind-highlight.js")
KIND_FILTER, DISTRICT_FILTER = "类别", "区"  # filter names as the search page shows them
# What a resident filters on: the kinds of page, in their words.
KINDS = {
    "home": "区和街道",
    "district": "区和街道",
    "street": "区和街道",
    "community": "社区",
    "period": "财务公开",
    "report": "监督报告",
    "record": "检查考核与登记",  # issue 18's record pages (inspections, elections, … allowances)
}


def page_marks(page: Page) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(filters, meta) of a page for Pagefind; no filters: the page is not indexed."""
    kind = KINDS.get(page.kind)
    if kind is None:
        return [], []
    filters = [(KIND_FILTER, kind)]
    meta: list[tuple[str, str]] = []
    context = page.context
    district = context.get("district")
    community = context.get("community")
    if community is not None:
        filters.append((DISTRICT_FILTER, community.district_name))
        meta += [("community", community.name), ("place", f"{community.district_name} {community.street_name}")]
        if page.kind == "community":
            # Shown instead of an excerpt: the document's names are written piece by piece for the
            # index (templates/search/community.html), which reads badly as an excerpt.
            names = "、".join(m.name for m in community.members)
            meta.append(("summary", f"监督委员会成员：{names}" if names else "尚未成立居务监督委员会"))
    elif district is not None:
        filters.append((DISTRICT_FILTER, district.name))
    period = context.get("period")
    if period is not None:
        meta.append(("period", period_label(period.key, context["city"].settings.frequency)))
    report = context.get("report")
    if report is not None and report.date is not None:
        meta.append(("period", f"{report.date.year}年{report.date.month}月{report.date.day}日"))
    return filters, meta


DOCUMENTS = {
    "home": "search/area.html", "district": "search/area.html", "street": "search/area.html",
    "community": "search/community.html", "period": "search/period.html", "report": "search/report.html",
    "record": "search/record.html",
}
DIRECTORY_KINDS = ("home", "district", "street", "community")


def marks(page: Page) -> Markup:
    """Hidden filter and meta marks. Pagefind reads one key:value per attribute, so every value
    gets an empty hidden element of its own."""
    filters, meta = page_marks(page)
    found = "".join(f'<span data-pagefind-filter="{_attr(k, v)}" hidden></span>' for k, v in filters)
    found += "".join(f'<span data-pagefind-meta="{_attr(k, v)}" hidden></span>' for k, v in meta)
    return Markup(found)


def document(env: Environment, page: Page) -> str | None:
    """The page's search document, or None for a page that is not indexed."""
    template = DOCUMENTS.get(page.kind)
    if template is None:
        return None
    text = env.get_template(template).render(page.context | {"page": page, "marks": marks(page)})
    return with_characters(text)


_TAG = re.compile(r"<[^>]+>")
_HAN_RUN = re.compile(r"[\u3400-\u9fff]{2,}")


def characters(document_html: str) -> str:
    """Every run of Chinese in a document's text, one character at a time (楼道灯更换 → 楼 道 灯 更 换).

    Pagefind cuts text into dictionary words, and how it cuts a run depends on its neighbours: in
    民生实事项目 it cuts 民生 / 实 / 事项 / 目, so 实事, typed alone, is not a word of that page.
    Spelled out, every run is also indexed character by character, and the search page looks for
    the query's characters side by side (juwu-search.js): whatever the resident types that stands
    on the page is found (tests/browser/test_search_recall.py)."""
    body = document_html.split("<body>", 1)[-1]
    body = body.split('<div class="index-only">', 1)[0]
    runs = _HAN_RUN.findall(html.unescape(_TAG.sub(" ", body)))
    return " / ".join(" ".join(run) for run in runs)


def with_characters(document_html: str) -> str:
    """The document with its characters() last, in a block the excerpts and recall ignore."""
    spelled = characters(document_html)
    if not spelled:
        return document_html
    block = f'<div class="index-only" data-pagefind-weight="0.5"><p>{html.escape(spelled)}</p></div>\n'
    return document_html.replace("</body>", block + "</body>", 1)


def bundle_names(page: Page) -> list[str]:
    """The bundles a page's document goes to: the city-wide directory (pages that find a
    community), and its district's bundle (every page under d/, s/ or c/ of that district, whose
    codes begin with the district's six digits)."""
    if page.kind not in DOCUMENTS:
        return []
    names = [DIRECTORY] if page.kind in DIRECTORY_KINDS else []
    area, _, rest = page.path.partition("/")
    if area in ("d", "s", "c") and rest:
        names.append(rest[:6])
    return names


def _attr(key: str, value: str) -> str:
    return html.escape(f"{key}:{' '.join(mask_personal(value).split())}", quote=True)


@dataclass
class IndexStats:
    bundles: int = 0
    pages: int = 0
    words: int = 0
    bytes: int = 0


def executable() -> Path:
    """The Pagefind binary (1.6.0 from npm, installed into the virtual environment: pagefind_bin)."""
    return pagefind_bin.executable()


def index_site(documents: Path, site: Path, names: list[str], workers: int = 2) -> IndexStats:
    """Run Pagefind on documents/<name>/ for each named bundle, `workers` at a time, into
    site/pagefind/<name>/ (the biggest first, so the cores finish together)."""
    binary = str(executable())
    stats = IndexStats(bundles=len(names))
    running: list[tuple[str, subprocess.Popen]] = []
    queue = sorted(names, key=lambda n: (-_size(documents / n), n))
    try:
        while queue or running:
            while queue and len(running) < workers:
                name = queue.pop(0)
                output = site / BUNDLE / name
                if output.exists():
                    shutil.rmtree(output)
                command = [binary, "--site", str(documents / name), "--output-path", str(output),
                           "--force-language", "zh"]
                running.append((name, subprocess.Popen(command, stdout=subprocess.PIPE,
                                                       stderr=subprocess.STDOUT, text=True)))
            name, process = running.pop(0)
            output, _ = process.communicate()
            if process.returncode != 0:
                raise JuwuError(f"搜索索引生成失败（{name}）：{output[-500:]}",
                                f"Pagefind failed for {name}: {output[-500:]}", code="search-index-failed")
            pagefind_stable.stabilise(site / BUNDLE / name)
            for ui in UI_FILES:  # the search page is ours; Pagefind's ready-made UIs are not served
                (site / BUNDLE / name / ui).unlink(missing_ok=True)
            stats.pages += _count(output, "pages")
            stats.words += _count(output, "words")
    finally:
        for _, process in running:
            process.kill()
            process.wait()
    stats.bytes = sum(p.stat().st_size for p in (site / BUNDLE).rglob("*") if p.is_file())
    return stats


def _size(folder: Path) -> int:
    try:
        return sum(1 for _ in os.scandir(folder / "c"))
    except OSError:
        return 0


def districts_json(districts: list[tuple[str, str]]) -> str:
    """What the search page offers to narrow to: [{"code": ..., "name": ...}] in city order."""
    return json.dumps([{"code": code, "name": name} for code, name in districts], ensure_ascii=False)


def _count(output: str, what: str) -> int:
    for line in output.splitlines():
        words = line.split()
        if len(words) == 3 and words[0] == "Indexed" and words[2] == what:
            return int(words[1])
    return 0
