"""The manifest a build publishes: what it lists, the chain it extends, determinism, and the
refusal to build on a chain that was rewritten unless the operator says why."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator import keys, manifest
from generator.build import build
from generator.buildcache import BuildCache
from generator.config import BuildPaths
from generator.problems import JuwuError
from tests.conftest import DATA


def juwu(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "generator", *args], capture_output=True, text=True, timeout=600)


def body(site: Path) -> dict:
    return json.loads((site / manifest.CURRENT).read_text(encoding="utf-8"))


@pytest.fixture
def published(tmp_path) -> Path:
    site = tmp_path / "live" / "site"
    assert build(BuildPaths.for_data(DATA, site)).built
    return site


def test_the_manifest_lists_every_data_file_and_every_published_file(published):
    listed = body(published)
    state = BuildCache(BuildPaths.for_data(DATA, published).cache).state()
    assert listed["data"] == state.hashes and "communities.csv" in listed["data"]
    on_disk = {p.relative_to(published).as_posix() for p in published.rglob("*") if p.is_file()}
    assert set(listed["site"]) == {rel for rel in on_disk if not manifest.excluded(rel)}
    assert {"index.html", "pubkey.txt", "sitemap.xml", "feed.xml", "downloads/communities.csv"} <= set(listed["site"])
    assert listed["site"]["index.html"] == manifest.sha256((published / "index.html").read_bytes())
    assert listed["n"] == 1 and listed["previous"] is None and listed["rewritten"] == []
    commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=DATA, capture_output=True, text=True).stdout.strip()
    assert listed["data_commit"] == (commit or None)
    assert listed["date"] == listed["data_version"].split(" · ")[1]  # the data's date, never the clock


def test_each_build_extends_the_chain_and_keeps_every_link(published):
    first = (published / manifest.CURRENT).read_bytes()
    assert build(BuildPaths.for_data(DATA, published)).built  # a republish (nothing changed)
    assert build(BuildPaths.for_data(DATA, published), full=True).built  # a full build replaces the tree
    third = body(published)
    links = sorted(p.name for p in (published / manifest.FOLDER).glob("*.json"))
    assert [name.split("-")[0] for name in links] == ["1", "2", "3"]
    assert links[0] == manifest.link_name(1, manifest.sha256(first))
    second = (published / manifest.FOLDER / links[1]).read_bytes()
    assert json.loads(second)["previous"] == manifest.sha256(first)
    assert third["n"] == 3 and third["previous"] == manifest.sha256(second)
    assert manifest.verify_site(published, None) == []


def test_identical_builds_give_identical_manifests_but_the_chain_pointer(published, tmp_path):
    assert build(BuildPaths.for_data(DATA, published), full=True).built
    other = tmp_path / "other" / "site"
    assert build(BuildPaths.for_data(DATA, other)).built
    a, b = body(published), body(other)
    assert (a["n"], b["n"]) == (2, 1) and a["previous"] and b["previous"] is None
    for key in ("n", "previous"):
        a.pop(key), b.pop(key)
    assert a == b


def test_a_build_on_a_rewritten_chain_is_refused(published):
    """Someone replaces the published history with their own: the build refuses and writes nothing."""
    forged = body(published) | {"data_version": "00000000 · 2020-01-01"}
    data = (json.dumps(forged, ensure_ascii=False, sort_keys=True, indent=1) + "\n").encode()
    shutil.rmtree(published / manifest.FOLDER)
    (published / manifest.FOLDER).mkdir()
    (published / manifest.FOLDER / manifest.link_name(1, manifest.sha256(data))).write_bytes(data)
    (published / manifest.CURRENT).write_bytes(data)
    before = {p: p.read_bytes() for p in published.rglob("*") if p.is_file()}
    with pytest.raises(JuwuError) as refused:
        build(BuildPaths.for_data(DATA, published), full=True)
    assert "--rewrite-history" in refused.value.zh and "--rewrite-history" in refused.value.en
    assert {p: p.read_bytes() for p in published.rglob("*") if p.is_file()} == before


def _forge(site: Path) -> None:
    forged = body(site) | {"data_version": "00000000 · 2020-01-01"}
    data = (json.dumps(forged, ensure_ascii=False, sort_keys=True, indent=1) + "\n").encode()
    (site / manifest.CURRENT).write_bytes(data)


def test_the_chain_is_checked_beside_the_data_and_its_refusal_comes_first(data_copy, tmp_path, monkeypatch):
    """The chain is read while the data is scanned and checked (~0.5 s at 5,000 communities), but
    nothing is written before it has passed: a forged chain is the error reported, even when the
    city's own files are also wrong, and the site and cache are as they were."""
    import threading

    from generator import build as build_module

    site = tmp_path / "live" / "site"
    assert build(BuildPaths.for_data(data_copy, site)).built
    threads = []
    real = manifest.check_chain
    monkeypatch.setattr(manifest, "check_chain", lambda *a: threads.append(threading.current_thread())
                        or real(*a))
    assert build(BuildPaths.for_data(data_copy, site)).built
    assert threads and threads[-1] is not threading.main_thread()

    _forge(site)
    paths = BuildPaths.for_data(data_copy, site)
    before = {p: p.read_bytes() for p in site.rglob("*") if p.is_file()}
    state = (paths.cache / "state.pickle").read_bytes()
    ledger = sorted((data_copy / "communities").glob("*/finance/*.csv"))[0]
    ledger.write_text(ledger.read_text(encoding="utf-8").replace("费", "费用", 1), encoding="utf-8")
    forgotten = threading.Event()  # the cache is about to change: the first write of a build
    monkeypatch.setattr(build_module.BuildCache, "forget", lambda self: forgotten.set())
    # A slow chain check: had the build not waited for it, it would have reached its first write.
    monkeypatch.setattr(manifest, "check_chain", lambda *a: forgotten.wait(2) or real(*a))
    for broken_city in (False, True):
        if broken_city:
            (data_copy / "communities.csv").write_text("code,name\nbroken\n", encoding="utf-8")
        with pytest.raises(JuwuError) as refused:
            build(paths)
        assert refused.value.code == "manifest-chain" and not forgotten.is_set()
        assert {p: p.read_bytes() for p in site.rglob("*") if p.is_file()} == before
        assert (paths.cache / "state.pickle").read_bytes() == state


def test_a_publication_killed_half_way_is_not_finished_on_a_forged_chain(published, monkeypatch):
    """A republish killed while going live is finished by the next build, once its chain passes."""
    from generator.site import write

    finished = []
    monkeypatch.setattr(write, "finish_publishing", lambda journal: finished.append(journal))
    paths = BuildPaths.for_data(DATA, published)
    paths.cache.joinpath("publishing.json").write_text("{}", encoding="utf-8")
    _forge(published)
    with pytest.raises(JuwuError):
        build(paths)
    assert not finished


def test_a_shortened_chain_is_refused_by_the_cli_and_rewritten_only_with_a_reason(published):
    first = manifest.sha256((published / manifest.CURRENT).read_bytes())  # what the cache recorded
    shutil.rmtree(published / manifest.FOLDER)
    (published / manifest.CURRENT).unlink()
    refused = juwu("build", str(DATA), "--site", str(published))
    assert refused.returncode == 1
    assert "清单链与上次发布时记录的不一致" in refused.stderr and "Traceback" not in refused.stderr
    assert not (published / manifest.CURRENT).exists()
    assert juwu("build", str(DATA), "--site", str(published), "--rewrite-history", " ").returncode == 2
    rewritten = juwu("build", str(DATA), "--site", str(published), "--rewrite-history", "服务器迁移时清单丢失")
    assert rewritten.returncode == 0, rewritten.stderr
    listed = body(published)
    assert listed["n"] == 2 and listed["previous"] is None
    assert listed["rewritten"] == [{"n": 2, "reason": "服务器迁移时清单丢失", "expected": first, "found": None}]
    verified = juwu("verify", str(published))
    assert verified.returncode == 0, verified.stderr
    assert "发布历史在第 2 次发布时被改写，原因：服务器迁移时清单丢失" in verified.stderr
    assert juwu("build", str(DATA), "--site", str(published)).returncode == 0  # the new chain goes on
    assert body(published)["rewritten"] == listed["rewritten"]  # the log is carried forward


def _lose(cache: Path) -> None:
    """Remove the build cache while the last build's background process may still be emptying its
    trash: a file that process removed first is already gone."""
    def gone_already(function, path, exc_info):
        if not issubclass(exc_info[0], FileNotFoundError):
            raise exc_info[1]
    shutil.rmtree(cache, onerror=gone_already)


def test_a_lost_cache_trusts_a_chain_that_holds_and_refuses_one_that_does_not(published):
    cache = BuildPaths.for_data(DATA, published).cache
    _lose(cache)
    assert build(BuildPaths.for_data(DATA, published)).built
    assert body(published)["n"] == 2
    _lose(cache)
    next((published / manifest.FOLDER).glob("1-*.json")).unlink()
    with pytest.raises(JuwuError):
        build(BuildPaths.for_data(DATA, published))


def test_the_signing_key_never_lives_in_the_data_or_the_site(tmp_path, published):
    result = juwu("keys", "init", "--dir", str(DATA / "keys"), "--data", str(DATA), "--site", str(published))
    assert result.returncode == 1 and "私钥不能放在" in result.stderr and not (DATA / "keys").exists()
    made = juwu("keys", "init", "--dir", str(tmp_path / "k"), "--data", str(DATA), "--site", str(published))
    assert made.returncode == 0, made.stderr
    secret = tmp_path / "k" / keys.SECRET_NAME
    assert secret.stat().st_mode & 0o077 == 0
    assert juwu("keys", "init", "--dir", str(tmp_path / "k")).returncode == 1  # never overwritten
    inside = published / "juwu.key"
    shutil.copy(secret, inside)
    refused = juwu("build", str(DATA), "--site", str(published), "--signing-key", str(inside))
    assert refused.returncode == 1 and "会被公开" in refused.stderr


def test_a_signed_build_publishes_the_public_key_and_the_about_page_links_it(published, tmp_path):
    secret_path, public_path = keys.init_keys(tmp_path / "k", [DATA])
    result = subprocess.run([sys.executable, "-m", "generator", "build", str(DATA), "--site", str(published)],
                            capture_output=True, text=True, timeout=600,
                            env={**__import__("os").environ, "JUWU_SIGNING_KEY": str(secret_path)})
    assert result.returncode == 0, result.stderr
    assert (published / "pubkey.txt").read_text(encoding="utf-8") == public_path.read_text(encoding="utf-8")
    assert body(published)["signed_by"] == keys.read_public(public_path.read_text()).id_hex
    about = (published / "about" / "index.html").read_text(encoding="utf-8")
    assert 'href="../pubkey.txt"' in about and 'href="../manifest.json"' in about
    assert juwu("verify", str(published), "--pubkey", str(public_path)).returncode == 0


def _republish_one_line(data: Path, site: Path, monkeypatch) -> None:
    """Correct one ledger line and republish; the site must not be walked to hash it."""
    from tests.test_republish import edit_summary, with_ledger

    code, ledger = with_ledger(data)
    edit_summary(ledger, "电梯维修保养费（更正）")
    monkeypatch.setattr(manifest, "hash_tree", lambda *a, **k: pytest.fail("a republish walked the whole site"))
    result = build(BuildPaths.for_data(data, site))
    monkeypatch.undo()
    assert result.built and result.republished == {code} and result.touched


def test_a_republish_hashes_only_what_it_touched_and_lists_what_a_full_walk_gives(data_copy, tmp_path, monkeypatch):
    site = tmp_path / "live" / "site"
    assert build(BuildPaths.for_data(data_copy, site), full=True).built
    before = body(site)["site"]
    _republish_one_line(data_copy, site, monkeypatch)
    after = body(site)
    assert after["site"] == manifest.hash_tree(site) and after["site"] != before
    assert not manifest.verify_site(site, None)


@pytest.mark.parametrize("listing", ["kept", "damaged", "another manifest's"])
def test_a_republish_takes_the_site_files_from_the_cache_s_listing_or_else_from_the_manifest(
        listing, data_copy, tmp_path, monkeypatch):
    """The newest manifest's files, as the build that wrote it kept them, spare a republish parsing
    the whole manifest (69 MB at 5,000 communities); a listing that is not of that very manifest is
    not used, and the chain ends the same either way."""
    site = tmp_path / "live" / "site"
    paths = BuildPaths.for_data(data_copy, site)
    assert build(paths, full=True).built
    kept = paths.cache / manifest.LISTING
    assert kept.is_file()
    if listing == "damaged":
        kept.write_bytes(b"not a pickle")
    elif listing == "another manifest's":
        import pickle

        stale = pickle.loads(kept.read_bytes())
        kept.write_bytes(pickle.dumps(stale | {"sha": "0" * 64, "site": {"index.html": "0" * 64}}))
    parsed = []
    real = manifest.parse
    monkeypatch.setattr(manifest, "parse", lambda data: parsed.append(1) or real(data))
    _republish_one_line(data_copy, site, monkeypatch)
    assert bool(parsed) == (listing != "kept")
    after = body(site)
    assert after["site"] == manifest.hash_tree(site) and after["n"] == 2 and not manifest.verify_site(site, None)


def test_a_build_that_did_not_write_its_manifest_makes_the_next_one_walk_the_site(data_copy, tmp_path, monkeypatch):
    site = tmp_path / "live" / "site"
    paths = BuildPaths.for_data(data_copy, site)
    assert build(paths, full=True).built
    (site / "feed.xml").write_text("changed by a build killed before its manifest", encoding="utf-8")
    (paths.cache / manifest.PENDING).write_bytes(b"")  # what a killed build leaves behind
    walked = []
    real = manifest.hash_tree
    monkeypatch.setattr(manifest, "hash_tree", lambda *a, **k: walked.append(1) or real(*a, **k))
    assert build(paths).built
    assert walked and body(site)["site"] == real(site) and not (paths.cache / manifest.PENDING).exists()


_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=24)
_files = st.dictionaries(_text, _text, max_size=12)


@settings(max_examples=300, deadline=None)
@given(n=st.integers(1, 10**6), previous=st.none() | _text, data_files=_files, site_files=_files,
       commit=st.none() | _text, version=_text, reason=st.none() | _text, key_id=st.none() | _text)
def test_a_manifest_is_the_canonical_json_of_its_body(n, previous, data_files, site_files, commit, version, reason,
                                                       key_id):
    rewritten = [] if reason is None else [{"n": n, "reason": reason, "expected": None, "found": previous}]
    body = {"format": manifest.FORMAT, "n": n, "previous": previous, "data_commit": commit, "data_version": version,
            "date": version.rsplit(" · ", 1)[-1], "signed_by": key_id, "rewritten": rewritten,
            "data": dict(sorted(data_files.items())), "site": dict(sorted(site_files.items()))}
    expected = (json.dumps(body, ensure_ascii=False, sort_keys=True, indent=1) + "\n").encode("utf-8")
    assert manifest.make(n, previous, data_files, site_files, commit, version, rewritten, key_id) == expected


def test_a_walk_reads_again_only_the_files_that_changed_and_keeps_its_cache_small(tmp_path, monkeypatch):
    """A full build hashes the whole site (440,000 files at 5,000 communities): a file whose inode,
    size, mtime and ctime are as at the last walk is not read again. The cache holds one small
    bytes object a file, and lets go of each as it is replaced (a tuple of ints and a hex string,
    two maps at once, cost a full build ~400 MB at its end)."""
    import os
    import pickle
    import time

    site, cache = tmp_path / "site", tmp_path / "stat.pickle"
    for i in range(50):
        (site / f"d{i % 5}").mkdir(parents=True, exist_ok=True)
        (site / f"d{i % 5}" / f"{i}.html").write_text(f"页面 {i}", encoding="utf-8")
    old = time.time_ns() - 10 * manifest.RACY_NS  # written long before the walk: not racy
    for path in site.rglob("*.html"):
        os.utime(path, ns=(old, old))
    first = manifest.hash_tree(site, cache)
    entries = pickle.loads(cache.read_bytes())
    assert all(isinstance(v, bytes) and len(v) == 64 for k, v in entries.items() if k)
    monkeypatch.setattr(manifest, "RACY_NS", 0)  # the walk above is long enough ago
    read = []
    real = manifest._file_sha
    monkeypatch.setattr(manifest, "_file_sha", lambda path: read.append(path) or real(path))
    (site / "d1" / "1.html").write_text("改过的页面", encoding="utf-8")
    (site / "d2" / "new.html").write_text("新页面", encoding="utf-8")
    (site / "d3" / "3.html").unlink()
    again = manifest.hash_tree(site, cache)
    assert sorted(os.path.relpath(p, site) for p in read) == ["d1/1.html", "d2/new.html"]
    assert again == manifest.hash_tree(site) and "d3/3.html" not in again
    assert again["d0/0.html"] == first["d0/0.html"]


def test_a_stat_cache_in_the_old_form_is_walked_afresh(tmp_path):
    """A cache written by an earlier Juwu (a tuple and a hex string a file) is not trusted: the
    files are read again."""
    import pickle
    import time

    site, cache = tmp_path / "site", tmp_path / "stat.pickle"
    (site / "a").mkdir(parents=True)
    (site / "a" / "index.html").write_text("页面", encoding="utf-8")
    st = (site / "a" / "index.html").stat()
    later = time.time_ns() + 10 * manifest.RACY_NS  # no file counts as racy
    cache.write_bytes(pickle.dumps({"": (later,), "a/index.html": (
        (st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns), "0" * 64)}))
    assert manifest.hash_tree(site, cache) == {"a/index.html": manifest.sha256("页面".encode())}


def test_a_full_build_lets_go_of_the_last_manifest_s_file_list_before_it_checks_the_city(data_copy, tmp_path,
                                                                                          monkeypatch):
    """A republish hashes only what it touched, from the last manifest's file list (~110 MB at
    5,000 communities, read beside the scan); a full build hashes the whole site and does not hold
    that list through the build."""
    from generator import build as build_module

    site = tmp_path / "live" / "site"
    assert build(BuildPaths.for_data(data_copy, site)).built
    chains, held = [], []
    real_check, real_validate = manifest.check_chain, build_module.validate_city
    monkeypatch.setattr(manifest, "check_chain", lambda *a: chains.append(real_check(*a)) or chains[-1])
    monkeypatch.setattr(build_module, "validate_city", lambda *a, **k: held.append(
        chains[-1].listed is not None) or real_validate(*a, **k))
    ledger = sorted((data_copy / "communities").glob("*/finance/*.csv"))[0]
    ledger.write_text(ledger.read_text(encoding="utf-8").replace("费", "费用", 1), encoding="utf-8")
    assert build(BuildPaths.for_data(data_copy, site)).republished
    assert build(BuildPaths.for_data(data_copy, site), full=True).republished is None
    assert held == [True, False]
    assert not manifest.verify_site(site, None)
