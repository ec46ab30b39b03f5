"""Masking is remembered per text (issue 20): a remembered answer must be the answer for that text."""

from markupsafe import Markup

from generator import personal
from generator.site.privacy import mask_personal
from generator.site.render import _finalize


def test_a_str_and_a_markup_of_the_same_text_keep_their_own_type():
    text = "<b>委员会公告</b>"
    assert type(mask_personal(Markup(text))) is Markup
    assert type(mask_personal(text)) is str  # not the Markup remembered for the same characters
    # A template printing the plain text escapes it: a remembered Markup would have slipped through.
    assert "<b>" not in str(Markup("{}").format(_finalize(text)))


def test_the_same_text_twice_is_masked_the_same_and_finds_are_not_shared():
    text = "联系人 13912345678，住幸福路12号3室"
    assert mask_personal(text) == mask_personal(text) == "联系人 139****5678，住幸福路**号*室"
    first = personal.find(text)
    first.clear()  # a caller changing its list changes nothing for the next caller
    assert [f.kind for f in personal.find(text)] == [personal.MOBILE, personal.ADDRESS]
