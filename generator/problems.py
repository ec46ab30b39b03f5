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
        """File, row, then the column as it stands in the clerk's file (its cell), not the field's name."""
        return (self.file, self.row or 0, cell_column(self.cell), self.field or "", self.code, self.value or "")

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


def cell_column(cell: str | None) -> int:
    """The 1-based column of an Excel cell ("C7" → 3, "3月!AA12" → 27); 0 for none, so a problem of a
    whole row comes before the problems of its cells."""
    if not cell:
        return 0
    letters = ""
    for ch in cell.rpartition("!")[2]:
        if "A" <= ch <= "Z":
            letters += ch
        else:
            break
    column = 0
    for ch in letters:
        column = column * 26 + ord(ch) - 64
    return column


def column_letter(index: int) -> str:
    """0-based column index to Excel letters: 0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


class JuwuError(Exception):
    """A refusal outside the data (a missing tool, a build that could not finish), with a stable
    code from generator/refusals.py: given where it is raised, or the class's own."""

    code = ""

    def __init__(self, zh: str, en: str, code: str | None = None):
        super().__init__(en)
        self.zh = zh
        self.en = en
        if code is not None:
            self.code = code


MAX_SAME_PROBLEM = 50  # problems of one code in one file listed in a report before a summary line


@dataclass(frozen=True)
class MoreOfTheSame(Problem):
    """Stands for `omitted` further problems of one code in one file that a report does not list."""

    omitted: int = 0


def capped(problems: Iterable[Problem], limit: int = MAX_SAME_PROBLEM) -> list[Problem]:
    """The problems in the order given, at most `limit` of one code in one file; the rest of such a
    group becomes one MoreOfTheSame right after the last one kept ("… 另有 N 个同类问题 / N more of
    the same"), so a report stays small whatever the input. Count errors on the full list."""
    out: list = []
    seen: dict[tuple[str, str], int] = {}
    rest: dict[tuple[str, str], list] = {}  # (file, code) → [first, count, worst severity]
    for p in problems:
        key = (p.file, p.code)
        seen[key] = seen.get(key, 0) + 1
        if seen[key] <= limit:
            out.append(p)
            if seen[key] == limit:
                rest[key] = [p, 0, WARNING]
                out.append(key)  # a slot for the summary, filled below if anything follows
        else:
            entry = rest[key]
            entry[1] += 1
            entry[2] = max(entry[2], p.severity, key=RANK.__getitem__)
    return [item if isinstance(item, Problem) else _more(*rest[item]) for item in out
            if isinstance(item, Problem) or rest[item][1]]


def _more(first: Problem, count: int, severity: str) -> MoreOfTheSame:
    return MoreOfTheSame(first.code, severity, first.file, f"… 另有 {count} 个同类问题（[{first.code}]），未逐一列出，改法相同",
                         f"… {count} more of the same ([{first.code}]), not listed; fixed the same way",
                         hint_zh=first.hint_zh, hint_en=first.hint_en, community=first.community, omitted=count)


def capped_groups(groups: Iterable[list[Problem]], limit: int = MAX_SAME_PROBLEM) -> list[list[Problem]]:
    """For reports that show one entry per group (problems of one code in one file, e.g. one
    column): at most `limit` groups of one code in one file, in the order given; the dropped ones
    become one [MoreOfTheSame] group at the end, counting their problems."""
    out: list[list[Problem]] = []
    seen: dict[tuple[str, str], int] = {}
    dropped: dict[tuple[str, str], list] = {}  # (file, code) → [first dropped, count, worst severity]
    for group in groups:
        key = (group[0].file, group[0].code)
        seen[key] = seen.get(key, 0) + 1
        if seen[key] <= limit:
            out.append(group)
            continue
        entry = dropped.setdefault(key, [group[0], 0, WARNING])
        entry[1] += len(group)
        entry[2] = max([entry[2], *(p.severity for p in group)], key=RANK.__getitem__)
    return out + [[_more(*entry)] for entry in dropped.values()]
