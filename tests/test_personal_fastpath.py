"""personal.find skips ASCII text with fewer than 11 digits without normalising or matching it
(a quarter of the detector's time on a city's ledgers: dates and amounts); the skip must never
hide a find."""

from __future__ import annotations

from hypothesis import given, settings, strategies as st

from generator import personal

_ASCII = st.text(alphabet=st.sampled_from(list("0123456789 -./()+#xX,;:abcQ\t")), max_size=40)


@settings(max_examples=600, deadline=None)
@given(_ASCII, st.booleans())
def test_skip_never_hides_a_find(text, markdown):
    assert personal.find(text, markdown) == personal._find(text, markdown)


def test_eleven_ascii_digits_are_still_read():
    assert [f.kind for f in personal.find("call 139-1234-5678")] == [personal.MOBILE]
    assert personal.find("2024-05-01 1286.50") == []
    assert [f.kind for f in personal.find("１３９１２３４５６７８")] == [personal.MOBILE]  # not ASCII: read in full


_UNICODE = st.text(alphabet=st.one_of(
    st.sampled_from(list("记账王美萍号楼室０１２３４５６７８９①⑳㉑٣\u200b\u200d\ufeff\u00ad\u3000ﬁＡ－—")),
    st.characters(codec="utf-8")), max_size=30)


@settings(max_examples=800, deadline=None)
@given(_UNICODE)
def test_normalise_fast_path_is_the_character_loop(text):
    norm, where = personal.normalise(text)
    expected, expected_where = personal._normalise_each(text)
    assert (norm, list(where)) == (expected, list(expected_where))


# Text near the skip's edge: ten or eleven digits in any width, the parts of an address (单元, and
# 元 alone, which money writes), separators, Markdown marks, invisible characters.
_NEAR_A_NUMBER = st.lists(st.sampled_from(
    list("0123456789１３９①٣𝟏 -./*~`\u200b号栋幢座弄楼层室单元路院住元年月日委员会服务中心") + ["单元", "号楼", "139", "２０２４"]),
    max_size=30).map("".join)


@settings(max_examples=1500, deadline=None)
@given(_NEAR_A_NUMBER, st.booleans())
def test_the_skip_of_text_that_cannot_hold_a_number_or_an_address_never_hides_a_find(text, markdown):
    # _find skips matching when the normalised text has fewer than 11 digits and none of the
    # characters an address is numbered with: the matcher itself must find nothing there.
    norm, where = personal.normalise(text)
    assert personal._find(text, markdown) == personal._match(norm, where, markdown)


def test_text_with_few_digits_and_no_address_part_is_skipped_without_matching(monkeypatch):
    called = []
    real = personal._match
    monkeypatch.setattr(personal, "_match", lambda *a: called.append(a) or real(*a))
    assert personal._find("2024年3月的收支明细逾期 45 天公开，共 120元", False) == []
    assert called == []
    assert [f.kind for f in personal._find("住3栋2单元501室", False)] == [personal.ADDRESS]
    assert [f.kind for f in personal._find("电话１３９１２３４５６７８", False)] == [personal.MOBILE]
    assert len(called) == 2
