"""Avoidance (回避): members checked against officials.csv, naming both people."""

from __future__ import annotations

from tests.cityfixture import (  # noqa: F401 - fixtures
    A, B, city, flat, member_file, of_code, read_table, set_cell, small_city, write_table,
)


def _officials(city, code=A):
    return city / "communities" / code / "officials.csv"


def _add_official(city, row: list[str], code=A) -> int:
    header, rows = read_table(_officials(city, code))
    write_table(_officials(city, code), header, rows + [row])
    return len(rows) + 2


def test_member_on_the_residents_committee(city):
    header, members = read_table(city / member_file(A))
    name = members[1][0]
    official_line = _add_official(city, [name, "居民委员会", "委员", "", ""])
    [p] = of_code(city, "avoidance")
    assert (p.code, p.file, p.row, p.field) == ("avoidance", member_file(A), 3, "name")
    assert name in p.zh and "居民委员会" in p.zh and f"第 {official_line} 行" in p.zh
    assert p.cell == "A3" and p.severity == "finding"


def test_declared_relative_names_both_people(city):
    header, members = read_table(city / member_file(A))
    relative = members[2][0]
    _add_official(city, ["钱大山", "社区党组织", "党委副书记", relative, "配偶"])
    [p] = of_code(city, "avoidance")
    assert p.row == 4 and relative in p.zh and "钱大山" in p.zh and "配偶" in p.zh
    assert "钱大山" in p.en and "spouse" not in p.en  # the relation stays as written, in Chinese


def test_finance_staff_member(city):
    header, members = read_table(city / member_file(B))
    _add_official(city, [members[3][0], "社区财务人员", "出纳", "", ""], code=B)
    assert ("avoidance", member_file(B), 5, "name") in flat(city)


def test_chair_may_sit_on_the_party_organisation_but_not_the_residents_committee(city):
    header, members = read_table(city / member_file(A))
    chair = next(m[0] for m in members if m[1] == "主任")
    _add_official(city, [chair, "社区党组织", "委员", "", ""])
    assert not of_code(city, "avoidance")  # the plan's one exception
    _add_official(city, [chair, "居民委员会", "委员", "", ""])
    [p] = of_code(city, "avoidance")
    assert p.value == chair and "居民委员会" in p.zh and "社区党组织" not in p.zh


def test_a_party_post_written_on_a_member_is_a_warning(city):
    line = set_cell(city / member_file(A), 1, "concurrent_post", "社区党委委员")
    assert ("avoidance-post", member_file(A), line, "concurrent_post") in flat(city)
    set_cell(city / member_file(A), 1, "concurrent_post", "退休教师")
    assert not of_code(city, "avoidance-post")
