"""What was read from the data folder: one Source per file, still all text."""

from __future__ import annotations

from dataclasses import dataclass, field

from generator.load.tables import Table
from generator.load.yamlfile import Scalar


@dataclass
class Source:
    """One file of one resource kind (a schema name such as 'members' or 'ledger_lines').

    Tabular sources carry a Table; YAML files and report front matter carry one flat record
    whose Scalars remember their line.
    """

    kind: str
    file: str  # relative to the data folder, "/" separated
    community: str | None = None
    period: str | None = None
    table: Table | None = None
    record: dict[str, object] | None = None
    body: str = ""  # a report's Markdown
    body_line: int = 1
    board: object | None = None  # a ledger read as a board (generator/load/board.py Board): its other rows

    def rows(self) -> list[dict[str, object]]:
        """Data rows as {column as written: text, or a list of texts}."""
        if self.table is not None:
            return [dict(zip(self.table.header, r)) for r in self.table.rows]
        return [{k: _plain(v) for k, v in (self.record or {}).items()}]

    def where(self, index: int, name: str | None) -> tuple[int | None, str | None]:
        """(line or sheet row, Excel cell) of a data row's field."""
        if self.table is not None:
            line = self.table.lines[index] if index < len(self.table.lines) else None
            return line, (self.table.cell(index, name) if name else None)
        value = (self.record or {}).get(name) if name else None
        if isinstance(value, Scalar):
            return value.line, value.cell
        if isinstance(value, list) and value and isinstance(value[0], Scalar):
            return value[0].line, None
        return None, None


@dataclass
class TypedRow:
    """A data row after the schema check: typed values, and where it came from."""

    source: Source
    index: int  # data row index within the source
    values: dict[str, object]  # field name → typed value (None when missing or invalid)

    def where(self, name: str | None = None) -> tuple[int | None, str | None]:
        return self.source.where(self.index, name)


@dataclass
class Loaded:
    city: dict[str, object] | None = None  # city.yaml as parsed (Scalars)
    sources: list[Source] = field(default_factory=list)
    community_folders: list[str] = field(default_factory=list)
    hashes: dict[str, str] = field(default_factory=dict)  # file → sha256 of its bytes

    @property
    def digest(self) -> str:
        """One hash of every file read: the data's content version."""
        return digest_of(self.hashes)

    def of_kind(self, kind: str) -> list[Source]:
        return [s for s in self.sources if s.kind == kind]


def digest_of(hashes: dict[str, str]) -> str:
    """One hash of files and their sha256s."""
    import hashlib

    h = hashlib.sha256()
    for rel in sorted(hashes):
        h.update(f"{rel}\0{hashes[rel]}\n".encode())
    return h.hexdigest()


def _plain(value: object) -> object:
    if isinstance(value, Scalar):
        return value.text
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value
