"""The files of a table a resident can download: its fields, CSV (Excel-safe, UTF-8 with a BOM),
JSON (exact numbers) and the Data Package that describes them, and where a community's files live.

Pure and below every page module: the findings, the records' tables, history's old versions and
the printed sheets make their files with these, and downloads.py puts every table together.
Every text cell passes privacy.mask_personal on the way out.
"""

from __future__ import annotations

import csv
import datetime
import functools
import io
import json
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from generator.site import urls
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
            cls = value.__class__
            if cls is str:  # most cells: the text masked once, for both files
                text = mask_personal(value)
                cells.append(_csv_text(text) if string else text)
                values.append(text)
            elif value is None:  # the next three: what csv_cell and _json_value make of them, inline
                cells.append("")
                values.append(None)
            elif cls is Decimal:
                cells.append(str(value))
                values.append(f"\0N:{value}\0")
            elif cls is datetime.date:
                text = value.isoformat()
                cells.append(text)
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


def csv_text_of(rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue()


def csv_lines_of(rows: list[list[str]]) -> list[str]:
    """Each row's CSV text: "".join of them is csv_text_of(rows) (the writer writes a row at a time)."""
    lines: list[str] = []
    writer = csv.writer(_Lines(lines), lineterminator="\r\n")
    for row in rows:
        writer.writerow(row)
    return lines


class _Lines:
    def __init__(self, lines: list[str]):
        self.write = lines.append


def json_text_of(objects: list[str]) -> str:
    """The objects of a JSON array, one a line, without the brackets."""
    return _NUMBER.sub(r"\1", ",\n".join(objects))


def rows_csv(fields: list[Field], rows: list[list]) -> str:
    return csv_text_of(encode(fields, rows).csv)


def table_csv(table: Table) -> bytes:
    return csv_file(table.fields, rows_csv(table.fields, table.rows))


def csv_file(fields: list[Field], rows: str) -> bytes:
    return ("\ufeff" + ",".join(f.name for f in fields) + "\r\n" + rows).encode("utf-8")


def rows_json(fields: list[Field], rows: list[list]) -> str:
    """The rows as the objects of a JSON array, one object a line, without the brackets."""
    return json_text_of(encode(fields, rows).json)


def table_json(table: Table) -> bytes:
    return json_file([rows_json(table.fields, table.rows)])


def json_file(parts: list[str]) -> bytes:
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
        files[f"{t.name}.csv"] = csv_file(t.fields, csv_text_of(rows.csv))
        files[f"{t.name}.json"] = json_file([json_text_of(rows.json)])
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


def community_dir(code: str) -> str:
    return urls.community(code) + "data/"


def download_links(prefix: str, names: tuple[str, ...]) -> list[dict]:
    """For templates: [{title, csv, json}] of the tables under a folder (paths from the site root)."""
    return [{"title": TITLES[n], "csv": f"{prefix}{n}.csv", "json": f"{prefix}{n}.json"} for n in names]
