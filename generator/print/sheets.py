"""The model → printable sheets. Pure: each sheet is a template name and the values it shows."""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass, field

from generator.model import City, Community, Period, Report, Street
from generator.periods import period_span, period_title
from generator.history import verify_code
from generator.print.qr import qr_svg
from generator.site import urls
from generator.site.findings import Finding, of_community
from generator.stamp import SHORT, community_stamp, period_stamp, report_stamp, rollout_stamp


@dataclass(frozen=True)
class Layout:
    """Paper: A4 portrait by default; A3 or landscape for wide ledgers and long rollout tables."""

    size: str = "A4"
    landscape: bool = False

    @property
    def css_size(self) -> str:
        return f"{self.size} {'landscape' if self.landscape else 'portrait'}"


@dataclass
class Sheet:
    """One printed document: it has its own page numbers (第 1 页 / 共 N 页)."""

    template: str  # under templates/print/
    title: str
    stamp: str
    url: str  # the public page this sheet matches (the QR code's target)
    layout: Layout
    context: dict = field(default_factory=dict)
    path: str = ""  # the page's path on the site (c/…/finance/2024-05/), the short code's address

    @property
    def code(self) -> str:
        """The short code printed beside the QR code (generator/history.py verify_code): it names this
        sheet's address and version, and /verify/?c=CODE says whether the sheet is still current."""
        return verify_code(self.path, self.stamp)

    @property
    def verify_url(self) -> str:
        """Where the QR code leads: the site's /verify/ page with this sheet's code."""
        base = self.url[:len(self.url) - len(self.path)] if self.path and self.url.endswith(self.path) else self.url
        return f"{base}verify/?c={self.code}"

    @property
    def qr(self) -> str:
        return qr_svg(self.verify_url)


def public_url(city: City, path: str) -> str:
    """The page's address on the public site: the city's site_url + the stable path."""
    return city.settings.site_url.rstrip("/") + "/" + path


def posting_until(city: City, period: Period) -> datetime.date | None:
    """Last day on the board: posting_days days counted from the publication day itself."""
    if period.published_on is None:
        return None
    return period.published_on + datetime.timedelta(days=city.settings.posting_days - 1)


def period_sheet(city: City, community: Community, period: Period, layout: Layout = Layout()) -> Sheet:
    committee = community.committee
    title = period_title(community.name, period.key, city.settings.frequency)  # the page's title too
    return Sheet("period.html", title, period_stamp(city, period),
                 public_url(city, urls.period(community.code, period.key)), layout, path=urls.period(community.code, period.key), context={
                     "city": city, "community": community, "committee": committee, "period": period,
                     "issuer": f"{community.name}居民委员会",
                     "reviewing_body": committee.name if committee and committee.name
                     else f"{community.name}居务监督委员会",
                     "covers": period_span(period.key, city.settings.frequency),
                     "rows": list(zip(period.lines, period.running_balances())),
                     "posting_from": period.published_on, "posting_until": posting_until(city, period),
                 })


def roster_sheet(city: City, community: Community, layout: Layout = Layout()) -> Sheet:
    committee = community.committee
    name = committee.name if committee and committee.name else f"{community.name}居务监督委员会"
    return Sheet("roster.html", f"{name}成员公示", community_stamp(city, community),
                 public_url(city, urls.community(community.code)), layout,
                 {"city": city, "community": community, "committee": committee, "body": name},
                 urls.community(community.code))


def report_sheet(city: City, community: Community, report: Report, layout: Layout = Layout()) -> Sheet:
    return Sheet("report.html", report.title, report_stamp(city, report),
                 public_url(city, urls.report(community.code, report.slug)), layout,
                 {"city": city, "community": community, "report": report}, urls.report(community.code, report.slug))


def rollout_sheet(city: City, area_name: str, area_path: str, streets: list[Street],
                  layout: Layout = Layout()) -> Sheet:
    """The rollout summary of a street, or of a district (one block per street)."""
    communities = [c for s in streets for c in s.communities]
    phases = [(p, city.phase_done(p.number, communities)) for p in city.settings.phases]
    return Sheet("rollout.html", f"{area_name}居务监督委员会建设推进情况", rollout_stamp(city),
                 public_url(city, area_path), layout,
                 {"city": city, "area_name": area_name, "streets": streets, "communities": communities,
                  "phases": phases}, area_path)


def findings_sheet(city: City, community: Community, layout: Layout = Layout()) -> Sheet:
    """The rectification notice (整改通知): the community's open findings, then the closed ones.

    Only each finding's public text is shown (Finding.text), never the clerk's message that names
    the private people of officials.csv. A community without findings gets a sheet that says so.
    """
    found = of_community(community)
    committee = community.committee
    # Without a committee (the rollout is overdue), the street that supervises the rollout signs.
    body = (committee.name or f"{community.name}居务监督委员会") if committee else community.street_name
    return Sheet("findings.html", f"{community.name}居务监督整改通知", findings_stamp(city, community, found),
                 public_url(city, urls.community(community.code)) + "#findings", layout,
                 {"city": city, "community": community, "committee": committee, "body": body,
                  "open_findings": [f for f in found if f.is_open],
                  "closed_findings": [f for f in found if not f.is_open]}, urls.community(community.code) + "#findings")


def findings_stamp(city: City, community: Community, found: list[Finding]) -> str:
    """'3f9a1c07 · 2025-01-31': a hash of exactly the findings printed, dated by the data's date
    (the days each finding has stood are counted to that date). Findings come from rules reading
    many files, so the stamp hashes what they say rather than the files behind them."""
    h = hashlib.sha256(community.code.encode())
    for f in found:
        fields = (f.code, f.text, f.rule, f.since, f.due, f.closed)
        h.update(("\0".join("" if v is None else str(v) for v in fields) + "\n").encode())
    return f"{h.hexdigest()[:SHORT]} · {city.as_of.isoformat()}"


def inspections_sheet(city: City, community: Community, layout: Layout = Layout()) -> Sheet:
    """检查结果公示: the community's inspections and assessments, newest first, each item's result and
    the problems found with their deadlines and state (generator/site/records.py shows the same)."""
    from generator.records import plain_number
    from generator.site.records import community_records

    shown = community_records(city, community)["inspections"]
    h = hashlib.sha256(community.code.encode())
    for s in shown:
        ins = s["inspection"]
        for item, state in s["rows"]:
            fields = (ins.id, ins.kind, ins.inspected_on, ins.group, item.item, item.outcome(city.settings.inspection_pass_score),
                      item.score, item.problem, item.rectify_by, item.rectified_on, state)
            h.update(("\0".join("" if v is None else str(v) for v in fields) + "\n").encode())
    stamp = f"{h.hexdigest()[:SHORT]} · {city.as_of.isoformat()}"
    path = urls.record(community.code, "inspections")  # the inspections' own page
    return Sheet("inspections.html", f"{community.name}居务监督委员会检查考核结果公示", stamp,
                 public_url(city, path), layout,
                 {"city": city, "community": community, "committee": community.committee, "inspections": shown,
                  "plain_number": plain_number}, path)


def rollout_sheets(city: City) -> list[Sheet]:
    """The rollout summary of every street and every district."""
    out = []
    for district in city.districts:
        for street in district.streets:
            out.append(rollout_sheet(city, district.name + street.name, urls.street(street.code), [street]))
        out.append(rollout_sheet(city, district.name, urls.district(district.code), district.streets))
    return out
