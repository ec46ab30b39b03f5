"""make bench: build a synthetic city and print one JSON line of figures.

    python bench/run.py --communities 1000 [--baseline] [--no-probe]

Stages are timed inside the build (validate, mkdocs, generate, downloads, search, cache); the whole
build is timed from outside, with the CPU seconds and the peak RSS of the largest process of the
build (Pagefind included). Then one line of one community's ledger is corrected and `juwu build`
republishes it: its stages and wall seconds are reported under "republish". The bench city is its
own git repository (made once, with one amended period in every tenth community, each amendment a
commit with its reason), so the build's "history" stage walks a real history; the republish
commits its correction first, so it walks one new commit (generator/history.py).
The same run measures the floor (bench/floor.py: the same pages through bare Jinja2 and written,
untouched by any of our work) and reports the full build's wall and CPU seconds over it
("ours_over_floor"). `--baseline` also builds the same pages with stock MkDocs + Material (bench/stock.py)
and reports the ratio. The search probe (headless Chromium) counts the bytes a phone downloads
for its first and later queries. Not a test: nothing here fails on a slow machine.
"""

from __future__ import annotations

import argparse
import calendar
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--communities", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--baseline", action="store_true", help="also build with stock MkDocs + Material")
    parser.add_argument("--baseline-timeout", type=int, default=900)
    parser.add_argument("--no-probe", action="store_true", help="skip measuring search downloads in Chromium")
    parser.add_argument("--engine", choices=["mkdocs", "zensical", "properdocs"], default="mkdocs",
                        help="what renders the theme's shells (generator/site/engines.py)")
    args = parser.parse_args()
    engine = ["--engine", args.engine]
    n = args.communities
    data, site, stats = OUT / f"city-{n}", OUT / f"site-{n}", OUT / f"stats-{n}.json"
    OUT.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    if not (data / "city.yaml").exists():
        run("demo", "--communities", str(n), "--seed", str(args.seed), "--out", str(data))
    demo_seconds = time.perf_counter() - started
    git_seconds = make_repository(data)

    # A full build from nothing: the previous run's site and build cache are removed first (not
    # timed), so no background deletion of an old tree competes with the build.
    for leftover in (site, site.with_name(f".{site.name}.cache")):
        shutil.rmtree(leftover, ignore_errors=True)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    run("build", str(data), "--site", str(site), "--stats", str(stats), "--full", *engine)
    total = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    figures = json.loads(stats.read_text())
    # Both republishes commit on top of the city's history, undone together afterwards: a build
    # after the history went back (reset) finds its walk's base gone and is a full one.
    head = git(data, "rev-parse", "HEAD").strip()
    try:
        republish = republish_one(data, site, stats, engine)
        new_month = republish_new_month(data, site, stats, engine)
    finally:
        git(data, "reset", "-q", "--hard", head)
    warm = warm_full_build(data, site, stats, engine)
    html = sorted((p.stat().st_size, str(p.relative_to(site))) for p in site.rglob("*.html"))
    result = {
        "communities": n,
        "engine": args.engine,
        "pages": figures["pages"],
        "seconds": figures["seconds"] | {"total": round(total, 1)},
        "cpu_seconds": round(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime, 1),
        "stage_cpu_seconds": figures.get("cpu_seconds"),
        "demo_seconds": round(demo_seconds, 1),
        "pages_per_second": round(figures["pages"] / total, 1),
        "site_bytes": sum(p.stat().st_size for p in site.rglob("*") if p.is_file()),
        "largest_page_bytes": html[-1][0] if html else 0,
        "largest_page": html[-1][1] if html else "",
        "median_page_bytes": html[len(html) // 2][0] if html else 0,
        "peak_rss_mb": round(after.ru_maxrss / 1024, 1),
        "republish": republish,
        "republish_new_month": new_month,
        "warm_full_build": warm,
        "git_seconds": git_seconds,
        "history": history_figures(site),
        "search": search_figures(site) | {"index_seconds": figures["seconds"].get("search")},
    }
    result["floor"] = floor_figures(site, OUT / f"floor-{n}")
    result["ours_over_floor"] = {
        "seconds": round(total / max(result["floor"]["seconds"], 0.01), 1),
        "cpu_seconds": round(result["cpu_seconds"] / max(result["floor"]["cpu_seconds"], 0.01), 1),
    }
    if not args.no_probe:
        from bench.searchprobe import probe

        result["search"]["probe"] = probe(site, data)
    if args.baseline:
        stock = baseline(data, OUT / f"stock-{n}", args.baseline_timeout)
        result["stock"] = stock
        if stock.get("finished"):
            # Stock also needs the data validated and the pages written (write_seconds): whole builds.
            ours = result["seconds"]["total"]
            stock_total = stock["seconds"] + stock["write_seconds"]
            result["stock_over_ours"] = {
                "seconds": round(stock_total / ours, 1),
                "site_bytes": round(stock["site_bytes"] / result["site_bytes"], 1),
                "largest_page": round(stock["largest_page_bytes"] / result["largest_page_bytes"], 1),
            }
    print(json.dumps(result, ensure_ascii=False))


def git(data: Path, *args: str) -> str:
    return subprocess.run(["git", "-c", "user.email=bench@example.org", "-c", "user.name=bench", *args], cwd=data,
                          check=True, capture_output=True, text=True).stdout


def make_repository(data: Path) -> float:
    """Once per bench city: make it a git repository, then amend the latest period of every tenth
    community (a summary corrected, with its reason), one commit each. Returns the seconds taken."""
    if (data / ".git").is_dir():
        return 0.0
    started = time.perf_counter()
    git(data, "init", "-q")
    git(data, "add", "-A")
    git(data, "commit", "-qm", "demo city")
    codes = sorted(p.name for p in (data / "communities").iterdir() if (p / "finance").is_dir())
    for code in codes[::10]:
        ledger = sorted((data / "communities" / code / "finance").glob("*.csv"))[-1]
        correct_summary(ledger)
        header = ledger.with_suffix(".yaml")
        kept = [line for line in header.read_text(encoding="utf-8").splitlines(keepends=True)
                if not line.startswith("amendment:")]  # some demo periods were amended already
        header.write_text("".join(kept) + "amendment: 摘要更正\n", encoding="utf-8")
        git(data, "commit", "-qam", f"更正 {code} {ledger.stem}\n\n更正说明 Amendment: 摘要更正")
    return round(time.perf_counter() - started, 1)


def correct_summary(ledger: Path) -> None:
    lines = ledger.read_text(encoding="utf-8").splitlines(keepends=True)
    header = lines[0].rstrip("\r\n").split(",")
    cells = lines[1].rstrip("\r\n").split(",")
    summary = cells[header.index("summary")]
    # Corrected, or the correction taken back: the summary stays within its 200 characters however
    # often a city is benched (a summary too long is a data error, and the community is held back).
    cells[header.index("summary")] = summary.removesuffix("（更正）") if summary.endswith("（更正）") else summary + "（更正）"
    lines[1] = ",".join(cells) + "\n"
    ledger.write_text("".join(lines), encoding="utf-8")


def history_figures(site: Path) -> dict:
    shards = [p.stat().st_size for p in (site / "verify").glob("*.json")]
    return {"history_pages": sum(1 for _ in site.glob("c/**/history/index.html")),
            "old_version_pages": sum(1 for _ in site.glob("c/**/history/v*/index.html")),
            "verify_shards": len(shards), "verify_bytes": sum(shards),
            "largest_verify_shard_bytes": max(shards, default=0)}


def republish_one(data: Path, site: Path, stats: Path, engine: list[str]) -> dict:
    """A clerk corrects one line of one community's ledger (a commit with its reason): time `juwu
    build` republishing it. The caller undoes the commit, so the bench city stays as it was."""
    code = sorted(p.name for p in (data / "communities").iterdir() if (p / "finance").is_dir())[0]
    ledger = sorted((data / "communities" / code / "finance").glob("*.csv"))[-1]
    correct_summary(ledger)
    git(data, "commit", "-qam", "更正\n\n更正说明 Amendment: 摘要更正")
    return {"community": code, "file": ledger.name, **timed_build(data, site, stats, engine)}


def republish_new_month(data: Path, site: Path, stats: Path, engine: list[str]) -> dict:
    """A clerk commits the next month's ledger of one community: time `juwu build` republishing
    it. The caller undoes the commit, so the bench city stays as it was."""
    code = sorted(p.name for p in (data / "communities").iterdir() if (p / "finance").is_dir())[0]
    written = add_month(data / "communities" / code / "finance")
    git(data, "add", *(str(p.relative_to(data)) for p in written))
    git(data, "commit", "-qm", f"{code} {written[0].stem} 收支明细")
    return {"community": code, "file": written[0].name, **timed_build(data, site, stats, engine)}


def timed_build(data: Path, site: Path, stats: Path, engine: list[str]) -> dict:
    """`juwu build` republishing: the communities it redid, its stages, its wall seconds and the
    CPU seconds of it and its children (Pagefind, git): on a machine shared with other work the
    wall seconds wander, the CPU seconds much less."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    run("build", str(data), "--site", str(site), "--stats", str(stats), *engine)
    total = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    figures = json.loads(stats.read_text())
    return {"republished": figures.get("republished"), "seconds": figures["seconds"] | {"total": round(total, 1)},
            "cpu_seconds": round(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime, 1),
            "stage_cpu_seconds": figures.get("cpu_seconds")}


def warm_full_build(data: Path, site: Path, stats: Path, engine: list[str]) -> dict:
    """`juwu build --full` over the site just published: the full build a city runs after a new
    Juwu or a change to its own files. Its peak RSS is its own (os.wait4), not the run's so far:
    unlike the cold build it holds the last manifest's state (at 5,000 communities 0.9.0 went
    over 1 GB here while the cold build stayed at ~950 MB)."""
    with tempfile.TemporaryFile() as errors:
        started = time.perf_counter()
        process = subprocess.Popen([sys.executable, "-m", "generator", "build", str(data), "--site", str(site),
                                    "--stats", str(stats), "--full", *engine], cwd=ROOT,
                                   stdout=subprocess.DEVNULL, stderr=errors)
        _, status, usage = os.wait4(process.pid, 0)
        total = time.perf_counter() - started
        if os.waitstatus_to_exitcode(status) != 0:
            errors.seek(0)
            sys.exit(f"juwu build --full (warm) failed:\n{errors.read().decode('utf-8', 'replace')[-3000:]}")
    return {"seconds": round(total, 1), "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 1),
            "peak_rss_mb": round(usage.ru_maxrss / 1024, 1)}


def next_period(period: str) -> str:
    year, month = map(int, period.split("-"))
    return f"{year + month // 12}-{month % 12 + 1:02d}"


def move_line(line: str, old: str, new: str, last_day: int) -> str:
    """One ledger line moved from period `old` to `new` (its date first, its voucher naming it)."""
    date, rest = line.replace(old, new).split(",", 1)
    return f"{date[:8]}{min(int(date[8:10]), last_day):02d},{rest}"


def add_month(finance: Path) -> list[Path]:
    """The month after a finance folder's latest: its lines are the latest month's, dated a month
    later (a day past the new month's end becomes its last), and its header opens at the latest month's closing
    balance and closes by the same lines' net. It is reviewed and published on its last day, so no
    record is dated after the bench city's as_of (2025-01-31, the month after the demo's last): a
    later record moves the city's as_of, which makes a republish a full build (scope.as_of_moved).
    Returns the ledger and its header, both new."""
    from decimal import Decimal

    import yaml

    last = sorted(finance.glob("*.csv"))[-1]
    old, new = last.stem, next_period(last.stem)
    lines = last.read_text(encoding="utf-8").splitlines(keepends=True)
    last_day = calendar.monthrange(*map(int, new.split("-")))[1]
    rows = [lines[0]] + [move_line(line, old, new, last_day) for line in lines[1:]]
    header = yaml.safe_load(last.with_suffix(".yaml").read_text(encoding="utf-8"))
    opening, closing = Decimal(header["opening_balance"]), Decimal(header["closing_balance"])
    closed = f"{new}-{last_day:02d}"  # reviewed and published on its last day: see the docstring
    text = "".join([
        f'period: "{new}"\n',
        f'opening_balance: "{closing}"\n',
        f'closing_balance: "{closing + closing - opening}"\n',
        f"prepared_by: {header['prepared_by']}\n",
        "review:\n",
        f"  reviewer: {header['review']['reviewer']}\n",
        f'  reviewed_on: "{closed}"\n',
        '  opinion: "经监督委员会审核，本期收支账目清楚，同意公开。"\n',
        f'published_on: "{closed}"\n',
    ])
    ledger, yaml_file = finance / f"{new}.csv", finance / f"{new}.yaml"
    ledger.write_text("".join(rows), encoding="utf-8")
    yaml_file.write_text(text, encoding="utf-8")
    return [ledger, yaml_file]


def search_figures(site: Path) -> dict:
    bundle = site / "pagefind"
    if not bundle.is_dir():
        return {}
    metas = {p.parent.name: p.stat().st_size for p in bundle.glob("*/*.pf_meta")}
    from generator.site import pagefind_bin

    return {
        "pagefind": pagefind_bin.VERSION,
        "index_bytes": sum(p.stat().st_size for p in bundle.rglob("*") if p.is_file()),
        "bundles": len(metas),
        "directory_meta_bytes": metas.get("all", 0),
        "largest_district_meta_bytes": max((v for k, v in metas.items() if k != "all"), default=0),
        "largest_chunk_bytes": max((p.stat().st_size for p in bundle.glob("*/index/*.pf_index")), default=0),
    }


def floor_figures(site: Path, out: Path) -> dict:
    """The floor (bench/floor.py): the same pages through bare Jinja2 and onto disk, as many
    processes as the build uses; the copy is removed afterwards."""
    from bench.floor import floor
    from generator import cores

    try:
        return floor(site, out, cores.workers())
    finally:
        shutil.rmtree(out, ignore_errors=True)


def baseline(data: Path, out: Path, timeout: int) -> dict:
    started = time.perf_counter()
    result = subprocess.run([sys.executable, str(ROOT / "bench" / "stock.py"), "--data", str(data),
                             "--out", str(out), "--timeout", str(timeout)],
                            cwd=ROOT, capture_output=True, text=True)
    if result.returncode != 0:
        return {"error": result.stderr[-2000:]}
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    figures["write_seconds"] = round(time.perf_counter() - started - figures["seconds"], 1)
    return figures


def run(*args: str) -> None:
    result = subprocess.run([sys.executable, "-m", "generator", *args], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if result.returncode != 0:
        sys.exit(f"juwu {args[0]} failed:\n{result.stderr[-3000:]}")


if __name__ == "__main__":
    main()
