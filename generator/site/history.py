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

from generator import history as hist
from generator.history import History, RecordHistory, verify_code
from generator.model import City, Community
from generator.periods import period_label
from generator.site.privacy import mask_personal
from generator.site.downloads import Field, _csv_file, rows_csv, rows_json

VERIFY = "verify/"


def history_path(record: str) -> str:
    return hist.sheet_path(record) + "history/"


def version_path(record: str, n: int) -> str:
    return f"{history_path(record)}v{n}/"


def record_ids(community: Community) -> list[str]:
    """The records of a community that have a page, in page order."""
    return ([f"roster/{community.code}"] + [f"period/{community.code}/{p.key}" for p in community.periods]
            + [f"report/{community.code}/{r.slug}" for r in community.reports])


def record_title(city: City, community: Community, record: str) -> str:
    kind, _, *rest = record.split("/")
    if kind == "period":
        return f"{community.name}{period_label(rest[0], city.settings.frequency)}财务收支公开"
    if kind == "report":
        found = [r.title for r in community.reports if r.slug == rest[0]]
        return found[0] if found else rest[0]
    committee = community.committee
    return f"{committee.name if committee and committee.name else community.name + '居务监督委员会'}成员公示"


def history_link(city: City, record: str) -> dict | None:
    """What a page shows of its history: the link, how many versions, how many unexplained
    changes; None when the data is not in git (then there is no history page)."""
    history: History | None = getattr(city, "history", None)
    if history is None or not history.available:
        return None
    r = history.get(record)
    versions = len(r.versions) if r else 1
    # One version: no page of its own (at 5,000 communities that would double the site); the page says so.
    return {"path": history_path(record) if versions > 1 else None, "versions": versions,
            "since": r.versions[0].date if r and r.versions else None,
            "unexplained": len(r.unexplained) if r else 0}


# --- downloads of a version --------------------------------------------------------------------

def _fields(kind: str) -> list[Field]:
    if kind in hist.LINE_FIELDS:
        return [Field(name, title) for name, title in hist.LINE_FIELDS[kind]]
    return [Field(name, title) for name, title in hist.HEADER_FIELDS[kind]] + [Field("text", "正文")]


def version_files(record: RecordHistory, v: hist.Version) -> dict[str, bytes]:
    """<history>/v<n>.csv and .json: the version's lines (a report: its fields and text), as published."""
    snap = v.snapshot or {"header": {}, "lines": [], "text": ""}
    fields = _fields(record.kind)
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
    return {f"{base}.csv": _csv_file(fields, rows_csv(fields, rows)), f"{base}.json": body.encode("utf-8")}


# --- pages -------------------------------------------------------------------------------------

@dataclass
class HistoryPage:
    path: str
    title: str
    template: str
    context: dict
    files: dict[str, bytes]


def community_history(city: City, community: Community) -> list[HistoryPage]:
    """The history pages of a community's records (and each old version's printable page)."""
    history: History | None = getattr(city, "history", None)
    if history is None or not history.available:
        return []
    out = []
    for record in record_ids(community):
        r = history.get(record)
        if r is None or len(r.versions) < 2:
            continue
        title = record_title(city, community, record)
        versions = list(reversed(r.versions))  # newest first
        labels = _labels(r)
        files: dict[str, bytes] = {}
        for v in r.versions[:-1]:
            if v.snapshot is not None:
                files |= version_files(r, v)
        out.append(HistoryPage(history_path(record), f"{title}：历史版本", "history.html", {
            "city": city, "community": community, "record": r, "versions": versions, "record_title": title,
            "labels": labels, "page_path": hist.sheet_path(record), "kind": r.kind,
            "downloadable": {v.n for v in r.versions[:-1] if v.snapshot is not None}, "files": files,
        }, files))
        for v in r.versions[:-1]:
            if v.snapshot is None:
                continue
            out.append(HistoryPage(version_path(record, v.n), f"{title}（第 {v.n} 版，已更正）", "history_version.html", {
                "city": city, "community": community, "record": r, "version": v, "record_title": title,
                "labels": labels, "history_path": history_path(record), "kind": r.kind,
                "line_fields": hist.LINE_FIELDS.get(r.kind, []),
            }, {}))
    return out


def _labels(r: RecordHistory) -> dict[str, str]:
    return dict(hist.HEADER_FIELDS[r.kind]) | dict(hist.LINE_FIELDS.get(r.kind, []))


# --- /verify/ ----------------------------------------------------------------------------------

def current_sheets(city: City) -> list[tuple[str, str, str]]:
    """(code, title, page path) of every sheet `juwu print` would print from this data."""
    from generator.print import sheets

    out = []
    for community in city.communities:
        for s in sheets.community_sheets(city, community):
            out.append((s.code, s.title, s.path))
    for s in sheets.rollout_sheets(city):
        out.append((s.code, s.title, s.path))
    return out


def verify_index(city: City, history: History | None) -> dict[str, dict]:
    """code → what /verify/ says of it: current, or an old version (with the changes since)."""
    index: dict[str, dict] = {}
    for code, title, path in current_sheets(city):
        index[code] = {"s": "current", "t": mask_personal(title), "p": path}
    if history is not None and history.available:
        for record, versions in history.amended.items():  # the whole city's, not only the pages rendered now
            path = hist.sheet_path(record)
            later = []
            for v in reversed(versions):
                if v.code and v.code not in index:
                    index[v.code] = {"s": "old", "t": "", "p": path, "h": history_path(record),
                                     "n": v.n, "d": v.date, "since": later[:5]}
                later.insert(0, {"n": v.n, "d": v.date, "r": mask_personal(v.reason or "")})
    return index


def verify_files(city: City, history: History | None) -> dict[str, bytes]:
    """verify/<XX>.json shards (XX: the code's first two characters)."""
    index = verify_index(city, history)
    current_titles = {e["p"]: e["t"] for e in index.values() if e["s"] == "current"}
    shards: dict[str, dict] = {}
    for code, entry in sorted(index.items()):
        if entry["s"] == "old" and not entry["t"]:
            entry["t"] = current_titles.get(entry["p"], "")
        shards.setdefault(code[:2], {})[code] = entry
    return {f"{VERIFY}{key}.json": (json.dumps(found, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
                                    + "\n").encode("utf-8") for key, found in sorted(shards.items())}


def published(city: City, pages: list) -> dict[str, bytes]:
    """What the build writes besides the pages: each old version's CSV and JSON (for the pages
    rendered now) and the /verify/ page with its lookup (for the whole city, every build)."""
    files: dict[str, bytes] = {}
    for page in pages:
        if page.kind == "history":
            files |= page.context.get("files", {})
    history = getattr(city, "history", None)
    files |= verify_files(city, history)
    files[f"{VERIFY}index.html"] = verify_page(city.settings.name).encode("utf-8")
    return files


def verify_page(site_name: str) -> str:
    """The static /verify/ page: reads ?c=CODE (or the code typed in), fetches its shard, says
    in plain Chinese whether the sheet is current, older (what changed since) or unknown."""
    from generator.site.render import environment

    return environment().get_template("verify.html").render(site_name=site_name)


__all__ = ["VERIFY", "community_history", "history_link", "history_path", "verify_code", "verify_files",
           "version_files"]
