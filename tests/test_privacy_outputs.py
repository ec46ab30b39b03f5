"""Personal numbers and home addresses never reach the site, whatever their spelling (issue 13).

A city has the same hostile values planted in every kind of free text a committee writes; its
validation is checked (mobiles and addresses: warnings that promise masking; ID and bank card
numbers: errors), then it is built with those errors let through — the defence behind the
validation — and every text file the build wrote (pages, CSV, JSON, Atom feeds, sitemap, search
documents) and the printed sheets are read back, normalised the way the detector normalises, and
searched for the numbers as bare digits: whatever separators, tags or Markdown marks stood
between the digits, a leak is found.
"""

from __future__ import annotations

import re
import shutil
import unicodedata
from pathlib import Path

import pytest

from generator import build as build_module
from generator.build import build
from generator.config import BuildPaths
from generator.print.html import print_environment, render_sheet
from generator.print.select import Request, select_sheets
from generator.problems import Problems
from generator.gather import validate_city
from tests.cityfixture import A, read_table, set_cell, set_yaml, small_city  # noqa: F401 - fixture


def luhn_complete(stem: str) -> str:
    """stem and the Luhn check digit that makes it a valid card number (written here, not imported)."""
    total = 0
    for i, ch in enumerate(reversed(stem)):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d // 10 + d % 10
    return stem + str((10 - total % 10) % 10)


def wide(text: str) -> str:
    return "".join(chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ch for ch in text)


CARD16 = luhn_complete("622202123456789")
CARD19 = luhn_complete("623456789012345678")
# (as written, the digits that must never appear)
MOBILES = [
    (wide("13912345678"), "13912345678"),
    ("+86 139 2234 5678", "13922345678"),
    ("0086-13932345678", "13932345678"),
    ("(+86)13942345678", "13942345678"),
    ("139.5234.5678", "13952345678"),
    ("139/6234/5678", "13962345678"),
    ("1\u200b3\u200c9\u200d7\u20602\ufeff345678", "13972345678"),
    ("139\u00a08234\u00a05678", "13982345678"),
    ("139\u3000\uff0d9234\uff0d5678", "13992345678"),
    ("8613512345678", "13512345678"),
]
REFUSED = [
    ("110101 19900307 123X", "11010119900307123X"),
    (wide("110101198506152345"), "110101198506152345"),
    ("110101850615123", "110101850615123"),
    (" ".join(CARD16[i:i + 4] for i in range(0, 16, 4)), CARD16),
    (wide(CARD19[:6]) + "-" + CARD19[6:], CARD19),
]
REFUSED_CODES = ["id-number"] * 3 + ["bank-card"] * 2
ADDRESS = ("幸福路88弄7号1203室", "幸福路", "7号1203")  # (as written, kept, never shown)
BODY_ONLY = [("137**1234**5678", "13712345678"), ("137`1234`5679", "13712345679")]  # Markdown marks


# (file, where, marker): every kind of free text, each with a marker that proves it was published.
# Each field gets one spelling of each kind (its schema caps its length), turn by turn, so every
# spelling is in some field; the report's body gets them all.
FIELDS = [
    ("finance/2024-02.csv", ("cell", 0, "summary"), "标记甲"),
    ("finance/2024-02.csv", ("cell", 1, "funding_source"), "标记乙"),  # at most 40 characters
    ("finance/2024-02.yaml", ("yaml", "review.opinion"), "标记丙"),
    ("opinions.csv", ("cell", 0, "content"), "标记丁"),
    ("opinions.csv", ("cell", 0, "answer"), "标记戊"),
    ("opinions.csv", ("cell", 1, "subject"), "标记己"),
    ("committee.yaml", ("yaml", "office.address"), "标记庚"),
    ("committee.yaml", ("yaml", "report_box"), "标记辛"),
    ("members.csv", ("cell", 0, "duties"), "标记壬"),
]
SHORT = {"funding_source"}


def planted(i: int, with_refused: bool) -> str:
    marker, field = FIELDS[i][2], FIELDS[i][1][-1]
    values = [MOBILES[i % len(MOBILES)][0]]
    if field not in SHORT:
        values += ([REFUSED[i % len(REFUSED)][0]] if with_refused else []) + [ADDRESS[0]]
    return marker + "；".join(values)


REPORT = "reports/2024-03-20-q1-meeting.md"
TEXT_SUFFIXES = {".html", ".csv", ".json", ".xml", ".txt", ".svg", ".js"}


def plant(data: Path, with_refused: bool) -> None:
    folder = data / "communities" / A
    for i, (file, where, _) in enumerate(FIELDS):
        text = planted(i, with_refused)
        if where[0] == "cell":
            set_cell(folder / file, where[1], where[2], text)
        else:
            set_yaml(folder / file, where[1], text.replace('"', ""))
    report = folder / REPORT
    head, _, body = report.read_text("utf-8").partition("\n---\n")
    head = re.sub(r'(?m)^title: .*$', f'title: "报告标题标记{MOBILES[1][0]}"', head)
    values = MOBILES + (REFUSED if with_refused else []) + BODY_ONLY
    extra = "\n\n正文标记\n\n" + "\n\n".join(v for v, _ in values) + "\n\n" + ADDRESS[0] + "\n"
    report.write_text(head + "\n---\n" + body + extra, "utf-8")


def digit_stream(text: str) -> str:
    """The text's digits (and X) only, normalised the way the detector normalises: any separator,
    tag, entity-free mark or invisible character between two digits is gone."""
    out = []
    for ch in text:
        if unicodedata.category(ch) == "Cf":
            continue
        d = unicodedata.decimal(ch, None)
        piece = str(d) if d is not None else unicodedata.normalize("NFKC", ch)
        out.append(re.sub("[^0-9Xx]", "", piece).upper())
    return "".join(out)


def flat_text(text: str) -> str:
    return re.sub(r"\s+", "", "".join(ch for ch in unicodedata.normalize("NFKC", text)
                                      if unicodedata.category(ch) != "Cf"))


def text_files(*roots: Path) -> dict[str, str]:
    return {str(p): p.read_text("utf-8", errors="replace") for root in roots for p in sorted(root.rglob("*"))
            if p.is_file() and p.suffix in TEXT_SUFFIXES}


@pytest.fixture(scope="module")
def hostile_city(small_city, tmp_path_factory) -> Path:
    data = tmp_path_factory.mktemp("hostile") / "data"
    shutil.copytree(small_city, data)
    plant(data, with_refused=True)
    return data


@pytest.fixture(scope="module")
def hostile_build(hostile_city, tmp_path_factory):
    """The hostile city built with its ID and bank card errors let through, as if validation had
    missed them: (site, search documents folder, printed sheets' HTML)."""
    site = tmp_path_factory.mktemp("hostile_site") / "site"
    real = build_module.validate_city

    def letting_refused_through(*args, **kwargs):
        validation = real(*args, **kwargs)
        validation.problems = Problems()
        validation.problems.extend(p for p in real(*args, **kwargs).problems.sorted()
                                   if p.code not in ("id-number", "bank-card"))
        return validation

    mp = pytest.MonkeyPatch()
    mp.setattr(build_module, "validate_city", letting_refused_through)
    try:
        result = build(BuildPaths(data=hostile_city, site=site))
    finally:
        mp.undo()
    assert result.built, [p.en for p in result.problems.errors][:5]
    city = letting_refused_through(hostile_city).city
    env = print_environment()
    sheets = [render_sheet(env, s) for req in (Request("period", community=A, period="2024-02"),
                                               Request("report", community=A, report="2024-03-20-q1-meeting"),
                                               Request("roster", community=A))
              for s in select_sheets(city, req).sheets]
    return site, BuildPaths(data=hostile_city, site=site).cache, sheets


def _privacy_problems(data: Path) -> dict[tuple[str, str | None], list]:
    found: dict[tuple[str, str | None], list] = {}
    for p in validate_city(data).problems.sorted():
        if p.code in ("id-number", "bank-card", "personal-mobile", "home-address"):
            found.setdefault((p.file.removeprefix(f"communities/{A}/"), p.field), []).append(p)
    return found


def test_validation_refuses_id_and_card_numbers_in_every_field(hostile_city):
    found = _privacy_problems(hostile_city)
    for i, (file, where, _) in enumerate(FIELDS):
        kind = REFUSED_CODES[i % len(REFUSED)]
        expected = [("personal-mobile", "warning")] if where[-1] in SHORT else [(kind, "error")]
        assert [(p.code, p.severity) for p in found[(file, where[-1])]] == expected, where
    body = [p.code for p in found[(REPORT, None)]]
    assert body.count("id-number") == 3 and body.count("bank-card") == 2
    values = [p.value or "" for ps in found.values() for p in ps]
    assert not [v for v in values if any(n in digit_stream(v) for _, n in MOBILES + REFUSED)]


def test_validation_warns_in_every_field_that_the_site_masks(small_city, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(small_city, data)
    plant(data, with_refused=False)
    found = _privacy_problems(data)
    for file, where, _ in FIELDS:
        [p] = found[(file, where[-1])]
        assert (p.code, p.severity) == ("personal-mobile", "warning") and p.value.endswith("****5678"), where
        if where[-1] not in SHORT:
            assert "住址" in p.zh and "address" in p.en  # the cell's address is announced with it
    assert {p.code for p in found[(REPORT, None)]} == {"personal-mobile", "home-address"}
    assert not [p for ps in found.values() for p in ps if p.severity == "error"]


def test_each_refused_spelling_is_an_error_on_its_own(small_city, tmp_path):
    for i, (written, _) in enumerate(REFUSED):
        data = tmp_path / str(i)
        shutil.copytree(small_city, data)
        line = set_cell(data / "communities" / A / "opinions.csv", 0, "content", f"证件 {written} 已核对")
        codes = {(p.code, p.row, p.field) for p in validate_city(data).problems.errors}
        assert codes & {("id-number", line, "content"), ("bank-card", line, "content")}, written


def test_no_output_file_holds_a_personal_number_in_any_spelling(hostile_build):
    site, cache, sheets = hostile_build
    files = text_files(site, cache) | {f"sheet {i}": html for i, html in enumerate(sheets)}
    search_documents = str(cache / "search") + "/"
    assert sum(name.startswith(search_documents) for name in files) > 10, "the search documents were read"
    numbers = [n for _, n in MOBILES + REFUSED + BODY_ONLY]
    leaks = [(name, n) for name, text in files.items() for n in numbers if n in digit_stream(text)]
    assert leaks == []


def test_members_mobiles_never_appear_whole(hostile_build, hostile_city):
    site, cache, sheets = hostile_build
    header, rows = read_table(hostile_city / "communities" / A / "members.csv")
    mobiles = [r[header.index("mobile")] for r in rows if r[header.index("mobile")]]
    assert mobiles
    streams = [digit_stream(t) for t in text_files(site, cache).values()] + [digit_stream(s) for s in sheets]
    assert not [m for m in mobiles for s in streams if m in s]


def test_every_planted_field_was_published_masked(hostile_build):
    site, cache, sheets = hostile_build
    texts = {name: flat_text(t) for name, t in (text_files(site, cache) | {"sheets": "".join(sheets)}).items()}
    everything = "".join(texts.values())
    for _, _, marker in FIELDS + [(None, None, "正文标记"), (None, None, "报告标题标记")]:
        assert marker in everything, f"{marker} never published: the test would prove nothing"
    assert "139****5678" in everything and "137****5678" in everything
    address, kept, hidden = ADDRESS
    assert kept + "**弄*号****室" in everything
    assert not [name for name, t in texts.items() if hidden in t]
    for kind in (".csv", ".json", "feed.xml", "sheets"):  # each output kind really carries the text
        assert any(name.endswith(kind) and "139****5678" in t for name, t in texts.items()), kind


def test_search_documents_and_page_titles_are_masked(hostile_build):
    site, cache, _ = hostile_build
    page = (site / "c" / A / "reports" / "2024-03-20-q1-meeting" / "index.html").read_text("utf-8")
    title = re.search(r"<title>(.*?)</title>", page, re.S).group(1)
    assert "报告标题标记" in title and "139****5678" in title
    documents = "".join(p.read_text("utf-8") for p in (cache / "search").rglob("*.html"))
    assert "标记甲" in documents and "正文标记" in documents  # a ledger summary and a report's body
    assert "139****5678" in documents
