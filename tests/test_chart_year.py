"""Charts keep the year: after January's upload a community's chart still shows the last twelve
months, across the year boundary, labelled with the year where it changes."""

from __future__ import annotations

import re

from defusedxml import ElementTree

from generator.build import build
from generator.config import BuildPaths
from generator.periods import period_label, step_back
from generator.site.facts import span_label
from tests.periodcopy import add_period, set_as_of

SVG = "{http://www.w3.org/2000/svg}"
CODE = "319901001002"  # a demo community with a full 2024


def test_period_keys_step_back_across_the_year():
    assert step_back("2025-01", 1) == "2024-12"
    assert step_back("2025-01", 11) == "2024-02"
    assert step_back("2024-03", 3) == "2023-12"
    assert period_label("2025-01") == "2025年1月" and period_label("2025-01", with_year=False) == "1月"


def test_after_january_the_chart_shows_february_to_january(data_copy, tmp_path):
    add_period(data_copy / "communities" / CODE / "finance", "2024-12", "2025-01",
               reviewed_on="2025-02-03", published_on="2025-02-06")
    set_as_of(data_copy, "2025-02-28")
    site = tmp_path / "site"
    result = build(BuildPaths.for_data(data_copy, site), full=True)
    assert result.built and not result.problems.errors, [p.en for p in result.problems.errors][:5]
    page = (site / "c" / CODE / "index.html").read_text(encoding="utf-8")

    svg = ElementTree.fromstring(re.search(r'<svg class="juwu-chart".*?</svg>', page, re.S).group(0))
    texts = [t.text for t in svg.iter(f"{SVG}text")]
    axis = [t.text for t in svg.iter(f"{SVG}text") if t.get("text-anchor") == "middle"]
    assert axis == ["2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "1"]
    assert [t for t in texts if t.endswith("年")] == ["2024年", "2025年"]
    desc = svg.find(f"{SVG}desc").text
    assert desc.startswith("2024年2月收入") and "；2025年1月收入" in desc and "；3月收入" in desc
    assert "2024年1月" not in desc  # thirteen months ago: off the chart
    title = svg.find(f"{SVG}title").text
    assert title.endswith("2024年2月至2025年1月收入与支出")

    assert "<figcaption>2024年2月至2025年1月，" in page
    assert "<caption>2024年2月至2025年1月各期收支（单位：元）</caption>" in page
    rows = re.findall(r'<td data-label="期间">([^<]+)</td>', page)
    assert rows[0] == "2024年2月" and rows[-1] == "2025年1月" and len(rows) == 12
    assert rows[1:-1] == [f"{m}月" for m in range(3, 13)]


def test_a_year_without_a_boundary_is_named_once(built_site):
    page = (built_site / "c" / CODE / "index.html").read_text(encoding="utf-8")
    assert "<figcaption>2024年1月至12月，" in page


def test_span_label_of_nothing_is_empty():
    assert span_label([]) == ""
