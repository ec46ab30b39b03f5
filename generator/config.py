"""Settings declared once: the city's (from data/city.yaml) and the build's (paths)."""

from __future__ import annotations

import dataclasses
import datetime
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from generator.load.yamlfile import Scalar
from generator.problems import ERROR, Problem, Problems
from generator.streetoffice import StreetOffice, read_offices

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class RolloutPhase:
    number: int
    name: str
    deadline: datetime.date


@dataclass(frozen=True)
class CitySettings:
    """What a city decides: its name, the plan's phases and deadlines, disclosure rules."""

    name: str
    plan_year: int
    site_url: str
    hotline: str
    phases: tuple[RolloutPhase, ...]
    goal_date: datetime.date
    target_date: datetime.date
    committee_phase: int = 3
    as_of: datetime.date | None = None
    frequency: str = "monthly"
    publish_within_days: int = 15
    posting_days: int = 30
    opinion_answer_days: int = 10
    decision_publish_days: int = 30  # a decision, and each stage of a project, is published within this many days
    min_members: int = 3
    max_members: int = 5
    chair_pay_ratio: Decimal = Decimal("0.70")
    evaluation_target: Decimal = Decimal("0.90")
    income_categories: tuple[str, ...] = ()
    expense_categories: tuple[str, ...] = ()
    funding_sources: tuple[str, ...] = ()
    # Words that give a board line (a sheet with no category column) its category: category → words,
    # first match wins; Juwu's defaults when the city gives none (generator/load/categories.py).
    category_keywords: tuple[tuple[str, tuple[str, ...]], ...] = ()
    # The working system (四.4), checked against the data: 0 turns a check off.
    meetings_per_year: int = 4  # regular meeting records (例会记录) a full year has at least
    annual_report_by: str = "01-31"  # month-day of the next year by which the annual work report is made
    evaluation_by: str = "01-31"  # month-day of the next year by which the year's democratic evaluation is held
    rectification_days: int = 30  # a finding without a deadline of its own: days the city gives to rectify
    member_change_workdays: int = 20  # a change of the committee is published within this many working days
    inspection_pass_score: int = 60  # where an inspection is scored, the pass mark (generator/records.py)
    # The working mechanisms (四.4) as the city configures them: (name, description, contact), shown on the site.
    mechanisms: tuple[tuple[str, str, str], ...] = ()
    # The city's calendar for working days: public holidays on weekdays, and weekend days worked (调休).
    holidays: tuple[datetime.date, ...] = ()
    workdays: tuple[datetime.date, ...] = ()
    # Street offices' public contacts, shown where a community has no committee (generator/streetoffice.py).
    street_offices: tuple[StreetOffice, ...] = ()


@dataclass(frozen=True)
class BuildPaths:
    """Where a build reads and writes."""

    data: Path
    site: Path
    project: Path = PROJECT_ROOT
    content: Path = field(default=PROJECT_ROOT / "content")
    mkdocs_yml: Path = field(default=PROJECT_ROOT / "mkdocs.yml")
    work: Path = field(default=PROJECT_ROOT / "build")
    # A city repository's own hand-written pages (DATA/content/), laid over Juwu's file by file.
    city_content: Path | None = None

    @property
    def cache(self) -> Path:
        """What the last build published, for the next to redo only what changed (buildcache.py)."""
        site = self.site.resolve()
        return site.with_name(f".{site.name}.cache")

    @property
    def docs(self) -> Path:
        """The folder MkDocs reads: Juwu's content/, or a build-owned merge of it and the city's."""
        return self.content if self.city_content is None else self.work / "docs"

    @classmethod
    def for_data(cls, data: Path, site: Path) -> "BuildPaths":
        """Paths for building DATA: with its content/ pages when the data repository has them."""
        own = Path(data) / "content"
        return cls(data=Path(data), site=Path(site), city_content=own if own.is_dir() else None)


def read_city(raw: dict | None, problems: Problems) -> CitySettings | None:
    """city.yaml → CitySettings, reporting every setting that is missing or unreadable."""
    if raw is None:
        return None
    reader = _Reader(raw, problems)
    phases = []
    for i, item in enumerate(reader.list("rollout.phases")):
        sub = _Reader(item if isinstance(item, dict) else {}, problems, f"rollout.phases[{i}].")
        phases.append(RolloutPhase(sub.int("phase"), sub.text("name"), sub.date("deadline")))
    settings = CitySettings(
        name=reader.text("name"),
        plan_year=reader.int("plan_year"),
        site_url=reader.text("site_url").rstrip("/") + "/",
        hotline=reader.text("hotline", ""),
        phases=tuple(sorted(phases, key=lambda p: p.number)),
        goal_date=reader.date("rollout.goal_date"),
        target_date=reader.date("rollout.target_date"),
        **_optional(reader, _DISCLOSURE),
        income_categories=tuple(reader.list("finance.income_categories", text=True)),
        expense_categories=tuple(reader.list("finance.expense_categories", text=True)),
        funding_sources=tuple(reader.list("finance.funding_sources", text=True)),
        category_keywords=reader.keywords("finance.category_keywords"),
        **_optional(reader, _WORKING_SYSTEM),
        holidays=reader.dates("calendar.holidays"),
        workdays=reader.dates("calendar.workdays"),
        street_offices=read_offices(reader._get("street_offices", None), reader._fail),
        mechanisms=_mechanisms(reader, problems),
    )
    return None if reader.failed else settings


_MISSING = object()

# Settings a city may leave out: the field, where it is in city.yaml, how it is read. Each default
# is the field's in CitySettings, declared there once (tests/test_declared_once.py).
_DISCLOSURE = (
    ("committee_phase", "rollout.committee_phase", "int"),
    ("as_of", "as_of", "date"),
    ("frequency", "disclosure.frequency", "text"),
    ("publish_within_days", "disclosure.publish_within_days", "int"),
    ("posting_days", "disclosure.posting_days", "int"),
    ("opinion_answer_days", "disclosure.opinion_answer_days", "int"),
    ("decision_publish_days", "disclosure.decision_publish_days", "int"),
    ("min_members", "committee_rules.min_members", "int"),
    ("max_members", "committee_rules.max_members", "int"),
    ("chair_pay_ratio", "committee_rules.chair_pay_ratio", "decimal"),
    ("evaluation_target", "committee_rules.evaluation_target", "decimal"),
)
_WORKING_SYSTEM = (
    ("meetings_per_year", "working_system.meetings_per_year", "int"),
    ("annual_report_by", "working_system.annual_report_by", "month_day"),
    ("evaluation_by", "working_system.evaluation_by", "month_day"),
    ("rectification_days", "working_system.rectification_days", "int"),
    ("member_change_workdays", "working_system.member_change_workdays", "int"),
    ("inspection_pass_score", "working_system.inspection_pass_score", "int"),
)
_DEFAULTS = {f.name: f.default for f in dataclasses.fields(CitySettings)}


def _optional(reader: "_Reader", settings: tuple[tuple[str, str, str], ...]) -> dict:
    """These settings as read, in order (so problems are reported in the file's order of reading)."""
    return {name: getattr(reader, how)(dotted, _DEFAULTS[name]) for name, dotted, how in settings}


def _mechanisms(reader: "_Reader", problems: Problems) -> tuple[tuple[str, str, str], ...]:
    """mechanisms: [{name, description, contact}] (申诉救助, 工作考评, 责任追究 …)."""
    found = []
    for i, item in enumerate(reader.list("mechanisms")):
        sub = _Reader(item if isinstance(item, dict) else {}, problems, f"mechanisms[{i}].")
        found.append((sub.text("name"), sub.text("description", ""), sub.text("contact", "")))
        reader.failed = reader.failed or sub.failed
    return tuple(found)


class _Reader:
    def __init__(self, raw: dict, problems: Problems, prefix: str = ""):
        self.raw, self.problems, self.prefix, self.failed = raw, problems, prefix, False

    def _get(self, dotted: str, default):
        node: object = self.raw
        for part in dotted.split("."):
            if not isinstance(node, dict) or part not in node:
                if default is _MISSING:
                    self._fail(dotted, None, "缺少此项设置", "this setting is missing")
                return default
            node = node[part]
        if isinstance(node, Scalar) and node.text == "" and default is not _MISSING:
            return default
        return node

    def _fail(self, dotted: str, scalar, zh: str, en: str) -> None:
        self.failed = True
        line = scalar.line if isinstance(scalar, Scalar) else None
        self.problems.add(Problem(
            "city-setting", ERROR, "city.yaml", f"城市设置“{self.prefix}{dotted}”：{zh}",
            f"city setting '{self.prefix}{dotted}': {en}", row=line, field=self.prefix + dotted,
            value=scalar.text if isinstance(scalar, Scalar) else None,
            hint_zh="对照 Juwu 自带的 city.yaml 模板修改", hint_en="Compare with Juwu's city.yaml template"))

    def text(self, dotted: str, default=_MISSING) -> str:
        node = self._get(dotted, default)
        return node.text.strip() if isinstance(node, Scalar) else (node if isinstance(node, str) else "")

    def int(self, dotted: str, default=_MISSING) -> int:
        node = self._get(dotted, default)
        if not isinstance(node, Scalar):
            return node if isinstance(node, int) else 0
        try:
            return int(node.text)
        except ValueError:
            self._fail(dotted, node, "应为整数", "must be a whole number")
            return 0

    def decimal(self, dotted: str, default=_MISSING) -> Decimal:
        node = self._get(dotted, default)
        if not isinstance(node, Scalar):
            return node
        try:
            return Decimal(node.text)
        except InvalidOperation:
            self._fail(dotted, node, "应为小数，例如 0.70", "must be a decimal such as 0.70")
            return Decimal(0)

    def date(self, dotted: str, default=_MISSING):
        node = self._get(dotted, default)
        if not isinstance(node, Scalar):
            return node if node is not _MISSING else datetime.date(1970, 1, 1)
        try:
            return datetime.date.fromisoformat(node.text)
        except ValueError:
            self._fail(dotted, node, "日期应写成 2023-05-31", "dates are written 2023-05-31")
            return datetime.date(1970, 1, 1)

    def month_day(self, dotted: str, default: str) -> str:
        """A day of the year, written MM-DD (e.g. 01-31)."""
        node = self._get(dotted, default)
        value = node.text.strip() if isinstance(node, Scalar) else str(node)
        try:
            datetime.date.fromisoformat(f"2001-{value}")
        except ValueError:
            self._fail(dotted, node, "应写成 月-日，例如 01-31", "must be a month and day such as 01-31")
            return default
        return value

    def dates(self, dotted: str) -> tuple[datetime.date, ...]:
        """A list of days, each written 2024-10-01."""
        found = []
        for node in self.list(dotted):
            text = node.text.strip() if isinstance(node, Scalar) else str(node)
            try:
                found.append(datetime.date.fromisoformat(text))
            except ValueError:
                self._fail(dotted, node, f"“{text}”不是日期，应写成 2024-10-01", f"'{text}' is not a date such as 2024-10-01")
        return tuple(sorted(found))

    def keywords(self, dotted: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """A mapping of category → list of words; Juwu's defaults when the setting is absent."""
        from generator.load.categories import city_lists, default_keywords

        node = self._get(dotted, None)
        if node is None:
            return default_keywords()
        if not isinstance(node, dict) or not all(isinstance(v, list) for v in node.values()):
            self._fail(dotted, node if isinstance(node, Scalar) else None, "应为“类别: [关键词, …]”的列表",
                       "must map each category to a list of words, e.g. 水电燃气: [电费, 水费]")
            return ()
        return city_lists({"finance": {"category_keywords": node}})[0]

    def list(self, dotted: str, text: bool = False) -> list:
        node = self._get(dotted, [])
        if not isinstance(node, list):
            self._fail(dotted, node, "应为列表", "must be a list")
            return []
        return [n.text for n in node if isinstance(n, Scalar)] if text else node
