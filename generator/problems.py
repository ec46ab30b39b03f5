"""Problems found in the data: errors as values, collected, sorted and shown together."""

from __future__ import annotations

from dataclasses import dataclass, field, asdict
from typing import Iterable

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the data, with where it is and how to fix it, in Chinese and English."""

    code: str  # stable slug, e.g. "committee-size"
    severity: str  # ERROR or WARNING
    file: str  # path relative to the data folder, "/" separated
    zh: str
    en: str
    row: int | None = None  # line in a CSV (header = 1) or YAML file, row in a sheet
    field: str | None = None  # column or key name
    value: str | None = None
    cell: str | None = None  # Excel-style cell, e.g. "B7", where the source is a table
    hint_zh: str = ""
    hint_en: str = ""
    community: str | None = None  # community code, when the problem belongs to one

    def sort_key(self) -> tuple:
        return (self.file, self.row or 0, self.field or "", self.code, self.value or "")

    def to_dict(self) -> dict:
        return asdict(self)

    def message(self, lang: str = "zh") -> str:
        return self.zh if lang == "zh" else self.en

    def hint(self, lang: str = "zh") -> str:
        return self.hint_zh if lang == "zh" else self.hint_en


@dataclass
class Problems:
    """An ordered, de-duplicated collection: the first problem reported for a cell wins, except
    that an error replaces a warning (a warning must never hide an error, e.g. an ID number)."""

    items: list[Problem] = field(default_factory=list)
    _seen: dict = field(default_factory=dict, repr=False)  # (file, row, field) → index in items

    def add(self, problem: Problem) -> None:
        key = (problem.file, problem.row, problem.field) if problem.field else None
        if key is not None:
            if key in self._seen:
                index = self._seen[key]
                if self.items[index].severity == WARNING and problem.severity == ERROR:
                    self.items[index] = problem
                return
            self._seen[key] = len(self.items)
        self.items.append(problem)

    def extend(self, problems: Iterable[Problem]) -> None:
        for p in problems:
            self.add(p)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.items if p.severity == ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.items if p.severity == WARNING]

    def sorted(self) -> list[Problem]:
        return sorted(self.items, key=Problem.sort_key)

    def __len__(self) -> int:
        return len(self.items)

    def __iter__(self):
        return iter(self.items)


def column_letter(index: int) -> str:
    """0-based column index to Excel letters: 0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


class JuwuError(Exception):
    """A failure outside the data (a missing tool, a build that could not finish)."""

    def __init__(self, zh: str, en: str):
        super().__init__(en)
        self.zh = zh
        self.en = en
