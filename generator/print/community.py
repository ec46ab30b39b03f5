"""Every sheet of a community that `juwu print` can make, for /verify/ and the command line:
the ledger, roster, report and findings sheets (sheets.py) and one per record kind (records.py)."""

from __future__ import annotations

from generator.model import City, Community
from generator.print.records import record_sheet
from generator.print.sheets import Sheet, findings_sheet, period_sheet, report_sheet, roster_sheet
from generator.site.records import page_kinds


def community_sheets(city: City, community: Community) -> list[Sheet]:
    """Every sheet of a community that `juwu print` can make: its periods, roster, reports, findings,
    and one per record kind it has (inspections, elections, … allowances)."""
    out = [period_sheet(city, community, p) for p in community.periods]
    if community.committee is not None:
        out.append(roster_sheet(city, community))
    out += [report_sheet(city, community, r) for r in community.reports]
    out.append(findings_sheet(city, community))
    out += [record_sheet(city, community, kind) for kind in page_kinds(community)]  # issue 18's records
    return out
