"""The text templates of a city repository (generator/templates/cityrepo/), filled by name.

Placeholders are `__NAME__` tokens, not Jinja2: the CI files are full of `${{ }}` and `$VAR`,
which a template language would have to escape everywhere.
"""

from __future__ import annotations

import re
from pathlib import Path

TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "templates" / "cityrepo"
_TOKEN = re.compile(r"__[A-Z][A-Z_]*[A-Z]__")


def fill(template: str, **values: str) -> str:
    """The file `template` with every `__KEY__` replaced by values['key']; all must be given."""
    text = (TEMPLATE_DIR / template).read_text(encoding="utf-8")
    for key, value in values.items():
        text = text.replace(f"__{key.upper()}__", value)
    left = sorted(set(_TOKEN.findall(text)))
    if left:
        raise KeyError(f"template {template} still has {', '.join(left)}")
    return text
