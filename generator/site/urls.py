"""Stable URLs built from codes and periods (e.g. c/310101002001/finance/2024-05/)."""

from __future__ import annotations

import posixpath

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


def relative(from_path: str, to_path: str) -> str:
    """A link from one directory URL to another (or to a file), relative so the site can move."""
    target = "/" + to_path
    rel = posixpath.relpath(target, "/" + from_path if from_path else "/")
    if to_path.endswith("/") or to_path == "":
        rel = rel.rstrip("/") + "/"
    return "./" if rel in (".", "./") else rel

