"""Counts that agree: the 按期 / 逾期完成 numbers on the home, rollout, district and street pages are
what the community pages' own phase tables say, counted one community at a time."""

from __future__ import annotations

import html
import re
from collections import Counter
from pathlib import Path

import pytest
import yaml

from tests.conftest import DATA

ROW = re.compile(r"<tr>(.*?)</tr>", re.S)
CELL = re.compile(r'<td data-label="([^"]+)"[^>]*>(.*?)</td>', re.S)
TAG = re.compile(r"<[^>]+>")


def rows(fragment: str) -> list[dict[str, str]]:
    """Each table row of an HTML fragment as {data-label: text}, with the link target under 'href'."""
    found = []
    for row in ROW.findall(fragment):
        cells = {label: html.unescape(TAG.sub("", value)).strip() for label, value in CELL.findall(row)}
        href = re.search(r'href="([^"]+)"', row)
        if cells:
            found.append(cells | {"href": href.group(1) if href else ""})
    return found


def section(page: str, heading_id: str) -> str:
    """The part of a page from <h2 id=heading_id> to the next <h2>."""
    start = page.index(f'<h2 id="{heading_id}"')
    end = page.find("<h2", start + 1)
    return page[start:end if end != -1 else len(page)]


def committee_phase() -> int:
    return int(yaml.safe_load((DATA / "city.yaml").read_text(encoding="utf-8"))["rollout"]["committee_phase"])


def community_verdicts(site: Path) -> dict[str, str]:
    """code → the 情况 cell of the committee phase on the community's own page."""
    phase = committee_phase()
    verdicts = {}
    for page in sorted(site.glob("c/*/index.html")):
        table = rows(section(page.read_text(encoding="utf-8"), "rollout"))
        if not table:  # no phase done yet: said in words, nothing to count as on time or late
            continue
        row = next(r for r in table if r["阶段"].startswith(f"{phase}. "))
        verdicts[page.parent.name] = row["情况"]
    return verdicts


def tally(verdicts: dict[str, str], prefix: str = "") -> Counter:
    return Counter(v for code, v in verdicts.items() if code.startswith(prefix))


@pytest.fixture(scope="module")
def verdicts(built_site) -> dict[str, str]:
    return community_verdicts(built_site)


def test_demo_has_a_committee_phase_done_late(verdicts):
    # The demo must exercise the case, or the comparisons below prove nothing.
    assert tally(verdicts)["逾期完成"] >= 1 and tally(verdicts)["按期完成"] >= 1


def test_home_counts_agree_with_community_pages(built_site, verdicts):
    home = (built_site / "index.html").read_text(encoding="utf-8")
    whole = tally(verdicts)
    assert f"按期完成 {whole['按期完成']} 个，逾期完成 {whole['逾期完成']} 个" in home
    table = rows(section(home, "districts"))
    assert table
    for row in table:
        district = re.search(r"d/([0-9]{6})/", row["href"]).group(1)
        counted = tally(verdicts, district)
        assert int(row["其中按期"]) == counted["按期完成"], row
        assert int(row["逾期完成"]) == counted["逾期完成"], row


def test_rollout_counts_agree_with_community_pages(built_site, verdicts):
    page = (built_site / "rollout" / "index.html").read_text(encoding="utf-8")
    table = rows(section(page, "districts"))
    assert table
    for row in table:
        district = re.search(r"d/([0-9]{6})/", row["href"]).group(1)
        counted = tally(verdicts, district)
        assert int(row["按期"]) == counted["按期完成"], row
        assert int(row["逾期完成"]) == counted["逾期完成"], row
    phase = committee_phase()
    committee_row = next(r for r in rows(section(page, "phases")) if r["阶段"].startswith(f"{phase}. "))
    assert int(committee_row["其中逾期完成"]) == tally(verdicts)["逾期完成"]
    whole = tally(verdicts)
    stats = re.findall(r'juwu-stat__value">([0-9]+)</span><span class="juwu-stat__label">(按期成立|逾期完成)', page)
    assert dict((label, int(n)) for n, label in stats) == {"按期成立": whole["按期完成"], "逾期完成": whole["逾期完成"]}


def test_district_and_street_counts_agree_with_community_pages(built_site, verdicts):
    pages = [(p, p.parent.name) for p in sorted(built_site.glob("d/*/index.html"))]
    pages += [(p, p.parent.name) for p in sorted(built_site.glob("s/*/index.html"))]
    assert pages
    for page, code in pages:
        counted = tally(verdicts, code)
        text = page.read_text(encoding="utf-8")
        assert f"按期 {counted['按期完成']} 个，逾期完成 {counted['逾期完成']} 个" in text, page


def test_a_phase_done_after_its_deadline_is_never_called_on_time(built_site):
    # Every phase, not only the committee's: the community page says 逾期完成 exactly when the date is late.
    import datetime

    city = yaml.safe_load((DATA / "city.yaml").read_text(encoding="utf-8"))
    deadlines = {int(p["phase"]): datetime.date.fromisoformat(str(p["deadline"])) for p in city["rollout"]["phases"]}
    seen_late = 0
    for page in sorted(built_site.glob("c/*/index.html")):
        for row in rows(section(page.read_text(encoding="utf-8"), "rollout")):
            done = re.fullmatch(r"([0-9]{4})年([0-9]{1,2})月([0-9]{1,2})日", row["实际完成"])
            if not done:
                continue
            number = int(row["阶段"].split(".")[0])
            late = datetime.date(*map(int, done.groups())) > deadlines[number]
            seen_late += late
            assert row["情况"] == ("逾期完成" if late else "按期完成"), (page, row)
    assert seen_late
