"""make bench: build a synthetic city and print one JSON line of figures.

    python bench/run.py --communities 1000

Stages are timed inside the build (validate, generate, mkdocs, pages, ...); the whole build is
timed from outside, with the peak RSS of the build process. Not a test: nothing here fails on a
slow machine.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--communities", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    n = args.communities
    data, site, stats = OUT / f"city-{n}", OUT / f"site-{n}", OUT / f"stats-{n}.json"
    OUT.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    if not (data / "city.yaml").exists():
        run("demo", "--communities", str(n), "--seed", str(args.seed), "--out", str(data))
    demo_seconds = time.perf_counter() - started

    started = time.perf_counter()
    run("build", str(data), "--site", str(site), "--stats", str(stats))
    total = time.perf_counter() - started
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    figures = json.loads(stats.read_text())
    pages = [p.stat().st_size for p in site.rglob("*.html")]
    print(json.dumps({
        "communities": n,
        "pages": figures["pages"],
        "seconds": figures["seconds"] | {"total": round(total, 2)},
        "demo_seconds": round(demo_seconds, 2),
        "pages_per_second": round(figures["pages"] / total, 1),
        "site_bytes": sum(p.stat().st_size for p in site.rglob("*") if p.is_file()),
        "largest_page_bytes": max(pages, default=0),
        "peak_rss_mb": round(peak_kb / 1024, 1),
    }, ensure_ascii=False))


def run(*args: str) -> None:
    result = subprocess.run([sys.executable, "-m", "generator", *args], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if result.returncode != 0:
        sys.exit(f"juwu {args[0]} failed:\n{result.stderr[-3000:]}")


if __name__ == "__main__":
    main()
