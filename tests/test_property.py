"""Random damage to valid data never crashes the validator: it passes or reports problems, and
every problem it reports is complete enough to show a clerk (file, message, hint in both languages)."""

from __future__ import annotations

import csv
import io
import os
import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.problems import ERROR, FINDING, WARNING
from generator.gather import validate_city
from generator.validate.report import as_html, as_json, as_text
from tests.cityfixture import small_city  # noqa: F401 - fixture

TRICKY = ["", " ", "-1", "1e9", "0755", "no", "是", "２０２４年１月１日", "2024/13/45", "¥-0", "1,2,3", "<script>",
          "110101199003071234", "13812345678", "=1+1", "\x00", "\ufeff", "\"", "a\nb", "9" * 40]
cell_text = st.one_of(st.sampled_from(TRICKY), st.text(st.characters(blacklist_categories=("Cs",)), max_size=24))


def _files(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*")
                  if p.is_file() and p.suffix in (".csv", ".yaml", ".md") and not p.match("schemas/*"))


def _text(path: Path) -> str:
    # An earlier mutation may have cut a character in half: the harness reads what it can.
    return path.read_bytes().decode("utf-8", "replace")


def _rows(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(_text(path), newline="")))


def _write_rows(path: Path, rows: list[list[str]]) -> None:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    path.write_text(buf.getvalue(), "utf-8")


@st.composite
def mutations(draw, files: list[str]):
    file = draw(st.sampled_from(files))
    kind = draw(st.sampled_from(["cell", "delete-row", "duplicate-row", "truncate", "yaml-value", "delete-file"]))
    return file, kind, draw(st.integers(0, 10_000)), draw(st.integers(0, 10_000)), draw(cell_text)


def _copy(src: Path, dst: Path) -> None:
    """Hard links are enough: `_apply` replaces a file before changing it, never writes through."""
    shutil.copytree(src, dst, copy_function=os.link)


def _own(path: Path) -> None:
    data = path.read_bytes()
    path.unlink()
    path.write_bytes(data)


def _apply(root: Path, file: str, kind: str, a: int, b: int, text: str) -> None:
    path = root / file
    _own(path)
    if kind == "delete-file":
        path.unlink()
        return
    if kind == "truncate":
        data = path.read_bytes()
        path.write_bytes(data[: a % (len(data) + 1)])
        return
    if path.suffix == ".csv" and kind != "yaml-value":
        rows = _rows(path)
        if len(rows) < 2 or not rows[1 + a % (len(rows) - 1)]:
            return
        i = 1 + a % (len(rows) - 1)
        if kind == "cell":
            rows[i][b % len(rows[i])] = text
        elif kind == "delete-row":
            del rows[i]
        else:
            rows.insert(i, list(rows[i]))
        _write_rows(path, rows)
        return
    lines = _text(path).split("\n")
    i = a % len(lines)
    key, sep, _ = lines[i].partition(":")
    lines[i] = f"{key}: {text}" if sep else text
    path.write_text("\n".join(lines), "utf-8")


def _check_report(root: Path) -> None:
    result = validate_city(root)
    problems = result.problems.sorted()
    assert result.ok == (not any(p.severity == ERROR for p in problems))
    for p in problems:
        assert p.severity in (ERROR, FINDING, WARNING) and p.code and p.file and p.zh and p.en, p
        assert not p.file.startswith("/") and ".." not in p.file.split("/")
        assert p.row is None or p.row >= 1
    as_text(problems, "zh"), as_json(problems, "en"), as_html(problems, "zh")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_random_damage_never_crashes(small_city, data):
    files = _files(small_city)
    changes = data.draw(st.lists(mutations(files), min_size=1, max_size=3))
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "data"
        _copy(small_city, root)
        for change in changes:
            if (root / change[0]).exists():
                _apply(root, *change)
        _check_report(root)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=cell_text)
def test_a_damaged_amount_is_read_exactly_or_refused(small_city, text):
    """The closing balance cell of a period: either the same Decimal is read back, or an error."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "data"
        _copy(small_city, root)
        header = root / "communities/319901001001/finance/2024-02.yaml"
        _own(header)
        lines = header.read_text("utf-8").split("\n")
        i = next(n for n, l in enumerate(lines) if l.startswith("closing_balance"))
        original = lines[i]
        lines[i] = "closing_balance: " + __import__("json").dumps(text, ensure_ascii=False)
        header.write_text("\n".join(lines), "utf-8")
        result = validate_city(root)
        changed = lines[i] != original
        if result.ok:
            period = next(c for c in result.city.communities if c.code == "319901001001").periods[1]
            assert period.closing_balance == period.computed_closing  # only the exact amount passes
        else:
            assert changed and any(p.file.endswith("2024-02.yaml") or p.file.endswith("2024-03.yaml")
                                   for p in result.problems.errors)


@given(st.lists(st.lists(st.text(alphabet=st.sampled_from('a,"\r\n 居=+-@\t;'), max_size=6), min_size=1, max_size=4),
                max_size=8))
def test_csv_lines_are_the_csv_text_a_row_at_a_time(rows):
    from generator.site.tablefiles import csv_lines_of, csv_text_of

    lines = csv_lines_of(rows)
    assert len(lines) == len(rows) and "".join(lines) == csv_text_of(rows)
