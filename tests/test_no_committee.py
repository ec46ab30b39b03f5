"""The page of a community without a committee: no version, its progress in words, its street
office's contact where the city gives one (issue 17)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from generator.build import build
from generator.config import BuildPaths
from generator.demo import write_demo_city
from generator.site.pages import site_pages
from generator.site.render import environment, render_page
from generator.site.shell import Shell
from generator.gather import validate_city

# write_demo_city(3, seed=7): A and B have committees, C has none (phases 1-2 done).
A, C = "319901001001", "319902002001"
OFFICE = ('street_offices:\n'
          '  "319902002": {name: 试验街道办事处, phone: "0571-8765432", address: 试验路 9 号一楼, '
          'hours: "周一至周五 8:30-17:00"}\n')


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("nocommittee") / "data"
    write_demo_city(root, 3, seed=7)
    assert not (root / "communities" / C).exists() and (root / "communities" / A).is_dir()
    return root


def _copy(small: Path, tmp_path: Path, office: str | None = OFFICE, drop_rollout: bool = False) -> Path:
    data = tmp_path / "data"
    shutil.copytree(small, data)
    if office:
        with open(data / "city.yaml", "a", encoding="utf-8") as f:
            f.write("\n" + office)
    if drop_rollout:  # C has done nothing at all yet
        path = data / "rollout.csv"
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        path.write_text("".join(l for l in lines if not l.startswith(C)), encoding="utf-8")
    return data


def _page(data: Path, code: str) -> str:
    result = validate_city(data)
    assert result.ok, [p.en for p in result.problems.errors]
    env = environment()
    page = next(p for p in site_pages(result.city) if p.path == f"c/{code}/")
    return page, render_page(env, page)


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_no_phase_done_is_said_in_words_without_an_empty_table(small, tmp_path):
    page, html = _page(_copy(small, tmp_path, drop_rollout=True), C)
    text = _text(html)
    assert "尚未完成任何阶段" in text
    assert "第 0 阶段" not in text
    rollout = html[html.index('id="rollout"'):html.index('id="data"')]
    assert "<table" not in rollout and "—" not in rollout
    assert "调研预备：计划于" in _text(rollout)
    # Only the tables that can hold anything are offered for download.
    downloads = html[html.index('id="data"'):]
    assert "rollout.csv" in downloads and "members.csv" not in downloads and "ledger.csv" not in downloads
    assert page.version == ""


def test_phases_done_are_named_and_the_next_one_with_its_deadline(small, tmp_path):
    _, html = _page(_copy(small, tmp_path), C)
    text = _text(html)
    assert "已完成前 2 个阶段" in text and "宣传发动" in text
    assert "下一步是第 3 阶段“建设实施”" in text
    rollout = html[html.index('id="rollout"'):html.index('id="data"')]
    assert "未完成" in rollout and ">—<" not in rollout


def test_the_street_office_contact_is_shown_where_the_city_gives_one(small, tmp_path):
    _, html = _page(_copy(small, tmp_path), C)
    assert "联系试验街道办事处" in html
    assert '<a class="juwu-phone" href="tel:0571-8765432">0571-8765432</a>' in html
    assert "试验路 9 号一楼" in html and "周一至周五 8:30-17:00" in html


def test_without_an_office_the_hotline_is_given(small, tmp_path):
    _, html = _page(_copy(small, tmp_path, office=None), C)
    assert "0571-8765432" not in html and "办事处" in html
    assert 'href="tel:12345"' in html


def test_the_office_of_another_street_is_not_shown(small, tmp_path):
    other = OFFICE.replace("319902002", "319902001")
    _, html = _page(_copy(small, tmp_path, office=other), C)
    assert "0571-8765432" not in html


def test_an_office_text_is_escaped(small, tmp_path):
    hostile = OFFICE.replace("试验路 9 号一楼", '"<script>alert(1)</script>"')
    _, html = _page(_copy(small, tmp_path, office=hostile), C)
    assert "<script>alert(1)" not in html and "&lt;script&gt;" in html


@pytest.mark.parametrize("office, field", [
    ('street_offices:\n  "319902002": {phone: "13912345678"}\n', "street_offices.319902002.phone"),
    ('street_offices:\n  "319902002": {phone: "0571 876 5432"}\n', "street_offices.319902002.phone"),
    ('street_offices:\n  "3199020": {phone: "0571-8765432"}\n', "street_offices.3199020"),
    ('street_offices: 0571-8765432\n', "street_offices"),
])
def test_a_mobile_or_a_malformed_office_is_a_city_setting_error(small, tmp_path, office, field):
    result = validate_city(_copy(small, tmp_path, office=office))
    found = [p for p in result.problems.errors if p.code == "city-setting"]
    assert [p.field for p in found] == [field]
    assert found[0].file == "city.yaml" and found[0].zh and found[0].en


def test_the_built_page_has_no_version_but_a_committee_page_does(small, tmp_path):
    data = _copy(small, tmp_path)
    site = tmp_path / "site"
    result = build(BuildPaths.for_data(data, site))
    assert result.built
    without = (site / "c" / C / "index.html").read_text(encoding="utf-8")
    with_committee = (site / "c" / A / "index.html").read_text(encoding="utf-8")
    assert "juwu-data-version" not in without and "数据版本" not in without
    assert re.search(r"data-juwu-version>[0-9a-f]{8} · [0-9]{4}-[0-9]{2}-[0-9]{2}<", with_committee)
    package = (site / "c" / C / "data" / "datapackage.json").read_text(encoding="utf-8")
    assert '"version"' not in package


def test_the_shell_drops_only_an_empty_version_line():
    shell = Shell.parse('<main><p>JUWUCONTENTTOKEN</p></main>\n<div class="juwu-data-version md-typeset">'
                        '数据版本：<span data-juwu-version>JUWUVERSIONTOKEN</span></div>\n<footer>x</footer>', "")
    assert "数据版本" not in shell.fill("t", "c", "c/1/", "")
    assert shell.fill("t", "c", "c/1/", "").endswith("<footer>x</footer>")
    assert "数据版本：<span data-juwu-version>ab12cd34 · 2024-01-01</span>" in shell.fill("t", "c", "c/1/",
                                                                                          "ab12cd34 · 2024-01-01")


def test_the_findings_notice_of_a_community_without_committee_names_its_street_office(small, tmp_path):
    from generator.print.html import print_environment, render_sheet
    from generator.print.select import Request, select_sheets

    for office, shown in ((OFFICE, True), (None, False)):
        data = _copy(small, tmp_path / ("with" if shown else "without"), office=office)
        city = validate_city(data).city
        sheets = select_sheets(city, Request(sheet="findings", community=C)).sheets
        html = render_sheet(print_environment(), sheets[0])
        assert ("试验街道办事处：<b>0571-8765432</b>" in html) is shown
        assert "街道盖章" in html
