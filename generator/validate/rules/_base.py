"""What every rule needs: the registry of rule codes, and a context that says where a field is.

A rule module declares its codes with `rule(...)` (severity, what it means, how to fix it) and
its checks as functions `check(ctx) -> Iterable[Problem]`. The registry is the single list the
README's rule table and the reports are made from.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable

from generator import tableschemas
from generator.load.sources import Loaded, Source
from generator.model import City, Community
from generator.problems import COMPLIANCE, DATA, ERROR, FINDING, Problem, column_letter


@dataclass(frozen=True)
class Rule:
    code: str  # stable slug
    severity: str  # ERROR (a data error), FINDING (a compliance finding, published) or WARNING
    zh: str  # what the rule asks, one line, for the README and the report
    en: str
    hint_zh: str = ""
    hint_en: str = ""

    @property
    def kind(self) -> str:
        """DATA: Juwu cannot read or trust the data; COMPLIANCE: the plan is not followed (published)."""
        return COMPLIANCE if self.severity == FINDING else DATA


REGISTRY: dict[str, Rule] = {}
# Load and schema problems after which a file's content is unknown, not empty.
REFUSED_FILE_CODES = frozenset({
    "table-unreadable", "encoding", "yaml-refused", "yaml-not-mapping", "file-outside", "file-too-large",
    "file-twice", "missing-column", "duplicate-column", "symlink", "not-a-file", "file-unreadable",
})


def rule(code: str, severity: str, zh: str, en: str, hint_zh: str = "", hint_en: str = "") -> Rule:
    if code in REGISTRY:
        raise ValueError(f"rule code {code} declared twice")
    REGISTRY[code] = Rule(code, severity, zh, en, hint_zh, hint_en)
    return REGISTRY[code]


class Context:
    """The city under check, and where each of its values came from (file, line, Excel cell)."""

    def __init__(self, city: City, loaded: Loaded, earlier: Iterable[Problem] = ()):
        self.city = city
        self.loaded = loaded
        self.settings = city.settings
        self._sources: dict[str, Source] = {s.file: s for s in loaded.sources}
        self._columns: dict[str, dict[str, int]] = {}
        # Cells the schema step could not read: a rule says nothing about them rather than
        # reporting the empty value they became (one mistake, one message).
        self._unreadable = {(p.file, p.field) for p in earlier if p.severity == ERROR and p.field}
        self._unreadable_rows = {(p.file, p.row, p.field) for p in earlier if p.severity == ERROR and p.field}
        self._refused = {p.file for p in earlier if p.severity == ERROR and p.code in REFUSED_FILE_CODES}

    def refused(self, *files: str) -> bool:
        """Whether a file could not be read at all (a table may be named without .csv/.xlsx): rules
        that need it stay quiet instead of reporting it as empty."""
        return any(f in self._refused or f + ".csv" in self._refused or f + ".xlsx" in self._refused for f in files)

    def unreadable(self, file: str, *fields: str, row: int | None = None) -> bool:
        """Whether the schema step refused one of these fields (in this row, or anywhere in the file)."""
        if row is not None:
            return any((file, row, f) in self._unreadable_rows for f in fields)
        return any((file, f) in self._unreadable for f in fields)

    def source(self, file: str) -> Source | None:
        return self._sources.get(file)

    def with_committee(self) -> Iterable[Community]:
        return (c for c in self.city.communities if c.committee is not None)

    def line(self, file: str, key: str) -> int | None:
        """Line of a key in a YAML file (committee.yaml, a period's header)."""
        source = self._sources.get(file)
        if source is None or source.table is not None:
            return None
        return source.where(0, key)[0]

    def cell(self, file: str, row: int | None, field: str | None) -> str | None:
        """Excel-style cell of a field in a table row, e.g. 'C7' ('3月!C7' in a year's workbook): the
        column the clerk wrote it in (a board's own column, or a column Juwu ignores, named as
        written); None for YAML, or a value Juwu filled in."""
        source = self._sources.get(file)
        if source is None or source.table is None or row is None or field is None:
            return None
        table = source.table
        if table.source_columns is not None and field in table.source_columns:
            index = table.source_columns[field]
        else:
            columns = self._columns.get(file)
            if columns is None:
                columns = self._columns[file] = _header_columns(source.kind, table.header)
            index = columns.get(field)
        return None if index is None else f"{table.cell_prefix}{column_letter(index)}{row}"

    def problem(self, rule: Rule, file: str, zh: str, en: str, *, row: int | None = None,
                field: str | None = None, value: object = None, community: str | None = None,
                hint_zh: str | None = None, hint_en: str | None = None, since: object = None,
                due: object = None, closed: object = None, public: str | None = None) -> Problem:
        if row is None and field is not None:
            row = self.line(file, field)
        return Problem(
            rule.code, rule.severity, file, zh, en, row=row, field=field,
            value=None if value is None else str(value), cell=self.cell(file, row, field),
            hint_zh=rule.hint_zh if hint_zh is None else hint_zh,
            hint_en=rule.hint_en if hint_en is None else hint_en, community=community,
            since=_iso(since), due=_iso(due), closed=_iso(closed), public=public)


def _header_columns(kind: str, header: list[str]) -> dict[str, int]:
    """Field name → its column in a table's header, as aliases map it; a column no field takes is
    there under its own title (the personal-data rule looks at every column)."""
    columns: dict[str, int] = {}
    for index, written in enumerate(header):
        name = tableschemas.field_named(kind, written)
        if name and name not in columns:
            columns[name] = index
    for index, written in enumerate(header):
        columns.setdefault(written, index)
    return columns


def _iso(day: object) -> str | None:
    return None if day is None else day.isoformat() if hasattr(day, "isoformat") else str(day)


Check = Callable[[Context], Iterable[Problem]]
