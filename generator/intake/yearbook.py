"""A year's workbook (one sheet per month: 1月 … 12月) uploaded as one: each month checked and shown.

The clerk keeps the year in one workbook and uploads it whole. Juwu checks it in place, as
`finance/<year>.xlsx` (generator/load/workbook.py), so every problem names its sheet and cell
(`3月!D12`). A month already published keeps its published header (`YYYY-MM.yaml`), which the
sheet must agree with; a new month's header comes from the sheet itself (its 上月结转, 合计 and
footer: generator/load/periodheader.py).

What is published: the months that pass, in order, up to the first month that does not. A clerk
expects the months that are right to go up without waiting for a typo in a later one; but a month
cannot be published before the month it follows, because its 上月结转 must meet that month's
closing balance on the site — so a month that passes after one that does not waits (shown as
such), and goes up with the next upload of the corrected workbook. A month already published and
unchanged is left alone; a changed one is an amendment and needs the reason (更正说明).

Each month published is written as the data folder keeps a month: `YYYY-MM.csv` (the sheet as it
is, so its board rows and footer stay) and `YYYY-MM.yaml` (the header as read), one commit for all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Mapping

from generator.catalogue import dump_yaml
from generator.intake.uploads import Candidate, FormProblems, _problem, _text, table_as_csv
from generator.load import periodheader, workbook, xls
from generator.load.tables import TableRefused, read_xlsx, sheet_states
from generator.problems import ERROR, Problem

YEAR_RE = re.compile(r"^(19|20)[0-9]{2}$")
ACCEPTED, UNCHANGED, REFUSED, WAITING = "accepted", "unchanged", "refused", "waiting"
STATUS_ZH = {ACCEPTED: "检查通过，将公开", UNCHANGED: "与已公开的相同，不需要提交", REFUSED: "有错误，这个月没有公开",
             WAITING: "检查通过，但要等前面有错误的月份改好后一起公开"}
STATUS_EN = {ACCEPTED: "passes; will be published", UNCHANGED: "same as published; nothing to do",
             REFUSED: "has errors; not published", WAITING: "passes, but waits for the month before it to be corrected"}


@dataclass
class Book:
    """The uploaded workbook and its month sheets, as the check candidate places them."""

    year: int
    data: bytes
    months: list[workbook.MonthSheet]
    candidate: Candidate  # finance/<year>.xlsx in place; each month's own ledger file removed
    sheet_problems: list[Problem] = field(default_factory=list)  # about the workbook as a whole


@dataclass
class MonthResult:
    period: str
    title: str  # the sheet's name
    status: str
    published: bool  # the month was already published
    problems: list[Problem] = field(default_factory=list)
    model: object | None = None  # the Period as read from the sheet

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == ERROR]

    @property
    def status_zh(self) -> str:
        return STATUS_ZH[self.status]

    @property
    def status_en(self) -> str:
        return STATUS_EN[self.status]


def read_book(community: str, fields: Mapping[str, str], data: bytes | None, existing: set[str]) -> Book:
    """The workbook placed for checking, or FormProblems (no year, not a workbook, no month sheet)."""
    base = f"communities/{community}/finance"
    year = _text(fields, "year")
    if not YEAR_RE.match(year):
        raise FormProblems([_problem("upload-year", f"{base}/", "请填写年份（四位数字，例如 2025）",
                                     "give the year (four digits, e.g. 2025)", community, field="year")])
    rel = f"{base}/{year}.xlsx"
    if not data:
        raise FormProblems([_problem("upload-missing", rel, "请选择全年的 Excel 工作簿（.xlsx，每月一个工作表）",
                                     "choose the year's workbook (.xlsx, one sheet per month)", community)])
    if xls.is_xls(data):  # old Excel (.xls): read, and kept, as the .xlsx it becomes
        try:
            data = xls.to_xlsx(data)
        except TableRefused as exc:
            raise FormProblems([_problem("upload-unreadable", rel, exc.zh, exc.en, community, hint_zh=exc.hint_zh)])
    if not data.startswith(b"PK\x03\x04"):
        raise FormProblems([_problem("upload-not-workbook", rel, "全年上传只接受 Excel 工作簿（.xlsx 或 .xls），每月一个工作表",
                                     "a year's upload is an Excel workbook (.xlsx or .xls) with one sheet per month", community,
                                     hint_zh="一个月的 CSV 请用“一个月的收支公开”上传")])
    try:
        states = sheet_states(data)
    except TableRefused as exc:
        raise FormProblems([_problem("upload-unreadable", rel, exc.zh, exc.en, community, hint_zh=exc.hint_zh)])
    months, problems = workbook.month_sheets(rel, int(year), states, community)
    if not months:
        names = "、".join(title for title, _ in states)
        raise FormProblems([_problem(
            "workbook-no-months", rel, f"工作簿中没有月份工作表（现有：{names}）。请把每个月的工作表命名为“1月”…“12月”或“{year}年3月”",
            f"the workbook has no month sheet (it has: {names}); name them 1月 … 12月 or {year}年3月", community,
            hint_zh="只有一个月的账，请用“一个月的收支公开”上传")])
    c = Candidate("ledger_year", community)
    c.writes[rel] = data
    for month in months:
        for suffix in (".csv", ".xlsx"):  # the sheet replaces the month's own ledger file; its YAML stays
            if f"{base}/{month.period}{suffix}" in existing:
                c.removes.append(f"{base}/{month.period}{suffix}")
    return Book(int(year), data, months, c, problems)


def month_results(book: Book, checked, published) -> tuple[list[MonthResult], list[Problem]]:
    """Each month's result, and the problems that are no single month's (they stop every month).

    `checked` is the staging.Check of the workbook in place, `published` that of the data as
    committed (its model gives what each month was before)."""
    base = f"communities/{book.candidate.community}/finance"
    rel = f"{base}/{book.year}.xlsx"
    before = {p.key: p for p in (published.model.periods if published and published.model else [])}
    after = {p.key: p for p in (checked.model.periods if checked.model else [])}
    files: dict[str, str] = {}
    for m in book.months:
        sheet = workbook.sheet_file(rel, m.title)
        for name in (sheet, sheet + periodheader.HEADER_SUFFIX, f"{base}/{m.period}.yaml", f"{base}/{m.period}.csv"):
            files[name] = m.period
    by_month: dict[str, list[Problem]] = {m.period: [] for m in book.months}
    general: list[Problem] = []
    for p in checked.problems + checked.city_errors:
        if p.file in files:
            by_month[files[p.file]].append(p)
        elif p.severity == ERROR or p.file == rel:  # others' warnings are the dashboard's, not this upload's
            general.append(p)
    results = []
    stopped = any(p.severity == ERROR for p in general)
    for m in book.months:
        problems = by_month[m.period]
        was = before.get(m.period)
        result = MonthResult(m.period, m.title, ACCEPTED, was is not None, problems, after.get(m.period))
        if any(p.severity == ERROR for p in problems) or result.model is None:
            result.status = REFUSED
            stopped = True
        elif stopped:
            result.status = WAITING
        elif was is not None and _same(was, result.model):
            result.status = UNCHANGED
        results.append(result)
    return results, general


def amended(results: list[MonthResult]) -> list[MonthResult]:
    """Months to publish that were published before: an amendment each."""
    return [r for r in results if r.status == ACCEPTED and r.published]


def final_candidate(book: Book, results: list[MonthResult], reason: str, existing: set[str],
                    committed: bytes | None = None, before: Mapping[str, object] | None = None) -> Candidate | None:
    """The months to publish as the data folder keeps them (YYYY-MM.csv and .yaml); None when none.

    COMMITTED: the year's workbook as the data folder kept it (finance/<year>.xlsx, committed by git),
    whose months would otherwise be both a sheet and a month file: it gives way to month files, and
    each month it held that this upload does not publish keeps what was published (its sheet as a
    CSV; its header from BEFORE, the published periods, where it had no YAML of its own)."""
    base = f"communities/{book.candidate.community}/finance"
    going = [r for r in results if r.status == ACCEPTED]
    if not going:
        return None
    c = Candidate("ledger_year", book.candidate.community, amendment=reason or None)
    for r in going:
        grid = read_xlsx(book.data, sheet=r.title)
        c.writes[f"{base}/{r.period}.csv"] = table_as_csv(grid)
        c.writes[f"{base}/{r.period}.yaml"] = dump_yaml(_header(r.model, reason, r.published)).encode("utf-8")
        if f"{base}/{r.period}.xlsx" in existing:
            c.removes.append(f"{base}/{r.period}.xlsx")
    if committed is not None:
        _retire_workbook(c, book, committed, before or {}, existing)
    keys = [r.period for r in going]
    span = keys[0] if len(keys) == 1 else f"{keys[0]} 至 {keys[-1]}"
    c.what = ("更正" if any(r.published for r in going) else "公开") + f" {span} 财务收支（全年工作簿，{len(keys)} 个月）"
    return c


def _retire_workbook(c: Candidate, book: Book, committed: bytes, before: Mapping[str, object],
                     existing: set[str]) -> None:
    """finance/<year>.xlsx removed, each of its month sheets not already written kept as month files."""
    base = f"communities/{book.candidate.community}/finance"
    rel = f"{base}/{book.year}.xlsx"
    c.removes.append(rel)
    try:
        months, _ = workbook.month_sheets(rel, book.year, sheet_states(committed), book.candidate.community)
    except TableRefused:
        return  # an unreadable committed workbook published nothing: nothing to keep
    for m in months:
        if f"{base}/{m.period}.csv" in c.writes:
            continue
        c.writes[f"{base}/{m.period}.csv"] = table_as_csv(read_xlsx(committed, sheet=m.title))
        header = f"{base}/{m.period}.yaml"
        if header not in existing and m.period in before:
            c.writes[header] = dump_yaml(_header(before[m.period], "", False)).encode("utf-8")


def _header(p, reason: str, published: bool) -> dict:
    header = {
        "period": p.key, "opening_balance": f"{p.opening_balance:.2f}", "closing_balance": f"{p.closing_balance:.2f}",
        "prepared_by": p.prepared_by,
        "review": {"reviewer": p.reviewer, "reviewed_on": p.reviewed_on.isoformat() if p.reviewed_on else "",
                   "opinion": p.review_opinion},
        "published_on": p.published_on.isoformat() if p.published_on else "",
    }
    if published:
        header["amendment"] = reason
    elif p.amendment:
        header["amendment"] = p.amendment
    return header


def _same(before, after) -> bool:
    """The same month as published: header and lines (where in the file they sit does not count)."""
    def key(p):
        lines = [(l.date, l.voucher, l.category, l.summary, l.income, l.expense, l.funding_source, l.handled_by)
                 for l in p.lines]
        return (p.opening_balance, p.closing_balance, p.prepared_by, p.reviewer, p.reviewed_on, p.review_opinion,
                p.published_on, lines)
    return key(before) == key(after)


@dataclass
class Prepared:
    """What the clerk sees after uploading a year's workbook."""

    year: int
    months: list[MonthResult]
    general: list[Problem]  # problems of no single month: errors here stop every month
    form_problems: list[Problem] = field(default_factory=list)  # e.g. the amendment reason missing
    candidate: Candidate | None = None  # the months to publish, when there are any
    upload_id: str | None = None

    @property
    def publishable(self) -> bool:
        return self.upload_id is not None


def prepare(settings, pending, username: str, code: str, fields: Mapping[str, str], data: bytes | None) -> Prepared:
    """Check the workbook in place, sort its months, and keep the publishable ones until the clerk
    confirms. Raises FormProblems (nothing checked) or repo.NoChange (every month as published)."""
    from generator.intake import repo, staging

    existing = staging.existing_files(settings.data, code)
    book = read_book(code, fields, data, existing)
    scratch = settings.state / "tmp"
    published = staging.check(settings.data, code, None, scratch)
    checked = staging.check(settings.data, code, book.candidate, scratch)
    results, general = month_results(book, checked, published)
    repo.audit(settings, {"event": "upload-checked", "user": username, "community": code, "kind": "ledger_year",
                          "files": book.candidate.touched(), "errors": len(checked.errors),
                          "months": {r.period: r.status for r in results}})
    out = Prepared(book.year, results, general)
    reason = _text(fields, "amendment")[:500]
    changed = amended(results)
    if changed and not reason:
        out.form_problems.append(_problem(
            "amendment-reason", f"communities/{code}/finance/{book.year}.xlsx",
            f"{'、'.join(r.period for r in changed)} 已经公开过，这次有改动，属于更正：请填写更正说明",
            f"{', '.join(r.period for r in changed)} were published and have changed: an amendment needs a reason",
            code, field="amendment", hint_zh="说明改了什么、为什么改，例如“补录 3 月 20 日水费凭证”"))
        return out
    rel = f"communities/{code}/finance/{book.year}.xlsx"
    committed = _committed_bytes(settings.data, rel) if rel in existing else None
    before = {p.key: p for p in (published.model.periods if published.model else [])}
    candidate = final_candidate(book, results, reason, existing, committed, before)
    if candidate is None:
        if results and all(r.status == UNCHANGED for r in results):
            raise repo.NoChange()
        return out
    final = repo.finalise(candidate, existing)
    again = staging.check(settings.data, code, final, scratch)
    if not again.ok:  # the months as they will be kept must pass too; never publish what did not
        out.general += again.errors
        return out
    if not repo.changes(settings.data.resolve(), final):
        raise repo.NoChange()
    base = staging.file_hashes(settings.data, sorted(set(candidate.touched()) | set(final.touched())))
    out.candidate = candidate
    out.upload_id = pending.save(username, candidate, base)
    return out


def _committed_bytes(data, rel: str) -> bytes | None:
    """A file of the data folder as last committed."""
    from generator.intake import gitrepo

    top = gitrepo.toplevel(data)
    path = gitrepo.prefix_of(data, top) + rel
    blob = gitrepo.blobs(top, "HEAD", [path])[path]
    return None if blob is None else gitrepo.read_blob(top, blob)
