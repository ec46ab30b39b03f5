"""A big city is checked in shards of communities, in forked workers: the outcome must be the
one a single pass gives: the same problems, the same city, the same data version."""

from __future__ import annotations

import shutil
from pathlib import Path

from generator.gather import _validate, _validate_in_shards
from tests.conftest import DATA


def key(p):
    return (p.code, p.severity, p.file, p.row or 0, p.field or "", p.community or "", p.zh, p.en)


def assert_same(data: Path):
    single = _validate(data, None, None, processes=1)
    sharded = _validate_in_shards(data, None, processes=2)
    assert sorted(map(key, single.problems.items)) == sorted(map(key, sharded.problems.items))
    assert single.digest == sharded.digest and single.hashes == sharded.hashes
    assert single.city == sharded.city  # every community's model, warnings attached, as one pass makes it
    return single


def test_the_demo_city_in_shards_is_the_city_in_one_pass():
    assert assert_same(DATA).city is not None


def test_problems_in_many_communities_and_the_city_files_are_all_found(data_copy):
    communities = sorted(p for p in (data_copy / "communities").iterdir() if (p / "finance").is_dir())
    first, second, last = communities[0], communities[1], communities[-1]
    ledger = sorted((first / "finance").glob("*.csv"))[0]
    lines = ledger.read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].replace(lines[1].split(",")[0], "2024-13-45", 1)  # not a date
    ledger.write_text("\n".join(lines) + "\n", encoding="utf-8")
    members = second / "members.csv"
    members.write_text(members.read_text(encoding="utf-8").rstrip("\n") + "\n委员,张三,,13812345678\n", encoding="utf-8")
    (last / "committee.yaml").unlink()
    shutil.copytree(first, data_copy / "communities" / "319999999999")  # a folder the city does not list
    (data_copy / "communities" / "not-a-code").mkdir()
    rollout = data_copy / "rollout.csv"
    rollout.write_text(rollout.read_text(encoding="utf-8") + "999999999999,1,2024-01-01\n", encoding="utf-8")
    single = assert_same(data_copy)
    assert len({p.community for p in single.problems.errors}) >= 3
