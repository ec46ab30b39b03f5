"""Reports: grouped text with counts, JSON for machines, and the printable HTML to-do list."""

from __future__ import annotations

import json
import re
import subprocess
import sys

from generator.problems import ERROR, WARNING, Problem
from generator.validate.report import as_html, as_json, as_text

LEDGER = "communities/319901001001/finance/2024-02.csv"


def _type_errors(n: int) -> list[Problem]:
    return [Problem("type", ERROR, LEDGER, "“收入”的值“abc”不是有效的金额", "income: 'abc' is not a valid number",
                    row=i + 2, field="income", value="abc", cell=f"E{i + 2}", hint_zh="请填写数字", hint_en="write a number")
            for i in range(n)]


def test_repeated_problem_is_one_line_with_a_count_and_the_first_rows():
    text = as_text(_type_errors(5000), "zh")
    lines = text.splitlines()
    assert len(lines) == 4  # file, the group, its hint, the summary
    assert lines[0] == LEDGER
    assert "共 5000 处" in lines[1] and "第2行 E2、第3行 E3、第4行 E4、第5行 E5、第6行 E6" in lines[1]
    assert "第7行" not in lines[1] and "“收入”（income）" in lines[1]
    assert lines[2].strip() == "→ 请填写数字"
    assert lines[3] == "5000 个错误，0 个发现问题（照常公开），0 个提醒；改正错误后才能发布"


def test_different_messages_of_one_rule_list_the_first_and_say_how_many_more():
    problems = [Problem("rollout-overdue", WARNING, "rollout.csv", f"社区{i}逾期", f"community {i} overdue",
                        community=f"31990100100{i}") for i in range(8)]
    text = as_text(problems, "en")
    assert "warning [rollout-overdue] 8 in all: a phase past its deadline and not done (overdue)" in text
    assert "community 4 overdue" in text and "community 5 overdue" not in text and "3 more" in text
    assert text.endswith("0 errors, 0 findings (published), 8 warnings; ready to publish")


def test_grouped_by_file_then_rule_errors_first():
    problems = sorted([
        Problem("six-unifications", WARNING, "b.yaml", "w", "w", row=3, field="x"),
        Problem("ledger-unbalanced", ERROR, "b.yaml", "e", "e", row=9, field="closing_balance"),
        Problem("type", ERROR, "a.csv", "t", "t", row=2, field="date", cell="A2"),
    ], key=Problem.sort_key)
    lines = as_text(problems, "en").splitlines()
    assert [l for l in lines if not l.startswith(" ")] == ["a.csv", "b.yaml", "2 errors, 0 findings (published), 1 warnings; fix the errors to publish"]
    assert lines.index("b.yaml") < next(i for i, l in enumerate(lines) if "[ledger-unbalanced]" in l) < next(
        i for i, l in enumerate(lines) if "[six-unifications]" in l)


def test_colour_only_when_asked():
    assert "\033[31m" in as_text(_type_errors(1), "zh", colour=True)
    assert "\033[" not in as_text(_type_errors(1), "zh", colour=False)


def test_json_carries_every_problem_and_the_verdict():
    report = json.loads(as_json(_type_errors(3) + [Problem("x", WARNING, "f", "提醒", "warn")], "en"))
    assert (report["ok"], report["errors"], report["warnings"], len(report["problems"])) == (False, 3, 1, 4)
    first = report["problems"][0]
    assert (first["file"], first["row"], first["field"], first["cell"], first["message"], first["hint"]) == (
        LEDGER, 2, "income", "E2", "income: 'abc' is not a valid number", "write a number")


def test_html_is_a_self_contained_escaped_to_do_list():
    evil = Problem("type", ERROR, "communities/x/<b>.csv", "值“<script>alert(1)</script>”无效", "bad <script>",
                   row=7, field="summary", value="<img src=x onerror=alert(1)>", cell="D7",
                   hint_zh="改为 <i>文字</i>", hint_en="fix")
    page = as_html([evil], "zh", digest="abcdef0123456789", data_name="data")
    assert page.startswith("<!DOCTYPE html>") and '<html lang="zh-CN">' in page
    assert "<script" not in page and "<img" not in page and "&lt;script&gt;" in page
    assert not re.search(r"<[^>]*\b(src|href)=|<link|@import|url\(", page)  # nothing fetched from elsewhere
    assert "整改清单" in page and "第7行 D7" in page and "“摘要”（summary）" in page and "改为 &lt;i&gt;文字&lt;/i&gt;" in page
    assert "☐" in page and "abcdef012345" in page and "1 个错误" in page


def test_html_in_english_and_long_groups_summarised():
    page = as_html(_type_errors(100), "en")
    assert '<html lang="en">' in page and "How to fix" in page and "row 31 E31" in page
    assert "row 32 E32" not in page and "70 more problems like these ([type])" in page


def test_html_without_problems_says_so():
    assert "没有发现问题" in as_html([], "zh") and "No problems found." in as_html([], "en")


def test_cli_writes_the_html_report_and_keeps_the_exit_code(data_copy, tmp_path):
    members = next((data_copy / "communities").iterdir()) / "members.csv"
    members.write_text(members.read_text("utf-8").replace("主任", "组长", 1), "utf-8")
    out = tmp_path / "整改清单.html"
    result = subprocess.run([sys.executable, "-m", "generator", "validate", str(data_copy), "--format", "html",
                             "--output", str(out)], capture_output=True, text=True, timeout=300)
    assert result.returncode == 1 and result.stdout == ""
    assert "个错误" in result.stderr and str(out) in result.stderr
    page = out.read_text("utf-8")
    assert "members.csv" in page and "组长" in page and "不在可选范围内" in page
    english = subprocess.run([sys.executable, "-m", "generator", "validate", str(data_copy), "--format", "html",
                              "--lang", "en"], capture_output=True, text=True, timeout=300)
    assert english.returncode == 1 and "not one of the allowed values" in english.stdout
