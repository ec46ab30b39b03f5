"""Personal data on the way out: whatever the site, a feed, a search document, a download or a
printed sheet prints passes `mask_personal` (DISCLOSURE.md).

One function for every output, on top of the one detector (generator/personal.py) that validation
warns with, so the warning's promise ("will be masked") is what the site does: personal mobiles in
any spelling show as 138****1234; home addresses lose the digits below the street / complex level;
ID and bank card numbers (refused by validation) are masked whole should one ever get this far.
"""

from __future__ import annotations

import functools

from generator import personal


# Every printed string passes here, most of them many times (a category on every ledger line, a
# line's summary on its page, its search document and four downloads): each text is masked once
# per process. typed: a Markup and a str of the same characters are different answers.
@functools.lru_cache(maxsize=1 << 16, typed=True)
def mask_personal(text: str) -> str:
    """text with every personal number and home address masked, the rest exactly as written."""
    return personal.mask(text)


def mask_markdown(text: str, star: str) -> str:
    """The same for Markdown source: formatting marks between digits count as separators, and
    the mask is written with `star`, a character Markdown leaves alone (`****` would be a rule)."""
    return personal.mask(text, markdown=True, star=star)


mask_mobile = mask_personal  # the name its callers know (render.py, intake/views.py, print/html.py)
