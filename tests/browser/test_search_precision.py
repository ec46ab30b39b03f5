"""A phrase that runs from one cell of a record into the next is on no page: search does not list
the record's page as holding it (measured in Chromium on the built demo city, the way the search
page searches). Record documents keep their cells apart (templates/search/_cells.html)."""

from __future__ import annotations

import re

import pytest

from tests.browser import recall
from tests.browser.test_search import browser, server  # noqa: F401 - the fixtures
from tests.conftest import DATA, read_csv_rows

# A row's cells in the order the record's search document lists them (templates/search/record.html).
ROWS = {
    "inspections": ("kind", "group", "item", "problem"),
    "projects": ("project", "stage", "contractor", "check"),
    "decisions": ("matter", "decision", "opinion"),
    "assets": ("asset", "category", "location", "use"),
}
PHRASE = re.compile(r"^[\u3400-\u9fff]{4}$")


@pytest.fixture(scope="module")
def documents(built_site):
    from generator.config import BuildPaths

    return BuildPaths(data=DATA, site=built_site).cache / "search"


def spanning(district: str, pages: dict[str, str]) -> list[str]:
    """The end of one cell and the start of the next (监督 + 检查), where no page holds them together."""
    phrases = set()
    for folder in sorted((DATA / "communities").glob(f"{district}*")):
        for kind, fields in ROWS.items():
            if not (folder / f"{kind}.csv").exists():
                continue
            for row in read_csv_rows(folder / f"{kind}.csv"):
                cells = [row[f].strip() for f in fields if (row.get(f) or "").strip()]
                phrases.update(a[-2:] + b[:2] for a, b in zip(cells, cells[1:]))
    return sorted(p for p in phrases if PHRASE.match(p) and not any(p in text for text in pages.values()))


def test_a_phrase_spanning_two_cells_of_a_record_is_not_found_on_its_page(server, browser, documents):  # noqa: F811
    context = browser.new_context()
    tab = context.new_page()
    tab.goto(f"{server}/search/")
    tab.wait_for_function("() => window.JuwuSearch !== undefined")
    tried = 0
    for district in sorted(p.name for p in documents.iterdir() if p.is_dir() and p.name != "all"):
        pages = recall.bundle_pages(documents, district)
        phrases = spanning(district, pages)
        tried += len(phrases)
        measured, _ = recall.measure(tab, district, pages, phrases)
        assert not measured.wrong, (district, measured.wrong[:10])
    context.close()
    assert tried >= 20  # the demo city's records have them
