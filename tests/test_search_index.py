"""The search index: every generated page has a search document, Chinese is segmented into
words, filters and meta say which district, kind, community and period a result belongs to."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from generator.site import pagefind_stable, search
from tests.conftest import DATA, read_csv_rows

# Words residents type. Pagefind's extended build cuts Chinese with a dictionary; a query is cut
# the same way, so a word is findable when the index holds the pieces it is cut into.
DOMAIN_WORDS = ["物业费", "电梯", "居务监督", "民主理财", "财务公开", "监督委员会", "维修"]
WHOLE_WORDS = ["电梯", "物业", "监督", "民主", "理财", "财务", "维修"]  # dictionary words: never cut further


def index_words(bundle: Path) -> set[str]:
    words = set()
    for chunk in (bundle / "index").glob("*.pf_index"):
        raw = gzip.decompress(chunk.read_bytes())
        value, _ = pagefind_stable._decode(raw, len(pagefind_stable.SIGNATURE))
        words.update(entry[0] for entry in value[0])
    return words


def cut(word: str, vocabulary: set[str]) -> list[str] | None:
    """The word as a sequence of index words, longest pieces first; None when impossible."""
    if not word:
        return []
    for end in range(len(word), 0, -1):
        if word[:end] in vocabulary:
            rest = cut(word[end:], vocabulary)
            if rest is not None:
                return [word[:end], *rest]
    return None


@pytest.fixture(scope="module")
def all_words(built_site) -> set[str]:
    words: set[str] = set()
    for bundle in (built_site / search.BUNDLE).iterdir():
        if bundle.is_dir():
            words |= index_words(bundle)
    return words


def test_every_district_has_a_bundle_and_the_city_a_directory(built_site):
    groups = json.loads((built_site / search.BUNDLE / "districts.json").read_text(encoding="utf-8"))
    districts = groups["districts"]
    expected = {row["district"] for row in read_csv_rows(DATA / "communities.csv")}
    assert {d["name"] for d in districts} == expected
    assert groups["city"] == [search.DIRECTORY]  # the demo city is small: one bundle each
    assert all(d["bundles"] == [d["code"]] for d in districts)
    for name in [search.DIRECTORY] + [d["code"] for d in districts]:
        assert (built_site / search.BUNDLE / name / "pagefind-entry.json").is_file(), name
        assert (built_site / search.BUNDLE / name / "pagefind.js").is_file(), name
        assert not (built_site / search.BUNDLE / name / "pagefind-ui.js").exists(), name  # our own page


@pytest.mark.parametrize("word", WHOLE_WORDS)
def test_dictionary_words_are_indexed_whole(all_words, word):
    assert word in all_words


@pytest.mark.parametrize("word", DOMAIN_WORDS)
def test_domain_words_are_indexed_segmented(all_words, word):
    pieces = cut(word, all_words)
    assert pieces is not None, f"{word} cannot be found: its pieces are not in the index"
    assert "".join(pieces) == word


def test_chinese_is_segmented_not_indexed_as_runs(all_words):
    # Without segmentation a whole run of text between punctuation is one "word", and a query
    # for any word inside it finds nothing. This run is in every committee's duties column.
    run = "负责财务收支审核监督"
    assert run not in all_words
    assert cut(run, all_words) is not None
    assert len(cut(run, all_words)) >= 3


def documents(site: Path) -> Path:
    from generator.config import BuildPaths

    return BuildPaths(data=DATA, site=site).cache / "search"


def test_generated_pages_have_documents_with_filters_and_meta(built_site):
    code = next(p.name for p in sorted((DATA / "communities").iterdir()) if (p / "finance").is_dir())
    community = next(r for r in read_csv_rows(DATA / "communities.csv") if r["code"] == code)
    period = sorted((built_site / "c" / code / "finance").iterdir())[0].name
    doc = documents(built_site) / code[:6] / "c" / code / "finance" / period / "index.html"
    text = doc.read_text(encoding="utf-8")
    assert 'data-pagefind-filter="区:' not in text  # a district is its own bundles, not a filter
    assert f'data-pagefind-meta="place:{community["district"]} {community["street"]}"' in text
    assert 'data-pagefind-filter="类别:财务公开"' in text
    assert f'data-pagefind-meta="community:{community["name"]}"' in text
    year, month = period.split("-")
    assert f'data-pagefind-meta="period:{int(year)}年{int(month)}月"' in text
    # the words a resident looks for, not amounts or voucher numbers
    first = read_csv_rows(DATA / "communities" / code / "finance" / f"{period}.csv")[0]
    assert first["summary"] in text
    assert first["voucher"] not in text
    # a period is found within its district, not from the city-wide directory
    assert not (documents(built_site) / search.DIRECTORY / "c" / code / "finance").exists()
    assert (documents(built_site) / search.DIRECTORY / "c" / code / "index.html").is_file()


def test_pages_themselves_carry_no_search_marks(built_site):
    for rel in ("about/index.html", "search/index.html", "404.html", "index.html"):
        assert "data-pagefind" not in (built_site / rel).read_text(encoding="utf-8"), rel
    assert not any(documents(built_site).glob("*/about")), "hand-written pages are not indexed"


def test_search_documents_mask_mobiles_and_escape(tmp_path):
    from generator.site.page import Page
    from generator.site.render import environment

    page = Page("c/310101002001/reports/x/", "标题", "report.html", kind="report")

    class R:
        title, type, status, body, date = "<script>alert(1)</script>", "监督检查", None, "电话 13812345678", None
    page.context = {"report": R(), "community": None}
    text = search.document(environment(), page)
    assert "<script>alert" not in text and "&lt;script&gt;" in text
    assert "13812345678" not in text and "138****5678" in text


def test_attribute_values_are_escaped():
    from generator.site.search import _attr

    assert _attr("区", '"><script>') == "区:&quot;&gt;&lt;script&gt;"


def test_names_are_also_indexed_in_pieces_the_browser_cuts_queries_into(built_site, all_words):
    # Chromium cuts a name it has no word for into single characters (曾红梅 → 曾 / 红 / 梅); the
    # index cut it with a dictionary. Each member's characters and pairs are words of the index.
    from generator.site.render import _pieces

    assert _pieces("曾红梅") == "曾 红 梅 曾红 红梅"
    folder = next(p for p in sorted((DATA / "communities").iterdir()) if (p / "members.csv").exists())
    name = read_csv_rows(folder / "members.csv")[0]["name"]
    assert set(name) <= all_words


def test_documents_spell_their_chinese_out_for_the_index():
    # Pagefind cuts 民生实事项目 into 民生 / 实 / 事项 / 目; spelled out, 实事 is found too.
    doc = ('<!doctype html><html><head><title>标题不算</title></head><body>\n<h1>民生实事项目</h1>'
           '<p>电梯 A栋 &lt;维修&gt;，3月</p>\n<div class="index-only"><p>曾 红 梅</p></div>\n</body></html>')
    assert search.characters(doc) == "民 生 实 事 项 目 / 电 梯 / 维 修"
    out = search.with_characters(doc)
    own, spelled = out.split("</div>\n", 1)[0], out.split("</div>\n", 1)[1]
    assert "民生实事项目" in own and 'data-pagefind-weight="0.5"' in spelled and "民 生 实 事" in spelled
    assert out.endswith("</body></html>")
    assert search.with_characters("<body><p>only 2024</p></body>") == "<body><p>only 2024</p></body>"


def test_each_run_is_spelled_once_and_not_inside_a_longer_one():
    # A phrase is found within one run: a repeated run, or one standing inside a longer run of the
    # same document, would only add words for Pagefind to index.
    doc = "<body><h1>安泰社区</h1><p>安泰社区居民委员会</p><ul><li>电费</li><li>电费</li><li>9月水费</li></ul></body>"
    assert search.characters(doc) == "安 泰 社 区 居 民 委 员 会 / 电 费 / 月 水 费"


def test_spelled_characters_are_escaped(tmp_path):
    from generator.site.page import Page
    from generator.site.render import environment

    page = Page("c/310101002001/reports/x/", "标题", "report.html", kind="report")

    class R:
        title, type, status, body, date = "关于<b>电梯</b>维修", "监督检查", None, "正文", None
    page.context = {"report": R(), "community": None}
    text = search.document(environment(), page)
    assert "电 梯" in text and "<b>" not in text.split('class="index-only"')[1]


def _npm_tarball(binary: bytes) -> bytes:
    import io
    import tarfile

    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w:gz") as archive:
        info = tarfile.TarInfo("package/bin/pagefind_extended")
        info.size = len(binary)
        archive.addfile(info, io.BytesIO(binary))
    return raw.getvalue()


def test_pagefind_is_unpacked_only_when_it_matches_its_pinned_integrity(tmp_path):
    from generator.problems import JuwuError
    from generator.site import pagefind_bin

    tarball = _npm_tarball(b"#!/bin/sh\necho pagefind 1.6.0\n")
    target = tmp_path / "pagefind" / "pagefind_extended"
    with pytest.raises(JuwuError) as refused:
        pagefind_bin.unpack(tarball, pagefind_bin.integrity_of(tarball + b"x"), target)
    assert "校验" in refused.value.zh and "integrity" in refused.value.en
    assert not target.exists()
    pagefind_bin.unpack(tarball, pagefind_bin.integrity_of(tarball), target)
    assert target.read_bytes().startswith(b"#!/bin/sh") and target.stat().st_mode & 0o111


def test_a_missing_pagefind_is_a_bilingual_error_saying_how_to_install_it(tmp_path, monkeypatch):
    from generator.problems import JuwuError
    from generator.site import pagefind_bin

    monkeypatch.setenv("JUWU_PAGEFIND", str(tmp_path / "nowhere"))
    with pytest.raises(JuwuError) as missing:
        search.executable()
    assert "make install" in missing.value.zh and "make install" in missing.value.en
    assert pagefind_bin.VERSION in missing.value.en


def test_the_pinned_pagefind_is_the_one_installed():
    import subprocess

    from generator.site import pagefind_bin

    assert pagefind_bin.VERSION == "1.6.0"
    assert set(pagefind_bin.INTEGRITY) >= {"linux-x64", "linux-arm64"}
    out = subprocess.run([str(search.executable()), "--version"], capture_output=True, text=True).stdout
    assert out.split() == ["pagefind", pagefind_bin.VERSION]


def test_a_build_without_pagefind_stops_before_any_work_and_leaves_the_site_as_it_was(tmp_path, monkeypatch):
    from generator.build import build
    from generator.config import BuildPaths
    from generator.problems import JuwuError

    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("the published site", encoding="utf-8")
    monkeypatch.setenv("JUWU_PAGEFIND", str(tmp_path / "nowhere"))
    with pytest.raises(JuwuError) as missing:
        build(BuildPaths(data=DATA, site=site, work=tmp_path / "work"))
    assert "Pagefind" in missing.value.en
    assert [p.name for p in site.iterdir()] == ["index.html"]
    assert (site / "index.html").read_text(encoding="utf-8") == "the published site"
    assert not (tmp_path / "work").exists()  # failed before the build cache or the theme was touched


def plan_of(pages: dict[str, int], limit: int) -> dict[str, list[str]]:
    """Shard name → units, for a group "319901" of communities with the given page counts."""
    docs = {f"c/{code}/{'' if i == 0 else f'finance/{i}/'}": f"sha{i}" for code, n in pages.items() for i in range(n)}
    docs["d/319901/"] = "d"
    return {name: list(s.units) for name, s in search.shard_plan({"319901": docs}, limit).items()}


def test_a_district_is_cut_into_shards_of_at_most_the_limit_never_inside_a_community():
    plan = plan_of({"319901001001": 3, "319901001002": 4, "319901001003": 2, "319901001004": 5}, limit=7)
    assert plan == {"319901": ["c/319901001001", "c/319901001002"],
                    "319901-2": ["c/319901001003", "c/319901001004"],
                    "319901-3": ["d/319901"]}
    # a community bigger than the limit is a shard of its own, not cut
    assert plan_of({"319901001001": 9}, limit=7) == {"319901": ["c/319901001001"], "319901-2": ["d/319901"]}


def test_a_republish_re_indexes_only_the_shards_whose_documents_changed(tmp_path):
    docs = {f"c/3199010010{i:02d}/": f"sha{i}" for i in range(1, 7)}
    before = search.shard_plan({"319901": docs, "all": {"": "home"}}, limit=2)
    for name in before:
        (tmp_path / search.BUNDLE / name).mkdir(parents=True)
        (tmp_path / search.BUNDLE / name / "pagefind-entry.json").write_text("{}")
    changed = dict(docs, **{"c/319901001003/": "new"})
    after = search.shard_plan({"319901": changed, "all": {"": "home"}}, limit=2)
    assert [s.name for s in search.shards_to_index(after, before, tmp_path)] == ["319901-2"]
    assert len(search.shards_to_index(after, None, tmp_path)) == 4  # a full build: every shard
    (tmp_path / search.BUNDLE / "319901-3" / "pagefind-entry.json").unlink()  # a lost bundle is made again
    assert [s.name for s in search.shards_to_index(after, before, tmp_path)] == ["319901-2", "319901-3"]


_PATHS = st.sampled_from(["", "about/", "d/319901/", "s/319901001/", "c/319901001001/", "c/319901001001/finance/1/",
                           "c/319901001002/", "c/319901001002/reports/a/", "c/319901002001/", "c/319902001001/"])
_GROUPS = st.dictionaries(st.sampled_from(["all", "319901", "319902"]),
                          st.dictionaries(_PATHS, st.sampled_from(["a", "b"]), max_size=8), max_size=3)


@settings(max_examples=300, deadline=None)
@given(_GROUPS, _GROUPS, st.integers(1, 4))
def test_a_plan_that_reuses_another_calls_unchanged_groups_equals_one_made_afresh(documents, other, limit):
    # A republish plans the search bundles before and after it: the groups it did not change
    # are taken from the other plan, not cut again.
    known = (other, search.shard_plan(other, limit))
    assert search.shard_plan(documents, limit, known=known) == search.shard_plan(documents, limit)


def test_unchanged_groups_are_taken_from_the_known_plan_not_cut_again(monkeypatch):
    documents = {"all": {"": "h"}, "319901": {"c/319901001001/": "a"}, "319902": {"c/319902001001/": "b"}}
    plan = search.shard_plan(documents, 2)
    cut = []
    real = search._prefixes
    monkeypatch.setattr(search, "_prefixes", lambda units: cut.append(list(units)) or real(units))
    again = search.shard_plan(dict(documents, **{"319902": {"c/319902001001/": "c"}}), 2, known=(documents, plan))
    assert again["all"] is plan["all"] and again["319901"] is plan["319901"]
    assert again["319902"].pages == (("c/319902001001/", "c"),)
    assert cut and all(units == ["c/319902001001"] for units in cut)  # only the changed group is cut


def test_a_pages_unit_is_its_first_two_path_parts():
    assert [search._unit(p) for p in ("", "about/", "d/319901/", "c/319901001001/", "c/319901001001/finance/2024-01/",
                                       "c/319901001001")] == \
        ["", "about/", "d/319901", "c/319901001001", "c/319901001001", "c/319901001001"]


def test_the_search_page_learns_every_groups_bundles():
    plan = search.shard_plan({"all": {"": "h", "c/319901001001/": "a"},
                              "319901": {"c/319901001001/": "a", "c/319901001002/": "b"}}, limit=1)
    groups = json.loads(search.groups_json(plan, [("319901", "翠屏区"), ("319902", "河东区")]))
    assert groups == {"city": ["all", "all-2"],
                      "districts": [{"code": "319901", "name": "翠屏区", "bundles": ["319901", "319901-2"]},
                                    {"code": "319902", "name": "河东区", "bundles": ["319902"]}]}
