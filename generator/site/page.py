"""One generated page: where it goes, what it shows and with which template. A value type below
every module that makes pages (pages.py, history.py) and every one that writes them (render.py,
fill.py, search.py)."""

from __future__ import annotations

import dataclasses
import datetime
from dataclasses import dataclass, field
from typing import Callable

Context = dict | Callable[[], dict]


@dataclass(slots=True)  # a city has ~120,000 of them, all alive through the build
class Page:
    path: str  # directory URL, e.g. c/310101002001/
    title: str
    template: str
    # What the template shows, or a function deriving it: a community's pages derive theirs only when
    # rendered, in the worker that renders them, so the build never holds every page's context at once.
    source: Context = field(default_factory=dict)
    kind: str = "page"  # home | district | street | community | period | report | rollout | supervision
    crumbs: list[tuple[str, str]] = field(default_factory=list)  # (title, path) from home down
    changed: datetime.date | None = None  # when this page's data last changed
    version: str = ""  # the data version in the footer: its community's, or the city's
    attachments: dict[str, bytes] | None = None  # files published beside it (a history page's old versions)

    @property
    def context(self) -> dict:
        """What the template shows (derived anew on each call when the page has a function: see resolved)."""
        return self.source() if callable(self.source) else self.source

    @context.setter
    def context(self, value: dict) -> None:
        self.source = value

    def resolved(self) -> "Page":
        """This page with its context derived once, for rendering it and its search document."""
        return self if not callable(self.source) else dataclasses.replace(self, source=self.source())
