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
marks saying how to filter it (kind) and what to show with a result (community,
period, place). Pagefind's time grows with the text it reads, and the documents hold about a
fifth of the pages' text; they are written per group (the city-wide directory, each district),
and each group is indexed as bundles of at most MAX_PAGES documents (Pagefind's memory grows with
a bundle), so a bundle whose documents did not change need not be indexed again. Hand-written
pages have no document and are not indexed.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import tempfile
import threading
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from jinja2 import Environment
from markupsafe import Markup

from generator.periods import period_label
from generator.problems import JuwuError
from generator.site import pagefind_bin, pagefind_chunks, pagefind_stable, write
from generator.site.page import Page
from generator.site.privacy import mask_personal

BUNDLE = "pagefind"  # folder inside the site
DIRECTORY = "all"  # the city-wide bundle
UI_FILES = ("pagefind-ui.js", "pagefind-ui.css", "pagefind-modular-ui.js", "pagefind-modular-ui.css",
            "pagefind-component-ui.js", "pagefind-component-ui.css", "pagefind-highlight.js",
            "pagefind-worker.js")
# The filter the search page offers, by the name it shows. A district is narrowed to by loading
# its own bundles, so documents carry no district filter: Pagefind would send its chunk (~4 KB a
# bundle) with every first query for nothing.
KIND_FILTER = "类别"
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
    community = context.get("community")
    if community is not None:
        meta += [("community", community.name), ("place", f"{community.district_name} {community.street_name}")]
        if page.kind == "community":
            # Shown instead of an excerpt: the document's names are written piece by piece for the
            # index (templates/search/community.html), which reads badly as an excerpt.
            names = "、".join(m.name for m in community.members)
            meta.append(("summary", f"监督委员会成员：{names}" if names else "尚未成立居务监督委员会"))
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
    on the page is found (tests/browser/test_search_recall.py).

    Each run is spelled once, and not at all when it stands inside a longer run of the document
    (安泰社区 inside 安泰社区居民委员会): a phrase is found within one run, so the others would
    only add words to index. Pagefind's time and memory grow with the words it indexes (~3 µs
    each), and the spelled characters are half of them."""
    body = document_html.split("<body>", 1)[-1]
    body = body.split('<div class="index-only">', 1)[0]
    runs = list(dict.fromkeys(_HAN_RUN.findall(html.unescape(_TAG.sub(" ", body)))))
    joined = "\n".join(runs)  # a run found twice here also stands inside another run
    return " / ".join(" ".join(run) for run in runs if joined.count(run) == 1)


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


# Pagefind holds every page of a bundle in memory while it indexes them: ~270 KB a search
# document (measured with 1.6.0: 415 MB for 1,518 documents, 1.83 GB for a district of 6,799; the
# characters spelled out add ~55 %). A district's pages are therefore indexed in bundles of at
# most MAX_PAGES documents, a community's pages always together, which the search page queries
# as one (Pagefind's mergeIndex): the memory of one Pagefind process no longer grows with the
# district or the city. Smaller bundles cost the phone more: every bundle a query touches sends
# its metadata (~20 KB for 2,200 pages) and, per word, the chunk holding it (a few KB once
# pagefind_chunks has cut Pagefind's ~20 KB chunks smaller).
MAX_PAGES = 2200


@dataclass(frozen=True)
class Shard:
    """One Pagefind bundle: some of a group's search documents (a group is the city-wide
    directory or a district: the folders fill writes). The first shard of a group is named
    after it (all, 319901), the next ones name-2, name-3…"""
    name: str
    group: str
    units: tuple[str, ...]  # "" (the home page), c/<code>, d/<code>, s/<code>
    pages: tuple[tuple[str, str], ...]  # (page path, sha256 of its document)
    glob: str  # which of the group's documents Pagefind reads for this shard


def _unit(path: str) -> str:
    """A page's first two path parts (c/319901001001), where a community's pages are."""
    second = path.find("/", path.find("/") + 1)
    return path if second < 0 else path[:second]


def shard_plan(documents: dict[str, dict[str, str]], limit: int | None = None,
               known: tuple[dict, dict[str, Shard]] | None = None) -> dict[str, Shard]:
    """Every group's documents (group → page path → sha) cut into shards of at most `limit`
    pages, filled in path order, a community's pages never apart. A shard's pages change only
    when its own documents change, or one before it in its group outgrows the limit.
    `known`: the documents and plan of another call with the same limit; a group whose documents
    are the same there keeps its shards (a republish changes one or two groups of ~20)."""
    limit = limit or MAX_PAGES
    plan: dict[str, Shard] = {}
    for group, docs in sorted(documents.items()):
        if known is not None and known[0].get(group) == docs:
            plan.update((name, shard) for name, shard in known[1].items() if shard.group == group)
            continue
        units: dict[str, list[tuple[str, str]]] = {}
        for path, sha in sorted(docs.items()):
            units.setdefault(_unit(path), []).append((path, sha))
        cuts: list[list[str]] = [[]]
        filled = 0
        for unit, pages in units.items():
            if cuts[-1] and filled + len(pages) > limit:
                cuts.append([])
                filled = 0
            cuts[-1].append(unit)
            filled += len(pages)
        everywhere = _prefixes(units)
        for i, names in enumerate(cuts):
            name = group if i == 0 else f"{group}-{i + 1}"
            plan[name] = Shard(name, group, tuple(names), tuple(p for u in names for p in units[u]),
                               _glob(names, everywhere))
    return plan


def _prefixes(units) -> Counter:
    """How many units each district and street prefix of their codes has (c/319901, c/319901001…)."""
    found: Counter = Counter()
    for unit in units:
        area, _, code = unit.partition("/")
        found.update(f"{area}/{code[:cut]}" for cut in (6, 9) if cut < len(code))
    return found


def _glob(units: list[str], everywhere: Counter) -> str:
    """Pagefind's file glob for a shard's units, relative to its group's folder: a whole district
    or street the shard holds is one pattern (c/319901001*), so the glob stays short at any size
    (Pagefind found no file with a glob of ~5,000 alternatives)."""
    mine = _prefixes(units)
    patterns: list[str] = []
    for unit in units:
        area, _, code = unit.partition("/")
        wide = next((f"{area}/{code[:cut]}*" for cut in (6, 9) if cut < len(code)
                     and mine[f"{area}/{code[:cut]}"] == everywhere[f"{area}/{code[:cut]}"]), unit)
        pattern = "index.html" if not unit else f"{wide}/**/*.html"
        if pattern not in patterns:
            patterns.append(pattern)
    return "{" + ",".join(patterns) + "}"


def shards_to_index(plan: dict[str, Shard], before: dict[str, Shard] | None, site: Path) -> list[Shard]:
    """Every shard in a full build (before is None); in a republish, those whose pages or
    documents changed, or whose bundle is missing."""
    return [shard for name, shard in plan.items()
            if before is None or before.get(name) is None or before[name].pages != shard.pages
            or not (site / BUNDLE / name / "pagefind-entry.json").is_file()]


def groups_json(plan: dict[str, Shard], districts: list[tuple[str, str]]) -> str:
    """What the search page loads first (pagefind/districts.json): the city-wide directory's
    bundles, and each district's name and bundles, in city order."""
    bundles: dict[str, list[str]] = {}
    for shard in plan.values():
        bundles.setdefault(shard.group, []).append(shard.name)
    return json.dumps({"city": bundles.get(DIRECTORY, [DIRECTORY]),
                       "districts": [{"code": code, "name": name, "bundles": bundles.get(code, [code])}
                                     for code, name in districts]}, ensure_ascii=False)


@dataclass
class IndexStats:
    bundles: int = 0
    pages: int = 0
    words: int = 0
    bytes: int = 0
    kept: list[str] = field(default_factory=list)  # files of indexed bundles the live site already holds as made


def executable() -> Path:
    """The Pagefind binary (1.6.0 from npm, installed into the virtual environment: pagefind_bin)."""
    return pagefind_bin.executable()


RUNTIME = ("pagefind.js",)  # with wasm.*.pagefind: loaded from a group's first bundle only
MEMORY = Path("/dev/shm")  # where a republish has Pagefind write (tmpfs), when the machine has it
# Free memory there to use it: a bundle of MAX_PAGES documents is ~12 MB, and up to `workers` + 1
# are in memory at once (indexed, and one being tidied and settled).
MEMORY_NEEDED = 256 << 20
SCRATCH = "juwu-pagefind-"  # + the building process's id, "-", a random part


def index_site(documents: Path, site: Path, shards: list[Shard], workers: int = 2,
               stop: threading.Event | None = None, published: Path | None = None) -> IndexStats:
    """Run Pagefind on each shard's documents (documents/<group>/, the shard's folders only),
    `workers` at a time, into site/pagefind/<shard>/ (the biggest first, so the cores finish
    together); a finished bundle is tidied (_finish) while the next ones are indexed. Run beside
    other work (build.py), it stops within a second of `stop` being set.

    `published`, for a republish: the live site. Pagefind writes every file of a bundle, ~2,700
    for 2,200 pages, and a corrected line changes a few dozen of them; creating the rest again on
    disk cost ~1.5 s of kernel time at 5,000 communities. So each bundle is made in memory
    (MEMORY) and only the files the live bundle does not hold byte for byte go into `site` (the
    stage); stats.kept lists the others, which the republish must not delete."""
    binary = str(executable())
    stats = IndexStats(bundles=len(shards))
    running: list[tuple[Shard, subprocess.Popen]] = []
    queue = sorted(shards, key=lambda s: (-len(s.pages), s.name))
    scratch = _scratch() if published is not None and shards else None
    made = site / BUNDLE if scratch is None else scratch

    def start() -> None:
        while queue and len(running) < workers:
            shard = queue.pop(0)
            output = made / shard.name
            if output.exists():
                shutil.rmtree(output)
            command = [binary, "--site", str(documents / shard.group), "--glob", shard.glob,
                       "--output-path", str(output), "--force-language", "zh"]
            running.append((shard, subprocess.Popen(command, stdout=subprocess.PIPE,
                                                    stderr=subprocess.STDOUT, text=True)))

    try:
        while queue or running:
            start()
            shard, process = running[0]
            output = _output(process, stop)
            running.pop(0)
            if process.returncode != 0:
                raise JuwuError(f"搜索索引生成失败（{shard.name}）：{output[-500:]}",
                                f"Pagefind failed for {shard.name}: {output[-500:]}", code="search-index-failed")
            start()
            _finish(made / shard.name, shard)
            stats.bytes += sum(p.stat().st_size for p in (made / shard.name).rglob("*") if p.is_file())
            if scratch is not None:
                stats.kept += _settle(made / shard.name, f"{BUNDLE}/{shard.name}", site, published)
            stats.pages += _count(output, "pages")
            stats.words += _count(output, "words")
    finally:
        for _, process in running:
            process.kill()
            process.wait()
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)
    return stats


def _scratch() -> Path | None:
    """A new folder in memory for Pagefind's output, after removing those of builds that were
    killed (their process is gone): memory is not freed by itself. None where there is no tmpfs,
    or too little of it (Docker gives a container 64 MB): the bundles go to the stage."""
    if not (MEMORY.is_dir() and os.access(MEMORY, os.W_OK)):
        return None
    for old in MEMORY.glob(f"{SCRATCH}*"):
        pid = old.name.removeprefix(SCRATCH).split("-", 1)[0]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(old, ignore_errors=True)
    room = os.statvfs(MEMORY)
    if room.f_bavail * room.f_frsize < MEMORY_NEEDED:
        return None
    try:
        return Path(tempfile.mkdtemp(prefix=f"{SCRATCH}{os.getpid()}-", dir=MEMORY))
    except OSError:
        return None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's
        return True
    return True


def _settle(bundle: Path, rel: str, stage: Path, published: Path) -> list[str]:
    """Copy into the stage the files of a bundle made in memory that the live site does not hold
    byte for byte; returns the others (site paths), then drops the bundle from memory."""
    kept = []
    for folder, _, names in os.walk(bundle):
        inner = os.path.relpath(folder, bundle).replace(os.sep, "/")
        for name in sorted(names):
            path = f"{rel}/{name}" if inner == "." else f"{rel}/{inner}/{name}"
            made = Path(folder, name)
            if write.same_bytes(made, published / path):
                kept.append(path)
            else:
                write.write_file(stage, path, made.read_bytes())
    shutil.rmtree(bundle, ignore_errors=True)
    return kept


def _output(process: subprocess.Popen, stop: threading.Event | None) -> str:
    """What the process wrote, once it has ended; InterruptedError when `stop` is set before."""
    while True:
        try:
            return process.communicate(timeout=0.5)[0]
        except subprocess.TimeoutExpired:  # retried without losing output (subprocess docs)
            if stop is not None and stop.is_set():
                raise InterruptedError("search indexing stopped: the build failed") from None


def _finish(folder: Path, shard: Shard) -> None:
    """A bundle as the search page uses it: stable bytes, small index chunks, no files it does not load."""
    pagefind_stable.stabilise(folder)
    pagefind_chunks.rechunk(folder)  # a query word costs what it weighs, not ~20 KB a bundle
    for unused in UI_FILES:  # the search page is ours and runs Pagefind without its worker
        (folder / unused).unlink(missing_ok=True)
    if shard.name != shard.group:  # merged into the first bundle's engine: no engine of its own
        for runtime in [*RUNTIME, *(p.name for p in folder.glob("wasm.*.pagefind"))]:
            (folder / runtime).unlink(missing_ok=True)


def _count(output: str, what: str) -> int:
    for line in output.splitlines():
        words = line.split()
        if len(words) == 3 and words[0] == "Indexed" and words[2] == what:
            return int(words[1])
    return 0
