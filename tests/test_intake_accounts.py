"""Sign-in limits hold under parallel requests; a reset or a disabled account ends its sessions
(issue 13: 100 parallel wrong passwords from one address were all checked)."""

from __future__ import annotations

import json
import threading
import time

import pytest
from click.testing import CliRunner

from generator.cli import cli
from generator.intake import app as intake_app
from generator.intake.throttle import Throttle
from generator.intake.users import add_user, disable_user, load_users
from intake_helpers import CODE, client_for, csrf, intake_settings, sign_in

PARALLEL = 100


@pytest.fixture
def city(tmp_path):
    return intake_settings(tmp_path)


def _together(n: int, job) -> list:
    barrier = threading.Barrier(n)
    results = [None] * n

    def run(i):
        barrier.wait(30)
        results[i] = job(i)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not any(t.is_alive() for t in threads)
    return results


def test_throttle_reservations_are_atomic_under_parallel_callers():
    throttle = Throttle(limit=5, window=900)
    slow = threading.Event()

    def job(_):
        granted = throttle.reserve("ip:203.0.113.9")
        slow.wait(0.01)  # callers overlap; a check-then-count throttle would let every one through
        return granted

    assert sum(_together(PARALLEL, job)) == 5
    throttle.release("ip:203.0.113.9")  # a success gives its attempt back
    assert throttle.reserve("ip:203.0.113.9") and not throttle.reserve("ip:203.0.113.9")


@pytest.mark.parametrize("same_account", [True, False])
def test_parallel_wrong_passwords_get_only_as_many_checks_as_the_limit(city, monkeypatch, same_account):
    user, _ = add_user(city.users, CODE)
    checks = []
    lock = threading.Lock()

    def slow_wrong(password, stored):  # the real check takes ~50 ms of scrypt: keep the race window open
        with lock:
            checks.append(password)
        time.sleep(0.05)
        return False

    monkeypatch.setattr(intake_app, "verify_password", slow_wrong)
    app = client_for(city).app
    clients = []
    for _ in range(PARALLEL):  # each its own session and CSRF token, all from one address
        client = type(client_for(city))(app, base_url="http://testserver", follow_redirects=False)
        clients.append((client, csrf(client.get("/login").text)))

    def guess(i):
        client, token = clients[i]
        name = user.username if same_account else f"guess{i:03d}"
        return client.post("/login", data={"username": name, "password": f"wrong-{i}", "csrf": token}).status_code

    statuses = _together(PARALLEL, guess)
    limit = city.limits.account_failures if same_account else city.limits.ip_failures
    assert len(checks) == limit, len(checks)
    assert statuses.count(401) == limit and statuses.count(429) == PARALLEL - limit


def test_a_successful_sign_in_does_not_use_up_the_address(city):
    user, password = add_user(city.users, CODE)
    client = client_for(city)
    for _ in range(city.limits.ip_failures + 5):
        assert sign_in(client, user.username, password).status_code == 303


def test_reset_ends_the_accounts_sessions_and_keeps_its_name(city):
    user, password = add_user(city.users, CODE, display_name="魏凤凤（华庭里社区）")
    client = client_for(city)
    assert sign_in(client, user.username, password).status_code == 303
    assert client.get(f"/c/{CODE}/").status_code == 200
    reset, new_password = add_user(city.users, CODE, reset=True)
    assert reset.display_name == "魏凤凤（华庭里社区）" and reset.author == user.author
    assert client.get(f"/c/{CODE}/").headers["location"] == "/login"  # the old session is over
    assert sign_in(client, user.username, password).status_code == 401
    assert sign_in(client, user.username, new_password).status_code == 303
    renamed, _ = add_user(city.users, CODE, display_name="李娜（华庭里社区）", reset=True)
    assert renamed.display_name == "李娜（华庭里社区）"


def test_a_disabled_account_cannot_sign_in_and_its_sessions_end(city):
    user, password = add_user(city.users, CODE)
    client = client_for(city)
    assert sign_in(client, user.username, password).status_code == 303
    disable_user(city.users, user.username)
    assert client.get(f"/c/{CODE}/").headers["location"] == "/login"
    refused = sign_in(client, user.username, password)
    assert refused.status_code == 401 and "停用" in refused.text
    assert client.get(f"/c/{CODE}/").headers["location"] == "/login"
    _, again = add_user(city.users, CODE, reset=True)  # a reset enables it again
    assert sign_in(client, user.username, again).status_code == 303


def test_cli_reset_keeps_the_name_and_disable_user_disables(city):
    runner = CliRunner()
    common = ["--data", str(city.data), "--users", str(city.users), "--state", str(city.state)]
    made = runner.invoke(cli, ["intake", "add-user", "--community", CODE, "--name", "魏凤凤", *common])
    assert made.exit_code == 0, made.output
    reset = runner.invoke(cli, ["intake", "add-user", "--community", CODE, "--reset", *common])
    assert reset.exit_code == 0, reset.output
    assert load_users(city.users)[CODE].display_name == "魏凤凤"
    off = runner.invoke(cli, ["intake", "disable-user", CODE, *common])
    assert off.exit_code == 0 and "disabled" in off.output
    assert json.loads(city.users.read_text(encoding="utf-8"))["users"][CODE]["disabled"] is True
    unknown = runner.invoke(cli, ["intake", "disable-user", "nobody", *common])
    assert unknown.exit_code != 0 and "没有用户" in unknown.output
    assert runner.invoke(cli, ["intake", "add-user", "--community", "319901001003", "--username", "nobody2",
                               "--reset", *common]).exit_code != 0  # --reset never creates an account
