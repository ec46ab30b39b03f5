"""Render every generated page and pour it into its Material shell, on all cores, streaming.

A city of 5,000 communities has ~85,000 pages (~1.2 GB of HTML): rendering them all into a list
before writing would hold the whole site in memory, and Jinja2 is single-threaded. Each worker is
a fork of the build process (it shares the City model without copying or pickling it), renders
every n-th page, fills it into the shell MkDocs made and writes it to the staging folder at once.
"""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from generator import cores
from generator.site import search, write
from generator.site import shell as shells
from generator.site.pages import Page
from generator.site.render import environment, render_page

MIN_PAGES_PER_WORKER = 400  # below this, forking costs more than it saves
_JOB: tuple[Path, list[Page], int] | None = None  # what forked workers inherit


def fill_pages(stage: Path, pages: list[Page], processes: int | None = None) -> None:
    """Write every page into the stage as <path>index.html (the shells must be in the stage)."""
    global _JOB
    n = min(processes or cores.workers(), max(1, len(pages) // MIN_PAGES_PER_WORKER))
    if n <= 1:
        _fill_slice(stage, pages)
        return
    _JOB = (stage, pages, n)
    try:
        with ProcessPoolExecutor(n, mp_context=cores.fork_context()) as pool:
            list(pool.map(_work, range(n)))  # re-raises a worker's error here
    finally:
        _JOB = None


def _work(index: int) -> int:
    assert _JOB is not None
    stage, pages, n = _JOB
    return _fill_slice(stage, pages[index::n])


def _fill_slice(stage: Path, pages: list[Page]) -> int:
    env = environment()
    cache: dict[str, shells.Shell] = {}

    def shell_for(path: str) -> shells.Shell:
        own = path if path in shells.NAV_PAGES else shells.shell_path(path.count("/"))
        if own not in cache:
            rendered = (stage / own / "index.html").read_text(encoding="utf-8")
            cache[own] = shells.Shell.parse(rendered, own)
        return cache[own]

    for page in pages:
        fragment = render_page(env, page)
        html = shell_for(page.path).fill(page.title, search.wrap(page, fragment), page.path)
        write.write_file(stage, f"{page.path}index.html", search.mark_body(page, html))
    return len(pages)
