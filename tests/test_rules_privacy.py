"""Personal data: ID and bank card numbers refused anywhere; mobiles and home addresses warned
about, in any spelling, and masked by the site exactly as the warning says."""

from __future__ import annotations

from generator.site.privacy import mask_mobile
from tests.cityfixture import (  # noqa: F401 - fixtures
    A, city, flat, of_code, set_cell, set_yaml, small_city,
)

FIN = f"communities/{A}/finance"
ID = "110101199003071234"
REPORT = f"communities/{A}/reports/2024-03-20-q1-meeting.md"


def test_no_personal_data_in_the_demo(small_city):
    assert not {"id-number", "bank-card", "personal-mobile", "home-address"} & {p[0] for p in flat(small_city)}


def test_id_number_in_a_ledger_summary(city):
    line = set_cell(city / FIN / "2024-02.csv", 0, "summary", f"困难补助（张三，身份证{ID}）")
    [p] = of_code(city, "id-number")
    assert (p.file, p.row, p.field, p.cell, p.severity) == (f"{FIN}/2024-02.csv", line, "summary", f"D{line}", "error")
    assert p.value == "110101********1234" and ID not in p.zh + p.en + (p.value or "")


def test_id_number_in_full_width_digits_and_with_x(city):
    wide = "".join(chr(ord(ch) + 0xFEE0) for ch in "11010119900307123") + "X"
    line = set_cell(city / f"communities/{A}/opinions.csv", 0, "content", f"来访人证件号{wide}")
    assert ("id-number", f"communities/{A}/opinions.csv", line, "content") in flat(city)


def test_id_number_in_yaml_in_a_report_and_in_officials(city):
    line = set_yaml(city / f"communities/{A}/committee.yaml", "office.address", f"联系人身份证 {ID}")
    report = city / REPORT
    text = report.read_text("utf-8").split("\n")
    text[8] += f" 身份证号 {ID}"
    report.write_text("\n".join(text), "utf-8")
    officials = city / f"communities/{A}/officials.csv"
    officials.write_text(officials.read_text("utf-8").replace(",,\n", f",{ID},\n", 1), "utf-8")
    found = {(p.file, p.row, p.field) for p in of_code(city, "id-number")}
    assert (f"communities/{A}/committee.yaml", line, "office.address") in found
    assert (REPORT, 9, None) in found
    assert any(f == f"communities/{A}/officials.csv" for f, _, _ in found)


def test_long_numbers_that_are_not_ids(city):
    set_cell(city / FIN / "2024-02.csv", 0, "summary", "合同编号 123456789012345678，票据 20240301000012")
    assert not of_code(city, "id-number")


def test_mobile_in_free_text_is_a_warning_and_is_masked_on_the_site(city):
    text = "居民（电话13812345678）反映路灯不亮"
    line = set_cell(city / f"communities/{A}/opinions.csv", 0, "content", text)
    [p] = of_code(city, "personal-mobile")
    assert (p.row, p.field, p.severity, p.value) == (line, "content", "warning", "138****5678")
    assert "打码" in p.zh
    assert "13812345678" not in mask_mobile(text)  # the promise the warning makes


def test_the_members_mobile_column_is_expected(city):
    set_cell(city / f"communities/{A}/members.csv", 3, "mobile", "13912345678")
    assert not of_code(city, "personal-mobile")


def test_a_dashed_mobile_is_a_warning_and_is_masked_too(city):
    text = "联系电话 138-1234-5678"
    line = set_cell(city / f"communities/{A}/opinions.csv", 0, "answer", text)
    [p] = of_code(city, "personal-mobile")
    assert (p.row, p.field, p.severity, p.value) == (line, "answer", "warning", "138****5678")
    assert mask_mobile(text) == "联系电话 138****5678"


def test_mobile_in_a_report_body_is_a_warning_and_is_masked_on_the_page(city):
    from generator.site.markdown import render_markdown

    report = city / REPORT
    text = report.read_text("utf-8").split("\n")
    text[10] += "（联系电话 138**1234**5678）"  # Markdown emphasis between the digits
    report.write_text("\n".join(text), "utf-8")
    [p] = of_code(city, "personal-mobile")
    assert (p.file, p.row, p.severity, p.value) == (REPORT, 11, "warning", "138****5678")
    html = render_markdown(text[10])
    assert "138****5678" in html and "<strong>" not in html


def test_an_id_number_under_an_unknown_key_still_fails(city):
    """The unknown key is a warning for the same line; the ID number's error must not be hidden by it."""
    path = city / f"communities/{A}/committee.yaml"
    path.write_text(path.read_text("utf-8") + f'contact_id: "{ID}"\n', "utf-8")
    found = [p for p in of_code(city, "id-number")]
    assert [(p.field, p.severity) for p in found] == [("contact_id", "error")]
    assert not of_code(city, "unknown-key")  # the same line: one message, the error


def test_personal_data_in_a_report_file_name_is_an_error(city):
    """The file name becomes the page's address, the feeds' links and the downloads' url column."""
    report = city / REPORT
    named = report.with_name("2024-03-21-139-1234-5678.md")
    named.write_text(report.read_text("utf-8"), "utf-8")
    [p] = of_code(city, "personal-data-in-file-name")
    assert (p.file, p.severity, p.value) == (f"communities/{A}/reports/{named.name}", "error", "2024-03-21-139****5678.md")
    assert "1234" not in p.zh + p.en + p.value


def test_an_ordinary_report_file_name_is_fine(city):
    report = city / REPORT
    report.with_name("2024-03-21-building-3-room-201.md").write_text(report.read_text("utf-8"), "utf-8")
    assert not of_code(city, "personal-data-in-file-name")


def test_a_bank_card_number_in_any_spelling_is_an_error(city):
    card = "6222 0212 3456 7894"  # passes the Luhn check
    wide = "".join(chr(ord(ch) + 0xFEE0) if ch.isdigit() else ch for ch in card)
    line = set_cell(city / FIN / "2024-02.csv", 0, "summary", f"退还押金至卡号{wide}")
    [p] = of_code(city, "bank-card")
    assert (p.file, p.row, p.field, p.severity) == (f"{FIN}/2024-02.csv", line, "summary", "error")
    assert card.replace(" ", "") not in p.zh + p.en + (p.value or "")


def test_a_home_address_down_to_the_flat_is_a_warning_and_a_building_is_not(city):
    set_cell(city / FIN / "2024-02.csv", 0, "summary", "3号楼道灯维修")
    assert not of_code(city, "home-address")
    line = set_cell(city / f"communities/{A}/opinions.csv", 0, "content", "住幸福路88弄7号1203室的居民反映漏水")
    [p] = of_code(city, "home-address")
    assert (p.row, p.field, p.severity) == (line, "content", "warning")
