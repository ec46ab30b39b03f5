"""Supervision followed in time: answers within the city's days, disclosure that does not stop,
phases done late kept on record. Each finding carries since when, its deadline and its closing."""

from __future__ import annotations

import datetime

from tests.cityfixture import (  # noqa: F401 - fixtures
    A, C, city, of_code, read_table, set_cell, set_yaml, small_city, write_table,
)

OPINIONS = f"communities/{A}/opinions.csv"


def _as_of(city) -> datetime.date:
    text = (city / "city.yaml").read_text(encoding="utf-8")
    return datetime.date.fromisoformat(next(l.split(":", 1)[1].strip().strip('"') for l in text.splitlines()
                                            if l.startswith("as_of:")))


def test_an_opinion_answered_after_the_citys_days_is_a_closed_finding(city):
    header, rows = read_table(city / OPINIONS)
    received = datetime.date.fromisoformat(rows[0][header.index("received_on")])
    set_cell(city / OPINIONS, 0, "answered_on", (received + datetime.timedelta(days=10)).isoformat())
    assert not [p for p in of_code(city, "opinion-answer-late") if p.row == 2]
    line = set_cell(city / OPINIONS, 0, "answered_on", (received + datetime.timedelta(days=11)).isoformat())
    [p] = [p for p in of_code(city, "opinion-answer-late") if p.row == line]
    due = received + datetime.timedelta(days=10)
    assert (p.file, p.field, p.severity, p.community) == (OPINIONS, "answered_on", "finding", A)
    assert (p.due, p.closed) == (due.isoformat(), (due + datetime.timedelta(days=1)).isoformat())


def test_an_unanswered_opinion_past_its_deadline_is_an_open_finding(city):
    as_of = _as_of(city)
    header, rows = read_table(city / OPINIONS)
    row = list(rows[0])
    row[header.index("received_on")] = (as_of - datetime.timedelta(days=30)).isoformat()
    row[header.index("answer")] = row[header.index("answered_on")] = ""
    row[header.index("status")] = "办理中"
    row[header.index("subject")] = "路灯不亮"
    write_table(city / OPINIONS, header, rows + [row])
    [p] = [p for p in of_code(city, "opinion-answer-late") if "路灯不亮" in p.zh]
    assert p.closed is None and "30 天仍未答复" in p.zh


def test_the_city_sets_the_answer_days(city):
    text = (city / "city.yaml").read_text(encoding="utf-8")
    (city / "city.yaml").write_text(text.replace("opinion_answer_days: 10", "opinion_answer_days: 1"), encoding="utf-8")
    assert of_code(city, "opinion-answer-late")  # the demo answers within days, not within one


def test_disclosure_that_stops_is_a_finding_without_a_later_period(city):
    assert not of_code(city, "disclosure-stopped")
    finance = city / "communities" / A / "finance"
    periods = sorted(finance.glob("*.yaml"))
    for path in periods[-3:]:  # the last three months were never disclosed
        path.unlink()
        path.with_suffix(".csv").unlink()
    [p] = of_code(city, "disclosure-stopped")
    assert p.community == A and p.severity == "finding" and p.closed is None
    assert periods[-4].stem in p.zh and p.due is not None and p.since > p.due


def test_a_phase_done_after_its_deadline_is_kept_as_done_late(city):
    header, rows = read_table(city / "rollout.csv")
    index = next(i for i, r in enumerate(rows) if r[header.index("community")] == C and r[header.index("phase")] == "1")
    line = set_cell(city / "rollout.csv", index, "completed_on", "2023-05-02")
    [p] = [p for p in of_code(city, "rollout-late") if p.community == C]
    assert (p.row, p.field, p.due, p.closed) == (line, "completed_on", "2023-04-30", "2023-05-02")
    assert "逾期完成" in p.zh
