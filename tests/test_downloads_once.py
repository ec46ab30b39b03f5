"""Each community's tables are made once for its CSV, its JSON and the city's files (issue 20):
the files must be what making each of them on its own gives."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal

from generator.site import downloads, tablefiles
from generator.site.tablefiles import Field, Table
from generator.gather import validate_city
from tests.conftest import DATA


def _city():
    validation = validate_city(DATA)
    city = validation.city
    city.source_hashes = validation.hashes
    return city


def test_city_rows_from_the_community_tables_are_the_city_rows_made_on_their_own():
    city = _city()
    for c in city.communities:
        files, rows = downloads.community_downloads(city, c, "v1")
        assert rows == downloads.city_rows(city, c), c.code
        assert files == downloads.community_published(city, c, "v1")
        for t in downloads.community_tables(city, c):  # the old way: every file made from its rows
            prefix = tablefiles.community_dir(c.code) + t.name
            assert files[prefix + ".csv"] == tablefiles.csv_file(t.fields, tablefiles.rows_csv(t.fields, t.rows))
            assert files[prefix + ".json"] == tablefiles.json_file([tablefiles.rows_json(t.fields, t.rows)])


def test_package_descriptor_is_one_json_document():
    tables = [Table("members", tablefiles.MEMBER_FIELDS, []), Table("ledger", tablefiles.LINE_FIELDS, [])]
    for version in ("", "a1b2c3d4 · 2024-12-31"):
        text = tablefiles.package_json("juwu-1", "某社区 13912345678", tables, version).decode("utf-8")
        parsed = json.loads(text)
        assert parsed["title"] == "某社区 139****5678"
        assert ("version" in parsed) == bool(version)
        assert [r["name"] for r in parsed["resources"]] == ["members", "ledger"]
        assert text == json.dumps(parsed, ensure_ascii=False, indent=1) + "\n"


def test_one_row_list_gives_the_same_cells_to_csv_and_json():
    fields = [Field("name", "名称"), Field("amount", "金额", "number"), Field("on", "日期", "date"),
              Field("n", "数", "integer"), Field("ok", "是", "boolean"), Field("note", "备注")]
    rows = [["=1+1 13912345678", Decimal("-1286.50"), datetime.date(2024, 5, 1), 3, True, None]]
    csv_text = tablefiles.rows_csv(fields, rows)
    assert csv_text == "'=1+1 139****5678,-1286.50,2024-05-01,3,true,\r\n"
    obj = json.loads(tablefiles.rows_json(fields, rows), parse_float=Decimal)
    assert obj == {"name": "=1+1 139****5678", "amount": Decimal("-1286.50"), "on": "2024-05-01", "n": 3,
                   "ok": True, "note": None}
