"""A committee roster as clerks keep it in Excel: a title row above the header, their own column
titles (姓 名, 手机号码, 工作职责), and columns Juwu does not publish (身份证号, 家庭住址) — read into
the schema's fields, every problem naming the sheet's own cell, personal data refused or masked."""

from __future__ import annotations

import io

import openpyxl
import pytest

from generator.gather import validate_city
from tests.cityfixture import A, city, small_city  # noqa: F401 - fixtures

ID = "11010119500101123X"  # a valid check digit (X)


def _roster(rows: list[list[str]]) -> bytes:
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["某某社区居务监督委员会成员名单"])
    ws.merge_cells("A1:I1")
    ws.append(["姓 名", "职务", "性别", "政治面貌", "是否退休", "工作职责", "身份证号", "家庭住址", "手机号码"])
    for r in rows:
        ws.append(r)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture
def roster_city(city):  # noqa: F811
    members = city / "communities" / A / "members.csv"
    import csv

    kept = list(csv.DictReader(io.StringIO(members.read_text("utf-8"))))
    rows = [[m["name"], m["role"], m["gender"], m["political_status"], m["retired"], "负责财务监督",
             ID if i == 1 else "", "幸福路12号3单元201室" if i == 2 else "", m["mobile"]] for i, m in enumerate(kept)]
    members.unlink()
    (members.with_suffix(".xlsx")).write_bytes(_roster(rows))
    return city, kept


def test_a_roster_with_a_title_row_and_the_clerks_own_titles_is_read(roster_city):
    data, kept = roster_city
    result = validate_city(data, {A})
    community = next(c for c in result.city.communities if c.code == A)
    assert [m.name for m in community.members] == [m["name"] for m in kept]
    assert [m.mobile for m in community.members] == [m["mobile"] or None for m in kept]
    assert {m.duties for m in community.members} == {"负责财务监督"}


def test_problems_in_a_roster_name_the_cells_below_its_title_row(roster_city):
    data, _ = roster_city
    problems = [p for p in validate_city(data, {A}).problems.items if p.file.endswith("members.xlsx")]
    unknown = {p.field: p.cell for p in problems if p.code == "unknown-column"}
    assert unknown == {"身份证号": "G2", "家庭住址": "H2"}  # the header is row 2, under the title
    [id_number] = [p for p in problems if p.code == "id-number"]
    assert (id_number.severity, id_number.row, id_number.cell) == ("error", 4, "G4")
    assert ID not in (id_number.value or "") and id_number.value.endswith("123X")
    [address] = [p for p in problems if p.code == "home-address"]
    assert address.cell == "H5"
