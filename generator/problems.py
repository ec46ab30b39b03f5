"""Problems found in the data: errors as values, collected, sorted and shown together."""

from __future__ import annotations

from dataclasses import dataclass, field, asdict
from typing import Iterable

ERROR = "error"  # a data error: Juwu cannot read or trust the data; its file is not published
FINDING = "finding"  # a compliance finding: the data says something is not as the plan requires; published
WARNING = "warning"  # advice on the data; published as it is
DATA, COMPLIANCE = "data", "finding"  # the two kinds of problem (Problem.kind)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the data, with where it is and how to fix it, in Chinese and English."""

    code: str  # stable slug, e.g. "committee-size"
    severity: str  # ERROR, FINDING or WARNING
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
    # A finding's dates (ISO): since when it stands, the deadline it missed, and when it was put right
    # (a breach that has been rectified stays in the record, closed).
    since: str | None = None
    due: str | None = None
    closed: str | None = None
    public: str | None = None  # what residents read, where the message names private people (else zh)

    @property
    def kind(self) -> str:
        """A compliance finding never blocks publication; a data error holds its file back."""
        return COMPLIANCE if self.severity == FINDING else DATA

    def sort_key(self) -> tuple:
        return (self.file, self.row or 0, self.field or "", self.code, self.value or "")

    def to_dict(self) -> dict:
        return asdict(self)

    def message(self, lang: str = "zh") -> str:
        return self.zh if lang == "zh" else self.en

    @property
    def public_zh(self) -> str:
        return self.public or self.zh

    def hint(self, lang: str = "zh") -> str:
        return self.hint_zh if lang == "zh" else self.hint_en


RANK = {WARNING: 0, FINDING: 1, ERROR: 2}  # in one cell, the graver problem is the one kept


@dataclass
class Problems:
    """An ordered, de-duplicated collection: the first problem reported for a cell wins, except
    that a graver one replaces a lighter one (a warning must never hide an error, e.g. an ID number)."""

    items: list[Problem] = field(default_factory=list)
    _seen: dict = field(default_factory=dict, repr=False)  # (file, row, field) → index in items

    def add(self, problem: Problem) -> None:
        key = (problem.file, problem.row, problem.field) if problem.field else None
        if key is not None:
            if key in self._seen:
                index = self._seen[key]
                if RANK[problem.severity] > RANK[self.items[index].severity]:
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
    def findings(self) -> list[Problem]:
        return [p for p in self.items if p.severity == FINDING]

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
