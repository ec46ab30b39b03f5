"""A small real city to break, one rule at a time: three communities, built once per session.

Community A has five members, B four; C has no committee yet (no folder, phases 1–2 done).
Helpers edit a copy's CSV cells and YAML values in place and return where they wrote, so tests
assert on the flattened problem list: (code, file, row, field).
"""

from __future__ import annotations

import csv
import io
import re
import shutil
from pathlib import Path

import pytest

from generator.demo import write_demo_city
from generator.gather import validate_city

A, B, C = "319901001001", "319902001001", "319902002001"


@pytest.fixture(scope="session")
def small_city(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("small") / "data"
    write_demo_city(root, 3, seed=7)
    return root


@pytest.fixture(scope="session")
def baseline(small_city) -> list[tuple]:
    return flat(small_city)


@pytest.fixture
def city(small_city, tmp_path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(small_city, target)
    return target


def problems(data: Path):
    return validate_city(data).problems.sorted()


def flat(data: Path) -> list[tuple]:
    return [(p.code, p.file, p.row, p.field) for p in problems(data)]


def codes(data: Path) -> set[str]:
    return {p.code for p in problems(data)}


def of_code(data: Path, code: str):
    return [p for p in problems(data) if p.code == code]


def read_table(path: Path) -> tuple[list[str], list[list[str]]]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:]


def write_table(path: Path, header: list[str], rows: list[list[str]]) -> None:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows([header, *rows])
    path.write_text(buf.getvalue(), encoding="utf-8")


def set_cell(path: Path, index: int, column: str, value: str) -> int:
    """Set a data row's cell (0-based data row); returns its line (header = 1)."""
    header, rows = read_table(path)
    rows[index][header.index(column)] = value
    write_table(path, header, rows)
    return index + 2


def cell_of(path: Path, index: int, column: str) -> str:
    header, _ = read_table(path)
    return f"{chr(65 + header.index(column))}{index + 2}"


def set_yaml(path: Path, dotted: str, value: str) -> int:
    """Replace the value of a (possibly nested) key; returns its line. Values are written quoted."""
    lines = path.read_text(encoding="utf-8").split("\n")
    parts = dotted.split(".")
    start, indent = 0, 0
    for depth, part in enumerate(parts):
        pattern = re.compile(rf"^{' ' * indent}{re.escape(part)}:(.*)$")
        for i in range(start, len(lines)):
            m = pattern.match(lines[i])
            if m:
                if depth == len(parts) - 1:
                    lines[i] = f"{' ' * indent}{part}: \"{value}\""
                    path.write_text("\n".join(lines), encoding="utf-8")
                    return i + 1
                start, indent = i + 1, indent + 2
                break
        else:
            raise KeyError(dotted)
    raise KeyError(dotted)


def member_file(code: str = A) -> str:
    return f"communities/{code}/members.csv"
