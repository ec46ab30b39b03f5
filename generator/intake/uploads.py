"""What a clerk's form becomes: the files the server decides to write, never the browser's names.

Every target path is built here from the upload kind and from values that must match strict
patterns (period, report date and slug); the name a browser sends with a file is ignored, and
so is its extension: a table is read as .xlsx when its bytes are a zip, as CSV otherwise.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Mapping

from generator import tableschemas
from generator.catalogue import dump_yaml
from generator.intake import forms
from generator.load import xls, yamlfile
from generator.load.tables import TableRefused, Table, decode, read_csv, read_xlsx
from generator.problems import ERROR, Problem

PERIOD_RE = re.compile(r"^[0-9]{4}-(0[1-9]|1[0-2])$")
DATE_RE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,60}$")
# The report's types and statuses, as its Table Schema declares them (one list for the form and the check).
REPORT_TYPES = tuple(tableschemas.fields("report")["type"]["constraints"]["enum"])
REPORT_STATUSES = tuple(tableschemas.fields("report")["status"]["constraints"]["enum"])
MAX_TEXT = 2_000  # characters in one ordinary form field
MAX_REPORT_BODY = 200_000

# A community's tables a clerk uploads whole: kind → (what the file is, what a commit says).
TABLE_KINDS = {
    "members": ("成员名单", "更新监督委员会成员名单"),
    "opinions": ("居民意见与答复", "更新居民意见与答复"),
    "evaluations": ("民主评议结果", "更新民主评议结果"),
    "rectifications": ("整改跟踪表", "更新整改跟踪"),
    "member_changes": ("成员变动记录", "更新成员变动记录"),
    "inspections": ("检查验收与考核结果", "更新检查验收与考核结果"),
    "elections": ("选举结果", "更新选举结果"),
    "decisions": ("重要事项登记表", "更新重要事项"),
    "projects": ("工程项目登记表", "更新工程项目"),
    "assets": ("资产资源登记表", "更新资产资源"),
    "trainings": ("学习培训记录", "更新学习培训记录"),
    "allowances": ("报酬补贴与工作经费表", "更新报酬补贴与工作经费"),
}
KINDS = {
    "ledger": "一个月的收支公开（账期）",
    "ledger_year": "全年收支公开（一个工作簿，每月一个工作表）",
    "members": "监督委员会成员名单",
    "committee": "监督委员会基本信息",
    "report": "监督记录或报告",
    "opinions": "居民意见与答复",
    "evaluations": "民主评议结果",
    "rectifications": "整改跟踪（发现的问题和整改情况）",
    "member_changes": "成员变动记录（补选、辞职、职务调整等）",
    "inspections": "检查验收、年中督查、年底考核结果",
    "elections": "监督委员会选举结果",
    "decisions": "重要事项（决策和监督意见）",
    "projects": "工程项目（各阶段和监督情况）",
    "assets": "资产资源",
    "trainings": "学习培训记录",
    "allowances": "报酬补贴与工作经费（主任报酬、成员补贴、工作经费、办公经费）",
}
LEDGER_FIELDS = ("opening_balance", "closing_balance", "prepared_by", "reviewer", "reviewed_on", "opinion",
                 "published_on")


@dataclass
class Candidate:
    """Files to write (path relative to the data folder → bytes) and files to remove, for one community."""

    kind: str
    community: str
    writes: dict[str, bytes] = field(default_factory=dict)
    removes: list[str] = field(default_factory=list)
    what: str = ""  # one line saying what changes, for the clerk and the commit message
    period: str | None = None
    amendment: str | None = None

    @property
    def base(self) -> str:
        return f"communities/{self.community}"

    def touched(self) -> list[str]:
        return sorted(set(self.writes) | set(self.removes))


class FormProblems(Exception):
    """The form itself is not usable (a missing field, a file that is no table): nothing validated."""

    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} form problems")
        self.problems = problems


def _problem(code: str, file: str, zh: str, en: str, community: str, field: str | None = None,
             hint_zh: str = "", row: int | None = None) -> Problem:
    return Problem(code, ERROR, file, zh, en, row=row, field=field, community=community, hint_zh=hint_zh)


def _text(fields: Mapping[str, str], name: str) -> str:
    """A form field without the blank or invisible characters around it (so a field of only
    zero-width spaces, NBSP or ideographic spaces is empty, as it looks)."""
    return strip_invisible(str(fields.get(name) or ""))[:MAX_TEXT]


def strip_invisible(text: str) -> str:
    """TEXT without leading and trailing whitespace (any Unicode kind) and format characters
    (zero-width space and joiners, word joiner, BOM, direction marks)."""
    def blank(c: str) -> bool:
        return c.isspace() or unicodedata.category(c) in ("Cf", "Zs", "Zl", "Zp", "Cc")

    start, end = 0, len(text)
    while start < end and blank(text[start]):
        start += 1
    while end > start and blank(text[end - 1]):
        end -= 1
    return text[start:end]


def _amendment_problem(target: str, what: str, community: str) -> Problem:
    return _problem(
        "amendment-reason", target, f"{what} 已经公开过，重新上传属于更正，请填写更正说明",
        f"{what} was already published; an amendment needs a reason", community, field="amendment",
        hint_zh="说明改了什么、为什么改，例如“补录 1 月 20 日水费凭证”（只有空格或不可见字符不算）")


# --- tables ----------------------------------------------------------------------------------

def read_table_upload(data: bytes, period: str | None = None) -> tuple[bytes, str, Table]:
    """(bytes to validate, suffix, table). CSV becomes UTF-8 with LF; an old .xls becomes the .xlsx
    it is kept as (generator/load/xls.py); a zip is read as .xlsx — at the sheet of `period` when it
    is a year's workbook of month sheets (as the loader reads it).

    Raises TableRefused for anything that is not a readable table (zip bombs included: read_xlsx
    checks sizes and ratios before unpacking)."""
    if xls.is_xls(data):
        data = xls.to_xlsx(data)
    if data.startswith(b"PK\x03\x04"):
        return data, ".xlsx", read_xlsx(data, period=period)
    text, _ = decode(data)
    utf8 = text.replace("\r\n", "\n").replace("\r", "\n").encode("utf-8")
    return utf8, ".csv", read_csv(utf8)


def table_as_csv(table: Table) -> bytes:
    """An .xlsx sheet written as the UTF-8 CSV the data folder keeps (readable diffs in git)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    width = len(table.header)
    writer.writerow(table.header)
    for row in table.rows:
        extra = row[width:]
        writer.writerow(row[:width] + ([] if not any(c.strip() for c in extra) else extra))
    return out.getvalue().encode("utf-8")


def _table_file(data: bytes | None, stem: str, community: str, label: str) -> tuple[str, bytes]:
    """(suffix, bytes) of an uploaded table, or FormProblems naming what is wrong with it."""
    target = f"{stem}.csv"
    if not data:
        raise FormProblems([_problem("upload-missing", target, f"请选择{label}文件（CSV 或 Excel）",
                                     f"choose the {label} file", community)])
    try:
        content, suffix, _ = read_table_upload(data)
    except TableRefused as exc:
        raise FormProblems([_problem("upload-unreadable", target, exc.zh, exc.en, community,
                                     hint_zh=exc.hint_zh or "请上传 Excel（.xlsx）或 CSV 文件", row=exc.row)])
    return suffix, content


def _place_table(candidate: Candidate, stem: str, suffix: str, content: bytes, existing: set[str]) -> None:
    """Write STEM+suffix and drop the other format, so one table never exists twice."""
    candidate.writes[stem + suffix] = content
    other = stem + (".csv" if suffix == ".xlsx" else ".xlsx")
    if other in existing:
        candidate.removes.append(other)


# --- kinds -----------------------------------------------------------------------------------

def ledger_candidate(community: str, fields: Mapping[str, str], lines: bytes | None, existing: set[str]) -> Candidate:
    period = _text(fields, "period")
    base = f"communities/{community}/finance"
    if not PERIOD_RE.match(period):
        raise FormProblems([_problem("upload-period", f"{base}/", "请选择账期（年-月，例如 2025-01）",
                                     "choose the period (YYYY-MM)", community, field="period")])
    header_file = f"{base}/{period}.yaml"
    amend = header_file in existing or f"{base}/{period}.csv" in existing or f"{base}/{period}.xlsx" in existing
    reason = _text(fields, "amendment")[:500]
    problems = []
    if amend and not reason:
        problems.append(_amendment_problem(header_file, period, community))
    try:
        suffix, content = _table_file(lines, f"{base}/{period}", community, "收支明细")
    except FormProblems as exc:
        raise FormProblems(problems + exc.problems) from None
    if problems:
        raise FormProblems(problems)
    given = {name: _text(fields, name) for name in LEDGER_FIELDS}
    if suffix == ".xlsx":  # a filled template: what the form leaves blank, its 公开期信息 sheet gives
        given = _from_period_sheet(content, period, given)
    header = {
        "period": period,
        "opening_balance": given["opening_balance"],
        "closing_balance": given["closing_balance"],
        "prepared_by": given["prepared_by"],
        "review": {"reviewer": given["reviewer"], "reviewed_on": given["reviewed_on"], "opinion": given["opinion"]},
        "published_on": given["published_on"],
    }
    if amend:
        header["amendment"] = reason
    c = Candidate("ledger", community, period=period, amendment=reason if amend else None)
    c.writes[header_file] = dump_yaml(header).encode("utf-8")
    _place_table(c, f"{base}/{period}", suffix, content, existing)
    c.what = f"更正 {period} 财务公开" if amend else f"公开 {period} 财务收支"
    return c


# The ledger form's fields → the period header's keys (the 公开期信息 sheet's, generator/load/periodheader.py).
_HEADER_KEY = {"opening_balance": "opening_balance", "closing_balance": "closing_balance", "prepared_by": "prepared_by",
               "reviewer": "review.reviewer", "reviewed_on": "review.reviewed_on", "opinion": "review.opinion",
               "published_on": "published_on"}


def _from_period_sheet(content: bytes, period: str, given: dict[str, str]) -> dict[str, str]:
    """The form's values, each blank one taken from the workbook's 公开期信息 sheet (a 本期结存 the
    sheet holds as a formula without a saved result is computed from the lines, as Excel would)."""
    from generator.load import periodheader

    try:
        sheet = periodheader.read_sheet(content)
        if sheet is None:
            return given
        lines = read_xlsx(content, period=period, prefer=("财务收支明细", "ledger_lines"))
    except TableRefused:
        return given  # the check names what cannot be read
    out = dict(given)
    for name, key in _HEADER_KEY.items():
        if not out[name] and key in sheet:
            out[name] = sheet[key].text
    if not out["closing_balance"] and out["opening_balance"]:
        closing = periodheader.computed_closing(out["opening_balance"], lines)
        out["closing_balance"] = f"{closing:.2f}" if closing is not None else ""
    return out


def table_candidate(kind: str, community: str, upload: bytes | None, existing: set[str]) -> Candidate:
    """A whole community table (members, opinions, evaluations, rectifications), replacing the last."""
    label, what = TABLE_KINDS[kind]
    stem = f"communities/{community}/{kind}"
    suffix, content = _table_file(upload, stem, community, label)
    c = Candidate(kind, community, what=what)
    _place_table(c, stem, suffix, content, existing)
    return c


def members_candidate(community: str, upload: bytes | None, existing: set[str]) -> Candidate:
    return table_candidate("members", community, upload, existing)


def committee_candidate(community: str, upload: bytes | None, existing: set[str],
                        fields: Mapping[str, str] | None = None) -> Candidate:
    """The committee's details from the form (Juwu writes committee.yaml), or from a committee.yaml
    file an administrator uploads instead."""
    target = f"communities/{community}/committee.yaml"
    if not upload and fields and any(_text(fields, name) for name in forms.COMMITTEE_FIELDS):
        c = Candidate("committee", community, what="更新监督委员会基本信息")
        c.writes[target] = dump_yaml(forms.committee_document(fields, _text)).encode("utf-8")
        return c
    if not upload:
        raise FormProblems([_problem("upload-missing", target, "请填写监督委员会基本信息",
                                     "fill in the committee's details", community, field="name")])
    try:
        text, _ = decode(upload)
        yamlfile.parse(text)  # refuse tags, aliases and bombs here; the validator says the rest
    except TableRefused as exc:
        raise FormProblems([_problem("upload-unreadable", target, exc.zh, exc.en, community, row=exc.row)])
    except yamlfile.YamlRefused as exc:
        raise FormProblems([_problem("yaml-refused", target, exc.zh, exc.en, community, row=exc.line,
                                     hint_zh="对照模板修改；日期、金额、电话请加英文引号")])
    c = Candidate("committee", community, what="更新监督委员会基本信息")
    c.writes[target] = text.replace("\r\n", "\n").encode("utf-8")
    return c


def report_candidate(community: str, fields: Mapping[str, str], upload: bytes | None, existing: set[str]) -> Candidate:
    date, slug = _text(fields, "date"), _text(fields, "slug").lower()
    base = f"communities/{community}/reports"
    problems = []
    if not DATE_RE.match(date):
        problems.append(_problem("upload-date", f"{base}/", "请填写报告日期，例如 2025-01-20", "the report date",
                                 community, field="date"))
    elif not slug:  # a new report: Juwu names its file (and web address) from its date and type
        slug = forms.report_name(date, _text(fields, "type"), existing, base)
    if slug and not SLUG_RE.match(slug):
        problems.append(_problem("upload-slug", f"{base}/", "简称只能使用小写英文字母、数字和横线，例如 q1-meeting",
                                 "the short name uses a-z, 0-9 and dashes", community, field="slug"))
    body = str(fields.get("body") or "")
    if upload:
        try:
            body, _ = decode(upload)
        except TableRefused as exc:
            problems.append(_problem("upload-unreadable", f"{base}/", exc.zh, exc.en, community))
    target = f"{base}/{date}-{slug}.md"
    reason = _text(fields, "amendment")[:500]
    if target in existing and not reason:  # a published report is amended like a ledger, with a reason
        problems.append(_amendment_problem(target, "这份报告", community))
    body = _strip_front_matter(body.replace("\r\n", "\n"))
    if not body.strip():
        problems.append(_problem("upload-body", f"{base}/", "请填写报告正文或选择正文文件（.md 或 .txt）",
                                 "the report needs a body", community, field="body"))
    if len(body) > MAX_REPORT_BODY:
        problems.append(_problem("upload-body", f"{base}/", "报告正文过长", "the report body is too long", community))
    if problems:
        raise FormProblems(problems)
    front = {"type": _text(fields, "type"), "date": date, "title": _text(fields, "title")}
    for optional in ("status", "due"):
        if _text(fields, optional):
            front[optional] = _text(fields, optional)
    amend = target in existing
    c = Candidate("report", community, amendment=reason if amend else None)
    c.writes[target] = ("---\n" + dump_yaml(front) + "---\n\n" + body.lstrip("\n")).encode("utf-8")
    c.what = ("更正报告" if amend else "发布报告") + f"“{front['title']}”"
    return c


def _strip_front_matter(text: str) -> str:
    """The form's fields are the front matter; a block the file brings along is dropped."""
    lines = text.split("\n")
    if lines and lines[0].strip() == "---":
        for i in range(1, len(lines)):
            if lines[i].strip() in ("---", "..."):
                return "\n".join(lines[i + 1:])
    return text
