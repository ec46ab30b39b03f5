"""Problems listed in column order (issue 17): within a row, the problems of a file follow the columns
of the clerk's file, as Excel shows them, not the alphabetical order of the fields or the rules."""

from __future__ import annotations

from generator.intake.views import problem_groups
from generator.problems import ERROR, Problem, cell_column
from generator.gather import validate_city
from generator.validate.report import grouped
from tests.cityfixture import A, city, read_table, small_city  # noqa: F401 - fixtures

# Columns in the clerk's own order: the reverse of the fields' alphabetical order (role, political_status,
# mobile), so an order by field name or rule would list them backwards.
HEADER = ["职务", "政治面貌", "手机", "姓名", "性别", "是否退休"]


def _members(city):  # noqa: F811
    folder = city / "communities" / A
    header, rows = read_table(folder / "members.csv")
    good = [[r[header.index(f)] if f in header else "" for f in ("role", "political_status", "mobile", "name",
                                                                  "gender", "retired")] for r in rows]
    good[1][:3] = ["组长", "无党派人士", "1380013800"]  # three errors on one row: columns A, B, C
    text = ",".join(HEADER) + "\n" + "".join(",".join(r) + "\n" for r in good)
    (folder / "members.csv").write_text(text, encoding="utf-8")
    return f"communities/{A}/members.csv"


def test_problems_of_a_row_are_in_the_order_of_its_columns(city):  # noqa: F811
    file = _members(city)
    problems = validate_city(city, {A}).problems.sorted()
    row3 = [p for p in problems if p.file == file and p.row == 3 and p.severity == ERROR]
    assert [p.cell for p in row3] == ["A3", "B3", "C3"], [(p.cell, p.field, p.code) for p in row3]
    assert [p.field for p in row3] == ["role", "political_status", "mobile"]


def test_the_report_and_the_upload_service_keep_the_column_order(city):  # noqa: F811
    file = _members(city)
    problems = [p for p in validate_city(city, {A}).problems.sorted() if p.file == file and p.severity == ERROR]
    [(_, groups)] = grouped(problems)
    assert [g.items[0].cell for g in groups] == ["A3", "B3", "C3"]
    from generator.validate.report import as_text
    from generator.validate.report_markdown import as_markdown

    for report in (as_text(problems, "zh"), as_markdown(problems, "zh")):
        assert report.index("A3") < report.index("B3") < report.index("C3"), report
    [shown] = problem_groups(problems, A)
    assert [p["cell"] for p in shown["problems"]] == ["A3", "B3", "C3"]
    assert [p["column"] for p in shown["problems"]] == ["职务", "政治面貌", "手机"]


def test_cell_columns_read_sheet_prefixed_and_wide_cells():
    assert [cell_column(c) for c in (None, "", "A1", "C7", "Z9", "AA12", "3月!D12", "2024年3月!AB3")] == \
        [0, 0, 1, 3, 26, 27, 4, 28]
    a = Problem("x", ERROR, "f.csv", "", "", row=2, field="z_last", cell="A2")
    b = Problem("y", ERROR, "f.csv", "", "", row=2, field="a_first", cell="AA2")
    whole_row = Problem("w", ERROR, "f.csv", "", "", row=2)
    assert sorted([b, a, whole_row], key=Problem.sort_key) == [whole_row, a, b]
