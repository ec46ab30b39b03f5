"""Render every generated page and pour it into its Material shell, on all cores, streaming.

A city of 5,000 communities has ~85,000 pages (~1.2 GB of HTML): rendering them all into a list
before writing would hold the whole site in memory, and Jinja2 is single-threaded. Each worker is
a fork of the build process (it shares the City model without copying or pickling it), renders
every n-th page, fills it into the shell MkDocs made and writes it to the staging folder at once,
with the page's search document beside it in each bundle's folder; it sends back only the
documents' hashes, from which the build tells which search bundles changed.
"""

from __future__ import annotations

import hashlib
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from generator import cores
from generator.site import search, write
from generator.site import shell as shells
from generator.site.downloads import community_published
from generator.site.pages import Page
from generator.site.render import environment, render_page

MIN_PAGES_PER_WORKER = 400  # below this, forking costs more than it saves
DocumentHashes = list[tuple[str, str, str]]  # (bundle, page path, sha256 of its search document)
_JOB: tuple[Path, Path, Path, list[Page], int] | None = None  # what forked workers inherit


def fill_pages(stage: Path, shells_dir: Path, documents: Path, pages: list[Page],
               processes: int | None = None) -> DocumentHashes:
    """Write every page into the stage as <path>index.html, from the shells in `shells_dir`,
    and its search document into documents/<bundle>/<path>index.html."""
    global _JOB
    n = min(processes or cores.workers(), max(1, len(pages) // MIN_PAGES_PER_WORKER))
    if n <= 1:
        return _fill_slice(stage, shells_dir, documents, pages)
    _JOB = (stage, shells_dir, documents, pages, n)
    try:
        with ProcessPoolExecutor(n, mp_context=cores.fork_context()) as pool:
            # re-raises a worker's error here
            return [h for hashes in pool.map(_work, range(n)) for h in hashes]
    finally:
        _JOB = None


def _work(index: int) -> DocumentHashes:
    assert _JOB is not None
    stage, shells_dir, documents, pages, n = _JOB
    return _fill_slice(stage, shells_dir, documents, pages[index::n])


def _fill_slice(stage: Path, shells_dir: Path, documents: Path, pages: list[Page]) -> DocumentHashes:
    env = environment()
    hashes: DocumentHashes = []
    cache: dict[str, shells.Shell] = {}

    def shell_for(path: str) -> shells.Shell:
        own = path if path in shells.NAV_PAGES else shells.shell_path(path.count("/"))
        if own not in cache:
            rendered = (shells_dir / own / "index.html").read_text(encoding="utf-8")
            cache[own] = shells.Shell.parse(rendered, own)
        return cache[own]

    for page in pages:
        fragment = render_page(env, page)
        html = shell_for(page.path).fill(page.title, fragment, page.path, page.version)
        write.write_file(stage, f"{page.path}index.html", html)
        if page.kind == "community":  # its downloads and feed, on this core too
            for rel, data in community_published(page.context["city"], page.context["community"],
                                                 page.version).items():
                write.write_file(stage, rel, data)
        document = search.document(env, page)
        if document is not None:
            digest = hashlib.sha256(document.encode("utf-8")).hexdigest()
            for bundle in search.bundle_names(page):
                write.write_file(documents / bundle, f"{page.path}index.html", document)
                hashes.append((bundle, page.path, digest))
    return hashes
