"""The upload service's small parts, without HTTP: passwords, limits, paths, tables, accounts."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from generator.cli import cli
from generator.intake import staging, uploads
from generator.intake.passwords import hash_password, new_password, verify_password
from generator.intake.settings import SettingsError, from_environment
from generator.intake.throttle import Throttle
from generator.load.tables import read_csv
from intake_helpers import make_city_repo

CODE = "319901001002"


def test_password_hashes_verify_only_the_right_password():
    stored = hash_password("k7Pm-x3Qa-9ZrT-bN4e")
    assert verify_password("k7Pm-x3Qa-9ZrT-bN4e", stored)
    assert not verify_password("k7Pm-x3Qa-9ZrT-bN4E", stored)
    assert not verify_password("anything", None)  # unknown account: false, same cost
    assert not verify_password("anything", "plain-text-password")
    assert hash_password("same") != hash_password("same")  # salted
    assert len(set(new_password() for _ in range(50))) == 50


def test_throttle_forgets_failures_after_the_window():
    now = [0.0]
    throttle = Throttle(limit=3, window=100, clock=lambda: now[0])
    for _ in range(3):
        throttle.fail("user:a")
    assert throttle.blocked("user:a") and not throttle.blocked("user:b")
    now[0] = 101
    assert not throttle.blocked("user:a")


@pytest.mark.parametrize("rel", [
    "communities/319901001003/members.csv", "communities/319901001002/../319901001003/members.csv",
    "city.yaml", "communities/319901001002", "communities/319901001002//x", "communities/319901001002/a\\b",
    "communities/319901001002/./members.csv", "/communities/319901001002/members.csv"])
def test_paths_outside_the_community_folder_are_refused(rel):
    with pytest.raises(staging.OutsideCommunity):
        staging.inside(CODE, rel)
    assert staging.inside(CODE, f"communities/{CODE}/finance/2025-01.csv")


def test_csv_upload_is_transcoded_to_utf8_with_the_same_lines():
    text = "姓名,职务\r\n张三,主任\r\n\r\n李四,委员\r\n"
    content, suffix, table = uploads.read_table_upload(text.encode("gb18030"))
    assert suffix == ".csv" and content.decode("utf-8") == text.replace("\r\n", "\n")
    assert read_csv(content).lines == table.lines == [2, 4]


def test_utf16_csv_is_refused_with_advice():
    with pytest.raises(uploads.FormProblems) as exc:
        uploads.members_candidate(CODE, "姓名,职务\n".encode("utf-16"), set())
    assert "UTF-16" in exc.value.problems[0].zh


def test_table_as_csv_round_trips_every_cell():
    from generator.load.tables import Table

    table = Table(["摘要", "支出"], [["含,逗号", "1,234.50"], ['引号"内', ""], ["换\n行", "5", "", ""]], [2, 3, 5], "xlsx")
    again = read_csv(uploads.table_as_csv(table))
    assert again.header == table.header
    assert [r[:2] for r in again.rows] == [r[:2] for r in table.rows]


def test_switching_format_removes_the_other_file():
    existing = {f"communities/{CODE}/members.xlsx"}
    candidate = uploads.members_candidate(CODE, "name,role\n".encode(), existing)
    assert candidate.writes.keys() == {f"communities/{CODE}/members.csv"}
    assert candidate.removes == [f"communities/{CODE}/members.xlsx"]


def test_yaml_with_tags_is_refused_before_validation():
    with pytest.raises(uploads.FormProblems):
        uploads.committee_candidate(CODE, b"name: !!python/object/apply:os.system [id]\n", set())


def test_state_and_accounts_must_live_outside_data(tmp_path):
    data = make_city_repo(tmp_path)
    with pytest.raises(SettingsError):
        from_environment(data, users=data / "users.json", state=tmp_path / "state")
    with pytest.raises(SettingsError):
        from_environment(data, state=data / "communities" / "state")
    settings = from_environment(data, state=tmp_path / "state")
    assert settings.users == tmp_path / "state" / "users.json"


def test_add_user_prints_the_password_once_and_stores_a_hash(tmp_path, monkeypatch):
    data = make_city_repo(tmp_path)
    users = tmp_path / "secrets" / "users.json"
    monkeypatch.setenv("JUWU_INTAKE_USERS", str(users))
    runner = CliRunner()
    result = runner.invoke(cli, ["intake", "add-user", "--community", CODE, "--data", str(data),
                                 "--state", str(tmp_path / "state"), "--name", "魏凤凤"])
    assert result.exit_code == 0, result.output
    password = next(line.split(": ", 1)[1] for line in result.output.splitlines() if "password" in line)
    stored = json.loads(users.read_text(encoding="utf-8"))["users"][CODE]
    assert stored["community"] == CODE and password not in users.read_text(encoding="utf-8")
    assert verify_password(password, stored["password_hash"])
    again = runner.invoke(cli, ["intake", "add-user", "--community", CODE, "--data", str(data),
                                "--state", str(tmp_path / "state")])
    assert again.exit_code != 0 and "--reset" in again.output
    unknown = runner.invoke(cli, ["intake", "add-user", "--community", "319999999999", "--data", str(data),
                                  "--state", str(tmp_path / "state")])
    assert unknown.exit_code != 0 and "communities.csv" in unknown.output


def test_intake_refuses_data_outside_git(tmp_path):
    import shutil

    from generator.config import PROJECT_ROOT

    shutil.copytree(PROJECT_ROOT / "data", tmp_path / "plain")
    result = CliRunner().invoke(cli, ["intake", "--data", str(tmp_path / "plain"), "--state", str(tmp_path / "s"),
                                      "--port", "1"])
    assert result.exit_code != 0 and "git" in result.output
