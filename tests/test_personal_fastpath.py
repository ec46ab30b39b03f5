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
