"""Notice-board sheets: what is on the paper, how it breaks across pages, its QR code, fonts and stamp.

The PDFs are made by the real command (`juwu print`) with WeasyPrint and checked with poppler's
pdftotext / pdffonts / pdftoppm and zbar's zbarimg, as a clerk's printer and a resident's phone
would see them.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import shutil
import subprocess
import sys
import threading
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest
import yaml

from generator.money import to_capital
from generator.print.html import css_string, print_environment, render_sheet
from generator.print.pdf import render_pdf
from generator.print.select import PrintError, Request, select_sheets
from generator.print.sheets import Layout, period_sheet
from generator.site.pages import site_pages
from generator.stamp import period_stamp
from generator.gather import validate_city
from tests.conftest import DATA, community_with_committee, read_csv_rows

TOOLS = ("pdftotext", "pdffonts", "pdftoppm", "pdfinfo", "zbarimg")
pytestmark = pytest.mark.skipif(
    any(shutil.which(t) is None for t in TOOLS),
    reason="needs poppler-utils and zbar-tools (make system-deps installs them)")


# ---------------------------------------------------------------- helpers

def juwu(*args: str) -> subprocess.CompletedProcess:
    # The demo city's site_url is a placeholder: its sheets print only with --allow-placeholder-url
    # (tests/test_site_url.py checks the refusal without it).
    extra = ["--allow-placeholder-url"] if args[:1] == ("print",) else []
    return subprocess.run([sys.executable, "-m", "generator", *args, *extra], capture_output=True, text=True,
                          timeout=600)


def pdf_text(pdf: Path, page: int | None = None) -> str:
    pages = ["-f", str(page), "-l", str(page)] if page else []
    return subprocess.run(["pdftotext", "-layout", *pages, str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout


def compact(text: str) -> str:
    """pdftotext spaces CJK and digits as the layout falls: compare without any whitespace."""
    return re.sub(r"\s+", "", text)


def page_count(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M)[1])


def page_size(pdf: Path) -> tuple[float, float]:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    m = re.search(r"^Page size:\s+([\d.]+) x ([\d.]+) pts", info, re.M)
    return float(m[1]), float(m[2])


def qr_codes(pdf: Path, tmp: Path) -> list[str]:
    subprocess.run(["pdftoppm", "-r", "200", "-png", str(pdf), str(tmp / "page")], check=True)
    found = []
    for png in sorted(tmp.glob("page*.png")):
        out = subprocess.run(["zbarimg", "--raw", "-q", str(png)], capture_output=True, text=True)
        found += [line for line in out.stdout.splitlines() if line]
    return found


def qr_for(page_urls: list[str], data: Path = DATA, **request) -> list[str]:
    """What the QR codes of these sheets hold: the site's /verify/ page with each sheet's short code
    (the sheets chosen as `juwu print` chooses them, found by the page each one matches)."""
    sheets = select_sheets(validate_city(data).city, Request(**request)).sheets
    by_page = {s.url: s.verify_url for s in sheets}
    assert set(page_urls) <= set(by_page)
    return [by_page[u] for u in page_urls]


def money(d: Decimal) -> str:
    return f"{d:,.2f}"  # formatted here, not with the generator's own format_amount


def ledger_totals(csv_path: Path) -> tuple[Decimal, Decimal, int]:
    rows = read_csv_rows(csv_path)
    income = sum((Decimal(r["income"]) for r in rows if r["income"]), Decimal("0.00"))
    expense = sum((Decimal(r["expense"]) for r in rows if r["expense"]), Decimal("0.00"))
    return income, expense, len(rows)


def community_name(code: str, data: Path = DATA) -> str:
    return next(r["name"] for r in read_csv_rows(data / "communities.csv") if r["code"] == code)


def site_url(data: Path = DATA) -> str:
    return yaml.safe_load((data / "city.yaml").read_text(encoding="utf-8"))["site_url"].rstrip("/") + "/"


CODE = community_with_committee()
# The latest period: a later month's opening balance never depends on it, so tests may change it.
PERIOD = sorted((DATA / "communities" / CODE / "finance").glob("*.csv"))[-1].stem


@pytest.fixture(scope="session")
def sheet_pdf(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("print") / "sheet.pdf"
    result = juwu("print", str(DATA), "--community", CODE, "--period", PERIOD, "-o", str(out))
    assert result.returncode == 0, result.stderr
    return out


# ---------------------------------------------------------------- the period sheet

def test_period_sheet_carries_title_totals_capitals_and_review(sheet_pdf):
    finance = DATA / "communities" / CODE / "finance"
    income, expense, _ = ledger_totals(finance / f"{PERIOD}.csv")
    header = yaml.safe_load((finance / f"{PERIOD}.yaml").read_text(encoding="utf-8"))
    closing, opening = Decimal(header["closing_balance"]), Decimal(header["opening_balance"])
    year, month = int(PERIOD[:4]), int(PERIOD[5:])
    name = community_name(CODE)
    text = compact(pdf_text(sheet_pdf))
    assert f"{name}{year}年{month}月财务收支公开" in text
    assert f"{name}居民委员会" in text and "居务监督委员会" in text
    assert f"公开期间：{year}年{month}月1日至" in text
    for amount in (income, expense, opening, closing):
        assert money(amount) in text
        assert to_capital(amount) in text
    assert opening + income - expense == closing
    assert f"合计（共{len(read_csv_rows(finance / f'{PERIOD}.csv'))}笔）{money(income)}{money(expense)}" in text
    review = header["review"]
    assert review["opinion"] in text and f"审核人：{review['reviewer']}" in text and "已审核" in text
    published = datetime.date.fromisoformat(header["published_on"])
    posting_days = yaml.safe_load((DATA / "city.yaml").read_text(encoding="utf-8"))["disclosure"]["posting_days"]
    last = published + datetime.timedelta(days=posting_days - 1)
    assert f"张贴期限：{published.year}年{published.month}月{published.day}日至{last.year}年{last.month}月{last.day}日" in text
    committee = yaml.safe_load((DATA / "communities" / CODE / "committee.yaml").read_text(encoding="utf-8"))
    assert f"监督电话：{committee['supervision_phone']}" in text
    assert committee["report_box"] in text
    assert "监督委员会盖章" in text  # the empty box left for the seal


def test_every_ledger_line_is_on_the_sheet_in_order(sheet_pdf):
    rows = read_csv_rows(DATA / "communities" / CODE / "finance" / f"{PERIOD}.csv")
    text = compact(pdf_text(sheet_pdf))
    positions = [text.index(r["voucher"]) for r in rows]
    assert positions == sorted(positions)
    assert text.index("上期结存") < positions[0] and text.index("合计") > positions[-1]


def test_qr_code_decodes_to_the_verify_page_with_the_printed_code(sheet_pdf, tmp_path):
    [target] = qr_for([f"{site_url()}c/{CODE}/finance/{PERIOD}/"], community=CODE, period=PERIOD)
    assert qr_codes(sheet_pdf, tmp_path) == [target]
    code = target.split("?c=", 1)[1]
    assert target == f"{site_url()}verify/?c={code}" and re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{4}", code)
    assert f"核验码{code}" in compact(pdf_text(sheet_pdf))


def test_fonts_are_embedded_cjk_outlines_not_type3(sheet_pdf):
    rows = subprocess.run(["pdffonts", str(sheet_pdf)], capture_output=True, text=True, check=True)
    fonts = rows.stdout.splitlines()[2:]
    assert fonts, rows.stdout
    assert not [f for f in fonts if "Type 3" in f], rows.stdout
    # columns: name, type…, emb, sub, uni: every font embedded and mapped to Unicode
    assert all(f.split()[-5:-2] == ["yes", "yes", "yes"] for f in fonts), rows.stdout
    assert any("Noto-Sans-CJK-SC" in f for f in fonts) and any("Noto-Serif-CJK-SC" in f for f in fonts)
    # A glyph missing from the fonts would come out as U+FFFD or a tofu box in the text layer.
    text = pdf_text(sheet_pdf)
    assert "\ufffd" not in text and "□" not in text


def test_sheet_stamp_equals_the_web_page_stamp(sheet_pdf, built_site):
    html = (built_site / "c" / CODE / "finance" / PERIOD / "index.html").read_text(encoding="utf-8")
    web = re.search(r"data-juwu-stamp>([^<]+)<", html)[1]
    assert re.fullmatch(r"[0-9a-f]{8} · \d{4}-\d{2}-\d{2}", web)
    assert f"版本号：{compact(web)}" in compact(pdf_text(sheet_pdf))


# ---------------------------------------------------------------- the version stamp

def _edit_summary(data: Path, code: str, period: str, new: str) -> None:
    path = data / "communities" / code / "finance" / f"{period}.csv"
    rows = read_csv_rows(path)
    rows[0]["summary"] = new
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")


def test_stamp_changes_when_the_ledger_changes_and_only_for_that_period(data_copy):
    def stamps() -> dict[str, str]:
        validation = validate_city(data_copy)
        assert validation.ok, [p.en for p in validation.problems.errors]
        community = next(c for c in validation.city.communities if c.code == CODE)
        pages = {p.path: p for p in site_pages(validation.city)}
        for period in community.periods:  # the web page shows exactly the sheet's stamp
            assert pages[f"c/{CODE}/finance/{period.key}/"].context["stamp"] == period_stamp(validation.city, period)
        return {p.key: period_stamp(validation.city, p) for p in community.periods}

    before = stamps()
    _edit_summary(data_copy, CODE, PERIOD, "更正后的摘要")
    after = stamps()
    assert after[PERIOD] != before[PERIOD]
    assert {k: v for k, v in after.items() if k != PERIOD} == {k: v for k, v in before.items() if k != PERIOD}
    assert after[PERIOD].split(" · ")[1] == before[PERIOD].split(" · ")[1]  # same data date, new hash


# ---------------------------------------------------------------- a long ledger

def _long_month(data: Path, lines: int) -> tuple[Decimal, Decimal]:
    """Rewrite the period's ledger as `lines` lines (the month's own lines, repeated) and rebalance it."""
    finance = data / "communities" / CODE / "finance"
    rows = read_csv_rows(finance / f"{PERIOD}.csv")
    long = []
    for i in range(lines):
        row = dict(rows[i % len(rows)])
        row["voucher"] = f"记-{PERIOD}-{i + 1:03d}"
        long.append(row)
    # A grant first, so that a month three times as busy still ends with money in the bank.
    long[0].update(category="办公经费拨款", summary="街道拨付社区办公经费", income="60000.00", expense="",
                   funding_source="办公经费")
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(long)
    (finance / f"{PERIOD}.csv").write_text(buffer.getvalue(), encoding="utf-8")
    income, expense, _ = ledger_totals(finance / f"{PERIOD}.csv")
    header_path = finance / f"{PERIOD}.yaml"
    header = header_path.read_text(encoding="utf-8")
    opening = Decimal(yaml.safe_load(header)["opening_balance"])
    closing = opening + income - expense
    header = re.sub(r'^closing_balance: .*$', f'closing_balance: "{closing}"', header, flags=re.M)
    header_path.write_text(header, encoding="utf-8")
    return income, expense


def test_long_ledger_breaks_across_pages_with_repeated_header_and_page_numbers(data_copy, tmp_path):
    income, expense = _long_month(data_copy, 60)
    out = tmp_path / "long.pdf"
    result = juwu("print", str(data_copy), "--community", CODE, "--period", PERIOD, "-o", str(out))
    assert result.returncode == 0, result.stderr
    pages = page_count(out)
    assert pages >= 2
    vouchers = [f"记-{PERIOD}-{i:03d}" for i in range(1, 61)]
    seen = []
    for n in range(1, pages + 1):
        text = compact(pdf_text(out, n))
        assert f"第{n}页/共{pages}页" in text
        on_page = [v for v in vouchers if v in text]
        seen += on_page
        if on_page:  # every page of the ledger starts with its header row
            assert "序号日期凭证号摘要收入(元)支出(元)结存(元)资金来源经办人" in text
    assert seen == vouchers  # every line exactly once, in order, none cut between pages
    whole = compact(pdf_text(out))
    assert f"{money(income)}{money(expense)}" in whole and to_capital(expense) in whole
    # The totals, the review and the QR code stay together on the last page.
    last = compact(pdf_text(out, pages))
    assert "本期支出合计" in last and "审核结论：已审核" in last and "监督委员会盖章" in last
    assert len(qr_codes(out, tmp_path)) == 1


def test_a3_landscape_is_honoured(tmp_path):
    validation = validate_city(DATA)
    selection = select_sheets(validation.city, Request(community=CODE, period=PERIOD, layout=Layout("A3", True)))
    pdf, pages = render_pdf([render_sheet(print_environment(), s) for s in selection.sheets], "t")
    (tmp_path / "a3.pdf").write_bytes(pdf)
    width, height = page_size(tmp_path / "a3.pdf")
    assert (round(width), round(height)) == (1191, 842) and pages == page_count(tmp_path / "a3.pdf")


# ---------------------------------------------------------------- a street, and the other sheets

def test_street_file_has_every_community_with_that_period_each_numbered_on_its_own(tmp_path):
    street = CODE[:9]
    out = tmp_path / "street.pdf"
    result = juwu("print", str(DATA), "--street", street, "--period", PERIOD, "-o", str(out))
    assert result.returncode == 0, result.stderr
    text = compact(pdf_text(out))
    expected, skipped = [], []
    for row in read_csv_rows(DATA / "communities.csv"):
        if row["code"].startswith(street):
            has = (DATA / "communities" / row["code"] / "finance" / f"{PERIOD}.csv").exists()
            (expected if has else skipped).append(row)
    year, month = int(PERIOD[:4]), int(PERIOD[5:])
    positions = [text.index(f"{r['name']}{year}年{month}月财务收支公开") for r in expected]
    assert positions == sorted(positions) and len(expected) >= 2
    assert text.count("第1页/共") == len(expected)  # page numbers restart for each community's sheet
    for r in skipped:
        assert r["code"] in result.stderr
    pages = [f"{site_url()}c/{r['code']}/finance/{PERIOD}/" for r in expected]
    assert sorted(qr_codes(out, tmp_path)) == sorted(qr_for(pages, street=street, period=PERIOD))


def test_roster_sheet_lists_members_duties_and_how_to_complain(tmp_path):
    out = tmp_path / "roster.pdf"
    result = juwu("print", str(DATA), "--sheet", "roster", "--community", CODE, "-o", str(out))
    assert result.returncode == 0, result.stderr
    text = compact(pdf_text(out))
    for m in read_csv_rows(DATA / "communities" / CODE / "members.csv"):
        assert f"{m['role']}{m['name']}" in text
        assert not m["mobile"] or m["mobile"] not in text  # personal mobiles never printed
    assert "监督电话" in text and "怎样反映问题" in text and "监督委员会的职责" in text
    assert qr_codes(out, tmp_path) == qr_for([f"{site_url()}c/{CODE}/"], sheet="roster", community=CODE)


def test_report_and_rollout_sheets(tmp_path):
    report = sorted((DATA / "communities" / CODE / "reports").glob("*.md"))[0]
    title = re.search(r"^title:\s*\"?(.+?)\"?\s*$", report.read_text(encoding="utf-8"), re.M)[1]
    out = tmp_path / "report.pdf"
    result = juwu("print", str(DATA), "--sheet", "report", "--community", CODE, "--report", report.stem, "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert compact(title) in compact(pdf_text(out))
    out = tmp_path / "rollout.pdf"
    result = juwu("print", str(DATA), "--sheet", "rollout", "--district", CODE[:6], "-o", str(out))
    assert result.returncode == 0, result.stderr
    text = compact(pdf_text(out))
    for row in read_csv_rows(DATA / "communities.csv"):
        assert (row["code"] in text) == row["code"].startswith(CODE[:6])


# ---------------------------------------------------------------- refusals

@pytest.mark.parametrize("args, zh, en", [
    (("--community", "319999999999", "--period", PERIOD), "找不到社区代码", "unknown community code"),
    (("--community", CODE, "--period", "1999-01"), "没有 1999-01 的财务公开", "has no ledger for 1999-01"),
    (("--community", CODE, "--period", "2024-13"), "--period", "--period"),
    (("--street", "319999999", "--period", PERIOD), "找不到街道代码", "unknown street code"),
    (("--sheet", "report", "--community", CODE, "--report", "no-such"), "没有名为 no-such", "has no report no-such"),
    (("--sheet", "rollout",), "--district", "--district"),
    (("--period", PERIOD), "--community", "--community"),
])
def test_unknown_things_give_bilingual_errors_and_no_pdf(tmp_path, args, zh, en):
    out = tmp_path / "x.pdf"
    result = juwu("print", str(DATA), *args, "-o", str(out))
    assert result.returncode == 1
    assert zh in result.stderr and en in result.stderr and "没有生成 PDF" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert not out.exists() and not list(tmp_path.iterdir())


def test_data_with_errors_prints_the_problems_and_no_pdf(data_copy, tmp_path):
    path = data_copy / "communities" / CODE / "finance" / f"{PERIOD}.csv"
    text = path.read_text(encoding="utf-8").splitlines()
    text[1] = text[1].replace(text[1].split(",")[0], "2024-13-45", 1)
    path.write_text("\n".join(text) + "\n", encoding="utf-8")
    out = tmp_path / "x.pdf"
    result = juwu("print", str(data_copy), "--community", CODE, "--period", PERIOD, "-o", str(out))
    assert result.returncode == 1
    assert f"communities/{CODE}/finance/{PERIOD}.csv" in result.stderr and "没有生成 PDF" in result.stderr
    assert not out.exists()


# ---------------------------------------------------------------- what committees write stays text

def test_committee_text_is_escaped_and_mobiles_masked_on_the_sheet():
    validation = validate_city(DATA)
    community = next(c for c in validation.city.communities if c.code == CODE)
    period = community.periods[-1]
    period.lines[0].summary = '<script>alert(1)</script><img src=x onerror=alert(2)> 联系 13812345678'
    community.name = '</style><b>"名"'
    html = render_sheet(print_environment(), period_sheet(validation.city, community, period))
    assert "<script>" not in html and "&lt;script&gt;" in html and "<img src=x" not in html
    assert "13812345678" not in html and "138****5678" in html
    style = html[html.index("<style>"):html.index("</style>")]
    assert "</" not in style[1:] and "<b>" not in style  # the name went into CSS strings hex-escaped


def test_css_string_cannot_break_out():
    value = css_string('a"b;}</style>@import url(x);\\ 华')
    assert value.startswith('"') and value.endswith('"')
    inner = str(value)[1:-1]
    assert not set(inner) & set('"\';{}<>()@') and "华" in inner


def test_layout_never_fetches_anything():
    hits = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the http.server API
            hits.append(self.path)
            self.send_response(404)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_port}"
        html = (f'<html><head><link rel="stylesheet" href="{url}/s.css"></head><body>'
                f'<img src="{url}/i.png"><img src="file:///etc/passwd"><p style="background: url({url}/b.png)">x</p>'
                "</body></html>")
        pdf, pages = render_pdf([html], "t")
    finally:
        server.shutdown()
    assert pdf.startswith(b"%PDF") and pages == 1
    assert hits == []


def test_print_selection_rejects_both_or_neither_scope():
    city = validate_city(DATA).city
    with pytest.raises(PrintError):
        select_sheets(city, Request(community=CODE, street=CODE[:9], period=PERIOD))
    with pytest.raises(PrintError):
        select_sheets(city, Request(sheet="rollout", street=CODE[:9], district=CODE[:6]))


# ---------------------------------------------------------------- browser printing of a site page

@pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="needs Debian's chromium (make system-deps)")
def test_browser_print_of_a_site_page_is_clean(built_site, tmp_path):
    from playwright.sync_api import sync_playwright

    page_file = built_site / "c" / CODE / "finance" / PERIOD / "index.html"
    vouchers = [r["voucher"] for r in read_csv_rows(DATA / "communities" / CODE / "finance" / f"{PERIOD}.csv")]
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium",
                                     args=["--no-sandbox", "--disable-background-networking"])
        try:
            page = browser.new_page()
            page.goto(page_file.as_uri())
            page.emulate_media(media="print")
            for clutter in (".md-header", ".md-tabs", ".md-sidebar--primary", ".md-search", ".md-footer",
                            ".juwu-crumbs", ".juwu-pager"):
                assert page.locator(clutter).count() == 0 or page.locator(clutter).first.is_hidden(), clutter
            assert page.locator("table.juwu-ledger").is_visible()
            assert page.locator("[data-juwu-stamp]").is_visible()
            assert page.locator("[data-juwu-version]").is_visible()
            assert page.eval_on_selector("table.juwu-ledger tbody tr", "tr => getComputedStyle(tr).breakInside") == "avoid"
            assert page.eval_on_selector("table.juwu-ledger thead", "t => getComputedStyle(t).display") == "table-header-group"
            after = page.evaluate("""() => {
                const a = document.createElement('a'); a.href = 'https://example.invalid/x'; a.textContent = 'x';
                document.querySelector('.md-typeset').appendChild(a);
                return getComputedStyle(a, '::after').content; }""")
            assert "https://example.invalid/x" in after
            pdf = tmp_path / "browser.pdf"
            pdf.write_bytes(page.pdf(prefer_css_page_size=True))
        finally:
            browser.close()
    text = compact(pdf_text(pdf))
    assert all(v in text for v in vouchers)
    assert "关于监督委员会" not in text and "怎样看公开信息" not in text  # the navigation tabs are not printed


def test_totals_review_and_seal_never_split_whatever_the_ledger_length(tmp_path):
    # Lengths around a page's capacity: at some of them the closing block falls on the page break.
    validation = validate_city(DATA)
    community = next(c for c in validation.city.communities if c.code == CODE)
    period = community.periods[-1]
    lines = list(period.lines)
    env = print_environment()
    for n in range(20, 44, 4):
        period.lines = [lines[i % len(lines)] for i in range(n)]
        pdf, pages = render_pdf([render_sheet(env, period_sheet(validation.city, community, period))], "t")
        path = tmp_path / f"{n}.pdf"
        path.write_bytes(pdf)
        texts = [compact(pdf_text(path, p)) for p in range(1, pages + 1)]
        holding = [i for i, t in enumerate(texts) if "本期支出合计" in t]
        assert len(holding) == 1, n
        closing = texts[holding[0]]
        assert "审核结论：已审核" in closing and "监督委员会盖章" in closing and "版本号：" in closing, n


def test_missing_cjk_fonts_stop_printing_with_a_clear_message(monkeypatch):
    from generator.print import pdf as pdf_module
    from generator.problems import JuwuError

    assert pdf_module.missing_fonts() == []  # this machine has them (make system-deps)
    monkeypatch.setattr(pdf_module, "REQUIRED_FONTS", ("Noto Sans CJK SC", "No Such Font Family XYZ"))
    with pytest.raises(JuwuError) as exc:
        render_pdf(["<p>公开</p>"], "t")
    assert "fonts-noto-cjk" in exc.value.zh and "No Such Font Family XYZ" in exc.value.en
