"""Render every generated page and pour it into its Material shell, on all cores, streaming.

A city of 5,000 communities has ~85,000 pages (~1.2 GB of HTML): rendering them all into a list
before writing would hold the whole site in memory, and Jinja2 is single-threaded. Each worker is
a fork of the build process (it shares the City model without copying or pickling it), renders
every n-th page, fills it into the shell MkDocs made and writes it to the staging folder at once,
with the page's search document beside it in each bundle's folder, and hands a community's rows of
the city's downloads to `keep_rows` (the build cache's); it sends back only the documents' hashes,
from which the build tells which search bundles changed.
"""

from __future__ import annotations

import hashlib
import html
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from generator import cores, heldback
from generator.site import search, write
from generator.site import shell as shells
from generator.site.downloads import CityRows, community_downloads
from generator.site.page import Page
from generator.site.render import render_page, shared_environment

MIN_PAGES_PER_WORKER = 200  # below this, forking costs more than it saves (a republish renders ~650)
DocumentHashes = list[tuple[str, str, str]]  # (bundle, page path, sha256 of its search document)


@dataclass
class Filled:
    documents: DocumentHashes = field(default_factory=list)

    def add(self, other: "Filled") -> "Filled":
        self.documents += other.documents
        return self


KeepRows = Callable[[str, CityRows], None]  # (community, its rows of the city's tables): kept for the downloads
Documents = dict[str, dict[str, str]]  # bundle → page path → sha256 of its search document
_JOB: tuple[Path, Path, Path, KeepRows, list[Page], Documents, int] | None = None  # what forked workers inherit


def fill_pages(stage: Path, shells_dir: Path, documents: Path, keep_rows: KeepRows, pages: list[Page],
               processes: int | None = None, present: Documents | None = None) -> Filled:
    """Write every page into the stage as <path>index.html, from the shells in `shells_dir`,
    its search document into documents/<bundle>/<path>index.html (unless `present` says that very
    document is there already: a republish's search indexer may be reading it), and give each
    community's rows of the city's downloads to `keep_rows` (in the worker that made them)."""
    global _JOB
    present = present or {}
    n = min(processes or cores.workers(), max(1, len(pages) // MIN_PAGES_PER_WORKER))
    if n <= 1:
        return _fill_slice(stage, shells_dir, documents, keep_rows, pages, present)
    _JOB = (stage, shells_dir, documents, keep_rows, pages, present, n)
    try:
        with ProcessPoolExecutor(n, mp_context=cores.fork_context()) as pool:
            filled = Filled()
            for part in pool.map(_work, range(n)):  # re-raises a worker's error here
                filled.add(part)
            return filled
    finally:
        _JOB = None


def _work(index: int) -> Filled:
    assert _JOB is not None
    stage, shells_dir, documents, keep_rows, pages, present, n = _JOB
    return _fill_slice(stage, shells_dir, documents, keep_rows, share(pages, index, n), present)


def share(pages: list[Page], index: int, n: int) -> list[Page]:
    """Worker `index`'s pages of `n`: every n-th community's pages, together, in their order (and
    every n-th of the city's own pages). A community's pages print the same names, categories and
    amounts as its downloads: one worker masks and escapes them once, for all of them."""
    mine, unit, last = [], -1, None
    for page in pages:
        key = _community_of(page.path)
        if key is None or key != last:
            unit += 1
            last = key
        if unit % n == index:
            mine.append(page)
    return mine


def _community_of(path: str) -> str | None:
    return path.split("/", 2)[1] if path.startswith("c/") else None


def restamp(site: Path, stage: Path, shells_dir: Path, pages: list[Page], old: str, new: str) -> set[str]:
    """Copy these published pages into the stage with the version in their shell `old` → `new`,
    instead of rendering them again; returns the paths of those copied. A page that is missing, or
    does not hold the old version exactly where its shell puts one, is left out (to be rendered)."""
    before, after = html.escape(old).encode("utf-8"), html.escape(new).encode("utf-8")
    writer = write.NewFiles()
    stamps: dict[str, int] = {}  # shell → how many versions it puts in a page
    done: set[str] = set()
    for page in pages:
        own = shells.shell_of(page.path)
        if own not in stamps:
            stamps[own] = shells.Shell.parse((shells_dir / own / "index.html").read_text(encoding="utf-8"),
                                             own).parts.count(shells.VERSION)
        try:
            data = (site / page.path / "index.html").read_bytes()
        except OSError:
            continue
        if not before or stamps[own] == 0 or data.count(before) != stamps[own]:
            continue
        writer.write(stage, f"{page.path}index.html", data.replace(before, after))
        done.add(page.path)
    return done


def _fill_slice(stage: Path, shells_dir: Path, documents: Path, keep_rows: KeepRows, pages: list[Page],
                present: Documents) -> Filled:
    env = shared_environment()
    filled = Filled()
    writer = write.NewFiles()
    cache: dict[str, shells.Shell] = {}

    def shell_for(path: str) -> shells.Shell:
        own = shells.shell_of(path)
        if own not in cache:
            rendered = (shells_dir / own / "index.html").read_text(encoding="utf-8")
            cache[own] = shells.Shell.parse(rendered, own)
        return cache[own]

    for page in pages:
        page = page.resolved()  # its context, derived once for this page and let go after it
        fragment = render_page(env, page)
        community = page.context.get("community")
        if community is not None and page.path.startswith("c/"):  # where a hold's notice goes
            fragment = heldback.MARK + fragment
        html = shell_for(page.path).fill(page.title, fragment, page.path, page.version)
        if community is not None and community.held is not None:
            html = heldback.mark(html, community.held)
        writer.write(stage, f"{page.path}index.html", html)
        if page.kind == "community":  # its downloads, feed and rows of the city's tables, on this core too
            city, community = page.context["city"], page.context["community"]
            files, city_rows = community_downloads(city, community, page.version)
            keep_rows(community.code, city_rows)
            for rel, data in files.items():
                writer.write(stage, rel, data)
        document = search.document(env, page)
        if document is not None:
            data = document.encode("utf-8")  # once, for its hash and each bundle's copy
            digest = hashlib.sha256(data).hexdigest()
            for bundle in search.bundle_names(page):
                if present.get(bundle, {}).get(page.path) != digest:
                    writer.write(documents / bundle, f"{page.path}index.html", data)
                filled.documents.append((bundle, page.path, digest))
    return filled
