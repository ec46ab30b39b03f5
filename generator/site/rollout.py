"""The 推进情况 (rollout) pages: the city's lists its districts, a district's its streets, a
street's its communities, each with the seven phases and what is overdue. Pure: model → pages
and files.

One page listing every street (and the first overdue communities) of the city grew with the city:
95 KB at 5,000 communities. Now no page lists more than the areas under it — the city page its
districts, a district page its streets and at most LIST_LIMIT overdue communities, a street page
its communities — and every list that can be long is also a CSV of all its rows. A community's
status is two taps from the city page: its district, then its street.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from functools import partial

from generator.model import City, Community, District, Street
from generator.site import facts, records, urls
from generator.site.page import Page
from generator.site.tablefiles import (CITY_DIR, PACKAGE, Field, csv_file, csv_text_of, download_links, encode,
                                       rows_csv)

HOME = urls.ROLLOUT
LIST_LIMIT = 100  # overdue communities listed on a district's page; its CSV has them all
COMMUNITIES_CSV = "communities.csv"  # every community under a page, one row each
OVERDUE_CSV = "overdue.csv"  # the communities under a page with a phase overdue
STREETS_CSV = "streets.csv"  # every street of the city (the city page lists districts only)


def district_path(code: str) -> str:
    return f"{HOME}d/{code}/"


def street_path(code: str) -> str:
    return f"{HOME}s/{code}/"


# --- what the pages show ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Area:
    """One row of a table of districts or of streets: its totals, and where its own page is."""

    code: str
    name: str
    path: str  # its rollout page
    progress: facts.Progress
    overdue: int  # communities with a phase past its deadline and not done (有阶段逾期)
    streets: int = 0  # a district's streets (0 for a street)


@dataclass(frozen=True)
class Status:
    """One community's rollout, as the street page and the CSV files show it."""

    community: Community
    reached: object | None  # generator.config.RolloutPhase: the last phase done in order
    next: object | None  # the phase to do next
    overdue: list[int]  # the numbers of its overdue phases
    committee_on: datetime.date | None
    on_time: bool | None  # committee phase done by its deadline; None while not done
    state: str  # the committee in the words of the status badge: 已成立 | 逾期未成立 | 筹建中


def status(city: City, community: Community) -> Status:
    reached, upcoming = facts.phase_steps(city, community)
    phase = city.settings.committee_phase
    overdue = city.overdue_phases(community)
    on = facts.committee_date(city, community)
    timely = None if on is None else facts.on_time(on, facts.phase_deadline(city, phase))
    # As _macros.html's status_badge says it on every other page.
    state = "已成立" if community.committee is not None else "逾期未成立" if phase in overdue else "筹建中"
    return Status(community, reached, upcoming, overdue, on, timely, state)


def changed(communities: list[Community]) -> datetime.date | None:
    """The last rollout date of a group: when its rollout pages last changed."""
    return max((d for c in communities for d in c.rollout.values()), default=None)


def summary(city: City, communities: list[Community]) -> dict:
    """The totals, phases and overdue count of a group of communities: the head of every rollout page."""
    overdue = [c for c in communities if city.overdue_phases(c)]
    return {"total": len(communities), "overall": facts.progress(city, communities),
            "phases": facts.phase_counts(city, communities), "overdue_count": len(overdue)}


def _area(city: City, code: str, name: str, path: str, communities: list[Community], streets: int = 0) -> Area:
    overdue = sum(1 for c in communities if city.overdue_phases(c))
    return Area(code, name, path, facts.progress(city, communities), overdue, streets)


def district_rows(city: City) -> list[Area]:
    return [_area(city, d.code, d.name, district_path(d.code), d.communities, len(d.streets)) for d in city.districts]


def street_rows(city: City, district: District) -> list[Area]:
    return [_area(city, s.code, s.name, street_path(s.code), s.communities) for s in district.streets]


def city_context(city: City) -> dict:
    return summary(city, city.communities) | {
        "city": city,
        "districts": district_rows(city),
        "streets": sum(len(d.streets) for d in city.districts),
        "csv": {"communities": HOME + COMMUNITIES_CSV, "overdue": HOME + OVERDUE_CSV, "streets": HOME + STREETS_CSV},
        "downloads": {"tables": download_links(CITY_DIR, ("communities", "rollout")), "package": CITY_DIR + PACKAGE},
        "inspections": records.dashboard(city),
    }


def district_context(city: City, district: District) -> dict:
    overdue = [c for c in district.communities if city.overdue_phases(c)]
    here = district_path(district.code)
    return summary(city, district.communities) | {
        "city": city, "district": district,
        "streets": street_rows(city, district),
        "overdue": [status(city, c) for c in overdue[:LIST_LIMIT]],
        "csv": {"communities": here + COMMUNITIES_CSV, "overdue": here + OVERDUE_CSV},
    }


def street_context(city: City, district: District, street: Street) -> dict:
    return summary(city, street.communities) | {
        "city": city, "district": district, "street": street,
        "rows": [status(city, c) for c in street.communities],
        "csv": {"communities": street_path(street.code) + COMMUNITIES_CSV},
    }


def rollout_pages(city: City, home: list[tuple[str, str]], version: str) -> list[Page]:
    """The city's rollout page, then each district's, each followed by its streets'."""
    pages = [Page(HOME, "推进情况", "rollout.html", partial(city_context, city), "rollout", home,
                  changed=changed(city.communities), version=version)]
    crumbs = home + [("推进情况", HOME)]
    for d in city.districts:
        title = f"{d.name}推进情况"
        pages.append(Page(district_path(d.code), title, "rollout_district.html", partial(district_context, city, d),
                          "rollout", crumbs, changed=changed(d.communities), version=version))
        d_crumbs = crumbs + [(title, district_path(d.code))]
        for s in d.streets:
            pages.append(Page(street_path(s.code), f"{s.name}推进情况", "rollout_street.html",
                              partial(street_context, city, d, s), "rollout", d_crumbs,
                              changed=changed(s.communities), version=version))
    return pages


# --- the CSV files -----------------------------------------------------------------------------------

def status_fields(city: City) -> list[Field]:
    """One row per community; a column per phase of the city's plan, with its completion date."""
    return [Field("district", "区"), Field("street", "街道"), Field("community_code", "社区代码"),
            Field("community", "社区"), Field("committee", "监督委员会"),
            Field("committee_on", "成立日期", "date"), Field("committee_on_time", "按期成立", "boolean"),
            Field("phase_reached", "已完成阶段", "integer"), Field("next_phase", "下一阶段"),
            Field("next_deadline", "下一阶段计划完成", "date"),
            Field("overdue_phases", "逾期阶段数", "integer"), Field("overdue_list", "逾期阶段"),
            *(Field(f"phase_{p.number}", f"{p.number}. {p.name}", "date") for p in city.settings.phases),
            Field("url", "网页")]


def status_row(city: City, s: Status) -> list:
    c = s.community
    return [c.district_name, c.street_name, c.code, c.name, s.state, s.committee_on, s.on_time,
            s.reached.number if s.reached is not None else 0,
            f"{s.next.number}. {s.next.name}" if s.next is not None else None,
            s.next.deadline if s.next is not None else None,
            len(s.overdue), "、".join(str(n) for n in s.overdue) or None,
            *(c.rollout.get(p.number) for p in city.settings.phases),
            city.settings.site_url + urls.community(c.code) + "#rollout"]


STREET_FIELDS = [Field("district", "区"), Field("street_code", "街道代码"), Field("street", "街道"),
                 Field("communities", "社区数", "integer"), Field("established", "已成立", "integer"),
                 Field("on_time", "按期", "integer"), Field("late", "逾期完成", "integer"),
                 Field("not_established_overdue", "逾期未成立", "integer"),
                 Field("overdue", "有阶段逾期", "integer"), Field("url", "网页")]


def published(city: City) -> dict[str, bytes]:
    """Every community's status for the city, each district and each street, the overdue ones of
    the city and of each district, and every street's totals."""
    fields = status_fields(city)
    everyone = city.communities
    # Each community's line written once, then put together for the city, its district and its street.
    cells = encode(fields, [status_row(city, status(city, c)) for c in everyone]).csv
    lines = {c.code: csv_text_of([row]) for c, row in zip(everyone, cells)}
    overdue = {c.code for c in everyone if city.overdue_phases(c)}

    def csv_of(communities: list[Community], only_overdue: bool = False) -> bytes:
        return csv_file(fields, "".join(lines[c.code] for c in communities if not only_overdue or c.code in overdue))

    files = {HOME + COMMUNITIES_CSV: csv_of(city.communities), HOME + OVERDUE_CSV: csv_of(city.communities, True)}
    streets = []
    for d in city.districts:
        files[district_path(d.code) + COMMUNITIES_CSV] = csv_of(d.communities)
        files[district_path(d.code) + OVERDUE_CSV] = csv_of(d.communities, True)
        for s, area in zip(d.streets, street_rows(city, d)):
            files[street_path(s.code) + COMMUNITIES_CSV] = csv_of(s.communities)
            p = area.progress
            streets.append([d.name, s.code, s.name, p.total, p.established, p.on_time, p.late, p.overdue,
                            area.overdue, city.settings.site_url + area.path])
    files[HOME + STREETS_CSV] = csv_file(STREET_FIELDS, rows_csv(STREET_FIELDS, streets))
    return files
