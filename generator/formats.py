"""Shared pieces for reading what clerks type into cells: the error type and cell normalisation."""

from __future__ import annotations

import re

# Full-width and look-alike characters Chinese input methods produce, mapped to ASCII.
# Letters are deliberately left alone: only digits and punctuation are normalised.
_EXTRA = {
    "\u3000": " ",  # ideographic space
    "\u00a0": " ",  # no-break space (Excel's accounting formats pad with it)
    "\u202f": " ",  # narrow no-break space
    "\uffe5": "\u00a5",  # ￥ full-width yen/yuan sign -> ¥
    "\u2212": "-",  # minus sign, as pasted from Word
}
# Not whitespace to str.strip(), but invisible and common at cell edges in pasted text.
_EDGES = re.compile("^[\\s\u200b\u200c\u200d\u2060\ufeff]+|[\\s\u200b\u200c\u200d\u2060\ufeff]+\\Z")


class FormatError(ValueError):
    """A cell's text is not in the expected format; carries messages in Chinese and English.

    `code` is a stable slug (e.g. "amount-decimals"), `expected` a short example of the right format.
    Messages never quote the cell: the caller knows the cell and decides what may be shown.
    """

    def __init__(self, zh: str, en: str, expected: str, code: str = "format") -> None:
        super().__init__(f"{zh} / {en}")
        self.zh = zh
        self.en = en
        self.expected = expected
        self.code = code


def _half_width(ch: str) -> str:
    o = ord(ch)
    if 0xFF01 <= o <= 0xFF5E:  # the full-width ASCII block: same order, fixed offset
        half = chr(o - 0xFEE0)
        return ch if half.isalpha() else half
    return _EXTRA.get(ch, ch)


_TABLE = str.maketrans({chr(o): _half_width(chr(o)) for o in range(0xFF01, 0xFF5F)} | _EXTRA)


def strip_cell(text: str) -> str:
    """Strip surrounding spaces (also ideographic and zero-width) and nothing else: for free text."""
    return text.strip() if text.isascii() else _EDGES.sub("", text)


def normalise_cell(text: str) -> str:
    """Map full-width digits/punctuation to ASCII and strip surrounding (also ideographic) spaces."""
    if not isinstance(text, str):
        # A float or int here means a spreadsheet reader already guessed a type: refuse loudly.
        raise TypeError(f"cell text must be str, not {type(text).__name__}")
    if text.isascii():
        return text.strip()
    return _EDGES.sub("", text.translate(_TABLE))
