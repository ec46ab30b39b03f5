"""A publication commits the clerk's files and nothing else, and an upload that changes nothing
commits nothing (issue 13: an operator's uncommitted edit was committed under a clerk's name)."""

from __future__ import annotations

import io

import openpyxl
import pytest

from generator.intake import repo, uploads
from generator.intake.users import add_user
from intake_helpers import (CLOSING_2024_12, CODE, client_for, csrf, git, head, intake_settings, ledger_csv,
                            ledger_fields, sign_in)
from intake_helpers import upload_id as _upload_id

OPERATOR_NOTE = "\n# operator: new district code goes here next week\n"


@pytest.fixture
def city(tmp_path):
    return intake_settings(tmp_path)


@pytest.fixture
def dirty(city):
    """The operator's work in progress: an edited and staged city.yaml, an edited (unstaged)
    communities.csv, untracked notes at the top and a stray CSV inside the clerk's own folder."""
    data = city.data
    with open(data / "city.yaml", "a", encoding="utf-8") as f:
        f.write(OPERATOR_NOTE)
    git(data.parent, "add", "data/city.yaml")
    with open(data / "communities.csv", "a", encoding="utf-8") as f:
        f.write("\n")
    (data.parent / "notes.txt").write_text("call the street office\n", encoding="utf-8")
    (data / f"communities/{CODE}/草稿.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    return git(data.parent, "status", "--porcelain")


def _committed_files(data, commit="HEAD") -> set[str]:
    return set(git(data.parent, "show", "--name-only", "--format=", commit).split())


def _signed_in(city):
    user, password = add_user(city.users, CODE, display_name="魏凤凤（华庭里社区）")
    client = client_for(city)
    assert sign_in(client, user.username, password).status_code == 303
    return client, csrf(client.get(f"/c/{CODE}/").text), user


def test_an_upload_identical_to_the_published_file_commits_nothing(city, dirty):
    client, token, _ = _signed_in(city)
    before = head(city.data)
    members = (city.data / f"communities/{CODE}/members.csv").read_bytes()
    for content in (members, members.decode("utf-8").encode("gb18030")):  # same table, other encoding
        response = client.post(f"/c/{CODE}/upload/members", data={"csrf": token},
                               files={"file": ("members.csv", content, "text/csv")})
        assert response.status_code == 200
        assert "与已公开内容相同，无需提交" in response.text and "nothing to commit" in response.text
        assert "确认提交" not in response.text
    assert head(city.data) == before
    assert git(city.data.parent, "status", "--porcelain") == dirty  # the operator's work untouched
    assert not city.pending_dir.exists() or not any(city.pending_dir.iterdir())


def test_publish_of_a_no_change_candidate_raises_and_commits_nothing(city, dirty):
    user, _ = add_user(city.users, CODE)
    before = head(city.data)
    members = (city.data / f"communities/{CODE}/members.csv").read_bytes()
    candidate = uploads.members_candidate(CODE, members, {f"communities/{CODE}/members.csv"})
    with pytest.raises(repo.NoChange) as exc:
        repo.publish(city, user, candidate, {f"communities/{CODE}/members.csv": _blob(city, "members.csv")}, "t")
    assert exc.value.zh == "与已公开内容相同，无需提交"
    assert head(city.data) == before
    assert git(city.data.parent, "status", "--porcelain") == dirty


def test_a_real_upload_commits_only_the_communitys_files(city, dirty):
    client, token, user = _signed_in(city)
    before = head(city.data)
    response = client.post(f"/c/{CODE}/upload/ledger", data=ledger_fields(token, "2025-01", CLOSING_2024_12, "29726.47"),
                           files={"file": ("x.csv", ledger_csv().encode(), "text/csv")})
    assert response.status_code == 200, response.text[:2000]
    done = client.post(f"/c/{CODE}/confirm", data={"csrf": token, "upload": _upload_id(response.text), "action": "confirm"})
    assert done.status_code == 200 and "已提交" in done.text
    assert git(city.data.parent, "rev-list", "--count", f"{before}..HEAD").strip() == "1"
    # Besides the clerk's files, only what Juwu writes for the catalogue: datapackage.yaml and, the
    # ledger's header being Chinese, the schema named by its titles (generator/catalogue.py).
    assert _committed_files(city.data) == {f"data/communities/{CODE}/finance/2025-01.csv",
                                           f"data/communities/{CODE}/finance/2025-01.yaml", "data/datapackage.yaml",
                                           "data/schemas/zh/ledger_lines.yaml"}
    committed_city = git(city.data.parent, "show", "HEAD:data/city.yaml")
    assert OPERATOR_NOTE.strip() not in committed_city
    catalogue = git(city.data.parent, "show", "HEAD:data/datapackage.yaml")
    assert "草稿" not in catalogue and f"communities/{CODE}/finance/2025-01.csv" in catalogue
    # The operator's work is still exactly where it was: staged, unstaged and untracked.
    status = git(city.data.parent, "status", "--porcelain").splitlines()
    assert "M  data/city.yaml" in status and " M data/communities.csv" in status
    assert "?? notes.txt" in status and any("data/communities/" in line and line.startswith("??") for line in status)
    assert len(status) == 4, status
    assert OPERATOR_NOTE in (city.data / "city.yaml").read_text(encoding="utf-8")


def test_an_uncommitted_file_in_the_community_folder_is_not_treated_as_published(city):
    """A stray 2025-01 ledger left in the working tree (a crash of an older version, a manual copy)
    is not the previous month: 2025-02 on top of it is refused as it would be on the site."""
    client, token, _ = _signed_in(city)
    folder = city.data / f"communities/{CODE}/finance"
    (folder / "2025-01.csv").write_text(ledger_csv(), encoding="utf-8")
    (folder / "2025-01.yaml").write_text("period: 2025-01\n", encoding="utf-8")
    response = client.post(f"/c/{CODE}/upload/ledger", data=ledger_fields(token, "2025-02", "29726.47", "44526.47"),
                           files={"file": ("x.csv", ledger_csv().replace("2025-01", "2025-02").encode(), "text/csv")})
    assert response.status_code == 422
    assert "与 2024-12 的本期结存" in response.text  # 2024-12 is the last published period, not the stray 2025-01


def test_confirm_page_lists_as_removed_only_files_that_exist(city):
    client, token, _ = _signed_in(city)
    book = openpyxl.Workbook()
    for row in ledger_csv().splitlines():
        book.active.append(row.split(","))
    buffer = io.BytesIO()
    book.save(buffer)
    response = client.post(f"/c/{CODE}/upload/ledger", data=ledger_fields(token, "2025-01", CLOSING_2024_12, "29726.47"),
                           files={"file": ("明细.xlsx", buffer.getvalue(), "application/octet-stream")})
    assert response.status_code == 200, response.text[:2000]
    assert "（删除）" not in response.text and "2025-01.xlsx" not in response.text
    # Replacing an existing CSV member list by a workbook does not list a phantom .xlsx either,
    existing = {f"communities/{CODE}/members.csv", f"communities/{CODE}/members.xlsx"}
    candidate = uploads.Candidate("members", CODE, writes={f"communities/{CODE}/members.xlsx": buffer.getvalue()})
    assert repo.finalise(candidate, existing).removes == [f"communities/{CODE}/members.xlsx"]
    assert repo.finalise(candidate, {f"communities/{CODE}/members.csv"}).removes == []


def _blob(city, name: str) -> str:
    return git(city.data.parent, "rev-parse", f"HEAD:data/communities/{CODE}/{name}").strip()
