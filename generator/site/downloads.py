"""Every table a resident sees, for download: CSV (Excel-safe), JSON and a Data Package.

Pure: `community_files` and `city_files` return {relative path: bytes}; build.py writes them.
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

import csv
import datetime
import functools
import io
import json
import re
from dataclasses import dataclass
from decimal import Decimal

from generator.model import City, Community
from generator.site import facts, urls
import unicodedata

from generator.site.privacy import mask_personal

DANGEROUS_START = ("=", "+", "-", "@", "\t", "\r")
CITY_DIR = "downloads/"
PACKAGE = "datapackage.json"


@dataclass(frozen=True)
class Field:
    name: str
    title: str
    type: str = "string"  # string | integer | number | date | boolean


TITLES = {
    "communities": "社区概况", "members": "监督委员会成员", "periods": "财务公开（各期汇总）",
    "ledger": "收支明细", "reports": "监督记录与报告", "opinions": "居民意见与答复",
    "evaluations": "民主评议结果", "rollout": "建设推进阶段", "rectifications": "整改跟踪",
    "findings": "监督发现的问题", "member_changes": "成员变动",
    # issue 18's records (generator/site/record_tables.py)
    "inspections": "检查验收与考核", "elections": "选举情况", "decisions": "重要事项", "projects": "工程项目",
    "assets": "资产资源", "trainings": "学习培训", "allowances": "报酬补贴与工作经费",
}
COMMUNITY_TABLES = ("members", "member_changes", "periods", "ledger", "reports", "opinions", "evaluations",
                    "rectifications", "findings", "rollout",
                    "inspections", "elections", "decisions", "projects", "assets", "trainings", "allowances")
RECORD_TABLES = ("inspections", "elections", "decisions", "projects", "assets", "trainings", "allowances")
CITY_TABLES = ("communities", "rollout", "members", "periods", "reports", "opinions", "evaluations") + RECORD_TABLES


@dataclass
class Table:
    name: str
    fields: list[Field]
    rows: list[list]  # values in field order: str, int, Decimal, date or None

    @property
    def title(self) -> str:
        return TITLES[self.name]


# --- cells -------------------------------------------------------------------------------------

def neutralise(text: str) -> str:
    """A text cell a spreadsheet could run as a formula gets a leading apostrophe. The first
    character is judged NFKC-normalised, after any invisible characters and spaces, so a
    full-width ＝ ＋ － ＠ (which Excel reads as = + - @) counts like the ASCII one."""
    return "'" + text if _first_visible(text).startswith(DANGEROUS_START) else text


def _first_visible(text: str) -> str:
    for ch in text:
        if ch in "\t\r":
            return ch
        if unicodedata.category(ch) != "Cf" and not ch.isspace():
            return unicodedata.normalize("NFKC", ch)
    return ""


def csv_cell(value, kind: str) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (datetime.date, int, Decimal)):
        return value.isoformat() if isinstance(value, datetime.date) else str(value)
    text = mask_personal(str(value))
    return neutralise(text) if kind == "string" else text


_NUMBER = re.compile(r'"\\u0000N:(-?[0-9]+(?:\.[0-9]+)?)\\u0000"')


def _json_value(value):
    if isinstance(value, Decimal):
        return f"\0N:{value}\0"  # replaced by the bare number below: exact, never a float
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, str):
        return mask_personal(value)
    return value


@dataclass(frozen=True)
class Encoded:
    """A table's rows made ready once for both files: each row's CSV cells (masked, neutralised)
    and its JSON object (masked; numbers still marked for _NUMBER). The city's tables reuse a
    community's encoded rows with the community put in front (`prefixed`)."""

    csv: list[list[str]]
    json: list[str]

    def prefixed(self, cells: list[str], members: str) -> "Encoded":
        """The rows with two leading cells: `cells` in CSV, `members` ('"k": v, "k": v') in JSON."""
        return Encoded([cells + row for row in self.csv], ["{" + members + ", " + obj[1:] for obj in self.json])


def encode(fields: list[Field], rows: list[list]) -> Encoded:
    """Every cell through the same rules as csv_cell and _json_value, each text masked once for both."""
    kinds = [f.type == "string" for f in fields]
    names = [f.name for f in fields]
    csv_rows, objects = [], []
    for row in rows:
        cells, values = [], []
        for value, string in zip(row, kinds):
            if value.__class__ is str:  # most cells: the text masked once, for both files
                text = mask_personal(value)
                cells.append(_csv_text(text) if string else text)
                values.append(text)
            else:
                cells.append(csv_cell(value, "string" if string else ""))
                values.append(_json_value(value))
        csv_rows.append(cells)
        objects.append(_JSON.encode(dict(zip(names, values))))
    return Encoded(csv_rows, objects)


_JSON = json.JSONEncoder(ensure_ascii=False)  # json.dumps(…, ensure_ascii=False) without a new encoder a row


@functools.lru_cache(maxsize=1 << 14)
def _csv_text(masked: str) -> str:
    return neutralise(masked)


def _csv_text_of(rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue()


def _json_text_of(objects: list[str]) -> str:
    """The objects of a JSON array, one a line, without the brackets."""
    return _NUMBER.sub(r"\1", ",\n".join(objects))


def rows_csv(fields: list[Field], rows: list[list]) -> str:
    return _csv_text_of(encode(fields, rows).csv)


def table_csv(table: Table) -> bytes:
    return _csv_file(table.fields, rows_csv(table.fields, table.rows))


def _csv_file(fields: list[Field], rows: str) -> bytes:
    return ("\ufeff" + ",".join(f.name for f in fields) + "\r\n" + rows).encode("utf-8")


def rows_json(fields: list[Field], rows: list[list]) -> str:
    """The rows as the objects of a JSON array, one object a line, without the brackets."""
    return _json_text_of(encode(fields, rows).json)


def table_json(table: Table) -> bytes:
    return _json_file([rows_json(table.fields, table.rows)])


def _json_file(parts: list[str]) -> bytes:
    parts = [p for p in parts if p]
    return (("[\n" + ",\n".join(parts) + "\n]" if parts else "[]") + "\n").encode("utf-8")


def package_json(name: str, title: str, tables: list[Table], version: str) -> bytes:
    head = {
        "name": name,
        "title": mask_personal(title),
        **({"version": version} if version else {}),  # a community without a committee has none
    }
    # '{\n "name": …\n}' and '{\n "licenses": …\n}' joined into one object, as one dumps of both would be.
    head_text = json.dumps(head, ensure_ascii=False, indent=1)
    rest = _package_rest(tuple((t.name, tuple(t.fields)) for t in tables))
    return (head_text[:-2] + ",\n " + rest[3:] + "\n").encode("utf-8")


@functools.lru_cache(maxsize=16)  # the same for every community: its licence and its tables' schemas
def _package_rest(tables: tuple[tuple[str, tuple[Field, ...]], ...]) -> str:
    return json.dumps({
        "licenses": [{"name": "CC-BY-4.0", "title": "Creative Commons Attribution 4.0",
                      "path": "https://creativecommons.org/licenses/by/4.0/"}],
        "resources": [{
            "name": name, "title": TITLES[name], "path": f"{name}.csv", "profile": "tabular-data-resource",
            "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
            "schema": {"fields": [{"name": f.name, "title": f.title, "type": f.type} for f in fields]},
        } for name, fields in tables],
    }, ensure_ascii=False, indent=1)


def files_for(tables: list[Table], name: str, title: str, version: str,
              encoded: dict[str, Encoded] | None = None) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    for t in tables:
        rows = encoded[t.name] if encoded is not None else encode(t.fields, t.rows)
        files[f"{t.name}.csv"] = _csv_file(t.fields, _csv_text_of(rows.csv))
        files[f"{t.name}.json"] = _json_file([_json_text_of(rows.json)])
    files[PACKAGE] = package_json(name, title, tables, version)
    return files


# --- tables ------------------------------------------------------------------------------------

F = Field
COMMUNITY_FIELDS = [F("community", "社区代码"), F("community_name", "社区")]
MEMBER_FIELDS = [F("role", "职务"), F("name", "姓名"), F("political_status", "政治面貌"),
                 F("sub_group", "工作小组"), F("duties", "分工"), F("elected_by", "选举方式"),
                 F("term_start", "任期开始", "date"), F("term_end", "任期结束", "date")]
PERIOD_FIELDS = [F("period", "期间"), F("opening_balance", "上期结存", "number"),
                 F("income", "本期收入", "number"), F("expense", "本期支出", "number"),
                 F("closing_balance", "本期结存", "number"), F("reviewer", "审核人"),
                 F("reviewed_on", "审核日期", "date"), F("review_opinion", "审核意见"),
                 F("published_on", "公开日期", "date"), F("amendment", "更正说明")]
LINE_FIELDS = [F("period", "期间"), F("line", "序号", "integer"), F("date", "日期", "date"),
               F("voucher", "凭证号"), F("category", "类别"), F("summary", "摘要"),
               F("income", "收入", "number"), F("expense", "支出", "number"),
               F("funding_source", "资金来源"), F("handled_by", "经办人")]
REPORT_FIELDS = [F("date", "日期", "date"), F("type", "类型"), F("title", "标题"), F("status", "整改状态"),
                 F("due", "整改期限", "date"), F("url", "网页")]
OPINION_FIELDS = [F("received_on", "收到日期", "date"), F("channel", "渠道"), F("subject", "事项"),
                  F("content", "内容"), F("answer", "答复"), F("answered_on", "答复日期", "date"),
                  F("status", "状态")]
EVALUATION_FIELDS = [F("year", "年度", "integer"), F("held_on", "评议日期", "date"), F("evaluated", "评议对象"),
                     F("post", "职务"), F("reps_expected", "应到代表", "integer"),
                     F("reps_present", "实到代表", "integer"), F("ballots_valid", "有效票", "integer"),
                     F("excellent", "优秀", "integer"), F("competent", "称职", "integer"),
                     F("basically_competent", "基本称职", "integer"), F("incompetent", "不称职", "integer"),
                     F("satisfied", "满意", "integer"), F("basically_satisfied", "基本满意", "integer"),
                     F("dissatisfied", "不满意", "integer"), F("satisfaction", "满意率", "number")]
RECTIFICATION_FIELDS = [F("id", "编号"), F("found_on", "发现日期", "date"), F("problem", "问题"),
                        F("responsible", "责任方"), F("due", "整改期限", "date"), F("status", "状态"),
                        F("closed_on", "完成日期", "date"), F("action", "整改情况"), F("report", "来源报告"),
                        F("closed_by", "确认报告")]
CHANGE_FIELDS = [F("changed_on", "变动日期", "date"), F("name", "姓名"), F("change", "变动类型"),
                 F("role_before", "原职务"), F("role_after", "现职务"), F("reason", "原因"), F("meeting", "经何会议"),
                 F("published_on", "公开日期", "date")]
FINDING_FIELDS = [F("rule", "规则代码"), F("rule_zh", "方案要求"), F("finding", "发现的问题"),
                  F("since", "自何时", "date"), F("due", "期限", "date"), F("closed", "整改完成", "date")]
INSPECTION_FIELDS = [F("inspection", "检查编号"), F("kind", "检查类型"), F("inspected_on", "检查日期", "date"),
                     F("group", "检查组"), F("item", "检查项目"), F("result", "结果"), F("score", "得分", "number"),
                     F("problem", "发现的问题"), F("rectify_by", "整改期限", "date"),
                     F("rectified_on", "整改完成日期", "date"), F("rectification", "整改跟踪编号"),
                     F("state", "整改状态")]
ROLLOUT_FIELDS = [F("phase", "阶段", "integer"), F("phase_name", "阶段名称"), F("deadline", "计划完成", "date"),
                  F("completed_on", "完成日期", "date"), F("overdue", "是否逾期", "boolean")]


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


def _changes(c: Community) -> list[list]:
    return [[m.changed_on, m.name, m.change, m.role_before, m.role_after, m.reason, m.meeting, m.published_on]
            for m in c.member_changes]


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
        Table("member_changes", CHANGE_FIELDS, _changes(c)),
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
    from generator.site import record_tables

    return [Table(name, fields, rows(city, c)) for name, fields, rows in record_tables.SPECS]


def _record_rows(kind: str):
    """The city-wide rows of one of issue 18's records: each community's rows, prefixed with it."""
    def rows(city: City, c: Community) -> list[list]:
        from generator.site import record_tables

        return _prefixed(c, record_tables.ROWS[kind](city, c))
    return rows


def _record_fields() -> list[tuple[str, list[Field]]]:
    from generator.site import record_tables

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
        found[name] = (_csv_text_of(table.csv), _json_text_of(table.json))
    return found


def community_dir(code: str) -> str:
    return urls.community(code) + "data/"


def community_files(city: City, c: Community, version: str) -> dict[str, bytes]:
    return _community_files(c, version, community_tables(city, c))


def _community_files(c: Community, version: str, tables: list[Table],
                     encoded: dict[str, Encoded] | None = None) -> dict[str, bytes]:
    files = files_for(tables, f"juwu-{c.code}", f"{c.name}居务公开数据", version, encoded)
    return {community_dir(c.code) + rel: data for rel, data in files.items()}


def city_files(city: City, version: str, rows: dict[str, CityRows] | None = None) -> dict[str, bytes]:
    """The city-wide tables from each community's rows (made here for those not in `rows`)."""
    rows = dict(rows or {})
    for c in city.communities:
        if c.code not in rows:
            rows[c.code] = city_rows(city, c)
    files: dict[str, bytes] = {}
    for name, fields, _ in city_specs():
        files[f"{name}.csv"] = _csv_file(fields, "".join(rows[c.code][name][0] for c in city.communities))
        files[f"{name}.json"] = _json_file([rows[c.code][name][1] for c in city.communities])
    tables = [Table(name, fields, []) for name, fields, _ in city_specs()]
    files[PACKAGE] = package_json("juwu-city", f"{city.settings.name}居务公开数据", tables, version)
    return {CITY_DIR + rel: data for rel, data in files.items()}


def download_links(prefix: str, names: tuple[str, ...]) -> list[dict]:
    """For templates: [{title, csv, json}] of the tables under a folder (paths from the site root)."""
    return [{"title": TITLES[n], "csv": f"{prefix}{n}.csv", "json": f"{prefix}{n}.json"} for n in names]


def city_published(city: City, version: str, rows: dict[str, CityRows] | None = None) -> dict[str, bytes]:
    """The city's downloads and feed: {path from the site root: bytes}."""
    from generator.site.feeds import CITY_FEED, city_feed

    return city_files(city, version, rows) | {CITY_FEED: city_feed(city)}


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
