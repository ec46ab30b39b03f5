"""Issue 18's records in the upload service: the same forms, checks and commits as the ledgers'."""

from __future__ import annotations

import re
import warnings

import pytest

warnings.filterwarnings("ignore", message=".*httpx.*")
from starlette.testclient import TestClient  # noqa: E402

from generator.intake.app import create_app  # noqa: E402
from generator.intake.settings import IntakeSettings, Limits  # noqa: E402
from generator.intake.users import add_user  # noqa: E402
from generator.gather import validate_city  # noqa: E402
from intake_helpers import csrf, git, make_city_repo, sign_in, status_clean  # noqa: E402

CODE = "319901001002"

INSPECTIONS = ("检查编号,检查类型,检查日期,检查组,检查项目,结果,得分,发现的问题,整改期限,整改完成日期,整改跟踪编号\n"
               "2024-督查,年中督查,2024-06-20,某区居务监督工作督查组,财务公开,不合格,,公开栏未更新,2024-07-20,,\n"
               "2024-督查,年中督查,2024-06-20,某区居务监督工作督查组,总评,不合格,,,,,\n")
ELECTIONS = ("选举日期,会议类型,应到人数,实到人数,候选人,得票数,是否当选,当选职务,公开日期\n"
             "2023-06-28,居民代表会议,40,36,吴银凤,35,是,主任,2023-07-03\n"
             "2023-06-28,居民代表会议,40,36,任永良,30,是,委员,2023-07-03\n")


@pytest.fixture
def signed_in(tmp_path):
    data = make_city_repo(tmp_path)
    settings = IntakeSettings(data=data, state=tmp_path / "state", users=tmp_path / "users.json",
                              site=tmp_path / "site", secure_cookies=False, rebuild=False,
                              limits=Limits(max_body=400_000, max_file=300_000))
    user, password = add_user(settings.users, CODE, display_name="魏凤凤（华庭里社区）")
    client = TestClient(create_app(settings), base_url="http://testserver", follow_redirects=False)
    assert sign_in(client, user.username, password).status_code == 303
    return settings, client, csrf(client.get(f"/c/{CODE}/").text)


def _head(settings) -> str:
    return git(settings.data.parent, "rev-parse", "HEAD").strip()


def _upload(client, token, kind, text: str, encoding="utf-8"):
    return client.post(f"/c/{CODE}/upload/{kind}", data={"csrf": token},
                       files={"file": (f"{kind}.csv", text.encode(encoding), "text/csv")})


def _confirm(client, token, html: str):
    upload = re.search(r'name="upload" value="([^"]+)"', html).group(1)
    return client.post(f"/c/{CODE}/confirm", data={"csrf": token, "upload": upload, "action": "confirm"})


@pytest.mark.parametrize("kind, header", [("inspections", "检查组"), ("elections", "实到人数"), ("decisions", "监督意见"),
                                          ("projects", "施工单位"), ("assets", "资产名称"), ("trainings", "参加人员"),
                                          ("allowances", "实发金额")])
def test_each_record_has_an_upload_form_linked_from_the_dashboard(signed_in, kind, header):
    _, client, _ = signed_in
    page = client.get(f"/c/{CODE}/upload/{kind}")
    assert page.status_code == 200 and header in page.text
    assert f'href="/c/{CODE}/upload/{kind}"' in client.get(f"/c/{CODE}/").text


def test_an_inspection_list_is_checked_then_committed_and_its_open_problem_is_a_finding(signed_in):
    settings, client, token = signed_in
    before = _head(settings)
    bad = INSPECTIONS.replace("公开栏未更新,2024-07-20", ",")  # failed, but no problem and no deadline
    refused = _upload(client, token, "inspections", bad, "gbk")
    assert refused.status_code == 422 and "发现的问题" in refused.text and "确认提交" not in refused.text
    assert _head(settings) == before and status_clean(settings.data.parent)
    checked = _upload(client, token, "inspections", INSPECTIONS, "gbk")
    assert checked.status_code == 200 and "确认提交" in checked.text, checked.text[:2000]
    assert "已提交" in _confirm(client, token, checked.text).text
    changed = git(settings.data.parent, "show", "--name-only", "--format=", "HEAD").split()
    assert f"data/communities/{CODE}/inspections.csv" in changed
    result = validate_city(settings.data)
    assert result.ok and any(p.code == "inspection-unrectified" and p.community == CODE and p.closed is None
                             and "公开栏未更新" in p.zh for p in result.problems.findings)


def test_an_election_whose_votes_exceed_attendance_is_refused(signed_in):
    settings, client, token = signed_in
    before = _head(settings)
    refused = _upload(client, token, "elections", ELECTIONS.replace(",35,是", ",37,是"))
    assert refused.status_code == 422 and "多于实到" in refused.text
    assert _head(settings) == before
    checked = _upload(client, token, "elections", ELECTIONS)
    assert checked.status_code == 200 and "确认提交" in checked.text, checked.text[:2000]
    assert "已提交" in _confirm(client, token, checked.text).text
    assert f"data/communities/{CODE}/elections.csv" in git(settings.data.parent, "show", "--name-only", "--format=",
                                                            "HEAD").split()


def _chair_and_heads(settings):
    import csv
    import io

    members = list(csv.DictReader(io.StringIO((settings.data / "communities" / CODE / "members.csv")
                                              .read_text(encoding="utf-8-sig"))))
    return next(m["name"] for m in members if m["role"] == "主任")


def test_an_allowances_table_with_a_bank_card_is_refused_and_an_overspent_budget_is_a_finding(signed_in):
    settings, client, token = signed_in
    chair = _chair_and_heads(settings)
    before = _head(settings)
    header = "年度,项目,姓名,职务,标准（元）,实发金额（元）,发放期间,资金来源,公开日期\n"
    carded = header + f"2024,主任报酬,{chair},主任,6000,72000,2024年1—12月,6222021001112223331,2025-01-10\n"
    refused = _upload(client, token, "allowances", carded, "gbk")
    assert refused.status_code == 422 and "银行卡号" in refused.text and "确认提交" not in refused.text
    assert "6222021001112223331" not in refused.text  # the card number is never echoed whole
    assert _head(settings) == before and status_clean(settings.data.parent)
    good = header + (f"2024,主任报酬,{chair},主任,6000,72000,2024年1—12月,财政预算,2025-01-10\n"
                     "2024,工作经费,,,40000,43260,2024年1—12月,财政预算,2025-01-10\n")
    checked = _upload(client, token, "allowances", good, "gbk")
    assert checked.status_code == 200 and "确认提交" in checked.text, checked.text[:2000]
    assert "已提交" in _confirm(client, token, checked.text).text
    changed = git(settings.data.parent, "show", "--name-only", "--format=", "HEAD").split()
    assert f"data/communities/{CODE}/allowances.csv" in changed
    result = validate_city(settings.data)
    assert result.ok and any(p.code == "budget-overspent" and p.community == CODE for p in result.problems.findings)


def test_the_allowances_template_is_offered(signed_in):
    _, client, _ = signed_in
    import io

    import openpyxl

    got = client.get(f"/c/{CODE}/template/allowances.xlsx")
    assert got.status_code == 200 and got.content[:2] == b"PK"
    book = openpyxl.load_workbook(io.BytesIO(got.content))
    sheet = book["报酬补贴与工作经费"]
    assert [c.value for c in sheet[1]][:6] == ["年度", "项目", "姓名", "职务", "标准（元）", "实发金额（元）"]
    choices = " ".join(str(v.formula1) for v in sheet.data_validations.dataValidation)
    assert "选项" in choices  # the 项目 column offers its five items from the hidden lists sheet
