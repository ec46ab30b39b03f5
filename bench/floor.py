"""The floor `make bench` compares a build with: the same pages through bare Jinja2, written to disk.

    python bench/floor.py SITE_DIR OUT_DIR [--processes 2]

Timed: one compiled Jinja2 template per process (`{{ head }}{{ body }}`, each page cut in two at
`<body`, so the engine splices strings as a page template does) renders each HTML page of a built
site, and the result is written to OUT_DIR at the same path, one file each, the pages shared among
as many forked processes as the build uses. Reading the built pages is not timed (each process
reads 200 pages, then renders and writes them, so memory stays small at 80,000 pages). No data is
read, checked or modelled, no page is laid out, nothing is indexed for search: no static-site
generator that writes these pages through Jinja2 can take less. Prints one JSON line: pages,
bytes, wall seconds (the slowest process's timed work) and CPU seconds (all processes, timed work).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
from multiprocessing import get_context
from pathlib import Path

CHUNK = 200  # pages read, then rendered and written, at a time


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("site", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--processes", type=int, default=2)
    args = parser.parse_args()
    print(json.dumps(floor(args.site, args.out, args.processes)))


def floor(site: Path, out: Path, processes: int = 2) -> dict:
    shutil.rmtree(out, ignore_errors=True)
    pages = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))
    jobs = [(site, out, pages[i::processes]) for i in range(processes)]
    with get_context("fork").Pool(processes) as pool:
        results = pool.map(_write_slice, jobs)
    return {"pages": sum(r[0] for r in results), "bytes": sum(r[1] for r in results),
            "seconds": round(max(r[2] for r in results), 2), "cpu_seconds": round(sum(r[3] for r in results), 2),
            "processes": processes}


def _write_slice(job: tuple[Path, Path, list[str]]) -> tuple[int, int, float, float]:
    from jinja2 import Environment

    site, out, pages = job
    template = Environment(autoescape=False).from_string("{{ head }}{{ body }}")
    made: set[str] = set()
    size, wall, cpu = 0, 0.0, 0.0
    for start in range(0, len(pages), CHUNK):
        chunk = []
        for rel in pages[start:start + CHUNK]:
            text = (site / rel).read_text(encoding="utf-8")
            cut = text.find("<body")
            cut = cut if cut > 0 else len(text) // 2
            chunk.append((rel, text[:cut], text[cut:]))
        started, started_cpu = time.perf_counter(), time.process_time()
        for rel, head, body in chunk:
            target = out / rel
            folder = str(target.parent)
            if folder not in made:
                os.makedirs(folder, exist_ok=True)
                made.add(folder)
            data = template.render(head=head, body=body).encode("utf-8")
            target.write_bytes(data)
            size += len(data)
        wall += time.perf_counter() - started
        cpu += time.process_time() - started_cpu
    return len(pages), size, wall, cpu


if __name__ == "__main__":
    sys.exit(main())
