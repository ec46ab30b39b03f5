"""End to end: the demo city builds, shows real content, rebuilds byte-identically, fails safely."""

from __future__ import annotations

import contextlib
import hashlib
import os
import signal
import time
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from generator import build as build_module
from generator.build import build
from generator.config import BuildPaths
from generator.money import format_amount
from tests.conftest import DATA, community_with_committee, read_csv_rows


def tree_digest(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def test_community_page_shows_members_with_roles(built_site):
    code = community_with_committee()
    html = (built_site / "c" / code / "index.html").read_text(encoding="utf-8")
    for member in read_csv_rows(DATA / "communities" / code / "members.csv"):
        assert f'<td data-label="职务">{member["role"]}</td><td data-label="姓名" class="juwu-member">{member["name"]}</td>' in html


def test_period_page_shows_totals_computed_from_the_ledger(built_site):
    code = community_with_committee()
    ledger = sorted((DATA / "communities" / code / "finance").glob("*.csv"))[-1]
    rows = read_csv_rows(ledger)
    income = sum((Decimal(r["income"]) for r in rows if r["income"]), Decimal("0.00"))
    expense = sum((Decimal(r["expense"]) for r in rows if r["expense"]), Decimal("0.00"))
    header = yaml.safe_load(ledger.with_suffix(".yaml").read_text(encoding="utf-8"))
    html = (built_site / "c" / code / "finance" / ledger.stem / "index.html").read_text(encoding="utf-8")
    assert format_amount(income) in html
    assert format_amount(expense) in html
    assert format_amount(Decimal(header["closing_balance"])) in html
    assert html.count('<tr><td data-label="序号">') == len(rows)  # one table row per ledger line


def test_home_page_counts_committees(built_site):
    communities = read_csv_rows(DATA / "communities.csv")
    with_committee = [c for c in communities if (DATA / "communities" / c["code"] / "committee.yaml").exists()]
    html = (built_site / "index.html").read_text(encoding="utf-8")
    assert f'<span class="juwu-stat__value">{len(communities)}</span><span class="juwu-stat__label">个社区' in html
    assert f'<span class="juwu-stat__value">{len(with_committee)}</span><span class="juwu-stat__label">个已成立' in html


def test_no_page_lists_the_whole_city(built_site):
    communities = read_csv_rows(DATA / "communities.csv")
    for page in built_site.rglob("index.html"):
        html = page.read_text(encoding="utf-8")
        linked = sum(f"c/{c['code']}/" in html for c in communities)
        assert linked < len(communities), page


def test_rebuild_is_byte_identical(built_site, tmp_path):
    again = tmp_path / "again"
    assert build(BuildPaths(data=DATA, site=again)).built
    assert tree_digest(again) == tree_digest(built_site)


@pytest.mark.parametrize("city_file", ["communities.csv", "rollout.csv", "city.yaml"])
def test_city_level_errors_leave_site_untouched(data_copy, tmp_path, city_file):
    site = tmp_path / "site"
    assert build(BuildPaths(data=data_copy, site=site)).built
    before = tree_digest(site)
    path = data_copy / city_file
    if city_file == "city.yaml":
        path.write_text(path.read_text(encoding="utf-8") + "\nname: [unclosed\n", encoding="utf-8")
    else:  # a date no calendar has, in the second column of the first row
        lines = path.read_text(encoding="utf-8").splitlines()
        cells = lines[1].split(",")
        date_column = next(i for i, c in enumerate(cells) if c[:2] == "20" and c[4:5] == "-")
        cells[date_column] = "2024-13-45"
        lines[1] = ",".join(cells)
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = build(BuildPaths(data=data_copy, site=site))
    assert not result.built and any(p.file == city_file for p in result.problems.errors)
    assert tree_digest(site) == before
    assert not [p for p in tmp_path.glob(".site.*") if p.name != ".site.cache"]  # no stage left behind


def test_build_killed_half_way_leaves_site_untouched(data_copy, tmp_path, monkeypatch):
    site = tmp_path / "site"
    assert build(BuildPaths(data=data_copy, site=site)).built
    before = tree_digest(site)

    def killed(*args, **kwargs):
        raise KeyboardInterrupt  # as a Ctrl+C or a kill arriving while pages are written

    monkeypatch.setattr(build_module.fill, "fill_pages", killed)
    with pytest.raises(KeyboardInterrupt):
        build(BuildPaths(data=data_copy, site=site))
    assert tree_digest(site) == before
    assert not [p for p in tmp_path.glob(".site.*") if p.name != ".site.cache"]  # no stage left behind


def test_a_build_failing_while_pagefind_indexes_stops_it_and_leaves_the_site_untouched(data_copy, tmp_path,
                                                                                      monkeypatch):
    # Pagefind indexes while the downloads are written (build.py): a failure there must stop the
    # indexer (minutes in a big city) and its processes, not wait for them to finish.
    site = tmp_path / "site"
    assert build(BuildPaths(data=data_copy, site=site)).built
    before = tree_digest(site)
    finished = tmp_path / "indexer-finished"
    sleeps = tmp_path / "indexer-sleeps"
    slow = tmp_path / "slow-pagefind"
    slow.write_text(f"#!/bin/sh\nsleep 600 &\necho $! >> '{sleeps}'\nwait\ntouch '{finished}'\n")
    slow.chmod(0o755)
    monkeypatch.setattr(build_module.search, "executable", lambda: slow)

    def failed(*args, **kwargs):
        for _ in range(2400):  # until the indexer has started its processes (at most two minutes)
            if sleeps.exists():
                break
            time.sleep(0.05)
        raise KeyboardInterrupt

    monkeypatch.setattr(build_module.findings, "published", failed)
    try:
        with pytest.raises(KeyboardInterrupt):
            build(BuildPaths(data=data_copy, site=site), full=True)
        assert not finished.exists()  # killed, not waited for: it would have run for ten minutes
        assert tree_digest(site) == before
        assert not [p for p in tmp_path.glob(".site.*") if p.name != ".site.cache"]  # no stage left behind
    finally:
        for pid in sleeps.read_text().split() if sleeps.exists() else []:
            with contextlib.suppress(ProcessLookupError):
                os.kill(int(pid), signal.SIGKILL)


def test_a_killed_builds_stage_is_cleared_by_the_next_build_even_a_republish(data_copy, tmp_path):
    site = tmp_path / "site"
    assert build(BuildPaths(data=data_copy, site=site)).built
    stale = tmp_path / ".site.new-999999"  # a build killed while writing its stage (4 GB at 5,000)
    (stale / "c").mkdir(parents=True)
    (stale / "c" / "index.html").write_text("half written", encoding="utf-8")
    result = build(BuildPaths(data=data_copy, site=site))
    assert result.built and result.republished == frozenset()
    assert not stale.exists()


def test_each_build_compiles_the_templates_afresh(data_copy, tmp_path):
    """One Jinja2 environment per build, inherited by its render workers; a process that builds
    again (`juwu serve`, the upload service) does not keep the last build's compiled templates."""
    from generator.site.render import shared_environment

    before = shared_environment()
    assert build(BuildPaths(data=data_copy, site=tmp_path / "site")).built
    assert shared_environment() is not before


def test_a_full_build_walks_the_history_while_the_city_is_checked(data_copy, tmp_path, monkeypatch):
    """history.collect needs nothing of the check: a full build runs it in a thread beside the
    checking, and the site is the one it made after the check before."""
    import threading

    from generator import history

    events = []
    real_collect, real_validate = history.collect, build_module.validate_city

    def collect(*args, **kwargs):
        events.append(("walk", threading.current_thread() is threading.main_thread()))
        return real_collect(*args, **kwargs)

    def validate(*args, **kwargs):
        events.append(("check", threading.current_thread() is threading.main_thread()))
        return real_validate(*args, **kwargs)

    monkeypatch.setattr(history, "collect", collect)
    monkeypatch.setattr(build_module, "validate_city", validate)
    site = tmp_path / "site"
    assert build(BuildPaths.for_data(data_copy, site), full=True).built
    assert sorted(events) == [("check", True), ("walk", False)]
    monkeypatch.setattr(build_module, "_checked", lambda paths, scope: (real_validate(
        paths.data, scope.checked, scope.known_city_tables()), None))  # as before: one after the other
    other = tmp_path / "other"
    assert build(BuildPaths.for_data(data_copy, other), full=True).built
    assert tree_of(site) == tree_of(other)


def test_a_history_walk_that_fails_fails_the_build_and_leaves_the_site(data_copy, tmp_path, monkeypatch):
    from generator import history

    site = tmp_path / "site"
    assert build(BuildPaths.for_data(data_copy, site), full=True).built
    before = tree_of(site)

    def broken(*args, **kwargs):
        raise RuntimeError("git broke")

    monkeypatch.setattr(history, "collect", broken)
    with pytest.raises(RuntimeError, match="git broke"):
        build(BuildPaths.for_data(data_copy, site), full=True)
    assert tree_of(site) == before


def tree_of(root: Path) -> dict[str, str]:
    from generator.manifest import excluded

    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file() and not excluded(p.relative_to(root).as_posix())}
