"""Committee composition: size, one chair, a party-member chair, the term, who elected it."""

from __future__ import annotations

from tests.cityfixture import (  # noqa: F401 - fixtures
    A, B, baseline, city, flat, member_file, of_code, problems, read_table, set_cell, set_yaml, small_city, write_table,
)


def test_small_city_is_valid(baseline):
    assert [p for p in baseline if p[0] != "rollout-overdue"] == []


def test_size_three_passes_two_fails(city):
    path = city / member_file(B)
    header, rows = read_table(path)
    chair = [r for r in rows if r[1] == "主任"]
    others = [r for r in rows if r[1] != "主任"]
    write_table(path, header, chair + others[:2])  # 3 members: the minimum
    assert not of_code(city, "committee-size")
    write_table(path, header, chair + others[:1])
    assert ("committee-size", member_file(B), None, None) in flat(city)


def test_six_members_fail(city):
    path = city / member_file(A)
    header, rows = read_table(path)
    extra = list(rows[1])
    extra[0] = "新成员"
    write_table(path, header, rows + [extra])
    [p] = of_code(city, "committee-size")
    assert p.value == "6" and p.community == A and "3–5" in p.zh


def test_two_chairs_and_no_chair(city):
    path = city / member_file(A)
    line = set_cell(path, 2, "role", "主任")
    assert ("committee-chair", member_file(A), line, "role") in flat(city)
    [p] = of_code(city, "committee-chair")
    assert p.cell == f"B{line}"
    set_cell(path, 0, "role", "委员")
    set_cell(path, 2, "role", "委员")
    assert ("committee-chair", member_file(A), None, "role") in flat(city)


def test_chair_not_party_member_is_a_finding(city):
    line = set_cell(city / member_file(A), 0, "political_status", "群众")
    problems = of_code(city, "chair-not-party-member")
    assert [(p.file, p.row, p.field, p.severity) for p in problems] == [(member_file(A), line, "political_status", "finding")]
    set_cell(city / member_file(A), 0, "political_status", "中共预备党员")
    assert not of_code(city, "chair-not-party-member")


def test_term_end_must_equal_the_residents_committees(city):
    path = city / "communities" / A / "committee.yaml"
    line = set_yaml(path, "term_end", "2026-06-08")
    assert ("committee-term-end", f"communities/{A}/committee.yaml", line, "term_end") in flat(city)
    set_yaml(path, "term_end", "2026-06-07")
    assert not of_code(city, "committee-term-end")


def test_term_start_not_before_election_nor_rc_term(city):
    path = city / "communities" / A / "committee.yaml"
    elected = next(l.split('"')[1] for l in path.read_text("utf-8").splitlines() if l.startswith("elected_on"))
    line = set_yaml(path, "term_start", "2021-06-08")  # the RC's start, but before this mid-term election
    [p] = of_code(city, "committee-term-start")
    assert (p.file, p.row, p.field) == (f"communities/{A}/committee.yaml", line, "term_start")
    assert elected in p.en
    set_yaml(path, "term_start", elected)
    assert not of_code(city, "committee-term-start")
    set_yaml(path, "elected_on", "2021-05-01")
    set_yaml(path, "term_start", "2021-05-01")  # before the residents' committee's term
    assert "before the residents' committee's term" in of_code(city, "committee-term-start")[0].en


def test_missing_rc_term_is_a_warning(city):
    line = set_cell(city / "communities.csv", 0, "rc_term_end", "")
    assert ("rc-term-missing", "communities.csv", line, "rc_term_end") in flat(city)
    assert all(p.severity == "warning" for p in of_code(city, "rc-term-missing"))


def test_elected_by_a_meeting(city):
    path = city / "communities" / A / "committee.yaml"
    set_yaml(path, "elected_by", "居民代表会议")
    assert not of_code(city, "constraint-enum")
    line = set_yaml(path, "elected_by", "街道任命")
    # The schema's enum is the rule: it names the key and the two allowed meetings.
    found = [p for p in problems(city) if p.file == f"communities/{A}/committee.yaml" and p.field == "elected_by"]
    assert [(p.code, p.row) for p in found] == [("constraint-enum", line)]
    assert "居民会议" in found[0].hint_zh and "居民代表会议" in found[0].hint_zh
