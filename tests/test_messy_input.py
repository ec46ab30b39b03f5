"""What clerks' tools produce, end to end through `juwu validate` on a copy of data/ (SECURITY.md
items 6, 7, 8, 10, 15, 17): read exactly, or refused with a message naming the expected format."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from decimal import Decimal

import openpyxl
import pytest

from tests.cityfixture import read_table, write_table
from tests.conftest import community_with_committee

PERIOD = "2024-02"


def juwu(data, *args) -> tuple[int, dict]:
    result = subprocess.run([sys.executable, "-m", "generator", "validate", str(data), "--format", "json",
                             "--lang", "en", *args], capture_output=True, text=True, timeout=300)
    assert "Traceback" not in result.stdout + result.stderr
    return result.returncode, json.loads(result.stdout)


def errors(report) -> list[dict]:
    return [p for p in report["problems"] if p["severity"] == "error"]


@pytest.fixture
def base(data_copy):
    return data_copy / "communities" / community_with_committee(data_copy)


def _rewrite(path, encoding: str, newline: str = "\n", text: str | None = None) -> str:
    """Save a UTF-8 file (or the given text) the way another tool would; returns the text."""
    text = path.read_text("utf-8") if text is None else text
    path.write_bytes(text.replace("\n", newline).encode(encoding))
    return text


# --- encodings (item 7) --------------------------------------------------------------------------

@pytest.mark.parametrize("encoding, newline", [("gbk", "\n"), ("gb18030", "\r\n"), ("utf-8-sig", "\r\n")])
def test_excel_encodings_are_read_exactly(data_copy, base, encoding, newline):
    members = base / "members.csv"
    original = _rewrite(members, encoding, newline)
    assert juwu(data_copy)[0] == 0
    # A deliberate mistake comes back character for character: the decoding was right.
    # 𠮷 exists in GB18030 only (four bytes), not in GBK.
    wrong = "𠮷员" if encoding == "gb18030" else "组员"
    _rewrite(members, encoding, newline, original.replace(",委员,", f",{wrong},", 1))
    code, report = juwu(data_copy)
    [p] = errors(report)
    assert code == 1 and p["value"] == wrong and p["field"] == "role"
    assert "\ufffd" not in json.dumps(report, ensure_ascii=False)


def test_an_undecodable_file_is_refused_naming_the_problem(data_copy, base):
    _rewrite(base / "members.csv", "utf-16")
    code, report = juwu(data_copy)
    [p] = errors(report)
    assert code == 1 and p["code"] == "table-unreadable" and "UTF-16" in p["message"]
    assert "UTF-8" in p["hint"]


# --- .xlsx in place of CSV (item 10) -------------------------------------------------------------

def _to_xlsx(csv_path, change=None):
    header, rows = read_table(csv_path)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(header)
    for r in rows:
        sheet.append(r)
    if change:
        change(sheet)
    book.save(csv_path.with_suffix(".xlsx"))
    csv_path.unlink()


def test_xlsx_validates_and_names_the_excel_cell(data_copy, base):
    ledger = base / "finance" / f"{PERIOD}.csv"
    header, _ = read_table(ledger)
    expense = header.index("expense") + 1
    _to_xlsx(ledger)
    assert juwu(data_copy)[0] == 0
    book = openpyxl.load_workbook(ledger.with_suffix(".xlsx"))
    book.active.cell(row=7, column=expense).value = "12.345"
    book.save(ledger.with_suffix(".xlsx"))
    code, report = juwu(data_copy)
    [p] = errors(report)
    assert (p["file"], p["row"], p["cell"], p["field"]) == (
        f"{base.relative_to(data_copy).as_posix()}/finance/{PERIOD}.xlsx", 7, "F7", "expense")
    assert "1286.50" in p["message"]


def test_xlsx_numbers_and_dates_typed_as_excel_values(data_copy, base):
    """Excel stores amounts as floats and dates as datetimes; they are read back exactly."""
    import datetime

    ledger = base / "finance" / f"{PERIOD}.csv"
    header, rows = read_table(ledger)
    col = {name: header.index(name) + 1 for name in header}

    def typed(sheet):
        for r in range(2, len(rows) + 2):
            d = sheet.cell(row=r, column=col["date"])
            d.value = datetime.datetime.fromisoformat(d.value)
            for name in ("income", "expense"):
                c = sheet.cell(row=r, column=col[name])
                c.value = float(c.value) if c.value else None
    _to_xlsx(ledger, typed)
    assert juwu(data_copy)[0] == 0  # balances to the fen, dates inside the period


# --- amounts and dates (item 17) -----------------------------------------------------------------

def _set_expenses(base, spellings: list[str]) -> Decimal:
    """Write the first expense lines in the given spellings; returns their exact sum."""
    ledger = base / "finance" / f"{PERIOD}.csv"
    header, rows = read_table(ledger)
    col = header.index("expense")
    targets = [r for r in rows if r[col]][:len(spellings)]
    before = sum(Decimal(r[col]) for r in targets)
    values = [Decimal("1234.50"), Decimal("1234"), Decimal("1234")]
    for r, text in zip(targets, spellings):
        r[col] = text
    write_table(ledger, header, rows)
    return sum(values[:len(spellings)]) - before


def _shift_closing(base, delta: Decimal, period=PERIOD):
    for p in sorted((base / "finance").glob("*.yaml")):
        if p.stem < period:
            continue
        text = p.read_text("utf-8")
        for key in (["closing_balance"] if p.stem == period else ["opening_balance", "closing_balance"]):
            old = next(l for l in text.splitlines() if l.startswith(key))
            value = Decimal(old.split('"')[1]) - delta
            text = text.replace(old, f'{key}: "{value}"')
        p.write_text(text, "utf-8")


def test_excel_amount_spellings_are_read_exactly(data_copy, base):
    delta = _set_expenses(base, ["1,234.50", "¥1234", "１２３４"])
    _shift_closing(base, delta)
    code, report = juwu(data_copy)
    assert code == 0, errors(report)  # the ledgers still balance to the fen


@pytest.mark.parametrize("text, code", [("1.234,50", "amount-decimal-comma"), ("12.345", "amount-decimals"),
                                        ("1.2E+3", "amount-scientific"), ("壹仟元", "amount-format")])
def test_ambiguous_amounts_are_refused_with_the_expected_format(data_copy, base, text, code):
    _set_expenses(base, [text])
    rc, report = juwu(data_copy)
    [p] = errors(report)
    assert rc == 1 and p["field"] == "expense" and p["value"] == text and p["code"].startswith("amount")
    assert "1286.50" in p["message"] and "1286.50" in p["hint"]


def test_excel_date_spellings_are_read_exactly(data_copy, base):
    ledger = base / "finance" / f"{PERIOD}.csv"
    header, rows = read_table(ledger)
    col = header.index("date")
    rows[0][col], rows[1][col], rows[2][col] = "2024/2/1", "2024年2月2日", "2024-2-2"
    rows[3][col] = "2024年3月1日"  # read exactly: so it is outside February, and said so
    write_table(ledger, header, rows)
    code, report = juwu(data_copy)
    [p] = errors(report)
    assert (p["code"], p["row"], p["value"]) == ("ledger-line-date", 5, "2024-03-01")


@pytest.mark.parametrize("text", ["2/1/2024", "24/2/1", "2024.13.01", "45323"])
def test_unreadable_dates_are_refused_with_the_expected_format(data_copy, base, text):
    ledger = base / "finance" / f"{PERIOD}.csv"
    header, rows = read_table(ledger)
    rows[0][header.index("date")] = text
    write_table(ledger, header, rows)
    code, report = juwu(data_copy)
    [p] = errors(report)
    assert code == 1 and p["field"] == "date" and p["row"] == 2 and p["cell"] == "A2"
    assert "2024-05-01" in p["message"] and p["code"].startswith("date")


# --- YAML (items 4, 5, 6) ------------------------------------------------------------------------

@pytest.mark.parametrize("text, words", [
    ('name: !!python/object/apply:os.system ["echo owned"]\n', "tag"),
    ("a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: [*b, *b, *b, *b, *b, *b]\n",
     "anchor or alias"),
    ("a:" + " [" * 200 + "]" * 200 + "\n", "nested too deeply"),
])
def test_dangerous_yaml_is_refused_quickly(data_copy, base, text, words):
    (base / "committee.yaml").write_text(text, "utf-8")
    code, report = juwu(data_copy)  # bounded by juwu()'s own timeout; a bomb would not finish
    found = [p for p in errors(report) if p["file"].endswith("committee.yaml")]
    assert code == 1 and found[0]["code"] == "yaml-refused" and words in found[0]["message"]


def test_yaml_11_surprises_are_caught_by_the_schema_types(data_copy, base):
    path = base / "committee.yaml"
    text = path.read_text("utf-8")
    text = text.replace("  sign: 是", "  sign: no")  # YAML 1.1 would make this False
    text = text.replace('supervision_phone: "021-69381500"', "supervision_phone: 02169381500")  # octal/int in 1.1
    text = text.replace(next(l for l in text.splitlines() if l.startswith("  heads_basic_pay")),
                        "  heads_basic_pay: 0755")
    path.write_text(text, "utf-8")
    code, report = juwu(data_copy)
    by_field = {p["field"]: p for p in errors(report) if p["file"].endswith("committee.yaml")}
    assert code == 1 and set(by_field) == {"six_unifications.sign", "chair_pay.heads_basic_pay"}
    assert by_field["six_unifications.sign"]["value"] == "no" and "是" in by_field["six_unifications.sign"]["hint"]
    assert by_field["chair_pay.heads_basic_pay"]["code"] == "amount-leading-zero"
    # The phone stays text, leading zero and all: no problem about it.
    assert not [p for p in report["problems"] if p["field"] == "supervision_phone"]


# --- codes with leading zeros (item 8) and a check that stops early (item 15) ----------------------

def test_long_digit_strings_stay_text(data_copy, base):
    ledger = base / "finance" / f"{PERIOD}.csv"
    header, rows = read_table(ledger)
    rows[0][header.index("voucher")] = "000012345678901234567"[:20]
    write_table(ledger, header, rows)
    code, report = juwu(data_copy)
    assert code == 0, errors(report)


def test_thousands_of_errors_are_all_reported(data_copy, base):
    """frictionless stops its own validate() at 1,000 errors; we stream every row ourselves."""
    ledger = base / "finance" / f"{PERIOD}.csv"
    header, rows = read_table(ledger)
    template = rows[0]
    bad = []
    for i in range(1500):
        row = list(template)
        row[header.index("voucher")] = f"V{i:05d}"
        row[header.index("expense")] = "abc"
        row[header.index("income")] = ""
        bad.append(row)
    write_table(ledger, header, bad)
    from generator.gather import validate_city

    found = [p for p in validate_city(data_copy).problems.errors if p.field == "expense"]
    assert len(found) == 1500 and max(p.row for p in found) == 1501
    # The JSON report lists the first of them and counts the rest (issue 13: reports stay small).
    code, report = juwu(data_copy)
    listed = [p for p in errors(report) if p["field"] == "expense"]
    [more] = [p for p in errors(report) if p.get("omitted") and p["code"] == listed[0]["code"]]
    assert code == 1 and report["errors"] >= 1500 and len(listed) + more["omitted"] == 1500


def test_a_check_that_stops_early_is_a_failure(monkeypatch, small_city):
    """If the row stream ever ends before the last row, the result is an error, never a pass."""
    from generator.gather import validate_city

    from frictionless.resources import TableResource

    real = TableResource.row_stream

    def short(self):
        for n, row in enumerate(real.fget(self)):
            if n == 3:
                return
            yield row
    monkeypatch.setattr(TableResource, "row_stream", property(short))
    monkeypatch.setenv("JUWU_SCHEMA_CHECK", "frictionless")  # the reference (columnar: tests/test_columnar.py)
    result = validate_city(small_city)
    found = [p for p in result.problems if p.code == "validation-incomplete"]
    assert not result.ok and found and all(p.severity == "error" for p in found)
    ledger = [p for p in found if p.file.endswith(".csv") and "finance" in p.file]
    assert ledger and ledger[0].row == 5  # the first row not checked: the fourth data row


from tests.cityfixture import small_city  # noqa: E402,F401 - fixture


def test_yaml_with_a_control_character_is_refused_not_a_traceback(data_copy, base):
    """Found by tests/test_property.py: PyYAML's reader refused DEL before parsing began."""
    path = base / "committee.yaml"
    path.write_text(path.read_text("utf-8").replace("report_box: ", "report_box: \x7f", 1), "utf-8")
    code, report = juwu(data_copy)
    [p] = [p for p in errors(report) if p["file"].endswith("committee.yaml")]
    assert code == 1 and p["code"] == "yaml-refused" and "U+007F" in p["message"] and p["row"] > 1
