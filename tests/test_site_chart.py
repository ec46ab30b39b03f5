"""The year's chart: an accessible SVG whose bars are the published numbers, drawn to scale."""

from __future__ import annotations

import re
from decimal import Decimal

from defusedxml import ElementTree

from generator.site.chart import HEIGHT, BOTTOM, bar_chart, nice_ceiling
from generator.site.facts import Month

SVG = "{http://www.w3.org/2000/svg}"


def months(values):
    return [Month(2024, i + 1, f"2024-{i + 1:02d}", inc, exp, None) for i, (inc, exp) in enumerate(values)]


def test_nice_ceiling():
    assert nice_ceiling(Decimal("0")) == 1000
    assert nice_ceiling(Decimal("17595.30")) == 20000
    assert nice_ceiling(Decimal("2400")) == 2500
    assert nice_ceiling(Decimal("50000")) == 50000
    assert nice_ceiling(Decimal("50001")) == 100000


def test_bars_are_to_scale_and_gaps_stay_empty():
    svg = bar_chart(months([(Decimal(10000), Decimal(5000)), (None, None), (Decimal(0), Decimal(2500))]),
                    "c1", "测试<图>")
    root = ElementTree.fromstring(str(svg))
    assert root.find(f"{SVG}title").text == "测试<图>"  # escaped in the markup, read back as text
    assert "&lt;图&gt;" in str(svg)
    assert root.get("role") == "img" and root.get("aria-labelledby") == "c1-t c1-d"
    bars = [r for r in root.findall(f"{SVG}rect") if float(r.get("height")) != 12]
    heights = sorted(float(r.get("height")) for r in bars)
    assert len(bars) == 3  # 10000 and 5000 in January, 2500 in March; nothing for February, no zero bar
    assert heights[2] == HEIGHT - BOTTOM - 28  # the top of the axis is 10000: full height
    assert abs(heights[1] - heights[2] / 2) < 0.2 and abs(heights[0] - heights[2] / 4) < 0.2
    desc = root.find(f"{SVG}desc").text
    assert "1月收入10000元、支出5000元" in desc and "2月" not in desc


def test_axis_labels_are_short_and_chinese():
    svg = str(bar_chart(months([(Decimal(150000), Decimal(0))]), "c2", "t"))
    labels = re.findall(r'text-anchor="end">([^<]+)<', svg)
    assert "15万" in labels and "0" in labels
