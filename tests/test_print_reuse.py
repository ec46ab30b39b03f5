"""`juwu print` after a build of the same data checks only the communities it prints, and prints
exactly what checking the whole city would have printed."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator import cli
from generator.build import build
from generator.config import BuildPaths
from generator.print import run

STREET = "319901001"
CODE = "319901001002"
PERIOD = "2024-02"


@pytest.fixture
def checks(monkeypatch) -> list:
    """The community sets each validate_city call of `juwu print` was asked for (None: the whole city)."""
    calls = []
    real = run.validate_city

    def counting(data, communities=None, *args, **kwargs):
        calls.append(communities)
        return real(data, communities, *args, **kwargs)

    monkeypatch.setattr(run, "validate_city", counting)
    return calls


def _print(data: Path, out: Path, site: Path, sheet: str = "period", community: str | None = CODE,
           street: str | None = None) -> bytes:
    period = PERIOD if sheet == "period" else None
    assert cli._print(data, sheet, community, street, None, period, None, "A4", False, out, True, site) == 0
    return out.read_bytes()


@pytest.fixture
def built(data_copy, tmp_path) -> tuple[Path, Path]:
    site = tmp_path / "site"
    assert build(BuildPaths.for_data(data_copy, site)).built
    return data_copy, site


# The street's findings include a community with no folder yet (its rollout is overdue).
@pytest.mark.parametrize("sheet, community, street", [("period", CODE, None), ("findings", None, STREET)])
def test_print_after_a_build_checks_only_what_it_prints(built, tmp_path, checks, sheet, community, street):
    data, site = built
    reused = _print(data, tmp_path / "reused.pdf", site, sheet, community, street)
    whole = _print(data, tmp_path / "whole.pdf", tmp_path / "never-built", sheet, community, street)
    assert checks[0] is not None and checks[0] and all(code.startswith(community or street) for code in checks[0])
    assert checks[1] is None  # no build of this data: the whole city is checked
    assert reused == whole


def test_print_checks_the_whole_city_when_the_data_changed_since_the_build(built, tmp_path, checks):
    data, site = built
    ledger = data / "communities" / CODE / "finance" / f"{PERIOD}.csv"
    ledger.write_text(ledger.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    _print(data, tmp_path / "sheet.pdf", site)
    assert checks == [None]


def test_print_checks_the_whole_city_after_a_build_that_held_a_community_back(built, tmp_path, checks):
    data, site = built
    other = sorted(p.name for p in (data / "communities").iterdir() if p.name != CODE and (p / "finance").is_dir())[0]
    ledger = sorted((data / "communities" / other / "finance").glob("*.csv"))[0]
    lines = ledger.read_text(encoding="utf-8").splitlines()
    header, first = lines[0].split(","), lines[1].split(",")
    first[header.index("expense")] = "一百块"  # an amount no one can read: a data error
    ledger.write_text("\n".join([lines[0], ",".join(first), *lines[2:]]) + "\n", encoding="utf-8")
    assert build(BuildPaths.for_data(data, site)).held  # the build published, holding that community back
    assert cli._print(data, "period", CODE, None, None, PERIOD, None, "A4", False, tmp_path / "x.pdf", True, site) == 1
    assert checks == [None]  # refused as before: the whole city checked, its errors shown
