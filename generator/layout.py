"""The data folder's layout, declared once: what `site/urls.py` is to the site, this is to `data/`.

A city's own files sit at the top; each community owns `communities/<code>/` (its 12-digit
statistical division code), so a path belongs to exactly one community or to the city.
"""

from __future__ import annotations

import re

COMMUNITIES = "communities"
CODE_RE = re.compile(r"^[0-9]{12}$")
CITY_FILES = ("city.yaml", "communities.csv", "communities.xlsx", "rollout.csv", "rollout.xlsx")
# A community's tables: file stem inside its folder → resource kind (its Table Schema).
COMMUNITY_TABLES = {
    "members": "members",
    "officials": "officials",
    "opinions": "opinions",
    "evaluations": "evaluations",
    "rectifications": "rectifications",
    "member_changes": "member_changes",
    "inspections": "inspections",
    "elections": "elections",
    "decisions": "decisions",
    "projects": "projects",
    "assets": "assets",
    "trainings": "trainings",
    "allowances": "allowances",
}


def community_folder(code: str) -> str:
    return f"{COMMUNITIES}/{code}"


def community_of(rel: str) -> str | None:
    """The community a data file belongs to (its folder's code), or None for the city's own files."""
    parts = rel.split("/", 2)
    if len(parts) >= 2 and parts[0] == COMMUNITIES and CODE_RE.match(parts[1]):
        return parts[1]
    return None
