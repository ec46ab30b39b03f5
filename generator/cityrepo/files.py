"""Reading and rewriting the repository's own files (communities.csv, owners.csv, the catalogue).

These tools edit a city repository the way a clerk would, so they keep what a clerk chose: a
communities.csv saved by Excel in GBK stays GBK, a BOM stays, CRLF line ends stay, and the lines
of other communities are not rewritten.
"""

from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass
from pathlib import Path

import yaml

from generator import tableschemas
from generator.catalogue import DESCRIPTOR_NAME, write_datapackage
from generator.cityrepo import CityRepoError
from generator.cityrepo.owners import CODEOWNERS_FILE, OWNERS_FILE, Owner, codeowners_text, parse_owners
from generator.load.city import CODE_RE
from generator.load.tables import TableRefused, decode

COMMUNITIES = "communities.csv"


@dataclass
class CsvText:
    """A CSV file as lines, with what it takes to write it back as it was."""

    header: list[str]
    lines: list[str]  # data lines, each with its line end
    encoding: str
    newline: str

    def column(self, field: str) -> int | None:
        aliases = tableschemas.header_aliases("communities")
        for i, cell in enumerate(self.header):
            if aliases.get(cell.strip()) == field or aliases.get(cell.strip().lower()) == field:
                return i
        return None

    def codes(self) -> list[str]:
        index = self.column("code")
        found = []
        for line in self.lines:
            cells = next(csv.reader([line]), [])
            found.append(cells[index].strip() if index is not None and index < len(cells) else "")
        return found

    def encode(self, header_line: str) -> bytes:
        text = header_line + "".join(self.lines)
        if self.encoding == "utf-8-sig":
            return b"\xef\xbb\xbf" + text.encode("utf-8")
        return text.encode(self.encoding)


def read_communities(data_dir: Path) -> tuple[CsvText, str]:
    """communities.csv as CsvText and its header line; refuses what the tools cannot edit."""
    path = data_dir / COMMUNITIES
    if (data_dir / "communities.xlsx").exists():
        raise CityRepoError("社区名录是 communities.xlsx：请在 Excel 中直接加一行",
                            "the community list is communities.xlsx: add the row in Excel")
    if not path.is_file():
        raise CityRepoError(f"{data_dir} 中没有 communities.csv：这不是城市数据仓库？先运行 juwu init",
                            f"no communities.csv in {data_dir}: not a city data repository? Run juwu init first")
    try:
        text, encoding = decode(path.read_bytes())
    except TableRefused as exc:
        raise CityRepoError(f"communities.csv：{exc.zh}", f"communities.csv: {exc.en}") from None
    lines = text.splitlines(keepends=True)
    if not lines:
        raise CityRepoError("communities.csv 是空文件，至少要有表头", "communities.csv is empty; it needs its header")
    newline = "\r\n" if lines[0].endswith("\r\n") else "\n"
    if not lines[-1].endswith(("\n", "\r")):
        lines[-1] += newline
    header = next(csv.reader([lines[0]]))
    body = [line for line in lines[1:] if line.strip()]
    return CsvText(header, body, encoding, newline), lines[0]


def write_text(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8", newline="\n")


def write_new(path: Path, text: str) -> bool:
    """Write a template file unless the clerk already has one; True when written."""
    if path.exists():
        return False
    write_text(path, text)
    return True


def read_owners(data_dir: Path) -> list[Owner]:
    path = data_dir / OWNERS_FILE
    if not path.is_file():
        return []
    try:
        text, _ = decode(path.read_bytes())
    except TableRefused as exc:
        raise CityRepoError(f"owners.csv：{exc.zh}", f"owners.csv: {exc.en}") from None
    return parse_owners(text)


def community_codes(data_dir: Path) -> list[str]:
    """Codes listed in communities.csv and folders under communities/, for CODEOWNERS."""
    codes = set(read_communities(data_dir)[0].codes()) if (data_dir / COMMUNITIES).is_file() else set()
    root = data_dir / "communities"
    if root.is_dir():
        codes |= {p.name for p in root.iterdir() if p.is_dir() and CODE_RE.match(p.name)}
    return sorted(c for c in codes if CODE_RE.match(c))


def refresh_codeowners(data_dir: Path) -> Path:
    """Rewrite CODEOWNERS from owners.csv and the communities the repository has."""
    target = data_dir / CODEOWNERS_FILE
    write_text(target, codeowners_text(community_codes(data_dir), read_owners(data_dir)))
    return target


def refresh_catalogue(data_dir: Path) -> Path:
    """Rewrite datapackage.yaml from the CSV files present, keeping its name and title."""
    name, title = "juwu-city", None
    existing = data_dir / DESCRIPTOR_NAME
    if existing.is_file():
        try:
            old = yaml.safe_load(existing.read_text(encoding="utf-8"))
        except (yaml.YAMLError, UnicodeDecodeError):
            old = None
        if isinstance(old, dict):
            name = str(old.get("name") or name)
            title = str(old["title"]) if old.get("title") else None
    return write_datapackage(data_dir, name=name, title=title)


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """communities.csv is shared by every community: never leave it half written."""
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def csv_line(cells: list[str], newline: str) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator=newline).writerow(cells)
    return out.getvalue()
