"""Working conditions: the six unifications (warnings the site shows) and the chair's pay."""

from __future__ import annotations

from generator.gather import validate_city
from tests.cityfixture import (  # noqa: F401 - fixtures
    A, city, flat, member_file, of_code, set_cell, set_yaml, small_city,
)

COMMITTEE = f"communities/{A}/committee.yaml"


def test_each_missing_unification_is_a_finding_on_the_community(city):
    path = city / "communities" / A / "committee.yaml"
    seal = set_yaml(path, "six_unifications.seal", "否")
    board = set_yaml(path, "six_unifications.notice_board", "否")
    found = of_code(city, "six-unifications")
    assert [(p.file, p.row, p.field, p.severity, p.community) for p in found] == [
        (COMMITTEE, seal, "six_unifications.seal", "finding", A),
        (COMMITTEE, board, "six_unifications.notice_board", "finding", A)]
    assert "统一监审印章" in found[0].zh
    result = validate_city(city)
    assert result.ok  # findings never fail
    community = next(c for c in result.city.communities if c.code == A)
    assert {p.field for p in community.findings} >= {"six_unifications.seal", "six_unifications.notice_board"}


def test_all_six_in_place_gives_no_warning(city):
    assert not of_code(city, "six-unifications")


def test_chair_pay_at_exactly_seventy_percent_passes_below_fails(city):
    path = city / "communities" / A / "committee.yaml"
    set_yaml(path, "chair_pay.heads_basic_pay", "8000.00")
    set_yaml(path, "chair_pay.monthly_pay", "5600.00")  # exactly 70 %
    assert not of_code(city, "chair-pay-low")
    line = set_yaml(path, "chair_pay.monthly_pay", "5599.99")
    assert ("chair-pay-low", COMMITTEE, line, "chair_pay.monthly_pay") in flat(city)
    [p] = of_code(city, "chair-pay-low")
    assert "5,599.99" in p.zh and "5,600.00" in p.zh and "70%" in p.zh


def test_retired_chair_needs_an_allowance(city):
    set_cell(city / member_file(A), 0, "retired", "是")
    assert ("chair-allowance-missing", COMMITTEE, None, "chair_pay.monthly_allowance") in flat(city)
    path = city / "communities" / A / "committee.yaml"
    text = path.read_text("utf-8").replace("chair_pay:\n", 'chair_pay:\n  monthly_allowance: "1000.00"\n')
    path.write_text(text, "utf-8")
    assert not of_code(city, "chair-allowance-missing") and not of_code(city, "chair-pay-low")


def test_working_chair_without_pay_figures(city):
    path = city / "communities" / A / "committee.yaml"
    lines = [l for l in path.read_text("utf-8").split("\n") if "heads_basic_pay" not in l]
    path.write_text("\n".join(lines), "utf-8")
    assert ("chair-pay-missing", COMMITTEE, None, "chair_pay.heads_basic_pay") in flat(city)
