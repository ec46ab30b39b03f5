"""Telling a file that mixes UTF-8 and GBK from one in GBK alone.

GB18030 gives a character to almost any pair of bytes, so a GBK file with a UTF-8 part pasted in
decodes without an error and the UTF-8 part comes out garbled (张三 becomes 寮犱笁). A UTF-8
Chinese character is three bytes, E3–E9 then two bytes 80–BF; GBK text contains such a sequence
only by chance. The evidence that a file holds UTF-8 Chinese is a run of such characters that
are all ordinary Chinese (in GB2312, which every Chinese input method types) and either at least
MIN_RUN long, or a whole run of non-ASCII bytes between ASCII ones (a cell, a value, a line),
which GBK, whose characters are two bytes, cannot give with one or two of them. By chance, GBK
text gives such a run about once in 10^9 positions.
"""

from __future__ import annotations

import re

MIN_RUN = 3
# Three-byte UTF-8 for U+3000–U+9FFF (CJK punctuation, kana, ideographs) and U+FF00–U+FFFF (full-width forms).
_UTF8_WIDE = re.compile(rb"(?:[\xe3-\xe9][\x80-\xbf]{2}|\xef[\xbc-\xbf][\x80-\xbf])+")


def utf8_chinese_spans(data: bytes) -> list[tuple[int, int]]:
    """(start, end) byte offsets of the runs of UTF-8 Chinese text in `data`, by the rule above."""
    spans = []
    for match in _UTF8_WIDE.finditer(data):
        start, end = match.span()
        bounded = (start == 0 or data[start - 1] < 0x80) and (end == len(data) or data[end] < 0x80)
        text = match.group().decode("utf-8")  # the pattern only matches valid UTF-8
        for first, last in _ordinary_segments(text):
            whole = first == 0 and last == len(text)
            if last - first >= MIN_RUN or (whole and bounded):
                spans.append((start + 3 * first, start + 3 * last))  # every character here is 3 bytes
    return spans


def _ordinary_segments(text: str) -> list[tuple[int, int]]:
    """Maximal runs of characters that are in GB2312, as (first, last) character indexes."""
    segments = []
    first = None
    for i, ch in enumerate(text):
        if _ordinary(ch):
            first = i if first is None else first
        elif first is not None:
            segments.append((first, i))
            first = None
    if first is not None:
        segments.append((first, len(text)))
    return segments


def _ordinary(ch: str) -> bool:
    try:
        ch.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True
