"""Personal data in free text, however it is spelled: the one detector that validation warns with
and the site masks with (DISCLOSURE.md, PIPL).

Text is normalised before anything is looked for, one character at a time, keeping where each
normalised character came from, so a match maps back to the span of the text as written and the
text around it stays exactly as written:
- any decimal digit (full-width １, Arabic-Indic, mathematical 𝟏 …) becomes its ASCII digit, and
  every other character is NFKC-normalised (circled ①, superscript ¹, full-width －．／＋ and the
  ideographic space become their ASCII forms; NBSP becomes a space);
- invisible format characters (Unicode category Cf: zero-width space/joiners U+200B–U+200D, word
  joiner U+2060, BOM U+FEFF, soft hyphen …) are dropped.
Between two digits of a number, up to five separators are allowed: white space, - . / \\ _ , · ・
and the Unicode dashes (in Markdown also * ~ ` which only format). A number starts and ends where
no digit is next to it, so "0 13912345678" still holds a mobile, and "2024-01-05 13912345678" too.

What is found (`find`):
- mobile: 1[3-9] and nine more digits, optionally after +86 / 0086 / (+86) / 86;
- id: an 18-character resident ID (6 digits, a birth date 18xx–20xx, 3 digits, a check digit or
  X) or the old 15-digit form (6 digits, YYMMDD, 3 digits);
- bank: a card number, 16–19 digits starting 3–6 (UnionPay 62, Visa 4, Mastercard 5, JCB 3)
  that passes the Luhn check;
- address: a home address down to the flat, which DISCLOSURE.md never allows below the
  street / building-complex level. The heuristic: a chain of numbered parts (弄 / 号 / 号楼 / 栋 /
  幢 / 座 / 单元 / 楼 / 层) that ends in a flat: a number with 室 ("XX路123号5室", "3栋2单元501室"),
  or a bare 3–4 digit number after 号 / 单元 / 栋 / 幢 / 座 / 楼 that no Chinese word follows
  ("XX弄3号201"); or a 3–4 digit room number with 室 on its own ("住501室"). A numbered building alone ("3号楼道灯", "5号楼3层会议室") is a public
  place, not a home, and so is a room in a named public facility: a chain right after words like
  服务中心 / 居委会 / 办公室 / 卫生 / 物业 in the same phrase ("党群服务中心3楼301室") is not a home.
  Not recognised: numbers in Chinese numerals (三栋二单元) and the "3-2-501" shorthand, which
  reads like a date; both are left to the clerk and the committee's review.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from typing import Sequence

MOBILE, ID, BANK, ADDRESS = "mobile", "id", "bank", "address"

# Characters that can stand for a digit once normalised: a cheap look before the real one.
_DIGITISH = re.compile("[\\d\u00b2\u00b3\u00b9\u2070-\u2079\u2080-\u2089\u2460-\u249b\u24ea-\u24ff"
                       "\u2776-\u2793\U0001d7ce-\U0001d7ff]")
_SEPARATORS = "\\s\\-./\\\\_,\u00b7\u30fb\u2010-\u2015\u2212"
_MARKDOWN_SEPARATORS = _SEPARATORS + "*~`"


@dataclass(frozen=True)
class Found:
    kind: str  # MOBILE | ID | BANK | ADDRESS
    start: int  # span in the text as written
    end: int
    digits: str  # the number's ASCII digits (and X); for an address, its digits

    def masked(self, text: str, star: str = "*") -> str:
        """What the site shows instead of text[start:end]."""
        if self.kind == MOBILE:
            return f"{self.digits[:3]}{star * 4}{self.digits[-4:]}"
        if self.kind == ADDRESS:  # the street and the words stay; every digit of the flat goes
            return "".join(star if _is_digit(ch) else ch for ch in text[self.start:self.end]
                           if unicodedata.category(ch) != "Cf")
        return star * len(self.digits)


def normalise(text: str) -> tuple[str, Sequence[int]]:
    """(normalised text, for each of its characters the index of the character it came from)."""
    if text.isascii():
        return text, range(len(text))
    if not text.translate(_UNEVEN):  # each character stays one character (most text): nothing to map
        return text.translate(_ONE), range(len(text))
    return _normalise_each(text)


class _Table(dict):
    """A str.translate table filled per character on first sight from what `_normalise_each`
    makes of it (a city's texts use a few thousand characters): `entry(ch, piece)` is its value."""

    def __init__(self, entry):
        super().__init__()
        self.entry = entry

    def __missing__(self, code: int):
        ch = chr(code)
        value = self[code] = self.entry(ch, _normalise_each(ch)[0])
        return value


# A character that becomes exactly one character (itself, or e.g. full-width ，１ → , 1) maps to it
# in _ONE and is deleted by _UNEVEN; one dropped or spelled out longer (a zero-width space, ½) is
# kept by _UNEVEN, and then the text is normalised character by character.
_ONE = _Table(lambda ch, piece: piece if len(piece) == 1 else ch)
_UNEVEN = _Table(lambda ch, piece: None if len(piece) == 1 else ch)


def _normalise_each(text: str) -> tuple[str, Sequence[int]]:
    out: list[str] = []
    where: list[int] = []
    for i, ch in enumerate(text):
        if ch.isascii():
            piece = ch
        elif unicodedata.category(ch) == "Cf":
            continue
        else:
            digit = unicodedata.decimal(ch, None)
            piece = str(digit) if digit is not None else unicodedata.normalize("NFKC", ch)
        out.append(piece)
        where.extend([i] * len(piece))
    return "".join(out), where


def _is_digit(ch: str) -> bool:
    return bool(_DIGITISH.match(ch)) or any(c.isdigit() for c in unicodedata.normalize("NFKC", ch))


def _patterns(separators: str) -> dict[str, re.Pattern]:
    g = f"[{separators}]{{0,5}}"  # between two digits of one number

    def digits(n: int) -> str:
        return f"[0-9](?:{g}[0-9]){{{n - 1}}}"

    prefix = f"(?:\\(?(?:\\+|00)?86\\)?{g})?"
    return {
        MOBILE: re.compile(f"(?=(?<![0-9]){prefix}(?P<n>1{g}[3-9](?:{g}[0-9]){{9}})(?![0-9]))"),
        ID: re.compile(f"(?=(?<![0-9])(?P<n>{digits(17)}{g}[0-9Xx]|{digits(15)})(?![0-9]))"),
        BANK: re.compile(f"(?=(?<![0-9])(?P<n>[3-6](?:{g}[0-9]){{15,18}})(?![0-9]))"),
    }


_PLAIN = _patterns(_SEPARATORS)
_MARKDOWN = _patterns(_MARKDOWN_SEPARATORS)

_PART = "(?:号楼|号院|号|栋|幢|座|弄|单元|楼|层)"
_ADDRESS = re.compile(
    f"(?<![0-9])(?:[0-9]+\\s?{_PART}\\s?)+(?:[0-9]+\\s?室|(?<=[号元栋幢座楼])[0-9]{{3,4}}(?![0-9\u3400-\u9fff]))"
    "|(?<![0-9])[0-9]{3,4}\\s?室")
_FACILITY = re.compile("服务中心|服务站|党群|居委会|居民委员会|委员会|办公|会议|活动|卫生|医院|诊所|学校|幼儿园|"
                       "派出所|警务|物业|食堂|助餐|大厦|写字楼|商场|超市|银行|公司|门店|商铺|市场|菜场|中心")
_MAY_BE_ADDRESS = re.compile("[号栋幢座弄楼层室]|单元")  # what every _ADDRESS match holds
_PHRASE_END = re.compile("[\\s,.;:!?()\\[\\]，。；：、！？（）【】“”\"'《》]")


def find(text: str, markdown: bool = False) -> list[Found]:
    """Every personal number and home address in text, in order, none overlapping."""
    if not text or not _DIGITISH.search(text):
        return []
    if text.isascii() and sum(map(text.count, "0123456789")) < 11:
        return []  # in ASCII a mobile has 11 digits, an ID 15 or 18, a card 16-19; an address needs 号 or 室
    return list(_found(text, markdown))


# The same text is looked at many times: a ledger line's summary on its period page, its search
# document, four downloads and the city's tables, and a category or a name on hundreds of lines.
# Found is frozen, so the answer for a text can be shared; bounded, so a long-running upload
# service does not keep every text it ever checked.
@functools.lru_cache(maxsize=1 << 16, typed=True)
def _found(text: str, markdown: bool) -> tuple[Found, ...]:
    return tuple(_find(text, markdown))


def _find(text: str, markdown: bool) -> list[Found]:
    norm, where = normalise(text)
    if sum(map(norm.count, "0123456789")) < 11 and not _MAY_BE_ADDRESS.search(norm):
        return []  # no number without 11 digits, no address without a numbered part or 室: not matched
    return _match(norm, where, markdown)


def _match(norm: str, where: Sequence[int], markdown: bool) -> list[Found]:
    patterns = _MARKDOWN if markdown else _PLAIN
    found: list[Found] = []
    for kind in (ID, BANK, MOBILE):  # an 18-digit ID can also pass the Luhn check: ID first
        for m in patterns[kind].finditer(norm):
            start, end = m.span("n")
            number = re.sub("[^0-9Xx]", "", m.group("n")).upper()
            if _valid(kind, number):
                found.append(Found(kind, where[start], where[end - 1] + 1, number))
    for m in _ADDRESS.finditer(norm):
        if not _in_facility(norm, m.start()):
            found.append(Found(ADDRESS, where[m.start()], where[m.end() - 1] + 1,
                               re.sub("[^0-9]", "", m.group())))
    return _first_of_overlapping(found)


def _valid(kind: str, number: str) -> bool:
    if kind == MOBILE:
        return True
    if kind == BANK:
        return _luhn(number)
    if len(number) == 18:
        year, month, day = int(number[6:10]), int(number[10:12]), int(number[12:14])
        return number[0] != "0" and 1800 <= year < 2100 and 1 <= month <= 12 and 1 <= day <= 31
    if len(number) == 15 and "X" not in number:
        month, day = int(number[8:10]), int(number[10:12])
        return number[0] in "12345678" and 1 <= month <= 12 and 1 <= day <= 31
    return False


def _luhn(number: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(number)):
        d = int(ch) * (2 if i % 2 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0


def _in_facility(norm: str, start: int) -> bool:
    """Whether the words just before a numbered place, in the same phrase, name a public facility."""
    before = norm[max(0, start - 20):start]
    phrase = _PHRASE_END.split(before)[-1]
    return bool(_FACILITY.search(phrase))


def _first_of_overlapping(found: list[Found]) -> list[Found]:
    """Sorted by position; of overlapping finds the one listed first (ID, bank, mobile, address) wins."""
    rank = {ID: 0, BANK: 1, MOBILE: 2, ADDRESS: 3}
    kept: list[Found] = []
    for f in sorted(found, key=lambda f: (rank[f.kind], f.start)):
        if all(f.end <= k.start or f.start >= k.end for k in kept):
            kept.append(f)
    return sorted(kept, key=lambda f: f.start)


def mask(text: str, markdown: bool = False, star: str = "*") -> str:
    """text with every personal number and home address masked, everything else as written."""
    found = find(text, markdown)
    if not found:
        return text
    out, last = [], 0
    for f in found:
        out += [text[last:f.start], f.masked(text, star)]
        last = f.end
    out.append(text[last:])
    return "".join(out)
