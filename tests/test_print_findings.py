"""The rectification notice (整改通知, `juwu print --sheet findings`): a community's open findings
with their dates, the closed ones, the contacts, the seal box and a QR code to the findings on the
community's page — and never the private people of officials.csv, never raw committee HTML.

The PDFs are made by the real command and read back with poppler and zbar, as in test_print.py.
"""

from __future__ import annotations

import datetime
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import cli
from generator.print.html import print_environment, render_sheet
from generator.print.pdf import render_pdf
from generator.print.select import PrintError, Request, select_sheets
from generator.print.sheets import findings_sheet
from generator.problems import FINDING, Problem
from generator.gather import validate_city
from tests.conftest import DATA, read_csv_rows
from tests.test_heldback import add_sixth_member
from tests.test_print import TOOLS, compact, juwu, page_size, qr_codes, qr_for, site_url

NONE = "目前没有未整改的问题"


@pytest.fixture(autouse=True)
def _pdf_tools():
    """These tests read PDFs with poppler and zbar: in CI their absence is a failure, not a skip."""
    missing = [t for t in TOOLS if shutil.which(t) is None]
    if missing:
        message = f"needs {', '.join(missing)} (make system-deps installs poppler-utils and zbar-tools)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)


def zh_date(day: datetime.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"  # written here, not with the generator's format_zh


def findings_of(data: Path, code: str) -> tuple[datetime.date, list[Problem]]:
    """(the data's date, the community's compliance findings) straight from validation."""
    validation = validate_city(data)
    assert validation.ok, [p.en for p in validation.problems.errors][:5]
    return validation.city.as_of, [p for p in validation.problems.findings if p.community == code]


def day(iso: str | None) -> datetime.date | None:
    return None if iso is None else datetime.date.fromisoformat(iso)


def communities(data: Path = DATA) -> list[str]:
    return [r["code"] for r in read_csv_rows(data / "communities.csv")]


@dataclass(frozen=True)
class Demo:
    """The demo city's findings, and the communities the tests print."""

    as_of: datetime.date
    found: dict[str, list[Problem]]  # community code → its findings

    def open(self, code: str) -> list[Problem]:
        return [p for p in self.found[code] if p.closed is None]

    @property
    def with_open(self) -> str:
        """The community with the most open findings that have both a date since and a deadline."""
        return max(self.found, key=lambda c: (sum(1 for p in self.open(c) if p.since and p.due), len(self.open(c))))

    @property
    def without(self) -> str:
        """A community with a committee and no finding at all."""
        return next(c for c in self.found if not self.found[c] and (DATA / "communities" / c / "members.csv").exists())

    @property
    def closed_only(self) -> str:
        return next(c for c in self.found if self.found[c] and not self.open(c))


@pytest.fixture(scope="module")
def demo() -> Demo:
    validation = validate_city(DATA)
    assert validation.ok
    found = {c: [p for p in validation.problems.findings if p.community == c] for c in communities()}
    return Demo(validation.city.as_of, found)


def flow_text(pdf: Path) -> str:
    """The text in reading order, each table cell whole (pdftotext -layout would interleave the
    lines of cells that wrap), without whitespace."""
    out = subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return compact(out)


def flow_text_of_page(pdf: Path, page: int) -> str:
    out = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), str(pdf), "-"], capture_output=True,
                         text=True, check=True).stdout
    return compact(out)


def print_findings(data: Path, code: str, out: Path, *extra: str) -> str:
    result = juwu("print", str(data), "--sheet", "findings", "--community", code, "-o", str(out), *extra)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return flow_text(out)


# ---------------------------------------------------------------- what is on the sheet

def test_open_findings_are_printed_with_their_rule_dates_and_days(demo, tmp_path):
    code, as_of = demo.with_open, demo.as_of
    opened = demo.open(code)
    assert opened and any(p.since and p.due for p in opened)  # the fixture exercises both dates
    out = tmp_path / "findings.pdf"
    text = print_findings(DATA, code, out)
    assert "居务监督整改通知" in text and "未整改的问题" in text and NONE not in text
    assert "序号发现的问题方案要求自何时期限已持续天数" in text  # the table's header row
    for p in opened:
        assert compact(p.public or p.zh) in text, p
        since, due = day(p.since), day(p.due)
        if since:
            assert f"{zh_date(since)}" in text and f"{(as_of - since).days}天" in text
        if due:
            assert zh_date(due) in text
    assert f"未整改：{len(opened)}个" in text
    assert f"数据截至：{zh_date(as_of)}" in text
    # The seal and signature box, the contacts, and how findings leave the list.
    assert "监督委员会盖章" in text and "负责人签名" in text and "日期：" in text
    assert "市民服务热线12345" in text and "监督电话：" in text
    assert "自动从“未整改”移到“已整改”" in text and "在网上公开" in text
    assert qr_codes(out, tmp_path) == qr_for([f"{site_url()}c/{code}/#findings"], sheet="findings", community=code)


def test_a_sixth_member_prints_the_committee_size_finding(demo, data_copy, tmp_path):
    code = demo.without
    before = print_findings(data_copy, code, tmp_path / "before.pdf")
    assert NONE in before and "3–5人" not in before
    add_sixth_member(data_copy, code)
    as_of, found = findings_of(data_copy, code)
    [size] = [p for p in found if p.code == "committee-size"]
    after = print_findings(data_copy, code, tmp_path / "after.pdf")
    assert compact(size.public or size.zh) in after and "现有6人" in after
    assert "监督委员会由3–5人组成" in after  # the plan's rule, in plain Chinese
    assert zh_date(day(size.since)) in after and f"{(as_of - day(size.since)).days}天" in after
    assert NONE not in after
    # The version stamp tells the two sheets apart; the same data gives the same stamp.
    stamp = lambda text: text.split("版本号：", 1)[1][:8]  # noqa: E731
    assert stamp(before) != stamp(after)
    again = print_findings(data_copy, code, tmp_path / "again.pdf")
    assert stamp(again) == stamp(after)


def test_a_community_without_findings_prints_the_none_sentence_on_a3(demo, tmp_path):
    out = tmp_path / "none.pdf"
    text = print_findings(DATA, demo.without, out, "--size", "A3")
    assert NONE in text
    assert "发现的问题方案要求" not in text and "已整改的问题" not in text  # no empty tables
    assert "监督委员会盖章" in text and "版本号：" in text
    width, height = page_size(out)
    assert (round(width), round(height)) == (842, 1191)
    assert qr_codes(out, tmp_path) == qr_for([f"{site_url()}c/{demo.without}/#findings"], sheet="findings",
                                            community=demo.without)


def test_closed_findings_are_listed_briefly_after_the_none_sentence(demo):
    code = demo.closed_only
    found = demo.found[code]
    city = validate_city(DATA).city
    community = next(c for c in city.communities if c.code == code)
    html = render_sheet(print_environment(), findings_sheet(city, community))
    assert html.index(NONE) < html.index("已整改的问题")
    for p in found:
        assert p.public_zh in html and zh_date(day(p.closed)) in html


def test_a_long_list_breaks_across_pages_with_its_header_and_keeps_the_seal_together(demo, tmp_path):
    city = validate_city(DATA).city
    community = next(c for c in city.communities if c.code == demo.with_open)
    community.findings = [Problem("six-unifications", FINDING, "x.csv", f"第{i:02d}号问题", "en", community=community.code,
                                  since=f"2024-01-{i % 28 + 1:02d}") for i in range(1, 61)]
    pdf, pages = render_pdf([render_sheet(print_environment(), findings_sheet(city, community))], "t")
    path = tmp_path / "long.pdf"
    path.write_bytes(pdf)
    assert pages >= 2
    # Without the running head (title and stamp), which pdftotext may read in the middle of the header row.
    title = compact(findings_sheet(city, community).title)
    texts = [re.sub(rf"版本号[0-9a-f]{{8}}·[0-9-]{{10}}|^{re.escape(title)}", "", flow_text_of_page(path, n))
             for n in range(1, pages + 1)]
    seen = []
    for n, text in enumerate(texts, 1):
        on_page = re.findall(r"第(\d\d)号问题", text)
        seen += on_page
        if on_page:  # every page of the table starts with its header row
            assert "序号发现的问题方案要求自何时期限已持续天数" in text, n
        assert f"第{n}页/共{pages}页" in text
    assert len(seen) == 60 and len(set(seen)) == 60  # every finding once, none cut in two
    [closing] = [t for t in texts if "监督委员会盖章" in t]
    assert "负责人签名" in closing and "版本号：" in closing and "扫码查看网上公开" in closing


# ---------------------------------------------------------------- what never reaches the paper

def test_the_private_people_of_officials_csv_are_never_printed(demo, data_copy, tmp_path):
    code = demo.with_open
    members = read_csv_rows(data_copy / "communities" / code / "members.csv")
    relative = next(m for m in members if m["role"] != "主任")
    officials = data_copy / "communities" / code / "officials.csv"
    officials.write_text(officials.read_text(encoding="utf-8").rstrip("\n")
                         + f"\n钱大山,社区党组织,党委副书记,{relative['name']},配偶\n", encoding="utf-8")
    _, found = findings_of(data_copy, code)
    [avoid] = [p for p in found if p.code == "avoidance"]
    assert "钱大山" in avoid.zh and "钱大山" not in avoid.public  # the clerk's text names the official
    text = print_findings(data_copy, code, tmp_path / "avoid.pdf")
    assert compact(avoid.public) in text
    assert "钱大山" not in text  # the official whose relative sits on the committee
    row = len(officials.read_text(encoding="utf-8").splitlines())
    assert f"第 {row} 行" in avoid.zh and f"第{row}行" not in text  # nor the row that records them
    assert "配偶" not in text  # nor the relation
    for m in members:
        assert not m["mobile"] or m["mobile"] not in text


def test_finding_text_is_escaped_and_mobiles_masked(demo):
    city = validate_city(DATA).city
    code = demo.with_open
    community = next(c for c in city.communities if c.code == code)
    evil = '<script>alert(1)</script><img src=x onerror=alert(2)> 联系 13812345678'
    community.findings = [Problem("committee-size", FINDING, "x.csv", "不公开的文本 钱大山", "en",
                                  community=code, since="2024-01-02", public=evil),
                          Problem("committee-size", FINDING, "x.csv", evil, "en", community=code,
                                  since="2023-01-02", closed="2023-02-03")]
    community.name = '</style><b>"名"'
    html = render_sheet(print_environment(), findings_sheet(city, community))
    assert "<script>" not in html and "&lt;script&gt;" in html and "<img src=x" not in html
    assert "13812345678" not in html and "138****5678" in html
    assert "不公开的文本" not in html and "钱大山" not in html  # only the public text is printed
    assert "&lt;/style&gt;&lt;b&gt;" in html
    style = html[html.index("<style>"):html.index("</style>")]
    assert "</" not in style[1:] and "<b>" not in style


# ---------------------------------------------------------------- the command line

def test_unknown_community_is_a_clear_error_and_no_pdf(tmp_path):
    out = tmp_path / "x.pdf"
    result = juwu("print", str(DATA), "--sheet", "findings", "--community", "319999999999", "-o", str(out))
    assert result.returncode == 1
    assert "找不到社区代码 319999999999" in result.stderr and "unknown community code 319999999999" in result.stderr
    assert "没有生成 PDF" in result.stderr and "Traceback" not in result.stderr + result.stdout
    assert not list(tmp_path.iterdir())


def test_help_offers_the_findings_sheet():
    result = CliRunner().invoke(cli, ["print", "--help"])
    assert result.exit_code == 0
    assert "findings 整改通知" in result.output and "--sheet findings" in result.output


def test_a_street_gets_one_notice_per_community_findings_or_not(demo):
    city = validate_city(DATA).city
    street = demo.with_open[:9]
    selection = select_sheets(city, Request(sheet="findings", street=street))
    expected = [c for c in city.communities if c.code.startswith(street)]
    assert [s.url for s in selection.sheets] == [f"{site_url()}c/{c.code}/#findings" for c in expected]
    assert all(s.title.endswith("居务监督整改通知") for s in selection.sheets)
    with pytest.raises(PrintError):
        select_sheets(city, Request(sheet="findings"))  # neither a community nor a street
    with pytest.raises(PrintError):
        select_sheets(city, Request(sheet="no-such", community=demo.with_open))
