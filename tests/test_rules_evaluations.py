"""Democratic evaluations and residents' opinions: counts that add up, dates in order."""

from __future__ import annotations

from decimal import Decimal

from generator.gather import validate_city
from tests.cityfixture import (  # noqa: F401 - fixtures
    A, city, flat, of_code, read_table, set_cell, small_city,
)

EVAL = f"communities/{A}/evaluations.csv"
OPINIONS = f"communities/{A}/opinions.csv"


def _set_row(city, index, **cells):
    for column, value in cells.items():
        line = set_cell(city / EVAL, index, column, str(value))
    return line


def test_whole_body_row_uses_its_own_columns(small_city):
    header, rows = read_table(small_city / EVAL)
    assert rows[0][header.index("evaluated")] == "居民委员会"
    city = validate_city(small_city).city
    e = next(c for c in city.communities if c.code == A).evaluations[0]
    assert e.is_whole_body and e.excellent == 0
    assert e.satisfaction == (Decimal(53 + 1) / Decimal(55)).quantize(Decimal("0.0001"))


def test_two_thirds_present(city):
    _set_row(city, 1, reps_expected=60, reps_present=40, ballots_valid=40, ballots_void=0,
             excellent=10, competent=30, basically_competent=0, incompetent=0)
    assert not of_code(city, "evaluation-quorum")  # exactly two thirds
    line = _set_row(city, 1, reps_present=39, ballots_valid=39, competent=29)
    assert ("evaluation-quorum", EVAL, line, "reps_present") in flat(city)


def test_ballots_within_attendance(city):
    line = _set_row(city, 1, ballots_void=1)  # 55 present, 55 valid
    assert ("evaluation-ballots", EVAL, line, "ballots_void") in flat(city)


def test_a_count_above_the_valid_ballots(city):
    line = _set_row(city, 1, excellent=56, competent=0, basically_competent=0, incompetent=0)
    assert ("evaluation-counts", EVAL, line, "excellent") in flat(city)


def test_counts_add_up_to_valid_ballots(city):
    line = _set_row(city, 0, satisfied=52)  # 52 + 1 + 1 = 54 of 55
    [p] = of_code(city, "evaluation-counts")
    assert (p.file, p.row, p.field, p.value) == (EVAL, line, "ballots_valid", "54")
    assert "满意" in p.zh


def test_a_row_rates_a_person_or_the_whole_body(city):
    line = _set_row(city, 1, satisfied=1)
    assert ("evaluation-columns", EVAL, line, "satisfied") in flat(city)


def test_answer_after_the_opinion(city):
    header, rows = read_table(city / OPINIONS)
    received = rows[0][header.index("received_on")]
    set_cell(city / OPINIONS, 0, "answered_on", received)
    assert not of_code(city, "opinion-dates")
    line = set_cell(city / OPINIONS, 0, "answered_on", "2024-01-01")
    assert ("opinion-dates", OPINIONS, line, "answered_on") in flat(city)


def test_answered_opinion_has_its_answer(city):
    line = set_cell(city / OPINIONS, 0, "answer", "")
    assert ("opinion-answer", OPINIONS, line, "answer") in flat(city)
