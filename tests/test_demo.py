"""The synthetic demo city: deterministic, internally consistent, a valid Data Package."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
import sys
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from generator.catalogue import build_descriptor, dump_yaml
from generator.demo import generate_demo_city, write_demo_city

SCHEMAS = Path(__file__).resolve().parents[1] / "generator" / "schemas"


@pytest.fixture(scope="module")
def city18() -> dict[str, str]:
    """The generator's own city, without the supervision examples laid over it."""
    return generate_demo_city(18, seed=2023, examples=False)


def _rows(files: dict[str, str], path: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(files[path])))


def _committee_codes(files: dict[str, str]) -> list[str]:
    return sorted(p.split("/")[1] for p in files if p.startswith("communities/") and p.endswith("/committee.yaml"))


def _all_strings(value) -> bool:
    if isinstance(value, dict):
        return all(_all_strings(v) for v in value.values())
    if isinstance(value, list):
        return all(_all_strings(v) for v in value)
    return isinstance(value, str)


def _files_on_disk(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_two_runs_are_byte_identical(tmp_path):
    write_demo_city(tmp_path / "a", 12, seed=7)
    write_demo_city(tmp_path / "b", 12, seed=7)
    a, b = _files_on_disk(tmp_path / "a"), _files_on_disk(tmp_path / "b")
    assert a.keys() == b.keys()
    assert a == b
    assert generate_demo_city(12, seed=8) != generate_demo_city(12, seed=7)


def test_rewriting_a_smaller_city_leaves_nothing_behind(tmp_path):
    write_demo_city(tmp_path, 12, seed=1)
    write_demo_city(tmp_path, 5, seed=1)
    assert set(_files_on_disk(tmp_path)) == set(generate_demo_city(5, seed=1))


def test_shape_of_the_committed_demo_city(city18):
    communities = _rows(city18, "communities.csv")
    assert len(communities) == 18
    assert len({c["district"] for c in communities}) >= 2
    assert len({c["code"][:9] for c in communities}) >= 5
    with_committee = _committee_codes(city18)
    assert len(with_committee) == 15
    # Communities without a committee have no folder at all.
    folders = {p.split("/")[1] for p in city18 if p.startswith("communities/")}
    assert folders == set(with_committee)

    city = yaml.safe_load(city18["city.yaml"])
    deadline = {p["phase"]: p["deadline"] for p in city["rollout"]["phases"]}
    done: dict[str, dict[int, date]] = {c["code"]: {} for c in communities}
    for r in _rows(city18, "rollout.csv"):
        done[r["community"]][int(r["phase"])] = date.fromisoformat(r["completed_on"])
    for code, phases in done.items():
        assert sorted(phases) == list(range(1, len(phases) + 1))
        dates = [phases[p] for p in sorted(phases)]
        assert dates == sorted(dates)
        assert (3 in phases) == (code in with_committee)
    overdue = [c for c, ph in done.items() if len(ph) < 7]
    late = [c for c, ph in done.items() if any(d > deadline[p] for p, d in ph.items())]
    assert len([c for c in overdue if c in with_committee]) >= 2  # stuck after the election
    assert len(late) >= 2


def test_committees_have_three_to_five_members_and_one_chair(city18):
    for code in _committee_codes(city18):
        base = f"communities/{code}"
        members = _rows(city18, f"{base}/members.csv")
        assert 3 <= len(members) <= 5
        assert [m["role"] for m in members].count("主任") == 1
        officials = _rows(city18, f"{base}/officials.csv")
        barred = {o["name"] for o in officials} | {o["relative"] for o in officials if o["relative"]}
        for m in members:
            if m["role"] != "主任":
                assert m["name"] not in barred
        committee = yaml.safe_load(city18[f"{base}/committee.yaml"])
        community = next(c for c in _rows(city18, "communities.csv") if c["code"] == code)
        # Elected mid-term, a committee serves from its election to the end of the residents' committee's term.
        assert committee["term_end"] == community["rc_term_end"]
        assert committee["term_start"] == max(community["rc_term_start"], committee["elected_on"])
        pay = committee["chair_pay"]
        if "monthly_pay" in pay:
            assert Decimal(pay["monthly_pay"]) >= Decimal("0.70") * Decimal(pay["heads_basic_pay"])
        else:
            assert set(pay) == {"monthly_allowance"}


def test_every_ledger_reconciles(city18):
    for code in _committee_codes(city18):
        base = f"communities/{code}"
        finance_staff = {o["name"] for o in _rows(city18, f"{base}/officials.csv") if o["body"] == "社区财务人员"}
        members = {m["name"] for m in _rows(city18, f"{base}/members.csv")}
        previous = None
        for month in range(1, 13):
            period = f"2024-{month:02d}"
            header = yaml.safe_load(city18[f"{base}/finance/{period}.yaml"])
            lines = _rows(city18, f"{base}/finance/{period}.csv")
            assert 15 <= len(lines) <= 25
            assert len({ln["voucher"] for ln in lines}) == len(lines)
            balance = Decimal(header["opening_balance"])
            if previous is not None:
                assert balance == previous
            for ln in lines:
                assert (ln["income"] == "") != (ln["expense"] == "")
                assert ln["date"].startswith(period)
                assert ln["handled_by"] in finance_staff
                balance += Decimal(ln["income"] or "0") - Decimal(ln["expense"] or "0")
                assert balance >= 0
            assert balance == Decimal(header["closing_balance"])
            previous = balance
            last_day = date(2024 + month // 12, month % 12 + 1, 1) - timedelta(days=1)
            reviewed = date.fromisoformat(header["review"]["reviewed_on"])
            published = date.fromisoformat(header["published_on"])
            assert last_day < reviewed <= published <= last_day + timedelta(days=15)
            assert header["prepared_by"] in finance_staff
            assert header["review"]["reviewer"] in members


def test_evaluations_add_up(city18):
    for code in _committee_codes(city18):
        for r in _rows(city18, f"communities/{code}/evaluations.csv"):
            n = {k: int(r[k] or 0) for k in ("reps_expected", "reps_present", "ballots_valid", "ballots_void",
                                              "excellent", "competent", "basically_competent", "incompetent",
                                              "satisfied", "basically_satisfied", "dissatisfied")}
            assert 3 * n["reps_present"] >= 2 * n["reps_expected"]
            assert n["ballots_valid"] + n["ballots_void"] <= n["reps_present"]
            # The residents' committee as a whole is rated 满意/基本满意/不满意, each person 优秀…不称职.
            person = ("excellent", "competent", "basically_competent", "incompetent")
            whole = ("satisfied", "basically_satisfied", "dissatisfied")
            rated = whole if r["evaluated"] == "居民委员会" else person
            assert all(r[k] == "" for k in (person if rated == whole else whole))
            assert sum(n[k] for k in rated) == n["ballots_valid"]


def test_csv_headers_follow_the_schemas_and_yaml_scalars_stay_strings(city18):
    schema_of = {r["path"]: r["schema"] for r in yaml.safe_load(city18["datapackage.yaml"])["resources"]}
    for path, schema in schema_of.items():
        fields = [f["name"] for f in yaml.safe_load((SCHEMAS / Path(schema).name).read_text("utf-8"))["fields"]]
        assert city18[path].split("\n", 1)[0] == ",".join(fields)
        assert "\r" not in city18[path] and not city18[path].startswith("\ufeff")
    for path, text in city18.items():
        if path.endswith(".yaml") and path.startswith("communities/"):
            assert _all_strings(yaml.safe_load(text)), path
        if path.endswith(".md"):
            _, meta, body = text.split("---\n", 2)
            assert _all_strings(yaml.safe_load(meta)) and body.strip()
    # Every CSV in the package is catalogued, and nothing else.
    assert set(schema_of) == {p for p in city18 if p.endswith(".csv")}


def test_catalogue_is_pure_and_sorted():
    paths = ["communities/319901001001/finance/2024-02.csv", "rollout.csv",
             "communities/319901001001/members.csv", "communities.csv"]
    d = build_descriptor(paths)
    assert [r["name"] for r in d["resources"]] == [
        "communities", "rollout", "ledger-319901001001-2024-02", "members-319901001001"]
    assert d == build_descriptor(list(reversed(paths)))
    assert yaml.safe_load(dump_yaml(d)) == d


@pytest.mark.skipif(shutil.which("frictionless", path=str(Path(sys.executable).parent)) is None,
                    reason="frictionless CLI not installed")
def test_frictionless_validates_a_small_demo(tmp_path):
    write_demo_city(tmp_path, 5, seed=11)
    exe = Path(sys.executable).parent / "frictionless"
    result = subprocess.run([str(exe), "validate", "datapackage.yaml"], cwd=tmp_path,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "INVALID" not in result.stdout


def test_the_committed_demo_shows_every_finding_open_and_closed():
    """The demo city (data/) is the generator's, with the supervision examples: the site shows
    each new rule both open and, where a breach can be put right late, closed."""
    from generator.config import PROJECT_ROOT
    from generator.gather import validate_city

    files = generate_demo_city(18, seed=2023)
    data = PROJECT_ROOT / "data"
    on_disk = {p.relative_to(data).as_posix() for p in data.rglob("*") if p.is_file()}
    assert on_disk == set(files)
    assert all((data / rel).read_text(encoding="utf-8") == text for rel, text in files.items())
    result = validate_city(data)
    assert result.ok and not result.problems.errors
    states = {(p.code, p.closed is not None) for p in result.problems.findings}
    for code in ("committee-size", "avoidance", "disclosure-stopped", "evaluation-incompetent-twice",
                 "meetings-too-few", "six-unifications", "rollout-overdue"):
        assert (code, False) in states, code
    for code in ("opinion-answer-late", "rectification-overdue", "evaluation-missing", "annual-report-missing"):
        assert {(code, False), (code, True)} <= states, code
    for code in ("ledger-published-late", "rollout-late"):
        assert (code, True) in states, code


def test_a_large_synthetic_city_has_no_data_errors(tmp_path):
    """make bench builds cities of 1,000 and more: names drawn at random must never make two rows
    of one table the same (an election's candidates, a committee's members)."""
    from generator.gather import validate_city

    write_demo_city(tmp_path, 1000, seed=1)  # bench/run.py's city
    result = validate_city(tmp_path)
    assert result.problems.errors == [], [f"{p.file}: {p.code}" for p in result.problems.errors[:5]]
