"""The notice-board PDF a clerk downloads after confirming an upload (generator/print/).

The sheet is laid out from the data as committed (the city's files and the clerk's own community
folder, the same overlay an upload is checked on), so the paper carries the version stamp the
site will show once rebuilt. What is printed is named by the upload's kind and a strictly checked
period or report name, never by anything else the browser sends.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from generator.intake import staging
from generator.intake.uploads import PERIOD_RE, Candidate
from generator.print import RECORD_SHEETS, SHEETS
from generator.print.run import print_sheets
from generator.print.select import PrintError, Request

# Which sheet follows which upload: the one the notice board shows it on.
SHEET_OF_KIND = {"ledger": "period", "members": "roster", "committee": "roster", "member_changes": "roster",
                 "report": "report", "rectifications": "findings",
                 **{kind: kind for kind in RECORD_SHEETS}}  # issue 18's records: each has its own sheet
SHEET_NAMES = {"period": "财务公开表", "roster": "成员公示", "report": "监督报告", "findings": "整改通知",
               **{kind: SHEETS[kind] for kind in RECORD_SHEETS}}
REPORT_RE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}-[a-z0-9][a-z0-9-]{0,60}$")


def sheet_for(candidate: Candidate) -> tuple[str, str] | None:
    """(sheet, period or report name) to print after CANDIDATE is published; None when no sheet shows it."""
    sheet = SHEET_OF_KIND.get(candidate.kind)
    if sheet == "period":
        return (sheet, candidate.period) if candidate.period else None
    if sheet == "report":
        report = next((Path(rel).stem for rel in candidate.writes if rel.endswith(".md")), None)
        return (sheet, report) if report else None
    return (sheet, "") if sheet else None


def link(code: str, sheet_key: tuple[str, str] | None) -> str | None:
    """The service's address of that PDF."""
    if sheet_key is None:
        return None
    sheet, key = sheet_key
    if sheet == "period":
        return f"/c/{code}/print/period?period={key}"
    if sheet == "report":
        return f"/c/{code}/print/report?report={key}"
    return f"/c/{code}/print/{sheet}"


def checked_request(code: str, sheet: str, period: str, report: str) -> Request:
    """A print request from the route's values, or PrintError when one is not what it must be."""
    if sheet not in SHEET_NAMES:
        raise PrintError("没有这种公开表", f"unknown sheet {sheet[:20]}")
    if sheet == "period" and not PERIOD_RE.match(period):
        raise PrintError("请指定账期（年-月，例如 2025-01）", "give the period (YYYY-MM)")
    if sheet == "report" and not REPORT_RE.match(report):
        raise PrintError("报告名称不正确", "malformed report name")
    return Request(sheet=sheet, community=code, period=period if sheet == "period" else None,
                   report=report if sheet == "report" else None)


def notice_pdf(data: Path, request: Request, scratch: Path, allow_placeholder_url: bool = False) -> bytes:
    """The PDF of the sheet as committed. Raises PrintError (unknown period or report, a placeholder
    site address, data with errors)."""
    scratch.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=scratch, prefix="print-") as tmp:
        overlay = Path(tmp) / "data"
        staging.build_overlay(data, request.community, overlay)
        printed = print_sheets(overlay, request, allow_placeholder_url)
    if printed.pdf is None:
        raise PrintError("本社区数据还有错误，改正后才能打印公开表", "the community's data has errors: nothing printed")
    return printed.pdf


def file_name(request: Request) -> str:
    """An ASCII download name: the code, the sheet and its period or report."""
    key = request.period or request.report or ""
    return f"{request.community}-{request.sheet}{'-' + key if key else ''}.pdf"
