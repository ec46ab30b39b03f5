"""The detector behind validation and masking (generator/personal.py), spelling by spelling, and the
two low-severity text attacks of issue 13: full-width formula starts in CSV downloads, and `<` in
a report's code spans."""

from __future__ import annotations

import pytest

from generator import personal
from generator.site.tablefiles import Field, neutralise, rows_csv
from generator.site.markdown import render_markdown
from generator.site.privacy import mask_personal

MOBILE_SPELLINGS = [
    "１３９１２３４５６７８", "+86 13912345678", "+8613912345678", "0086 139 1234 5678", "(+86)139-1234-5678",
    "8613912345678", "139 1234 5678", "139-1234-5678", "139.1234.5678", "139/1234/5678", "139\u00a01234\u00a05678",
    "139\u30001234\u30005678", "1\u200b3\u200c9\u200d1\u206023\ufeff45678", "139\u20131234\u20145678",
    "１３９－１２３４－５６７８", "①③⑨①②③④⑤⑥⑦⑧",
]


@pytest.mark.parametrize("written", MOBILE_SPELLINGS)
def test_a_mobile_in_any_spelling_is_masked_and_the_text_around_it_kept(written):
    assert mask_personal(f"居民（电话{written}）反映") == "居民（电话" + _prefix(written) + "139****5678）反映"


def _prefix(written: str) -> str:
    """What stands before the mobile's own digits stays as written (+86 is not personal)."""
    for prefix in ("(+86)", "+86 ", "+86", "0086 ", "86"):
        if written.startswith(prefix) and len([c for c in written if c.isdigit()]) > 11:
            return prefix
    return ""


@pytest.mark.parametrize("written", [
    "110101199003071234", "11010119900307123X", "11010119900307123x", "110101 19900307 123X",
    "110101-1990-0307-1234", "１１０１０１１９９００３０７１２３４", "1101011990030\u200b71234", "110101900307123",
])
def test_id_numbers_in_any_spelling_are_found_and_masked_whole(written):
    [found] = personal.find(f"证件号{written}。")
    assert found.kind == personal.ID
    assert mask_personal(f"证件号{written}。") == "证件号" + "*" * len(found.digits) + "。"


def _luhn(stem: str) -> str:
    total = sum(d // 10 + d % 10 for d in (int(c) * (2 if i % 2 == 0 else 1) for i, c in enumerate(reversed(stem))))
    return stem + str((10 - total % 10) % 10)


@pytest.mark.parametrize("digits", [_luhn("622202123456789"), _luhn("62345678901234567"), _luhn("423456789012345678")])
def test_bank_card_numbers_in_any_spelling(digits):
    for written in (digits, " ".join(digits[i:i + 4] for i in range(0, len(digits), 4)),
                    "".join(chr(ord(c) + 0xFEE0) for c in digits)):
        assert [f.kind for f in personal.find(f"卡号：{written}")] == [personal.BANK], written
    wrong = digits[:-1] + str((int(digits[-1]) + 1) % 10)
    assert personal.find(f"卡号：{wrong}") == []  # not Luhn-valid: an ordinary long number


@pytest.mark.parametrize("written, shown", [
    ("住幸福路123号5室", "住幸福路***号*室"),
    ("家住XX弄3号201，", "家住XX弄*号***，"),
    ("华庭里3栋2单元501室", "华庭里*栋*单元***室"),
    ("住2号楼1502。", "住*号楼****。"),
    ("３号楼２０１室", "*号楼***室"),
])
def test_home_addresses_down_to_the_flat_are_masked_below_the_street(written, shown):
    assert mask_personal(written) == shown


@pytest.mark.parametrize("text", [
    "3号楼道灯维修", "5号楼3层会议室", "地点：党群服务中心3楼301室", "社区卫生服务站2楼203室", "幸福路123号",
    "灭火器20具×85", "春节慰问困难群众 (30户×300)", "2室1厅", "3栋2单元楼道粉刷",
    "收入 15,000.00 元，支出 12,000.00 元", "合同编号 123456789012345678，票据 20240301000012",
    "记-2024-01-001", "021-69381500", "工作日 9:00-12:00，13:30-17:30", "社区代码 319901001002",
])
def test_ordinary_text_is_left_alone(text):
    assert personal.find(text) == [] and mask_personal(text) == text


def test_numbers_next_to_other_numbers_are_still_found():
    assert mask_personal("2024-01-05 13912345678 2人") == "2024-01-05 139****5678 2人"
    assert mask_personal("0 13912345678") == "0 139****5678"


def test_markdown_marks_between_digits_do_not_hide_a_mobile():
    for body in ("电话 139**1234**5678", "电话 139_1234_5678", "电话 `139`1234`5678`", "电话 139~~1234~~5678"):
        html = render_markdown(body)
        assert "139****5678" in html and "1234" not in html, body


def test_an_html_entity_cannot_spell_a_digit_past_the_masking():
    html = render_markdown("电话 13&#57;12345678")
    assert "&amp;#57;" in html  # shown as the text &#57;, never decoded to 9


# --- issue 13 item 2 ---------------------------------------------------------------------------

@pytest.mark.parametrize("cell", ["＝1+1", "＋1", "－1", "＠SUM(A1)", "=1+1", "\u200b=1+1", " =1+1", "﹦1+1",
                                  "\t=1", "\r=1"])
def test_formula_starts_are_neutralised_in_any_width(cell):
    assert neutralise(cell) == "'" + cell
    assert rows_csv([Field("x", "x")], [[cell]]).startswith("\"'" if "\r" in cell else "'")


@pytest.mark.parametrize("cell", ["1+1", "中文＝", "a-b", "（＝）"])
def test_ordinary_cells_are_not_touched(cell):
    assert neutralise(cell) == cell


def test_code_spans_show_less_than_signs_once_escaped():
    html = render_markdown("比较 `a<b` 与 `<script>alert(1)</script>`；正文 <script>x</script> & 1<2")
    assert "<code>a&lt;b</code>" in html
    assert "<code>&lt;script&gt;alert(1)&lt;/script&gt;</code>" in html
    assert "&amp;lt;" not in html and "<script" not in html
    assert "正文 &lt;script&gt;x&lt;/script&gt; &amp; 1&lt;2" in html


def test_code_blocks_and_tables_keep_their_characters():
    html = render_markdown("    if a < b && c > d:\n\n| 条件 | 值 |\n|---|---|\n| `x<y` | 1 |\n")
    assert "if a &lt; b &amp;&amp; c &gt; d:" in html
    assert "<code>x&lt;y</code>" in html
