"""Personal data on the way out: whatever the site, a feed or a download prints passes here."""

from __future__ import annotations

import re

MOBILE_RE = re.compile(r"(?<![0-9])(1[3-9][0-9])([0-9]{4})([0-9]{4})(?![0-9])")


def mask_mobile(text: str) -> str:
    """138****1234: a personal mobile never reaches the site whole (DISCLOSURE.md)."""
    return MOBILE_RE.sub(lambda m: f"{m.group(1)}****{m.group(3)}", text)
