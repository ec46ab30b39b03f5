"""Versions: Juwu's own release, and the city's data version shown in the footer of the city's
own pages (derived from the data, never the clock; a community's pages show their community's:
site/pages.py)."""

from __future__ import annotations

import datetime
import subprocess
from pathlib import Path

from generator import layout

# Juwu's release. pyproject.toml's `version` says the same (tests/test_release.py); the templates a
# city repository gets from `juwu init` fetch the matching git tag, v<ENGINE_VERSION>.
ENGINE_VERSION = "0.10.0"

# What the data's date is taken from: the files Juwu reads, not the repository's README, CI
# configuration or hand-written pages (changing those is not a change of the data).
DATA_PATHS = (*layout.CITY_FILES, layout.COMMUNITIES)


def engine_tag() -> str:
    """The git tag of this Juwu release, e.g. v0.2.0."""
    return f"v{ENGINE_VERSION}"


def data_version(data_dir: Path, digest: str, as_of: datetime.date) -> str:
    """'a1b2c3d4 · 2024-12-31': a short content hash, and the date of the last commit that changed
    the data files (when the data is in git), else the data's own "as of" date."""
    return f"{digest[:8]} · {_commit_date(data_dir) or as_of.isoformat()}"


def _commit_date(data_dir: Path) -> str | None:
    """The committer date of the last commit touching the data folder's own data files, or None."""
    try:
        out = subprocess.run(["git", "log", "-1", "--format=%cs", "--", *DATA_PATHS], cwd=data_dir,
                             capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return (out.stdout.strip() or None) if out.returncode == 0 else None
