"""The model → the list of pages the site has. Pure: no rendering, no files."""

from __future__ import annotations

from dataclasses import dataclass, field

from generator.model import City, Community
from generator.site import urls
from generator.stamp import period_stamp


@dataclass
class Page:
    path: str  # directory URL, e.g. c/310101002001/
    title: str
    template: str
    context: dict = field(default_factory=dict)
    kind: str = "page"  # home | district | street | community | period | report | rollout
    crumbs: list[tuple[str, str]] = field(default_factory=list)  # (title, path) from home down


def site_pages(city: City) -> list[Page]:
    """Every generated page, in a stable order."""
    pages = [
        Page(urls.HOME, city.settings.name + "居务监督公开", "home.html", {"city": city}, "home"),
        Page(urls.ROLLOUT, "推进情况", "rollout.html", {"city": city}, "rollout",
             [("首页", urls.HOME)]),
    ]
    for district in city.districts:
        crumbs = [("首页", urls.HOME)]
        pages.append(Page(urls.district(district.code), district.name, "district.html",
                          {"city": city, "district": district}, "district", crumbs))
        for street in district.streets:
            s_crumbs = crumbs + [(district.name, urls.district(district.code))]
            pages.append(Page(urls.street(street.code), street.name, "street.html",
                              {"city": city, "district": district, "street": street}, "street", s_crumbs))
            for community in street.communities:
                pages.extend(community_pages(city, community, s_crumbs + [(street.name, urls.street(street.code))]))
    return pages


def community_pages(city: City, community: Community, crumbs: list[tuple[str, str]]) -> list[Page]:
    base = {"city": city, "community": community}
    pages = [Page(urls.community(community.code), community.name, "community.html", base, "community", crumbs)]
    c_crumbs = crumbs + [(community.name, urls.community(community.code))]
    periods = community.periods
    for i, period in enumerate(periods):
        context = base | {
            "period": period,
            "previous": periods[i - 1] if i > 0 else None,
            "next": periods[i + 1] if i + 1 < len(periods) else None,
            "stamp": period_stamp(city, period),  # the same stamp as on the printed sheet
        }
        title = f"{community.name}{period.year}年{period.month}月财务收支公开"
        pages.append(Page(urls.period(community.code, period.key), title, "period.html", context, "period", c_crumbs))
    for report in community.reports:
        pages.append(Page(urls.report(community.code, report.slug), report.title, "report.html",
                          base | {"report": report}, "report", c_crumbs))
    return pages
