"""The city as residents see it: districts, streets, communities and what their committees record."""

from __future__ import annotations

import dataclasses
import datetime
import operator
from dataclasses import dataclass, field
from decimal import Decimal

from generator.config import CitySettings

ZERO = Decimal("0.00")


def pickled_by_fields(cls):
    """Pickled as its class and its field values in order, rebuilt by its __init__: a slotted
    dataclass is otherwise pickled with a dict of its slots, built and read back field by field in
    Python (a city's 1.2 million ledger lines cross from the checking processes to the build, and
    the build cache keeps summaries). For dataclasses whose every field is an __init__ argument and
    that have no __post_init__."""
    fields = dataclasses.fields(cls)
    if len(fields) < 2 or not all(f.init for f in fields) or hasattr(cls, "__post_init__"):
        raise TypeError(f"{cls.__name__}: pickled_by_fields needs two or more __init__ fields, no __post_init__")
    values = operator.attrgetter(*(f.name for f in fields))  # a tuple: two or more names

    def __reduce__(self):
        return cls, values(self)

    cls.__reduce__ = __reduce__
    return cls


@pickled_by_fields
@dataclass(slots=True)
class Member:
    name: str
    role: str  # 主任 | 委员
    gender: str | None
    political_status: str
    retired: bool | None
    concurrent_post: str | None
    sub_group: str | None
    duties: str | None
    mobile: str | None  # personal: only ever shown masked
    file: str = ""  # source location, for messages that name the row
    row: int | None = None

    @property
    def is_chair(self) -> bool:
        return self.role == "主任"

    @property
    def is_party_member(self) -> bool:
        return self.political_status in ("中共党员", "中共预备党员")


@pickled_by_fields
@dataclass(slots=True)
class Official:
    name: str
    body: str  # 社区党组织 | 居民委员会 | 社区财务人员
    post: str
    relative: str | None
    relation: str | None
    file: str = ""
    row: int | None = None


@pickled_by_fields
@dataclass(slots=True)
class Committee:
    name: str
    elected_by: str
    elected_on: datetime.date | None
    term_start: datetime.date | None
    term_end: datetime.date | None
    sub_groups: list[str]
    six_unifications: dict[str, bool | None]
    office_address: str | None
    office_hours: str | None
    supervision_phone: str | None
    report_box: str | None
    chair_monthly_pay: Decimal | None
    heads_basic_pay: Decimal | None
    chair_monthly_allowance: Decimal | None
    annual_budget: Decimal | None
    file: str = ""


SIX_UNIFICATIONS = (
    ("sign", "统一工作牌子"),
    ("seal", "统一监审印章"),
    ("rules", "统一监督制度"),
    ("records", "统一工作记录"),
    ("report_box", "统一监督举报箱"),
    ("notice_board", "统一居务监督栏"),
)


@pickled_by_fields
@dataclass(slots=True)
class LedgerLine:
    date: datetime.date | None
    voucher: str
    category: str
    summary: str
    income: Decimal | None
    expense: Decimal | None
    funding_source: str | None
    handled_by: str
    row: int | None = None  # line in the source file


@pickled_by_fields
@dataclass(slots=True)
class Period:
    """One disclosure period (a month by default) of a community's ledger."""

    key: str  # YYYY-MM
    opening_balance: Decimal
    closing_balance: Decimal
    prepared_by: str
    reviewer: str
    reviewed_on: datetime.date | None
    review_opinion: str
    published_on: datetime.date | None
    amendment: str | None
    lines: list[LedgerLine] = field(default_factory=list)
    header_file: str = ""
    lines_file: str = ""
    # (income, expense) of a summary copy whose lines were dropped (generator/buildcache.py)
    totals: tuple[Decimal, Decimal] | None = None

    @property
    def income_total(self) -> Decimal:
        if self.totals is not None:
            return self.totals[0]
        return sum((l.income or ZERO for l in self.lines), ZERO)

    @property
    def expense_total(self) -> Decimal:
        if self.totals is not None:
            return self.totals[1]
        return sum((l.expense or ZERO for l in self.lines), ZERO)

    @property
    def computed_closing(self) -> Decimal:
        return self.opening_balance + self.income_total - self.expense_total

    def running_balances(self) -> list[Decimal]:
        """The balance after each line, as on the itemised boards residents know (逐笔公开榜)."""
        balance, after = self.opening_balance, []
        for line in self.lines:
            balance = balance + (line.income or ZERO) - (line.expense or ZERO)
            after.append(balance)
        return after

    def keep_totals_only(self) -> None:
        """Let go of the lines, keeping their totals: what the city's pages, feed and the build
        cache need once the community's own pages are written (its lines are most of the model)."""
        if self.totals is None:
            self.totals = (self.income_total, self.expense_total)
        self.lines = []

    @property
    def year(self) -> int:
        return int(self.key[:4])

    @property
    def month(self) -> int:
        return int(self.key[5:7])

    def totals_by_category(self) -> list[tuple[str, Decimal, Decimal]]:
        totals: dict[str, list[Decimal]] = {}
        for line in self.lines:
            pair = totals.setdefault(line.category, [ZERO, ZERO])
            pair[0] += line.income or ZERO
            pair[1] += line.expense or ZERO
        return [(c, i, e) for c, (i, e) in sorted(totals.items())]


@pickled_by_fields
@dataclass(slots=True)
class Report:
    slug: str  # file stem, e.g. 2024-05-20-meeting
    type: str
    date: datetime.date | None
    title: str
    status: str | None
    due: datetime.date | None
    body: str  # Markdown as submitted: rendered only through the safe renderer
    file: str = ""


@pickled_by_fields
@dataclass(slots=True)
class Opinion:
    received_on: datetime.date | None
    channel: str
    subject: str
    content: str | None
    answer: str | None
    answered_on: datetime.date | None
    status: str
    file: str = ""
    row: int | None = None


@pickled_by_fields
@dataclass(slots=True)
class MemberChange:
    """A change of the committee after its election (补选, 辞职, 罢免, 职务调整 …), and when it was published."""

    changed_on: datetime.date | None
    name: str
    change: str
    role_before: str | None
    role_after: str | None
    reason: str | None
    meeting: str | None
    published_on: datetime.date | None
    file: str = ""
    row: int | None = None


@pickled_by_fields
@dataclass(slots=True)
class Rectification:
    """A problem the committee found and asked to be put right (整改), followed to closure."""

    id: str
    found_on: datetime.date | None
    report: str | None  # the report that found it (its slug)
    problem: str
    responsible: str
    due: datetime.date | None
    status: str  # 待整改 | 整改中 | 已整改
    closed_on: datetime.date | None
    action: str | None
    closed_by: str | None  # the later report that confirmed it closed
    file: str = ""
    row: int | None = None

    @property
    def is_closed(self) -> bool:
        return self.status == "已整改"


@pickled_by_fields
@dataclass(slots=True)
class Evaluation:
    year: int
    held_on: datetime.date | None
    evaluated: str
    post: str | None
    reps_expected: int
    reps_present: int
    ballots_valid: int
    ballots_void: int | None
    excellent: int
    competent: int
    basically_competent: int
    incompetent: int
    # The residents' committee as a whole is rated 满意 / 基本满意 / 不满意 instead.
    satisfied: int = 0
    basically_satisfied: int = 0
    dissatisfied: int = 0
    file: str = ""
    row: int | None = None

    @property
    def is_whole_body(self) -> bool:
        return bool(self.satisfied or self.basically_satisfied or self.dissatisfied)

    @property
    def satisfaction(self) -> Decimal | None:
        """Share of valid ballots rating 优秀, 称职 or 基本称职 (满意 or 基本满意 for the whole body)."""
        if not self.ballots_valid:
            return None
        good = self.excellent + self.competent + self.basically_competent + self.satisfied + self.basically_satisfied
        return (Decimal(good) / Decimal(self.ballots_valid)).quantize(Decimal("0.0001"))

    @property
    def result(self) -> str | None:
        """A person's result: 不称职 when more than half the valid ballots say so (the organisation
        law's test), else the rating with the most votes (a tie goes to the better one)."""
        if self.is_whole_body or not self.ballots_valid:
            return None
        if 2 * self.incompetent > self.ballots_valid:
            return "不称职"
        ratings = [("优秀", self.excellent), ("称职", self.competent), ("基本称职", self.basically_competent),
                   ("不称职", self.incompetent)]
        return max(ratings, key=lambda r: r[1])[0]


@dataclass(frozen=True)
class HeldBack:
    """A community whose data has errors (数据待更正): what is published is its last good data."""

    since: datetime.date  # the data date of the first build that held it back
    files: tuple[str, ...]  # its files with data errors, relative to the data folder
    errors: int  # how many data errors
    published: bool  # whether pages of it were published before (else only its row shows)


@dataclass
class Community:
    code: str
    name: str
    district_name: str
    street_name: str
    households: int | None
    rc_term_start: datetime.date | None
    rc_term_end: datetime.date | None
    committee: Committee | None = None
    members: list[Member] = field(default_factory=list)
    officials: list[Official] = field(default_factory=list)
    periods: list[Period] = field(default_factory=list)  # oldest first
    reports: list[Report] = field(default_factory=list)  # newest first
    opinions: list[Opinion] = field(default_factory=list)
    evaluations: list[Evaluation] = field(default_factory=list)
    rectifications: list[Rectification] = field(default_factory=list)  # oldest first
    member_changes: list[MemberChange] = field(default_factory=list)  # oldest first
    # The rest of the plan's record (generator/records.py), each in the order its file gives.
    inspections: list = field(default_factory=list)  # InspectionItem rows
    elections: list = field(default_factory=list)  # ElectionRow rows
    decisions: list = field(default_factory=list)  # Decision, newest first
    projects: list = field(default_factory=list)  # ProjectStage rows
    assets: list = field(default_factory=list)  # Asset
    trainings: list = field(default_factory=list)  # Training, newest first
    allowances: list = field(default_factory=list)  # Allowance rows (allowances.csv)
    rollout: dict[int, datetime.date] = field(default_factory=dict)  # phase → completed on
    warnings: list = field(default_factory=list)  # open validation warnings (Problems)
    findings: list = field(default_factory=list)  # open compliance findings (Problems): published
    held: HeldBack | None = None  # its folder has data errors: the last good pages stay published
    row: int | None = None  # line in communities.csv
    rollout_rows: dict[int, int] = field(default_factory=dict)  # phase → line in rollout.csv

    @property
    def district_code(self) -> str:
        return self.code[:6]

    @property
    def street_code(self) -> str:
        return self.code[:9]

    @property
    def chair(self) -> Member | None:
        return next((m for m in self.members if m.is_chair), None)

    @property
    def latest_period(self) -> Period | None:
        return self.periods[-1] if self.periods else None

    def phase_reached(self) -> int:
        """The highest phase n such that phases 1..n are all done."""
        n = 0
        while (n + 1) in self.rollout:
            n += 1
        return n


@dataclass
class Street:
    code: str
    name: str
    communities: list[Community] = field(default_factory=list)


@dataclass
class District:
    code: str
    name: str
    streets: list[Street] = field(default_factory=list)

    @property
    def communities(self) -> list[Community]:
        return [c for s in self.streets for c in s.communities]


@dataclass
class City:
    settings: CitySettings
    as_of: datetime.date
    districts: list[District] = field(default_factory=list)
    source_hashes: dict[str, str] = field(default_factory=dict)  # file → sha256, for version stamps
    history: object = None  # generator.history.History from the data repository's git log (build only)

    @property
    def communities(self) -> list[Community]:
        return [c for d in self.districts for c in d.communities]

    @property
    def streets(self) -> list[Street]:
        return [s for d in self.districts for s in d.streets]

    def phase_done(self, number: int, communities: list[Community] | None = None) -> int:
        """How many communities (of the city, or of those given) have completed a phase."""
        return sum(number in c.rollout for c in (self.communities if communities is None else communities))

    def overdue_phases(self, community: Community) -> list[int]:
        """Phases whose deadline has passed by `as_of` and that are not done."""
        return [p.number for p in self.settings.phases
                if p.deadline < self.as_of and p.number not in community.rollout]
