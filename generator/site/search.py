"""Search: Pagefind (extended build, which segments Chinese) indexes the finished site in chunks.

Why Pagefind and not Material's built-in search (measured in bench/README.md): Material writes one
search_index.json that every phone downloads whole before the first result (96 MB for a city of
1,000 communities), and segments Chinese only with jieba at build time.
Pagefind splits its index into small chunks fetched per query word, so the first query costs a
few hundred KB at any city size, and its extended binary segments Chinese (查询 and page text are
cut the same way, so 物业费 finds 物业服务费 and 居务监督 finds 居务监督委员会).

Each generated page's content area is marked for Pagefind (data-pagefind-body: its title and
content, never the navigation), with hidden marks saying how to filter it (district, kind) and
what to show with a result (community, period, place). Hand-written pages carry no body marker
and are not indexed; the search page itself is one of them.
"""

from __future__ import annotations

import html
import json
import subprocess
from dataclasses import dataclass
from pathlib import Path

from generator.problems import JuwuError
from generator.site import pagefind_stable
from generator.site.pages import Page

BUNDLE = "pagefind"  # folder inside the site
# Parts of a page nobody searches for: amounts, dates, voucher numbers, breadcrumbs, pagers. Each
# distinct amount would be a word of its own, and they make up most of a ledger's distinct words.
EXCLUDE = ", ".join([
    ".juwu-num", ".juwu-stats", ".juwu-crumbs", ".juwu-pager", ".juwu-progress", ".juwu-stamp", "tfoot",
    'td[data-label="序号"]', 'td[data-label="日期"]', 'td[data-label="凭证号"]',
])
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
    elif district is not None:
        filters.append((DISTRICT_FILTER, district.name))
    period = context.get("period")
    if period is not None:
        meta.append(("period", f"{period.year}年{period.month}月"))
    report = context.get("report")
    if report is not None and report.date is not None:
        meta.append(("period", f"{report.date.year}年{report.date.month}月{report.date.day}日"))
    return filters, meta


ARTICLE = '<article class="md-content__inner md-typeset">'  # Material's content area


def wrap(page: Page, fragment: str) -> str:
    """A page's HTML fragment with its filter and meta marks (unchanged when not indexed).

    Pagefind reads one key:value per attribute, so every filter and meta value gets an empty
    hidden element of its own.
    """
    filters, meta = page_marks(page)
    if not filters:
        return fragment
    marks = "".join(f'<span data-pagefind-filter="{_attr(k, v)}" hidden></span>' for k, v in filters)
    marks += "".join(f'<span data-pagefind-meta="{_attr(k, v)}" hidden></span>' for k, v in meta)
    return f"{marks}\n{fragment}"


def mark_body(page: Page, html_page: str) -> str:
    """Index the page's whole content area, its h1 title included (names rank first when they
    are the title); the navigation, header and footer stay out."""
    if page.kind not in KINDS:
        return html_page
    return html_page.replace(ARTICLE, ARTICLE[:-1] + " data-pagefind-body>", 1)


def _attr(key: str, value: str) -> str:
    return html.escape(f"{key}:{' '.join(value.split())}", quote=True)


@dataclass(frozen=True)
class Bundle:
    """One Pagefind index: a folder under pagefind/ and the glob of the pages it holds."""

    name: str
    glob: str


def bundles(district_codes: list[str]) -> list[Bundle]:
    """A city-wide directory (home, districts, streets, communities) and one full index per district.

    Pagefind holds a whole index in memory (~100-230 KB per page) and a phone downloads the page
    list of every index it searches; a city of 5,000 communities has ~85,000 pages. So the
    city-wide index holds only the pages that find a community (names, members, report titles)
    and each district's index holds everything of its communities; the search page searches the
    directory, or one district once the resident picks it.
    """
    found = [Bundle(DIRECTORY, "{index.html,d/*/index.html,s/*/index.html,c/*/index.html}")]
    for code in sorted(district_codes):
        found.append(Bundle(code, f"{{d/{code}/index.html,s/{code}*/index.html,c/{code}*/**/index.html}}"))
    return found


@dataclass
class IndexStats:
    bundles: int = 0
    pages: int = 0
    words: int = 0
    bytes: int = 0


def executable() -> Path:
    """The Pagefind binary from the pagefind-bin-extended wheel (the build that segments Chinese)."""
    try:
        from pagefind_bin_extended import get_executable
    except ImportError:  # pragma: no cover - a broken install
        raise JuwuError("未安装 pagefind-bin-extended，无法生成搜索索引",
                        "pagefind-bin-extended is not installed; cannot build the search index") from None
    return get_executable()


def index_site(site: Path, plan: list[Bundle], workers: int = 2) -> IndexStats:
    """Run Pagefind once per bundle, `workers` at a time; bundles go to site/pagefind/<name>/."""
    binary = str(executable())
    stats = IndexStats(bundles=len(plan))
    running: list[tuple[Bundle, subprocess.Popen]] = []
    queue = list(plan)
    try:
        while queue or running:
            while queue and len(running) < workers:
                bundle = queue.pop(0)
                command = [binary, "--site", str(site), "--glob", bundle.glob,
                           "--output-subdir", f"{BUNDLE}/{bundle.name}", "--force-language", "zh",
                           "--exclude-selectors", EXCLUDE]
                running.append((bundle, subprocess.Popen(command, stdout=subprocess.PIPE,
                                                         stderr=subprocess.STDOUT, text=True)))
            bundle, process = running.pop(0)
            output, _ = process.communicate()
            if process.returncode != 0:
                raise JuwuError(f"搜索索引生成失败（{bundle.name}）：{output[-500:]}",
                                f"Pagefind failed for {bundle.name}: {output[-500:]}")
            pagefind_stable.stabilise(site / BUNDLE / bundle.name)
            stats.pages += _count(output, "pages")
            stats.words += _count(output, "words")
    finally:
        for _, process in running:
            process.kill()
            process.wait()
    for bundle in plan:  # the search page is ours; Pagefind's ready-made UIs are not served
        for name in UI_FILES:
            (site / BUNDLE / bundle.name / name).unlink(missing_ok=True)
    stats.bytes = sum(p.stat().st_size for p in (site / BUNDLE).rglob("*") if p.is_file())
    return stats


def districts_json(districts: list[tuple[str, str]]) -> str:
    """What the search page offers to narrow to: [{"code": ..., "name": ...}] in city order."""
    return json.dumps([{"code": code, "name": name} for code, name in districts], ensure_ascii=False)


def _count(output: str, what: str) -> int:
    for line in output.splitlines():
        words = line.split()
        if len(words) == 3 and words[0] == "Indexed" and words[2] == what:
            return int(words[1])
    return 0
