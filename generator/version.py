"""Data versions shown in every page's footer: derived from the data, never the clock.

A page of a community shows its community's version (the files in its folder); the city's pages
show the city's. So a change to one community leaves every other community's pages as they were,
which is what lets a republish rewrite only the pages that changed (generator/build.py).
"""

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


def community_versions(city) -> dict[str, str]:
    """code → 'a1b2c3d4 · 2024-12-31': a hash of the files in the community's folder, dated by
    the last change its pages show."""
    from generator.site.facts import community_changed
    from generator.stamp import stamp

    by_code: dict[str, list[str]] = {}
    for rel in city.source_hashes:
        parts = rel.split("/", 2)
        if len(parts) == 3 and parts[0] == "communities":
            by_code.setdefault(parts[1], []).append(rel)
    return {c.code: stamp(city.source_hashes, by_code.get(c.code, []), community_changed(c))
            for c in city.communities}
