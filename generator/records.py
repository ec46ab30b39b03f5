"""The rest of the plan's record (issue 18): inspections and assessments, elections, important
decisions, works projects, assets and training. Rows as the model keeps them, and the small pure
functions that read them (an inspection's overall result, its open problems, a committee's history).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from generator.config import CitySettings


def plain_number(d: Decimal | None) -> str:
    """89.00 → 89, 4.50 → 4.5 (a score or hours as people write them)."""
    return "" if d is None else format(d.normalize(), "f")


OVERALL_ITEM = "总评"  # the item of an inspection's row that carries its overall result
RESULTS = ("合格", "基本合格", "不合格")  # best first
FAILED = "不合格"
PASS_SCORE = CitySettings.inspection_pass_score  # the default; a city sets working_system.inspection_pass_score
INSPECTION_KINDS = ("检查验收", "年中督查", "年底考核")
# Where a group's name ends like a body, not like a person: the inspecting group is never a private person.
GROUP_WORDS = ("组", "委", "办", "局", "部", "街道", "中心", "室", "政府", "处", "院", "队", "会", "所", "站", "科")


@dataclass
class InspectionItem:
    """One row of inspections.csv: an item checked in one inspection."""

    inspection: str
    kind: str
    inspected_on: datetime.date | None
    group: str
    item: str
    result: str | None
    score: Decimal | None
    problem: str | None
    rectify_by: datetime.date | None
    rectified_on: datetime.date | None
    rectification: str | None
    file: str = ""
    row: int | None = None

    @property
    def is_overall(self) -> bool:
        return self.item == OVERALL_ITEM

    def outcome(self, pass_score: int = PASS_SCORE) -> str | None:
        """合格 / 基本合格 / 不合格 as written, or from the score against the city's pass mark."""
        if self.result:
            return self.result
        if self.score is not None:
            return "合格" if self.score >= pass_score else FAILED
        return None


@dataclass
class Inspection:
    """The rows of one inspection, grouped: its overall result and the items checked."""

    id: str
    kind: str
    inspected_on: datetime.date | None
    group: str
    items: list[InspectionItem]  # without the 总评 row
    overall_row: InspectionItem | None
    pass_score: int = PASS_SCORE

    @property
    def score(self) -> Decimal | None:
        return self.overall_row.score if self.overall_row is not None else None

    @property
    def overall(self) -> str | None:
        """The 总评 row's result, else the worst item's (a failed item fails the inspection)."""
        if self.overall_row is not None and self.overall_row.outcome(self.pass_score):
            return self.overall_row.outcome(self.pass_score)
        found = [i.outcome(self.pass_score) for i in self.items if i.outcome(self.pass_score)]
        return max(found, key=RESULTS.index) if found else None

    @property
    def overall_stated(self) -> bool:
        return self.overall_row is not None and self.overall_row.outcome(self.pass_score) is not None

    @property
    def problems(self) -> list[InspectionItem]:
        rows = [*self.items, *([self.overall_row] if self.overall_row else [])]
        return [i for i in rows if i.problem]


def group_inspections(items: list[InspectionItem], pass_score: int = PASS_SCORE) -> list[Inspection]:
    """Rows → inspections, oldest first (by date, then id); items in the order written."""
    by_id: dict[str, list[InspectionItem]] = {}
    for item in items:
        by_id.setdefault(item.inspection, []).append(item)
    found = []
    for key, rows in by_id.items():
        first = rows[0]
        overall = next((r for r in rows if r.is_overall), None)
        found.append(Inspection(key, first.kind, first.inspected_on, first.group,
                                [r for r in rows if not r.is_overall], overall, pass_score))
    return sorted(found, key=lambda i: (i.inspected_on or datetime.date.min, i.id))


def problem_state(item: InspectionItem, rectifications: dict, as_of: datetime.date) -> str:
    """An inspection problem's state: 已整改, 整改中 (deadline not passed), 逾期未整改.
    Followed in rectifications.csv (by id): that item's status decides."""
    if item.rectification and item.rectification in rectifications:
        linked = rectifications[item.rectification]
        if linked.is_closed:
            return "已整改"
        due = linked.due or item.rectify_by
        return "逾期未整改" if due is not None and due < as_of else "整改中"
    if item.rectified_on is not None:
        return "已整改"
    if item.rectify_by is not None and item.rectify_by < as_of:
        return "逾期未整改"
    return "整改中"


def open_problems(community, as_of: datetime.date) -> list[InspectionItem]:
    """A community's inspection problems not yet put right."""
    linked = {r.id: r for r in community.rectifications}
    return [i for i in community.inspections if i.problem and problem_state(i, linked, as_of) != "已整改"]


@dataclass
class ElectionRow:
    """One candidate of an election (elections.csv)."""

    held_on: datetime.date | None
    meeting: str
    expected: int | None
    present: int | None
    candidate: str
    votes: int | None
    elected: str
    role: str | None
    published_on: datetime.date | None
    file: str = ""
    row: int | None = None

    @property
    def is_elected(self) -> bool:
        return self.elected == "是"


@dataclass
class Election:
    held_on: datetime.date | None
    meeting: str
    expected: int | None
    present: int | None
    published_on: datetime.date | None
    candidates: list[ElectionRow] = field(default_factory=list)

    @property
    def elected(self) -> list[ElectionRow]:
        return [c for c in self.candidates if c.is_elected]

    @property
    def votes_published(self) -> bool:
        return any(c.votes is not None for c in self.candidates)


def group_elections(rows: list[ElectionRow]) -> list[Election]:
    """Candidates → elections (one per date), oldest first; the chair first among those elected."""
    by_day: dict = {}
    for r in rows:
        if r.held_on not in by_day:
            by_day[r.held_on] = Election(r.held_on, r.meeting, r.expected, r.present, r.published_on)
        by_day[r.held_on].candidates.append(r)
    for e in by_day.values():
        e.candidates.sort(key=lambda c: (not c.is_elected, c.role != "主任", -(c.votes or 0)))
    return sorted(by_day.values(), key=lambda e: e.held_on or datetime.date.min)


LEAVING = ("辞职", "罢免", "终止职务", "去世")  # member changes after which a person is no longer a member


def expected_members(community) -> set[str] | None:
    """Who should sit on the committee today: those elected at its latest election, less those who
    left since, plus those who joined (补选) since; None without an election on record."""
    elections = [e for e in group_elections(community.elections) if e.held_on is not None]
    if not elections:
        return None
    latest = elections[-1]
    names = {c.candidate for c in latest.elected}
    for m in community.member_changes:
        if m.changed_on is None or m.changed_on < latest.held_on:
            continue
        if m.change in LEAVING:
            names.discard(m.name)
        elif m.change == "补选":
            names.add(m.name)
    return names


def history(community) -> list[dict]:
    """The committee's history, oldest first: each election and every later member change."""
    events = []
    for e in group_elections(community.elections):
        names = "、".join(f"{c.candidate}（{c.role}）" if c.role else c.candidate for c in e.elected)
        events.append({"on": e.held_on, "what": f"{e.meeting}选举", "detail": f"当选：{names}" if names else "",
                       "published_on": e.published_on})
    for m in community.member_changes:
        roles = f"（{m.role_before or '—'} → {m.role_after or '—'}）" if m.role_before or m.role_after else ""
        events.append({"on": m.changed_on, "what": f"{m.name}{m.change}{roles}", "detail": m.reason or "",
                       "published_on": m.published_on})
    return sorted(events, key=lambda e: e["on"] or datetime.date.min)


@dataclass
class Decision:
    decided_on: datetime.date | None
    meeting: str
    matter: str
    decision: str
    opinion: str | None
    published_on: datetime.date | None
    file: str = ""
    row: int | None = None


@dataclass
class ProjectStage:
    project: str
    budget: Decimal | None
    contractor: str | None
    stage: str
    stage_on: datetime.date | None
    check: str | None
    published_on: datetime.date | None
    file: str = ""
    row: int | None = None


def group_projects(stages: list[ProjectStage]) -> list[dict]:
    """Stages → projects in order of their first stage: name, budget, contractor, stages by date."""
    by_name: dict[str, list[ProjectStage]] = {}
    for s in stages:
        by_name.setdefault(s.project, []).append(s)
    found = []
    for name, rows in by_name.items():
        rows = sorted(rows, key=lambda s: s.stage_on or datetime.date.min)
        found.append({"name": name, "budget": next((r.budget for r in rows if r.budget is not None), None),
                      "contractor": next((r.contractor for r in rows if r.contractor), None), "stages": rows})
    return sorted(found, key=lambda p: (p["stages"][0].stage_on or datetime.date.min, p["name"]))


@dataclass
class Asset:
    asset: str
    category: str
    location: str | None
    value: Decimal | None
    use: str | None
    checked_on: datetime.date | None
    file: str = ""
    row: int | None = None


@dataclass
class Training:
    held_on: datetime.date | None
    topic: str
    organiser: str | None
    attendees: str
    hours: Decimal | None
    file: str = ""
    row: int | None = None

    @property
    def names(self) -> list[str]:
        return [n.strip() for n in self.attendees.replace(",", "、").replace("，", "、").split("、") if n.strip()]


PERSON_ITEMS = ("主任报酬", "主任补贴", "成员补贴")  # allowances.csv rows that pay a person
BUDGET_ITEMS = ("工作经费", "办公经费")  # the committee's budget rows


@dataclass
class Allowance:
    """One row of allowances.csv: a member's pay or allowance for a year, or a budget of the committee."""

    year: int | None
    item: str
    name: str | None
    role: str | None
    standard: Decimal | None  # a person's monthly standard; a budget's amount for the year
    paid: Decimal | None  # paid to the person, or spent from the budget
    period: str | None
    source: str | None
    published_on: datetime.date | None
    file: str = ""
    row: int | None = None

    @property
    def is_budget(self) -> bool:
        return self.item in BUDGET_ITEMS


def allowance_years(rows: list[Allowance]) -> list[tuple[int | None, list[Allowance], list[Allowance]]]:
    """(year, people, budgets) newest year first; people chair first, in file order otherwise."""
    years = sorted({r.year for r in rows}, key=lambda y: y or 0, reverse=True)
    out = []
    for y in years:
        mine = [r for r in rows if r.year == y]
        people = sorted((r for r in mine if not r.is_budget), key=lambda r: r.role != "主任")
        out.append((y, people, [r for r in mine if r.is_budget]))
    return out


def _money(value) -> Decimal | None:
    return None if value is None else Decimal(value).quantize(Decimal("0.01"))


def build_rows(kind: str, values: dict, file: str, row: int | None):
    """A typed row of one of these tables → its record."""
    v = values
    if kind == "inspections":
        score = v.get("score")
        return InspectionItem(v.get("inspection") or "", v.get("kind") or "", v.get("inspected_on"),
                              v.get("group") or "", v.get("item") or "", v.get("result"),
                              None if score is None else Decimal(score), v.get("problem"), v.get("rectify_by"),
                              v.get("rectified_on"), v.get("rectification"), file, row)
    if kind == "elections":
        return ElectionRow(v.get("held_on"), v.get("meeting") or "", v.get("expected"), v.get("present"),
                           v.get("candidate") or "", v.get("votes"), v.get("elected") or "", v.get("role"),
                           v.get("published_on"), file, row)
    if kind == "decisions":
        return Decision(v.get("decided_on"), v.get("meeting") or "", v.get("matter") or "", v.get("decision") or "",
                        v.get("opinion"), v.get("published_on"), file, row)
    if kind == "projects":
        return ProjectStage(v.get("project") or "", _money(v.get("budget")), v.get("contractor"), v.get("stage") or "",
                            v.get("stage_on"), v.get("check"), v.get("published_on"), file, row)
    if kind == "assets":
        return Asset(v.get("asset") or "", v.get("category") or "", v.get("location"), _money(v.get("value")),
                     v.get("use"), v.get("checked_on"), file, row)
    if kind == "trainings":
        return Training(v.get("held_on"), v.get("topic") or "", v.get("organiser"), v.get("attendees") or "",
                        None if v.get("hours") is None else Decimal(v.get("hours")), file, row)
    if kind == "allowances":
        return Allowance(v.get("year"), v.get("item") or "", v.get("name"), v.get("role"), _money(v.get("standard")),
                         _money(v.get("paid")), v.get("period"), v.get("source"), v.get("published_on"), file, row)
    raise KeyError(kind)


# Table kind → the Community attribute that holds its records (each kept in file order).
KINDS = {"inspections": "inspections", "elections": "elections", "decisions": "decisions",
         "projects": "projects", "assets": "assets", "trainings": "trainings", "allowances": "allowances"}


def record_dates(c) -> list[datetime.date]:
    """Dates of these records on the community page (for when the page last changed)."""
    dates = [i.inspected_on for i in c.inspections] + [e.published_on for e in c.elections]
    dates += [d.decided_on for d in c.decisions] + [t.held_on for t in c.trainings]
    return [d for d in dates if d is not None]
