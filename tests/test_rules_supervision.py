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


# --- rectification: each problem followed to closure ------------------------------------------------

RECT = f"communities/{A}/rectifications.csv"
RECT_HEADER = ["id", "found_on", "report", "problem", "responsible", "due", "status", "closed_on", "action", "closed_by"]


def _rectifications(city, *rows):
    write_table(city / RECT, RECT_HEADER, [list(r) for r in rows])


def _report_slug(city) -> str:
    return sorted(p.stem for p in (city / "communities" / A / "reports").glob("*.md"))[0]


def test_a_problem_closed_in_time_is_no_finding_and_one_closed_late_is_kept_closed(city):
    slug = _report_slug(city)
    _rectifications(city, ["1", "2024-03-01", slug, "楼道堆物", "物业服务企业", "2024-03-31", "已整改", "2024-03-20", "已清理", ""],
                    ["2", "2024-03-01", slug, "公示栏破损", "社区居民委员会", "2024-03-31", "已整改", "2024-04-10", "已更换", ""])
    found = of_code(city, "rectification-overdue")
    assert [(p.row, p.severity, p.due, p.closed) for p in found] == [(3, "finding", "2024-03-31", "2024-04-10")]


def test_an_open_problem_past_its_deadline_is_an_open_finding(city):
    _rectifications(city, ["1", "2024-03-01", "", "消防通道占用", "物业服务企业", "2024-03-31", "整改中", "", "", ""],
                    ["2", "2024-03-01", "", "台账不全", "社区居民委员会", "2099-01-01", "待整改", "", "", ""])
    [p] = of_code(city, "rectification-overdue")
    assert (p.row, p.closed, p.since, p.community) == (2, None, "2024-04-01", A) and "消防通道占用" in p.zh


def test_a_closed_problem_needs_its_date_and_real_reports(city):
    _rectifications(city, ["1", "2024-03-01", "no-such-report", "x", "社区居民委员会", "2024-03-31", "已整改", "", "", ""],
                    ["2", "2024-03-01", "", "y", "社区居民委员会", "2024-03-31", "已整改", "2024-02-01", "", ""])
    assert [(p.row, p.field) for p in of_code(city, "rectification-closed")] == [(2, "closed_on"), (3, "closed_on")]
    assert [(p.row, p.field, p.severity) for p in of_code(city, "rectification-report")] == [(2, "report", "error")]


def test_a_matter_report_past_its_due_date_and_still_open_is_a_finding(city):
    reports = city / "communities" / A / "reports"
    path = reports / "2024-05-06-drains.md"
    path.write_text("---\ntype: 监督事项\ndate: \"2024-05-06\"\ntitle: 关于雨污管道的监督\nstatus: 整改中\n"
                    "due: \"2024-06-06\"\n---\n\n正文\n", encoding="utf-8")
    [p] = [p for p in of_code(city, "rectification-overdue") if p.file.endswith("drains.md")]
    assert p.due == "2024-06-06" and p.closed is None
    # Followed item by item in rectifications.csv instead, the report is not counted twice.
    _rectifications(city, ["1", "2024-05-06", "2024-05-06-drains", "雨污混接", "社区居民委员会", "2024-06-06", "已整改",
                           "2024-06-01", "已改造", ""])
    assert not [p for p in of_code(city, "rectification-overdue") if p.file.endswith("drains.md")]


# --- democratic evaluation -------------------------------------------------------------------------

EVAL = f"communities/{A}/evaluations.csv"


def _failed(header, row, year, held_on):
    row = list(row)
    valid = int(row[header.index("ballots_valid")])
    row[header.index("year")], row[header.index("held_on")] = str(year), held_on
    for name, n in (("excellent", 0), ("competent", valid - valid // 2 - 1), ("basically_competent", 0),
                    ("incompetent", valid // 2 + 1)):
        row[header.index(name)] = str(n)
    return row


def test_incompetent_two_years_running_is_a_finding(city):
    header, rows = read_table(city / EVAL)
    person = next(r for r in rows if r[header.index("excellent")])
    write_table(city / EVAL, header, rows + [_failed(header, person, 2023, "2023-12-20")])
    assert not of_code(city, "evaluation-incompetent-twice")  # once is not twice
    write_table(city / EVAL, header, [_failed(header, r, 2024, r[header.index("held_on")]) if r is person else r
                                      for r in rows] + [_failed(header, person, 2023, "2023-12-20")])
    [p] = of_code(city, "evaluation-incompetent-twice")
    assert person[header.index("evaluated")] in p.zh and "2023" in p.zh and p.severity == "finding"


def test_a_year_without_evaluation_or_with_a_late_one_is_a_finding(city):
    text = (city / "city.yaml").read_text(encoding="utf-8")
    (city / "city.yaml").write_text(text.replace('evaluation_by: "01-15"', 'evaluation_by: "01-10"'), encoding="utf-8")
    assert not of_code(city, "evaluation-missing")
    header, rows = read_table(city / EVAL)
    write_table(city / EVAL, header, [r[:1] + ["2025-01-12"] + r[2:] for r in rows])
    [late] = of_code(city, "evaluation-missing")
    assert (late.due, late.closed) == ("2025-01-10", "2025-01-12")
    (city / EVAL).unlink()
    [missing] = of_code(city, "evaluation-missing")
    assert missing.closed is None and "2024" in missing.zh


# --- the working system ----------------------------------------------------------------------------

def test_too_few_meeting_records_in_a_full_year(city):
    text = (city / "city.yaml").read_text(encoding="utf-8")
    held = len([p for p in (city / "communities" / A / "reports").glob("*-meeting.md")])
    (city / "city.yaml").write_text(text.replace("meetings_per_year: 2", f"meetings_per_year: {held}"), encoding="utf-8")
    assert not [p for p in of_code(city, "meetings-too-few") if p.community == A]
    (city / "city.yaml").write_text(text.replace("meetings_per_year: 2", f"meetings_per_year: {held + 1}"),
                                    encoding="utf-8")
    [p] = [p for p in of_code(city, "meetings-too-few") if p.community == A]
    assert f"只有 {held} 次" in p.zh


def test_an_annual_report_missing_or_late_is_a_finding(city):
    reports = city / "communities" / A / "reports"
    [annual] = list(reports.glob("*-annual-report.md"))
    assert not [p for p in of_code(city, "annual-report-missing") if p.community == A]
    text = annual.read_text(encoding="utf-8")
    annual.unlink()
    [missing] = [p for p in of_code(city, "annual-report-missing") if p.community == A]
    assert missing.closed is None and missing.due == "2025-01-15"
    date_line = next(l for l in text.splitlines() if l.startswith("date:"))
    (reports / "2025-01-20-annual-report.md").write_text(text.replace(date_line, 'date: "2025-01-20"'), encoding="utf-8")
    [late] = [p for p in of_code(city, "annual-report-missing") if p.community == A]
    assert late.closed == "2025-01-20"


# --- member changes: published within the city's working days -------------------------------------

CHANGES = f"communities/{A}/member_changes.csv"
CHANGE_HEADER = ["changed_on", "name", "change", "role_before", "role_after", "reason", "meeting", "published_on"]


def test_a_member_change_published_late_counts_working_days_and_the_city_calendar(city):
    # 2024-09-27 (Fri) + 20 working days: the National Day week is off, 2024-09-29 and 2024-10-12 are worked.
    write_table(city / CHANGES, CHANGE_HEADER, [["2024-09-27", "周建新", "辞职", "委员", "", "工作调动", "居民代表会议",
                                                 "2024-10-30"]])
    assert not of_code(city, "member-change-late")
    write_table(city / CHANGES, CHANGE_HEADER, [["2024-09-27", "周建新", "辞职", "委员", "", "工作调动", "居民代表会议",
                                                 "2024-10-31"]])
    [p] = of_code(city, "member-change-late")
    assert (p.row, p.field, p.due, p.closed, p.severity) == (2, "published_on", "2024-10-30", "2024-10-31", "finding")


def test_a_member_change_published_before_it_happened_is_a_data_error(city):
    write_table(city / CHANGES, CHANGE_HEADER, [["2024-05-10", "周建新", "辞职", "委员", "", "", "", "2024-05-01"]])
    [p] = of_code(city, "member-change-dates")
    assert (p.row, p.severity) == (2, "error")


def test_working_days_follow_the_city_calendar():
    from datetime import date

    from generator.dates import add_working_days

    assert add_working_days(date(2024, 5, 10), 1) == date(2024, 5, 13)  # Friday → Monday
    assert add_working_days(date(2024, 4, 30), 1, holidays=[date(2024, 5, 1)]) == date(2024, 5, 2)
    assert add_working_days(date(2024, 5, 10), 1, workdays=[date(2024, 5, 11)]) == date(2024, 5, 11)
