"""What a clerk types is judged as it looks: invisible reasons are no reasons, a published report
is amended with a reason like a ledger, and no message says None (issue 13, low)."""

from __future__ import annotations

import pytest

from generator.intake import uploads
from generator.intake.users import add_user
from intake_helpers import (CLOSING_2024_12, CODE, LEDGER_HEADER, client_for, csrf, git, head, intake_settings,
                            ledger_csv, ledger_fields, sign_in, upload_id)

INVISIBLE = ["\u200b", "\u200c\u200d", "\u2060", "\ufeff", "\u00a0", "\u3000", "\u200e\u200f", " \t\n", "\u3000\u200b\u00a0"]


@pytest.fixture
def signed_in(tmp_path):
    city = intake_settings(tmp_path)
    user, password = add_user(city.users, CODE)
    client = client_for(city)
    assert sign_in(client, user.username, password).status_code == 303
    return city, client, csrf(client.get(f"/c/{CODE}/").text)


@pytest.mark.parametrize("reason", INVISIBLE)
def test_an_amendment_reason_of_invisible_characters_is_refused(reason):
    existing = {f"communities/{CODE}/finance/2024-12.yaml", f"communities/{CODE}/finance/2024-12.csv"}
    with pytest.raises(uploads.FormProblems) as exc:
        uploads.ledger_candidate(CODE, {"period": "2024-12", "amendment": reason}, ledger_csv().encode(), existing)
    assert [p.code for p in exc.value.problems] == ["amendment-reason"]
    report = f"communities/{CODE}/reports/2025-01-20-jan.md"
    fields = {"date": "2025-01-20", "slug": "jan", "type": "监督事项", "title": "检查", "body": "正文", "amendment": reason}
    with pytest.raises(uploads.FormProblems) as exc:
        uploads.report_candidate(CODE, fields, None, {report})
    assert [p.code for p in exc.value.problems] == ["amendment-reason"]


def test_a_visible_reason_is_kept_without_its_invisible_edges():
    existing = {f"communities/{CODE}/finance/2024-12.yaml"}
    c = uploads.ledger_candidate(CODE, {"period": "2024-12", "amendment": "\u200b\u3000补录凭证\u00a0\u200b"},
                                 ledger_csv().encode(), existing)
    assert c.amendment == "补录凭证"
    assert uploads.strip_invisible("\ufeff审核人\u200b") == "审核人"
    assert uploads.strip_invisible("张\u200b三") == "张\u200b三"  # inside the text it is the validator's business


def test_a_reuploaded_published_report_needs_a_reason_that_reaches_the_commit(signed_in):
    city, client, token = signed_in
    form = {"csrf": token, "type": "监督事项", "date": "2025-01-20", "title": "一月凭证检查", "slug": "jan-vouchers",
            "body": "## 检查情况\n\n检查了凭证。\n"}
    first = client.post(f"/c/{CODE}/upload/report", data=form)
    assert first.status_code == 200, first.text[:2000]
    client.post(f"/c/{CODE}/confirm", data={"csrf": token, "upload": upload_id(first.text), "action": "confirm"})
    published = head(city.data)
    changed = form | {"body": "## 检查情况\n\n检查了 1 月全部凭证。\n"}
    for reason in ("", "\u200b\u3000"):
        refused = client.post(f"/c/{CODE}/upload/report", data=changed | {"amendment": reason})
        assert refused.status_code == 422 and "更正说明" in refused.text
    assert head(city.data) == published
    accepted = client.post(f"/c/{CODE}/upload/report", data=changed | {"amendment": "补充检查范围"})
    assert accepted.status_code == 200, accepted.text[:2000]
    done = client.post(f"/c/{CODE}/confirm", data={"csrf": token, "upload": upload_id(accepted.text), "action": "confirm"})
    assert done.status_code == 200
    message = git(city.data.parent, "log", "-1", "--format=%B")
    assert "更正报告" in message and "补充检查范围" in message


def test_no_message_shown_to_the_clerk_says_none(signed_in):
    city, client, token = signed_in
    members = (city.data / f"communities/{CODE}/members.csv").read_text(encoding="utf-8").splitlines()[0]
    empty_row = "," * members.count(",")
    pages = [
        client.post(f"/c/{CODE}/upload/ledger",
                    data=ledger_fields(token, "2025-01", "", "", reviewer="", reviewed_on="", prepared_by="", published_on=""),
                    files={"file": ("x.csv", (LEDGER_HEADER + "2025-01-03,,,,15000.00,,办公经费,\n,,,,,,,x\n").encode(),
                                              "text/csv")}),
        client.post(f"/c/{CODE}/upload/members", data={"csrf": token},
                    files={"file": ("m.csv", f"{members}\n张三{empty_row}\n".encode(), "text/csv")}),
        client.post(f"/c/{CODE}/upload/committee", data={"csrf": token},
                    files={"file": ("c.yaml", b"name:\nphone:\n", "text/plain")}),
        client.post(f"/c/{CODE}/upload/report", data={"csrf": token, "type": "", "date": "2025-01-20", "title": "\u200b",
                                                      "slug": "x1", "body": "正文"}),
    ]
    for page in pages:
        assert page.status_code == 422
        assert "None" not in page.text, page.text[page.text.find("None") - 300:page.text.find("None") + 100]
    assert "内容：“空”" in pages[0].text


# --- forms instead of files (issue 17): the committee's details, a report without a made-up name,
# --- and the notice-board PDF after confirming ---------------------------------------------------

import re
import shutil
import subprocess

import yaml

from generator.intake import forms
from generator.gather import validate_city

NO_COMMITTEE = "319901002002"  # 春晖社区: no committee, no folder, no phase done


def _form_values(html: str) -> dict[str, str]:
    """What the browser would send back untouched: every input's and selected option's value."""
    values = dict(re.findall(r'<input [^>]*?name="([a-z_]+)"[^>]*value="([^"]*)"', html))
    for name, body in re.findall(r'<select name="([a-z_]+)"[^>]*>(.*?)</select>', html, re.S):
        chosen = re.search(r"<option selected>([^<]*)</option>", body)
        values[name] = chosen.group(1) if chosen else ""
    return values


def _confirm(client, token, html):
    return client.post(f"/c/{CODE}/confirm", data={"csrf": token, "upload": upload_id(html), "action": "confirm"})


@pytest.fixture
def printing_clerk(tmp_path):
    city = intake_settings(tmp_path, allow_placeholder_url=True)
    user, password = add_user(city.users, CODE)
    client = client_for(city)
    assert sign_in(client, user.username, password).status_code == 303
    return city, client, csrf(client.get(f"/c/{CODE}/").text)


def test_the_committee_form_starts_from_the_published_details_and_changes_only_what_was_changed(signed_in):
    city, client, token = signed_in
    page = client.get(f"/c/{CODE}/upload/committee")
    assert page.status_code == 200
    assert 'type="file"' not in page.text.split("<details>")[0]  # a YAML file is the administrator's exception
    values = _form_values(page.text)
    assert values["supervision_phone"] == "021-69381500" and values["elected_by"] == "居民会议"
    assert values["six_seal"] == "是"
    before = (city.data / f"communities/{CODE}/committee.yaml").read_text(encoding="utf-8")
    changed = values | {"csrf": token, "office_hours": "周一至周六 8:30-17:30", "sub_groups": "居务公开，民主理财 民意收集、财务监督"}
    checked = client.post(f"/c/{CODE}/upload/committee", data=changed)
    assert checked.status_code == 200, checked.text[:3000]
    assert _confirm(client, token, checked.text).status_code == 200
    after = (city.data / f"communities/{CODE}/committee.yaml").read_text(encoding="utf-8")
    diff = [line for line in after.splitlines() if line not in before.splitlines()]
    assert sorted(diff) == sorted(['  hours: "周一至周六 8:30-17:30"', "  - 财务监督"])
    result = validate_city(city.data)
    committee = next(c for c in result.city.communities if c.code == CODE).committee
    assert committee.sub_groups == ["居务公开", "民主理财", "民意收集", "财务监督"]
    assert committee.office_hours == "周一至周六 8:30-17:30"


def test_whatever_a_clerk_types_stays_text_in_the_yaml_juwu_writes():
    typed = {"name": 'x\nelected_by: 居民会议 # "quoted" & {braces}: [list]', "elected_by": "居民代表会议",
             "supervision_phone": "0755-12345678", "report_box": "no", "six_seal": "否", "six_sign": "maybe"}
    clean = lambda fields, name: str(fields.get(name) or "").strip()  # noqa: E731
    candidate = uploads.committee_candidate(CODE, None, set(), typed)
    text = candidate.writes[f"communities/{CODE}/committee.yaml"].decode("utf-8")
    loaded = yaml.safe_load(text)
    assert loaded["name"] == typed["name"] and loaded["report_box"] == "no"
    assert loaded["six_unifications"] == {"seal": "否"}  # only 是/否 are answers; anything else is 未填报
    assert forms.committee_document(typed, clean) == {k: v for k, v in loaded.items()}


def test_a_blank_committee_form_is_answered_in_chinese_naming_the_fields(tmp_path):
    city = intake_settings(tmp_path)
    user, password = add_user(city.users, NO_COMMITTEE)
    client = client_for(city)
    assert sign_in(client, user.username, password).status_code == 303
    token = csrf(client.get(f"/c/{NO_COMMITTEE}/").text)
    page = client.get(f"/c/{NO_COMMITTEE}/upload/committee")
    assert 'value="春晖社区居务监督委员会"' in page.text
    nothing = client.post(f"/c/{NO_COMMITTEE}/upload/committee", data={"csrf": token})
    assert nothing.status_code == 422 and "请填写监督委员会基本信息" in nothing.text
    partial = client.post(f"/c/{NO_COMMITTEE}/upload/committee",
                          data={"csrf": token, "name": "春晖社区居务监督委员会", "elected_on": "2025-01-10"})
    assert partial.status_code == 422
    assert "表单中填写的委员会信息" in partial.text
    for title in ("选举方式", "监督电话", "举报箱位置"):
        assert title in partial.text, title
    assert "None" not in partial.text and not (city.data / f"communities/{NO_COMMITTEE}").exists()


def test_a_new_report_is_named_by_juwu_and_never_replaces_one_of_the_same_day(signed_in):
    city, client, token = signed_in
    page = client.get(f"/c/{CODE}/upload/report")
    assert 'name="slug"' not in page.text
    form = {"csrf": token, "type": "专项报告", "date": "2025-01-21", "title": "电梯维修资金使用情况", "body": "## 情况\n\n查了。\n"}
    for expected in ("2025-01-21-special-report.md", "2025-01-21-special-report-2.md"):
        checked = client.post(f"/c/{CODE}/upload/report", data=form)
        assert checked.status_code == 200, checked.text[:3000]
        assert expected in checked.text
        assert _confirm(client, token, checked.text).status_code == 200
        assert (city.data / f"communities/{CODE}/reports/{expected}").is_file()
    assert forms.report_name("2025-01-21", "例会记录", set(), "r") == "meeting"
    assert forms.report_name("2025-01-21", "未知", {"r/2025-01-21-report.md"}, "r") == "report-2"


def test_a_published_report_is_amended_from_its_own_form(signed_in):
    city, client, token = signed_in
    page = client.get(f"/c/{CODE}/upload/report?report=2024-03-18-q1-meeting")
    values = _form_values(page.text)
    assert values["slug"] == "q1-meeting" and values["date"] == "2024-03-18"
    body = re.search(r'<textarea name="body"[^>]*>(.*?)</textarea>', page.text, re.S).group(1)
    assert body.strip()
    import html as html_module
    form = values | {"csrf": token, "body": html_module.unescape(body) + "\n补充：会后复核。\n"}
    refused = client.post(f"/c/{CODE}/upload/report", data=form)
    assert refused.status_code == 422 and "更正说明" in refused.text
    accepted = client.post(f"/c/{CODE}/upload/report", data=form | {"amendment": "补充复核情况"})
    assert accepted.status_code == 200, accepted.text[:3000]
    assert _confirm(client, token, accepted.text).status_code == 200
    text = (city.data / f"communities/{CODE}/reports/2024-03-18-q1-meeting.md").read_text(encoding="utf-8")
    assert "补充：会后复核。" in text
    assert not list((city.data / f"communities/{CODE}/reports").glob("2024-03-18-meeting*"))


def _pdf_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "sheet.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True)
    return out.stdout


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_after_confirming_a_month_the_clerk_downloads_its_notice_board_sheet(printing_clerk, tmp_path):
    city, client, token = printing_clerk
    members = (city.data / "communities" / CODE / "members.csv").read_text("utf-8").splitlines()
    reviewer = next(line.split(",")[0] for line in members[1:] if ",委员," in line)
    checked = client.post(f"/c/{CODE}/upload/ledger",
                          data=ledger_fields(token, "2025-01", CLOSING_2024_12, "29726.47", reviewer=reviewer),
                          files={"file": ("x.csv", ledger_csv().encode(), "text/csv")})
    assert checked.status_code == 200, checked.text[:3000]
    done = _confirm(client, token, checked.text)
    link = re.search(r'href="(/c/[0-9]+/print/period\?period=2025-01)"', done.text)
    assert link and "财务公开表" in done.text
    pdf = client.get(link.group(1))
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF") and "319901001002-period-2025-01.pdf" in pdf.headers["content-disposition"]
    text = _pdf_text(pdf.content, tmp_path)
    assert "华庭里社区" in text and "2025年1月" in text and "29,726.47" in text
    # The sheet's version stamp is the one the period's page will show.
    from generator.stamp import period_stamp

    model = validate_city(city.data).city
    period = next(p for c in model.communities if c.code == CODE for p in c.periods if p.key == "2025-01")
    assert period_stamp(model, period) in text


def test_a_sheet_is_refused_while_the_site_address_is_a_placeholder(signed_in):
    city, client, token = signed_in  # the demo city's site_url is the placeholder; not allowed here
    refused = client.get(f"/c/{CODE}/print/period?period=2024-12")
    assert refused.status_code == 422 and "site_url" in refused.text and "占位地址" in refused.text


@pytest.mark.parametrize("path", [
    "/c/{code}/print/period?period=2024-13", "/c/{code}/print/period?period=../x", "/c/{code}/print/period",
    "/c/{code}/print/rollout", "/c/{code}/print/report?report=../../city", "/c/{code}/print/period?period=2019-01",
])
def test_only_a_real_sheet_of_ones_own_community_is_printed(printing_clerk, path):
    city, client, token = printing_clerk
    response = client.get(path.format(code=CODE))
    assert response.status_code == 422 and response.headers["content-type"].startswith("text/html")
    assert "None" not in response.text
    other = client.get("/c/319901001003/print/roster")
    assert other.status_code == 403


@pytest.mark.parametrize("extra, label", [
    (",,,合计,15000.00,200.00,,\n", "合计"),
    (",,,本 月 合 计,15000.00,200.00,,\n", "本月合计"),
    (",,,上月结转,,,,\n", "上月结转"),
])
def test_a_total_or_carried_over_row_gets_one_message_saying_what_it_is(signed_in, extra, label):
    city, client, token = signed_in
    members = (city.data / "communities" / CODE / "members.csv").read_text("utf-8").splitlines()
    reviewer = next(line.split(",")[0] for line in members[1:] if ",委员," in line)
    body = (LEDGER_HEADER + extra + ledger_csv()[len(LEDGER_HEADER):]) if label == "上月结转" else ledger_csv() + extra
    response = client.post(f"/c/{CODE}/upload/ledger",
                           data=ledger_fields(token, "2025-01", CLOSING_2024_12, "29726.47", reviewer=reviewer),
                           files={"file": ("x.csv", body.encode("gbk"), "text/csv")})
    assert response.status_code == 422
    assert "发现 1 个错误" in response.text, response.text[response.text.find("result"):][:2000]
    assert f"这一行是“{label}”行，不是一笔收支" in response.text and "删除这一行" in response.text
    row = 2 if label == "上月结转" else 4
    assert f"第 {row} 行" in response.text
    fixed = client.post(f"/c/{CODE}/upload/ledger",
                        data=ledger_fields(token, "2025-01", CLOSING_2024_12, "29726.47", reviewer=reviewer),
                        files={"file": ("x.csv", ledger_csv().encode("gbk"), "text/csv")})
    assert fixed.status_code == 200


def test_a_dated_line_whose_summary_says_total_is_a_line():
    from generator.load.tables import read_csv
    from generator.load.totalrows import drop_total_rows

    table = read_csv((LEDGER_HEADER + "2025-01-09,记-1,其他支出,合计,,10.00,办公经费,魏凤凤\n").encode())
    kept, problems = drop_total_rows(table, "f.csv", CODE)
    assert kept.rows == table.rows and problems == []
