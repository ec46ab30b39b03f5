"""An empty cell is said in words (空 / empty), never as Python's `None` (issue 17).

frictionless reports a missing cell as the text "None"; generator/validate/schema.py must read the
cell from what it submitted, so no message, hint or value ever carries that text.
"""

from __future__ import annotations

from types import SimpleNamespace

from generator.gather import validate_city
from generator.validate.tablecheck import from_frictionless as _from_frictionless
from tests.conftest import community_with_committee

PERIOD = "2024-01"


def _texts(problem) -> str:
    return " ".join(x for x in (problem.zh, problem.en, problem.hint_zh, problem.hint_en, problem.value) if x)


def test_an_empty_required_cell_is_never_called_none(data_copy):
    code = community_with_committee(data_copy)
    ledger = data_copy / "communities" / code / "finance" / f"{PERIOD}.csv"
    lines = ledger.read_text(encoding="utf-8").splitlines()
    lines.append("2024-01-30,,办公用品,打印纸,,10.00,办公经费,")  # voucher (B) and handled_by (H) empty
    ledger.write_text("\n".join(lines) + "\n", encoding="utf-8")
    row = len(lines)

    problems = [p for p in validate_city(data_copy, {code}).problems.items if p.file == ledger.relative_to(
        data_copy).as_posix()]
    required = {p.cell: p for p in problems if p.code == "constraint-required"}
    assert set(required) == {f"B{row}", f"H{row}"}
    assert required[f"B{row}"].zh == "“凭证号”不能为空"
    assert required[f"B{row}"].value is None  # the upload page then shows no “内容：None”
    leaking = [_texts(p) for p in problems if "None" in _texts(p)]
    assert leaking == []


def _error(field: str, cell: str, note: str, type_: str = "constraint-error"):
    return SimpleNamespace(type=type_, field_name=field, cell=cell, note=note, title="Constraint Error")


class _FakeSource:
    """Just enough of a loaded table for _from_frictionless: a file, a community, cells by column."""

    file = "communities/319901001002/members.csv"
    community = "319901001002"
    table = None
    kind = "members"

    def where(self, index, column):
        return index + 2, None


def test_a_missing_cell_is_empty_in_every_message_built_from_frictionless():
    # An enum check on a cell that was submitted empty: frictionless says "None", the clerk sees 空.
    problem = _from_frictionless("members", _FakeSource(), 3, _error("role", "None",
                                 'constraint "enum" is "[\'主任\', \'委员\']"'), {}, (), {"role": None})
    assert problem.value is None
    assert "“空”" in problem.zh and "'empty'" in problem.en
    assert "None" not in problem.zh + problem.en

    # A note quoting an empty cell, outside the known constraints, is said in words too.
    other = _from_frictionless("members", _FakeSource(), 3, _error(
        "role", "None", 'cells composing the keys are all "None"', type_="row-error"),
        {}, (), {"role": None})
    assert "None" not in other.zh + other.en and "空" in other.zh and "empty" in other.en


def test_a_clerk_who_typed_none_sees_what_they_typed():
    # The text None in a cell is the clerk's own: it is shown, not hidden as if the cell were empty.
    problem = _from_frictionless("members", _FakeSource(), 3, _error(
        "role", "None", 'constraint "enum" is "[\'主任\', \'委员\']"'), {}, (), {"role": "None"})
    assert problem.value == "None"
    assert "“None”不在可选范围内" in problem.zh
