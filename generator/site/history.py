"""History pages, old-version downloads and the /verify/ lookup. Pure: from the City and its
History (generator/history.py) to pages and {relative path: bytes}.

- <page>/history/: every published version of a period, report or roster, with what changed;
- <page>/history/v<n>/: a printable page of an old version, <page>/history/v<n>.csv / .json its data;
- verify/: one static page and its lookup, sharded by the code's first two characters
  (verify/<XX>.json), so a phone fetches a few kilobytes to check a sheet.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import partial
from typing import Callable

from generator import history as hist
from generator.history import History, RecordHistory, community_of, verify_code
from generator.snapshots import record_fields
from generator.model import City, Community
from generator.periods import period_title
from generator.site.privacy import mask_personal
from generator.site.tablefiles import Field, csv_file, community_dir, rows_csv, rows_json
from generator.stamp import community_stamp, period_stamp, report_stamp

VERIFY = "verify/"


def history_path(record: str) -> str:
    return hist.sheet_path(record) + "history/"


def version_path(record: str, n: int) -> str:
    return f"{history_path(record)}v{n}/"


def community_history_path(code: str) -> str:
    """The community's history page: its roster's versions and every other record's, one row each."""
    return history_path(f"roster/{code}")


def anchor(record: str) -> str:
    """A record's row on its community's history page: 'roster', 'p-2024-05', 'r-<slug>',
    't-<kind>' for a record page's tables (never the same as a report's)."""
    kind, _, *rest = record.split("/")
    if kind == "record":
        return f"t-{rest[0]}"
    return "roster" if kind == "roster" else f"{kind[0]}-{rest[0]}"


def record_ids(community: Community) -> list[str]:
    """The records of a community that have a page, in page order."""
    from generator.site.records import page_kinds  # one way only: site.records never imports this module

    return ([f"roster/{community.code}"] + [f"period/{community.code}/{p.key}" for p in community.periods]
            + [f"report/{community.code}/{r.slug}" for r in community.reports]
            + [f"record/{community.code}/{kind}" for kind in page_kinds(community)])


def record_title(city: City, community: Community, record: str) -> str:
    kind, _, *rest = record.split("/")
    if kind == "period":
        return period_title(community.name, rest[0], city.settings.frequency)
    if kind == "report":
        found = [r.title for r in community.reports if r.slug == rest[0]]
        return found[0] if found else rest[0]
    if kind == "record":
        from generator.site.records import PAGE_TITLES

        return f"{community.name}{PAGE_TITLES.get(rest[0], rest[0])}"
    committee = community.committee
    return f"{committee.name if committee and committee.name else community.name + '居务监督委员会'}成员公示"


def history_link(city: City, record: str) -> dict:
    """What a page shows of its history: the link (its own history page when it was changed, else
    its row on the community's history page), how many versions, since when, how many changes
    without a reason; `none` when the data has no git history to show."""
    history: History | None = getattr(city, "history", None)
    if history is None or not history.available:
        return {"none": True}
    r = history.get(record)
    versions = len(r.versions) if r else 1
    # One version: a row on the community's history page, not a page of its own (at 5,000
    # communities a page per record would double the site: bench/README.md).
    path = history_path(record) if versions > 1 else community_history_path(community_of(record))
    if versions == 1 and not record.startswith("roster/"):
        path += "#" + anchor(record)
    return {"none": False, "path": path, "versions": versions,
            "since": r.versions[0].date if r and r.versions else None,
            "unexplained": len(r.unexplained) if r else 0}


def current_version(city: City, community: Community, record: str) -> dict:
    """The stamp and short code of the current version, as the page and its printed sheet carry them."""
    kind, _, *rest = record.split("/")
    if kind == "period":
        found = [p for p in community.periods if p.key == rest[0]]
        stamp = period_stamp(city, found[0]) if found else ""
    elif kind == "report":
        found = [r for r in community.reports if r.slug == rest[0]]
        stamp = report_stamp(city, found[0]) if found else ""
    elif kind == "record":  # the record page's printed sheet (generator/print/records.py) is stamped from its rows
        from generator.print.records import record_sheet

        sheet = record_sheet(city, community, rest[0])
        return {"stamp": sheet.stamp, "code": sheet.code}
    else:
        stamp = community_stamp(city, community) if community.committee is not None else ""
    return {"stamp": stamp, "code": verify_code(hist.sheet_path(record), stamp) if stamp else ""}


# --- downloads of a version --------------------------------------------------------------------

def _fields(record: str) -> list[Field]:
    kind = record.split("/")[0]
    if kind == "record":
        return [Field(name, title) for name, title in record_fields(record.split("/")[2])]
    if kind in hist.LINE_FIELDS:
        return [Field(name, title) for name, title in hist.LINE_FIELDS[kind]]
    return [Field(name, title) for name, title in hist.HEADER_FIELDS[kind]] + [Field("text", "正文")]


def version_files(record: RecordHistory, v: hist.Version) -> dict[str, bytes]:
    """<history>/v<n>.csv and .json: the version's lines (a report: its fields and text), as published."""
    snap = v.snapshot or {"header": {}, "lines": [], "text": ""}
    fields = _fields(record.record)
    if record.kind in hist.LINE_FIELDS:
        rows = [[row.get(f.name, "") for f in fields] for row in snap["lines"]]
    else:
        rows = [[snap["header"].get(f.name, "") for f in fields[:-1]] + [snap["text"]]]
    base = history_path(record.record) + f"v{v.n}"
    document = {"record": record.record, "version": v.n, "date": v.date, "stamp": v.stamp, "code": v.code,
                "amendment": v.reason, "header": snap["header"]}
    head = json.dumps(document, ensure_ascii=False, sort_keys=True)[:-1]
    lines = rows_json(fields, rows)
    body = (head + ', "rows": [\n' + lines + "\n]}\n") if lines else head + ', "rows": []}\n'
    return {f"{base}.csv": csv_file(fields, rows_csv(fields, rows)), f"{base}.json": body.encode("utf-8")}


# --- pages -------------------------------------------------------------------------------------

@dataclass
class HistoryPage:
    path: str
    title: str
    template: str
    context: dict | Callable[[], dict]  # derived when rendered (site/page.py): a city has ~5,000 of them
    files: dict[str, bytes]  # its old versions' CSV and JSON, published beside it


def community_history(city: City, community: Community) -> list[HistoryPage]:
    """The community's history page (its roster's versions, and a row for every period and report:
    first published, current stamp and code, changed or not), each changed record's own history
    page and each of its old versions' printable page."""
    history: History | None = getattr(city, "history", None)
    if history is None or not history.available:
        return []
    records = record_ids(community)
    if community.committee is None and len(records) == 1:
        return []
    out = _record_pages(city, community, history, records[0], records[1:])
    for record in records[1:]:
        r = history.get(record)
        if r is not None and len(r.versions) > 1:
            out += _record_pages(city, community, history, record, None)
    return out


def _row(city: City, community: Community, history: History, record: str) -> dict:
    """One period's or report's line on its community's history page."""
    r = history.get(record)
    versions = r.versions if r else []
    kind = record.split("/")[0]
    downloads = ({"csv": community_dir(community.code) + "ledger.csv",
                  "json": community_dir(community.code) + "ledger.json"} if kind == "period" else None)
    return {"id": anchor(record), "title": record_title(city, community, record), "page": hist.sheet_path(record),
            "kind": kind, "versions": len(versions), "since": versions[0].date if versions else None,
            "latest": versions[-1].date if versions else None,
            "history": history_path(record) if len(versions) > 1 else None,
            "unexplained": len(r.unexplained) if r else 0, "downloads": downloads,
            "current": current_version(city, community, record)}


def _record_pages(city: City, community: Community, history: History, record: str,
                  others: list[str] | None) -> list[HistoryPage]:
    """A record's history page (the community's, with a row for each of `others`, for the roster)
    and its old versions'; their contexts are made when they are rendered."""
    r = history.get(record) or RecordHistory(record)
    if community.committee is None and record.startswith("roster/"):
        r = RecordHistory(record)  # no committee: the page lists the other records only
    title = record_title(city, community, record)
    files: dict[str, bytes] = {}
    for v in r.versions[:-1]:
        if v.snapshot is not None:
            files |= version_files(r, v)
    page_title = f"{community.name}：公开内容的历史版本" if others is not None else f"{title}：历史版本"
    out = [HistoryPage(history_path(record), page_title, "history.html",
                       partial(_history_context, city, community, history, r, title, others), files)]
    for v in r.versions[:-1]:
        if v.snapshot is None:
            continue
        out.append(HistoryPage(version_path(record, v.n), f"{title}（第 {v.n} 版，已更正）", "history_version.html",
                               partial(_version_context, city, community, r, v, title), {}))
    return out


def _history_context(city: City, community: Community, history: History, r: RecordHistory, title: str,
                     others: list[str] | None) -> dict:
    return {
        "city": city, "community": community, "record": r, "versions": list(reversed(r.versions)),  # newest first
        "record_title": title, "labels": _labels(r), "page_path": hist.sheet_path(r.record), "kind": r.kind,
        "downloadable": {v.n for v in r.versions[:-1] if v.snapshot is not None},
        "current": current_version(city, community, r.record),
        "others": None if others is None else [_row(city, community, history, other) for other in others],
    }


def _version_context(city: City, community: Community, r: RecordHistory, v: hist.Version, title: str) -> dict:
    return {"city": city, "community": community, "record": r, "version": v, "record_title": title,
            "labels": _labels(r), "history_path": history_path(r.record), "kind": r.kind,
            "line_fields": _line_fields(r, v)}


def _line_fields(r: RecordHistory, v: hist.Version) -> list[tuple[str, str]]:
    """The columns of an old version's printable page; a record page's tables: only those its rows have."""
    if r.kind != "record":
        return hist.LINE_FIELDS.get(r.kind, [])
    fields = record_fields(r.record.split("/")[2])
    present = {name for row in (v.snapshot or {}).get("lines", []) for name in row}
    return [(name, title) for name, title in fields if name in present]


def _labels(r: RecordHistory) -> dict[str, str]:
    if r.kind == "record":  # a field's title as its own page's tables have it (two tables' 'meeting' differ)
        return dict(record_fields(r.record.split("/")[2]))
    return dict(hist.HEADER_FIELDS[r.kind]) | dict(hist.LINE_FIELDS.get(r.kind, []))


# --- /verify/ ----------------------------------------------------------------------------------

Sheets = dict[str, list[tuple[str, str, str]]]  # community → (code, masked title, page path) of each sheet


def community_sheets_of(city: City, known: Sheets | None = None) -> Sheets:
    """Each community's sheets as /verify/ lists them; those in `known` (a republish's unchanged
    communities, kept from the published build) are taken as they are."""
    from generator.print.community import community_sheets

    known = known or {}
    return {c.code: known[c.code] if c.code in known else
            [(s.code, mask_personal(s.title), s.path) for s in community_sheets(city, c)]
            for c in city.communities}


def current_sheets(city: City, by_community: Sheets | None = None) -> list[tuple[str, str, str]]:
    """(code, title, page path) of every sheet `juwu print` would print from this data."""
    from generator.print import sheets

    by_community = community_sheets_of(city) if by_community is None else by_community
    out = [row for c in city.communities for row in by_community[c.code]]
    for s in sheets.rollout_sheets(city):
        out.append((s.code, mask_personal(s.title), s.path))
    return out


def verify_index(city: City, history: History | None, by_community: Sheets | None = None) -> dict[str, dict]:
    """code → what /verify/ says of it: current, or an old version (with the changes since). Each
    entry's keys are in sorted order, as the shards print them (verify_files)."""
    index: dict[str, dict] = {}
    for code, title, path in current_sheets(city, by_community):
        index[code] = {"p": path, "s": "current", "t": title}
    if history is not None and history.available:
        for record, versions in history.amended.items():  # the whole city's, not only the pages rendered now
            path = hist.sheet_path(record)
            later = []
            for v in reversed(versions):
                if v.code and v.code not in index:
                    index[v.code] = {"d": v.date, "h": history_path(record), "n": v.n, "p": path, "s": "old",
                                     "since": later[:5], "t": ""}
                later.insert(0, {"d": v.date, "n": v.n, "r": mask_personal(v.reason or "")})
    return index


def verify_files(city: City, history: History | None, by_community: Sheets | None = None) -> dict[str, bytes]:
    """verify/<XX>.json shards (XX: the code's first two characters): sorted keys, the codes sorted
    here and each entry's keys by verify_index (json.dumps' sort_keys: 0.6 s of a republish at 5,000)."""
    index = verify_index(city, history, by_community)
    current_titles = {e["p"]: e["t"] for e in index.values() if e["s"] == "current"}
    shards: dict[str, list[str]] = {}
    for code, entry in index.items():
        if entry["s"] == "old" and not entry["t"]:
            entry["t"] = current_titles.get(entry["p"], "")
        shards.setdefault(code[:2], []).append(code)
    return {f"{VERIFY}{key}.json": (json.dumps({code: index[code] for code in sorted(codes)}, ensure_ascii=False,
                                               separators=(",", ":")) + "\n").encode("utf-8")
            for key, codes in sorted(shards.items())}


def published(city: City, pages: list, by_community: Sheets | None = None) -> dict[str, bytes]:
    """What the build writes besides the pages: each old version's CSV and JSON (for the pages
    rendered now) and the /verify/ page with its lookup (for the whole city, every build;
    `by_community`: every community's sheets, community_sheets_of)."""
    files: dict[str, bytes] = {}
    for page in pages:
        if page.attachments:
            files |= page.attachments
    history = getattr(city, "history", None)
    files |= verify_files(city, history, by_community)
    files[f"{VERIFY}index.html"] = verify_page(city.settings.name).encode("utf-8")
    return files


def verify_page(site_name: str) -> str:
    """The static /verify/ page: reads ?c=CODE (or the code typed in), fetches its shard, says
    in plain Chinese whether the sheet is current, older (what changed since) or unknown."""
    from generator.site.render import shared_environment

    return shared_environment().get_template("verify.html").render(site_name=site_name)


__all__ = ["VERIFY", "community_history", "community_sheets_of", "history_link", "history_path", "verify_code", "verify_files",
           "version_files"]
