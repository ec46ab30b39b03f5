"""Whether a text shows anything: a value of only invisible characters is no value.

Zero-width spaces, no-break and full-width spaces, a BOM, direction marks and the "filler"
letters that render as blanks pass a plain `str.strip()` check for "not empty" and are then
published as an empty-looking reason or title. Used wherever a value must say something.
"""

from __future__ import annotations

import unicodedata

# Spaces, separators, controls, format characters (U+200B, U+200E, U+2060, U+FEFF, U+00AD...),
# unassigned, private-use and surrogate code points, and lone combining marks show nothing.
_INVISIBLE_CATEGORIES = frozenset({"Zs", "Zl", "Zp", "Cc", "Cf", "Cn", "Co", "Cs", "Mn", "Me"})
# Letters and symbols that render as blanks.
_BLANK_LOOKING = frozenset("\u115f\u1160\u3164\uffa0\u2800\u180e")


def has_visible(text: str) -> bool:
    """Whether any character of `text` is something a reader sees."""
    return any(ch not in _BLANK_LOOKING and unicodedata.category(ch) not in _INVISIBLE_CATEGORIES for ch in text)
