"""Issue 13, item 1: a report stays small whatever the input.

The campaign's CSV of a million columns produced a million warnings and an 873 MB report. The
same rule in the same file is listed at most MAX_SAME_PROBLEM times in every format; one line
("… 另有 N 个同类问题 / N more of the same") stands for the rest, and totals still count all.
"""

from __future__ import annotations

import json

import pytest

from generator.problems import ERROR, MAX_SAME_PROBLEM, WARNING, MoreOfTheSame, Problem, capped, capped_groups
from generator.validate.report import as_html, as_json, as_text
from generator.validate.report_markdown import as_markdown

LEDGER = "communities/319901001001/finance/2025-01.xlsx"
N = 100_000


def _bad_cells(n: int = N, distinct_fields: bool = True) -> list[Problem]:
    """n bad cells of one rule in one file; each in its own column when distinct_fields (the worst
    case for reports that print one line per column)."""
    out = []
    for i in range(n):
        field = f"col{i}" if distinct_fields else "income"
        out.append(Problem("type", ERROR, LEDGER, f"“{field}”的值“x{i}”不是有效的金额", f"{field}: 'x{i}' is not a number",
                           row=i + 2, field=field, value=f"x{i}", cell=f"E{i + 2}", hint_zh="请填写数字",
                           hint_en="write a number"))
    return sorted(out, key=Problem.sort_key)


RENDER = {
    "text": lambda ps, lang: as_text(ps, lang),
    "json": lambda ps, lang: as_json(ps, lang),
    "html": lambda ps, lang: as_html(ps, lang),
    "markdown": lambda ps, lang: as_markdown(ps, lang),
}


@pytest.fixture(scope="module")
def many() -> list[Problem]:
    return _bad_cells()


@pytest.mark.parametrize("fmt", RENDER)
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_report_of_100000_bad_cells_is_small(many, fmt, lang):
    report = RENDER[fmt](many, lang)
    assert len(report.encode()) < 100_000, len(report.encode())
    more = f"另有 {N - MAX_SAME_PROBLEM} 个同类问题" if lang == "zh" else f"{N - MAX_SAME_PROBLEM} more of the same"
    assert more in report
    assert "x0" in report or "E2" in report  # the first ones are listed
    assert f"x{N - 1}" not in report  # the last are not


@pytest.mark.parametrize("fmt", ["text", "json", "html"])
def test_totals_still_count_every_problem(many, fmt):
    report = RENDER[fmt](many + [Problem("other", WARNING, "a.csv", "提醒", "warn")], "en")
    assert f"{N} errors, 0 findings (published), 1 warnings" in report or f'"errors": {N}' in report


def test_json_lists_the_first_and_says_how_many_are_left_out(many):
    report = json.loads(as_json(many, "en"))
    assert report["errors"] == N and report["ok"] is False
    assert len(report["problems"]) == MAX_SAME_PROBLEM + 1
    assert report["omitted"] == N - MAX_SAME_PROBLEM
    assert report["problems"][-1]["omitted"] == N - MAX_SAME_PROBLEM
    assert report["problems"][-1]["severity"] == ERROR


def test_one_column_of_bad_cells_keeps_its_count_in_text():
    text = as_text(_bad_cells(5000, distinct_fields=False), "zh")
    assert "共 5000 处" in text and "另有" not in text.split("\n")[1]
    assert len(text.splitlines()) <= 10  # file, group, 5 rows, "4995 more", hint, summary


def test_the_summary_line_follows_the_problems_it_stands_for():
    problems = _bad_cells(MAX_SAME_PROBLEM + 3)
    text = as_text(problems, "en").splitlines()
    at = next(i for i, line in enumerate(text) if "3 more of the same" in line)
    assert all("more of the same" not in line for line in text[:at]) and at > MAX_SAME_PROBLEM


def test_capped_keeps_order_counts_and_worst_severity():
    warn = [Problem("w", WARNING, "f", str(i), str(i), row=i) for i in range(7)]
    err = Problem("w", ERROR, "f", "e", "e", row=99)
    other = Problem("w", WARNING, "g", "g", "g")
    out = capped(warn + [err, other], limit=3)
    assert [p.row for p in out[:3]] == [0, 1, 2]
    assert isinstance(out[3], MoreOfTheSame) and out[3].omitted == 5 and out[3].severity == ERROR
    assert out[4] is other and len(out) == 5
    assert capped(warn[:3], limit=3) == warn[:3]  # exactly at the limit: nothing summarised


def test_capped_groups_drop_whole_groups_and_count_their_problems():
    groups = [[Problem("c", WARNING, "f", "x", "x", row=i, field=f"k{i}")] * 2 for i in range(10)]
    out = capped_groups(groups, limit=4)
    assert out[:4] == groups[:4] and len(out) == 5 and out[4][0].omitted == 12


def test_errors_are_listed_before_warnings_are_summarised():
    problems = [Problem("c", WARNING, "f", f"w{i}", f"w{i}", row=i, field=f"k{i}") for i in range(MAX_SAME_PROBLEM)]
    problems.append(Problem("c", ERROR, "f", "boom", "boom", row=999, field="z"))
    text = as_text(sorted(problems, key=Problem.sort_key), "en")
    assert "boom" in text and "1 more of the same" in text
    assert text.index("boom") < text.index("more of the same")


def test_the_upload_page_lists_a_bounded_number_of_problems(many):
    from generator.intake.views import problem_groups

    groups = problem_groups(many, "319901001001")
    rows = [p for g in groups for p in g["problems"]]
    assert len(rows) == MAX_SAME_PROBLEM + 1
    assert f"另有 {N - MAX_SAME_PROBLEM} 个同类问题" in rows[-1]["message"] and rows[-1]["error"]
