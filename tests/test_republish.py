"""Republishing: after a change to some community folders, `juwu build` checks and renders only
those communities, and the site it publishes is byte for byte the site a full build makes."""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import pytest

from generator import build as build_module
from generator.build import build
from generator.config import BuildPaths
from generator.manifest import excluded
from tests.conftest import DATA


def tree(root: Path) -> dict[str, str]:
    """The published files but the manifest chain (a republish's chain is one link longer)."""
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file() and not excluded(p.relative_to(root).as_posix())}


def full_site(data: Path, tmp_path: Path, name: str) -> Path:
    site = tmp_path / name / "site"
    result = build(BuildPaths.for_data(data, site), full=True)
    assert result.built and result.republished is None
    return site


def with_ledger(data: Path) -> tuple[str, Path]:
    code = next(p.name for p in sorted((data / "communities").iterdir()) if (p / "finance").is_dir())
    return code, sorted((data / "communities" / code / "finance").glob("*.csv"))[0]


def edit_summary(ledger: Path, new: str) -> None:
    lines = ledger.read_text(encoding="utf-8").splitlines(keepends=True)
    header = lines[0].rstrip("\r\n").split(",")
    cells = lines[1].rstrip("\r\n").split(",")
    cells[header.index("summary")] = new
    lines[1] = ",".join(cells) + "\n"
    ledger.write_text("".join(lines), encoding="utf-8")


@pytest.fixture
def published(data_copy, tmp_path):
    """A copy of the demo data and its site, published by a full build."""
    site = tmp_path / "live" / "site"
    assert build(BuildPaths.for_data(data_copy, site)).built
    return data_copy, site


def test_a_changed_ledger_republishes_one_community_and_matches_a_full_build(published, tmp_path):
    data, site = published
    code, ledger = with_ledger(data)
    edit_summary(ledger, "电梯维修保养费（更正）")
    result = build(BuildPaths.for_data(data, site))
    assert result.built
    assert result.republished == {code}
    assert "电梯维修保养费（更正）" in (site / "c" / code / "finance" / ledger.stem / "index.html").read_text(encoding="utf-8")
    assert tree(site) == tree(full_site(data, tmp_path, "full"))


def test_the_new_words_are_found_by_search_after_a_republish(published):
    data, site = published
    code, ledger = with_ledger(data)
    edit_summary(ledger, "防汛沙袋采购")
    assert build(BuildPaths.for_data(data, site)).republished == {code}
    from tests.test_search_index import index_words

    words = index_words(site / "pagefind" / code[:6])
    assert {"防汛", "沙袋"} <= words


def test_removed_and_added_files_republish_like_a_full_build(published, tmp_path):
    data, site = published
    code, ledger = with_ledger(data)
    reports = sorted((data / "communities" / code / "reports").glob("*.md"))
    assert reports, "the demo community has reports"
    reports[0].unlink()
    other = next(p.name for p in sorted((data / "communities").iterdir())
                 if p.name != code and (p / "finance").is_dir())
    edit_summary(with_ledger_of(data, other), "楼道照明改造")
    result = build(BuildPaths.for_data(data, site))
    assert result.republished == {code, other}
    assert not (site / "c" / code / "reports" / reports[0].stem).exists()
    assert tree(site) == tree(full_site(data, tmp_path, "full"))


def with_ledger_of(data: Path, code: str) -> Path:
    return sorted((data / "communities" / code / "finance").glob("*.csv"))[0]


def test_nothing_changed_republishes_nothing_and_keeps_the_site(published):
    data, site = published
    before = tree(site)
    result = build(BuildPaths.for_data(data, site))
    assert result.built and result.republished == frozenset()
    assert tree(site) == before


def test_a_change_to_the_city_files_is_a_full_build(published, tmp_path):
    data, site = published
    rollout = data / "rollout.csv"
    rollout.write_text(rollout.read_text(encoding="utf-8"), encoding="utf-8")  # same bytes: no change
    assert build(BuildPaths.for_data(data, site)).republished == frozenset()
    city = data / "city.yaml"
    city.write_text(city.read_text(encoding="utf-8") + "\n# a comment\n", encoding="utf-8")
    result = build(BuildPaths.for_data(data, site))
    assert result.built and result.republished is None
    assert tree(site) == tree(full_site(data, tmp_path, "full"))


def test_a_change_to_the_engine_is_a_full_build(published, monkeypatch):
    data, site = published
    monkeypatch.setattr(build_module, "_engine", lambda paths: "another version of Juwu")
    result = build(BuildPaths.for_data(data, site))
    assert result.built and result.republished is None


def test_a_republish_with_errors_holds_the_community_back_and_the_next_one_works(published, tmp_path):
    data, site = published
    before = tree(site)
    code, ledger = with_ledger(data)
    text = ledger.read_text(encoding="utf-8")
    ledger.write_text(text.replace(",", ",,", 1), encoding="utf-8")  # a row with a cell too many
    result = build(BuildPaths.for_data(data, site))
    assert result.built and set(result.held) == {code} and result.problems.errors
    assert all(p.file.startswith(f"communities/{code}/") for p in result.problems.errors)
    after = tree(site)
    assert after.keys() == before.keys()
    changed = {rel for rel in before if after[rel] != before[rel]}
    # Only the held community's pages changed (they carry the notice); its data and the city did not.
    assert changed and all(rel.startswith(f"c/{code}/") and rel.endswith(".html") for rel in changed)
    edit_summary_text = text  # put it back, then change it properly
    ledger.write_text(edit_summary_text, encoding="utf-8")
    edit_summary(ledger, "更换门禁读卡器")
    assert build(BuildPaths.for_data(data, site)).republished == {code}
    assert tree(site) == tree(full_site(data, tmp_path, "full"))


def test_a_republish_that_fails_late_leaves_the_site_and_the_next_build_is_full(published, monkeypatch, tmp_path):
    data, site = published
    before = tree(site)
    code, ledger = with_ledger(data)
    edit_summary(ledger, "社区食堂厨具")

    def broken(*args, **kwargs):
        raise RuntimeError("Pagefind killed")

    monkeypatch.setattr(build_module.search, "index_site", broken)
    with pytest.raises(RuntimeError):
        build(BuildPaths.for_data(data, site))
    assert tree(site) == before  # nothing went live
    monkeypatch.undo()
    result = build(BuildPaths.for_data(data, site))
    assert result.built and result.republished is None  # the cache was not trusted
    assert tree(site) == tree(full_site(data, tmp_path, "full"))


def test_a_lost_cache_is_a_full_build(published):
    data, site = published
    shutil.rmtree(BuildPaths.for_data(data, site).cache)
    result = build(BuildPaths.for_data(data, site))
    assert result.built and result.republished is None


def test_each_community_page_shows_its_own_data_version(published):
    data, site = published
    code, ledger = with_ledger(data)
    other = next(p.name for p in sorted((data / "communities").iterdir()) if p.name != code)
    page = site / "c" / other / "index.html"
    home = (site / "index.html").read_text(encoding="utf-8")
    before = page.read_bytes()
    edit_summary(ledger, "绿化补种")
    assert build(BuildPaths.for_data(data, site)).republished == {code}
    assert page.read_bytes() == before  # another community's page, footer included, is unchanged
    assert (site / "index.html").read_text(encoding="utf-8") != home  # the city's version moved on


def test_a_republish_killed_while_going_live_is_finished_by_the_next_build(published, monkeypatch, tmp_path):
    from generator.site import write

    data, site = published
    code, ledger = with_ledger(data)
    edit_summary(ledger, "健身器材维修")
    def killed_half_way(stage, target, files, removed):
        for rel in files[: len(files) // 2]:  # half the files moved, then killed
            (target / rel).parent.mkdir(parents=True, exist_ok=True)
            os.replace(stage / rel, target / rel)
        raise KeyboardInterrupt

    monkeypatch.setattr(write, "_apply", killed_half_way)
    with pytest.raises(KeyboardInterrupt):
        build(BuildPaths.for_data(data, site))
    monkeypatch.undo()
    journal = BuildPaths.for_data(data, site).cache / "publishing.json"
    assert journal.is_file()
    write.finish_publishing(journal)  # what the next build does first
    assert not journal.exists()
    expected = tree(full_site(data, tmp_path, "full"))
    assert tree(site) == expected
    assert build(BuildPaths.for_data(data, site)).built
    assert tree(site) == expected


def test_a_republish_counts_the_whole_city_s_warnings_and_findings(published, tmp_path):
    data, site = published
    code, ledger = with_ledger(data)
    edit_summary(ledger, "消防器材年检")
    republished = build(BuildPaths.for_data(data, site))
    full = build(BuildPaths.for_data(data, tmp_path / "full" / "site"), full=True)
    assert republished.republished == {code}
    assert full.findings > 0 and republished.findings == full.findings
    assert republished.warnings == full.warnings


def test_a_second_build_of_the_same_site_waits_for_the_first(published):
    import fcntl
    import threading

    data, site = published
    paths = BuildPaths.for_data(data, site)
    done = []
    with open(paths.cache / "lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)  # a build in progress
        thread = threading.Thread(target=lambda: done.append(build(paths)))
        thread.start()
        thread.join(timeout=1.0)
        assert thread.is_alive() and not done  # waiting, not racing it for the cache
        fcntl.flock(handle, fcntl.LOCK_UN)
    thread.join(timeout=120)
    assert done and done[0].built


def test_a_new_month_republishes_one_community_and_matches_a_full_build(published, tmp_path):
    # The bench's "republish_new_month" adds the month the same way (bench/run.py).
    from bench.run import add_month

    data, site = published
    code, ledger = with_ledger(data)
    written = add_month(ledger.parent)
    result = build(BuildPaths.for_data(data, site))
    assert result.built
    assert result.republished == {code}
    assert (site / "c" / code / "finance" / written[0].stem / "index.html").is_file()
    assert tree(site) == tree(full_site(data, tmp_path, "full"))


def test_a_new_month_that_moves_the_city_s_as_of_is_a_full_build(published, tmp_path):
    # Every community's pages are computed against the city's as_of (overdue rectifications,
    # projects' status): a record dated after it moves it, and only a full build is then right.
    from bench.run import add_month

    data, site = published
    code, ledger = with_ledger(data)
    header = add_month(ledger.parent)[1]
    text = header.read_text(encoding="utf-8")
    header.write_text(text.replace('published_on: "', 'published_on: "2025-02-07" #'), encoding="utf-8")
    result = build(BuildPaths.for_data(data, site))
    assert result.built
    assert result.republished is None
    assert tree(site) == tree(full_site(data, tmp_path, "full"))


def test_a_republish_indexes_its_bundles_before_rendering_the_city_s_pages(published, monkeypatch):
    """Only the republished communities' search documents can change, so their bundles are
    indexed while the city's pages are rendered (Pagefind on a district's bundle is the longest
    step of a republish)."""
    from generator.site import fill

    data, site = published
    code, ledger = with_ledger(data)
    edit_summary(ledger, "楼道照明维修")
    calls = []
    real_fill, real_index = fill.fill_pages, build_module._index
    monkeypatch.setattr(fill, "fill_pages", lambda stage, shells, docs, keep, pages, **kw: calls.append(
        ("fill", {p.path.split("/")[0] + ("/" + p.path.split("/")[1] if p.path.startswith("c/") else "")
                  for p in pages})) or real_fill(stage, shells, docs, keep, pages, **kw))
    monkeypatch.setattr(build_module, "_index", lambda *a, **kw: calls.append(("index", None)) or real_index(*a, **kw))
    assert build(BuildPaths.for_data(data, site)).republished == {code}
    assert [kind for kind, _ in calls] == ["fill", "index", "fill"]
    assert calls[0][1] == {f"c/{code}"} and f"c/{code}" not in calls[2][1] and "d" in calls[2][1]
    from tests.test_search_index import index_words

    assert {"楼道", "照明"} <= index_words(site / "pagefind" / code[:6])


def test_a_city_page_s_search_document_changed_after_all_is_indexed_again(published, monkeypatch, tmp_path):
    """Should a city page's search document change in a republish after all, the early indexing
    is not used: every bundle to index is indexed again once all documents are written, and the
    site is still the one a full build makes."""
    from generator.site import search

    data, site = published
    code, ledger = with_ledger(data)
    edit_summary(ledger, "电梯维修保养费（更正）")
    real = search.document

    def with_marker(env, page):  # the city's pages a republish renders: the home page, its district's
        found = real(env, page)
        ours = page.kind == "home" or page.kind in ("district", "street") and page.path[2:8] == code[:6]
        return found.replace("</body>", "<p>标记词语</p></body>") if found is not None and ours else found

    monkeypatch.setattr(search, "document", with_marker)
    indexed = []
    real_index = build_module._index
    monkeypatch.setattr(build_module, "_index", lambda *a, **kw: indexed.append(1) or real_index(*a, **kw))
    assert build(BuildPaths.for_data(data, site)).republished == {code}
    assert len(indexed) == 2
    assert tree(site) == tree(full_site(data, tmp_path, "full"))


@pytest.mark.parametrize("change, tables", [("ledger line", set()), ("member's duties", {"members"})])
def test_a_republish_writes_only_the_city_tables_its_communities_changed(change, tables, published, tmp_path,
                                                                         monkeypatch):
    """The city-wide tables (~150 MB at 5,000 communities) are written again only where a
    republished community's rows differ from those published: a corrected ledger line (the
    ledger is not a city table) changes none, a member's duties the members table only."""
    import csv
    import io

    data, site = published
    code, ledger = with_ledger(data)
    if change == "ledger line":
        edit_summary(ledger, "电梯维修保养费（更正）")
    else:
        members = data / "communities" / code / "members.csv"
        rows = list(csv.reader(io.StringIO(members.read_text(encoding="utf-8-sig"))))
        rows[1][rows[0].index("duties")] = "负责财务监督和公开栏核对"
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerows(rows)
        members.write_text(out.getvalue(), encoding="utf-8")
    written = []
    real = build_module.write_city_tables
    monkeypatch.setattr(build_module, "write_city_tables",
                        lambda stage, city, rows_of, only=None: written.append(only) or real(stage, city, rows_of, only))
    assert build(BuildPaths.for_data(data, site)).republished == {code}
    assert written == ([tables] if tables else [])
    assert tree(site) == tree(full_site(data, tmp_path, "full"))


def _rendered_paths(monkeypatch) -> list[str]:
    from generator.site import fill

    rendered: list[str] = []
    real_fill = fill.fill_pages
    monkeypatch.setattr(fill, "fill_pages", lambda stage, shells, docs, keep, pages, **kw: rendered.extend(
        p.path for p in pages) or real_fill(stage, shells, docs, keep, pages, **kw))
    return rendered


def _other_districts_pages(site: Path, district: str) -> list[str]:
    """The published pages of the other districts: theirs and their streets', rollout and 督办."""
    found = []
    for top in ("d", "s", "rollout/d", "rollout/s", "supervision/d"):
        for page in sorted((site / top).glob("*/**/index.html")):
            rel = page.relative_to(site).parent.as_posix() + "/"
            if not rel.removeprefix("rollout/").removeprefix("supervision/")[2:].startswith(district):
                found.append(rel)
    return found


def test_the_pages_of_districts_a_republish_does_not_change_are_restamped_not_rendered(published, tmp_path,
                                                                                       monkeypatch):
    """A corrected ledger line changes nothing on the pages of another district but the city's
    data version in their footer: they are the published pages with the new version, not rendered
    again, and the site is still the one a full build makes."""
    data, site = published
    code, ledger = with_ledger(data)
    others = _other_districts_pages(site, code[:6])
    assert len(others) >= 5 and any(p.startswith("supervision/") for p in others)
    old = {p: (site / p / "index.html").read_bytes() for p in others}
    kept = _other_districts_files(site, code[:6])
    assert any(rel.endswith("feed.xml") for rel in kept) and any(rel.startswith("rollout/") for rel in kept)
    edit_summary(ledger, "电梯维修保养费（更正）")
    rendered = _rendered_paths(monkeypatch)
    staged = []
    real_write = build_module.write.write_file
    monkeypatch.setattr(build_module.write, "write_file", lambda stage, rel, data: staged.append(rel) or real_write(
        stage, rel, data))
    result = build(BuildPaths.for_data(data, site))
    assert result.republished == {code}
    assert not set(others) & set(rendered)
    assert f"d/{code[:6]}/" in rendered and "" in rendered  # its own district's pages and the city's are rendered
    new_version = result.version.encode()
    for path in others:
        page = (site / path / "index.html").read_bytes()
        assert page != old[path] and new_version in page
    # Their lists' CSVs and findings feed hold no version: the site keeps them, not made again.
    assert {rel: (site / rel).stat().st_ino for rel in kept} == kept
    assert not set(kept) & set(staged)
    assert any(rel.startswith(f"supervision/d/{code[:6]}/") for rel in staged)  # its own district's are
    assert tree(site) == tree(full_site(data, tmp_path, "full"))


def _other_districts_files(site: Path, district: str) -> dict[str, int]:
    """The other districts' rollout and 督办 CSVs and feeds → inode (the same inode: not rewritten)."""
    return {p.relative_to(site).as_posix(): p.stat().st_ino
            for top in ("rollout/d", "rollout/s", "supervision/d") for p in sorted((site / top).rglob("*"))
            if p.suffix in (".csv", ".xml") and not p.relative_to(site / top).as_posix().startswith(district)}


def test_a_page_to_restamp_that_is_not_as_published_is_rendered_again(published, tmp_path, monkeypatch):
    """A page gone from the site, or whose footer does not hold the published version where its
    shell puts it, is rendered rather than copied."""
    data, site = published
    code, ledger = with_ledger(data)
    gone, altered = _other_districts_pages(site, code[:6])[:2]
    (site / gone / "index.html").unlink()
    lost = sorted(_other_districts_files(site, code[:6]))[0]  # a list's CSV gone too: written again
    (site / lost).unlink()
    page = site / altered / "index.html"
    page.write_bytes(page.read_bytes().replace(build_module.BuildCache(
        BuildPaths.for_data(data, site).cache).state().version.encode(), b"something else"))
    edit_summary(ledger, "电梯维修保养费（更正）")
    rendered = _rendered_paths(monkeypatch)
    assert build(BuildPaths.for_data(data, site)).republished == {code}
    assert {gone, altered} <= set(rendered)
    assert tree(site) == tree(full_site(data, tmp_path, "full"))


def test_a_cache_without_the_published_version_renders_every_city_page(published, tmp_path, monkeypatch):
    """A build cache written before the version was kept (or without it) restamps nothing."""
    import dataclasses
    import pickle

    data, site = published
    cache = BuildPaths.for_data(data, site).cache
    state = build_module.BuildCache(cache).state()
    (cache / "state.pickle").write_bytes(pickle.dumps(dataclasses.replace(state, version="")))
    code, ledger = with_ledger(data)
    others = _other_districts_pages(site, code[:6])
    edit_summary(ledger, "电梯维修保养费（更正）")
    rendered = _rendered_paths(monkeypatch)
    assert build(BuildPaths.for_data(data, site)).republished == {code}
    assert set(others) <= set(rendered)
    assert tree(site) == tree(full_site(data, tmp_path, "full"))


def _collector_states(monkeypatch) -> list[bool]:
    """Whether the cycle collector was on each time pages were rendered."""
    import gc

    from generator.site import fill

    states: list[bool] = []
    real_fill = fill.fill_pages

    def recording(*a, **kw):
        assert gc.get_freeze_count() > 0  # the model, kept to the end: not walked by full collections
        states.append(gc.isenabled())
        return real_fill(*a, **kw)

    monkeypatch.setattr(fill, "fill_pages", recording)
    return states


def test_a_republish_runs_without_the_cycle_collector_and_turns_it_back_on(published, monkeypatch):
    """A republish holds the published build's summaries (millions of objects at 5,000
    communities), which every full collection walked again; it makes little garbage. The collector
    is off while it runs and on again after it, as it was (juwu serve builds again)."""
    import gc

    data, site = published
    code, ledger = with_ledger(data)
    edit_summary(ledger, "电梯维修保养费（更正）")
    states = _collector_states(monkeypatch)
    assert gc.isenabled()
    assert build(BuildPaths.for_data(data, site)).republished == {code}
    assert states and not any(states)
    assert gc.isenabled()
    states.clear()
    assert build(BuildPaths.for_data(data, site), full=True).republished is None  # a full build: on
    assert states and all(states)
    assert gc.get_freeze_count() == 0  # what the build kept is the collector's again


def test_a_republish_that_must_be_a_full_build_collects_as_a_full_build(published, monkeypatch):
    import gc

    from generator.scope import Scope

    data, site = published
    code, ledger = with_ledger(data)
    edit_summary(ledger, "电梯维修保养费（更正）")
    monkeypatch.setattr(Scope, "as_of_moved", lambda self, city, published: True)  # the republish gives up
    states = _collector_states(monkeypatch)
    assert build(BuildPaths.for_data(data, site)).republished is None
    assert states and all(states)
    assert gc.isenabled()


def test_a_collector_turned_off_by_the_caller_stays_off_after_a_build(published):
    import gc

    data, site = published
    code, ledger = with_ledger(data)
    edit_summary(ledger, "电梯维修保养费（更正）")
    gc.disable()
    try:
        assert build(BuildPaths.for_data(data, site)).republished == {code}
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_the_benchs_correction_never_grows_a_summary_past_its_limit(tmp_path):
    """`make bench` corrects a line of the same city at every run: corrected, then taken back, so a
    city benched fifty times does not hold its community back for a summary over 200 characters
    (which would time a republish that renders nothing)."""
    from bench.run import correct_summary

    ledger = tmp_path / "2024-12.csv"
    original = "date,voucher,category,summary,income\n2024-12-02,记-1,服务经费拨款,街道追加拨付社区服务经费,25000.00\n"
    ledger.write_text(original, encoding="utf-8")
    seen = set()
    for _ in range(60):
        correct_summary(ledger)
        seen.add(ledger.read_text(encoding="utf-8"))
    assert original in seen and len(seen) == 2
    assert "街道追加拨付社区服务经费（更正）" in "".join(seen)


def _bundle_files(site: Path, name: str) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted((site / "pagefind" / name).rglob("*"))
            if p.is_file()}


def test_a_republish_stages_only_the_search_bundle_files_that_changed(published, tmp_path, monkeypatch):
    """Pagefind writes every file of a bundle again (~2,700 for 2,200 pages); a republish has it
    write in memory and stages only the files the live bundle does not hold byte for byte. The
    others stay as they are, and the site is still the one a full build makes."""
    from generator.site import search, write

    # A folder of its own for "memory": the test does not depend on this machine's /dev/shm.
    (tmp_path / "memory").mkdir()
    monkeypatch.setattr(search, "MEMORY", tmp_path / "memory")
    monkeypatch.setattr(search, "MEMORY_NEEDED", 1)
    data, site = published
    code, ledger = with_ledger(data)
    edit_summary(ledger, "电梯维修保养费（更正）")
    bundle = code[:6]
    before = _bundle_files(site, bundle)
    staged: list[str] = []
    real_publish = write.publish_changes
    monkeypatch.setattr(write, "publish_changes", lambda stage, *a: staged.extend(write._stage_files(stage))
                        or real_publish(stage, *a))
    outputs: list[str] = []
    real_popen = search.subprocess.Popen
    monkeypatch.setattr(search.subprocess, "Popen", lambda command, **kw: "--output-path" in command and outputs.append(
        command[command.index("--output-path") + 1]) or real_popen(command, **kw))
    result = build(BuildPaths.for_data(data, site))
    assert result.republished == {code}
    assert outputs and all(Path(out).is_relative_to(search.MEMORY) for out in outputs)
    after = _bundle_files(site, bundle)
    mine = {rel for rel in staged if rel.startswith(f"pagefind/{bundle}/")}
    assert mine and len(mine) < len(after) / 2  # the meta, the chunks and fragments that changed: not the rest
    assert all(before.get(rel) != after[rel] for rel in mine)
    assert set(result.search.kept) == {rel for rel in after if rel not in mine}
    assert all(before[rel] == after[rel] for rel in result.search.kept)
    assert not set(result.search.kept) & set(result.touched)  # the manifest hashes only what changed
    assert not list(search.MEMORY.glob(f"{search.SCRATCH}{os.getpid()}-*"))  # memory given back
    assert tree(site) == tree(full_site(data, tmp_path, "full"))


def test_a_republish_without_memory_to_index_in_writes_its_bundles_to_the_stage(published, tmp_path, monkeypatch):
    from generator.site import search

    monkeypatch.setattr(search, "MEMORY", tmp_path / "no-tmpfs")
    data, site = published
    code, ledger = with_ledger(data)
    edit_summary(ledger, "电梯维修保养费（更正）")
    result = build(BuildPaths.for_data(data, site))
    assert result.republished == {code} and result.search.kept == []
    assert tree(site) == tree(full_site(data, tmp_path, "full"))


def test_memory_left_by_a_killed_build_is_given_back(tmp_path, monkeypatch):
    import subprocess
    import sys

    from generator.site import search

    monkeypatch.setattr(search, "MEMORY", tmp_path)
    ended = subprocess.Popen([sys.executable, "-c", "pass"])
    ended.wait()
    dead = tmp_path / f"{search.SCRATCH}{ended.pid}-x1"
    alive = tmp_path / f"{search.SCRATCH}{os.getppid()}-x2"  # another build still running
    other = tmp_path / "someone-else"
    for folder in (dead, alive, other):
        (folder / "pagefind-entry.json").parent.mkdir()
        (folder / "pagefind-entry.json").write_text("{}")
    made = search._scratch()
    assert made is not None and made.is_dir() and made.name.startswith(f"{search.SCRATCH}{os.getpid()}-")
    assert not dead.exists() and alive.is_dir() and other.is_dir()


def test_too_little_memory_to_index_in_writes_the_bundles_to_the_stage(tmp_path, monkeypatch):
    """Docker gives a container 64 MB of /dev/shm: less than a few bundles need."""
    import os

    from generator.site import search

    monkeypatch.setattr(search, "MEMORY", tmp_path)
    free = os.statvfs(tmp_path)
    monkeypatch.setattr(search, "MEMORY_NEEDED", free.f_bavail * free.f_frsize + (1 << 30))
    assert search._scratch() is None
    monkeypatch.setattr(search, "MEMORY_NEEDED", 1)
    assert search._scratch() is not None
