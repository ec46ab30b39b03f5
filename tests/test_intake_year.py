"""A year's workbook (one sheet per month) uploaded as one (issue 15): each month's result is shown,
the months that pass are published in order up to the first that does not, problems name the sheet
and cell (2月!E14), a month needs no YAML header when its board carries one, and a changed month
already published needs an amendment reason."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest

from generator.problems import ERROR
from generator.gather import validate_city
from intake_helpers import CLOSING_2024_12, CODE, git, head, intake_settings, signed_in_clerk
from intake_helpers import upload_id as _upload_id
from tests import boardfixture as bf

FINANCE = f"communities/{CODE}/finance"


@pytest.fixture
def city(tmp_path):
    return intake_settings(tmp_path)


def _signed_in(settings):
    return signed_in_clerk(settings, CODE, "魏凤凤（华庭里社区）")


def _specs(months=(1, 2, 3)) -> list[bf.Spec]:
    specs, opening = [], Decimal(CLOSING_2024_12)
    for month in months:
        posted = datetime.date(2025 + month // 12, month % 12 + 1, 5)  # reviewed and posted after the month
        spec = bf.Spec(2025, month, opening, posted)
        specs.append(spec)
        opening = spec.closing
    return specs


def _book(specs, broken=None, names=None) -> bytes:
    book = openpyxl.Workbook()
    book.remove(book.active)
    book.create_sheet("说明").append(["2025 年逐月收支公开榜"])
    for i, spec in enumerate(specs):
        bf.classic_sheet(book.create_sheet(names[i] if names else f"{spec.month}月"), spec, review=True,
                         **(broken or {}).get(i, {}))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _upload(client, token, payload: bytes, year="2025", **fields):
    return client.post(f"/c/{CODE}/upload/ledger_year", data={"csrf": token, "year": year, **fields},
                       files={"file": ("2025年收支.xlsx", payload, "application/octet-stream")})


def _confirm(client, token, html):
    return client.post(f"/c/{CODE}/confirm", data={"csrf": token, "upload": _upload_id(html), "action": "confirm"})


def _committed(data, commit="HEAD") -> set[str]:
    return set(git(data.parent, "show", "--name-only", "--format=", commit).split())


def test_a_year_workbook_is_one_upload_publishing_every_month_that_passes(city):
    client, token = _signed_in(city)
    response = _upload(client, token, _book(_specs()))
    assert response.status_code == 200, response.text[-3000:]
    html = response.text
    assert html.count("检查通过，将公开") == 3 and "passes; will be published" in html
    assert "确认提交并公开通过检查的月份" in html
    before = head(city.data)
    done = _confirm(client, token, html)
    assert done.status_code == 200 and "已提交" in done.text, done.text[-2000:]
    assert head(city.data) != before
    files = _committed(city.data)
    assert {f"data/{FINANCE}/2025-0{m}.{s}" for m in (1, 2, 3) for s in ("csv", "yaml")} <= files
    assert not any(f.endswith("2025.xlsx") for f in files)  # the months are kept as the data folder keeps a month
    result = validate_city(city.data, {CODE})
    errors = [(p.code, p.file, p.en) for p in result.problems.items if p.severity == ERROR]
    assert not errors, errors
    periods = {p.key: p for c in result.city.communities if c.code == CODE for p in c.periods}
    for spec in _specs():
        p = periods[f"2025-{spec.month:02d}"]
        assert (p.opening_balance, p.closing_balance) == (spec.opening, spec.closing)
        assert (p.reviewer, p.reviewed_on, p.review_opinion) == (bf.REVIEWER, spec.published_on, bf.OPINION)
        assert p.prepared_by == bf.PREPARED_BY and len(p.lines) == len(bf.BOARD_LINES)


def test_a_month_with_an_error_stops_itself_and_the_months_after_it(city):
    client, token = _signed_in(city)
    response = _upload(client, token, _book(_specs(), broken={1: {"total_income": bf.INCOME + 100}}))
    assert response.status_code == 200
    html = response.text
    rows = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    january, february, march = rows.split("</tr>")[:3]
    assert "检查通过，将公开" in january
    assert "有错误，这个月没有公开" in february and "1 个错误" in february
    assert "要等前面有错误的月份改好后" in march and "waits for the month before" in march
    assert "2月!E14" in html and "合计" in html  # the cell, in the sheet the clerk keeps
    done = _confirm(client, token, html)
    assert done.status_code == 200
    files = _committed(city.data)
    assert f"data/{FINANCE}/2025-01.csv" in files and not any("2025-02" in f or "2025-03" in f for f in files)


def test_nothing_publishable_saves_nothing_and_says_why(city):
    client, token = _signed_in(city)
    before = head(city.data)
    response = _upload(client, token, _book(_specs(), broken={0: {"total_income": bf.INCOME + 1}}))
    assert response.status_code == 422
    assert "这次没有可以公开的月份" in response.text and "1月!E14" in response.text
    assert response.text.count("要等前面有错误的月份改好后") == 2
    assert 'name="upload"' not in response.text and head(city.data) == before


def test_a_month_without_the_committee_review_names_what_is_missing(city):
    client, token = _signed_in(city)
    book = openpyxl.load_workbook(io.BytesIO(_book(_specs((1,)))))
    ws = book["1月"]
    for row in ws.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and cell.value.startswith("监督委员会审核"):
                cell.value = None
    out = io.BytesIO()
    book.save(out)
    response = _upload(client, token, out.getvalue())
    assert response.status_code == 422
    assert "（公开期信息）" in response.text and "审核人" in response.text


def test_an_unchanged_year_commits_nothing_and_a_changed_published_month_needs_a_reason(city):
    client, token = _signed_in(city)
    payload = _book(_specs((1, 2)))
    assert _confirm(client, token, _upload(client, token, payload).text).status_code == 200
    published = head(city.data)
    again = _upload(client, token, payload)
    assert "无需提交" in again.text and head(city.data) == published
    # February's summary corrected, and March added: February is an amendment.
    book = openpyxl.load_workbook(io.BytesIO(_book(_specs((1, 2, 3)))))
    ws = book["2月"]
    for row in ws.iter_rows():
        for cell in row:
            if cell.value == "电费":
                cell.value = "2月电费"
    out = io.BytesIO()
    book.save(out)
    response = _upload(client, token, out.getvalue())
    assert response.status_code == 422 and "2025-02 已经公开过" in response.text and "更正说明" in response.text
    assert 'name="upload"' not in response.text
    response = _upload(client, token, out.getvalue(), amendment="2 月电费摘要写明月份")
    assert response.status_code == 200
    assert "与已公开的相同，不需要提交" in response.text  # January
    assert _confirm(client, token, response.text).status_code == 200
    files = _committed(city.data)
    assert not any("2025-01" in f for f in files) and f"data/{FINANCE}/2025-03.csv" in files
    assert "2 月电费摘要写明月份" in git(city.data.parent, "log", "-1", "--format=%B")
    header = (city.data / FINANCE / "2025-02.yaml").read_text("utf-8")
    assert "amendment: \"2 月电费摘要写明月份\"" in header
    assert "amendment" not in (city.data / FINANCE / "2025-03.yaml").read_text("utf-8")


@pytest.mark.parametrize("payload, fields, words", [
    (b"date,voucher\n", {}, "只接受 Excel 工作簿"),
    (None, {"year": "25"}, "请填写年份"),
])
def test_what_is_not_a_year_workbook_is_refused_in_words(city, payload, fields, words):
    client, token = _signed_in(city)
    book = openpyxl.Workbook()
    book.active.title = "收支"
    out = io.BytesIO()
    book.save(out)
    response = _upload(client, token, payload or out.getvalue(), **fields)
    assert response.status_code == 422 and words in response.text
    no_months = _upload(client, token, out.getvalue())
    assert no_months.status_code == 422 and "没有月份工作表" in no_months.text and "收支" in no_months.text


def test_a_year_kept_as_a_committed_workbook_gives_way_to_month_files_and_keeps_its_other_months(city):
    """finance/2025.xlsx committed by git (January and February, boards with their own headers), then
    the clerk uploads the year with February corrected and a March that has an error: February is
    published, the workbook gives way to month files, January stays as published, March waits."""
    (city.data / FINANCE / "2025.xlsx").write_bytes(_book(_specs((1, 2))))
    git(city.data.parent, "add", "-A")
    git(city.data.parent, "commit", "-q", "-m", "the year as a workbook")
    committed = validate_city(city.data, {CODE})
    assert not [p for p in committed.problems.items if p.severity == ERROR and p.community == CODE]
    client, token = _signed_in(city)
    book = openpyxl.load_workbook(io.BytesIO(_book(_specs((1, 2, 3)), broken={2: {"total_income": bf.INCOME + 1}})))
    for row in book["2月"].iter_rows():
        for cell in row:
            if cell.value == "电费":
                cell.value = "2月电费"
    out = io.BytesIO()
    book.save(out)
    response = _upload(client, token, out.getvalue(), amendment="2 月电费摘要写明月份")
    assert response.status_code == 200, response.text[-3000:]
    assert "file-twice" not in response.text and "只能保留一个" not in response.text
    done = _confirm(client, token, response.text)
    assert done.status_code == 200 and "已提交" in done.text, done.text[-2000:]
    assert not (city.data / FINANCE / "2025.xlsx").exists()
    assert (city.data / FINANCE / "2025-01.csv").is_file() and (city.data / FINANCE / "2025-01.yaml").is_file()
    assert not (city.data / FINANCE / "2025-03.csv").exists()
    result = validate_city(city.data, {CODE})
    assert not [(p.code, p.file) for p in result.problems.items if p.severity == ERROR and p.community == CODE]
    periods = {p.key: p for c in result.city.communities if c.code == CODE for p in c.periods}
    before = {p.key: p for c in committed.city.communities if c.code == CODE for p in c.periods}
    january, was = periods["2025-01"], before["2025-01"]
    assert (january.opening_balance, january.closing_balance, january.reviewer, january.published_on) == \
        (was.opening_balance, was.closing_balance, was.reviewer, was.published_on)
    assert [l.summary for l in january.lines] == [l.summary for l in was.lines]
    assert "2月电费" in [l.summary for l in periods["2025-02"].lines] and "2025-03" not in periods
