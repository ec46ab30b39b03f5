"""The pipeline, top to bottom: load and check everything, then write; swap only when complete.

A build is full, or a republish when only some community folders changed since the published
build (generator/buildcache.py): then only those communities are checked and rendered, into a
stage that then goes live file by file, and the result is the site a full build would make.
"""

from __future__ import annotations

import contextlib
import html
import resource
import shutil
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from generator import buildcache
from generator import collector
from generator import heldback
from generator import history
from generator import layout
from generator import manifest
from generator.buildcache import BuildCache
from generator.config import PROJECT_ROOT, BuildPaths
from generator.gather import Validation, validate_city
from generator.keys import SecretKey
from generator.load.sources import digest_of
from generator.model import City, HeldBack
from generator.problems import Problems
from generator.scope import Scope
from generator.site import shell as shells
from generator.site import engines, fill, findings, rollout, search, urls, write
from generator.site import history as site_history
from generator.site.downloads import city_published, write_city_tables
from generator.site.pages import site_pages
from generator.site.render import shared_environment
from generator.site.sitemap import sitemap_xml
from generator.validate.rules import amendments
from generator.version import data_version

Progress = Callable[[str, str], None]  # (stage, message)
# What MkDocs renders that the site does not publish: the shells (pages are poured into them) and
# its sitemap (ours lists the generated pages).
THEME_SKIP = ("_shell", "sitemap.xml", "sitemap.xml.gz", *(f"{p}index.html" for p in shells.NAV_PAGES))


@dataclass
class BuildResult:
    problems: Problems
    built: bool = False
    pages: int = 0
    seconds: dict[str, float] = field(default_factory=dict)
    cpu_seconds: dict[str, float] = field(default_factory=dict)  # each stage's, with the processes it waited for
    version: str = ""
    search: search.IndexStats | None = None
    republished: frozenset[str] | None = None  # the communities a republish redid; None: a full build
    warnings: int = 0  # open warnings of the whole published city (a republish checked only some)
    findings: int = 0  # open compliance findings of the whole published city
    held: dict[str, HeldBack] = field(default_factory=dict)  # communities held back (数据待更正)
    touched: list[str] | None = None  # files a republish wrote or removed in the site; None: a full build
    source_hashes: dict[str, str] = field(default_factory=dict, repr=False)  # every file the site was made from


def build(paths: BuildPaths, progress: Progress = lambda stage, msg: None, full: bool = False,
          rewrite_history: str | None = None, signing_key: SecretKey | None = None,
          engine: str | None = None) -> BuildResult:
    """Build the site; one build of a site at a time (a second waits for the first), since both
    would read and write the same build cache. The manifest chain is checked before anything is
    written, and extended once the site is live (generator/manifest.py). `engine` renders the
    theme (generator/site/engines.py): this, else city.yaml's `engine:`, else MkDocs."""
    theme_engine = engines.choose(engine, engines.city_engine(paths.data))
    search.executable()  # no indexer: say so before minutes of work, not after rendering
    cache = BuildCache(paths.cache)
    with cache.locked(), collector.released() as resume_collector, ThreadPoolExecutor(1) as checker:
        write.recover(paths.site, cache.trash)  # what a killed build left: first
        shared_environment.cache_clear()  # templates compiled afresh by each build (`juwu serve` outlives edits)
        # The chain (a 69 MB manifest at 5,000 communities: ~0.5 s) is checked while the data is
        # scanned and checked; nothing is written before it has passed (`chain_checked`), and its
        # refusal is the error reported, whatever else went wrong meanwhile.
        checking = checker.submit(manifest.check_chain, paths.site, paths.cache, rewrite_history)
        try:
            # A republish that finds it must be a full build returns None, and its model, summaries
            # and state are let go before the full build loads its own (twice the memory otherwise).
            result = _build(paths, progress, full, theme_engine, checking.result)
            if result is None:
                resume_collector()  # a republish pauses the collector (collector.pause), never the full build
                result = _build(paths, progress, True, theme_engine, checking.result)
        except BaseException:
            checking.result()
            raise
        chain = checking.result()
        if result.built:
            manifest.publish(paths.site, paths.cache, chain, paths.data, result.source_hashes, result.version,
                             signing_key, result.touched)
        return result


def _build(paths: BuildPaths, progress: Progress, full: bool, theme_engine: str = engines.DEFAULT,
           chain_checked: Callable[[], manifest.Chain | None] = lambda: None) -> BuildResult | None:
    """Build in full, or republish what changed; None: this republish has to be a full build.
    `chain_checked` returns the manifest chain once it has passed, or raises its refusal: called
    before anything is written."""
    timer = _Timer()
    cache = BuildCache(paths.cache)
    if cache.journal.exists():  # a republish killed while going live: finish it first
        chain_checked()
        write.finish_publishing(cache.journal)
    scope, scanned, scanned_ns, engine = _scope(paths, cache, full, theme_engine)
    if scope.full:  # it hashes the whole site: the last manifest's file list (~110 MB at 5,000
        chain = chain_checked()  # communities) is let go now, not held through the build
        if chain is not None:
            chain.listed = None
    else:  # its collections would walk the published build's summaries again and again
        collector.pause()

    # Gather and check everything; nothing is written yet.
    progress("validate", scope.checking())
    validation, walked = _checked(paths, scope)
    timer.lap("validate")
    result = BuildResult(validation.problems, seconds=timer.laps, cpu_seconds=timer.cpu)
    city = validation.city
    if city is None:
        return result
    city_errors, errors_of = heldback.split_errors(validation.problems.items, {c.code for c in city.communities})
    if city_errors:  # the city's own files are wrong: nothing is published
        return result
    scope.hold(city, errors_of, paths.site)
    hashes = scope.compose(city, validation.hashes)
    if hashes is None:  # the summaries do not cover the city: start again from scratch
        return None
    collector.keep_all()  # the city's model, kept to the end of the build
    if not scope.full and not cache.has_rows(scope.unchanged(city) | scope.kept_pages()):
        return None  # nor do the kept city rows: the city's downloads would miss what they published
    published = None if scope.full else cache.sheets()
    if not scope.full and scope.as_of_moved(city, published):  # every page's overdue, due, ... moved
        return None
    city.source_hashes = hashes
    version = data_version(paths.data, digest_of(hashes), city.as_of)
    rendered = scope.rendered(city)
    city.history = walked.result() if walked is not None else \
        history.collect(paths.data, paths.cache, scope.history_of(rendered))
    amendments.attach(city, city.history, rendered)  # changes without a reason: findings on the page
    timer.lap("history")
    pages = site_pages(city, version, only=rendered)
    if not scope.full and not _shells_ready(cache.theme, pages):
        return None  # a page deeper than any before needs a new shell

    # Write: the theme, then every page, download and search bundle into a stage, then go live.
    chain_checked()
    cache.forget()  # from here the cache changes: until this build publishes, the next is full
    if scope.full:
        progress("mkdocs", f"{theme_engine} 构建主题 building the theme with {theme_engine}")
        _mkdocs_theme(paths, cache.theme, city.settings.name, city.settings.site_url, pages, theme_engine)
        write.dispose_except(cache.documents, _document_folders(scope.kept_pages()), cache.trash)
        timer.lap("mkdocs")
    else:
        _drop_documents(cache.documents, rendered)
    stage = write.staging_dir(paths.site)
    try:
        write.copy_tree(cache.theme, stage, (".html",), {shells.VERSION: html.escape(version)}, THEME_SKIP)
        progress("generate", f"生成 {len(pages)} 个页面 rendering {len(pages)} pages")
        cache.start_rows()
        present = scope.present_documents(rendered)  # not written again: the indexer may be reading them
        first, rest = scope.first_pages(pages, rendered)
        filled = fill.fill_pages(stage, cache.theme, cache.documents, cache.keep_rows, first, present=present) \
            if first else fill.Filled()
        # Pagefind indexes the search documents (its own processes) while the rest is rendered and
        # the downloads are written: a republish starts it once its communities' pages are made,
        # a full build once every page is. The "search" lap is the wait after the downloads.
        stop = threading.Event()
        with ThreadPoolExecutor(1) as indexer:
            foreseen = scope.documents(rendered, first, filled.documents) if first else None
            indexing = None if foreseen is None else _index(indexer, scope, foreseen, cache, stage, paths.site, stop)
            try:
                restamped = fill.restamp(paths.site, stage, cache.theme, scope.restampable(rest),
                                         scope.published_version, version)
                rest = [p for p in rest if p.path not in restamped]
                made = first + rest  # the pages rendered: the restamped ones keep their published search documents
                filled.add(fill.fill_pages(stage, cache.theme, cache.documents, cache.keep_rows, rest, present=present))
                for period in (p for c in city.communities if scope.full or c.code in rendered for p in c.periods):
                    period.keep_totals_only()  # written: only totals needed now (the others are summaries)
                _carry_held(scope, paths.site, stage)
                page_paths = scope.page_paths(rendered, pages)
                write.write_file(stage, "sitemap.xml", sitemap_xml(city.settings.site_url, page_paths))
                timer.lap("generate")
                progress("search", "生成搜索索引 indexing for search")
                document_map = scope.documents(rendered, made, filled.documents)
                if indexing is None or document_map != foreseen:  # a document the early start did not foresee
                    if indexing is not None:  # every bundle is indexed again, from the documents as they are now
                        with contextlib.suppress(Exception):  # it may have read one being written: not used
                            indexing.future.result()
                        for early in indexing.shards:
                            shutil.rmtree(stage / search.BUNDLE / early.name, ignore_errors=True)
                    indexing = _index(indexer, scope, document_map, cache, stage, paths.site, stop)
                plan, names = indexing.plan, indexing.names
                progress("downloads", "写入下载文件和订阅 writing downloads and feeds")
                tables = None if scope.full else cache.changed_tables(rendered)  # a republish: those it changes
                if tables is None or tables:
                    write_city_tables(stage, city, cache.rows_of(rendered), tables)
                for rel, data in (city_published(city, version) | findings.published(city)
                                  | rollout.published(city)).items():
                    if not scope.of_unchanged_district(rel) or not (paths.site / rel).is_file():
                        write.write_file(stage, rel, data)  # those the site keeps are the same bytes
                sheets = site_history.community_sheets_of(city, scope.known_sheets(city, published))
                for rel, data in site_history.published(city, pages, sheets).items():  # old versions, /verify/
                    write.write_file(stage, rel, data)
            except BaseException:
                stop.set()  # Pagefind's processes killed, not waited for
                raise
            timer.lap("downloads")
            result.search = indexing.future.result()
        districts = [(d.code, d.name) for d in city.districts]
        write.write_file(stage, f"{search.BUNDLE}/districts.json", search.groups_json(plan, districts))
        timer.lap("search")
        result.touched = _go_live(scope, stage, paths.site, cache, rendered, names, set(result.search.kept))
    except BaseException:
        if not cache.journal.exists():  # once going live, the stage is the journal's to finish
            write.discard(stage)
        raise

    # Published: what the next build and `juwu print` reuse.
    _tally(result, city, validation.problems, scope, version, page_paths)
    result.source_hashes = hashes
    state = buildcache.State(engine, str(paths.site.resolve()), scanned_ns, scanned[0], hashes, page_paths,
                             document_map, validation.city_tables, held=scope.held_in(city), git=scanned[1],
                             version=version)
    cache.save(state, scope.summaries_after(city, rendered), scope.districts_changed(), (city.as_of, sheets),
               {c.code for c in city.communities} if scope.full else None)
    timer.lap("cache")
    return result


def checked_communities(paths: BuildPaths) -> set[str] | None:
    """Every community of the data (its folder, or its row in the city's tables) when the published
    build checked this very data with this very code and found no data error, so `juwu print` need
    not check the whole city again; None when there was no build, a community was held back, or
    the data or Juwu changed since."""
    state = BuildCache(paths.cache).state()
    if state is None or state.held or not state.engine.endswith(_engine(paths)):  # any theme engine
        return None
    files, _ = buildcache.scan(paths.data, state)
    if {rel: f[2] for rel, f in files.items()} != {rel: f[2] for rel, f in state.files.items()}:
        return None
    # A community without a folder still has its row and rollout, and findings about them.
    listed = {values.get(key) for _, rows, _ in state.city_tables.values() for _, values in rows
              for key in ("code", "community")}  # communities.csv's key, rollout.csv's
    return {code for code in map(layout.community_of, files) if code is not None} | {
        code for code in listed if isinstance(code, str) and layout.CODE_RE.match(code)}


@dataclass
class _Indexing:
    """Pagefind at work on a plan's bundles (search.shard_plan), beside the build."""

    plan: dict
    shards: list
    names: list[str]  # the bundles indexed or removed
    future: Future


def _checked(paths: BuildPaths, scope: Scope) -> tuple[Validation, Future | None]:
    """The city checked; a full build also walks the data's git history meanwhile (every
    community's: history.collect needs nothing of the check), in a thread beside the checking
    processes (~8 s at 5,000 communities). Returns once both are done; the walk's outcome, or its
    error, is the future's."""
    if not scope.full:
        return validate_city(paths.data, scope.checked, scope.known_city_tables()), None
    with ThreadPoolExecutor(1) as walker:
        walked = walker.submit(history.collect, paths.data, paths.cache, None)  # None: everyone's
        return validate_city(paths.data, scope.checked, scope.known_city_tables()), walked


def _index(indexer: ThreadPoolExecutor, scope: Scope, documents: dict, cache: BuildCache, stage: Path, site: Path,
           stop: threading.Event) -> _Indexing:
    plan, shards, names = scope.search_shards(documents, site)
    published = None if scope.full else site  # a republish writes only the bundle files the site lacks
    return _Indexing(plan, shards, names, indexer.submit(search.index_site, cache.documents, stage, shards, stop=stop,
                                                         published=published))


def _go_live(scope: Scope, stage: Path, site: Path, cache: BuildCache, rendered: set[str],
             bundles: list[str], kept: set[str]) -> list[str] | None:
    """A full build swaps the stage for the site; a republish moves in what changed, journalled,
    and returns the files it wrote or removed (the manifest hashes only those). `kept`: files of
    re-indexed bundles the site already holds as Pagefind made them again (not staged)."""
    if scope.full:
        write.swap(stage, site, cache.trash)
        return None
    removed = [rel for rel in _removed(site, stage, rendered, bundles)
               if not scope.of_unchanged_district(rel) and rel not in kept]
    return write.publish_changes(stage, site.resolve(), removed, cache.journal) + removed


def _tally(result: BuildResult, city: City, problems: Problems, scope: Scope, version: str,
           page_paths: list[str]) -> None:
    """What the build reports of the whole published city (a republish checked only some of it)."""
    result.built, result.version, result.held = True, version, dict(sorted(scope.held.items()))
    codes = {c.code for c in city.communities}
    result.warnings = sum(len(c.warnings) for c in city.communities) + sum(
        1 for w in problems.warnings if w.community not in codes)
    result.findings = sum(len(c.findings) for c in city.communities)
    result.pages = len(page_paths)
    result.republished = scope.republished


def _scope(paths: BuildPaths, cache: BuildCache, full: bool, theme_engine: str):
    """A republish when only community folders changed since the published build, else a full build."""
    last = cache.state()
    previous = None if full else last
    engine = _theme_engine_tag(theme_engine) + _engine(paths)
    scanned_ns = buildcache.now_ns()
    files, git = buildcache.scan(paths.data, previous)
    plan = None if full else buildcache.plan(previous, engine, paths.site, files)
    if plan is not None:  # a community whose history the walk will change is rendered again too
        walked = history.touched_since(paths.data, paths.cache)
        plan = None if walked is None else buildcache.Plan(plan.previous, plan.changed | walked)
    return Scope(plan, last, cache.summaries()), (files, git), scanned_ns, engine


def _document_folders(codes: set[str]) -> list[str]:
    """Where a community's search documents are, in each bundle it belongs to."""
    return [f"{bundle}/{urls.community(code)}".rstrip("/") for code in sorted(codes)
            for bundle in (search.DIRECTORY, code[:6])]


def _carry_held(scope: Scope, site: Path, stage: Path) -> None:
    """A held-back community's last good pages into the stage, each marked 数据待更正: all its files
    for a full build (the stage replaces the site), its pages only for a republish."""
    for code in sorted(scope.kept_pages()):
        held = scope.held[code]
        write.carry_over(site, stage, urls.community(code), lambda page, h=held: heldback.mark(page, h),
                         everything=scope.full)


def _engine(paths: BuildPaths) -> str:
    """What turns the data into a site, besides the data: a change to any of it is a full build."""
    roots = [PROJECT_ROOT / "generator", paths.mkdocs_yml, PROJECT_ROOT / "theme_overrides", paths.content]
    if paths.city_content is not None:
        roots.append(paths.city_content)
    return buildcache.engine_hash(roots, skip=write.GENERATED)


def _theme_engine_tag(theme_engine: str) -> str:
    """A build with another theme engine (or version of it) than the last is a full build."""
    return "" if theme_engine == engines.DEFAULT else f"{theme_engine} {engines.version_of(theme_engine)}:"


def _shells_ready(theme: Path, pages) -> bool:
    wanted = {shells.shell_of(p.path) for p in pages}
    return all((theme / path / "index.html").is_file() for path in wanted)


def _drop_documents(documents: Path, codes: set[str]) -> None:
    """A re-rendered community's search documents are made again from nothing (a period or report
    it no longer has must not stay behind)."""
    for folder in _document_folders(codes):
        shutil.rmtree(documents / folder, ignore_errors=True)


def _removed(site: Path, stage: Path, rendered: set[str], bundles: list[str]) -> list[str]:
    """What a republish deletes from the site: the files of a re-rendered community, or of a
    re-indexed search bundle, that the stage does not have again."""
    folders = ([urls.community(code) for code in sorted(rendered)] + [f"{search.BUNDLE}/{name}" for name in bundles]
               + [findings.HOME, rollout.HOME, site_history.VERIFY])  # made whole by every build: one gone is removed
    gone = []
    for folder in folders:
        for path in sorted((site / folder).rglob("*")):
            rel = path.relative_to(site).as_posix()
            if path.is_file() and not (stage / rel).exists():
                gone.append(rel)
    return gone


def _mkdocs_theme(paths: BuildPaths, theme: Path, site_name: str, site_url: str, pages,
                  theme_engine: str = engines.DEFAULT) -> None:
    """The engine (MkDocs by default) renders the hand-written pages and one shell per page depth
    into the cache's theme folder, the data version left as a token that each page fills with its own."""
    if paths.city_content is not None:
        write.merge_docs(paths.content, paths.city_content, paths.docs)
    write.write_content(paths.docs, shells.shell_sources({page.path.count("/") for page in pages}))
    engines.render(theme_engine, paths.mkdocs_yml, paths.docs, theme, theme.parent / "engine", site_name, site_url,
                   shells.VERSION)


class _Timer:
    """Each stage's wall seconds, and the CPU seconds spent in it by the build and the processes it
    waited for (render and check workers, Pagefind, git): a busy machine moves the first far more."""

    def __init__(self):
        self.start = self.last = time.perf_counter()
        self.last_cpu = _cpu_seconds()
        self.laps: dict[str, float] = {}
        self.cpu: dict[str, float] = {}

    def lap(self, name: str) -> None:
        now, cpu = time.perf_counter(), _cpu_seconds()
        self.laps[name] = round(now - self.last, 3)
        self.cpu[name] = round(cpu - self.last_cpu, 2)
        self.last, self.last_cpu = now, cpu


def _cpu_seconds() -> float:
    own, waited = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + waited.ru_utime + waited.ru_stime
