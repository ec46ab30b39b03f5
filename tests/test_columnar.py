"""The columnar schema check (generator/validate/columnar.py) against frictionless, its reference.

Both checkers run on the same batches, of the demo city and of many random damaged tables and
YAML records, and must give the same typed rows and the same problems, in the same order, field
for field (code, file, row, field, cell, value, both messages and hints).
"""

from __future__ import annotations

import dataclasses
import os
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from generator import tableschemas
from generator.load import load_city
from generator.load.sources import Source
from generator.load.tables import Table
from generator.load.yamlfile import Scalar
from generator.problems import Problems
from generator.validate import columnar, schema

ROOT = Path(__file__).resolve().parent.parent


def both(kind: str, sources: list[Source]):
    """(rows, problems) of the reference and of the columnar check."""
    results = []
    for check in (schema._check_kind, columnar.check_kind):
        problems = Problems()
        rows = check(kind, sources, problems)
        results.append(([(r.source.file, r.index, r.values) for r in rows],
                        [dataclasses.asdict(p) for p in problems.items]))
    return results


def assert_same(kind: str, sources: list[Source]) -> list[dict]:
    (rows_ref, problems_ref), (rows_col, problems_col) = both(kind, sources)
    assert problems_col == problems_ref
    assert rows_col == rows_ref
    # Typed the same way, not only equal: a Decimal stays a Decimal, a date a date.
    assert [[type(v) for v in r[2].values()] for r in rows_col] == [[type(v) for v in r[2].values()] for r in rows_ref]
    return problems_ref


@pytest.fixture(scope="module")
def demo_sources():
    loaded, _ = load_city(ROOT / "data", None)
    return loaded


def test_demo_city_same_rows_and_problems(demo_sources):
    """frictionless runs in full on the demo city here, every batch."""
    batches = schema._batches(demo_sources.sources)
    assert {kind for kind, _ in batches} >= {"ledger_lines", "ledger_period", "members", "communities"}
    for kind, sources in batches:
        assert_same(kind, sources)


def test_demo_city_damaged_same_problems(demo_sources):
    """The demo city's ledgers with a cell of each kind broken: many problems, all the same."""
    sources = [s for s in demo_sources.sources if s.kind == "ledger_lines"]
    damaged = []
    breakers = ["", "abc", "-5", "１２３．５", "2024-13-40", "x" * 201, "\u200b", "¥1,234.50"]
    for n, source in enumerate(sources):
        rows = [list(r) for r in source.table.rows]
        for i, row in enumerate(rows):
            if (n * 7 + i) % 3 == 0:
                row[(n + 2 * i) % len(row)] = breakers[(n * 3 + i) % len(breakers)]
        if n % 3 == 0 and len(rows) > 2:
            rows[2][source.table.header.index("voucher")] = rows[1][source.table.header.index("voucher")]
        table = Table(list(source.table.header), rows, list(source.table.lines), "utf-8")
        damaged.append(dataclasses.replace(source, table=table))
    problems = assert_same("ledger_lines", damaged)
    codes = {p["code"] for p in problems}
    assert {"constraint-required", "constraint-minimum", "constraint-maxLength", "duplicate-key"} <= codes


def test_default_check_is_columnar(monkeypatch, demo_sources):
    """check_schemas uses the columnar check unless JUWU_SCHEMA_CHECK=frictionless."""
    calls = []
    monkeypatch.setattr(columnar, "check_kind", lambda *a: calls.append(a[0]) or [])
    schema.check_schemas(demo_sources, processes=1)
    assert calls
    calls.clear()
    monkeypatch.setenv("JUWU_SCHEMA_CHECK", "frictionless")
    schema.check_schemas(demo_sources, processes=1)
    assert not calls


@pytest.mark.parametrize("kind", tableschemas.KINDS)
def test_compiled_without_frictionless_as_frictionless_reads(kind):
    """The checks compiled from the descriptor equal those compiled from frictionless's fields, and
    their readers read sample cells alike (the cells a clerk may write, typed and not)."""
    from datetime import date, datetime

    own, by_frictionless = columnar._own(kind), columnar._frictionless(kind)
    assert own is not None  # every shipped schema is read without importing frictionless
    (fields, key, missing), (f_fields, f_key, f_missing) = own, by_frictionless
    assert (key, missing) == (f_key, f_missing)
    assert [(f.name, f.exact, f.type_note) for f in fields] == [(f.name, f.exact, f.type_note) for f in f_fields]
    for mine, theirs in zip(fields, f_fields):
        assert [(n, str(v) if n == "pattern" else v, note) for n, v, note in mine.checks] == \
            [(n, str(v) if n == "pattern" else v, note) for n, v, note in theirs.checks]
        for cell in [*(_values(kind, mine.name) if mine.name != "_file" else []), 7, 7.0, 7.5, True, False,
                     Decimal("3"), Decimal("3.5"), date(2024, 5, 1), datetime(2024, 5, 1), datetime(2024, 5, 1, 8),
                     ["a"], ("a",), "[1]", '"x"', None, object]:
            assert _same(mine.reader(cell), theirs.reader(cell)), (mine.name, cell)


def _same(a, b) -> bool:
    return type(a) is type(b) and (a == b or str(a) == str(b) == "NaN")  # NaN is not equal to itself


def test_schema_check_does_not_import_frictionless():
    """A process that checks data with the columnar check never pays for importing frictionless."""
    import subprocess
    import sys

    code = ("import sys; from pathlib import Path; from generator.gather import validate_city; "
            "validate_city(Path('data'), processes=1); print('frictionless' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "False"


def test_a_column_check_that_stops_early_is_a_failure(monkeypatch, demo_sources):
    """Rows lost inside the columnar check (a column cut short) are an error, never a pass."""
    real = columnar._read_column

    def short(field, column, missing):
        values, found = real(field, column, missing)
        return values[:3], found

    monkeypatch.setattr(columnar, "_read_column", short)
    sources = [s for s in demo_sources.sources if s.kind == "ledger_lines"][:2]
    problems = Problems()
    rows = columnar.check_kind("ledger_lines", sources, problems)
    assert len(rows) == 3
    assert [(p.code, p.severity) for p in problems.items] == [("validation-incomplete", "error")]


# --- random damaged tables ---------------------------------------------------------------------

_COMMON = ["", " ", "\u3000", "\u200b", "\ufeff", "None", "null", "abc", "是", "否", "true", "0", "-1", "3.5",
           "+7", " 12 ", "１２", "12.0", "1e3", "NaN", "inf", "2024-05-01", "2024年5月1日", "2024/5/1", "2024-02-30",
           "2024-13", "2024-05", "319901001001", "31990100100", "13812345678", "0571-8888888", "¥1,234.50",
           "1，234", "（100）", "-0", "0.001", "x" * 21, "测" * 41, "委员", "主任", "男", "群众", "居务公开、民主理财",
           "a,b", "=1+2", "<b>x</b>"]


def _values(kind: str, name: str) -> list[str]:
    f = tableschemas.fields(kind)[name]
    constraints = f.get("constraints", {})
    extra = [str(v) for v in constraints.get("enum", [])]
    for bound in ("minimum", "maximum"):
        if bound in constraints:
            b = constraints[bound]
            extra += [str(b), str(b - 1), str(b + 1)]
    if "maxLength" in constraints:
        n = constraints["maxLength"]
        extra += ["字" * n, "字" * (n + 1), "a" * n + " "]
    extra += [str(v) for v in f.get("trueValues", []) + f.get("falseValues", [])]
    return _COMMON + extra


@st.composite
def tables(draw):
    kind = draw(st.sampled_from(tableschemas.KINDS))
    fields = tableschemas.fields(kind)
    names = list(fields)
    sources = []
    for number in range(draw(st.integers(1, 3))):
        if draw(st.integers(0, 4)) == 0:  # a YAML record, as a period header or a report's front matter
            keys = draw(st.lists(st.sampled_from(names + ["unknown_key"]), unique=True, max_size=len(names) + 1))
            record = {}
            for line, key in enumerate(keys, start=2):
                value = draw(st.sampled_from(_values(kind, key) if key in fields else _COMMON))
                record[key] = [Scalar(value, line)] if draw(st.integers(0, 9)) == 0 else Scalar(value, line)
            sources.append(Source(kind, f"c/{number}.yaml", "319901001001", record=record))
            continue
        spellings = {n: [n, fields[n].get("title", n), *fields[n].get("aliases", [])[:1]] for n in names}
        header = [draw(st.sampled_from(spellings[n])) for n in names if draw(st.integers(0, 9)) > 0]
        if draw(st.integers(0, 5)) == 0:
            header.insert(draw(st.integers(0, len(header))), draw(st.sampled_from(["", "备注栏", "Voucher", "vouche"])))
        if header and draw(st.integers(0, 12)) == 0:
            header.append(header[0])  # a repeated column
        header = draw(st.permutations(header))
        rows = []
        for _ in range(draw(st.integers(0, 8))):
            row = [draw(st.sampled_from(_values(kind, tableschemas.header_aliases(kind).get(c, names[0]))))
                   for c in header]
            if row and draw(st.integers(0, 6)) == 0:
                row = row[:draw(st.integers(0, len(row)))]  # a short row
            if draw(st.integers(0, 8)) == 0:
                row = row + [draw(st.sampled_from(["", "x", " "]))]  # an extra cell
            rows.append(row)
        if len(rows) > 1 and draw(st.booleans()):
            rows.append(list(rows[draw(st.integers(0, len(rows) - 1))]))  # a repeated row (its key too)
        table = Table(list(header), rows, [i + 2 for i in range(len(rows))], "utf-8")
        sources.append(Source(kind, f"c/{number}.csv", "319901001001", table=table))
    return kind, sources


@settings(max_examples=int(os.environ.get("COLUMNAR_EXAMPLES", 200)), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(tables())
def test_random_damaged_tables_same_problems(case):
    kind, sources = case
    assert_same(kind, sources)


def test_fixed_damaged_ledger():
    """A hand-made damaged ledger: each problem where the reference puts it, the same in both."""
    header = ["日期", "凭证号", "类别", "摘要", "收入", "支出", "经办人", "备注栏"]
    rows = [["2024-05-01", "A1", "办公", "纸", "abc", "", "张三", ""],
            ["2024-05-40", "A1", "", "x" * 201, "-3", "1", "张三", ""],
            ["2024-05-02", "A2", "办公", "\u200b", "1", "2", "张三", "", "多"]]
    table = Table(header, rows, [2, 3, 4], "utf-8")
    problems = assert_same("ledger_lines", [Source("ledger_lines", "c/2024-05.csv", "319901001001", table=table)])
    assert [(p["code"], p["row"], p["cell"]) for p in problems] == [
        ("unknown-column", 1, "H1"), ("amount-format", 2, "E2"), ("date-no-such-day", 3, "A3"), ("extra-cells", 4, "I4"),
        ("constraint-required", 3, "C3"), ("constraint-maxLength", 3, "D3"), ("constraint-minimum", 3, "E3"),
        ("duplicate-key", 3, "B3"), ("constraint-required", 4, "D4")]
    assert "第 2 行" in problems[7]["zh"]


def test_fixed_damaged_integers_enums_patterns():
    """Type errors come from frictionless's own readers (integers, booleans); enums, patterns, bounds."""
    header = ["community", "phase", "completed_on"]
    rows = [["31990100100", "3.5", "2024-05-01"], ["319901001001", "8", "2024-05-01"],
            ["319901001001", "", ""], ["319901001001", "2", "2024-05-01"], ["319901001001", "2", "2024-05-01"]]
    table = Table(header, rows, [2, 3, 4, 5, 6], "utf-8")
    problems = assert_same("rollout", [Source("rollout", "rollout.csv", None, table=table)])
    found = [(p["code"], p["row"], p["field"]) for p in problems]
    assert ("constraint-pattern", 2, "community") in found
    assert ("type", 2, "phase") in found
    assert ("constraint-maximum", 3, "phase") in found
    assert ("constraint-required", 4, "phase") in found
    assert ("duplicate-key", 6, "phase") in found
    evaluations = Table(["year", "held_on", "evaluated", "reps_expected", "reps_present", "ballots_valid"],
                        [["二〇二四", "2024-01-05", "张三", "-1", "x", "12"]], [2], "utf-8")
    problems = assert_same("evaluations", [Source("evaluations", "c/e.csv", "319901001001", table=evaluations)])
    assert {(p["code"], p["field"]) for p in problems} >= {("type", "reps_present"), ("constraint-minimum", "reps_expected")}
