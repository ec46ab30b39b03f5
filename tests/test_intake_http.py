"""The upload service over HTTP (Starlette's TestClient): the attacks SECURITY.md lists, refused
with nothing written, and the clerk's happy path ending in one commit by the clerk."""

from __future__ import annotations

import io
import threading
import warnings
from dataclasses import replace
from pathlib import Path

import openpyxl
import pytest

warnings.filterwarnings("ignore", message=".*httpx.*")  # Starlette suggests httpx2; the brief pins httpx
from starlette.testclient import TestClient  # noqa: E402

from generator.intake.app import create_app  # noqa: E402
from generator.intake.settings import IntakeSettings, Limits  # noqa: E402
from generator.intake.users import add_user  # noqa: E402
from generator.gather import validate_city  # noqa: E402
from intake_helpers import (csrf, git, ledger_csv, ledger_fields, make_city_repo, sign_in,  # noqa: E402
                            status_clean, zip_bomb)

CODE = "319901001002"  # 华庭里社区: last period 2024-12 closed at 14926.47
OTHER = "319901001003"
CLOSING_2024_12 = "14926.47"


@pytest.fixture
def city(tmp_path):
    data = make_city_repo(tmp_path)
    settings = IntakeSettings(data=data, state=tmp_path / "state", users=tmp_path / "users.json",
                              site=tmp_path / "site", secure_cookies=False, rebuild=False,
                              limits=Limits(max_body=400_000, max_file=300_000))
    return settings


@pytest.fixture
def clerk(city):
    return add_user(city.users, CODE, display_name="魏凤凤（华庭里社区）")


def client_for(settings: IntakeSettings) -> TestClient:
    return TestClient(create_app(settings), base_url="http://testserver", follow_redirects=False)


@pytest.fixture
def signed_in(city, clerk):
    client = client_for(city)
    user, password = clerk
    assert sign_in(client, user.username, password).status_code == 303
    token = csrf(client.get(f"/c/{CODE}/").text)
    return client, token


def head(data: Path) -> str:
    return git(data.parent, "rev-parse", "HEAD").strip()


def nothing_written(settings: IntakeSettings, before: str) -> None:
    assert head(settings.data) == before
    assert status_clean(settings.data.parent)
    pending = settings.pending_dir
    assert not pending.exists() or not any(pending.iterdir())


# --- signing in ---------------------------------------------------------------------------------

def test_pages_need_a_signed_in_clerk(city, clerk):
    client = client_for(city)
    before = head(city.data)
    assert client.get(f"/c/{CODE}/").headers["location"] == "/login"
    page = client.get("/login")
    response = client.post(f"/c/{CODE}/upload/members", data={"csrf": csrf(page.text)},
                           files={"file": ("members.csv", b"name,role\n", "text/csv")})
    assert response.status_code == 303 and response.headers["location"] == "/login"
    nothing_written(city, before)


def test_repeated_wrong_passwords_lock_the_account(city, clerk):
    user, password = clerk
    client = client_for(city)
    for _ in range(city.limits.account_failures):
        assert sign_in(client, user.username, "wrong-password").status_code == 401
    locked = sign_in(client, user.username, password)  # even the right password waits now
    assert locked.status_code == 429 and "锁定" in locked.text
    assert client.get(f"/c/{CODE}/").status_code == 303
    assert '"event": "login-locked"' in city.audit_log.read_text(encoding="utf-8")


def test_wrong_passwords_from_one_address_lock_it_for_every_account(city, clerk):
    user, password = clerk
    client = client_for(city)
    for n in range(city.limits.ip_failures):
        sign_in(client, f"guess{n:03d}", "x")
    assert sign_in(client, user.username, password).status_code == 429


def test_sign_in_gives_a_new_session_and_sign_out_ends_it(city, clerk):
    user, password = clerk
    client = client_for(city)
    client.get("/login")
    anonymous = client.cookies.get("juwu_intake")
    sign_in(client, user.username, password)
    session = client.cookies.get("juwu_intake")
    assert session and session != anonymous  # no session fixation
    token = csrf(client.get(f"/c/{CODE}/").text)
    assert client.post("/logout", data={"csrf": token}).status_code == 303
    client.cookies.set("juwu_intake", session)  # a copied cookie is worthless after sign-out
    assert client.get(f"/c/{CODE}/").headers["location"] == "/login"


def test_sessions_expire_when_idle(city, clerk):
    from generator.intake.sessions import SessionStore

    now = [1000.0]
    store = SessionStore(idle=60, absolute=3600, capacity=10, clock=lambda: now[0])
    session = store.new("someone")
    now[0] += 59
    assert store.get(session.id) is session
    now[0] += 61
    assert store.get(session.id) is None
    late = store.new("someone")
    for _ in range(70):  # kept busy, it still ends at the absolute limit
        now[0] += 55
        store.get(late.id)
    assert store.get(late.id) is None


def test_passwords_are_stored_as_salted_hashes(city):
    user_a, password_a = add_user(city.users, CODE, username="clerk-a")
    user_b, password_b = add_user(city.users, OTHER, username="clerk-b")
    text = city.users.read_text(encoding="utf-8")
    assert password_a not in text and password_b not in text and "scrypt$" in text
    assert user_a.password_hash.split("$")[4] != user_b.password_hash.split("$")[4]  # own salts
    assert oct(city.users.stat().st_mode)[-3:] == "600"


# --- CSRF ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("token", [None, "", "forged-token"])
def test_forms_without_the_session_csrf_token_are_refused(signed_in, city, token):
    client, _ = signed_in
    before = head(city.data)
    fields = ledger_fields("", "2025-01", CLOSING_2024_12, "29726.47")
    fields.pop("csrf")
    if token is not None:
        fields["csrf"] = token
    response = client.post(f"/c/{CODE}/upload/ledger", data=fields,
                           files={"file": ("x.csv", ledger_csv().encode(), "text/csv")})
    assert response.status_code == 403 and "CSRF" in response.text
    nothing_written(city, before)


def test_sign_in_form_needs_its_csrf_token_too(city, clerk):
    user, password = clerk
    client = client_for(city)
    client.get("/login")
    response = client.post("/login", data={"username": user.username, "password": password})
    assert response.status_code == 403
    assert client.get(f"/c/{CODE}/").status_code == 303  # still signed out


# --- scope: one community -----------------------------------------------------------------------

def test_another_communitys_pages_and_uploads_are_refused(signed_in, city):
    client, token = signed_in
    before = head(city.data)
    assert client.get(f"/c/{OTHER}/").status_code == 403
    assert client.get(f"/c/{OTHER}/upload/ledger").status_code == 403
    response = client.post(f"/c/{OTHER}/upload/members", data={"csrf": token},
                           files={"file": ("members.csv", b"name,role\nx,y\n", "text/csv")})
    assert response.status_code == 403
    assert client.post(f"/c/{OTHER}/confirm", data={"csrf": token, "upload": "x"}).status_code == 403
    nothing_written(city, before)


def test_the_community_comes_from_the_account_not_the_form(signed_in, city):
    client, token = signed_in
    fields = ledger_fields(token, "2025-01", CLOSING_2024_12, "29726.47", community=OTHER, code=OTHER)
    response = client.post(f"/c/{CODE}/upload/ledger", data=fields,
                           files={"file": (f"../{OTHER}/finance/2025-01.csv", ledger_csv().encode(), "text/csv")})
    assert response.status_code == 200
    assert f"communities/{CODE}/finance/2025-01.csv" in response.text
    assert OTHER not in response.text


# --- paths --------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["../../city.yaml", "/etc/passwd", "..\\..\\communities.csv",
                                  "http://example.com/x.csv", "members.csv\0.png"])
def test_browser_file_names_are_never_used_as_paths(signed_in, city, name):
    client, token = signed_in
    before_city = (city.data / "city.yaml").read_bytes()
    members = (city.data / f"communities/{CODE}/members.csv").read_text(encoding="utf-8")
    changed = members.replace("退休教师", "退休会计")
    response = client.post(f"/c/{CODE}/upload/members", data={"csrf": token},
                           files={"file": (name, changed.encode("gbk"), "text/csv")})
    assert response.status_code == 200, response.text[:2000]
    assert f"communities/{CODE}/members.csv" in response.text
    upload_id = _upload_id(response.text)
    assert client.post(f"/c/{CODE}/confirm", data={"csrf": token, "upload": upload_id, "action": "confirm"}).status_code == 200
    files = git(city.data.parent, "show", "--name-only", "--format=", "HEAD").split()
    assert files == [f"data/communities/{CODE}/members.csv"]
    assert (city.data / "city.yaml").read_bytes() == before_city
    assert "退休会计" in (city.data / f"communities/{CODE}/members.csv").read_text(encoding="utf-8")  # GBK → UTF-8


@pytest.mark.parametrize("field,value", [("period", "../2025-01"), ("period", "2025-13"), ("period", "2025-01/../../x")])
def test_period_outside_the_pattern_is_refused(signed_in, city, field, value):
    client, token = signed_in
    before = head(city.data)
    fields = ledger_fields(token, "2025-01", CLOSING_2024_12, "29726.47") | {field: value}
    response = client.post(f"/c/{CODE}/upload/ledger", data=fields,
                           files={"file": ("x.csv", ledger_csv().encode(), "text/csv")})
    assert response.status_code == 422 and "请选择账期" in response.text
    nothing_written(city, before)


@pytest.mark.parametrize("slug", ["../../city", "a/b", "UPPER..", "x" * 80])
def test_report_slug_outside_the_pattern_is_refused(signed_in, city, slug):
    client, token = signed_in
    before = head(city.data)
    response = client.post(f"/c/{CODE}/upload/report", data={
        "csrf": token, "type": "监督事项", "date": "2025-01-20", "title": "检查", "slug": slug, "body": "正文"})
    assert response.status_code == 422 and "简称" in response.text
    nothing_written(city, before)


def test_only_the_services_own_assets_are_served(city):
    client = client_for(city)
    assert client.get("/assets/intake.css").status_code == 200
    for path in ("/assets/../pyproject.toml", "/assets/%2e%2e/city.yaml", "/data/city.yaml", "/assets/base.html"):
        assert client.get(path).status_code == 404, path


def test_security_headers_on_every_response(city):
    client = client_for(city)
    for response in (client.get("/login"), client.get("/nope"), client.get("/assets/intake.css")):
        assert "default-src 'self'" in response.headers["content-security-policy"]
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["x-content-type-options"] == "nosniff"
    cookie = client_for(city).get("/login").headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie


# --- sizes --------------------------------------------------------------------------------------

def test_oversized_body_is_refused_from_content_length(signed_in, city):
    client, token = signed_in
    before = head(city.data)
    body = b"x" * (city.limits.max_body + 1)
    response = client.post(f"/c/{CODE}/upload/members", content=body,
                           headers={"content-type": "multipart/form-data; boundary=zzz"})
    assert response.status_code == 413
    nothing_written(city, before)


def test_oversized_body_is_refused_while_streaming(signed_in, city):
    client, token = signed_in
    before = head(city.data)
    boundary = "zzz"
    sent = []

    def chunks():  # no Content-Length: the limit must hold while the body streams in
        yield (f"--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{token}\r\n"
               f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.csv\"\r\n"
               "Content-Type: text/csv\r\n\r\n").encode()
        for _ in range(200):
            sent.append(1)
            yield b"a,b\n" * 1000
        yield f"\r\n--{boundary}--\r\n".encode()

    response = client.post(f"/c/{CODE}/upload/members", content=chunks(),
                           headers={"content-type": f"multipart/form-data; boundary={boundary}"})
    assert response.status_code == 413
    nothing_written(city, before)


def test_oversized_file_is_refused(signed_in, city):
    client, token = signed_in
    before = head(city.data)
    big = b"name,role\n" + b"x,y\n" * (city.limits.max_file // 4)
    response = client.post(f"/c/{CODE}/upload/members", data={"csrf": token},
                           files={"file": ("m.csv", big, "text/csv")})
    assert response.status_code == 413 and "文件过大" in response.text
    nothing_written(city, before)


def test_zip_bomb_named_xlsx_is_refused_with_nothing_written(signed_in, city):
    client, token = signed_in
    before = head(city.data)
    bomb = zip_bomb()
    assert len(bomb) < city.limits.max_file
    response = client.post(f"/c/{CODE}/upload/members", data={"csrf": token},
                           files={"file": ("members.xlsx", bomb, "application/vnd.ms-excel")})
    assert response.status_code == 422 and "压缩炸弹" in response.text
    nothing_written(city, before)
    assert not list((city.state / "tmp").glob("overlay-*")) if (city.state / "tmp").exists() else True


# --- checking and confirming --------------------------------------------------------------------

def test_rejected_upload_changes_nothing_and_names_the_cell(signed_in, city):
    client, token = signed_in
    before = head(city.data)
    response = client.post(f"/c/{CODE}/upload/ledger", data=ledger_fields(token, "2025-01", CLOSING_2024_12, "29726.47"),
                           files={"file": ("x.csv", ledger_csv(expense="二百元").encode("gbk"), "text/csv")})
    assert response.status_code == 422
    assert "单元格 F3" in response.text and "“支出”" in response.text and "二百元" in response.text
    assert "确认提交" not in response.text
    nothing_written(city, before)


def test_new_period_must_meet_the_previous_closing_balance(signed_in, city):
    client, token = signed_in
    response = client.post(f"/c/{CODE}/upload/ledger", data=ledger_fields(token, "2025-01", "100.00", "14900.00"),
                           files={"file": ("x.csv", ledger_csv().encode(), "text/csv")})
    assert response.status_code == 422
    assert "2024-12 的本期结存" in response.text  # checked together with the rest of the community


def test_clean_ledger_lands_as_one_commit_by_the_clerk(signed_in, city, clerk):
    client, token = signed_in
    user, _ = clerk
    before = head(city.data)
    response = client.post(f"/c/{CODE}/upload/ledger", data=ledger_fields(token, "2025-01", CLOSING_2024_12, "29726.47"),
                           files={"file": ("x.csv", ledger_csv().encode("gbk"), "text/csv")})
    assert response.status_code == 200 and "确认提交" in response.text
    assert head(city.data) == before and status_clean(city.data.parent)  # not yet: waits for confirmation
    done = client.post(f"/c/{CODE}/confirm", data={"csrf": token, "upload": _upload_id(response.text), "action": "confirm"})
    assert done.status_code == 200 and "已提交" in done.text
    assert git(city.data.parent, "rev-list", "--count", f"{before}..HEAD").strip() == "1"
    assert git(city.data.parent, "log", "-1", "--format=%an <%ae>").strip() == user.author
    assert git(city.data.parent, "log", "-1", "--format=%cn").strip() == "Juwu 上传服务"
    changed = set(git(city.data.parent, "show", "--name-only", "--format=", "HEAD").split())
    # The ledger's header is in Chinese: the catalogue declares it with the schema named by its titles,
    # which the demo repository did not have yet (stock frictionless stays clean: test_intake_frictionless.py).
    assert changed == {f"data/communities/{CODE}/finance/2025-01.csv", f"data/communities/{CODE}/finance/2025-01.yaml",
                       "data/datapackage.yaml", "data/schemas/zh/ledger_lines.yaml"}
    assert status_clean(city.data.parent)
    assert validate_city(city.data).ok
    assert f"communities/{CODE}/finance/2025-01.csv" in (city.data / "datapackage.yaml").read_text(encoding="utf-8")
    # The same upload id cannot be confirmed twice.
    again = client.post(f"/c/{CODE}/confirm", data={"csrf": token, "upload": _upload_id(response.text), "action": "confirm"})
    assert again.status_code == 410


def test_xlsx_upload_is_kept_as_utf8_csv(signed_in, city):
    client, token = signed_in
    book = openpyxl.Workbook()
    sheet = book.active
    for row in ledger_csv().splitlines():
        sheet.append(row.split(","))
    buffer = io.BytesIO()
    book.save(buffer)
    response = client.post(f"/c/{CODE}/upload/ledger", data=ledger_fields(token, "2025-01", CLOSING_2024_12, "29726.47"),
                           files={"file": ("明细.xlsx", buffer.getvalue(), "application/octet-stream")})
    assert response.status_code == 200, response.text[:3000]
    client.post(f"/c/{CODE}/confirm", data={"csrf": token, "upload": _upload_id(response.text), "action": "confirm"})
    folder = city.data / f"communities/{CODE}/finance"
    assert not (folder / "2025-01.xlsx").exists()
    text = (folder / "2025-01.csv").read_text(encoding="utf-8")
    assert text.startswith("日期,凭证号") and "街道拨付社区办公经费" in text
    assert validate_city(city.data).ok


def test_amending_a_published_period_needs_a_reason_that_reaches_yaml_and_commit(signed_in, city):
    client, token = signed_in
    header = (city.data / f"communities/{CODE}/finance/2024-12.yaml").read_text(encoding="utf-8")
    lines = (city.data / f"communities/{CODE}/finance/2024-12.csv").read_bytes()
    form = client.get(f"/c/{CODE}/upload/ledger?period=2024-12").text
    assert 'value="28260.64"' in form  # prefilled from the published period
    fields = ledger_fields(token, "2024-12", "28260.64", "14926.47")
    no_reason = client.post(f"/c/{CODE}/upload/ledger", data=fields, files={"file": ("x.csv", lines, "text/csv")})
    assert no_reason.status_code == 422 and "更正说明" in no_reason.text
    reason = "补录审核日期，审核意见措辞更正"
    response = client.post(f"/c/{CODE}/upload/ledger", data=fields | {"amendment": reason},
                           files={"file": ("x.csv", lines, "text/csv")})
    assert response.status_code == 200, response.text[:3000]
    client.post(f"/c/{CODE}/confirm", data={"csrf": token, "upload": _upload_id(response.text), "action": "confirm"})
    new_header = (city.data / f"communities/{CODE}/finance/2024-12.yaml").read_text(encoding="utf-8")
    assert new_header != header and f"amendment: {reason}" in new_header
    message = git(city.data.parent, "log", "-1", "--format=%B")
    assert "更正 2024-12" in message and reason in message
    assert validate_city(city.data).city.communities  # still valid
    period = next(c for c in validate_city(city.data).city.communities if c.code == CODE).periods[-1]
    assert period.key == "2024-12" and period.amendment == reason


def test_cancel_forgets_the_pending_upload(signed_in, city):
    client, token = signed_in
    before = head(city.data)
    response = client.post(f"/c/{CODE}/upload/ledger", data=ledger_fields(token, "2025-01", CLOSING_2024_12, "29726.47"),
                           files={"file": ("x.csv", ledger_csv().encode(), "text/csv")})
    upload_id = _upload_id(response.text)
    assert client.post(f"/c/{CODE}/confirm", data={"csrf": token, "upload": upload_id, "action": "cancel"}).status_code == 303
    nothing_written(city, before)


def test_a_pending_upload_belongs_to_its_session(city, clerk, signed_in):
    client, token = signed_in
    response = client.post(f"/c/{CODE}/upload/ledger", data=ledger_fields(token, "2025-01", CLOSING_2024_12, "29726.47"),
                           files={"file": ("x.csv", ledger_csv().encode(), "text/csv")})
    upload_id = _upload_id(response.text)
    before = head(city.data)
    other = TestClient(client.app, base_url="http://testserver", follow_redirects=False)  # same clerk, other browser
    sign_in(other, clerk[0].username, clerk[1])
    other_token = csrf(other.get(f"/c/{CODE}/").text)
    stolen = other.post(f"/c/{CODE}/confirm", data={"csrf": other_token, "upload": upload_id, "action": "confirm"})
    assert stolen.status_code == 410
    assert head(city.data) == before


def test_report_upload_writes_front_matter_from_the_form(signed_in, city):
    client, token = signed_in
    body = "---\ntype: 伪造\n---\n## 检查情况\n\n<script>alert(1)</script> 检查了凭证。\n"
    response = client.post(f"/c/{CODE}/upload/report", data={
        "csrf": token, "type": "监督事项", "date": "2025-01-20", "title": "一月凭证检查", "slug": "jan-vouchers",
        "status": "无需整改"}, files={"file": ("r.md", body.encode(), "text/markdown")})
    assert response.status_code == 200, response.text[:3000]
    client.post(f"/c/{CODE}/confirm", data={"csrf": token, "upload": _upload_id(response.text), "action": "confirm"})
    text = (city.data / f"communities/{CODE}/reports/2025-01-20-jan-vouchers.md").read_text(encoding="utf-8")
    assert text.startswith("---\ntype: 监督事项\n") and "伪造" not in text and "## 检查情况" in text
    assert validate_city(city.data).ok


# --- concurrency --------------------------------------------------------------------------------

def _ready_upload(settings, code: str, username: str, period: str, opening: str, closing: str):
    client = client_for(settings)
    user, password = add_user(settings.users, code, username=username)
    assert sign_in(client, user.username, password).status_code == 303
    token = csrf(client.get(f"/c/{code}/").text)
    # The reviewer is a member of this community's own committee (rule ledger-reviewer).
    members = (settings.data / "communities" / code / "members.csv").read_text("utf-8").splitlines()
    reviewer = next(line.split(",")[0] for line in members[1:] if ",委员," in line)
    response = client.post(f"/c/{code}/upload/ledger",
                           data=ledger_fields(token, period, opening, closing, reviewer=reviewer),
                           files={"file": ("x.csv", ledger_csv().encode(), "text/csv")})
    assert response.status_code == 200, response.text[:3000]
    return client, token, _upload_id(response.text)


def _confirm_together(jobs):
    barrier = threading.Barrier(len(jobs))
    results = [None] * len(jobs)

    def run(i, code, client, token, upload_id):
        barrier.wait()
        results[i] = client.post(f"/c/{code}/confirm", data={"csrf": token, "upload": upload_id, "action": "confirm"})

    threads = [threading.Thread(target=run, args=(i, *job)) for i, job in enumerate(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


def _closing(data: Path, code: str) -> str:
    return next(c for c in validate_city(data).city.communities if c.code == code).periods[-1].closing_balance


def test_two_communities_confirming_at_once_land_as_two_commits(city):
    before = head(city.data)
    other_closing = str(_closing(city.data, OTHER))
    from decimal import Decimal
    a = _ready_upload(city, CODE, "clerk-a", "2025-01", CLOSING_2024_12, "29726.47")
    b = _ready_upload(city, OTHER, "clerk-b", "2025-01", other_closing, str(Decimal(other_closing) + Decimal("14800.00")))
    results = _confirm_together([(CODE, *a), (OTHER, *b)])
    assert [r.status_code for r in results] == [200, 200]
    assert git(city.data.parent, "rev-list", "--count", f"{before}..HEAD").strip() == "2"
    authors = set(git(city.data.parent, "log", f"{before}..HEAD", "--format=%ae").split())
    assert authors == {"clerk-a@intake.invalid", "clerk-b@intake.invalid"}
    git(city.data.parent, "fsck", "--strict")
    assert status_clean(city.data.parent)
    assert validate_city(city.data).ok
    catalogue = (city.data / "datapackage.yaml").read_text(encoding="utf-8")
    assert f"communities/{CODE}/finance/2025-01.csv" in catalogue and f"communities/{OTHER}/finance/2025-01.csv" in catalogue


def test_two_clerks_publishing_the_same_period_one_is_told_to_retry(city):
    before = head(city.data)
    a = _ready_upload(city, CODE, "clerk-a", "2025-01", CLOSING_2024_12, "29726.47")
    b = _ready_upload(city, CODE, "clerk-b", "2025-01", CLOSING_2024_12, "29726.47")
    results = _confirm_together([(CODE, *a), (CODE, *b)])
    assert sorted(r.status_code for r in results) == [200, 409]
    assert "重新上传" in next(r for r in results if r.status_code == 409).text
    assert git(city.data.parent, "rev-list", "--count", f"{before}..HEAD").strip() == "1"
    git(city.data.parent, "fsck", "--strict")
    assert status_clean(city.data.parent) and validate_city(city.data).ok


# --- rebuilds -----------------------------------------------------------------------------------

def test_accepted_upload_rebuilds_the_site(city, clerk):
    settings = replace(city, rebuild=True)
    app = create_app(settings)
    client = TestClient(app, base_url="http://testserver", follow_redirects=False)
    sign_in(client, clerk[0].username, clerk[1])
    token = csrf(client.get(f"/c/{CODE}/").text)
    response = client.post(f"/c/{CODE}/upload/ledger", data=ledger_fields(token, "2025-01", CLOSING_2024_12, "29726.47"),
                           files={"file": ("x.csv", ledger_csv().encode(), "text/csv")})
    client.post(f"/c/{CODE}/confirm", data={"csrf": token, "upload": _upload_id(response.text), "action": "confirm"})
    assert app.service.rebuilder.wait(120)
    status = app.service.rebuilder.status()
    assert status["state"] == "ok", status
    assert status["commit"] == head(city.data)
    assert (settings.site / f"c/{CODE}/finance/2025-01/index.html").is_file()


def test_a_failed_rebuild_leaves_the_site_as_it_was_and_tells_the_operator(city):
    settings = replace(city, rebuild=True)
    settings.site.mkdir(parents=True)
    (settings.site / "index.html").write_text("published before", encoding="utf-8")
    # Break the committed data behind the service's back (as a bad manual commit would).
    (settings.data / "city.yaml").write_text("name: [unclosed\n", encoding="utf-8")
    git(settings.data.parent, "commit", "-qam", "break the city settings")
    app = create_app(settings)
    app.service.rebuilder.request("test")
    assert app.service.rebuilder.wait(120)
    assert app.service.rebuilder.status()["state"] == "failed"
    assert (settings.site / "index.html").read_text(encoding="utf-8") == "published before"
    operator, password = add_user(settings.users, None, username="ops")
    client = TestClient(app, base_url="http://testserver", follow_redirects=False)
    sign_in(client, "ops", password)
    page = client.get("/status")
    assert page.status_code == 200 and "failed" in page.text and "city.yaml" in page.text
    clerk_client = TestClient(app, base_url="http://testserver", follow_redirects=False)
    clerk, clerk_password = add_user(settings.users, CODE)
    sign_in(clerk_client, clerk.username, clerk_password)
    assert clerk_client.get("/status").status_code == 403  # operators only


def _upload_id(html: str) -> str:
    import re

    match = re.search(r'name="upload" value="([^"]+)"', html)
    assert match, html[:3000]
    return match.group(1)


def test_too_many_form_parts_are_refused(signed_in, city):
    client, token = signed_in
    before = head(city.data)
    fields = {"csrf": token} | {f"f{n}": "x" for n in range(city.limits.max_parts + 5)}
    response = client.post(f"/c/{CODE}/upload/members", data=fields,
                           files={"file": ("m.csv", b"name,role\n", "text/csv")})
    assert response.status_code == 400
    nothing_written(city, before)


@pytest.fixture
def live_server(city, clerk):
    """The app under a real uvicorn on a free port, for what TestClient cannot do (slow sockets)."""
    import socket
    import time

    import uvicorn

    settings = replace(city, limits=replace(city.limits, body_read_timeout=0.5))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    app = create_app(settings)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(600):  # bounded: 30 s at most
        if server.started:
            break
        time.sleep(0.05)
    assert server.started and thread.is_alive()
    client = TestClient(app, base_url="http://testserver", follow_redirects=False)  # same app, same sessions
    sign_in(client, clerk[0].username, clerk[1])
    cookie = client.cookies.get("juwu_intake")
    token = csrf(client.get(f"/c/{CODE}/").text)
    yield settings, port, cookie, token
    server.should_exit = True
    thread.join(10)


def _raw_post(port: int, cookie: str, head_extra: str, parts: list[bytes], pause: float = 0.0) -> bytes:
    import socket
    import time

    with socket.create_connection(("127.0.0.1", port), timeout=20) as sock:
        sock.sendall((f"POST /c/{CODE}/upload/members HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                      f"Cookie: juwu_intake={cookie}\r\n"
                      "Content-Type: multipart/form-data; boundary=zzz\r\n" + head_extra + "\r\n").encode())
        try:
            for part in parts:
                sock.sendall(part)
                time.sleep(pause)
        except OSError:
            pass  # the server may close on us mid-body: that is the point
        return sock.recv(4096)


def test_a_stalled_body_is_cut_off(live_server):
    settings, port, cookie, token = live_server
    before = head(settings.data)
    start = f"--zzz\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{token}\r\n".encode()
    reply = _raw_post(port, cookie, "Content-Length: 5000\r\n", [start], pause=3)
    assert reply.startswith(b"HTTP/1.1 408"), reply[:200]
    nothing_written(settings, before)


def test_an_endless_chunked_body_is_cut_off_at_the_limit(live_server):
    settings, port, cookie, token = live_server
    before = head(settings.data)
    def framed(data: bytes) -> bytes:
        return f"{len(data):x}\r\n".encode() + data + b"\r\n"

    opening = (f"--zzz\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{token}\r\n"
               "--zzz\r\nContent-Disposition: form-data; name=\"file\"; filename=\"m.csv\"\r\n\r\n").encode()
    chunk = b"a,b\n" * 16_000
    parts = [framed(opening)] + [framed(chunk)] * (settings.limits.max_body // len(chunk) + 20)
    reply = _raw_post(port, cookie, "Transfer-Encoding: chunked\r\n", parts)
    assert reply.startswith(b"HTTP/1.1 413"), reply[:200]
    nothing_written(settings, before)


# --- the supervision records: opinions, evaluations, rectifications --------------------------------

RECTIFICATIONS = ("编号,发现日期,来源报告,问题,责任方,整改期限,状态,完成日期,整改情况,确认报告\n"
                  "2024-01,2024-11-02,,消防通道堆放杂物,物业服务企业,2024-11-30,已整改,2024-12-10,已清理并每周巡查,\n")


def test_a_rectification_list_is_uploaded_checked_and_committed(signed_in, city):
    client, token = signed_in
    form = client.get(f"/c/{CODE}/upload/rectifications")
    assert form.status_code == 200 and "整改期限" in form.text  # the Chinese headers a clerk may use
    before = head(city.data)
    bad = RECTIFICATIONS.replace("2024-12-10", "")  # closed without a closing date: a data error
    refused = client.post(f"/c/{CODE}/upload/rectifications", data={"csrf": token},
                          files={"file": ("整改.csv", bad.encode("gbk"), "text/csv")})
    assert refused.status_code == 422 and "完成日期" in refused.text and "确认提交" not in refused.text
    nothing_written(city, before)
    response = client.post(f"/c/{CODE}/upload/rectifications", data={"csrf": token},
                           files={"file": ("整改.csv", RECTIFICATIONS.encode("gbk"), "text/csv")})
    assert response.status_code == 200 and "确认提交" in response.text, response.text[:2000]
    done = client.post(f"/c/{CODE}/confirm", data={"csrf": token, "upload": _upload_id(response.text), "action": "confirm"})
    assert done.status_code == 200 and "已提交" in done.text
    changed = set(git(city.data.parent, "show", "--name-only", "--format=", "HEAD").split())
    assert f"data/communities/{CODE}/rectifications.csv" in changed
    # Closed ten days late: published as a closed finding, never a refusal.
    result = validate_city(city.data)
    assert result.ok and any(p.code == "rectification-overdue" and p.closed == "2024-12-10" and p.community == CODE
                             for p in result.problems.findings)


@pytest.mark.parametrize("kind, header", [("opinions", "收到日期"), ("evaluations", "评议对象")])
def test_opinions_and_evaluations_have_upload_forms(signed_in, kind, header):
    client, _ = signed_in
    page = client.get(f"/c/{CODE}/upload/{kind}")
    assert page.status_code == 200 and header in page.text
    assert f'href="/c/{CODE}/upload/{kind}"' in client.get(f"/c/{CODE}/").text
