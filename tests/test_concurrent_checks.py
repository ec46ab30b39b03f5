"""Checks that run at once never mix (issue 13, item 1).

The upload service validates several uploads in threads (and rebuilds in the background). A check
keeps nothing at module level: every community's problems, checked many times over in parallel
threads, are exactly those of checking it alone, for a valid and an invalid community alike, in
one process or with forked workers.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from generator.gather import validate_city
from generator.validate import schema
from tests.cityfixture import A, B, city, set_cell, set_yaml, small_city  # noqa: F401 (fixtures)

THREADS = 8
RUNS = 6  # per thread
TIMEOUT = 300  # seconds for all of them together: a bound, not a measurement


def key(p):
    return (p.code, p.severity, p.file, p.row, p.field, p.value, p.community, p.zh, p.en)


@pytest.fixture
def two_communities(city: Path) -> Path:
    """A stays valid; B gets a report dated 2025-02-30 and an amount that is not one."""
    report = sorted((city / "communities" / B / "reports").glob("*.md"))[0]
    set_yaml(report, "date", "2025-02-30")
    ledger = sorted((city / "communities" / B / "finance").glob("*.csv"))[0]
    set_cell(ledger, 0, "expense", "12,34.5元")
    return city


def alone(city: Path, code: str) -> list[tuple]:
    return sorted(map(key, validate_city(city, {code}).problems.items))


def run_together(city: Path, jobs: list[str], threads: int) -> list[tuple[str, list[tuple]]]:
    start = threading.Barrier(threads, timeout=TIMEOUT)

    def one(code: str) -> tuple[str, list[tuple]]:
        try:
            start.wait()
        except threading.BrokenBarrierError:
            pass  # fewer jobs than threads left: run anyway
        return code, sorted(map(key, validate_city(city, {code}).problems.items))

    with ThreadPoolExecutor(threads) as pool:
        futures = [pool.submit(one, code) for code in jobs]
        return [f.result(timeout=TIMEOUT) for f in futures]


def test_the_fixture_has_one_valid_and_one_invalid_community(two_communities):
    a, b = alone(two_communities, A), alone(two_communities, B)
    assert not [p for p in a if p[1] == "error"]
    errors = {(p[0], p[4]) for p in b if p[1] == "error"}
    assert any(field == "date" for _, field in errors), errors  # 2025-02-30 is no date
    assert any(field == "expense" for _, field in errors), errors


def test_parallel_checks_of_two_communities_each_equal_the_check_alone(two_communities):
    expected = {A: alone(two_communities, A), B: alone(two_communities, B)}
    jobs = [A if i % 2 else B for i in range(THREADS * RUNS)]
    for code, problems in run_together(two_communities, jobs, THREADS):
        assert problems == expected[code], code


def test_parallel_checks_with_forked_workers_each_equal_the_check_alone(two_communities, monkeypatch):
    """The schema check's forked workers get their own call's batches, whichever thread forks."""
    expected = {A: alone(two_communities, A), B: alone(two_communities, B)}
    monkeypatch.setattr(schema, "MIN_ROWS_TO_FORK", 0)
    monkeypatch.setattr(schema, "BATCH_ROWS", 50)  # several batches, so workers pick by number
    jobs = [A, B] * 3
    for code, problems in run_together(two_communities, jobs, 3):
        assert problems == expected[code], code


def test_the_check_keeps_no_module_state(two_communities):
    """Nothing a check reads is left in a module between calls (what the old workers inherited)."""
    import generator.gather as gather

    validate_city(two_communities, {B})
    assert not hasattr(schema, "_BATCHES") and not hasattr(gather, "_SHARD_JOB")
