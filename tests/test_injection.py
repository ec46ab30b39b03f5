"""Hostile text in every field a committee writes shows as text everywhere and never runs:
pages, feeds and downloads (SECURITY.md items 1–3 and 11)."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from defusedxml import ElementTree

from generator.build import build
from generator.config import BuildPaths
from tests.browser.conftest import serve
from tests.conftest import community_with_committee, read_csv_rows

NAME = "<script>alert(1)"  # member names are at most 20 characters
NAME2 = "{{7*7}}--8<--张"
DUTIES = '<img src=x onerror=alert(2)><a href="javascript:alert(3)">x</a>{{ 7*7 }}'
SUMMARY = '<svg onload=alert(4)>{{ 7*7 }}{% raw %}--8<-- "/etc/passwd"'
FORMULA = '=HYPERLINK("http://evil.invalid","点我")'
REPORT_TITLE = "<script>alert(5)</script>报告"
REPORT_BODY = """正文

<script>alert(6)</script>

<img src=x onerror=alert(7)>

[点这里](javascript:alert(8)) and [data](data:text/html,<script>alert(9)</script>)

{{ 7*7 }} {% include "x" %}

--8<-- "/etc/passwd"

段落 {: onclick="alert(10)" }
"""
RAW_MARKERS = ("<script>alert", "<img src=x onerror", "<svg onload", 'href="javascript:', 'href="data:', "root:x:0:0")
EVENT_ATTRIBUTE = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I)  # a real tag with an on… handler


def write_rows(path: Path, rows: list[dict]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    import shutil

    from tests.conftest import DATA

    root = tmp_path_factory.mktemp("hostile")
    data = root / "data"
    shutil.copytree(DATA, data)
    code = community_with_committee(data)
    folder = data / "communities" / code
    members = read_csv_rows(folder / "members.csv")
    # Rename two members who review no ledger: a ledger's reviewer must stay a member (rule ledger-reviewer).
    reviewers = {line.split(":", 1)[1].strip() for header in (folder / "finance").glob("*.yaml")
                 for line in header.read_text(encoding="utf-8").splitlines() if line.strip().startswith("reviewer:")}
    free = [i for i, m in enumerate(members) if m["name"] not in reviewers and m["role"] != "主任"]
    members[free[0]]["name"], members[free[1]]["name"] = NAME, NAME2
    members[1]["duties"] = DUTIES
    write_rows(folder / "members.csv", members)
    ledger = sorted((folder / "finance").glob("*.csv"))[-1]
    lines = read_csv_rows(ledger)
    lines[0]["summary"], lines[1]["summary"] = SUMMARY, FORMULA
    write_rows(ledger, lines)
    (folder / "reports" / "2024-12-31-hostile.md").write_text(
        f'---\ntype: 专项报告\ndate: "2024-12-31"\ntitle: "{REPORT_TITLE}"\n---\n\n{REPORT_BODY}', encoding="utf-8")
    site = root / "site"
    result = build(BuildPaths(data=data, site=site))
    assert result.built, [p.en for p in result.problems.errors][:5]
    return site, code, ledger.stem


def test_pages_show_hostile_text_as_text(hostile):
    site, code, period = hostile
    for page in site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        main = html.split('<article', 1)[-1].split("</article>", 1)[0]
        for marker in RAW_MARKERS:
            assert marker not in main, (page, marker)
        assert not EVENT_ATTRIBUTE.search(main), page
    community = (site / "c" / code / "index.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)" in community and "{{7*7}}--8&lt;--张" in community
    assert "&lt;img src=x onerror=alert(2)&gt;&lt;a href=&#34;javascript:alert(3)&#34;&gt;" in community
    ledger = (site / "c" / code / "finance" / period / "index.html").read_text(encoding="utf-8")
    assert "&lt;svg onload=alert(4)&gt;{{ 7*7 }}{% raw %}--8&lt;-- &#34;/etc/passwd&#34;" in ledger
    report = (site / "c" / code / "reports" / "2024-12-31-hostile" / "index.html").read_text(encoding="utf-8")
    assert "<title>&lt;script&gt;alert(5)&lt;/script&gt;报告" in report
    body = report.split('class="juwu-report"')[1].split("</div>")[0]
    assert "&lt;script&gt;alert(6)&lt;/script&gt;" in body and "{{ 7*7 }}" in body and "--8&lt;--" in body
    assert "点这里" in body and not re.search(r'href="(javascript|data):', body)


def test_feeds_carry_hostile_text_escaped(hostile):
    site, code, _ = hostile
    for feed in (site / "feed.xml", site / "c" / code / "feed.xml"):
        raw = feed.read_text(encoding="utf-8")
        assert "<script>" not in raw and "&lt;script&gt;alert(5)&lt;/script&gt;" in raw
        titles = [e.text for e in ElementTree.parse(feed).getroot().iter("{http://www.w3.org/2005/Atom}title")]
        assert any(REPORT_TITLE in t for t in titles)


def test_downloads_keep_hostile_text_as_inert_cells(hostile):
    site, code, period = hostile
    folder = site / "c" / code / "data"
    members = list(csv.DictReader(io.StringIO((folder / "members.csv").read_text(encoding="utf-8-sig"))))
    assert NAME in {m["name"] for m in members} and NAME2 in {m["name"] for m in members}
    lines = list(csv.DictReader(io.StringIO((folder / "ledger.csv").read_text(encoding="utf-8-sig"))))
    summaries = {l["summary"] for l in lines if l["period"] == period}
    assert SUMMARY in summaries and "'" + FORMULA in summaries and FORMULA not in summaries
    reports = json.loads((folder / "reports.json").read_text(encoding="utf-8"))
    assert REPORT_TITLE in {r["title"] for r in reports}
    city = list(csv.DictReader(io.StringIO((site / "downloads" / "members.csv").read_text(encoding="utf-8-sig"))))
    assert NAME in {m["name"] for m in city}


def test_nothing_runs_in_the_browser(hostile, browser):
    site, code, period = hostile
    url, server = serve(site)
    dialogs: list[str] = []
    context = browser.new_context()
    try:
        page = context.new_page()
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        for path in ("", f"c/{code}/", f"c/{code}/finance/{period}/", f"c/{code}/reports/2024-12-31-hostile/",
                     f"s/{code[:9]}/", "rollout/"):
            page.goto(url + path)
            page.wait_for_load_state("load")
            for link in page.locator("article.md-content__inner a").all():
                href = link.get_attribute("href") or ""
                assert not href.lower().startswith(("javascript:", "data:")), (path, href)
        page.goto(f"{url}c/{code}/")
        text = page.locator("article.md-content__inner").inner_text()
        assert NAME in text and NAME2 in text and "{{ 7*7 }}" in text
        page.goto(f"{url}c/{code}/reports/2024-12-31-hostile/")
        page.get_by_text("点这里").click()  # a dropped link: nothing happens, nothing runs
        assert "<script>alert(6)</script>" in page.locator(".juwu-report").inner_text()
        assert page.evaluate("document.querySelectorAll('article.md-content__inner script, article.md-content__inner img').length") == 0
    finally:
        context.close()
        server.shutdown()
    assert dialogs == []
