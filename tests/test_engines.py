"""Issue 21: the same site built with MkDocs, Zensical and ProperDocs.

The demo city, with a city page of its own (a contacts page with a table, an admonition, attribute
lists and Markdown inside HTML: the engine renders it, not Juwu), is built with each engine; page by
page the URLs, the text residents read, every link and the content inside the shell must be the
same, once the shell differences listed in tests/enginecompare.py are taken out."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.build import build
from generator.cli import cli
from generator.config import BuildPaths
from generator.problems import JuwuError
from generator.site import engines
from tests import enginecompare as ec
from tests.conftest import DATA

CITY_PAGE = """---
title: 联系我们
---

# 联系我们（东城样例）

!!! note "接待时间"
    每周二、周四 **9:00—11:30**，节假日除外。

| 事项 | 电话 | 地点 |
| --- | --- | --- |
| 财务公开疑问 | 010-6500 1234 | 街道便民服务中心 2 楼 |
| 对监督委员会的意见 | 12345 | 任意渠道 |

接待地点见[关于监督委员会](../about/index.md)。
{ #where .juwu-note }

<div class="juwu-extra" markdown>
**夜间**请留言：<span>信箱 7 号</span> & 其他
</div>
"""


@pytest.fixture(scope="module")
def city(tmp_path_factory) -> Path:
    data = tmp_path_factory.mktemp("engines") / "data"
    shutil.copytree(DATA, data)
    (data / "content" / "contacts").mkdir(parents=True)
    (data / "content" / "contacts" / "index.md").write_text(CITY_PAGE, encoding="utf-8")
    return data


def _build(data: Path, site: Path, engine: str | None, **kwargs):
    paths = BuildPaths(data=data, site=site, city_content=data / "content", work=site.parent / "work")
    return build(paths, engine=engine, **kwargs)


@pytest.fixture(scope="module")
def sites(city, tmp_path_factory) -> dict[str, Path]:
    built = {}
    for engine in engines.ENGINES:
        site = tmp_path_factory.mktemp(engine) / "site"
        result = _build(city, site, engine)
        assert result.built, [p.en for p in result.problems.errors][:5]
        built[engine] = site
    return built


OTHERS = [e for e in engines.ENGINES if e != engines.MKDOCS]


GENERATOR = re.compile(r'<meta name="generator" content="([^"]*)">')


def test_each_engine_really_rendered_the_theme(sites):
    tags = {engine: set(GENERATOR.findall((site / "index.html").read_text(encoding="utf-8")))
            for engine, site in sites.items()}
    assert tags[engines.MKDOCS] == {"mkdocs-1.6.1, mkdocs-material-9.8.1"}
    assert tags[engines.ZENSICAL] == {f"zensical-{engines.version_of(engines.ZENSICAL)}"}
    assert tags[engines.PROPERDOCS] == {"mkdocs-ProperDocs 1.6.7, mkdocs-material-9.8.1"}
    assert any(rel.startswith("assets/stylesheets/classic/main.") for rel in ec.files(sites[engines.ZENSICAL]))
    assert not any(rel.startswith("assets/stylesheets/classic/") for rel in ec.files(sites[engines.MKDOCS]))


def test_properdocs_gives_the_same_bytes_but_its_name(sites):
    for rel in ec.pages(sites[engines.MKDOCS]):
        ours = GENERATOR.sub("", (sites[engines.MKDOCS] / rel).read_text(encoding="utf-8"))
        theirs = GENERATOR.sub("", (sites[engines.PROPERDOCS] / rel).read_text(encoding="utf-8"))
        assert ours == theirs, rel


def test_the_child_engines_read_a_config_derived_from_mkdocs_yml(sites):
    for engine in OTHERS:
        cache = sites[engine].parent / ".site.cache"
        derived = (cache / "engine" / engine / "mkdocs.yml").read_text(encoding="utf-8")
        assert "data_version: JUWUVERSIONTOKEN" in derived and "!ENV" not in derived, engine
        assert "variant: classic" in derived and "navigation.tabs" in derived, engine
        assert ("enabled: false" in derived) == (engine == engines.ZENSICAL)  # Zensical's own search off
        shell = (cache / "theme" / "_shell" / "index.html").read_text(encoding="utf-8")
        assert "<p>JUWUCONTENTTOKEN</p>" in shell and "JUWUVERSIONTOKEN" in shell, engine


@pytest.mark.parametrize("engine", OTHERS)
def test_same_urls_and_the_same_files_but_the_theme_assets(sites, engine):
    # The manifest lists every file's hash, so it (and its name in manifests/) differs with the shells.
    ours, theirs = ({r for r in ec.files(sites[e]) if not ec.theme_asset(r) and not r.startswith("manifest")}
                    for e in (engines.MKDOCS, engine))
    assert ours == theirs
    assert len(ec.pages(sites[engine])) > 250
    # Downloads, feeds, search bundles, the sitemap, Juwu's own CSS and JS: byte for byte.
    for rel in sorted(ours & theirs):
        if rel.endswith(".html") and rel not in ec.STANDALONE:
            continue
        assert (sites[engines.MKDOCS] / rel).read_bytes() == (sites[engine] / rel).read_bytes(), rel


@pytest.mark.parametrize("engine", OTHERS)
def test_every_page_reads_the_same_and_links_the_same(sites, engine):
    different = []
    for rel in ec.pages(sites[engines.MKDOCS]):
        ours, theirs = ec.read(sites[engines.MKDOCS], rel), ec.read(sites[engine], rel)
        if ours != theirs:
            different.append(rel)
        elif ec.article(sites[engines.MKDOCS], rel) != ec.article(sites[engine], rel):
            different.append(f"{rel} (inside the shell)")
    assert different == []


def test_the_city_page_is_rendered_by_the_engine_with_every_markdown_feature(sites):
    for engine, site in sites.items():
        page = ec.article(site, "contacts/index.html")
        assert "联系我们（东城样例）" in page, engine
        assert 'class="admonition note"' in page and "接待时间" in page, engine
        assert "<table>" in page and "街道便民服务中心 2 楼" in page, engine
        assert 'id="where"' in page and 'class="juwu-note"' in page, engine
        assert '<div class="juwu-extra">' in page and "<strong>夜间</strong>" in page and "&amp; 其他" in page, engine
        assert 'href="https://juwu.test/about/"' in page, engine


def test_zensical_navigation_works_and_its_own_search_is_off(sites):
    site = sites[engines.ZENSICAL]
    broken = set()
    for rel in ec.pages(site):
        for link in ec.raw_links(site, rel):
            if link.startswith(ec.BASE) and not ec.target_exists(site, link):
                broken.add((rel, link))
    assert broken == set()
    home = (site / "index.html").read_text(encoding="utf-8")
    tabs = home[home.index('<nav class="md-tabs"'):]
    tabs = tabs[:tabs.index("</nav>")]
    for label, href in (("首页", "."), ("推进情况", "rollout/"), ("关于监督委员会", "about/"), ("联系我们", "contacts/")):
        assert label in tabs and ec.resolve(ec.BASE, href) in {ec.resolve(ec.BASE, h) for h in
                                                              re.findall(r'href="([^"]*)"', tabs)}
    # Juwu's search (Pagefind) only: no Material search dialog, no search.json to download.
    assert "juwu-searchbar" in home and 'data-md-component="search"' not in home
    assert not (site / "search.json").exists()
    # Print styles and the theme overrides' look: Juwu's stylesheets linked from every page.
    for rel in ec.pages(site):
        page = (site / rel).read_text(encoding="utf-8")
        assert "assets/print.css" in page and "assets/juwu.css" in page, rel
    assert "stylesheets/classic/main." in home and "stylesheets/modern/" not in home


def test_zensical_fills_the_data_version_and_title_of_each_page(sites):
    site = sites[engines.ZENSICAL]
    for rel in ec.pages(site):
        page = (site / rel).read_text(encoding="utf-8")
        assert "JUWU" not in page, rel  # every token of the shell was filled
    assert 'data-juwu-version>' in (site / "index.html").read_text(encoding="utf-8")


def test_the_comparison_sees_a_changed_word_and_a_changed_link(tmp_path):
    shell = ('<html><head><title>T</title><link href="assets/stylesheets/main.0123abcd.min.css"></head><body>'
             '<a class="md-skip" href="#x">跳转至</a><article class="md-content__inner md-typeset">'
             '<p>{text}</p><a href="{link}">看</a></article></body></html>')
    for name, text, link in (("a", "收入 100 元", "c/1/"), ("b", "收入 100 元", "./c/1/"),
                             ("c", "收入 101 元", "c/1/"), ("d", "收入 100 元", "c/2/")):
        (tmp_path / name).mkdir()
        (tmp_path / name / "index.html").write_text(shell.format(text=text, link=link), encoding="utf-8")
    read = {n: ec.read(tmp_path / n, "index.html") for n in "abcd"}
    assert read["a"] == read["b"]  # the same link spelled two ways
    assert read["a"] != read["c"] and read["a"] != read["d"]
    assert ec.article(tmp_path / "a", "index.html") == ec.article(tmp_path / "b", "index.html")
    assert ec.article(tmp_path / "a", "index.html") != ec.article(tmp_path / "d", "index.html")
    assert "跳转至" not in read["a"].text


def test_the_command_line_wins_over_city_yaml_which_wins_over_mkdocs(tmp_path):
    assert engines.choose(None, None) == engines.MKDOCS
    assert engines.choose(None, "Zensical") == engines.ZENSICAL
    assert engines.choose("mkdocs", "zensical") == engines.MKDOCS
    assert engines.choose(None, " ") == engines.MKDOCS
    with pytest.raises(JuwuError) as raised:
        engines.choose(None, "hugo")
    assert "hugo" in raised.value.zh and "zensical" in raised.value.en
    (tmp_path / "city.yaml").write_text("name: 样例市\nengine: properdocs\n", encoding="utf-8")
    assert engines.city_engine(tmp_path) == "properdocs"
    (tmp_path / "city.yaml").write_text("name: [unclosed\n", encoding="utf-8")
    assert engines.city_engine(tmp_path) is None


def test_city_yaml_engine_is_used_and_a_wrong_one_leaves_the_site_as_it_was(data_copy, tmp_path):
    site = tmp_path / "site"
    city_yaml = data_copy / "city.yaml"
    original = city_yaml.read_text(encoding="utf-8")
    city_yaml.write_text(original + "\nengine: zensical\n", encoding="utf-8")
    runner = CliRunner()
    done = runner.invoke(cli, ["build", str(data_copy), "--site", str(site)])
    assert done.exit_code == 0, done.output
    assert any(p.name.startswith("main.") for p in (site / "assets/stylesheets/classic").iterdir())
    before = (site / "index.html").read_bytes()
    city_yaml.write_text(original + "\nengine: jekyll\n", encoding="utf-8")
    done = runner.invoke(cli, ["build", str(data_copy), "--site", str(site)])
    assert done.exit_code == 1
    assert "jekyll" in done.output and "不认识的构建引擎" in done.output
    assert (site / "index.html").read_bytes() == before


def test_switching_engine_rebuilds_everything_and_is_deterministic(data_copy, tmp_path):
    site = tmp_path / "site"
    paths = BuildPaths.for_data(data_copy, site)
    first = build(paths, engine=engines.ZENSICAL)
    pages = {rel: (site / rel).read_bytes() for rel in ec.pages(site)}
    switched = build(paths, engine=engines.MKDOCS)
    assert switched.republished is None  # a full build, not a republish with the old shells
    assert not (site / "assets/stylesheets/classic").exists()
    again = build(paths, engine=engines.ZENSICAL, full=True)
    assert first.built and again.built and again.republished is None
    assert {rel: (site / rel).read_bytes() for rel in ec.pages(site)} == pages  # the same bytes again


@pytest.mark.parametrize("engine", engines.ENGINES)
def test_a_broken_link_in_a_city_page_stops_every_engine_and_says_where(city, tmp_path, engine):
    data = tmp_path / "data"
    shutil.copytree(city, data)
    page = data / "content" / "contacts" / "index.md"
    page.write_text(page.read_text(encoding="utf-8") + "\n见[旧的办事指南](../guide-2019.md)。\n", encoding="utf-8")
    site = tmp_path / "site"
    with pytest.raises(JuwuError) as raised:
        _build(data, site, engine)
    assert "guide-2019.md" in raised.value.en or engine == engines.MKDOCS  # MkDocs logs it, then aborts
    assert "Traceback" not in raised.value.en and "\x1b[" not in raised.value.en
    assert "构建失败" in raised.value.zh
    assert not site.exists()


def test_an_engine_not_installed_is_named_with_how_to_install_it(monkeypatch, tmp_path):
    monkeypatch.setitem(engines._MODULES, engines.ZENSICAL, "zensical_that_is_not_installed")
    with pytest.raises(JuwuError) as raised:
        engines.render(engines.ZENSICAL, Path("mkdocs.yml"), tmp_path, tmp_path / "out", tmp_path / "work",
                       "样例市", "https://juwu.example.invalid/", "V")
    assert "没有安装 zensical" in raised.value.zh and ".[engines]" in raised.value.en
    assert not (tmp_path / "out").exists()
