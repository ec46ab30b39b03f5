"""Findings as the site publishes them: on the community page, on the 督办 lists (each with a CSV
of exactly its rows), in each district's feed; never naming the private people of officials.csv."""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET

from generator.gather import validate_city
from tests.conftest import DATA, read_csv_rows


def _findings():
    return validate_city(DATA).problems.findings


def test_the_avoidance_finding_names_the_member_never_the_official(built_site):
    [p] = [p for p in _findings() if p.code == "avoidance"]
    officials = read_csv_rows(DATA / "communities" / p.community / "officials.csv")
    official = next(o for o in officials if o["relative"] == p.value)
    page = (built_site / "c" / p.community / "index.html").read_text(encoding="utf-8")
    assert p.value in page and "应当回避" in page
    assert official["name"] not in page and "officials.csv 第" not in page and official["relation"] not in page
    for path in built_site.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".csv", ".json", ".xml"):
            assert official["name"] not in path.read_text(encoding="utf-8", errors="ignore"), path


def test_every_open_finding_is_on_its_community_page_and_its_district_list(built_site):
    found = [p for p in _findings() if p.closed is None]
    assert found
    for p in found:
        page = (built_site / "c" / p.community / "index.html").read_text(encoding="utf-8")
        assert 'id="findings"' in page and p.public_zh.split("（")[0][:12] in page, p
    for district in {p.community[:6] for p in found}:
        listed = (built_site / "supervision" / "d" / district / "index.html").read_text(encoding="utf-8")
        rows = list(csv.DictReader(io.StringIO(
            (built_site / "supervision" / "d" / district / "findings.csv").read_text(encoding="utf-8-sig"))))
        expected = [p for p in found if p.community[:6] == district]
        assert len(rows) == len(expected) == listed.count("#findings\">")
        assert sorted(r["rule"] for r in rows) == sorted(p.code for p in expected)


def test_a_rule_filter_lists_only_that_rule_and_its_csv_matches(built_site):
    pages = sorted((built_site / "supervision" / "d").glob("*/rule-*/index.html"))
    assert pages
    for page in pages:
        code = page.parent.name.removeprefix("rule-")
        rows = list(csv.DictReader(io.StringIO((page.parent / "findings.csv").read_text(encoding="utf-8-sig"))))
        assert rows and {r["rule"] for r in rows} == {code}
        assert page.read_text(encoding="utf-8").count("#findings\">") == len(rows)


def test_closed_findings_stay_on_record_and_feeds_carry_both(built_site):
    closed = [p for p in _findings() if p.closed is not None]
    assert closed
    p = closed[0]
    page = (built_site / "c" / p.community / "index.html").read_text(encoding="utf-8")
    assert "已整改的问题" in page
    feeds = list((built_site / "supervision" / "d").glob("*/feed.xml"))
    titles = [e.text for f in feeds for e in ET.parse(f).getroot().iter("{http://www.w3.org/2005/Atom}title")]
    assert any("已整改" in (t or "") for t in titles) and any("发现问题" in (t or "") for t in titles)


def test_the_home_page_counts_open_findings_and_links_the_supervision_page(built_site):
    home = (built_site / "index.html").read_text(encoding="utf-8")
    n = len([p for p in _findings() if p.closed is None])
    assert re.search(rf"尚未整改的问题：<strong>{n}</strong>", home)
    assert 'href="supervision/"' in home


def test_a_long_list_is_cut_on_the_page_and_whole_in_its_csv(monkeypatch):
    from generator.site import findings
    from generator.site.pages import site_pages
    from generator.site.render import environment, render_page

    city = validate_city(DATA).city
    monkeypatch.setattr(findings, "LIST_LIMIT", 2)
    page = next(p for p in site_pages(city) if p.template == "supervision_list.html" and p.context["total"] > 2)
    html = render_page(environment(), page)
    assert html.count('#findings">') == 2 and "本页列出前 2 个" in html
    rel = page.path + "findings.csv"
    rows = list(csv.DictReader(io.StringIO(findings.published(city)[rel].decode("utf-8-sig"))))
    assert len(rows) == page.context["total"]


def test_every_findings_csv_is_its_list_encoded_on_its_own():
    """The lists' CSVs share each finding's encoded line (a finding is in three or four lists):
    each is byte for byte the CSV of its own rows, encoded alone."""
    from generator.site import findings
    from generator.site.tablefiles import Field, csv_file, rows_csv

    city = validate_city(DATA).city
    fields = [Field(name, title, "integer" if name == "age_days" else "date" if name in ("since", "due")
                    else "string") for name, title in findings.CSV_FIELDS]

    def alone(found) -> bytes:
        return csv_file(fields, rows_csv(fields, findings.csv_rows(found, city.as_of, city.settings.site_url)))

    files = findings.published(city)
    lists = findings.district_lists(city)
    assert len(lists) > len(city.districts) and any(found for *_, found, _ in lists)
    assert files[f"{findings.HOME}findings.csv"] == alone(findings.open_of(city.communities))
    for _, path, _, found, _ in lists:
        assert files[f"{path}findings.csv"] == alone(found), path
