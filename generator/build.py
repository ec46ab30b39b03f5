"""The pipeline, top to bottom: load and check everything, then write; swap only when complete.

A build is full, or a republish when only some community folders changed since the published
build (generator/buildcache.py): then only those communities are checked and rendered, into a
stage that then goes live file by file, and the result is the site a full build would make.
"""

from __future__ import annotations

import html
import logging
import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from generator import buildcache
from generator.buildcache import BuildCache, Plan
from generator.config import PROJECT_ROOT, BuildPaths
from generator.load.sources import digest_of
from generator.model import City
from generator.problems import JuwuError, Problems
from generator.site import shell as shells
from generator.site import fill, search, write
from generator.site.downloads import city_published
from generator.site.pages import site_pages
from generator.site.sitemap import sitemap_xml
from generator.validate import validate_city
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
    version: str = ""
    search: search.IndexStats | None = None
    republished: frozenset[str] | None = None  # the communities a republish redid; None: a full build
    warnings: int = 0  # open warnings of the whole published city (a republish checked only some)


def build(paths: BuildPaths, progress: Progress = lambda stage, msg: None, full: bool = False) -> BuildResult:
    """Build the site; one build of a site at a time (a second waits for the first), since both
    would read and write the same build cache."""
    with BuildCache(paths.cache).locked():
        return _build(paths, progress, full)


def _build(paths: BuildPaths, progress: Progress, full: bool) -> BuildResult:
    timer = _Timer()
    cache = BuildCache(paths.cache)
    write.finish_publishing(cache.journal)  # a republish killed while going live: finish it first
    previous = None if full else cache.state()
    engine = _engine(paths)
    scanned_ns = buildcache.now_ns()
    files = buildcache.scan(paths.data, previous)
    plan = None if full else buildcache.plan(previous, engine, paths.site, files)
    summaries = cache.summaries() if plan is not None else None
    if plan is not None and summaries is None:
        plan = None
    progress("validate", "检查数据 checking the data" if plan is None else
             f"检查有变化的 {len(plan.changed)} 个社区 checking the {len(plan.changed)} changed communities")
    validation = validate_city(paths.data, set(plan.changed) if plan is not None else None,
                               plan.previous.city_tables if plan is not None else None)
    timer.lap("validate")
    result = BuildResult(validation.problems, seconds=timer.laps)
    if not validation.ok or validation.city is None:
        return result
    city = validation.city
    hashes = validation.hashes
    if plan is not None:
        merged = _merge(city, plan, summaries or {}, hashes)
        if merged is None:  # the summaries do not cover the city: start again from scratch
            return _build(paths, progress, full=True)
        hashes = merged
    city.source_hashes = hashes
    version = data_version(paths.data, digest_of(hashes), city.as_of)
    pages = site_pages(city, version, only=set(plan.changed) if plan is not None else None)
    if plan is not None and not _shells_ready(cache.theme, pages):
        return _build(paths, progress, full=True)  # a page deeper than any before needs a new shell

    cache.forget()  # from here the cache changes: until this build publishes, the next is full
    if plan is None:
        progress("mkdocs", "MkDocs 构建主题 building the theme with MkDocs")
        _mkdocs_theme(paths, cache.theme, city.settings.name, city.settings.site_url, pages)
        write.dispose(cache.documents, cache.trash)
        timer.lap("mkdocs")
    stage = write.staging_dir(paths.site)
    try:
        if plan is not None:
            _drop_documents(cache.documents, plan.changed)
        write.copy_tree(cache.theme, stage, (".html",), {shells.VERSION: html.escape(version)}, THEME_SKIP)
        progress("generate", f"生成 {len(pages)} 个页面 rendering {len(pages)} pages")
        filled = fill.fill_pages(stage, cache.theme, cache.documents, pages)
        page_paths = _page_paths(plan, pages)
        write.write_file(stage, "sitemap.xml", sitemap_xml(city.settings.site_url, page_paths))
        timer.lap("generate")
        progress("downloads", "写入下载文件和订阅 writing downloads and feeds")
        city_rows = {code: rows for code, (_, rows) in (summaries or {}).items()} | filled.city_rows
        for rel, data in city_published(city, version, city_rows).items():
            write.write_file(stage, rel, data)
        timer.lap("downloads")
        progress("search", "生成搜索索引 indexing for search")
        document_map = _documents(plan, pages, filled.documents)
        names = _bundles_to_index(plan, document_map, paths.site)
        result.search = search.index_site(cache.documents, stage, names)
        districts = [(d.code, d.name) for d in city.districts]
        write.write_file(stage, f"{search.BUNDLE}/districts.json", search.districts_json(districts))
        timer.lap("search")
        if plan is None:
            write.swap(stage, paths.site, cache.trash)
        else:
            write.publish_changes(stage, paths.site.resolve(), _removed(paths.site, stage, plan, names),
                                  cache.journal)
    except BaseException:
        if not cache.journal.exists():  # once going live, the stage is the journal's to finish
            write.discard(stage)
        raise
    result.built, result.version = True, version
    codes = {c.code for c in city.communities}
    result.warnings = sum(len(c.warnings) for c in city.communities) + sum(
        1 for w in validation.problems.warnings if w.community not in codes)
    result.pages = len(page_paths)
    result.republished = plan.changed if plan is not None else None
    state = buildcache.State(engine, str(paths.site.resolve()), scanned_ns, files, hashes, page_paths, document_map,
                             validation.city_tables)
    cache.save(state, _summaries(city, plan, summaries, city_rows),
               None if plan is None else {code[:6] for code in plan.changed})
    timer.lap("cache")
    return result


def _engine(paths: BuildPaths) -> str:
    """What turns the data into a site, besides the data: a change to any of it is a full build."""
    roots = [PROJECT_ROOT / "generator", paths.mkdocs_yml, PROJECT_ROOT / "theme_overrides", paths.content]
    if paths.city_content is not None:
        roots.append(paths.city_content)
    return buildcache.engine_hash(roots, skip=write.GENERATED)


def _shells_ready(theme: Path, pages) -> bool:
    wanted = {p.path if p.path in shells.NAV_PAGES else shells.shell_path(p.path.count("/")) for p in pages}
    return all((theme / path / "index.html").is_file() for path in wanted)


def _merge(city: City, plan: Plan, summaries: dict, hashes: dict[str, str]) -> dict[str, str] | None:
    """Put the unchanged communities' summaries in the city; the hashes of every file read, as a
    full build would have them. None when a summary is missing."""
    for street in city.streets:
        merged = []
        for community in street.communities:
            if community.code not in plan.changed:
                if community.code not in summaries:
                    return None
                community = summaries[community.code][0]
            merged.append(community)
        street.communities = merged
    kept = {rel: sha for rel, sha in plan.previous.hashes.items() if not buildcache.under(rel, plan.changed)}
    return kept | hashes


def _drop_documents(documents: Path, changed: frozenset[str]) -> None:
    """A changed community's search documents are made again from nothing (a period or report
    it no longer has must not stay behind)."""
    for code in sorted(changed):
        for bundle in (search.DIRECTORY, code[:6]):
            shutil.rmtree(documents / bundle / "c" / code, ignore_errors=True)


def _removed(site: Path, stage: Path, plan: Plan, bundles: list[str]) -> list[str]:
    """What a republish deletes from the site: the files of a changed community, or of a
    re-indexed search bundle, that the stage does not have again."""
    folders = [f"c/{code}" for code in sorted(plan.changed)] + [f"{search.BUNDLE}/{name}" for name in bundles]
    gone = []
    for folder in folders:
        for path in sorted((site / folder).rglob("*")):
            rel = path.relative_to(site).as_posix()
            if path.is_file() and not (stage / rel).exists():
                gone.append(rel)
    return gone


def _page_paths(plan: Plan | None, pages) -> list[str]:
    made = {p.path for p in pages}
    if plan is None:
        return sorted(made)
    kept = {p for p in plan.previous.paths if not buildcache.under(p, plan.changed)}
    return sorted(kept | made)


def _documents(plan: Plan | None, pages, hashes: fill.DocumentHashes) -> dict[str, dict[str, str]]:
    """bundle → page path → sha256 of its search document, for the whole published site."""
    made = {p.path for p in pages}
    found: dict[str, dict[str, str]] = {}
    if plan is not None:
        for bundle, docs in plan.previous.documents.items():
            found[bundle] = {path: sha for path, sha in docs.items()
                             if path not in made and not buildcache.under(path, plan.changed)}
    for bundle, path, sha in hashes:
        found.setdefault(bundle, {})[path] = sha
    return {bundle: dict(sorted(docs.items())) for bundle, docs in sorted(found.items()) if docs}


def _bundles_to_index(plan: Plan | None, documents: dict[str, dict[str, str]], site: Path) -> list[str]:
    """Every bundle in a full build; in a republish, those whose documents changed."""
    if plan is None:
        return sorted(documents)
    before = plan.previous.documents
    return sorted(name for name, docs in documents.items()
                  if docs != before.get(name) or not (site / search.BUNDLE / name / "pagefind-entry.json").is_file())


def _summaries(city: City, plan: Plan | None, previous: dict | None, rows: dict) -> dict:
    """Every community's summary and city rows after this build: the republished ones made again."""
    return {c.code: (buildcache.summary(c), rows[c.code]) if plan is None or c.code in plan.changed
            else previous[c.code] for c in city.communities}


def _mkdocs_theme(paths: BuildPaths, theme: Path, site_name: str, site_url: str, pages) -> None:
    """MkDocs renders the hand-written pages and one shell per page depth into the cache's theme
    folder, the data version left as a token that each page fills with its own."""
    if paths.city_content is not None:
        write.merge_docs(paths.content, paths.city_content, paths.docs)
    write.write_content(paths.docs, shells.shell_sources({page.path.count("/") for page in pages}))
    _mkdocs_build(paths, theme, site_name, site_url, shells.VERSION)


def _mkdocs_build(paths: BuildPaths, stage: Path, site_name: str, site_url: str, version: str) -> None:
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    # MkDocs stamps the sitemap with the build date unless this is set: keep builds byte-identical.
    os.environ["SOURCE_DATE_EPOCH"] = "0"
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    logging.getLogger("mkdocs").setLevel(logging.WARNING)
    try:
        config = load_config(str(paths.mkdocs_yml), site_dir=str(stage), docs_dir=str(paths.docs),
                             site_name=site_name, site_url=site_url,
                             extra={"data_version": version, "generator": False})
        mkdocs_build(config)
    except (MkDocsException, SystemExit) as exc:
        raise JuwuError(f"MkDocs 构建失败：{exc}", f"MkDocs build failed: {exc}") from None


class _Timer:
    def __init__(self):
        self.start = self.last = time.perf_counter()
        self.laps: dict[str, float] = {}

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.laps[name] = round(now - self.last, 3)
        self.last = now
