"""What keeps a big city's build inside its memory (issue 20): the city-wide downloads streamed from
each community's rows kept in the build cache, summaries read only when needed, one shared
Decimal per amount. Each test checks the output is what the in-memory way made."""

from __future__ import annotations

import os
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest

from generator import assemble, buildcache
from generator.build import build
from generator.config import BuildPaths
from generator.gather import validate_city
from generator.site import downloads
from generator.site.tablefiles import CITY_DIR, csv_file, json_file
from tests.conftest import DATA
from tests.test_republish import edit_summary, with_ledger


@pytest.fixture(scope="module")
def city():
    checked = validate_city(DATA)
    assert checked.city is not None
    return checked.city


def joined(city, rows: dict) -> dict[str, bytes]:
    """The city tables as the build made them before they were streamed: all in memory, then joined."""
    files = {}
    for name, fields, _ in downloads.city_specs():
        files[f"{name}.csv"] = csv_file(fields, "".join(rows[c.code][name][0] for c in city.communities))
        files[f"{name}.json"] = json_file([rows[c.code][name][1] for c in city.communities])
    return files


def written(site: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((site / CITY_DIR).iterdir())}


def test_the_streamed_city_tables_are_the_tables_joined_in_memory(city, tmp_path):
    rows = {c.code: downloads.city_rows(city, c) for c in city.communities}
    # Half the communities' rows from the cache, the others made from the model on the way.
    kept = {code for i, code in enumerate(sorted(rows)) if i % 2}
    downloads.write_city_tables(tmp_path, city, lambda code: rows[code] if code in kept else None)
    expected = joined(city, rows)
    assert written(tmp_path) == expected
    assert any(b"\n" in data[3:] for name, data in expected.items() if name.endswith(".csv"))  # not all empty


def test_a_city_without_rows_has_tables_with_their_headers_only(tmp_path):
    downloads.write_city_tables(tmp_path, SimpleNamespace(communities=[]), lambda code: None)
    files = written(tmp_path)
    for name, fields, _ in downloads.city_specs():
        assert files[f"{name}.csv"] == csv_file(fields, "")
        assert files[f"{name}.json"] == b"[]\n"


def test_a_table_file_already_there_is_replaced_not_written_through(city, tmp_path):
    elsewhere = tmp_path / "elsewhere.csv"
    elsewhere.write_bytes(b"published")
    (tmp_path / "site" / CITY_DIR).mkdir(parents=True)
    os.link(elsewhere, tmp_path / "site" / CITY_DIR / "members.csv")
    downloads.write_city_tables(tmp_path / "site", city, lambda code: None)
    assert elsewhere.read_bytes() == b"published"


def test_a_build_keeps_every_communitys_rows_and_a_republish_rewrites_only_the_changed(data_copy, tmp_path):
    site = tmp_path / "live" / "site"
    assert build(BuildPaths.for_data(data_copy, site)).built
    cache = buildcache.BuildCache(BuildPaths.for_data(data_copy, site).cache)
    folders = {p.name for p in (data_copy / "communities").iterdir()}
    before = {p.stem: p.stat().st_ino for p in cache.rows.glob("*.pickle")}
    codes = set(before)  # the city's communities, those without a folder (no committee yet) too
    assert folders < codes and not any(cache.new_rows.iterdir())
    code, ledger = with_ledger(data_copy)
    edit_summary(ledger, "电梯维修保养费（更正）")
    result = build(BuildPaths.for_data(data_copy, site))
    assert result.republished == {code}
    after = {p.stem: p.stat().st_ino for p in cache.rows.glob("*.pickle")}
    assert set(after) == codes
    assert {c for c in codes if after[c] != before[c]} == {code}


def test_a_full_build_reads_no_summary_of_a_community_it_does_not_hold_back(data_copy, tmp_path, monkeypatch):
    site = tmp_path / "live" / "site"
    assert build(BuildPaths.for_data(data_copy, site)).built
    read = []
    unpickled = buildcache._unpickled
    monkeypatch.setattr(buildcache, "_unpickled", lambda path: read.append(path) or unpickled(path))
    assert build(BuildPaths.for_data(data_copy, site), full=True).built
    assert read and not [p for p in read if p.parent.name == "communities"]


def test_equal_amounts_share_one_decimal_and_a_zero_keeps_its_sign():
    a, b = assemble._money(Decimal("1200")), assemble._money(Decimal("1200.00"))
    assert a == Decimal("1200.00") and str(a) == "1200.00" and a is b
    assert str(assemble._money(Decimal("-0"))) == "-0.00" and str(assemble._money(Decimal("0"))) == "0.00"
    assert str(assemble._money(Decimal("1.005"))) == "1.00" and assemble._money(None) is None


def test_a_republish_missing_kept_rows_is_a_full_build_and_equals_one(data_copy, tmp_path):
    site = tmp_path / "live" / "site"
    assert build(BuildPaths.for_data(data_copy, site)).built
    cache = buildcache.BuildCache(BuildPaths.for_data(data_copy, site).cache)
    code, ledger = with_ledger(data_copy)
    other = next(p for p in sorted(cache.rows.glob("*.pickle")) if p.stem != code)
    other.unlink()  # the cache lost an unchanged community's rows
    edit_summary(ledger, "电梯维修保养费（更正）")
    result = build(BuildPaths.for_data(data_copy, site))
    assert result.built and result.republished is None
    assert (cache.rows / other.name).is_file()
    fresh = tmp_path / "fresh" / "site"
    assert build(BuildPaths.for_data(data_copy, fresh)).built
    assert written(site) == written(fresh)
