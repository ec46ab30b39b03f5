"""Every table a resident sees, for download: CSV (Excel-safe), JSON and a Data Package.

Pure: `community_files` and `city_files` return {relative path: bytes}; build.py writes them. The
city-wide tables are the exception: `write_city_tables` streams them into the site from each
community's rows (~150 MB at 5,000 communities, never held at once).
- CSV is UTF-8 with a BOM, so Chinese Excel opens it without garbling; text cells that start with
  = + - @ tab or CR get a leading apostrophe, so no cell is run as a formula (SECURITY.md item 11).
- JSON holds the same rows as objects; amounts are exact JSON numbers (never passed through float).
- datapackage.json describes the CSV files with Table Schemas; `frictionless validate` accepts it.
Never here: officials.csv (avoidance data), mobile numbers (the members table has no mobile column,
and every text passes privacy.mask_personal on the way out), anything not already shown on the site.

The city-wide package carries summaries (one row per community, period, report…); ledger lines
are per community only, because a city of 5,000 communities has millions of them.
"""

from __future__ import annotations

import contextlib
import functools
from pathlib import Path
from typing import Callable

from generator.model import City, Community
from generator.site import facts, record_tables, urls
from generator.site.tablefiles import (CHANGE_FIELDS, CITY_DIR, COMMUNITY_FIELDS, EVALUATION_FIELDS, F,
                                       FINDING_FIELDS, LINE_FIELDS, MEMBER_FIELDS, OPINION_FIELDS, PACKAGE,
                                       PERIOD_FIELDS, RECTIFICATION_FIELDS, REPORT_FIELDS, ROLLOUT_FIELDS,
                                       community_dir, csv_file, csv_text_of, encode, Encoded, Field, files_for,
                                       json_file, json_text_of, package_json, Table)

COMMUNITY_TABLES = ("members", "member_changes", "periods", "ledger", "reports", "opinions", "evaluations",
                    "rectifications", "findings", "rollout",
                    "inspections", "elections", "decisions", "projects", "assets", "trainings", "allowances")
RECORD_TABLES = ("inspections", "elections", "decisions", "projects", "assets", "trainings", "allowances")
CITY_TABLES = ("communities", "rollout", "members", "periods", "reports", "opinions", "evaluations") + RECORD_TABLES


def _members(c: Community) -> list[list]:
    k = c.committee
    return [[m.role, m.name, m.political_status, m.sub_group, m.duties, k.elected_by if k else None,
             k.term_start if k else None, k.term_end if k else None] for m in c.members]


def _periods(c: Community) -> list[list]:
    return [[p.key, p.opening_balance, p.income_total, p.expense_total, p.closing_balance, p.reviewer,
             p.reviewed_on, p.review_opinion, p.published_on, p.amendment] for p in c.periods]


def _lines(c: Community) -> list[list]:
    return [[p.key, i, l.date, l.voucher, l.category, l.summary, l.income, l.expense, l.funding_source,
             l.handled_by] for p in c.periods for i, l in enumerate(p.lines, 1)]


def _reports(c: Community, site_url: str) -> list[list]:
    return [[r.date, r.type, r.title, r.status, r.due, site_url + urls.report(c.code, r.slug)] for r in c.reports]


def _opinions(c: Community) -> list[list]:
    return [[o.received_on, o.channel, o.subject, o.content, o.answer, o.answered_on, o.status] for o in c.opinions]


def _evaluations(c: Community) -> list[list]:
    return [[e.year, e.held_on, e.evaluated, e.post, e.reps_expected, e.reps_present, e.ballots_valid,
             e.excellent, e.competent, e.basically_competent, e.incompetent, e.satisfied, e.basically_satisfied,
             e.dissatisfied, e.satisfaction] for e in c.evaluations]


def _rectifications(c: Community) -> list[list]:
    return [[r.id, r.found_on, r.problem, r.responsible, r.due, r.status, r.closed_on, r.action, r.report,
             r.closed_by] for r in c.rectifications]


def _findings(c: Community) -> list[list]:
    from generator.site.findings import of_community

    return [[f.code, f.rule, f.text, f.since, f.due, f.closed] for f in of_community(c)]


def _rollout(city: City, c: Community) -> list[list]:
    overdue = set(city.overdue_phases(c))
    return [[p.number, p.name, p.deadline, c.rollout.get(p.number), p.number in overdue]
            for p in city.settings.phases]


def community_tables(city: City, c: Community) -> list[Table]:
    url = city.settings.site_url
    return [
        Table("members", MEMBER_FIELDS, _members(c)),
        Table("member_changes", CHANGE_FIELDS, record_tables.member_change_rows(c)),
        Table("periods", PERIOD_FIELDS, _periods(c)),
        Table("ledger", LINE_FIELDS, _lines(c)),
        Table("reports", REPORT_FIELDS, _reports(c, url)),
        Table("opinions", OPINION_FIELDS, _opinions(c)),
        Table("evaluations", EVALUATION_FIELDS, _evaluations(c)),
        Table("rectifications", RECTIFICATION_FIELDS, _rectifications(c)),
        Table("findings", FINDING_FIELDS, _findings(c)),
        Table("rollout", ROLLOUT_FIELDS, _rollout(city, c)),
        *_record_tables(city, c),
    ]


def _record_tables(city: City, c: Community) -> list[Table]:
    return [Table(name, fields, rows(city, c)) for name, fields, rows in record_tables.SPECS]


def _record_rows(kind: str):
    """The city-wide rows of one of issue 18's records: each community's rows, prefixed with it."""
    def rows(city: City, c: Community) -> list[list]:
            return _prefixed(c, record_tables.ROWS[kind](city, c))
    return rows


def _record_fields() -> list[tuple[str, list[Field]]]:
    return [(name, fields) for name, fields, _ in record_tables.SPECS]


def _prefixed(c: Community, rows: list[list]) -> list[list]:
    return [[c.code, c.name] + row for row in rows]


OVERVIEW_FIELDS = [
    F("code", "社区代码"), F("name", "社区"), F("district", "区"), F("street", "街道"),
    F("households", "户数", "integer"), F("has_committee", "已成立监督委员会", "boolean"),
    F("committee_on", "成立日期", "date"), F("phase_reached", "已完成阶段", "integer"),
    F("last_period", "最近公开期间"), F("last_published_on", "最近公开日期", "date"),
    F("warnings", "提醒数", "integer"), F("url", "网页")]


def _overview(city: City, c: Community) -> list[list]:
    last = facts.last_disclosure(c)
    return [[c.code, c.name, c.district_name, c.street_name, c.households, c.committee is not None,
             facts.committee_date(city, c), c.phase_reached(), last.key if last else None,
             last.published_on if last else None, len(c.warnings), city.settings.site_url + urls.community(c.code)]]


# The city-wide tables: one row per community, or its rows prefixed with the community; then each of
# issue 18's records (city_specs: record_tables imports this module, so they are added on first use).
_CITY_SPECS = (
    ("communities", OVERVIEW_FIELDS, _overview),
    ("rollout", COMMUNITY_FIELDS + ROLLOUT_FIELDS, lambda city, c: _prefixed(c, _rollout(city, c))),
    ("members", COMMUNITY_FIELDS + MEMBER_FIELDS, lambda city, c: _prefixed(c, _members(c))),
    ("periods", COMMUNITY_FIELDS + PERIOD_FIELDS, lambda city, c: _prefixed(c, _periods(c))),
    ("reports", COMMUNITY_FIELDS + REPORT_FIELDS,
     lambda city, c: _prefixed(c, _reports(c, city.settings.site_url))),
    ("opinions", COMMUNITY_FIELDS + OPINION_FIELDS, lambda city, c: _prefixed(c, _opinions(c))),
    ("evaluations", COMMUNITY_FIELDS + EVALUATION_FIELDS, lambda city, c: _prefixed(c, _evaluations(c))),
)


@functools.cache
def city_specs() -> tuple:
    return _CITY_SPECS + tuple((name, COMMUNITY_FIELDS + fields, _record_rows(name)) for name, fields in _record_fields())


CityRows = dict[str, tuple[str, str]]  # table → (CSV lines, JSON objects) of one community


def city_rows(city: City, c: Community, encoded: dict[str, Encoded] | None = None) -> CityRows:
    """One community's rows of every city-wide table, already written: the city's files are these
    put together, so a republish writes again only the rows of the communities that changed.
    A table the community publishes too (`encoded`, its community_tables encoded) is not made
    again: its rows with the community in front."""
    found = {}
    prefix = None
    for name, fields, rows in city_specs():
        own = encoded.get(name) if encoded is not None and name != "communities" else None
        if own is None:
            table = encode(fields, rows(city, c))
        else:
            if prefix is None:
                head = encode(COMMUNITY_FIELDS, [[c.code, c.name]])
                prefix = head.csv[0], head.json[0][1:-1]
            table = own.prefixed(*prefix)
        found[name] = (csv_text_of(table.csv), json_text_of(table.json))
    return found


def community_files(city: City, c: Community, version: str) -> dict[str, bytes]:
    return _community_files(c, version, community_tables(city, c))


def _community_files(c: Community, version: str, tables: list[Table],
                     encoded: dict[str, Encoded] | None = None) -> dict[str, bytes]:
    files = files_for(tables, f"juwu-{c.code}", f"{c.name}居务公开数据", version, encoded)
    return {community_dir(c.code) + rel: data for rel, data in files.items()}


def city_files(city: City, version: str) -> dict[str, bytes]:
    """The city-wide Data Package's descriptor (its tables: write_city_tables)."""
    tables = [Table(name, fields, []) for name, fields, _ in city_specs()]
    return {CITY_DIR + PACKAGE: package_json("juwu-city", f"{city.settings.name}居务公开数据", tables, version)}


def write_city_tables(site: Path, city: City, rows_of: Callable[[str], CityRows | None],
                      tables: set[str] | None = None) -> None:
    """The city-wide tables (those named in `tables`; None: all) into site/downloads/<table>.csv
    and .json: each community's rows (`rows_of`, or made here from the model when it has none), in
    the city's order, appended to every table's files at once, the same bytes as csv_file and
    json_file of them all."""
    specs = tuple(spec for spec in city_specs() if tables is None or spec[0] in tables)
    folder = site / CITY_DIR
    folder.mkdir(parents=True, exist_ok=True)
    with contextlib.ExitStack() as files:
        csvs = [files.enter_context(_new(folder / f"{name}.csv")) for name, _, _ in specs]
        jsons = [files.enter_context(_new(folder / f"{name}.json")) for name, _, _ in specs]
        for out, (_, fields, _) in zip(csvs, specs):
            out.write(csv_file(fields, ""))
        started = [False] * len(specs)
        for c in city.communities:
            rows = rows_of(c.code) or city_rows(city, c)
            for i, (name, _, _) in enumerate(specs):
                text, objects = rows[name]
                csvs[i].write(text.encode("utf-8"))
                if objects:  # json_file: the parts that have objects, one array
                    jsons[i].write((",\n" if started[i] else "[\n").encode("utf-8") + objects.encode("utf-8"))
                    started[i] = True
        for out, opened in zip(jsons, started):
            out.write(b"\n]\n" if opened else b"[]\n")


def _new(path: Path):
    """A file created anew (one there unlinked first, never written through: write.write_file)."""
    path.unlink(missing_ok=True)
    return open(path, "xb")


def city_published(city: City, version: str) -> dict[str, bytes]:
    """The city's downloads (but its tables: write_city_tables) and feed: {path from the site root: bytes}."""
    from generator.site.feeds import CITY_FEED, city_feed

    return city_files(city, version) | {CITY_FEED: city_feed(city)}


def community_published(city: City, c: Community, version: str) -> dict[str, bytes]:
    """One community's downloads and feed, with its own data version."""
    return community_downloads(city, c, version)[0]


def community_downloads(city: City, c: Community, version: str) -> tuple[dict[str, bytes], CityRows]:
    """One community's downloads and feed, and its rows of the city's tables: each table made
    and its texts masked once for its CSV, its JSON and the city's files."""
    from generator.site.feeds import community_feed, community_feed_path

    tables = community_tables(city, c)
    encoded = {t.name: encode(t.fields, t.rows) for t in tables}
    files = _community_files(c, version, tables, encoded) | {community_feed_path(c.code): community_feed(city, c)}
    return files, city_rows(city, c, encoded)
