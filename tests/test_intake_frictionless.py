"""Stock `frictionless validate datapackage.yaml` passes on a `juwu init` city, on the demo city, and
after a clerk's upload adds a table with Chinese headers (issue 15): a CSV whose header is the
schema's Chinese titles is declared with the schema named by those titles (schemas/zh/), so
frictionless still checks its labels, types and keys."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from generator import template as tpl
from generator.catalogue import TITLED_SCHEMAS, titled_schema
from generator.config import PROJECT_ROOT
from intake_helpers import CODE, git, intake_settings, signed_in_clerk
from intake_helpers import upload_id as _upload_id

ROOT = Path(__file__).resolve().parents[1]


def _frictionless(data: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "frictionless", "validate", "--json", "datapackage.yaml"],
                          cwd=data, capture_output=True, text=True, timeout=600)


def _juwu(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "generator", *args], cwd=ROOT, capture_output=True, text=True)


def test_an_init_city_with_a_community_validates_with_stock_frictionless(tmp_path):
    city = tmp_path / "city"
    assert _juwu("init", "--city", "测试市", "--out", str(city)).returncode == 0
    added = _juwu("add-community", "310101002001", "测试社区", "--district", "测试区", "--street", "测试街道",
                  "--households", "1200", "--rc-term-start", "2021-05-01", "--rc-term-end", "2026-04-30",
                  "--data", str(city))
    assert added.returncode == 0, added.stderr
    with open(city / "rollout.csv", "a", encoding="utf-8") as f:
        f.write("310101002001,1,2023-04-20,\n")
    assert (city / "communities.csv").read_text("utf-8").startswith("社区代码,")  # Chinese headers kept
    descriptor = (city / "datapackage.yaml").read_text("utf-8")
    assert f"schema: {TITLED_SCHEMAS}/members.yaml" in descriptor and f"schema: {TITLED_SCHEMAS}/rollout.yaml" in descriptor
    done = _frictionless(city)
    assert done.returncode == 0 and "incorrect-label" not in done.stdout, done.stdout[-3000:]
    # The labels are still checked: a header that is neither the names nor the titles is reported,
    # and so is a row breaking the schema's foreign key (rollout → communities).
    text = (city / "communities.csv").read_text("utf-8")
    (city / "communities.csv").write_text(text.replace("社区名称", "社区名", 1), "utf-8")
    with open(city / "rollout.csv", "a", encoding="utf-8") as f:
        f.write("310101002009,1,2023-04-20,\n")
    broken = _frictionless(city)
    assert broken.returncode != 0 and "incorrect-label" in broken.stdout and "foreign-key" in broken.stdout


def test_the_demo_city_validates_with_stock_frictionless():
    done = _frictionless(PROJECT_ROOT / "data")
    assert done.returncode == 0, done.stdout[-3000:]


def test_the_titled_schema_is_the_schema_with_title_names():
    schema = titled_schema("rollout")
    assert [f["name"] for f in schema["fields"]] == tpl.titles("rollout")
    [fk] = schema["foreignKeys"]
    assert fk["fields"] == ["社区代码"] and fk["reference"]["fields"] == ["社区代码"]
    assert titled_schema("ledger_lines")["primaryKey"] == ["凭证号"]
    assert "boardColumns" not in titled_schema("ledger_lines")


@pytest.mark.parametrize("kind", ["member_changes"])
def test_an_upload_adding_a_chinese_headed_table_keeps_stock_frictionless_clean(tmp_path, kind):
    settings = intake_settings(tmp_path)
    client, token = signed_in_clerk(settings, CODE)
    assert not (settings.data / f"communities/{CODE}/{kind}.csv").exists()
    response = client.post(f"/c/{CODE}/upload/{kind}", data={"csrf": token},
                           files={"file": (f"{kind}.csv", tpl.csv_bytes(kind), "text/csv")})
    assert response.status_code == 200, response.text[-2000:]
    done = client.post(f"/c/{CODE}/confirm", data={"csrf": token, "upload": _upload_id(response.text),
                                                    "action": "confirm"})
    assert done.status_code == 200 and "已提交" in done.text
    committed = set(git(settings.data.parent, "show", "--name-only", "--format=", "HEAD").split())
    assert f"data/{TITLED_SCHEMAS}/{kind}.yaml" in committed and "data/datapackage.yaml" in committed
    assert f"schema: {TITLED_SCHEMAS}/{kind}.yaml" in (settings.data / "datapackage.yaml").read_text("utf-8")
    checked = _frictionless(settings.data)
    assert checked.returncode == 0, checked.stdout[-3000:]


def _board(period_opening: str) -> bytes:
    """A GBK notice board for 2025-01 (title and unit rows, 凭证字号/事由, a 合计 row, a signed footer)."""
    import datetime
    from decimal import Decimal

    import boardfixture as bf

    return bf.gbk_csv(bf.Spec(2025, 1, Decimal(period_opening), datetime.date(2025, 2, 5)))


def test_a_notice_board_uploaded_as_csv_is_kept_and_stock_frictionless_stays_clean(tmp_path):
    """The clerk's own layout is kept as uploaded (in UTF-8); no Table Schema describes it, so the
    catalogue lists it as a plain CSV file: stock frictionless passes, and juwu still reads every line."""
    import boardfixture as bf
    from intake_helpers import ledger_fields

    from generator.gather import validate_city

    settings = intake_settings(tmp_path)
    client, token = signed_in_clerk(settings, CODE)
    opening = "14926.47"  # the demo community's closing balance of 2024-12
    closing = f"{float(opening) + float(bf.INCOME - bf.EXPENSE):.2f}"
    response = client.post(f"/c/{CODE}/upload/ledger", data=ledger_fields(token, "2025-01", opening, closing),
                           files={"file": ("公开榜.csv", _board(opening), "text/csv")})
    assert response.status_code == 200 and "确认提交" in response.text, response.text[-3000:]
    done = client.post(f"/c/{CODE}/confirm", data={"csrf": token, "upload": _upload_id(response.text),
                                                    "action": "confirm"})
    assert done.status_code == 200 and "已提交" in done.text
    kept = (settings.data / f"communities/{CODE}/finance/2025-01.csv").read_text("utf-8")
    assert kept.startswith("2025年1月财务公开榜") and "合  计" in kept
    import yaml

    resources = {r["path"]: r for r in yaml.safe_load((settings.data / "datapackage.yaml").read_text("utf-8"))["resources"]}
    board = resources[f"communities/{CODE}/finance/2025-01.csv"]
    assert board["type"] == "file" and "schema" not in board and "公开栏" in board["description"]
    assert resources[f"communities/{CODE}/finance/2024-12.csv"]["schema"].endswith("ledger_lines.yaml")
    checked = _frictionless(settings.data)
    assert checked.returncode == 0, checked.stdout[-3000:]
    result = validate_city(settings.data, {CODE})
    period = next(p for c in result.city.communities if c.code == CODE for p in c.periods if p.key == "2025-01")
    assert len(period.lines) == len(bf.BOARD_LINES) and period.expense_total == bf.EXPENSE


def test_juwu_catalogue_lists_a_committed_board_as_a_file_and_keeps_checking_the_rest(tmp_path):
    import shutil

    data = tmp_path / "data"
    shutil.copytree(PROJECT_ROOT / "data", data)
    code = sorted(p.name for p in (data / "communities").iterdir() if (p / "finance").is_dir())[0]
    (data / f"communities/{code}/finance/2030-01.csv").write_bytes(_board("100.00"))
    done = _juwu("catalogue", str(data))
    assert done.returncode == 0, done.stderr
    descriptor = (data / "datapackage.yaml").read_text("utf-8")
    assert f'path: "communities/{code}/finance/2030-01.csv"\n    type: file' in descriptor
    assert "schema: schemas/communities.yaml" in descriptor or "schema: schemas/zh/communities.yaml" in descriptor
    checked = _frictionless(data)
    assert checked.returncode == 0, checked.stdout[-3000:]
