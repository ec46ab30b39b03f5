"""Pagefind's word index cut into smaller chunks (pagefind_chunks): the same words and postings,
each word in the chunk the browser looks it up in, chunks of about the target size."""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path

from generator.site import pagefind_chunks, pagefind_stable, search


def _meta(bundle: Path) -> list:
    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    [info] = entry["languages"].values()
    return pagefind_stable._read(bundle / f"pagefind.{info['hash']}.pf_meta")


def _chunks(bundle: Path) -> list[tuple[str, str, list]]:
    return [(low, high, pagefind_stable._read(bundle / "index" / f"{name}.pf_index")[0])
            for low, high, name in _meta(bundle)[2]]


def _word(word: str, page: int) -> list:
    return [word, [[page, [1, 7, 300], []], [page + 1, [-25, 2], [-1, 0]]], []]


def _bundle(folder: Path, words: list[list]) -> Path:
    """A bundle folder as Pagefind writes one: entry, metadata and one chunk of these words."""
    (folder / "index").mkdir(parents=True)
    raw = pagefind_stable.SIGNATURE + pagefind_stable._encode([words])
    (folder / "index" / "zh_1234567.pf_index").write_bytes(gzip.compress(raw))
    meta = ["1.6.0", [["zh_abcdef0", 12, ""]], [[words[0][0], words[-1][0], "zh_1234567"]], [], [], ["title"]]
    (folder / "pagefind.zh_meta.pf_meta").write_bytes(gzip.compress(pagefind_stable.SIGNATURE + pagefind_stable._encode(meta)))
    (folder / "pagefind-entry.json").write_text(json.dumps({"version": "1.6.0", "languages": {"zh": {"hash": "zh_meta", "wasm": None, "page_count": 1}}}), encoding="utf-8")
    return folder


def test_words_keep_their_order_and_postings_and_each_is_in_the_chunk_it_is_looked_up_in(tmp_path):
    words = [_word(w, i) for i, w in enumerate(["中", "中一", "中心", "中秋", "丰", "丰收", "乐"])]
    bundle = _bundle(tmp_path / "b", words)
    pagefind_chunks.rechunk(bundle, target=40)
    chunks = _chunks(bundle)
    assert len(chunks) > 1
    assert [w for *_, ws in chunks for w in ws] == words
    for low, high, ws in chunks:
        assert all(low <= w[0] <= high for w in ws), (low, high, [w[0] for w in ws])
    # a chunk ends at its last word in full (Pagefind would end one holding 中 … 中秋 at 中, and
    # 中心 would be in no chunk), and starts at the shortest prefix its neighbour does not share
    assert all(high == ws[-1][0] for _, high, ws in chunks)
    assert chunks[0][0] == "中"
    for (_, _, before), (low, _, ws) in zip(chunks, chunks[1:]):
        first, last = ws[0][0], before[-1][0]
        assert first.startswith(low) and not last.startswith(low) and last < low
        assert len(low) == 1 or last.startswith(low[:-1])
    assert not (bundle / "index" / "zh_1234567.pf_index").exists()
    assert {p.stem for p in (bundle / "index").iterdir()} == {name for *_, name in _meta(bundle)[2]}
    assert _meta(bundle)[1] == [["zh_abcdef0", 12, ""]]  # the pages are untouched


def test_the_same_bundle_is_cut_the_same_way(tmp_path):
    words = [_word(f"词{i:03d}", i) for i in range(60)]
    first, second = _bundle(tmp_path / "a", words), _bundle(tmp_path / "b", words)
    pagefind_chunks.rechunk(first, target=100)
    pagefind_chunks.rechunk(second, target=100)
    files = sorted(p.relative_to(first).as_posix() for p in first.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(second).as_posix() for p in second.rglob("*") if p.is_file())
    assert all((first / f).read_bytes() == (second / f).read_bytes() for f in files)


def test_a_layout_it_does_not_know_is_left_as_pagefind_wrote_it(tmp_path):
    bundle = _bundle(tmp_path / "b", [_word("中", 0)])
    chunk = bundle / "index" / "zh_1234567.pf_index"
    chunk.write_bytes(gzip.compress(pagefind_stable.SIGNATURE + pagefind_stable._encode([[["中", "not postings", []]]])))
    before = {p: p.read_bytes() for p in bundle.rglob("*") if p.is_file()}
    pagefind_chunks.rechunk(bundle, target=1)
    assert {p: p.read_bytes() for p in bundle.rglob("*") if p.is_file()} == before


def test_the_demo_city_bundles_are_cut_small_and_every_word_is_where_it_is_looked_up(built_site):
    for bundle in sorted(p for p in (built_site / search.BUNDLE).iterdir() if p.is_dir()):
        chunks = _chunks(bundle)
        names = [name for *_, name in _meta(bundle)[2]]
        assert {p.stem for p in (bundle / "index").iterdir()} == set(names), bundle.name
        words = [w[0] for *_, ws in chunks for w in ws]
        assert words == sorted(words) and len(words) == len(set(words)), bundle.name
        for low, high, ws in chunks:
            assert all(low <= w[0] <= high for w in ws), (bundle.name, low, high)
        sizes = [len(pagefind_stable._encode(ws)) for *_, ws in chunks]
        # closed once past the target: only a chunk's last word takes it over
        largest_word = max(len(pagefind_stable._encode(w)) for *_, ws in chunks for w in ws)
        assert max(sizes) <= pagefind_chunks.TARGET + largest_word, bundle.name


def test_a_bundle_already_cut_is_cut_the_same_again(built_site, tmp_path):
    bundle = next(p for p in (built_site / search.BUNDLE).iterdir() if p.is_dir())
    copy = tmp_path / bundle.name
    shutil.copytree(bundle, copy)
    pagefind_chunks.rechunk(copy)
    assert sorted(p.name for p in (copy / "index").iterdir()) == sorted(p.name for p in (bundle / "index").iterdir())
    assert (copy / "pagefind-entry.json").read_text(encoding="utf-8") == (bundle / "pagefind-entry.json").read_text(encoding="utf-8")
