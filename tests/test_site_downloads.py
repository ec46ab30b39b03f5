"""Downloads: CSV that Chinese Excel opens safely, JSON, and Data Packages frictionless accepts."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import sys
from decimal import Decimal

from generator.site.tablefiles import Field, Table, neutralise, table_csv, table_json
from tests.conftest import DATA, community_with_committee, read_csv_rows


def test_csv_has_a_bom_and_neutralises_formula_cells():
    table = Table("members", [Field("name", "姓名"), Field("amount", "金额", "number")],
                  [["=HYPERLINK(\"http://x\")", Decimal("-5.00")], ["+1", Decimal("1.50")], ["-2", None],
                   ["@SUM(A1)", None], ["\tx", None], ["\rx", None], ["张三 13812345678", None]])
    data = table_csv(table)
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert [r[0] for r in rows[1:]] == ["'=HYPERLINK(\"http://x\")", "'+1", "'-2", "'@SUM(A1)", "'\tx", "'\rx",
                                       "张三 138****5678"]
    assert rows[1][1] == "-5.00"  # numbers stay numbers: a negative amount is not a formula
    assert neutralise("正常文本") == "正常文本"


def test_json_amounts_are_exact_numbers():
    table = Table("periods", [Field("income", "收入", "number")], [[Decimal("12345678901.23")], [Decimal("0.10")]])
    text = table_json(table).decode("utf-8")
    assert '"income": 12345678901.23' in text and '"income": 0.10' in text
    parsed = json.loads(text, parse_float=Decimal)
    assert parsed[0]["income"] == Decimal("12345678901.23")


def test_community_ledger_download_matches_the_source_files(built_site):
    code = community_with_committee()
    rows = read_csv_rows(built_site / "c" / code / "data" / "ledger.csv")
    for ledger in sorted((DATA / "communities" / code / "finance").glob("*.csv")):
        source = read_csv_rows(ledger)
        mine = [r for r in rows if r["period"] == ledger.stem]
        assert [r["summary"].lstrip("'") for r in mine] == [r["summary"] for r in source]
        assert sum(Decimal(r["expense"] or 0) for r in mine) == sum(Decimal(r["expense"] or 0) for r in source)
    periods = json.loads((built_site / "c" / code / "data" / "periods.json").read_text(encoding="utf-8"),
                         parse_float=Decimal)
    for p in periods:
        lines = [r for r in rows if r["period"] == p["period"]]
        assert p["income"] == sum((Decimal(r["income"] or 0) for r in lines), Decimal(0))
        assert p["opening_balance"] + p["income"] - p["expense"] == p["closing_balance"]


def test_city_download_lists_every_community(built_site):
    rows = read_csv_rows(built_site / "downloads" / "communities.csv")
    source = read_csv_rows(DATA / "communities.csv")
    assert [r["code"] for r in rows] == [r["code"] for r in source]
    for r in rows:
        assert (r["has_committee"] == "true") == (DATA / "communities" / r["code"] / "committee.yaml").exists()


def test_no_download_carries_officials_or_whole_mobiles(built_site):
    """officials.csv (with declared close relatives) is never published; mobiles only masked.
    Officials' own names may appear where they act publicly (a ledger's 经办人, an evaluation)."""
    relatives, mobiles, members = set(), set(), set()
    for folder in (DATA / "communities").iterdir():
        if (folder / "officials.csv").exists():
            relatives |= {r["relative"] for r in read_csv_rows(folder / "officials.csv") if r["relative"]}
        if (folder / "members.csv").exists():
            mobiles |= {r["mobile"] for r in read_csv_rows(folder / "members.csv") if r["mobile"]}
            members |= {r["name"] for r in read_csv_rows(folder / "members.csv")}
    relatives -= members  # a relative who is also a committee member is published as a member
    assert relatives and mobiles
    files = list((built_site / "downloads").iterdir()) + list((built_site / "c").glob("*/data/*"))
    for path in files:
        text = path.read_text(encoding="utf-8-sig")
        assert "officials" not in path.name and "relation" not in text
        assert not any(m in text for m in mobiles), path
        assert not any(name in text for name in relatives), path


def test_frictionless_validates_the_city_and_a_community_package(built_site, tmp_path):
    code = community_with_committee()
    for folder in (built_site / "downloads", built_site / "c" / code / "data"):
        copy = tmp_path / folder.name
        shutil.copytree(folder, copy)
        out = subprocess.run([sys.executable, "-m", "frictionless", "validate", "--json", "datapackage.json"], cwd=copy,
                             capture_output=True, text=True, timeout=120)
        report = json.loads(out.stdout)
        assert report["valid"], out.stdout[:2000]
        assert len(report["tasks"]) == len(json.loads((copy / "datapackage.json").read_text())["resources"])
        assert all(task["valid"] and not task["errors"] for task in report["tasks"])  # empty tables too
