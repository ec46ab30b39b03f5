"""Page sizes stay bounded as the city grows: a city four times larger has no larger pages.

Stock MkDocs navigation lists every page on every page, so page size (and build time) grows with
the square of the city. Ours must not: the same community renders to the same size in a city of
20 and of 80 communities, and no home, district or street page lists the whole city. Not a timing
test (timings are in bench/, `make bench`).
"""

from __future__ import annotations

import shutil
import statistics
from pathlib import Path

import pytest

from generator.build import build
from generator.config import BuildPaths
from generator.demo import write_demo_city
from generator.gather import validate_city
from generator.site import rollout
from generator.site.render import environment, render_page
from tests.conftest import read_csv_rows

SIZES = (20, 80)
MAX_PAGE_BYTES = 100_000


@pytest.fixture(scope="module")
def cities(tmp_path_factory) -> dict[int, Path]:
    built = {}
    for n in SIZES:
        root = tmp_path_factory.mktemp(f"city{n}")
        write_demo_city(root / "data", n, seed=7)
        result = build(BuildPaths(data=root / "data", site=root / "site"))
        assert result.built, [p.en for p in result.problems.errors][:5]
        built[n] = root
    return built


def sizes(site: Path, pattern: str) -> list[int]:
    return [p.stat().st_size for p in site.glob(pattern)]


def test_no_page_is_over_100_kb(cities):
    for root in cities.values():
        largest = max((p.stat().st_size, p) for p in (root / "site").rglob("*.html"))
        assert largest[0] <= MAX_PAGE_BYTES, largest


def test_largest_page_does_not_grow_with_the_city(cities):
    small, large = (max(sizes(cities[n] / "site", "**/*.html")) for n in SIZES)
    assert large <= small * 1.25, (small, large)


@pytest.mark.parametrize("pattern", ["c/*/index.html", "c/*/finance/*/index.html", "c/*/reports/*/index.html"])
def test_a_community_s_pages_are_the_same_size_in_a_larger_city(cities, pattern):
    small, large = (statistics.median(sizes(cities[n] / "site", pattern)) for n in SIZES)
    # Four times the communities: pages differ only by names and numbers, not by a longer nav.
    assert large <= small * 1.10, (pattern, small, large)


def test_shells_do_not_list_communities(cities):
    root = cities[SIZES[-1]]
    codes = [r["code"] for r in read_csv_rows(root / "data" / "communities.csv")]
    # A disclosure links to its own community only (crumbs); nothing from the nav lists others.
    page = next((root / "site").glob("c/*/finance/*/index.html"))
    linked = {c for c in codes if f"c/{c}/" in page.read_text(encoding="utf-8")}
    assert len(linked) <= 1, linked


def test_home_district_and_street_pages_never_list_the_whole_city(cities):
    root = cities[SIZES[-1]]
    codes = [r["code"] for r in read_csv_rows(root / "data" / "communities.csv")]
    site = root / "site"
    for page in [site / "index.html", *site.glob("d/*/index.html"), *site.glob("s/*/index.html"),
                 site / "rollout" / "index.html", *site.glob("rollout/[ds]/*/index.html")]:
        html = page.read_text(encoding="utf-8")
        linked = sum(f"c/{c}/" in html for c in codes)
        assert linked < len(codes) / 2, (page, linked)


def test_search_page_list_of_the_city_directory_stays_small(cities):
    # What a phone downloads before its first city-wide result: the directory's page list.
    metas = [next((cities[n] / "site" / "pagefind" / "all").glob("*.pf_meta")).stat().st_size for n in SIZES]
    per_community = [m / n for m, n in zip(metas, SIZES)]
    assert per_community[1] <= per_community[0] * 1.25, metas


def test_schema_checks_in_forked_workers_match_one_process(cities, monkeypatch, tmp_path):
    """The parallel schema check finds the same problems, in the same order, and the same values."""
    from generator.load import load_city
    from generator.validate import schema

    data = tmp_path / "data"
    shutil.copytree(cities[SIZES[0]] / "data", data)
    ledger = sorted(data.glob("communities/*/finance/*.csv"))
    broken = ledger[len(ledger) // 3]
    text = broken.read_text(encoding="utf-8").splitlines()
    cells = text[1].split(",")
    cells[0] = "2024-13-45"  # an impossible date: a problem found in a worker
    text[1] = ",".join(cells)
    broken.write_text("\n".join(text) + "\n", encoding="utf-8")
    loaded, _ = load_city(data)
    monkeypatch.setattr(schema, "MIN_ROWS_TO_FORK", 0)
    monkeypatch.setattr(schema, "BATCH_ROWS", 500)  # several batches per kind, as in a big city
    one = schema.check_schemas(loaded, processes=1)
    two = schema.check_schemas(loaded, processes=2)
    assert [p.to_dict() for p in one[1]] == [p.to_dict() for p in two[1]]
    assert any(p.file.endswith(broken.name) for p in two[1])
    assert {f: [(r.index, r.values) for r in rows] for f, rows in one[0].items()} == \
           {f: [(r.index, r.values) for r in rows] for f, rows in two[0].items()}


# --- the rollout (推进情况) pages at several city sizes: rendered from the model, no build -------------

ROLLOUT_SIZES = (20, 80, 320)  # the demo gives each of these cities 2 districts (more streets, more communities)
BASE_BYTES = 10_000  # a rollout page's fragment with nothing listed (the shell around it is the same at any size)
ROW_BYTES = 1_200  # at most, per district, street or community a rollout page lists


@pytest.fixture(scope="module")
def rollout_pages(tmp_path_factory) -> dict[int, list[tuple[object, int, int]]]:
    """size → (page, fragment bytes, rows it lists) of every rollout page of a demo city of that size."""
    env = environment()
    found = {}
    for n in ROLLOUT_SIZES:
        data = tmp_path_factory.mktemp(f"rollout{n}") / "data"
        write_demo_city(data, n, seed=7)
        city = validate_city(data).city
        pages = []
        for page in rollout.rollout_pages(city, [], ""):
            context = page.context
            if page.path == rollout.HOME:
                rows = len(city.districts)
            elif "street" in context:
                rows = len(context["street"].communities)
            else:
                rows = len(context["district"].streets) + len(context["overdue"])
            pages.append((page, len(render_page(env, page).encode("utf-8")), rows))
        found[n] = (city, pages)
    return found


def test_the_rollout_page_does_not_grow_with_the_communities_of_the_city(rollout_pages):
    districts = {len(city.districts) for city, _ in rollout_pages.values()}
    assert districts == {2}, districts  # the same districts: only streets and communities grow
    small, *larger = (next(size for page, size, _ in pages if page.path == rollout.HOME)
                      for _, pages in rollout_pages.values())
    # Sixteen times the communities: only the numbers in it are longer.
    assert all(size <= small * 1.05 for size in larger), (small, larger)


def test_a_rollout_page_grows_only_with_what_it_lists(rollout_pages):
    for n, (_, pages) in rollout_pages.items():
        for page, size, rows in pages:
            assert size <= BASE_BYTES + ROW_BYTES * rows, (n, page.path, size, rows)


def test_no_rollout_page_lists_more_than_is_under_it(rollout_pages):
    city, pages = rollout_pages[ROLLOUT_SIZES[-1]]
    everyone = len(city.communities)
    for page, _, rows in pages:
        context = page.context
        if "street" in context:
            assert rows == len(context["street"].communities) < everyone / 2, page.path
        elif "district" in context:
            assert len(context["overdue"]) <= rollout.LIST_LIMIT, page.path
