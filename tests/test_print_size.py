"""Print that fills the paper: table text is at least 11 pt on A4, and an A3 sheet is the A4 sheet's
type scaled by √2 (A3 is √2 times A4 each way), not the A4 layout on a bigger sheet.

Sizes are read from the PDF with `pdftotext -bbox`: a CJK ideograph is exactly one em wide in a
CJK font, so an all-ideograph word's width divided by its length is its font size in points; the
words' box heights (ascent + descent, a fixed multiple of the size) must scale the same way.
"""

from __future__ import annotations

import html
import re
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import DATA, community_with_committee

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                reason="needs poppler-utils (make system-deps installs it)")

CODE = community_with_committee()
PERIOD = sorted((DATA / "communities" / CODE / "finance").glob("*.csv"))[-1].stem
WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>')
IDEOGRAPHS = re.compile(r"[\u4e00-\u9fff]+")
SQRT2 = 2 ** 0.5


def words(pdf: Path) -> list[tuple[float, float, float, str]]:
    """(y top, width, height, text) of every word on page 1."""
    out = subprocess.run(["pdftotext", "-bbox", "-f", "1", "-l", "1", str(pdf), "-"],
                         capture_output=True, text=True, check=True).stdout
    return [(float(y0), float(x1) - float(x0), float(y1) - float(y0), html.unescape(t))
            for x0, y0, x1, y1, t in WORD.findall(out)]


def table_words(found):
    """Words of the ledger table: from its header row (序号) down to its total row (合计)."""
    top = next(y for y, _, _, t in found if t == "序号")
    bottom = next(y for y, _, _, t in found if t.startswith("合计"))
    return [w for w in found if top <= w[0] <= bottom]


def point_size(found) -> float:
    """The smallest font size among all-ideograph words (width / characters)."""
    sizes = [w / len(t) for _, w, _, t in found if IDEOGRAPHS.fullmatch(t) and len(t) >= 2]
    assert sizes, "no Chinese words found"
    return min(sizes)


@pytest.fixture(scope="module")
def sheets(tmp_path_factory) -> dict[str, list]:
    out = tmp_path_factory.mktemp("sizes")
    found = {}
    for size in ("A4", "A3"):
        pdf = out / f"{size}.pdf"
        result = subprocess.run([sys.executable, "-m", "generator", "print", str(DATA), "--community", CODE,
                                 "--period", PERIOD, "--size", size, "-o", str(pdf), "--allow-placeholder-url"],
                                capture_output=True, text=True, timeout=600)
        assert result.returncode == 0, result.stderr
        found[size] = words(pdf)
    return found


def test_table_text_is_at_least_11pt_on_a4(sheets):
    table = table_words(sheets["A4"])
    assert point_size(table) >= 10.95, point_size(table)
    # Every word of the table (numbers too) is as tall as the Chinese words: nothing smaller slipped in.
    heights = [h for _, _, h, _ in table]
    assert min(heights) >= 0.98 * statistics.median(heights)


def test_a3_type_is_a4_type_scaled_to_the_paper(sheets):
    a4, a3 = table_words(sheets["A4"]), table_words(sheets["A3"])
    assert point_size(a3) == pytest.approx(point_size(a4) * SQRT2, rel=0.03)
    assert point_size(a3) >= 15.5
    ratio = statistics.median(h for _, _, h, _ in a3) / statistics.median(h for _, _, h, _ in a4)
    assert ratio == pytest.approx(SQRT2, rel=0.03)
    # The title scales too: the whole sheet, not only the table.
    title = {size: next(h for _, _, h, t in sheets[size] if t.endswith("财务收支公开")) for size in sheets}
    assert title["A3"] / title["A4"] == pytest.approx(SQRT2, rel=0.03)


def _roster_words(out: Path, size: str, code: str) -> tuple[float, list]:
    pdf = out / f"roster-{size}-{code}.pdf"
    result = subprocess.run([sys.executable, "-m", "generator", "print", str(DATA), "--sheet", "roster", "--community",
                             code, "--size", size, "-o", str(pdf), "--allow-placeholder-url"],
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    assert "1 page(s)" in result.stderr  # a roster is one sheet of paper
    info = subprocess.run(["pdftotext", "-bbox", "-f", "1", "-l", "1", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    height = float(re.search(r'<page width="[\d.]+" height="([\d.]+)"', info).group(1))
    return height, words(pdf)


@pytest.mark.parametrize("size", ["A4", "A3"])
def test_the_roster_fills_its_page(tmp_path, size):
    # The smallest and the largest committee of the demo: both end at the foot of the page, not two thirds down.
    counts = {p.parent.name: len(p.read_text(encoding="utf-8").splitlines()) - 1
              for p in (DATA / "communities").glob("*/members.csv")}
    for code in (min(counts, key=lambda c: (counts[c], c)), max(counts, key=lambda c: (counts[c], c))):
        height, found = _roster_words(tmp_path, size, code)
        scale = SQRT2 if size == "A3" else 1
        foot = height - 16 / 25.4 * 72  # the bottom page margin is 16 mm
        body = [w for w in found if not w[3].startswith("第") and w[0] < foot]
        lowest = max(y + h for y, _, h, _ in body)
        assert lowest >= foot - 36 * scale, (code, size, lowest, foot)  # within about two lines of the foot
        top = next(y for y, _, _, t in found if t == "职务")
        bottom = next(y for y, _, _, t in found if t.startswith("监督委员会的职责"))
        members = [w for w in found if top <= w[0] < bottom]
        assert point_size(members) >= 11.95 * scale, (code, size, point_size(members))
