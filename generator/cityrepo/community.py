"""`juwu add-community`: a row in communities.csv, a folder of templates, owners and catalogue.

Everything is checked before anything is written: a malformed or duplicate code, an empty name,
a bad owner — each refused with a message in Chinese and English, and the repository untouched.
"""

from __future__ import annotations

import csv
import datetime
import re
from dataclasses import dataclass, field
from pathlib import Path

from generator import tableschemas, template
from generator.cityrepo import CityRepoError, files
from generator.cityrepo.owners import OWNERS_FILE, Owner, check_owner, owners_text
from generator.cityrepo.templates import fill

_CODE = re.compile(r"[0-9]{12}")
COMMUNITY_TEMPLATE_TABLES = ("members", "officials")


@dataclass(frozen=True)
class NewCommunity:
    code: str
    name: str
    district: str
    street: str
    households: int | None = None
    rc_term_start: datetime.date | None = None
    rc_term_end: datetime.date | None = None
    owners: tuple[str, ...] = ()

    def cells(self) -> dict[str, str]:
        """Field name → cell text for communities.csv."""
        return {
            "code": self.code, "name": self.name, "district": self.district, "street": self.street,
            "households": "" if self.households is None else str(self.households),
            "rc_term_start": self.rc_term_start.isoformat() if self.rc_term_start else "",
            "rc_term_end": self.rc_term_end.isoformat() if self.rc_term_end else "",
        }


@dataclass
class Added:
    written: list[str] = field(default_factory=list)  # paths relative to the repository
    kept: list[str] = field(default_factory=list)  # template files the clerk already had


def check_new(c: NewCommunity) -> NewCommunity:
    """The community as given, or a bilingual refusal naming what is wrong."""
    if not _CODE.fullmatch(c.code):
        raise CityRepoError(
            f"社区代码“{c.code}”不对：应为 12 位数字的统计用区划代码，例如 310101002001"
            "（前 6 位是区，前 9 位是街道）",
            f"community code '{c.code}' is malformed: it must be the 12-digit statistical division code, "
            "e.g. 310101002001 (first 6 digits the district, first 9 the street)")
    for label_zh, label_en, value in (("社区名称", "name", c.name), ("区", "district", c.district),
                                      ("街道", "street", c.street)):
        if not value.strip() or any(ch in value for ch in "\r\n"):
            raise CityRepoError(f"{label_zh}不能为空，也不能换行", f"the {label_en} must not be empty or span lines")
    if c.households is not None and c.households < 0:
        raise CityRepoError("户数不能是负数", "households cannot be negative")
    if c.rc_term_start and c.rc_term_end and c.rc_term_end <= c.rc_term_start:
        raise CityRepoError("居委会任期止应晚于任期起", "the residents' committee's term must end after it starts")
    for owner in c.owners:
        check_owner(owner)
    return c


def add_community(data_dir: Path, new: NewCommunity, folder: bool = True) -> Added:
    data_dir = Path(data_dir)
    check_new(new)
    table, header_line = files.read_communities(data_dir)
    if new.code in table.codes():
        raise CityRepoError(f"社区代码 {new.code} 已经在 communities.csv 中，不能重复添加",
                            f"community {new.code} is already in communities.csv; it cannot be added twice")
    if table.column("code") is None:
        raise CityRepoError("communities.csv 的表头中没有“code”（社区代码）列",
                            "communities.csv has no 'code' column in its header")
    owners = files.read_owners(data_dir) + [Owner(new.code, o.strip()) for o in new.owners]
    table.lines = _insert_sorted(table, _row_line(table, new))
    templates = community_templates(new) if folder else {}

    result = Added()
    files.atomic_write_bytes(data_dir / files.COMMUNITIES, table.encode(header_line))
    result.written.append(files.COMMUNITIES)
    if folder:
        for rel, text in templates.items():
            (result.written if files.write_new(data_dir / rel, text) else result.kept).append(rel)
    if new.owners or (data_dir / OWNERS_FILE).exists():
        files.write_text(data_dir / OWNERS_FILE, owners_text(owners))
        result.written.append(OWNERS_FILE)
    files.refresh_codeowners(data_dir)
    files.refresh_catalogue(data_dir)
    result.written += ["CODEOWNERS", "datapackage.yaml"]
    return result


def community_templates(new: NewCommunity) -> dict[str, str]:
    """The files a new community folder starts with: {relative path: text}."""
    base = f"communities/{new.code}"
    out = {f"{base}/committee.yaml": fill(
        "committee.yaml", name=new.name, code=new.code,
        term_start=new.rc_term_start.isoformat() if new.rc_term_start else "",
        term_end=new.rc_term_end.isoformat() if new.rc_term_end else "")}
    for table in COMMUNITY_TEMPLATE_TABLES:
        out[f"{base}/{table}.csv"] = template.csv_text(table)  # Chinese headers: one source with juwu template
    out[f"{base}/finance/.gitkeep"] = ""
    out[f"{base}/reports/.gitkeep"] = ""
    return out


def _row_line(table: files.CsvText, new: NewCommunity) -> str:
    aliases = tableschemas.header_aliases("communities")
    values = new.cells()
    cells = [values.get(aliases.get(h.strip()) or aliases.get(h.strip().lower()) or "", "") for h in table.header]
    return files.csv_line(cells, table.newline)


def _insert_sorted(table: files.CsvText, line: str) -> list[str]:
    """Insert before the first row whose code sorts after the new one; other lines untouched."""
    new_code = next(csv.reader([line]))[table.column("code")]
    codes = table.codes()
    for i, code in enumerate(codes):
        if code > new_code:
            return table.lines[:i] + [line] + table.lines[i:]
    return table.lines + [line]
