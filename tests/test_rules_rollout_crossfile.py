"""Rollout phases against deadlines, and what only several files together can show."""

from __future__ import annotations

import shutil

from tests.cityfixture import (  # noqa: F401 - fixtures
    A, B, C, city, flat, of_code, read_table, set_cell, small_city, write_table,
)


def _rollout_index(city, code, phase):
    header, rows = read_table(city / "rollout.csv")
    return next(i for i, r in enumerate(rows) if r[0] == code and r[1] == str(phase))


def test_phase_done_before_the_one_it_depends_on(city):
    i = _rollout_index(city, A, 4)
    line = set_cell(city / "rollout.csv", i, "completed_on", "2023-05-01")  # phase 3 done 2023-05-22
    [p] = of_code(city, "rollout-order")
    assert (p.file, p.row, p.field, p.cell, p.community) == ("rollout.csv", line, "completed_on", f"C{line}", A)


def test_a_phase_without_the_one_before(city):
    header, rows = read_table(city / "rollout.csv")
    i = _rollout_index(city, A, 2)
    write_table(city / "rollout.csv", header, rows[:i] + rows[i + 1:])
    found = of_code(city, "rollout-order")
    assert [(p.row, p.field, p.value) for p in found] == [(i + 2, "phase", "3")]


def test_overdue_phases_are_one_warning_per_community(city, small_city):
    found = of_code(small_city, "rollout-overdue")
    assert [(p.file, p.severity, p.community, p.value) for p in found] == [
        ("rollout.csv", "finding", C, "3,4,5,6,7")]
    header, rows = read_table(city / "rollout.csv")
    write_table(city / "rollout.csv", header, [r for r in rows if not (r[0] == A and r[1] == "7")])
    assert {p.community for p in of_code(city, "rollout-overdue")} == {A, C}


def test_completion_after_the_as_of_date(city):
    i = _rollout_index(city, B, 7)
    line = set_cell(city / "rollout.csv", i, "completed_on", "2025-02-01")
    assert ("rollout-future", "rollout.csv", line, "completed_on") in flat(city)


def test_committee_phase_matches_committee_yaml(city):
    header, rows = read_table(city / "rollout.csv")
    write_table(city / "rollout.csv", header, rows + [[C, "3", "2023-06-01", ""]])
    found = of_code(city, "rollout-committee")
    assert [(p.community, p.row, p.severity) for p in found] == [(C, len(rows) + 2, "warning")]


def test_folder_of_an_unknown_community(city):
    shutil.copytree(city / "communities" / A, city / "communities" / "319999999999")
    assert ("community-unknown", "communities/319999999999", None, None) in flat(city)


def test_rollout_names_an_unknown_community(city):
    line = set_cell(city / "rollout.csv", 0, "community", "319999999998")
    assert ("rollout-community-unknown", "rollout.csv", line, "community") in flat(city)


def test_duplicate_community_code(city):
    header, rows = read_table(city / "communities.csv")
    twin = list(rows[0])
    twin[1] = "重复社区"
    write_table(city / "communities.csv", header, rows + [twin])
    [p] = of_code(city, "duplicate-key")
    assert (p.file, p.row, p.field, p.cell) == ("communities.csv", len(rows) + 2, "code", f"A{len(rows) + 2}")
    assert "第 2 行" in p.zh and A in p.zh


def test_records_without_a_committee(city):
    (city / "communities" / A / "committee.yaml").unlink()
    [p] = of_code(city, "records-without-committee")
    assert (p.file, p.community) == (f"communities/{A}", A) and "members.csv" in p.zh


def test_one_name_per_district_code(city):
    line = set_cell(city / "communities.csv", 2, "district", "错区")  # C shares B's district code
    assert ("division-name-mismatch", "communities.csv", line, "district") in flat(city)
