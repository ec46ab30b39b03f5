"""The search stage alone: index every bundle of a built site's search documents, as a full build does.

    PYTHONPATH=. python bench/search_stage.py SITE/../.site.cache/search OUT

Reads the documents the generate stage left in the build cache (search/<group>/…), plans the
bundles (search.shard_plan) and runs Pagefind on each into OUT (deleted first), two at a time, then
prints the bundles, pages, index bytes and the CPU seconds of Pagefind (user + sys of the waited-for
processes) and of Python. A document's content is not needed for the plan, only its path.
"""

from __future__ import annotations

import resource
import shutil
import sys
import time
from pathlib import Path

from generator.site import search


def plan(documents: Path) -> dict[str, search.Shard]:
    found: dict[str, dict[str, str]] = {}
    for group in sorted(p for p in documents.iterdir() if p.is_dir()):
        for doc in group.rglob("index.html"):
            rel = doc.relative_to(group).parent.as_posix()
            found.setdefault(group.name, {})["" if rel == "." else rel] = ""
    return search.shard_plan(found)


def main(documents: Path, out: Path) -> str:
    shards = search.shards_to_index(plan(documents), None, out)
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    start = time.monotonic()
    stats = search.index_site(documents, out, shards)
    wall = time.monotonic() - start
    child, own = resource.getrusage(resource.RUSAGE_CHILDREN), resource.getrusage(resource.RUSAGE_SELF)
    pagefind = child.ru_utime + child.ru_stime
    return (f"{len(shards)} bundles, {stats.pages} pages, {stats.bytes} index bytes; {wall:.1f} s wall; "
            f"Pagefind {child.ru_utime:.2f} user + {child.ru_stime:.2f} sys = {pagefind:.2f} CPU-s "
            f"({1000 * pagefind / max(stats.pages, 1):.2f} ms a page); Python {own.ru_utime + own.ru_stime:.2f} CPU-s; "
            f"largest Pagefind {child.ru_maxrss // 1024} MB")


if __name__ == "__main__":
    print(main(Path(sys.argv[1]), Path(sys.argv[2])))
