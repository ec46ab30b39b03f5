"""Values the pages show that the model does not hold directly: derived from the data, never the clock.

Pure and cheap: every function takes model objects and returns plain values, so a district page
of a 5,000-community city costs one pass over its communities. Lists that grow with the city
("latest", "overdue") are always bounded.
"""

from __future__ import annotations

import datetime
import heapq
import operator
from dataclasses import dataclass
from decimal import Decimal

from generator.model import City, Community, Evaluation, Period, Report
from generator.periods import months_per_period, period_label, step_back
from generator.records import record_dates

LATEST_LIMIT = 20  # "latest disclosures" on the home page and in the city feed
OVERDUE_LIMIT = 50  # overdue communities listed on the dashboard (the count is always complete)


def community_changed(community: Community) -> datetime.date | None:
    """The last date anything on a community's page changed: a disclosure, report, answer, vote…"""
    dates = [p.published_on for p in community.periods]
    dates += [r.date for r in community.reports]
    dates += [d for o in community.opinions for d in (o.received_on, o.answered_on)]
    dates += [e.held_on for e in community.evaluations]
    dates += list(community.rollout.values())
    dates += record_dates(community)  # inspections, elections, decisions, training (generator/records.py)
    if community.committee is not None:
        dates.append(community.committee.elected_on)
    return max((d for d in dates if d is not None), default=None)


def area_changed(communities: list[Community]) -> datetime.date | None:
    return max((d for d in map(community_changed, communities) if d is not None), default=None)


def last_disclosure(community: Community) -> Period | None:
    """The most recently published period (usually, not always, the latest month)."""
    published = [p for p in community.periods if p.published_on is not None]
    return max(published, key=lambda p: (p.published_on, p.key)) if published else community.latest_period


@dataclass(frozen=True)
class Disclosure:
    """One item of "latest disclosures": a finance period or a report of one community."""

    date: datetime.date
    kind: str  # period | report
    community: Community
    period: Period | None = None
    report: Report | None = None
    frequency: str = "monthly"  # the city's disclosure frequency: names the period
    # kind "record": an inspection, election or decision (site/records.py), a section of the community page
    label: str = ""
    anchor: str = ""
    summary: str = ""

    @property
    def title(self) -> str:
        if self.label:
            return self.label
        if self.period is not None:
            return f"{period_label(self.period.key, self.frequency)}财务收支公开"
        return self.report.title if self.report else ""

    @property
    def sort_key(self) -> tuple:
        return (self.date, self.community.code, self.kind, self.period.key if self.period else
                (self.report.slug if self.report else self.label))


def disclosures(community: Community, frequency: str = "monthly") -> list[Disclosure]:
    return [_disclosure(c, item, frequency) for _, c, item in sorted(_keyed(community), key=_by_key, reverse=True)]


def latest_disclosures(communities: list[Community], limit: int = LATEST_LIMIT,
                       frequency: str = "monthly") -> list[Disclosure]:
    """The `limit` most recent disclosures among many communities, newest first (bounded). Chosen
    by their sort keys alone (the city's ~65,000 periods at 5,000 communities), and only the chosen
    made into Disclosures: the same items, in the same order, as ranking every Disclosure."""
    chosen = heapq.nlargest(limit, (entry for c in communities for entry in _keyed(c)), key=_by_key)
    return [_disclosure(c, item, frequency) for _, c, item in chosen]


_by_key = operator.itemgetter(0)


def _keyed(community: Community):
    """(Disclosure.sort_key, community, period or report) of each of its disclosures, none made yet."""
    for p in community.periods:
        if p.published_on:
            yield (p.published_on, community.code, "period", p.key), community, p
    for r in community.reports:
        if r.date:
            yield (r.date, community.code, "report", r.slug), community, r


def _disclosure(community: Community, item: Period | Report, frequency: str) -> Disclosure:
    if isinstance(item, Period):
        return Disclosure(item.published_on, "period", community, period=item, frequency=frequency)
    return Disclosure(item.date, "report", community, report=item)


@dataclass(frozen=True)
class Progress:
    """Committee status of a group of communities, judged as each community's page judges it: the
    committee phase done on or before its deadline is 按期完成, after it 逾期完成."""

    total: int
    established: int
    on_time: int  # committee phase done on or before the phase's deadline (按期完成)
    late: int  # committee phase done after the deadline (逾期完成)
    overdue: int  # not established and the committee phase's deadline has passed (逾期未成立)
    deadline: datetime.date  # the committee phase's deadline, against which on_time and late are judged

    @property
    def missing(self) -> int:
        return self.total - self.established

    def share(self, n: int) -> Decimal | None:
        return None if not self.total else Decimal(n) / Decimal(self.total)


def committee_date(city: City, community: Community) -> datetime.date | None:
    return community.rollout.get(city.settings.committee_phase)


def phase_deadline(city: City, number: int) -> datetime.date:
    """A phase's deadline; the plan's target date for a phase the city does not list."""
    return next((p.deadline for p in city.settings.phases if p.number == number), city.settings.target_date)


def on_time(done: datetime.date, deadline: datetime.date) -> bool:
    """The one test of 按期完成 (else 逾期完成) used by every page."""
    return done <= deadline


def progress(city: City, communities: list[Community]) -> Progress:
    deadline = phase_deadline(city, city.settings.committee_phase)
    established = timely = late = overdue = 0
    for c in communities:
        if c.committee is not None:
            established += 1
            when = committee_date(city, c)
            if when is not None:
                timely += on_time(when, deadline)
                late += not on_time(when, deadline)
        elif city.settings.committee_phase in city.overdue_phases(c):
            overdue += 1
    return Progress(len(communities), established, timely, late, overdue, deadline)


def phase_steps(city: City, community: Community) -> tuple[object | None, object | None]:
    """(the last phase done in order, the phase to do next) — None where there is none: what the
    page of a community without a committee says in words."""
    reached = community.phase_reached()
    by_number = {p.number: p for p in city.settings.phases}
    return by_number.get(reached), by_number.get(reached + 1)


def overdue_communities(city: City, communities: list[Community], limit: int = OVERDUE_LIMIT):
    """(count, first `limit` communities with overdue phases, by code) — the list is bounded."""
    found = [c for c in communities if city.overdue_phases(c)]
    return len(found), found[:limit]


@dataclass(frozen=True)
class PhaseCount:
    """One phase across a group of communities: done (on time or late) and overdue (not done)."""

    phase: object  # generator.config.RolloutPhase
    done: int
    done_late: int  # done after the deadline (逾期完成)
    overdue: int  # not done and the deadline has passed (逾期未完成)


def phase_counts(city: City, communities: list[Community]) -> list[PhaseCount]:
    """Per phase, for a group of communities: how many did it, how many of them late, how many are overdue."""
    rows = []
    for phase in city.settings.phases:
        dates = [c.rollout[phase.number] for c in communities if phase.number in c.rollout]
        done_late = sum(not on_time(d, phase.deadline) for d in dates)
        overdue = len(communities) - len(dates) if phase.deadline < city.as_of else 0
        rows.append(PhaseCount(phase, len(dates), done_late, overdue))
    return rows


def committee_evaluation(community: Community) -> Evaluation | None:
    """The latest democratic evaluation of the residents' committee as a whole."""
    whole = [e for e in community.evaluations if e.post is None or e.evaluated == "居民委员会"]
    return max(whole, key=lambda e: (e.year, e.held_on or datetime.date.min)) if whole else None


def latest_evaluations(community: Community) -> list[Evaluation]:
    """Every evaluation row of the latest year held, in the file's order."""
    if not community.evaluations:
        return []
    year = max(e.year for e in community.evaluations)
    return [e for e in community.evaluations if e.year == year]


CHART_MONTHS = 12  # the chart shows the last twelve months (four quarters) up to the latest period


@dataclass(frozen=True)
class Month:
    """One slot of the chart: a period's totals, or None when nothing is published for it."""

    year: int
    month: int
    key: str
    income: Decimal | None
    expense: Decimal | None
    closing: Decimal | None
    show_year: bool = False  # the first slot, and each slot where the year changes
    frequency: str = "monthly"

    @property
    def label(self) -> str:
        """'3月', or '2025年1月' where the year changes ('第1季度' / '2025年第1季度' if quarterly)."""
        return period_label(self.key, self.frequency, with_year=self.show_year)

    @property
    def short(self) -> str:
        """The axis label under the bars: '3' for a month, '第1季度' for a quarter."""
        return period_label(self.key, self.frequency, with_year=False).removesuffix("月")


def chart_months(community: Community, frequency: str = "monthly") -> list[Month]:
    """The twelve months (or four quarters) ending with the latest period, across a year boundary
    when there is one: gaps stay empty, never zero. Empty when nothing is published."""
    if not community.periods:
        return []
    step = months_per_period(frequency)
    latest = max(p.key for p in community.periods)
    keys = [step_back(latest, step * i) for i in reversed(range(CHART_MONTHS // step))]
    by_key = {p.key: p for p in community.periods}
    months = []
    for i, key in enumerate(keys):
        p = by_key.get(key)
        show_year = i == 0 or key[:4] != keys[i - 1][:4]
        months.append(Month(int(key[:4]), int(key[5:7]), key, p.income_total if p else None,
                            p.expense_total if p else None, p.closing_balance if p else None,
                            show_year, frequency))
    return months


def span_label(months: list[Month]) -> str:
    """What the chart covers: '2024年1月至12月', '2024年2月至2025年1月', '2024年第1季度至第4季度'."""
    if not months:
        return ""
    first, last = months[0], months[-1]
    end = period_label(last.key, last.frequency, with_year=first.year != last.year)
    return f"{period_label(first.key, first.frequency)}至{end}"


def opinions_on_time(community: Community, days: int) -> tuple[int, int]:
    """(answered within the city's days, opinions received): what the community page reports."""
    received = [o for o in community.opinions if o.received_on is not None]
    on_time = sum(1 for o in received
                  if o.answered_on is not None and (o.answered_on - o.received_on).days <= days)
    return on_time, len(received)
