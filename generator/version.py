"""The city's data version, shown in the footer of the city's own pages: derived from the data,
never the clock (a community's pages show their community's: site/pages.py)."""

from __future__ import annotations

import datetime
import subprocess
from pathlib import Path


def data_version(data_dir: Path, digest: str, as_of: datetime.date) -> str:
    """'a1b2c3d4 · 2024-12-31': a short content hash, and the data's last commit date when in git."""
    return f"{digest[:8]} · {_commit_date(data_dir) or as_of.isoformat()}"


def _commit_date(data_dir: Path) -> str | None:
    try:
        out = subprocess.run(["git", "log", "-1", "--format=%cs", "--", "."], cwd=data_dir,
                             capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return out.stdout.strip() or None if out.returncode == 0 else None

