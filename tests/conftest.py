"""Shared fixtures: the committed demo city, built once per session."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from generator.build import build
from generator.config import PROJECT_ROOT, BuildPaths

DATA = PROJECT_ROOT / "data"


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """The demo city, built into a temporary site folder."""
    site = tmp_path_factory.mktemp("site") / "site"
    result = build(BuildPaths(data=DATA, site=site))
    assert result.built, [p.en for p in result.problems.errors][:10]
    return site


@pytest.fixture
def data_copy(tmp_path) -> Path:
    """A private copy of the demo data, to break."""
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    return target


def read_csv_rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def community_with_committee(data: Path = DATA) -> str:
    return sorted(p.name for p in (data / "communities").iterdir() if (p / "committee.yaml").exists())[0]
