"""What to print, from the command line's codes: the sheets, or a bilingual error. Pure."""

from __future__ import annotations

from dataclasses import dataclass, field

from generator.dates import DateError, parse_period
from generator.model import City, Community, District, Street
from generator.print import RECORD_SHEETS, SHEETS
from generator.print.sheets import (
    Layout, Sheet, findings_sheet, period_sheet, report_sheet, roster_sheet, rollout_sheet,
)
from generator.problems import JuwuError
from generator.site import urls


class PrintError(JuwuError):
    """The request names something the data does not have (an unknown code, period or report)."""

    code = "print-request"


@dataclass(frozen=True)
class Request:
    sheet: str = "period"
    community: str | None = None
    street: str | None = None
    district: str | None = None
    period: str | None = None
    report: str | None = None
    layout: Layout = Layout()


@dataclass
class Selection:
    sheets: list[Sheet]
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (zh, en) notes: left out and why


def select_sheets(city: City, req: Request) -> Selection:
    if req.sheet not in SHEETS:
        raise PrintError(f"没有名为 {req.sheet} 的公开表（可选：{'、'.join(SHEETS)}）",
                         f"unknown sheet {req.sheet} (one of: {', '.join(SHEETS)})")
    if req.sheet == "rollout":
        return Selection([_rollout(city, req)])
    if req.sheet == "report":
        community = _community(city, _need(req.community, "--community", "社区代码"))
        return Selection([report_sheet(city, community, _report(community, req.report), req.layout)])
    if (req.community is None) == (req.street is None):
        raise PrintError("请用 --community 指定一个社区，或用 --street 指定一个街道（二选一）",
                         "give either --community CODE or --street CODE (exactly one)")
    communities = [_community(city, req.community)] if req.community else _street(city, req.street).communities
    if req.sheet == "roster":
        return _rosters(city, communities, req)
    if req.sheet == "findings":  # every community: one without findings gets a sheet saying so
        return Selection([findings_sheet(city, c, req.layout) for c in communities])
    if req.sheet in RECORD_SHEETS:  # communities with records of that kind (issue 18)
        from generator.print.records import has_records, record_sheet

        having = [c for c in communities if has_records(c, req.sheet)]
        if not having:
            raise PrintError(f"所选社区没有{SHEETS[req.sheet]}所需的记录（{req.sheet}.csv）",
                             f"the communities chosen have no {req.sheet} records ({req.sheet}.csv)")
        return Selection([record_sheet(city, c, req.sheet, req.layout) for c in having])
    return _periods(city, communities, req)


def _periods(city: City, communities: list[Community], req: Request) -> Selection:
    key = _period_key(req.period)
    selection = Selection([])
    for community in communities:
        period = next((p for p in community.periods if p.key == key), None)
        if period is not None:
            selection.sheets.append(period_sheet(city, community, period, req.layout))
            continue
        keys = [p.key for p in community.periods]
        note = (f"{community.name}（{community.code}）没有 {key} 的财务公开（已有：{'、'.join(keys) or '无'}）",
                f"{community.code} has no ledger for {key} (it has: {', '.join(keys) or 'none'})")
        if req.community:
            raise PrintError(*note)
        selection.skipped.append(note)
    if not selection.sheets:
        raise PrintError(f"该街道没有任何社区公开了 {key} 的财务", f"no community of this street has a ledger for {key}")
    return selection


def _rosters(city: City, communities: list[Community], req: Request) -> Selection:
    selection = Selection([])
    for community in communities:
        if community.committee is not None:
            selection.sheets.append(roster_sheet(city, community, req.layout))
            continue
        note = (f"{community.name}（{community.code}）尚未成立居务监督委员会",
                f"{community.code} has no supervision committee yet")
        if req.community:
            raise PrintError(*note)
        selection.skipped.append(note)
    if not selection.sheets:
        raise PrintError("该街道还没有成立居务监督委员会的社区", "no community of this street has a committee yet")
    return selection


def _rollout(city: City, req: Request) -> Sheet:
    if (req.street is None) == (req.district is None):
        raise PrintError("推进情况表请用 --street 或 --district 指定范围（二选一）",
                         "the rollout sheet needs either --street CODE or --district CODE (exactly one)")
    if req.street:
        street = _street(city, req.street)
        district = next(d for d in city.districts if street in d.streets)
        return rollout_sheet(city, district.name + street.name, urls.street(street.code), [street], req.layout)
    district = _district(city, req.district)
    return rollout_sheet(city, district.name, urls.district(district.code), district.streets, req.layout)


def _need(value: str | None, option: str, what: str) -> str:
    if not value:
        raise PrintError(f"缺少 {option}（{what}）", f"missing {option}")
    return value


def _period_key(text: str | None) -> str:
    try:
        return parse_period(_need(text, "--period", "公开期间，例如 2024-05"))
    except DateError as exc:
        raise PrintError(f"--period {text}：{exc.zh}", f"--period {text}: {exc.en}") from None


def _community(city: City, code: str) -> Community:
    found = next((c for c in city.communities if c.code == code.strip()), None)
    if found is None:
        raise PrintError(f"找不到社区代码 {code}（应为 communities.csv 中的 12 位统计用区划代码）",
                         f"unknown community code {code} (the 12-digit code from communities.csv)")
    return found


def _street(city: City, code: str) -> Street:
    found = next((s for s in city.streets if s.code == code.strip()), None)
    if found is None:
        known = "、".join(f"{s.code} {s.name}" for s in city.streets[:20])
        raise PrintError(f"找不到街道代码 {code}（街道代码为社区代码的前 9 位，例如：{known}）",
                         f"unknown street code {code} (the first 9 digits of a community code)")
    return found


def _district(city: City, code: str) -> District:
    found = next((d for d in city.districts if d.code == code.strip()), None)
    if found is None:
        known = "、".join(f"{d.code} {d.name}" for d in city.districts[:20])
        raise PrintError(f"找不到区代码 {code}（区代码为社区代码的前 6 位，例如：{known}）",
                         f"unknown district code {code} (the first 6 digits of a community code)")
    return found


def _report(community: Community, slug: str | None):
    slug = _need(slug, "--report", "报告文件名，不含 .md")
    found = next((r for r in community.reports if r.slug == slug.strip().removesuffix(".md")), None)
    if found is None:
        slugs = [r.slug for r in community.reports]
        raise PrintError(f"{community.name}没有名为 {slug} 的监督报告（已有：{'、'.join(slugs) or '无'}）",
                         f"{community.code} has no report {slug} (it has: {', '.join(slugs) or 'none'})")
    return found
