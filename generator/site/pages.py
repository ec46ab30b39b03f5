"""The model → the list of pages the site has. Pure: no rendering, no files.

Each page carries what its template shows, derived (generator/site/facts.py) — a community's pages
as a function, run when the page is rendered — and the date its data last changed, taken from the
data, never from the clock.
"""

from __future__ import annotations

import datetime
from functools import partial

from generator.model import City, Community, District, Street
from generator.periods import period_title
from generator.print.records import record_sheet
from generator.site import facts, findings, records, urls
from generator.site.chart import bar_chart
from generator.site.downloads import CITY_TABLES, COMMUNITY_TABLES
from generator.site.feeds import CITY_FEED, community_feed_path
from generator.site.history import community_history, history_link
from generator.site.page import Page
from generator.site.rollout import rollout_pages
from generator.site.tablefiles import CITY_DIR, PACKAGE, community_dir, download_links
from generator.stamp import period_stamp, stamp
from generator.streetoffice import office_of

OPINIONS_SHOWN = 20  # the newest on the page; every one is in the download
NO_COMMITTEE_TABLES = ("findings", "rollout")  # what a community without a committee has to download


def site_pages(city: City, version: str = "", only: set[str] | None = None) -> list[Page]:
    """Every generated page, in a stable order; with `only`, the city's own pages (home,
    the rollout pages, districts, streets) and the pages of those communities."""
    home = [("首页", urls.HOME)]
    versions = community_versions(city, only)
    # When each area last changed: each community's date worked out once, not once per area it is in.
    streets_changed = {s.code: facts.area_changed(s.communities) for s in city.streets}
    districts_changed = {d.code: _latest(streets_changed[s.code] for s in d.streets) for d in city.districts}
    pages = [
        Page(urls.HOME, city.settings.name + "居务监督公开", "home.html", partial(home_context, city), "home",
             changed=_latest(districts_changed.values()), version=version),
        *rollout_pages(city, home, version),  # the city's, each district's and each street's
        *supervision_pages(city, home, version),
        Page(records.MECHANISMS, "工作机制", "records/mechanisms.html", {"city": city}, "mechanisms", home,
             changed=city.as_of, version=version),  # city.yaml's settings, as of the city's data
    ]
    for district in city.districts:
        pages.append(Page(urls.district(district.code), district.name, "district.html",
                          partial(district_context, city, district), "district", home,
                          changed=districts_changed[district.code], version=version))
        d_crumbs = home + [(district.name, urls.district(district.code))]
        for street in district.streets:
            pages.append(Page(urls.street(street.code), street.name, "street.html",
                              partial(street_context, city, district, street), "street", d_crumbs,
                              changed=streets_changed[street.code], version=version))
            s_crumbs = d_crumbs + [(street.name, urls.street(street.code))]
            for community in street.communities:
                if only is None or community.code in only:
                    pages.extend(community_pages(city, community, s_crumbs, versions[community.code]))
    return pages


def _latest(dates) -> datetime.date | None:
    return max((d for d in dates if d is not None), default=None)


def community_versions(city: City, only: set[str] | None = None) -> dict[str, str]:
    """code → 'a1b2c3d4 · 2024-12-31', the footer of a community's pages: a hash of the files in its
    folder, dated by the last change its pages show. A change to one community leaves every other
    community's pages as they were, which lets a republish rewrite only what changed."""
    by_code: dict[str, list[str]] = {}
    for rel in city.source_hashes:
        parts = rel.split("/", 2)
        if len(parts) == 3 and parts[0] == "communities":
            by_code.setdefault(parts[1], []).append(rel)
    # A community without a committee has no files of its own: no version to show (an empty one
    # drops the footer's line, generator/site/shell.py).
    return {c.code: stamp(city.source_hashes, by_code.get(c.code, []), facts.community_changed(c))
            if c.committee is not None else ""
            for c in city.communities if only is None or c.code in only}


def _downloads(prefix: str, names: tuple[str, ...]) -> dict:
    return {"tables": download_links(prefix, names), "package": prefix + PACKAGE}


def home_context(city: City) -> dict:
    everyone = city.communities
    return {
        "city": city,
        "overall": facts.progress(city, everyone),
        "districts": [(d, facts.progress(city, d.communities)) for d in city.districts],
        "latest": facts.latest_disclosures(everyone, frequency=city.settings.frequency),
        "open_findings": len(findings.open_of(everyone)),
        "downloads": _downloads(CITY_DIR, CITY_TABLES),
        "feed": CITY_FEED,
    }


def supervision_pages(city: City, home: list[tuple[str, str]], version: str) -> list[Page]:
    """The 督办 pages: the city's overview, then each district's open findings, filtered by rule
    and by age (static pages: the filters work without JavaScript)."""
    pages = [Page(findings.HOME, "督办：未整改的问题", "supervision.html", partial(supervision_context, city), "supervision",
                  home, changed=city.as_of, version=version)]
    crumbs = home + [("督办", findings.HOME)]
    every: dict[str, list] = {}  # district → its open findings (district_lists gives them before the filtered)
    for district, path, title, found, chosen in findings.district_lists(city):
        if chosen is None:
            every[district.code] = found
        all_of_district = every[district.code]
        context = {"city": city, "district": district, "findings": found[:findings.LIST_LIMIT], "total": len(found),
                   "chosen": chosen,
                   "chips": findings.chips(all_of_district, city.as_of, district.code),
                   "all_path": findings.district_path(district.code),
                   "feed": findings.feed_path(district.code), "ages": findings.AGES}
        here = crumbs if chosen is None else crumbs + [(district.name, findings.district_path(district.code))]
        pages.append(Page(path, title, "supervision_list.html", context, "supervision", here,
                          changed=city.as_of, version=version))
    return pages


def supervision_context(city: City) -> dict:
    rows = []
    for d in city.districts:
        found = findings.open_of(d.communities)
        rows.append((d, len(found), findings.chips(found, city.as_of, d.code)))
    return {"city": city, "districts": rows, "total": sum(n for _, n, _ in rows),
            "csv": findings.HOME + "findings.csv"}


def _community_rows(city: City, communities: list[Community]) -> list[dict]:
    return [{"community": c, "last": facts.last_disclosure(c), "overdue": city.overdue_phases(c)}
            for c in communities]


def district_context(city: City, district: District) -> dict:
    overdue_count, overdue = facts.overdue_communities(city, district.communities)
    attention = [c for c in district.communities if c.warnings][:facts.OVERDUE_LIMIT]
    return {
        "city": city, "district": district,
        "overall": facts.progress(city, district.communities),
        "streets": [(s, facts.progress(city, s.communities), sum(len(c.warnings) for c in s.communities))
                    for s in district.streets],
        "overdue_count": overdue_count,
        "overdue": _community_rows(city, overdue),
        "attention": _community_rows(city, attention),
        "latest": facts.latest_disclosures(district.communities, 10, city.settings.frequency),
        "open_findings": len(findings.open_of(district.communities)),
        "inspections": records.district_inspections(city, district),
    }


def street_context(city: City, district: District, street: Street) -> dict:
    return {
        "city": city, "district": district, "street": street,
        "overall": facts.progress(city, street.communities),
        "rows": _community_rows(city, street.communities),
        "latest": facts.latest_disclosures(street.communities, 10, city.settings.frequency),
    }


def community_context(city: City, community: Community) -> dict:
    months = facts.chart_months(community, city.settings.frequency)
    span = facts.span_label(months)
    chart = bar_chart(months, f"chart-{community.code}", f"{community.name}{span}收入与支出") if months else None
    committee_eval = facts.committee_evaluation(community)
    return {
        "city": city, "community": community,
        "overdue": city.overdue_phases(community),
        "span": span, "months": months, "chart": chart,
        "opinions": community.opinions[:OPINIONS_SHOWN],
        "evaluations": facts.latest_evaluations(community),
        "committee_eval": committee_eval,
        "target": city.settings.evaluation_target,
        # Without a committee only the rollout and its findings hold anything: no empty tables offered.
        "downloads": _downloads(community_dir(community.code),
                                COMMUNITY_TABLES if community.committee else NO_COMMITTEE_TABLES),
        "feed": community_feed_path(community.code),
        "findings": findings.of_community(community),
        "opinions_on_time": facts.opinions_on_time(community, city.settings.opinion_answer_days),
        "street_office": office_of(city.settings.street_offices, community.code),
        "steps": facts.phase_steps(city, community),
        "records": records.community_records(city, community),
        "record_pages": records.summaries(city, community),  # the short list; each kind has its own page
    }


def _community_page_context(city: City, community: Community) -> dict:
    return community_context(city, community) | {"history_link": history_link(city, f"roster/{community.code}")}


def period_context(city: City, community: Community, i: int) -> dict:
    """The context of a community's i-th period page."""
    periods = community.periods
    period = periods[i]
    return {
        "city": city, "community": community,
        "period": period,
        "previous": periods[i - 1] if i > 0 else None,
        "next": periods[i + 1] if i + 1 < len(periods) else None,
        "ledger": {"csv": community_dir(community.code) + "ledger.csv",
                   "json": community_dir(community.code) + "ledger.json"},
        "stamp": period_stamp(city, period),  # the same stamp as on the printed sheet
        "history_link": history_link(city, f"period/{community.code}/{period.key}"),
    }


def report_context(city: City, community: Community, report) -> dict:
    return {"city": city, "community": community, "report": report,
            "history_link": history_link(city, f"report/{community.code}/{report.slug}")}


def community_pages(city: City, community: Community, crumbs: list[tuple[str, str]], version: str) -> list[Page]:
    """A community's pages; each derives its context when rendered (generator/site/page.py)."""
    community_changed = facts.community_changed(community)
    pages = [Page(urls.community(community.code), community.name, "community.html",
                  partial(_community_page_context, city, community),
                  "community", crumbs, changed=community_changed, version=version)]
    c_crumbs = crumbs + [(community.name, urls.community(community.code))]
    for i, period in enumerate(community.periods):
        title = period_title(community.name, period.key, city.settings.frequency)
        pages.append(Page(urls.period(community.code, period.key), title, "period.html",
                          partial(period_context, city, community, i), "period",
                          c_crumbs, changed=period.published_on or period.reviewed_on, version=version))
    for report in community.reports:
        pages.append(Page(urls.report(community.code, report.slug), report.title, "report.html",
                          partial(report_context, city, community, report),
                          "report", c_crumbs, changed=report.date, version=version))
    pages += [Page(h.path, h.title, h.template, h.context, "history", c_crumbs, changed=community_changed,
                   version=version, attachments=h.files or None) for h in community_history(city, community)]
    pages += record_pages(city, community, c_crumbs, version)
    return pages


def record_pages(city: City, community: Community, crumbs: list[tuple[str, str]], version: str) -> list[Page]:
    """A page for each record kind the community has (inspections, elections, … allowances: issue 18),
    two taps from the community page, with its tables, findings, downloads and printed sheet."""
    found: list[Page] = []
    for kind in records.page_kinds(community):
        found.append(Page(urls.record(community.code, kind), f"{community.name}{records.PAGE_TITLES[kind]}",
                          "records/page.html", partial(record_context, city, community, kind), "record", crumbs,
                          changed=records.kind_changed(community, kind) or facts.community_changed(community),
                          version=version))
    return found


def record_context(city: City, community: Community, kind: str) -> dict:
    return ({"city": city, "community": community, "records": records.community_records(city, community),
             "history_link": history_link(city, f"record/{community.code}/{kind}")}
            | records.page_context(city, community, kind, record_sheet(city, community, kind)))
