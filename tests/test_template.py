"""`juwu template` (issue 15): templates that cannot go wrong read back cleanly through the loader,
empty and filled in (with openpyxl, as a clerk's Excel would), carry Chinese headers, drop-down
lists from the Table Schemas and the city's own lists, formats, a frozen and protected header, and
are the same bytes every time."""

from __future__ import annotations

import datetime
import io
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from generator import tableschemas
from generator import template as tpl
from generator.load.tables import read_csv
from generator.problems import ERROR
from generator.gather import validate_city
from tests import boardfixture as bf
from tests.cityfixture import A, city, read_table, set_yaml, small_city  # noqa: F401 - fixtures

ROOT = Path(__file__).resolve().parents[1]


def _latest(data: Path) -> tuple[Path, Decimal]:
    finance = data / "communities" / A / "finance"
    header = sorted(finance.glob("*.yaml"))[-1]
    opening = next(Decimal(l.split(":", 1)[1].strip().strip('"')) for l in header.read_text("utf-8").splitlines()
                   if l.startswith("opening_balance:"))
    return header, opening


def _place(header: Path, payload: bytes, suffix: str = ".xlsx") -> str:
    for old in header.parent.glob(f"{header.stem}.*"):
        if old.suffix in (".csv", ".xlsx"):
            old.unlink()
    path = header.with_suffix(suffix)
    path.write_bytes(payload)
    return path.relative_to(header.parents[3]).as_posix()


def _errors(result, file: str):
    return [(p.code, p.cell, p.en) for p in result.problems.items if p.file == file and p.severity == ERROR]


def _period(result, key: str):
    community = next(c for c in result.city.communities if c.code == A)
    return next(p for p in community.periods if p.key == key)


def _fill(payload: bytes, sheet: str, rows: list[list]) -> bytes:
    """What a clerk does in Excel: type rows below the header and save."""
    book = openpyxl.load_workbook(io.BytesIO(payload))
    ws = book[sheet]
    for r, values in enumerate(rows, start=2):
        for c, value in enumerate(values, start=1):
            ws.cell(row=r, column=c, value=value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --- round trips through the loader --------------------------------------------------------------

def test_an_empty_ledger_template_reads_as_a_period_without_lines(city):  # noqa: F811
    header, opening = _latest(city)
    set_yaml(header, "closing_balance", f"{opening:.2f}")
    lists = tpl.city_lists(city)
    file = _place(header, tpl.xlsx_bytes("ledger", lists, header.stem, opening, A))
    result = validate_city(city, {A})
    assert not _errors(result, file)
    period = _period(result, header.stem)
    assert period.lines == [] and period.computed_closing == opening


def test_a_filled_ledger_template_passes_validate_with_no_change(city):  # noqa: F811
    header, opening = _latest(city)
    key = header.stem
    year, month = int(key[:4]), int(key[5:7])
    closing = opening + bf.INCOME - bf.EXPENSE
    set_yaml(header, "closing_balance", f"{closing:.2f}")
    lists = tpl.city_lists(city)
    rows = [[datetime.date(year, month, l.day), l.voucher, "其他支出" if l.category == "未分类" else l.category,
             l.summary, float(l.income) if l.income else None, float(l.expense) if l.expense else None,
             lists.funding_sources[0], "赵经办"] for l in bf.BOARD_LINES]
    payload = _fill(tpl.xlsx_bytes("ledger", lists, key, opening, A), "财务收支明细", rows)
    file = _place(header, payload)
    result = validate_city(city, {A})
    assert not _errors(result, file), _errors(result, file)
    period = _period(result, key)
    assert [(l.date, l.voucher, l.income, l.expense) for l in period.lines] == [
        (datetime.date(year, month, l.day), l.voucher, l.income, l.expense) for l in bf.BOARD_LINES]
    assert period.computed_closing == closing
    assert {l.handled_by for l in period.lines} == {"赵经办"}


REVIEW = {"B7": "赵制表", "B8": "任永良", "B9": None, "B10": "经监督委员会审核，同意公开。", "B11": None}


def _fill_period(payload: bytes, reviewed_on: datetime.date, published_on: datetime.date,
                 **cells) -> bytes:
    """The clerk's part of the 公开期信息 sheet: who prepared and reviewed it, when, the opinion."""
    book = openpyxl.load_workbook(io.BytesIO(payload))
    ws = book[tpl.LEDGER_SHEET_EXTRA]
    for ref, value in (REVIEW | {"B9": reviewed_on, "B11": published_on} | cells).items():
        ws[ref] = value
        if isinstance(value, datetime.date):
            ws[ref].number_format = "yyyy-mm-dd"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _filled_ledger(city, key: str, opening: Decimal, handler: str = "赵经办") -> bytes:  # noqa: F811
    year, month = int(key[:4]), int(key[5:7])
    lists = tpl.city_lists(city)
    rows = [[datetime.date(year, month, l.day), l.voucher, "其他支出" if l.category == "未分类" else l.category,
             l.summary, float(l.income) if l.income else None, float(l.expense) if l.expense else None,
             lists.funding_sources[0], handler] for l in bf.BOARD_LINES]
    return _fill(tpl.xlsx_bytes("ledger", lists, key, opening, A), "财务收支明细", rows)


def test_a_filled_template_needs_no_yaml_header(city):  # noqa: F811
    """The 公开期信息 sheet is the header: opening filled in by juwu template, closing a formula that
    openpyxl saves without a result (computed as Excel would), the review typed by the clerk."""
    header, opening = _latest(city)
    key = header.stem
    year, month = int(key[:4]), int(key[5:7])
    reviewed, published = datetime.date(year, month, 28), datetime.date(year, month, 28)
    payload = _fill_period(_filled_ledger(city, key, opening), reviewed, published)
    header.unlink()
    file = _place(header, payload)
    result = validate_city(city, {A})
    mine = [(p.code, p.file, p.cell, p.en) for p in result.problems.items
            if p.severity == ERROR and "/finance/" in p.file]
    assert not mine, mine
    period = _period(result, key)
    assert period.header_file == file + "!公开期信息"
    assert (period.opening_balance, period.closing_balance) == (opening, opening + bf.INCOME - bf.EXPENSE)
    assert (period.prepared_by, period.reviewer, period.review_opinion) == ("赵制表", "任永良", REVIEW["B10"])
    assert (period.reviewed_on, period.published_on) == (reviewed, published)
    assert len(period.lines) == len(bf.BOARD_LINES)


def test_a_period_sheet_missing_the_review_names_the_field(city):  # noqa: F811
    header, opening = _latest(city)
    key = header.stem
    payload = _fill_period(_filled_ledger(city, key, opening), datetime.date(2000, 1, 1), datetime.date(2000, 1, 1),
                           B8=None, B9=None)
    header.unlink()
    file = _place(header, payload)
    result = validate_city(city, {A})
    errors = {(p.file, p.field) for p in result.problems.items if p.severity == ERROR and "/finance/" in p.file}
    assert (file + "!公开期信息", "review.reviewer") in errors and (file + "!公开期信息", "review.reviewed_on") in errors


def test_a_period_sheet_that_disagrees_with_the_yaml_names_the_cell(city):  # noqa: F811
    header, opening = _latest(city)
    key = header.stem
    set_yaml(header, "closing_balance", f"{opening + bf.INCOME - bf.EXPENSE:.2f}")
    wrong = float(opening + 10)
    book = openpyxl.load_workbook(io.BytesIO(tpl.xlsx_bytes("ledger", tpl.city_lists(city), key, opening, A)))
    book[tpl.LEDGER_SHEET_EXTRA]["B3"] = wrong  # 上期结存 typed over the one juwu template filled in
    out = io.BytesIO()
    book.save(out)
    file = _place(header, out.getvalue())
    result = validate_city(city, {A})
    [p] = [p for p in result.problems.items if p.code == "period-sheet-differs"]
    assert (p.file, p.cell, p.field, p.severity) == (file, "公开期信息!B3", "opening_balance", ERROR)
    assert header.name in p.zh and f"{opening + 10:,.2f}" in p.zh


def _typed(value: str, kind: str, name: str):
    """A CSV cell as Excel holds it once typed into the template: a date, a number, or text."""
    f = tableschemas.fields(kind)[name]
    if not value:
        return None
    if f.get("type") == "date":
        return datetime.date.fromisoformat(value)
    if f.get("type") == "integer":
        return int(value)
    if f.get("type") == "number":
        return float(value)
    return value


_ROWS_OF = {
    "members": lambda c: [(m.name, m.role, m.political_status, m.sub_group) for m in c.members],
    "opinions": lambda c: [(o.received_on, o.channel, o.subject, o.answer, o.status) for o in c.opinions],
    "evaluations": lambda c: [(e.year, e.held_on, e.evaluated, e.ballots_valid, e.competent, e.satisfied)
                              for e in c.evaluations],
}


@pytest.mark.parametrize("kind", sorted(_ROWS_OF))
def test_a_filled_template_reads_like_the_csv_it_replaces(city, kind):  # noqa: F811
    """The member list, opinions and evaluations: the community's rows typed into the template as
    Excel holds them (dates as dates, counts as numbers) validate with no change, to the same records."""
    folder = city / "communities" / A
    header, rows = read_table(folder / f"{kind}.csv")
    fields = list(tableschemas.fields(kind))
    values = [[_typed(row[header.index(f)], kind, f) if f in header else None for f in fields] for row in rows]
    before = validate_city(city, {A})
    records_before = _ROWS_OF[kind](next(c for c in before.city.communities if c.code == A))
    assert records_before  # the demo community has rows to compare
    payload = _fill(tpl.xlsx_bytes(kind, tpl.city_lists(city)), tpl.sheet_title(kind), values)
    (folder / f"{kind}.csv").unlink()
    (folder / f"{kind}.xlsx").write_bytes(payload)
    result = validate_city(city, {A})
    assert not _errors(result, f"communities/{A}/{kind}.xlsx"), _errors(result, f"communities/{A}/{kind}.xlsx")
    assert _ROWS_OF[kind](next(c for c in result.city.communities if c.code == A)) == records_before


def test_a_csv_template_is_a_chinese_header_with_a_bom_that_the_loader_reads():
    for kind in tpl.KINDS:
        data = tpl.csv_bytes(kind)
        assert data.startswith(b"\xef\xbb\xbf")
        table = read_csv(data)
        assert table.header == tpl.titles(kind) and table.rows == []
        aliases = tableschemas.header_aliases(tpl.schema_kind(kind))
        assert [aliases[h] for h in table.header] == list(tableschemas.fields(tpl.schema_kind(kind)))
        assert all(any("\u4e00" <= ch <= "\u9fff" for ch in h) for h in table.header), table.header


def test_a_header_only_csv_template_validates_as_an_empty_table(city):  # noqa: F811
    folder = city / "communities" / A
    (folder / "opinions.csv").unlink(missing_ok=True)
    (folder / "opinions.csv").write_bytes(tpl.csv_bytes("opinions"))
    result = validate_city(city, {A})
    assert not _errors(result, f"communities/{A}/opinions.csv")
    assert not [p for p in result.problems.items if p.file.endswith("opinions.csv") and p.code == "missing-column"]


# --- what the workbook offers the clerk -------------------------------------------------------------

def _validations(ws) -> dict[str, object]:
    """Column letter → its data validation."""
    out = {}
    for dv in ws.data_validations.dataValidation:
        for rng in dv.sqref.ranges:
            out[rng.coord.split(":")[0].rstrip("0123456789")] = dv
    return out


def _list_values(book, dv) -> list[str]:
    sheet, cells = dv.formula1.split("!")
    ws = book[sheet.strip("'")]
    first, last = cells.replace("$", "").split(":")
    return [c.value for row in ws[first:last] for c in row]


@pytest.mark.parametrize("kind", ["members", "opinions", "rectifications", "member_changes", "officials"])
def test_enum_columns_are_drop_downs_of_the_schema_values(kind):
    book = openpyxl.load_workbook(io.BytesIO(tpl.xlsx_bytes(kind, tpl.city_lists(None))))
    ws = book[tpl.sheet_title(kind)]
    validations = _validations(ws)
    enums = 0
    for i, (name, f) in enumerate(tableschemas.fields(tpl.schema_kind(kind)).items()):
        letter = chr(ord("A") + i)
        assert ws[f"{letter}1"].value == f["title"]
        enum = (f.get("constraints") or {}).get("enum")
        if enum:
            enums += 1
            dv = validations[letter]
            assert dv.type == "list" and _list_values(book, dv) == enum
            assert dv.showErrorMessage and dv.errorStyle == "stop"
    assert enums
    assert book[tpl.LISTS_SHEET].sheet_state == "hidden"


def test_the_ledger_offers_the_city_own_categories_and_funding_sources(city):  # noqa: F811
    text = (city / "city.yaml").read_text("utf-8")
    (city / "city.yaml").write_text(text.replace("    - 银行手续费\n", "    - 银行手续费\n    - 楼道亮灯工程\n", 1), "utf-8")
    book = openpyxl.load_workbook(io.BytesIO(tpl.xlsx_bytes("ledger", tpl.city_lists(city), "2025-02")))
    ws = book["财务收支明细"]
    v = _validations(ws)
    assert "楼道亮灯工程" in _list_values(book, v["C"]) and "水电燃气" in _list_values(book, v["C"])
    assert _list_values(book, v["G"])[0] == "办公经费"
    assert v["A"].type == "date" and v["A"].formula1 == "DATE(2025,2,1)" and v["A"].formula2 == "DATE(2025,2,28)"
    assert v["E"].type == "decimal" and v["E"].operator == "greaterThanOrEqual" and v["E"].formula1 == "0"
    assert v["B"].type == "textLength" and v["B"].formula1 == "20"
    assert ws["A2"].number_format == "yyyy-mm-dd" and ws["E2"].number_format == "#,##0.00"
    assert ws["B2"].number_format == "@"  # a voucher 001 keeps its zeros
    assert ws.freeze_panes == "A2" and ws.protection.sheet
    assert ws["A1"].protection.locked and not ws["A2"].protection.locked
    header = book[tpl.LEDGER_SHEET_EXTRA]
    assert header["B6"].value == "=B3+B4-B5" and header["A3"].value == "上期结存"
    notes = [c.value for c in book[tpl.NOTES_SHEET]["A"] if c.value]
    assert any("下拉" in n for n in notes) and any(n.startswith("类别：必填") for n in notes)


def test_templates_are_the_same_bytes_every_time():
    lists = tpl.city_lists(None)
    assert tpl.xlsx_bytes("ledger", lists, "2024-03", Decimal("12.50")) == \
        tpl.xlsx_bytes("ledger", lists, "2024-03", Decimal("12.50"))
    assert tpl.xlsx_bytes("members", lists) != tpl.xlsx_bytes("opinions", lists)


# --- the command -----------------------------------------------------------------------------------

def _juwu(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "generator", *args], cwd=ROOT, capture_output=True, text=True)


def test_juwu_template_fills_the_opening_balance_from_last_month(city, tmp_path):  # noqa: F811
    header, _ = _latest(city)
    closing = next(l.split(":", 1)[1].strip().strip('"') for l in header.read_text("utf-8").splitlines()
                   if l.startswith("closing_balance:"))
    year, month = int(header.stem[:4]), int(header.stem[5:7])
    nxt = f"{year + 1}-01" if month == 12 else f"{year}-{month + 1:02d}"
    out = tmp_path / "t.xlsx"
    result = _juwu("template", "ledger", "--data", str(city), "--community", A, "--period", nxt, "-o", str(out))
    assert result.returncode == 0, result.stderr
    book = openpyxl.load_workbook(out)
    assert Decimal(str(book[tpl.LEDGER_SHEET_EXTRA]["B3"].value)) == Decimal(closing)
    assert book[tpl.LEDGER_SHEET_EXTRA]["B2"].value == nxt
    csv_out = tmp_path / "m.csv"
    assert _juwu("template", "members", "-o", str(csv_out)).returncode == 0
    assert csv_out.read_bytes() == tpl.csv_bytes("members")


@pytest.mark.parametrize("args, words", [
    (["ledger", "--period", "2025-13", "-o", "x.xlsx"], "2025-13"),
    (["ledger", "-o", "x.pdf"], ".xlsx"),
])
def test_juwu_template_refuses_bad_input_in_words(tmp_path, args, words):
    args = [a if a not in ("x.xlsx", "x.pdf") else str(tmp_path / a) for a in args]
    result = _juwu("template", *args)
    assert result.returncode == 2 and words in result.stderr and "Traceback" not in result.stderr
    assert not list(tmp_path.iterdir())


# --- the upload service's download -------------------------------------------------------------------

def test_the_upload_service_offers_the_template_of_its_own_community_only(tmp_path):
    from generator.intake.users import add_user
    from intake_helpers import client_for, intake_settings, sign_in

    code, other = "319901001002", "319901001003"  # 华庭里社区 closed 2024-12 at 14926.47
    settings = intake_settings(tmp_path)
    user, password = add_user(settings.users, code, display_name="魏凤凤")
    client = client_for(settings)
    assert sign_in(client, user.username, password).status_code == 303
    page = client.get(f"/c/{code}/upload/ledger?period=2025-01")
    assert f'href="/c/{code}/template/ledger.xlsx?period=2025-01"' in page.text and "下载 Excel 模板" in page.text
    response = client.get(f"/c/{code}/template/ledger.xlsx?period=2025-01")
    assert response.status_code == 200 and "ledger-2025-01.xlsx" in response.headers["content-disposition"]
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book[tpl.LEDGER_SHEET_EXTRA]["B3"].value == 14926.47
    assert book["财务收支明细"]["A1"].value == "日期"
    assert client.get(f"/c/{other}/template/ledger.xlsx").status_code == 403
    assert client.get(f"/c/{code}/template/report.xlsx").status_code == 404  # a report has no table
    assert client.get(f"/c/{code}/template/ledger.xlsx?period=2025-1").status_code == 400
    members = client.get(f"/c/{code}/template/members.xlsx")
    assert members.status_code == 200
    assert openpyxl.load_workbook(io.BytesIO(members.content))["监督委员会成员"]["B1"].value == "职务"


# --- LibreOffice (Debian's libreoffice-calc-nogui): the template survives another spreadsheet ---------

SOFFICE = next((p for p in ("/usr/bin/soffice", "/usr/bin/libreoffice") if Path(p).exists()), None)


@pytest.mark.skipif(SOFFICE is None and not __import__("os").environ.get("CI"),
                    reason="LibreOffice not installed (make system-deps installs libreoffice-calc-nogui)")
def test_a_filled_template_resaved_by_libreoffice_still_validates(city, tmp_path):  # noqa: F811
    assert SOFFICE, "CI must have LibreOffice (make system-deps)"
    header, opening = _latest(city)
    key = header.stem
    year, month = int(key[:4]), int(key[5:7])
    closing = opening + bf.INCOME - bf.EXPENSE
    set_yaml(header, "closing_balance", f"{closing:.2f}")
    lists = tpl.city_lists(city)
    rows = [[datetime.date(year, month, l.day), l.voucher, "其他支出" if l.category == "未分类" else l.category,
             l.summary, float(l.income) if l.income else None, float(l.expense) if l.expense else None,
             lists.funding_sources[-1], "钱经办"] for l in bf.BOARD_LINES]
    filled = tmp_path / "in" / f"{key}.xlsx"
    filled.parent.mkdir()
    day = datetime.date(year, month, 28)
    filled.write_bytes(_fill_period(_fill(tpl.xlsx_bytes("ledger", lists, key, opening, A), "财务收支明细", rows),
                                    day, day))
    out = tmp_path / "out"
    profile = tmp_path / "profile"
    done = subprocess.run([SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to",
                           "xlsx:Calc MS Excel 2007 XML", "--outdir", str(out), str(filled)],
                          capture_output=True, text=True, timeout=180)
    resaved = out / filled.name
    assert resaved.exists(), done.stderr + done.stdout
    book = openpyxl.load_workbook(resaved)
    ws = book["财务收支明细"]
    kinds = {dv.type for dv in ws.data_validations.dataValidation}
    assert {"list", "date", "decimal", "textLength"} <= kinds  # the drop-downs and checks survive
    values = openpyxl.load_workbook(resaved, data_only=True)[tpl.LEDGER_SHEET_EXTRA]
    assert Decimal(str(values["B6"].value)).quantize(Decimal("0.01")) == closing  # formulas calculated
    board = openpyxl.load_workbook(resaved, data_only=True)[tpl.BOARD_SHEET]
    running = [opening]
    for l in bf.BOARD_LINES:
        running.append(running[-1] + (l.income or 0) - (l.expense or 0))
    shown = [Decimal(str(board[f"F{r}"].value)).quantize(Decimal("0.01")) for r in range(4, 5 + len(bf.BOARD_LINES))]
    assert shown == running  # 上月结转, then each line's running 结存
    assert board[f"F{5 + len(bf.BOARD_LINES)}"].value in ("", None)  # no balance shown beside an empty line
    total = 5 + tpl.ROWS
    assert board[f"C{total}"].value == "合计"
    assert Decimal(str(board[f"D{total}"].value)).quantize(Decimal("0.01")) == bf.INCOME
    assert Decimal(str(board[f"F{total}"].value)).quantize(Decimal("0.01")) == closing
    header.unlink()  # no YAML: the re-saved 公开期信息 sheet is the header, its formulas now calculated
    file = _place(header, resaved.read_bytes())
    result = validate_city(city, {A})
    errors = [(p.code, p.file, p.cell, p.en) for p in result.problems.items if p.severity == ERROR and "/finance/" in p.file]
    assert not errors, errors
    period = _period(result, key)
    assert [(l.voucher, l.income, l.expense) for l in period.lines] == [
        (l.voucher, l.income, l.expense) for l in bf.BOARD_LINES]
    assert (period.closing_balance, period.reviewer, period.published_on) == (closing, "任永良", day)


def test_the_opening_balance_is_never_read_through_a_link(city, tmp_path):  # noqa: F811
    header, _ = _latest(city)
    year, month = int(header.stem[:4]), int(header.stem[5:7])
    nxt = f"{year + 1}-01" if month == 12 else f"{year}-{month + 1:02d}"
    assert tpl.previous_closing(city, A, nxt) is not None
    outside = tmp_path / "outside.yaml"
    outside.write_text('closing_balance: "999.99"\n', "utf-8")
    header.unlink()
    header.symlink_to(outside)
    assert tpl.previous_closing(city, A, nxt) is None  # as the loader: a link is refused, never followed
    assert tpl.previous_closing(city, "../" + A, nxt) is None


def test_a_filled_template_uploaded_with_the_form_left_blank_takes_the_period_sheet(tmp_path):
    """The upload service's month form: what the clerk leaves blank, the template's 公开期信息 gives;
    the committed header carries it, and the closing balance is computed from the lines."""
    from intake_helpers import git, intake_settings, signed_in_clerk
    from intake_helpers import upload_id as _upload_id

    code = "319901001002"  # 华庭里社区: 2024-12 closed at 14926.47
    settings = intake_settings(tmp_path)
    client, token = signed_in_clerk(settings, code)
    payload = client.get(f"/c/{code}/template/ledger.xlsx?period=2025-01").content
    lists = tpl.city_lists(settings.data)
    rows = [[datetime.date(2025, 1, l.day), l.voucher, "其他支出" if l.category == "未分类" else l.category, l.summary,
             float(l.income) if l.income else None, float(l.expense) if l.expense else None,
             lists.funding_sources[0], "魏凤凤"] for l in bf.BOARD_LINES]
    filled = _fill_period(_fill(payload, "财务收支明细", rows), datetime.date(2025, 2, 3), datetime.date(2025, 2, 5))
    form = {"csrf": token, "period": "2025-01", **{k: "" for k in ("opening_balance", "closing_balance", "prepared_by",
                                                                   "reviewer", "reviewed_on", "opinion", "published_on")}}
    response = client.post(f"/c/{code}/upload/ledger", data=form,
                           files={"file": ("2025-01.xlsx", filled, "application/octet-stream")})
    assert response.status_code == 200 and "确认提交" in response.text, response.text[-3000:]
    done = client.post(f"/c/{code}/confirm", data={"csrf": token, "upload": _upload_id(response.text),
                                                    "action": "confirm"})
    assert done.status_code == 200 and "已提交" in done.text
    header = (settings.data / f"communities/{code}/finance/2025-01.yaml").read_text("utf-8")
    closing = Decimal("14926.47") + bf.INCOME - bf.EXPENSE
    for text in ("赵制表", "reviewer: 任永良", '"2025-02-03"', '"2025-02-05"', f'"{closing:.2f}"'):
        assert text in header, header
    assert "2025-01.csv" in git(settings.data.parent, "show", "--name-only", "--format=", "HEAD")


def test_the_opening_balance_comes_from_last_month_s_workbook_when_it_has_no_yaml(board_city_for_template):
    data, key, closing = board_city_for_template
    year, month = int(key[:4]), int(key[5:7])
    nxt = f"{year + 1}-01" if month == 12 else f"{year}-{month + 1:02d}"
    assert tpl.previous_closing(data, A, nxt) == closing


@pytest.fixture
def board_city_for_template(city):  # noqa: F811
    """Community A's latest month kept as a board with its footer and no YAML header."""
    header, opening = _latest(city)
    key = header.stem
    spec = bf.Spec(int(key[:4]), int(key[5:7]), opening, datetime.date(int(key[:4]), int(key[5:7]), 28))
    header.unlink()
    _place(header, bf.classic(spec, review=True))
    return city, key, spec.closing
