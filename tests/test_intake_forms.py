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
