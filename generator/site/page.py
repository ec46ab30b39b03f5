"""One generated page: where it goes, what it shows and with which template. A value type below
every module that makes pages (pages.py, history.py) and every one that writes them (render.py,
fill.py, search.py)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field


@dataclass
class Page:
    path: str  # directory URL, e.g. c/310101002001/
    title: str
    template: str
    context: dict = field(default_factory=dict)
    kind: str = "page"  # home | district | street | community | period | report | rollout | supervision
    crumbs: list[tuple[str, str]] = field(default_factory=list)  # (title, path) from home down
    changed: datetime.date | None = None  # when this page's data last changed
    version: str = ""  # the data version in the footer: its community's, or the city's
