"""One community never blocks the city: a compliance finding is published, a community with data
errors is held back (its last good pages stay, marked 数据待更正) while the rest publishes."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator.build import build
from generator.cli import EXIT_HELD
from generator.config import BuildPaths
from tests.test_republish import tree

HELD = "数据待更正"


def communities_with_ledgers(data: Path) -> list[str]:
    return [p.name for p in sorted((data / "communities").iterdir()) if (p / "finance").is_dir()]


def break_ledger(data: Path, code: str) -> Path:
    """A ledger Juwu cannot read: an amount that is not a number."""
    ledger = sorted((data / "communities" / code / "finance").glob("*.csv"))[0]
    lines = ledger.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    cells = lines[1].split(",")
    column = header.index("income") if cells[header.index("income")] else header.index("expense")
    cells[column] = "一百二十块"
    lines[1] = ",".join(cells)
    ledger.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return ledger


def add_sixth_member(data: Path, code: str) -> None:
    members = data / "communities" / code / "members.csv"
    lines = members.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    template = lines[-1].split(",")
    while len(lines) - 1 < 6:
        row = list(template)
        row[header.index("name")] = f"增补{len(lines)}号"
        row[header.index("role")] = "委员"
        lines.append(",".join(row))
    members.write_text("\n".join(lines) + "\n", encoding="utf-8")


def page(site: Path, rel: str) -> str:
    return (site / rel / "index.html").read_text(encoding="utf-8")


@pytest.fixture
def live(data_copy, tmp_path):
    site = tmp_path / "live" / "site"
    assert build(BuildPaths.for_data(data_copy, site)).built
    return data_copy, site


def test_a_finding_is_published_and_blocks_nothing(live):
    data, site = live
    code = communities_with_ledgers(data)[0]
    add_sixth_member(data, code)
    result = build(BuildPaths.for_data(data, site))
    assert result.built and not result.held
    assert any(p.code == "committee-size" and p.community == code for p in result.problems.findings)
    html = page(site, f"c/{code}/")
    assert "增补6号" in html and "3–5" in html  # the roster as it is, and the finding about it
    assert HELD not in html


def test_a_community_with_bad_data_is_held_back_and_the_rest_publishes(live, tmp_path):
    data, site = live
    bad, other = communities_with_ledgers(data)[:2]
    before = tree(site)
    ledger = break_ledger(data, bad)
    result = build(BuildPaths.for_data(data, site))
    assert result.built and set(result.held) == {bad}
    held = result.held[bad]
    assert held.published and held.files == (ledger.relative_to(data).as_posix(),)
    after = tree(site)
    # The held community's pages: the last good ones, each with the notice naming the file.
    for rel in [r for r in before if r.startswith(f"c/{bad}/") and r.endswith(".html")]:
        text = (site / rel).read_text(encoding="utf-8")
        assert HELD in text and ledger.name in text, rel
    # Its downloads are the last good ones, unchanged.
    for rel in [r for r in before if r.startswith(f"c/{bad}/") and not r.endswith(".html")]:
        assert after[rel] == before[rel], rel
    # Every other community is published as before and carries no notice.
    assert HELD not in page(site, f"c/{other}/")
    assert all(after[rel] == sha for rel, sha in before.items() if rel.startswith(f"c/{other}/"))


def test_held_back_republish_equals_a_full_build(live, tmp_path):
    data, site = live
    twin = tmp_path / "twin"
    shutil.copytree(site.parent, twin, symlinks=True)
    bad = communities_with_ledgers(data)[0]
    break_ledger(data, bad)
    republished = build(BuildPaths.for_data(data, site))
    assert republished.republished == {bad} and set(republished.held) == {bad}
    full = build(BuildPaths.for_data(data, twin / "site"), full=True)
    assert full.republished is None and set(full.held) == {bad}
    assert tree(site) == tree(twin / "site")
    # Held again by the next build, unchanged: the same site.
    again = build(BuildPaths.for_data(data, site))
    assert again.republished == frozenset() and set(again.held) == {bad}
    assert tree(site) == tree(twin / "site")


def test_a_corrected_community_publishes_again_without_the_notice(live, tmp_path):
    data, site = live
    bad = communities_with_ledgers(data)[0]
    ledger = sorted((data / "communities" / bad / "finance").glob("*.csv"))[0]
    good = ledger.read_bytes()
    break_ledger(data, bad)
    assert set(build(BuildPaths.for_data(data, site)).held) == {bad}
    ledger.write_bytes(good)
    result = build(BuildPaths.for_data(data, site))
    assert result.built and not result.held
    assert HELD not in page(site, f"c/{bad}/")
    fresh = tmp_path / "fresh" / "site"
    assert build(BuildPaths.for_data(data, fresh)).built
    assert tree(site) == tree(fresh)


def test_a_community_that_never_published_shows_its_row_and_the_notice(data_copy, tmp_path):
    bad = communities_with_ledgers(data_copy)[0]
    break_ledger(data_copy, bad)
    site = tmp_path / "site"
    result = build(BuildPaths.for_data(data_copy, site))
    assert result.built and set(result.held) == {bad} and not result.held[bad].published
    html = page(site, f"c/{bad}/")
    assert HELD in html and "尚无核对无误的数据" in html
    assert not (site / "c" / bad / "finance").exists()  # nothing of its bad data is published


def test_juwu_build_exits_with_the_held_status_and_names_the_community(data_copy, tmp_path):
    bad = communities_with_ledgers(data_copy)[0]
    break_ledger(data_copy, bad)
    out = subprocess.run([sys.executable, "-m", "generator", "build", str(data_copy), "--site", str(tmp_path / "s")],
                         capture_output=True, text=True, timeout=600)
    assert out.returncode == EXIT_HELD == 3, out.stderr[-2000:]
    assert bad in out.stderr and "数据待更正" in out.stderr and "Traceback" not in out.stderr
