"""Version stamps: which exact data a printed sheet or a page shows, derived from the data alone.

A stamp is a short hash of the sha256 of the source files behind a sheet, plus the data's date,
e.g. "3f9a1c07 · 2024-06-05". The notice-board sheet and the web page print the same stamp, so a
resident can tell whether the paper on the board is still current: if anything in those files
changes (an amended ledger), the stamp changes.
"""

from __future__ import annotations

import datetime
import hashlib

from generator.model import City, Community, Period, Report

SHORT = 8  # hex digits shown: enough to tell versions of one sheet apart, short enough to read aloud


def stamp(hashes: dict[str, str], files: list[str], date: datetime.date | None) -> str:
    """'3f9a1c07 · 2024-06-05' from the named files' sha256 (file names are part of the hash)."""
    h = hashlib.sha256()
    for rel in sorted(set(files)):
        h.update(f"{rel}\0{hashes.get(rel, '')}\n".encode())
    return f"{h.hexdigest()[:SHORT]} · {date.isoformat() if date else '—'}"


def period_stamp(city: City, period: Period) -> str:
    """A period's ledger CSV and its YAML header, dated by publication (or review)."""
    files = [f for f in (period.header_file, period.lines_file) if f]
    return stamp(city.source_hashes, files, period.published_on or period.reviewed_on)


def community_stamp(city: City, community: Community) -> str:
    """The roster: the committee file and the members list."""
    prefix = f"communities/{community.code}/"
    files = [f for f in _sources(city.source_hashes)[0].get(community.code, ())
             if f[len(prefix):].split(".")[0] in ("committee", "members")]
    dated = community.committee.elected_on if community.committee else None
    return stamp(city.source_hashes, files, dated)


def report_stamp(city: City, report: Report) -> str:
    return stamp(city.source_hashes, [report.file], report.date)


def rollout_stamp(city: City) -> str:
    """A rollout summary: the city's communities and their rollout records, as of the city's date."""
    files = _sources(city.source_hashes)[1]
    return stamp(city.source_hashes, files, city.as_of)


_indexed: tuple | None = None  # (hashes, their count, files by community, the city's rollout files)


def _sources(hashes: dict[str, str]) -> tuple[dict[str, list[str]], list[str]]:
    """The source files grouped by community, and the city's communities/rollout files: worked out
    once per set of sources, not once per stamp (a city of 5,000 communities has ~100,000 files and
    a sheet for each community, so scanning them all for every stamp took minutes)."""
    global _indexed
    entry = _indexed  # read once: the upload service prints from several threads, each its own city
    if entry is None or entry[0] is not hashes or entry[1] != len(hashes):
        by_community: dict[str, list[str]] = {}
        city_files = []
        for rel in hashes:
            parts = rel.split("/", 2)
            if len(parts) == 3 and parts[0] == "communities":
                by_community.setdefault(parts[1], []).append(rel)
            if rel.split(".")[0] in ("communities", "rollout"):
                city_files.append(rel)
        entry = _indexed = (hashes, len(hashes), by_community, city_files)
    return entry[2], entry[3]
