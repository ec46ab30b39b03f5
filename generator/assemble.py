"""Typed rows → the City model. Pure: no reading, no checking beyond what assembly needs."""

from __future__ import annotations

import datetime
import functools
from decimal import Decimal

from generator.config import CitySettings
from generator import records
from generator.load.sources import Loaded, TypedRow
from generator.model import (
    SIX_UNIFICATIONS, ZERO, City, Committee, Community, District, Evaluation, LedgerLine,
    Member, MemberChange, Official, Opinion, Period, Rectification, Report, Street,
)


def assemble_city(settings: CitySettings, loaded: Loaded, typed: dict[str, list[TypedRow]]) -> City:
    by_kind: dict[str, list[TypedRow]] = {}
    for source in loaded.sources:
        by_kind.setdefault(source.kind, []).extend(typed.get(source.file, []))
    communities: dict[str, Community] = {}
    for row in by_kind.get("communities", []):
        v = row.values
        if v.get("code") and v["code"] not in communities:
            communities[v["code"]] = Community(
                code=v["code"], name=v.get("name") or v["code"], district_name=v.get("district") or "",
                street_name=v.get("street") or "", households=v.get("households"),
                rc_term_start=v.get("rc_term_start"), rc_term_end=v.get("rc_term_end"), row=row.where()[0])
    for row in by_kind.get("rollout", []):
        v = row.values
        community = communities.get(v.get("community"))
        if community and v.get("phase") and v.get("completed_on"):
            community.rollout[v["phase"]] = v["completed_on"]
            community.rollout_rows[v["phase"]] = row.where()[0]
    periods: dict[tuple[str, str], Period] = {}
    for source in loaded.sources:
        community = communities.get(source.community or "")
        if community is None:
            continue
        rows = typed.get(source.file, [])
        if source.kind == "committee" and rows:
            community.committee = _committee(rows[0].values, source.file)
        elif source.kind == "members":
            community.members = [_member(r) for r in rows]
        elif source.kind == "officials":
            community.officials = [Official(r.values.get("name") or "", r.values.get("body") or "",
                                            r.values.get("post") or "", r.values.get("relative"),
                                            r.values.get("relation"), source.file, r.where()[0]) for r in rows]
        elif source.kind == "ledger_period" and rows:
            period = _period(source.period or "", rows[0].values, source.file)
            periods[(community.code, period.key)] = period
            community.periods.append(period)
        elif source.kind == "report" and rows:
            community.reports.append(_report(source.file, source.body, rows[0].values))
        elif source.kind == "opinions":
            community.opinions = [Opinion(**{k: r.values.get(k) for k in (
                "received_on", "channel", "subject", "content", "answer", "answered_on", "status")},
                file=source.file, row=r.where()[0]) for r in rows]
        elif source.kind == "evaluations":
            community.evaluations = [_evaluation(r) for r in rows]
        elif source.kind == "member_changes":
            community.member_changes = sorted(
                (MemberChange(**{k: r.values.get(k) for k in (
                    "changed_on", "name", "change", "role_before", "role_after", "reason", "meeting", "published_on")},
                    file=source.file, row=r.where()[0]) for r in rows),
                key=lambda x: (x.changed_on or datetime.date.min, x.name or ""))
        elif source.kind in records.KINDS:
            setattr(community, records.KINDS[source.kind],
                    [records.build_rows(source.kind, r.values, source.file, r.where()[0]) for r in rows])
        elif source.kind == "rectifications":
            community.rectifications = sorted(
                (Rectification(**{k: r.values.get(k) for k in (
                    "id", "found_on", "report", "problem", "responsible", "due", "status", "closed_on", "action",
                    "closed_by")}, file=source.file, row=r.where()[0]) for r in rows),
                key=lambda x: (x.found_on or datetime.date.min, x.id or ""))
    for source in loaded.of_kind("ledger_lines"):
        period = periods.get((source.community or "", source.period or ""))
        if period is not None:
            period.lines_file = source.file
            period.lines = [_line(r) for r in typed.get(source.file, [])]
    for community in communities.values():
        community.periods.sort(key=lambda p: p.key)
        community.reports.sort(key=lambda r: (r.date or datetime.date.min, r.slug), reverse=True)
        community.opinions.sort(key=lambda o: o.received_on or datetime.date.min, reverse=True)
        community.decisions.sort(key=lambda d: d.decided_on or datetime.date.min, reverse=True)
        community.trainings.sort(key=lambda t: t.held_on or datetime.date.min, reverse=True)
    as_of = _as_of(settings.as_of, communities.values())
    return City(settings, as_of, _group(communities.values()), dict(loaded.hashes))


def _group(communities) -> list[District]:
    districts: dict[str, District] = {}
    streets: dict[str, Street] = {}
    for c in sorted(communities, key=lambda c: c.code):
        district = districts.setdefault(c.district_code, District(c.district_code, c.district_name))
        if c.street_code not in streets:
            streets[c.street_code] = Street(c.street_code, c.street_name)
            district.streets.append(streets[c.street_code])
        streets[c.street_code].communities.append(c)
    return list(districts.values())


def _as_of(written: datetime.date | None, communities) -> datetime.date:
    """city.yaml's as_of, moved forward by any later record the site shows (an upload newer than it
    moves it: no page shows a record dated after the day its data is said to describe); the latest
    record's date when city.yaml sets none. Rollout dates do not move a written as_of: one after it is
    refused (rollout-future), so it is never shown."""
    if written is None:
        return _latest_date(communities)
    later = [d for c in communities for d in _shown_dates(c, rollout=False) if d is not None and d > written]
    return max(later, default=written)


def _latest_date(communities) -> datetime.date:
    """The city's "as of" when city.yaml sets none: the latest date of any record the site shows,
    so no page shows a record dated after the day its data is said to describe."""
    dates = [d for c in communities for d in _shown_dates(c) if d is not None]
    return max(dates, default=datetime.date(2000, 1, 1))


def _shown_dates(c: Community, rollout: bool = True):
    """Every date of a record on the community's pages (deadlines are not records: they are left out)."""
    if rollout:
        yield from c.rollout.values()
    for p in c.periods:
        yield from (p.published_on, p.reviewed_on)
        yield from (line.date for line in p.lines)
    yield from (r.date for r in c.reports)
    for o in c.opinions:
        yield from (o.received_on, o.answered_on)
    yield from (e.held_on for e in c.evaluations)
    for r in c.rectifications:
        yield from (r.found_on, r.closed_on)
    yield from (i.inspected_on for i in c.inspections)
    yield from (e.held_on for e in c.elections)
    yield from (d.decided_on for d in c.decisions)
    yield from (t.held_on for t in c.trainings)
    yield from (a.published_on for a in c.allowances)
    if c.committee is not None:
        yield c.committee.elected_on


def _committee(v: dict, file: str) -> Committee:
    return Committee(
        name=v.get("name") or "", elected_by=v.get("elected_by") or "", elected_on=v.get("elected_on"),
        term_start=v.get("term_start"), term_end=v.get("term_end"), sub_groups=list(v.get("sub_groups") or []),
        six_unifications={key: v.get(f"six_unifications.{key}") for key, _ in SIX_UNIFICATIONS},
        office_address=v.get("office.address"), office_hours=v.get("office.hours"),
        supervision_phone=v.get("supervision_phone"), report_box=v.get("report_box"),
        chair_monthly_pay=_money(v.get("chair_pay.monthly_pay")),
        heads_basic_pay=_money(v.get("chair_pay.heads_basic_pay")),
        chair_monthly_allowance=_money(v.get("chair_pay.monthly_allowance")),
        annual_budget=_money(v.get("funding.annual_budget")), file=file)


def _member(row: TypedRow) -> Member:
    v = row.values
    return Member(v.get("name") or "", v.get("role") or "", v.get("gender"), v.get("political_status") or "",
                  v.get("retired"), v.get("concurrent_post"), v.get("sub_group"), v.get("duties"), v.get("mobile"),
                  row.source.file, row.where()[0])


def _period(key: str, v: dict, file: str) -> Period:
    return Period(key=key, opening_balance=_money(v.get("opening_balance")) or ZERO,
                  closing_balance=_money(v.get("closing_balance")) or ZERO, prepared_by=v.get("prepared_by") or "",
                  reviewer=v.get("review.reviewer") or "", reviewed_on=v.get("review.reviewed_on"),
                  review_opinion=v.get("review.opinion") or "", published_on=v.get("published_on"),
                  amendment=v.get("amendment"), header_file=file)


def _line(row: TypedRow) -> LedgerLine:
    v = row.values
    return LedgerLine(v.get("date"), v.get("voucher") or "", v.get("category") or "", v.get("summary") or "",
                      _money(v.get("income")), _money(v.get("expense")), v.get("funding_source"),
                      v.get("handled_by") or "", row.where()[0])


def _report(file: str, body: str, v: dict) -> Report:
    slug = file.rsplit("/", 1)[-1].removesuffix(".md")
    return Report(slug, v.get("type") or "", v.get("date"), v.get("title") or slug, v.get("status"),
                  v.get("due"), body, file)


def _evaluation(row: TypedRow) -> Evaluation:
    v = row.values
    n = lambda k: v.get(k) or 0  # noqa: E731 - counts left empty mean none
    return Evaluation(v.get("year") or 0, v.get("held_on"), v.get("evaluated") or "", v.get("post"),
                      n("reps_expected"), n("reps_present"), n("ballots_valid"), v.get("ballots_void"),
                      n("excellent"), n("competent"), n("basically_competent"), n("incompetent"),
                      n("satisfied"), n("basically_satisfied"), n("dissatisfied"), row.source.file, row.where()[0])


def _money(value) -> Decimal | None:
    if value is None:
        return None
    return _amount(value) if value else Decimal(value).quantize(CENT)  # a zero keeps its sign


CENT = Decimal("0.01")


# The same amounts recur across a city's ~1.2 million ledger lines (a month's fee, an allowance):
# one shared Decimal per amount keeps the loaded city ~100 MB smaller at 5,000 communities, and
# stays shared in the models a validation shard sends back (pickle writes a shared object once).
# Equal non-zero Decimals quantize to the same value with the same exponent, so sharing one is exact.
@functools.lru_cache(maxsize=65_536)
def _amount(value: Decimal) -> Decimal:
    return Decimal(value).quantize(CENT)
