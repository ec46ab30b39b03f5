"""The baseline: the same pages built by stock MkDocs + Material, the way a site usually starts.

    python bench/stock.py --data bench/out/city-1000 --out bench/out/stock-1000 [--timeout 900]

Every generated page (the same Jinja2 fragments Juwu renders) is written as a Markdown file into a
fresh docs folder at its own URL; mkdocs.yml has no `nav`, so MkDocs builds the navigation from
the folders (with Material's `navigation.prune`, the cheaper setting); Material's built-in search
plugin indexes everything, segmenting Chinese with jieba and a user dictionary of our domain words
when jieba is installed (`pip install -e '.[bench]'`). Prints one JSON line. Not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DOMAIN_WORDS = ["物业费", "居务监督", "民主理财", "居务公开", "财务公开", "监督委员会", "居务监督委员会",
                "监督电话", "举报箱", "办公经费", "电梯维修", "公共收益"]


def write_docs(data: Path, docs: Path) -> int:
    from generator.site.pages import site_pages
    from generator.site.render import environment, render_page
    from generator.gather import validate_city

    validation = validate_city(data)
    if validation.city is None or not validation.ok:
        sys.exit("the bench city does not validate")
    env = environment()
    count = 0
    for page in site_pages(validation.city):
        path = docs / page.path / "index.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        title = page.title.replace('"', "'")
        path.write_text(f'---\ntitle: "{title}"\n---\n\n{render_page(env, page)}', encoding="utf-8")
        count += 1
    return count


def mkdocs_yml(work: Path, jieba: bool) -> None:
    search = {"lang": "zh"}
    if jieba:
        (work / "jieba_user.txt").write_text("".join(f"{w} 1000 n\n" for w in DOMAIN_WORDS), encoding="utf-8")
        search["jieba_dict_user"] = str(work / "jieba_user.txt")
    config = {
        "site_name": "居务监督公开（stock baseline）",
        "docs_dir": "docs",
        "site_dir": "site",
        "use_directory_urls": True,
        "theme": {"name": "material", "language": "zh", "features": ["navigation.prune"]},
        "plugins": [{"search": search}],
        "markdown_extensions": ["tables", "attr_list", "md_in_html"],
    }
    (work / "mkdocs.yml").write_text(json.dumps(config, ensure_ascii=False, indent=1), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--timeout", type=int, default=900, help="give up after this many seconds")
    args = parser.parse_args()
    work = args.out.resolve()
    shutil.rmtree(work, ignore_errors=True)
    (work / "docs").mkdir(parents=True)
    try:
        import jieba  # noqa: F401

        has_jieba = True
    except ImportError:
        has_jieba = False
    pages = write_docs(args.data, work / "docs")
    mkdocs_yml(work, has_jieba)
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", SOURCE_DATE_EPOCH="0")
    started = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    try:
        subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(work / "mkdocs.yml")],
                       cwd=work, env=env, check=True, timeout=args.timeout,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        finished = True
    except subprocess.TimeoutExpired:
        finished = False
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    site = work / "site"
    html = [p.stat().st_size for p in site.rglob("*.html")] if finished else []
    index = site / "search" / "search_index.json"
    print(json.dumps({
        "pages": pages,
        "finished": finished,
        "seconds": round(seconds, 1),
        "cpu_seconds": round(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime, 1),
        "pages_per_second": round(pages / seconds, 1),
        "site_bytes": sum(p.stat().st_size for p in site.rglob("*") if p.is_file()) if finished else None,
        "largest_page_bytes": max(html, default=None),
        "median_page_bytes": sorted(html)[len(html) // 2] if html else None,
        "search_index_bytes": index.stat().st_size if index.exists() else None,
        "jieba": has_jieba,
        "peak_rss_mb": round(after.ru_maxrss / 1024, 1),
    }, ensure_ascii=False))


if __name__ == "__main__":
    main()
