"""A city that discloses quarterly: a period 2024-03 is "2024年第1季度" on every page, in the feeds,
in search results and on the printed sheet — never "2024年3月"."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from generator.build import build
from generator.config import BuildPaths
from generator.periods import period_label, period_span
from generator.site.page import Page
from generator.site.search import page_marks
from tests.conftest import DATA
from tests.periodcopy import make_quarterly

CODE = "319901001002"
MONTH_TITLE = re.compile(r"20[0-9]{2}年[0-9]{1,2}月财务收支公开")


@pytest.fixture(scope="module")
def quarterly(tmp_path_factory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("quarterly")
    data = root / "data"
    shutil.copytree(DATA, data)
    make_quarterly(data)
    site = root / "site"
    result = build(BuildPaths.for_data(data, site), full=True)
    assert result.built and not result.problems.errors, [p.en for p in result.problems.errors][:5]
    return data, site


def test_the_label_function():
    assert period_label("2024-03", "quarterly") == "2024年第1季度"
    assert period_label("2024-12", "quarterly") == "2024年第4季度"
    assert period_label("2024-06", "quarterly", with_year=False) == "第2季度"
    assert period_label("2024-03") == "2024年3月"
    assert [str(d) for d in period_span("2024-03", "quarterly")] == ["2024-01-01", "2024-03-31"]
    assert [str(d) for d in period_span("2024-02")] == ["2024-02-01", "2024-02-29"]


def test_the_period_page_names_the_quarter(quarterly):
    _, site = quarterly
    page = (site / "c" / CODE / "finance" / "2024-03" / "index.html").read_text(encoding="utf-8")
    assert "<title>华庭里社区2024年第1季度财务收支公开" in page
    assert "公开期间：2024年第1季度" in page
    assert "<caption>2024年第1季度收支明细</caption>" in page
    assert "下一期：2024年第2季度" in page
    assert "2024年3月" not in page


def test_the_community_page_lists_and_charts_quarters(quarterly):
    _, site = quarterly
    page = (site / "c" / CODE / "index.html").read_text(encoding="utf-8")
    assert ">2024年第4季度</a>" in page  # the table of periods
    assert "<figcaption>2024年第1季度至第4季度，" in page
    assert re.findall(r'<td data-label="期间">([^<]+)</td>', page) == ["2024年第1季度", "第2季度", "第3季度", "第4季度"]
    chart = re.search(r'<svg class="juwu-chart".*?</svg>', page, re.S).group(0)
    assert "横轴：季度" in chart and ">第4季度</text>" in chart
    assert not MONTH_TITLE.search(page)


def test_home_street_and_feeds_name_quarters(quarterly):
    _, site = quarterly
    home = (site / "index.html").read_text(encoding="utf-8")
    assert "季度财务收支公开" in home and not MONTH_TITLE.search(home)
    street = next(site.glob("s/*/index.html")).read_text(encoding="utf-8")
    assert re.search(r'data-label="最近财务公开"[^>]*><a [^>]*>20[0-9]{2}年第[1-4]季度</a>', street)
    for feed in (site / "feed.xml", site / "c" / CODE / "feed.xml"):
        text = feed.read_text(encoding="utf-8")
        assert "季度财务收支公开</title>" in text and not MONTH_TITLE.search(text), feed


def test_search_results_name_the_quarter():
    city = SimpleNamespace(settings=SimpleNamespace(frequency="quarterly"))
    community = SimpleNamespace(name="华庭里社区", district_name="翠屏区", street_name="南门路街道", members=[])
    period = SimpleNamespace(key="2024-09")
    page = Page("c/x/finance/2024-09/", "t", "period.html",
                {"city": city, "community": community, "period": period}, "period")
    _, meta = page_marks(page)
    assert ("period", "2024年第3季度") in meta


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils (make system-deps)")
def test_the_printed_sheet_names_the_quarter_and_covers_three_months(quarterly, tmp_path):
    data, _ = quarterly
    out = tmp_path / "q.pdf"
    result = subprocess.run([sys.executable, "-m", "generator", "print", str(data), "--community", CODE,
                             "--period", "2024-06", "-o", str(out), "--allow-placeholder-url"], capture_output=True,
                            text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    text = re.sub(r"\s+", "", subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True,
                                             check=True).stdout)
    assert "华庭里社区2024年第2季度财务收支公开" in text
    assert "公开期间：2024年4月1日至2024年6月30日" in text
