"""The history stage alone (generator/history.py collect) on the bench city, in CPU seconds.

    python bench/history_stage.py --communities 1000

Uses the bench city of `bench/run.py` (made if missing: the demo city as one commit, then one
amended period in every tenth community), with a build cache of its own under bench/out. Prints one
JSON line: a cold walk (no cache: a first or `--full` build from nothing), a build with an unchanged
git head, and a republish of one community after a one-line correction committed with its reason
(undone afterwards), each with CPU seconds (this process and git) and wall seconds, and the cache's
files and bytes. Not a test: nothing here fails on a slow machine.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.run import OUT, correct_summary, git, make_repository, run  # noqa: E402
from generator import history  # noqa: E402


def cpu() -> float:
    me, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime


def timed(fn) -> tuple[dict, object]:
    c, w = cpu(), time.perf_counter()
    out = fn()
    return {"cpu_seconds": round(cpu() - c, 2), "seconds": round(time.perf_counter() - w, 2)}, out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--communities", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    n = parser.parse_args().communities
    data, cache = OUT / f"city-{n}", OUT / f"history-cache-{n}"
    if not (data / "city.yaml").exists():
        run("demo", "--communities", str(n), "--seed", str(parser.parse_args().seed), "--out", str(data))
    make_repository(data)
    shutil.rmtree(cache, ignore_errors=True)
    result: dict = {"communities": n}
    result["cold"], found = timed(lambda: history.collect(data, cache, None))
    result["records"] = len(found.records)
    result["amended_records"] = len(found.amended)
    result["unchanged_head"], _ = timed(lambda: history.collect(data, cache, None))
    code = sorted(p.name for p in (data / "communities").iterdir() if (p / "finance").is_dir())[0]
    correct_summary(sorted((data / "communities" / code / "finance").glob("*.csv"))[-1])
    git(data, "commit", "-qam", "更正\n\n更正说明 Amendment: 摘要更正")
    try:
        result["republish_one"], found = timed(lambda: history.collect(data, cache, {code}))
        result["walked"] = found.walked
    finally:
        git(data, "reset", "-q", "--hard", "HEAD~1")
    files = [p for p in (cache / "history").iterdir() if p.is_file()]
    result["cache_files"], result["cache_bytes"] = len(files), sum(p.stat().st_size for p in files)
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
