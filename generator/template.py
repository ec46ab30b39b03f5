"""`juwu template`: blank tables a clerk fills in Excel or WPS that cannot go wrong.

One source for every header a clerk is shown: `titles(kind)` gives a table's Chinese column titles
(the schema's `title`, which the loader reads as well as the field name), used here, by `juwu init`
and `juwu add-community` (generator/cityrepo/) and by the upload service's template download.

An .xlsx template has:
- the data sheet, named by the schema's Chinese title (the loader picks that sheet), its header in
  Chinese, frozen and protected, the cells below it unlocked;
- Excel data validation on every column: drop-down lists for enums (read from the Table Schemas:
  roles, statuses, channels …; is/is-not for booleans; the city's categories and funding sources
  from its city.yaml, or Juwu's defaults), dates within range, amounts ≥ 0 that refuse text, text
  lengths; number formats for dates (yyyy-mm-dd), amounts (#,##0.00) and text columns (@, so a
  voucher 001 or a mobile number keeps its digits);
- for a ledger, a second sheet 公开期信息 for the period's header (the opening balance filled in
  from last month's closing balance, the period's income, spending and closing balance as formulas),
  and a sheet 公开榜 laying the lines out as the board prints them: 上月结转, each line's running 结存,
  合计 and signatures, all formulas over the data sheet;
- a sheet 填表说明 of instructions in Chinese; the lists sit on a hidden sheet 选项.

A CSV template is the header line in UTF-8 with a BOM, so Excel opens it as Chinese.
Output is deterministic: the same arguments give the same bytes.
"""

from __future__ import annotations

import calendar
import datetime
import io
import re
import zipfile
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from generator import tableschemas
from generator.problems import JuwuError, column_letter

# What a clerk asks for → its Table Schema.
KINDS = {
    "ledger": "ledger_lines", "members": "members", "officials": "officials", "opinions": "opinions",
    "evaluations": "evaluations", "rectifications": "rectifications", "member_changes": "member_changes",
    "inspections": "inspections", "elections": "elections", "decisions": "decisions", "projects": "projects",
    "assets": "assets", "trainings": "trainings", "allowances": "allowances", "communities": "communities", "rollout": "rollout",
}
ROWS = 300  # rows below the header carrying validation and formats
LEDGER_SHEET_EXTRA = "公开期信息"  # the loader reads it as the period's header (generator/load/periodheader.py)
BOARD_SHEET = "公开榜"
NOTES_SHEET = "填表说明"
LISTS_SHEET = "选项"
TRUE_FALSE = ("是", "否")
DATE_FORMAT = "yyyy-mm-dd"
AMOUNT_FORMAT = "#,##0.00"
TEXT_FORMAT = "@"
_FIXED_TIME = (2023, 1, 1, 0, 0, 0)  # every zip entry's timestamp: the same bytes every time
_FIXED_STAMP = "2023-01-01T00:00:00Z"


class TemplateError(JuwuError, ValueError):
    code = "template-request"


@dataclass(frozen=True)
class CityLists:
    """The city's own lists a ledger's drop-downs offer (city.yaml finance.*)."""

    categories: tuple[str, ...]
    funding_sources: tuple[str, ...]


@dataclass(frozen=True)
class Column:
    name: str
    title: str
    type: str
    choices: tuple[str, ...]  # a drop-down list; empty for free input
    required: bool
    max_length: int | None
    minimum: float | None


def schema_kind(kind: str) -> str:
    if kind in KINDS:
        return KINDS[kind]
    if kind in KINDS.values():
        return kind
    raise TemplateError(f"没有“{kind}”这种模板；可以是：{'、'.join(KINDS)}",
                        f"no template '{kind}'; choose one of: {', '.join(KINDS)}")


def titles(kind: str) -> list[str]:
    """A table's column titles as a clerk reads them: the schema's Chinese titles, in its order."""
    return [f.get("title") or name for name, f in tableschemas.fields(schema_kind(kind)).items()]


def csv_text(kind: str) -> str:
    """The header line of a table in Chinese titles (for files committed to a city repository)."""
    return ",".join(titles(kind)) + "\n"


def csv_bytes(kind: str) -> bytes:
    """A CSV template: the Chinese header in UTF-8 with a BOM, which Excel opens as Chinese."""
    return b"\xef\xbb\xbf" + csv_text(kind).encode("utf-8")


def city_lists(data_dir: Path | None) -> CityLists:
    """Categories (income then expense) and funding sources of a city's city.yaml, else Juwu's defaults."""
    from generator.load import categories, yamlfile

    city = _read_yaml(data_dir, "city.yaml")
    if not isinstance(city, dict) or not isinstance(city.get("finance"), dict):
        city = yamlfile.parse(categories.DEFAULTS.read_text(encoding="utf-8"))
    _, incomes, expenses = categories.city_lists(city)
    funding = categories.funding_sources(city)
    return CityLists(tuple(dict.fromkeys(incomes + expenses)), funding)


def columns(kind: str, lists: CityLists) -> list[Column]:
    out = []
    for name, f in tableschemas.fields(schema_kind(kind)).items():
        constraints = f.get("constraints") or {}
        choices = tuple(constraints.get("enum") or ())
        if f.get("type") == "boolean":
            choices = TRUE_FALSE
        if schema_kind(kind) == "ledger_lines" and name == "category":
            choices = lists.categories
        if schema_kind(kind) == "ledger_lines" and name == "funding_source":
            choices = lists.funding_sources
        out.append(Column(name, f.get("title") or name, f.get("type", "string"), tuple(str(c) for c in choices),
                          bool(constraints.get("required")), constraints.get("maxLength"), constraints.get("minimum")))
    return out


def previous_closing(data_dir: Path | None, community: str | None, period: str | None) -> Decimal | None:
    """The closing balance of the month before `period` (finance/<YYYY-MM>.yaml), if there is one."""
    from generator.formats import FormatError
    from generator.money import parse_amount

    if not (data_dir and community and period):
        return None
    if not re.fullmatch(r"[0-9]{12}", community):
        return None
    year, month = int(period[:4]), int(period[5:7])
    before = f"{year - 1}-12" if month == 1 else f"{year}-{month - 1:02d}"
    record = _read_yaml(data_dir, f"communities/{community}/finance/{before}.yaml")
    if record is None:  # no YAML: the month's workbook may carry its header (generator/load/periodheader.py)
        record = _workbook_header(Path(data_dir), community, before)
    value = record.get("closing_balance") if isinstance(record, dict) else None
    try:
        return parse_amount(str(getattr(value, "text", value) or "")) if value is not None else None
    except FormatError:  # an unreadable header is validate's to report; the template leaves the cell blank
        return None


def _workbook_header(data_dir: Path, community: str, period: str) -> dict | None:
    """A period's header as the loader reads it from the community's workbooks, if it has one."""
    from generator.load.city import load_city

    finance = data_dir / "communities" / community / "finance"
    if not any((finance / name).exists() for name in (f"{period}.xlsx", f"{period}.csv", f"{period[:4]}.xlsx")):
        return None
    loaded, _ = load_city(data_dir, {community})
    return next((s.record for s in loaded.sources if s.kind == "ledger_period" and s.community == community
                 and s.period == period), None)


def _read_yaml(data_dir: Path | None, rel: str) -> dict | None:
    """A YAML file of the data folder read as the loader reads it (a link, folder or pipe is never
    followed: generator/load/walk.py), or None when it is absent or unreadable."""
    from generator.load import walk, yamlfile
    from generator.load.sources import Loaded
    from generator.load.tables import TableRefused, decode
    from generator.problems import Problems

    if not data_dir or not (Path(data_dir) / rel).exists():
        return None
    data = walk.read_bytes(Loaded(), Path(data_dir), rel, Problems(), None)
    if data is None:
        return None
    try:
        record = yamlfile.parse(decode(data)[0])
    except (yamlfile.YamlRefused, TableRefused):
        return None
    return record if isinstance(record, dict) else None


def check_period(period: str | None) -> str | None:
    if period is not None and not re.fullmatch(r"[0-9]{4}-(0[1-9]|1[0-2])", period):
        raise TemplateError(f"账期“{period}”不对：应为“年-月”，例如 2025-01", f"period '{period}' must be YYYY-MM, e.g. 2025-01")
    return period


def sheet_title(kind: str) -> str:
    """The data sheet's name: the schema title's Chinese part, which the loader prefers."""
    return tableschemas.schema(schema_kind(kind)).get("title", kind).split(" ", 1)[0]


def xlsx_bytes(kind: str, lists: CityLists, period: str | None = None, opening: Decimal | None = None,
               community: str = "") -> bytes:
    """An .xlsx template for `kind` (see the module's docstring)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill, Protection

    check_period(period)
    cols = columns(kind, lists)
    book = Workbook()
    ws = book.active
    ws.title = sheet_title(kind)
    lists_ws = book.create_sheet(LISTS_SHEET)
    lists_ws.sheet_state = "hidden"
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDEBF7")
    for i, col in enumerate(cols, start=1):
        cell = ws.cell(row=1, column=i, value=col.title)
        cell.font, cell.fill = bold, fill
        cell.alignment = Alignment(horizontal="center")
        letter = column_letter(i - 1)
        ws.column_dimensions[letter].width = _width(col)
        for row in range(2, ROWS + 2):
            data_cell = ws.cell(row=row, column=i)
            data_cell.protection = Protection(locked=False)
            data_cell.number_format = _format(col)
        ws.add_data_validation(_validation(col, i, letter, lists_ws, period))
    ws.freeze_panes = "A2"
    ws.protection.sheet = True  # the header is locked; every cell below it is open
    for flag in ("formatColumns", "formatRows", "insertRows", "deleteRows", "sort", "autoFilter"):
        setattr(ws.protection, flag, False)
    if schema_kind(kind) == "ledger_lines":
        _period_sheet(book, cols, period, opening, bold, fill)
        _board_sheet(book, cols, period, bold)
    _notes_sheet(book, kind, cols, period, community, bold)
    book.move_sheet(LISTS_SHEET, offset=len(book.sheetnames))
    out = io.BytesIO()
    book.save(out)
    return deterministic(out.getvalue())


def _width(col: Column) -> float:
    if col.type == "date":
        return 12
    if col.type in ("number", "integer"):
        return 12
    return min(40, max(10, len(col.title) * 2 + 4, (col.max_length or 0) // 4))


def _format(col: Column) -> str:
    if col.type == "date":
        return DATE_FORMAT
    if col.type == "number":
        return AMOUNT_FORMAT
    if col.type == "integer":
        return "0"
    return TEXT_FORMAT


def _validation(col: Column, index: int, letter: str, lists_ws, period: str | None):
    from openpyxl.worksheet.datavalidation import DataValidation

    cells = f"{letter}2:{letter}{ROWS + 1}"
    title = col.title[:32]
    if col.choices:
        for r, choice in enumerate(col.choices, start=2):
            lists_ws.cell(row=r, column=index, value=choice)
        lists_ws.cell(row=1, column=index, value=col.title)
        source = f"'{LISTS_SHEET}'!${letter}$2:${letter}${len(col.choices) + 1}"
        dv = DataValidation(type="list", formula1=source, allow_blank=not col.required)
        prompt = "从下拉列表中选择"
        error = "请从下拉列表中选择：" + "、".join(col.choices)
    elif col.type == "date":
        first, last = _date_range(period)
        dv = DataValidation(type="date", operator="between", formula1=f"DATE({first.year},{first.month},{first.day})",
                            formula2=f"DATE({last.year},{last.month},{last.day})", allow_blank=not col.required)
        prompt = "填写日期，例如 " + first.isoformat()
        error = f"请填写 {first.isoformat()} 至 {last.isoformat()} 之间的日期，例如 {first.isoformat()}"
    elif col.type in ("number", "integer"):
        minimum = 0 if col.minimum is None else col.minimum
        dv = DataValidation(type="decimal" if col.type == "number" else "whole", operator="greaterThanOrEqual",
                            formula1=str(minimum), allow_blank=not col.required)
        prompt = "填写数字，不要写“元”或其他文字" + ("，空着表示 0" if col.type == "number" else "")
        error = f"这里只能填写不小于 {minimum} 的数字"
    else:
        limit = col.max_length or 500
        dv = DataValidation(type="textLength", operator="lessThanOrEqual", formula1=str(limit),
                            allow_blank=not col.required)
        prompt = f"最多 {limit} 个字"
        error = f"内容过长：最多 {limit} 个字"
    dv.promptTitle, dv.prompt = title, (prompt + ("（必填）" if col.required else ""))[:255]
    dv.errorTitle, dv.error = title, error[:255]
    dv.showInputMessage = dv.showErrorMessage = True
    dv.errorStyle = "stop"
    dv.add(cells)
    return dv


def _date_range(period: str | None) -> tuple[datetime.date, datetime.date]:
    if period:
        year, month = int(period[:4]), int(period[5:7])
        return datetime.date(year, month, 1), datetime.date(year, month, calendar.monthrange(year, month)[1])
    return datetime.date(2000, 1, 1), datetime.date(2099, 12, 31)


def _period_sheet(book, cols: list[Column], period: str | None, opening: Decimal | None, bold, fill) -> None:
    """The period's header fields; the period's income, spending and closing balance as formulas."""
    from openpyxl.styles import Protection

    ws = book.create_sheet(LEDGER_SHEET_EXTRA)
    data = f"'{sheet_title('ledger')}'"
    letters = {c.name: column_letter(i) for i, c in enumerate(cols)}
    t = lambda name: tableschemas.title("ledger_period", name)  # noqa: E731
    rows = [
        ("项目", "内容", "说明"),
        (t("period"), period or "", "年-月，例如 2025-01"),
        (t("opening_balance"), float(opening) if opening is not None else None,
         "已按上月的本期结存填好" if opening is not None else "等于上个月的本期结存"),
        ("本期收入", f"=SUM({data}!{letters['income']}2:{letters['income']}{ROWS + 1})", "自动计算"),
        ("本期支出", f"=SUM({data}!{letters['expense']}2:{letters['expense']}{ROWS + 1})", "自动计算"),
        (t("closing_balance"), "=B3+B4-B5", "自动计算：上期结存 + 本期收入 − 本期支出"),
        (t("prepared_by"), None, "制表人姓名"),
        # Named as the committee's: a board's 审核 is the finance check, which this is not.
        ("监督委员会审核人", None, "监督委员会审核人姓名（不是财务审核）"),
        ("监督委员会审核日期", None, "年-月-日"),
        ("监督委员会审核意见", None, "监督委员会的审核意见"),
        (t("published_on"), None, "张榜公开的日期"),
    ]
    for r, (label, value, note) in enumerate(rows, start=1):
        ws.cell(row=r, column=1, value=label).font = bold
        cell = ws.cell(row=r, column=2, value=value)
        ws.cell(row=r, column=3, value=note)
        if r == 1:
            for c in range(1, 4):
                ws.cell(row=1, column=c).fill = fill
            continue
        if label in (t("opening_balance"), "本期收入", "本期支出", t("closing_balance")):
            cell.number_format = AMOUNT_FORMAT
        elif label in ("监督委员会审核日期", t("published_on")):
            cell.number_format = DATE_FORMAT
        else:
            cell.number_format = TEXT_FORMAT
        if not (isinstance(value, str) and value.startswith("=")):
            cell.protection = Protection(locked=False)
    ws.column_dimensions["A"].width, ws.column_dimensions["B"].width, ws.column_dimensions["C"].width = 14, 24, 44
    ws.protection.sheet = True


def _board_sheet(book, cols: list[Column], period: str | None, bold) -> None:
    """The lines laid out as the notice board prints them (上月结转, each line with its running 结存,
    合计, signatures), all formulas over the data sheet: nothing to type here, nothing the loader reads."""
    from openpyxl.styles import Alignment

    ws = book.create_sheet(BOARD_SHEET)
    data = f"'{sheet_title('ledger')}'"
    header = f"'{LEDGER_SHEET_EXTRA}'"
    at = {c.name: column_letter(i) for i, c in enumerate(cols)}
    when = f"{int(period[:4])}年{int(period[5:7])}月" if period else ""
    ws.append([f"居务公开榜（{when}）" if when else "居务公开榜"])
    ws.merge_cells("A1:F1")
    ws["A1"].font, ws["A1"].alignment = bold, Alignment(horizontal="center")
    ws.append([None, None, None, None, None, "单位：元"])
    ws.append(["日期", "凭证号", "摘要", "收入", "支出", "结存"])
    for cell in ws[3]:
        cell.font = bold
    ws.append([None, None, "上月结转", None, None, f"={header}!B3"])
    first = 5
    for i in range(ROWS):
        r, d = first + i, 2 + i  # the board's row, the data sheet's row
        src = lambda name: f"{data}!{at[name]}{d}"  # noqa: E731
        empty = f'AND({src("income")}="",{src("expense")}="",{src("summary")}="")'
        ws.append([f'=IF({src("date")}="","",{src("date")})', f'=IF({src("voucher")}="","",{src("voucher")})',
                   f'=IF({src("summary")}="","",{src("summary")})', f'=IF({src("income")}="","",{src("income")})',
                   f'=IF({src("expense")}="","",{src("expense")})',
                   f"=IF({empty},\"\",$F${first - 1}+SUM({data}!${at['income']}$2:{at['income']}{d})"
                   f"-SUM({data}!${at['expense']}$2:{at['expense']}{d}))"])
    total = first + ROWS
    last = total - 1
    ws.append([None, None, "合计", f"=SUM(D{first}:D{last})", f"=SUM(E{first}:E{last})", f"={header}!B6"])
    ws.append([])
    ws.append([f'="制表："&{header}!B7', None, f'="监督委员会审核："&{header}!B8', None, f'="公开日期："&IF({header}!B11="","",TEXT({header}!B11,"yyyy-mm-dd"))'])
    for row in ws.iter_rows(min_row=first - 1, max_row=total):
        row[0].number_format = DATE_FORMAT
        for cell in row[3:6]:
            cell.number_format = AMOUNT_FORMAT
    for letter, width in zip("ABCDEF", (12, 10, 36, 12, 12, 14)):
        ws.column_dimensions[letter].width = width
    ws.print_title_rows = "3:3"
    ws.protection.sheet = True


def _notes_sheet(book, kind: str, cols: list[Column], period: str | None, community: str, bold) -> None:
    ws = book.create_sheet(NOTES_SHEET)
    name = tableschemas.schema(schema_kind(kind)).get("title", kind).split(" ", 1)[0]
    lines = [f"{name}填表说明" + (f"（{period}）" if period else "") + (f"　社区代码 {community}" if community else ""), ""]
    lines += [
        f"1. 在“{sheet_title(kind)}”工作表中从第 2 行起逐行填写；第 1 行表头不要修改、不要删除。",
        "2. 有下拉箭头的格子请从列表中选择；日期写成 2025-01-15 的样子；金额只写数字，不写“元”，没有就空着。",
        "3. 不要合并单元格，不要在表格中间插入合计、小计或空行；合计由 Juwu 自动计算。",
        "4. 不要填写身份证号、家庭住址、银行账号；手机号只会打码公开。",
        "5. 填好后保存为 .xlsx，在上传服务中上传，或交给负责提交数据的工作人员。",
    ]
    if schema_kind(kind) == "ledger_lines":
        lines += [f"6. 在“{LEDGER_SHEET_EXTRA}”工作表中填写制表人、监督委员会审核人、审核日期、审核意见和公开日期（这个工作表就是"
                  "本期的公开期信息，不需要另写 YAML 文件）；"
                  "本期收入、支出和结存自动计算，请与张榜公开的数字核对。"]
    lines += ["", "各列说明："]
    for col in cols:
        what = "必填" if col.required else "可空"
        if col.choices:
            what += "；从列表中选择：" + "、".join(col.choices)
        elif col.type == "date":
            what += "；日期"
        elif col.type in ("number", "integer"):
            what += "；数字"
        elif col.max_length:
            what += f"；最多 {col.max_length} 个字"
        lines.append(f"{col.title}：{what}")
    for r, text in enumerate(lines, start=1):
        cell = ws.cell(row=r, column=1, value=text)
        if r == 1:
            cell.font = bold
    ws.column_dimensions["A"].width = 100


def deterministic(data: bytes) -> bytes:
    """The workbook with fixed timestamps (zip entries, docProps/core.xml): the same bytes every time."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            body = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                text = body.decode("utf-8")
                text = re.sub(r"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)", rf"\g<1>{_FIXED_STAMP}\3", text)
                body = text.encode("utf-8")
            entry = zipfile.ZipInfo(info.filename, date_time=_FIXED_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            target.writestr(entry, body)
    return out.getvalue()


def write(kind: str, out: Path, data_dir: Path | None = None, community: str | None = None,
          period: str | None = None) -> Path:
    """Write the template for `kind` to `out` (.xlsx or .csv by its suffix)."""
    out = Path(out)
    suffix = out.suffix.lower()
    schema_kind(kind)
    check_period(period)
    if suffix == ".csv":
        payload = csv_bytes(kind)
    elif suffix == ".xlsx":
        lists = city_lists(data_dir)
        opening = previous_closing(data_dir, community, period) if schema_kind(kind) == "ledger_lines" else None
        payload = xlsx_bytes(kind, lists, period, opening, community or "")
    else:
        raise TemplateError(f"输出文件应以 .xlsx 或 .csv 结尾：{out.name}", f"the output must end in .xlsx or .csv: {out.name}")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(payload)
    return out
