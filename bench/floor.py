"""The floor `make bench` compares a build with: the same pages through bare Jinja2, written to disk.

    python bench/floor.py SITE_DIR OUT_DIR [--processes 2]

Every HTML page of a built site is read first (not timed). Timed: one compiled Jinja2 template per
process (`{{ head }}{{ body }}`, the page cut in two, so the engine splices strings as a page
template does) renders each page, and the result is written to OUT_DIR at the same path, one file
each, the pages shared among as many forked processes as the build uses. No data is read, checked
or modelled, no page is laid out, nothing is indexed for search: no static-site generator that
writes these pages through Jinja2 can take less. Prints one JSON line: pages, bytes, wall and CPU
seconds (all processes).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import sys
import time
from multiprocessing import get_context
from pathlib import Path

PAGES: list[tuple[str, str, str]] = []  # (path, head, body), set before forking


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("site", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--processes", type=int, default=2)
    args = parser.parse_args()
    print(json.dumps(floor(args.site, args.out, args.processes)))


def floor(site: Path, out: Path, processes: int = 2) -> dict:
    shutil.rmtree(out, ignore_errors=True)
    PAGES.clear()
    for path in sorted(site.rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        cut = text.find("<body")
        cut = cut if cut > 0 else len(text) // 2
        PAGES.append((path.relative_to(site).as_posix(), text[:cut], text[cut:]))
    size = sum(len(h.encode()) + len(b.encode()) for _, h, b in PAGES)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    slices = [(out, i, processes) for i in range(processes)]
    with get_context("fork").Pool(processes) as pool:
        written = sum(pool.map(_write_slice, slices))
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return {"pages": written, "bytes": size, "seconds": round(wall, 2), "cpu_seconds": round(cpu, 2),
            "processes": processes}


def _write_slice(job: tuple[Path, int, int]) -> int:
    from jinja2 import Environment

    out, number, count = job
    template = Environment(autoescape=False).from_string("{{ head }}{{ body }}")
    made: set[str] = set()
    pages = PAGES[number::count]
    for rel, head, body in pages:
        target = out / rel
        folder = str(target.parent)
        if folder not in made:
            os.makedirs(folder, exist_ok=True)
            made.add(folder)
        target.write_text(template.render(head=head, body=body), encoding="utf-8")
    return len(pages)


if __name__ == "__main__":
    sys.exit(main())
