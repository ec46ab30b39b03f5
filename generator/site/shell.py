"""Material page shells: MkDocs renders one empty page per depth; every generated page is
poured into the shell of its depth.

Stock MkDocs renders each page through the whole theme and Python-Markdown, and a city of 5,000
communities has ~85,000 pages (every monthly disclosure is one). Rendering our fragments with
Jinja2 and filling them into a shell that MkDocs made keeps the Material look, the navigation and
the plain mkdocs.yml, at the cost of string substitution per page.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from generator.site import urls
from generator.site.privacy import mask_personal

TITLE = "JUWUTITLETOKEN"
CONTENT = "JUWUCONTENTTOKEN"
VERSION = "JUWUVERSIONTOKEN"  # the footer's data version: each page shows the version of its own data
NAV_PAGES = (urls.HOME, urls.ROLLOUT)  # pages MkDocs' navigation links to: rendered in place
_TOKENS = re.compile(f"({TITLE}|<p>{CONTENT}</p>|{VERSION})")
# The footer's version line with no version in it (a community without a committee has none): dropped.
_EMPTY_VERSION = re.compile(r'<div class="juwu-data-version[^"]*">[^<]*<span data-juwu-version></span></div>\n?')


def shell_path(depth: int) -> str:
    """Where the shell for pages `depth` folders deep lives (depth >= 1)."""
    return "_shell/" + "x/" * (depth - 1)


def shell_of(path: str) -> str:
    """The shell a page is poured into: its own for the pages in the navigation, else its depth's."""
    return path if path in NAV_PAGES else shell_path(path.count("/"))


def shell_sources(depths: set[int]) -> dict[str, str]:
    """Markdown files MkDocs must render: one per nav page, one per depth of the other pages."""
    # An explicit h1: otherwise Material titles nav pages by their nav label ("首页").
    text = f"---\ntitle: {TITLE}\nhide:\n  - toc\n---\n\n# {TITLE} {{ #page-title }}\n\n{CONTENT}\n"
    files = {f"{path}index.md": text for path in NAV_PAGES}
    for depth in sorted(depths):
        if depth >= 1:
            files[f"{shell_path(depth)}index.md"] = text
    return files


@dataclass
class Shell:
    parts: list[str]  # literal text and tokens, alternating
    own_path: str

    @classmethod
    def parse(cls, rendered: str, own_path: str) -> "Shell":
        if f"<p>{CONTENT}</p>" not in rendered:
            raise ValueError(f"the theme did not render the content marker for {own_path}")
        return cls(_TOKENS.split(rendered), own_path)

    def fill(self, title: str, content: str, path: str, version: str) -> str:
        safe_title = html.escape(mask_personal(title), quote=True)  # a report's title is committee text
        out = []
        for part in self.parts:
            if part == TITLE:
                out.append(safe_title)
            elif part == VERSION:
                out.append(html.escape(version))
            elif part == f"<p>{CONTENT}</p>":
                out.append(content)
            else:
                out.append(part.replace(self.own_path, path) if self.own_path and self.own_path != path else part)
        page = "".join(out)
        return page if version else _EMPTY_VERSION.sub("", page, count=1)
