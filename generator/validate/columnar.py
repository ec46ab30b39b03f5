"""Table Schema checks run column by column: frictionless's problems, found without its row machinery.

frictionless reads a batch row by row, building a Row object, a cell reader call and a notes dict
for every cell: ~50,000 rows a second on one core, the biggest part of checking a city of 1.2
million ledger lines. Here each schema is compiled once into checks over whole columns, built on
frictionless's own pieces (its value reader for each field's type, its constraint values as it
reads them, its notes), and the outcome is handed to the same `tablecheck.from_frictionless` as
frictionless's errors, so the problems are the same: code, file, row, field, cell, value, message
and order. `generator/validate/schema.py::_check_kind` (frictionless itself) stays the reference:
tests/test_columnar.py runs both on the demo city and on many random damaged tables.

What frictionless does that is mirrored here, per row in a batch:
- a cell whose text is a missing value ("") is empty; a non-empty cell is read by the field
  type's value reader, and a cell it cannot read is a type error (and its constraints are not
  checked);
- the constraints the field type supports, in frictionless's order (`supported_constraints`),
  each failing one a constraint error;
- the primary key (`_file` plus the schema's key) is read first, so its fields' errors come first
  in a row, then the other fields' errors, then a repeated key (naming the last row with that key).
"""

from __future__ import annotations

import json
import operator
import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from itertools import repeat
from typing import Any, Callable

from generator import tableschemas
from generator.load.sources import Source, TypedRow
from generator.problems import Problems
from generator.validate import tablecheck


@dataclass(frozen=True)
class _Error:
    """What `tablecheck.from_frictionless` reads of a frictionless error."""

    type: str
    note: str
    field_name: str | None = None
    cell: str | None = None
    title: str = ""


@dataclass(frozen=True)
class _Field:
    name: str
    reader: Callable[[Any], Any]  # frictionless's value reader for the field's type and format
    exact: type | None  # a value of exactly this type reads as itself (the reader returns it)
    checks: tuple[tuple[str, Any, str], ...]  # (constraint, value as frictionless reads it, note)
    type_note: str


_EXACT = {"string": str, "number": Decimal, "date": date, "integer": int, "boolean": bool, "array": list}
_BOUNDS = {"minimum": operator.ge, "maximum": operator.le,
           "exclusiveMinimum": operator.gt, "exclusiveMaximum": operator.lt}


@cache
def _compiled(kind: str) -> tuple[tuple[_Field, ...], tuple[str, ...], frozenset[str]]:
    """The batch schema of a kind as column checks: its fields, its primary key, its missing values.
    Read from the descriptor without importing frictionless (~0.3 s and ~15 MB in each process, which
    a republish of one community notices) when every field is of a kind this module reads as
    frictionless does (tests/test_columnar.py compares the two); else from frictionless's own fields."""
    return _own(kind) or _frictionless(kind)


def _frictionless(kind: str):
    schema = tablecheck.batch_schema(kind)
    fields = []
    for field in schema.fields:
        reader = field.create_value_reader()
        fields.append(_field(field.name, field.type, field.format, reader, field.supported_constraints,
                             field.constraints, field.type == "number" and field.float_number))
    return tuple(fields), tuple(schema.primary_key), frozenset(schema.missing_values)


def _field(name, type_, format_, reader, supported, constraints, floats=False) -> _Field:
    checks = []
    for constraint_name in supported:
        constraint = constraints.get(constraint_name)
        if constraint is None:
            continue
        value = constraint
        if constraint_name in _BOUNDS:
            value = reader(constraint)
        elif constraint_name == "pattern":
            value = re.compile(f"^{constraint}$")
        elif constraint_name == "enum":
            value = list(map(reader, constraint))
        checks.append((constraint_name, value, f'constraint "{constraint_name}" is "{constraint}"'))
    exact = float if floats else _EXACT.get(type_)
    if exact is not None and reader(_SAMPLE[exact]) is not _SAMPLE[exact]:
        exact = None  # a format or option that changes values: every cell goes through the reader
    return _Field(name, reader, exact, tuple(checks), f'type is "{type_}/{format_}"')


# --- frictionless's readers for default formats (frictionless/fields/*.py, v5), without importing it

_SUPPORTED = {
    "string": ("required", "minLength", "maxLength", "pattern", "enum"),
    "number": ("required", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "enum"),
    "integer": ("required", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "enum"),
    "date": ("required", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "enum"),
    "boolean": ("required", "enum"),
    "array": ("required", "minLength", "maxLength", "enum"),
}
_PLAIN_KEYS = {"name", "title", "type", "constraints", "aliases", "description", "format", "trueValues", "falseValues"}
_SCHEMA_KEYS = {"fields", "primaryKey", "foreignKeys", "title", "boardColumns"}


def _own(kind: str):
    descriptor = tableschemas.schema(kind)
    if set(descriptor) - _SCHEMA_KEYS:
        return None  # missingValues or anything else that changes reading: frictionless decides
    fields = [_field("_file", "integer", "default", _read_integer, _SUPPORTED["integer"], {})]
    for f in descriptor["fields"]:
        type_, format_ = f.get("type", "string"), f.get("format", "default")
        if type_ not in _SUPPORTED or format_ != "default" or set(f) - _PLAIN_KEYS:
            return None
        if type_ != "boolean" and ("trueValues" in f or "falseValues" in f):
            return None
        reader = _boolean_reader(tuple(f.get("trueValues", _TRUE)), tuple(f.get("falseValues", _FALSE))) \
            if type_ == "boolean" else _READERS[type_]
        fields.append(_field(f["name"], type_, format_, reader, _SUPPORTED[type_], f.get("constraints", {})))
    key = descriptor.get("primaryKey")
    return tuple(fields), ("_file", *key) if key else (), frozenset({""})


def _read_string(cell):
    return cell if isinstance(cell, str) else None


def _read_number(cell):
    if isinstance(cell, str):
        try:
            return Decimal(cell.strip())
        except Exception:
            return None
    if isinstance(cell, Decimal):
        return cell
    if cell is True or cell is False:
        return None
    if isinstance(cell, int):
        return cell
    if isinstance(cell, float):
        return Decimal(str(cell))
    return None


def _read_integer(cell):
    if isinstance(cell, str):
        try:
            return int(cell.strip())
        except Exception:
            return None
    if cell is True or cell is False:
        return None
    if isinstance(cell, int):
        return cell
    if isinstance(cell, float) and cell.is_integer():
        return int(cell)
    if isinstance(cell, Decimal) and cell % 1 == 0:
        return int(cell)
    return None


def _read_date(cell):
    if isinstance(cell, datetime):
        if cell.hour == 0 and cell.minute == 0 and cell.second == 0:
            return datetime(cell.year, cell.month, cell.day).date()
        return None
    if isinstance(cell, date):
        return cell
    if not isinstance(cell, str):
        return None
    try:
        return datetime.strptime(cell, "%Y-%m-%d").date()
    except Exception:
        return None


def _read_array(cell):
    if not isinstance(cell, list):
        if isinstance(cell, str):
            try:
                cell = json.loads(cell)
            except Exception:
                return None
            if not isinstance(cell, list):
                return None
        elif isinstance(cell, tuple):
            cell = list(cell)
        else:
            return None
    return cell


_TRUE, _FALSE = ("true", "True", "TRUE", "1"), ("false", "False", "FALSE", "0")


@cache
def _boolean_reader(true_values: tuple, false_values: tuple):
    mapping = {v: True for v in true_values} | {v: False for v in false_values}

    def read(cell):
        if cell is True or cell is False:
            return cell
        if isinstance(cell, str):
            return mapping.get(cell)
        return None

    return read


_READERS = {"string": _read_string, "number": _read_number, "integer": _read_integer, "date": _read_date,
            "array": _read_array}


_SAMPLE = {str: "x", Decimal: Decimal("1.5"), date: date(2024, 5, 1), int: 7, bool: True, list: ["x"], float: 1.5}


def check_kind(kind: str, sources: list[Source], problems: Problems) -> list[TypedRow]:
    """Same contract as `schema._check_kind`: typed rows of these sources, problems added."""
    names = list(tableschemas.fields(kind))
    batch = _Batch(kind, names)
    for number, source in enumerate(sources):
        batch.add(number, source)
    if not batch.origin:
        batch.flush(problems)
        return []
    submitted = batch.normalised()
    batch.flush(problems)
    origin = batch.origin
    fields, key, missing = _compiled(kind)
    typed: list[list[object]] = []
    errors: list[dict[int, list[_Error]]] = []  # per field: row position → its errors
    for field, column in zip(fields, [batch.numbers, *submitted]):
        values, found = _read_column(field, column, missing)
        typed.append(values)
        errors.append(found)
    duplicates = _repeated_keys(key, fields, typed)
    order = _error_order(key, fields)
    value_names = [f.name for f in fields[1:]]
    rows = list(map(dict, map(zip, repeat(value_names), zip(*typed[1:]))))
    for position in sorted(set(duplicates).union(*errors)):  # rows with problems, in row order
        source, index = origin[position]
        cells = dict(zip(value_names, (column[position] for column in submitted)))
        for error in _row_errors(position, order, errors, duplicates):
            problems.add(tablecheck.from_frictionless(kind, source, index, error, rows[position], origin, cells))
    result = [TypedRow(source, index, row) for (source, index), row in zip(origin, rows)]
    if len(result) != len(origin):
        # A check that stopped early has not checked the rest: never a pass (SECURITY.md item 15).
        problems.add(tablecheck.incomplete(kind, origin, len(result), f"{len(result)} of {len(origin)} rows checked"))
    return result


_BAD = object()  # a cell whose reading reports a problem: read again where it is, to say where


class _Batch:
    """The cells of a batch gathered column by column, as `schema._check_kind` hands them to
    frictionless: header mapped, extra cells reported, each cell normalised (tablecheck.normalise).
    Problems are kept with their place (row position, then field) and reported in the order the
    reference reports them: per file its header, then row by row, field by field."""

    def __init__(self, kind: str, names: list[str]):
        self.kind, self.names = kind, names
        self.numbers: list[int] = []  # the `_file` column
        self.origin: list[tuple[Source, int]] = []
        self.raw: list[list] = [[] for _ in names]  # cells as written, None when absent
        self.done: dict[int, list] = {}  # row position → values already normalised (a YAML record)
        self.headers: dict[tuple[str, ...], dict[str, str]] = {}  # header → its mapping, when it had no problem
        self.pending: list[tuple[int, int, int, list]] = []  # (position, field or -2/-1, sequence, problems)
        self.records: dict[tuple[str, str], object] = {}  # (field, text) → a record's value, normalised
        fields = tableschemas.fields(kind)
        self.lists = {name for name in names if fields[name]["type"] == "array"}  # a value read as a new list

    def _report(self, position: int, slot: int, found: Problems) -> None:
        if found.items:
            self.pending.append((position, slot, len(self.pending), found.items))

    def add(self, number: int, source: Source) -> None:
        found = Problems()
        mapping = self._mapping(source, found)
        self._report(len(self.origin), -2, found)
        if mapping is None:
            return
        table = source.table
        if table is None:  # a YAML record: one row, normalised as the reference does
            for index, raw in enumerate(source.rows()):
                cells = {mapping[c]: v for c, v in raw.items() if c in mapping}
                found = Problems()
                values = [self._record_value(source, index, n, cells.get(n), found) for n in self.names]
                self._report(len(self.origin), -1, found)
                self.done[len(self.origin)] = values
                for column in self.raw:
                    column.append(None)
                self.numbers.append(number)
                self.origin.append((source, index))
            return
        header, rows = table.header, table.rows
        width = len(header)
        where = {name: header.index(column) for column, name in mapping.items()}
        start = len(self.origin)
        lengths = set(map(len, rows))
        if lengths and max(lengths) > width:
            for index, cells in enumerate(rows):
                if len(cells) > width:
                    found = Problems()
                    tablecheck.check_extra_cells(source, index, None, mapping, found)
                    self._report(start + index, -1, found)
        short = bool(lengths) and min(lengths) < width
        for name, column in zip(self.names, self.raw):
            at = where.get(name)
            if at is None:
                column.extend([None] * len(rows))
            elif short:
                column.extend([cells[at] if at < len(cells) else None for cells in rows])
            else:
                column.extend(map(operator.itemgetter(at), rows))
        self.numbers.extend([number] * len(rows))
        self.origin.extend(zip(repeat(source), range(len(rows))))

    def _record_value(self, source: Source, index: int, name: str, value: object, found: Problems) -> object:
        """A YAML record's value normalised. Records repeat their texts (a city's ~60,000 period
        headers name the same reviewers and dates): a text of a field that is not a list is
        normalised once, and again where it reports a problem, so the problem names its file."""
        if value.__class__ is not str or name in self.lists:
            return tablecheck.normalise(self.kind, source, index, name, value, found)
        key = (name, value)
        known = self.records.get(key, _BAD)
        if known is not _BAD:
            return known
        mine = Problems()  # normalise reports one problem at most
        result = tablecheck.normalise(self.kind, source, index, name, value, mine)
        for problem in mine.items:
            found.add(problem)
        if not mine.items:
            self.records[key] = result
        return result

    def _mapping(self, source: Source, found: Problems) -> dict[str, str] | None:
        """The header mapped (tablecheck.map_header); a table header that maps without a problem
        maps the same way in every file that has it (a city's ledgers share one header)."""
        if source.table is None:
            return tablecheck.map_header(self.kind, source, found)
        header = tuple(source.table.header)
        known = self.headers.get(header)
        if known is not None:
            return dict(known)
        mapping = tablecheck.map_header(self.kind, source, found)
        if mapping is not None and not found.items:
            self.headers[header] = dict(mapping)
        return mapping

    def normalised(self) -> list[list]:
        """Every column normalised. A cell's normal form depends only on its text and its field
        (in a table): each distinct text is normalised once, and a text that reports a problem is
        normalised again at each place it occurs, so the problem names its row and cell."""
        fields = tableschemas.fields(self.kind)
        columns = []
        for slot, (name, raw) in enumerate(zip(self.names, self.raw)):
            memo = self._memo(name, raw) if fields[name]["type"] != "array" else None
            if memo is not None:
                column = list(map(memo.__getitem__, raw))
                bad = any(v is _BAD for v in memo.values())  # few distinct texts: most columns have none
                redo = [i for i, v in enumerate(column) if v is _BAD] if bad else []
            else:
                column = list(raw)
                redo = [i for i, v in enumerate(raw) if v is not None]
            for i in redo:
                source, index = self.origin[i]
                found = Problems()
                column[i] = tablecheck.normalise(self.kind, source, index, name, raw[i], found)
                self._report(i, slot, found)
            for i, values in self.done.items():
                column[i] = values[slot]
            columns.append(column)
        return columns

    def _memo(self, name: str, raw: list) -> dict | None:
        try:
            distinct = set(raw)
        except TypeError:  # a cell that is not text: each is normalised where it is
            return None
        source = next((s for s, _ in self.origin if s.table is not None), None)
        memo: dict = {None: None}
        for text in distinct:
            if text is None:
                continue
            if not isinstance(text, str) or source is None:
                return None
            found = Problems()
            value = tablecheck.normalise(self.kind, source, 0, name, text, found)
            memo[text] = _BAD if found.items else value
        return memo

    def flush(self, problems: Problems) -> None:
        for _, _, _, found in sorted(self.pending, key=lambda p: p[:3]):
            for problem in found:
                problems.add(problem)
        self.pending = []


def _read_column(field: _Field, column: list, missing: frozenset[str]) -> tuple[list, dict[int, list[_Error]]]:
    """A column as frictionless reads it, and the type and constraint errors of its cells."""
    exact = field.exact
    simple = missing == frozenset({""})
    if simple and exact is not None and set(map(type, column)) <= {exact, type(None)} \
            and (exact is not str or "" not in column):
        odd = []  # every cell missing or of the exact type, no "": nothing to read (most columns), seen in C
    elif simple and exact is not None:
        # Only a text can be the missing value "": other values of the exact type read as themselves.
        odd = [i for i, v in enumerate(column) if v is not None and (v.__class__ is not exact or v == "")]
    else:
        odd = [i for i, v in enumerate(column) if v is not None]
    values = column
    found: dict[int, list[_Error]] = {}
    if odd:
        values = list(column)
        for i in odd:
            source = column[i]
            cell = None if str(source) in missing else source
            if cell is not None:
                cell = field.reader(cell)
                if cell is None:
                    found[i] = [_Error("type-error", field.type_note, field.name, str(source))]
            values[i] = cell
    for name, constraint, note in field.checks:
        for i in _failing(name, constraint, values):
            if i in found and found[i][0].type == "type-error":
                continue  # a cell that cannot be read has no constraint checked
            found.setdefault(i, []).append(_Error("constraint-error", note, field.name, str(column[i])))
    return values, found


def _failing(name: str, constraint, values: list) -> list[int]:
    """Positions of the cells failing one constraint (frictionless's check_* functions, per column).
    A column of texts is first checked on its distinct texts, and looked through only when one fails."""
    if name in ("pattern", "enum") and set(map(type, values)) <= {str, type(None)} \
            and not _each_failing(name, constraint, list(set(values))):
        return []
    return _each_failing(name, constraint, values)


def _each_failing(name: str, constraint, values: list) -> list[int]:
    if name == "required":
        return [i for i, v in enumerate(values) if v is None] if constraint and None in values else []
    if name == "maxLength":
        return [i for i, v in enumerate(values) if v is not None and len(v) > constraint]
    if name == "minLength":
        return [i for i, v in enumerate(values) if v is not None and len(v) < constraint]
    if name in _BOUNDS:
        compare = _BOUNDS[name]
        return [i for i, v in enumerate(values) if v is not None and (v != v or not compare(v, constraint))]
    if name == "pattern":
        match = constraint.match
        return [i for i, v in enumerate(values) if v is not None and not match(v)]
    if name == "enum":
        return [i for i, v in enumerate(values) if v is not None and v not in constraint]
    raise ValueError(f"constraint {name} has no column check")  # a schema using one: add it here


def _repeated_keys(key: tuple[str, ...], fields: tuple[_Field, ...], typed: list[list]) -> dict[int, _Error]:
    """Row position → its primary-key error: the key seen before (frictionless names the last such row)."""
    if not key:
        return {}
    where = {f.name: i for i, f in enumerate(fields)}
    columns = [typed[where[name]] for name in key]
    seen: dict[tuple, int] = {}
    found = {}
    for position, cells in enumerate(zip(*columns)):
        if set(cells) == {None}:
            found[position] = _Error("primary-key", 'cells composing the primary keys are all "None"')
            continue
        match = seen.get(cells)
        seen[cells] = position + 2  # frictionless's row number: the header is row 1
        if match:
            found[position] = _Error("primary-key", "the same as in the row at position %s" % match)
    return found


@cache
def _order(key: tuple[str, ...], names: tuple[str, ...]) -> tuple[tuple[int, ...], tuple[int, ...]]:
    where = {name: i for i, name in enumerate(names)}
    first = tuple(where[name] for name in key)
    return first, tuple(i for i in range(len(names)) if i not in first)


def _error_order(key: tuple[str, ...], fields: tuple[_Field, ...]):
    return _order(key, tuple(f.name for f in fields))


def _row_errors(position: int, order, errors: list[dict[int, list[_Error]]], duplicates: dict[int, _Error]) -> list:
    """A row's errors in frictionless's order: the key's fields (read first, to look the key up),
    the other fields, then the repeated key (appended to `row.errors`, which reads the whole row)."""
    first, rest = order
    found = []
    for i in first + rest:
        found.extend(errors[i].get(position, ()))
    if position in duplicates:
        found.append(duplicates[position])
    return found
