"""Stable URLs built from codes and periods (e.g. c/310101002001/finance/2024-05/)."""

from __future__ import annotations

HOME = ""
ROLLOUT = "rollout/"


def district(code: str) -> str:
    return f"d/{code}/"


def street(code: str) -> str:
    return f"s/{code}/"


def community(code: str) -> str:
    return f"c/{code}/"


def period(code: str, key: str) -> str:
    return f"c/{code}/finance/{key}/"


def report(code: str, slug: str) -> str:
    return f"c/{code}/reports/{slug}/"


def record(code: str, kind: str) -> str:
    """A community's register of one record kind (inspections, elections, …: generator/site/records.py)."""
    return f"c/{code}/{kind}/"


def relative(from_path: str, to_path: str) -> str:
    """A link from one directory URL to another (or to a file), relative so the site can move.
    (String work only: called for every link of ~85,000 pages.)"""
    here = from_path.split("/")[:-1]
    *folders, name = to_path.split("/")
    common = 0
    for a, b in zip(here, folders):
        if a != b:
            break
        common += 1
    rest = folders[common:]
    rel = "../" * (len(here) - common) + "".join(f"{part}/" for part in rest) + name
    return rel or "./"
