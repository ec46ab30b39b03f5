"""Inspections and elections (issue 18), rule by rule, on hand-written rows in a copy of a small city."""

from __future__ import annotations

from tests.cityfixture import A, city, of_code, problems, small_city, write_table  # noqa: F401 - fixtures

INSPECTIONS = f"communities/{A}/inspections.csv"
I_HEADER = ["inspection", "kind", "inspected_on", "group", "item", "result", "score", "problem", "rectify_by",
            "rectified_on", "rectification"]
GROUP = "示例区居务监督工作检查组"
RECT = f"communities/{A}/rectifications.csv"
RECT_HEADER = ["id", "found_on", "report", "problem", "responsible", "due", "status", "closed_on", "action", "closed_by"]
ELECTIONS = f"communities/{A}/elections.csv"
E_HEADER = ["held_on", "meeting", "expected", "present", "candidate", "votes", "elected", "role", "published_on"]


def _inspections(city, *rows):
    write_table(city / INSPECTIONS, I_HEADER, [list(r) for r in rows])


def _row(item, result="合格", score="", problem="", by="", done="", link="", *, id="2024-督查", kind="年中督查",
         on="2024-06-20", group=GROUP):
    return [id, kind, on, group, item, result, score, problem, by, done, link]


def test_a_clean_inspection_has_no_problems(city):
    _inspections(city, _row("组织建设"), _row("六统一", "", "85"), _row("总评", "合格", "88"))
    assert not [p for p in problems(city) if p.code.startswith("inspection-")]


def test_an_unrectified_inspection_problem_is_an_open_finding_and_a_late_one_a_closed_finding(city):
    _inspections(city, _row("财务公开", "不合格", "", "未按月公开财务", "2024-07-20"),
                 _row("台账", "基本合格", "", "例会记录不全", "2024-07-20", "2024-08-05"),
                 _row("制度", "基本合格", "", "制度未上墙", "2024-07-20", "2024-07-10"))
    found = sorted(of_code(city, "inspection-unrectified"), key=lambda p: p.row)
    assert [(p.row, p.field, p.severity, p.due, p.closed) for p in found] == [
        (2, "rectify_by", "finding", "2024-07-20", None), (3, "rectify_by", "finding", "2024-07-20", "2024-08-05")]
    assert found[0].since == "2024-07-21" and "未按月公开财务" in found[0].zh and found[0].community == A


def test_a_problem_followed_in_the_rectification_list_is_left_to_the_rectification_loop(city):
    write_table(city / RECT, RECT_HEADER, [["R1", "2024-06-20", "", "未按月公开财务", "社区居民委员会", "2024-07-20",
                                            "整改中", "", "", ""]])
    _inspections(city, _row("财务公开", "不合格", "", "未按月公开财务", "2024-07-20", "", "R1"))
    assert not of_code(city, "inspection-unrectified")
    [p] = of_code(city, "rectification-overdue")
    assert p.due == "2024-07-20" and p.closed is None


def test_a_link_to_no_rectification_is_an_error_and_a_later_deadline_a_warning(city):
    write_table(city / RECT, RECT_HEADER, [["R1", "2024-06-20", "", "x", "社区居民委员会", "2024-09-30", "已整改",
                                            "2024-09-01", "done", ""]])
    _inspections(city, _row("财务公开", "不合格", "", "未公开", "2024-07-20", "", "R9"),
                 _row("台账", "不合格", "", "不全", "2024-07-20", "", "R1"))
    [err] = of_code(city, "inspection-rectification")
    assert (err.row, err.field, err.severity, err.value) == (2, "rectification", "error", "R9")
    [warn] = of_code(city, "inspection-due-later")
    assert (warn.row, warn.severity) == (3, "warning")


def test_a_failed_item_must_say_what_was_found_and_by_when(city):
    _inspections(city, _row("财务公开", "不合格"), _row("台账", "基本合格", "", "不全"),
                 _row("制度", "", "45", "制度缺失", "2099-01-01"))
    found = sorted(of_code(city, "inspection-problem"), key=lambda p: p.row)
    assert [(p.row, p.field) for p in found] == [(2, "problem"), (3, "rectify_by")]


def test_a_score_below_the_citys_pass_mark_fails(city):
    _inspections(city, _row("制度", "", "59"))
    [p] = of_code(city, "inspection-problem")  # 59 < 60: failed, so a problem must be stated
    assert p.row == 2
    text = (city / "city.yaml").read_text(encoding="utf-8")
    (city / "city.yaml").write_text(text.replace("working_system:\n", "working_system:\n  inspection_pass_score: 50\n"),
                                    encoding="utf-8")
    assert not of_code(city, "inspection-problem")


def test_an_item_without_result_or_score_and_a_person_as_group(city):
    _inspections(city, _row("制度", "", group="张建国"), _row("台账", group="张建国"))
    [p] = of_code(city, "inspection-result")
    assert (p.row, p.field) == (2, "result")
    [g] = of_code(city, "inspection-group")
    assert (g.row, g.field, g.severity) == (2, "group", "error")


def test_rows_of_one_inspection_agree(city):
    _inspections(city, _row("制度"), _row("台账", on="2024-06-21"))
    [p] = of_code(city, "inspection-consistent")
    assert (p.row, p.field) == (3, "inspected_on")


# --- elections ---------------------------------------------------------------------------------------

def _elections(city, *rows):
    write_table(city / ELECTIONS, E_HEADER, [list(r) for r in rows])


def _cand(name, votes="40", elected="是", role="委员", *, on="2024-03-04", meeting="居民代表会议", expected="50",
          present="45", published="2024-03-08"):
    return [on, meeting, expected, present, name, votes, elected, role, published]


def test_a_clean_election_has_no_problems(city):
    _elections(city, _cand("王秀英", "44", role="主任"), _cand("李建华"), _cand("赵敏", "10", "否", ""))
    # (names not on the member list: only election-roster, tested below, says so)
    assert not [p for p in problems(city) if p.code.startswith("election-") and p.code != "election-roster"]


def test_votes_and_attendance_add_up(city):
    _elections(city, _cand("王秀英", "46", role="主任"), _cand("李建华", present="44"))
    found = sorted((p.row, p.field) for p in of_code(city, "election-counts"))
    assert found == [(2, "votes"), (3, "present")]
    _elections(city, _cand("王秀英", role="主任", present="51"))
    [p] = of_code(city, "election-counts")
    assert (p.field, p.value) == ("present", "51")


def test_roles_of_those_elected(city):
    _elections(city, _cand("王秀英", role="主任"), _cand("李建华", role="主任"), _cand("周", elected="是", role=""),
               _cand("赵敏", elected="否", role="委员"))
    assert sorted((p.row, p.field) for p in of_code(city, "election-role")) == [(3, "role"), (4, "role"), (5, "role")]


def test_a_meeting_without_a_quorum_is_a_finding(city):
    _elections(city, _cand("王秀英", "30", role="主任", present="33"))  # 33 / 50 < 2/3
    [p] = of_code(city, "election-quorum")
    assert (p.severity, p.field, p.community) == ("finding", "present", A)
    _elections(city, _cand("王秀英", "30", role="主任", present="34"))  # 34 / 50 ≥ 2/3
    assert not of_code(city, "election-quorum")
    _elections(city, _cand("王秀英", "25", role="主任", meeting="居民会议", present="25"))  # half is not more than half
    assert of_code(city, "election-quorum")


def test_an_election_published_after_the_working_days_is_a_closed_finding(city):
    # 2024-03-04 (Mon) + 20 working days = 2024-04-01; 04-02 is late.
    _elections(city, _cand("王秀英", role="主任", published="2024-04-01"))
    assert not of_code(city, "election-published-late")
    _elections(city, _cand("王秀英", role="主任", published="2024-04-02"))
    [p] = of_code(city, "election-published-late")
    assert (p.due, p.closed, p.severity) == ("2024-04-01", "2024-04-02", "finding")
    _elections(city, _cand("王秀英", role="主任", published="2024-03-01"))
    [p] = of_code(city, "election-counts")
    assert p.field == "published_on"


# --- registers: decisions and projects ------------------------------------------------------------------

DECISIONS = f"communities/{A}/decisions.csv"
PROJECTS = f"communities/{A}/projects.csv"


def test_a_decision_published_late_is_a_closed_finding_and_one_never_published_an_open_one(city):
    write_table(city / DECISIONS, ["decided_on", "meeting", "matter", "decision", "opinion", "published_on"],
                [["2024-03-01", "居民代表会议", "加装电梯", "同意", "", "2024-03-31"],
                 ["2024-03-01", "居民代表会议", "停车管理", "同意", "", "2024-04-01"],
                 ["2024-05-01", "居民代表会议", "绿化改造", "同意", "", ""]])
    found = sorted(of_code(city, "register-published-late"), key=lambda p: p.row)
    assert [(p.row, p.field, p.due, p.closed) for p in found] == [
        (3, "published_on", "2024-03-31", "2024-04-01"), (4, "published_on", "2024-05-31", None)]
    assert "绿化改造" in found[1].zh and found[1].severity == "finding"


def test_each_project_stage_is_published_and_never_before_it_happened(city):
    write_table(city / PROJECTS, ["project", "budget", "contractor", "stage", "stage_on", "check", "published_on"],
                [["雨污改造", "100000", "某公司", "决策", "2024-03-01", "", "2024-02-20"],
                 ["雨污改造", "", "", "施工", "2099-01-01", "", ""]])  # not yet due
    [p] = of_code(city, "register-dates")
    assert (p.row, p.field, p.severity) == (2, "published_on", "error")
    assert not of_code(city, "register-published-late")


def test_the_member_list_follows_the_latest_election_and_the_changes_since(city):
    import csv
    header, *members = list(csv.reader((city / f"communities/{A}/members.csv").open(encoding="utf-8")))
    names = [(r[header.index("name")], r[header.index("role")]) for r in members]
    _elections(city, *[_cand(n, "30", role=role) for n, role in names[:-1]], _cand("离任者", "30"))
    [p] = of_code(city, "election-roster")
    assert p.severity == "warning" and "离任者" in p.zh and names[-1][0] in p.zh
    write_table(city / f"communities/{A}/member_changes.csv",
                ["changed_on", "name", "change", "role_before", "role_after", "reason", "meeting", "published_on"],
                [["2024-05-01", "离任者", "辞职", "委员", "", "", "居民代表会议", "2024-05-06"],
                 ["2024-06-01", names[-1][0], "补选", "", "委员", "", "居民代表会议", "2024-06-06"]])
    assert not of_code(city, "election-roster")


# --- allowances.csv: pay, allowances and the committee's budget ------------------------------------

ALLOWANCES = f"communities/{A}/allowances.csv"
A_HEADER = ["year", "item", "name", "role", "standard", "paid", "period", "source", "published_on"]


def _roster(city):
    from tests.cityfixture import read_table

    header, rows = read_table(city / "communities" / A / "members.csv")
    chair = next(r[0] for r in rows if r[header.index("role")] == "主任")
    member = next(r[0] for r in rows if r[header.index("role")] == "委员")
    return chair, member


def _allowance_city(city, *rows, heads="8500.00"):
    """A's chair not retired, with the heads' basic pay recorded (so the floor is 5,950), and these rows."""
    from tests.cityfixture import read_table, set_cell, set_yaml

    header, members = read_table(city / "communities" / A / "members.csv")
    chair_index = next(i for i, r in enumerate(members) if r[header.index("role")] == "主任")
    set_cell(city / "communities" / A / "members.csv", chair_index, "retired", "否")
    committee = city / "communities" / A / "committee.yaml"
    text = committee.read_text(encoding="utf-8")
    if "chair_pay:" in text:
        text = text[:text.index("chair_pay:")] + "\n".join(
            line for line in text[text.index("chair_pay:"):].split("\n") if not line.startswith("  ")
            and not line.startswith("chair_pay:"))
    committee.write_text(text.rstrip("\n") + f'\nchair_pay:\n  monthly_pay: "6000.00"\n  heads_basic_pay: "{heads}"\n',
                         encoding="utf-8")
    set_yaml(committee, "chair_pay.monthly_pay", "6000.00")
    write_table(city / ALLOWANCES, A_HEADER, [list(r) for r in rows])


def _office_spent(city) -> str:
    """What A's 2024 ledgers spent from the 办公经费 fund."""
    from decimal import Decimal

    from generator.gather import validate_city

    model = validate_city(city).city
    a = next(c for c in model.communities if c.code == A)
    total = sum((line.expense for p in a.periods if p.key.startswith("2024") for line in p.lines
                 if line.funding_source == "办公经费" and line.expense), Decimal("0"))
    return f"{total:.2f}"


def _allowance_codes(city) -> list[tuple]:
    return [(p.code, p.severity, p.row, p.field) for p in problems(city)
            if p.code.startswith(("allowance-", "budget-")) and p.community == A]


def test_a_year_of_pay_allowances_and_budgets_that_fit_has_no_problems(city):
    chair, member = _roster(city)
    _allowance_city(city)
    spent = _office_spent(city)
    _allowance_city(city, ["2024", "主任报酬", chair, "主任", "6000", "72000", "2024年1—12月", "财政预算", "2025-01-10"],
                    ["2024", "成员补贴", member, "委员", "400", "4800", "2024年1—12月", "财政预算", "2025-01-10"],
                    ["2024", "工作经费", "", "", "45000", "41850", "2024年1—12月", "财政预算", "2025-01-10"],
                    ["2024", "办公经费", "", "", "90000", spent, "2024年1—12月", "街道拨付", "2025-01-10"])
    assert float(spent) > 0  # the ledger comparison was made, and agreed
    assert _allowance_codes(city) == []


def test_a_person_row_without_a_name_or_with_the_wrong_post_and_a_budget_row_with_a_name_are_errors(city):
    chair, member = _roster(city)
    _allowance_city(city, ["2024", "主任报酬", "", "主任", "6000", "72000", "", "", ""],
                    ["2024", "成员补贴", member, "主任", "400", "4800", "", "", ""],
                    ["2024", "工作经费", chair, "", "45000", "41850", "", "", ""])
    assert _allowance_codes(city) == [("allowance-row", "error", 2, "name"), ("allowance-row", "error", 3, "role"),
                                      ("allowance-row", "error", 4, "name")]


def test_a_chair_paid_below_the_floor_is_a_finding(city):
    chair, _ = _roster(city)
    _allowance_city(city, ["2023", "主任报酬", chair, "主任", "5900", "70800", "", "", ""],
                    ["2023", "工作经费", "", "", "40000", "30000", "", "", ""],
                    ["2024", "主任报酬", chair, "主任", "5950", "71400", "", "", ""],  # exactly 70 %: fine
                    ["2024", "工作经费", "", "", "40000", "30000", "", "", ""])
    found = [p for p in of_code(city, "allowance-chair-low") if p.community == A]
    assert [(p.row, p.field, p.severity, p.value) for p in found] == [(2, "standard", "finding", "5900.00")]
    assert "5,950.00" in found[0].zh and "2023年" in found[0].public_zh


def test_a_year_of_pay_without_a_work_budget_and_an_overspent_budget_are_findings(city):
    chair, _ = _roster(city)
    _allowance_city(city, ["2023", "主任报酬", chair, "主任", "6000", "72000", "", "", ""],
                    ["2024", "主任报酬", chair, "主任", "6000", "72000", "", "", ""],
                    ["2024", "工作经费", "", "", "40000", "43260", "", "", ""])
    assert _allowance_codes(city) == [("budget-missing", "finding", 2, "item"),
                                      ("budget-overspent", "finding", 4, "paid")]
    [over] = of_code(city, "budget-overspent")
    assert "43,260.00" in over.zh and "40,000.00" in over.zh


def test_office_spending_that_differs_from_the_ledgers_is_a_warning(city):
    _allowance_city(city)
    spent = _office_spent(city)
    other = f"{float(spent) + 100:.2f}"
    _allowance_city(city, ["2024", "工作经费", "", "", "45000", "41850", "", "", ""],
                    ["2024", "办公经费", "", "", "90000", other, "", "", ""])
    [p] = of_code(city, "budget-ledger-mismatch")
    assert (p.row, p.field, p.severity, p.value) == (3, "paid", "warning", other)
    assert f"{float(spent):,.2f}" in p.zh


def test_a_person_paid_who_never_sat_on_the_committee_is_a_warning(city):
    _allowance_city(city, ["2024", "成员补贴", "路人甲", "委员", "400", "4800", "", "", ""],
                    ["2024", "工作经费", "", "", "45000", "41850", "", "", ""])
    assert _allowance_codes(city) == [("allowance-not-member", "warning", 2, "name")]


def test_a_bank_card_number_in_allowances_is_refused(city):
    chair, _ = _roster(city)
    _allowance_city(city, ["2024", "主任报酬", chair, "主任", "6000", "72000", "", "6222021001112223331", ""],
                    ["2024", "工作经费", "", "", "45000", "41850", "", "", ""])
    assert [(p.code, p.severity, p.row) for p in problems(city) if p.file == ALLOWANCES and p.severity == "error"] \
        == [("bank-card", "error", 2)]
