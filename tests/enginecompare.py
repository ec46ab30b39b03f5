"""What a resident gets from a page, with the differences between the engines' shells taken out,
so the same site built by MkDocs, Zensical or ProperDocs can be compared page by page.

The shell differences normalised away (the full list: everything else must be equal):
- the skip link (跳转至): MkDocs points it at the page's first heading and leaves it off 404.html,
  Zensical points it at an anchor of its own (`<a id="__skip">`) before the content;
- screen-reader-only labels (`md-visually-hidden`): Zensical labels the menu button 导航栏;
- fingerprinted theme assets: Material's `assets/stylesheets/main.<hash>.min.css` is Zensical's
  `assets/stylesheets/classic/main.<hash>.min.css` (same for palette.css, bundle.js, the search worker);
- how a link is spelled: MkDocs writes `..`, `/.`, `about/`, Zensical `./..`, `/`, `./about/`;
  links are compared resolved against the page's own address;
- whitespace between tags.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

BASE = "https://juwu.test/"  # any absolute address: links are resolved against the page's place in it
_ASSET = re.compile(r"assets/(stylesheets|javascripts)/(?:classic/)?(?:workers/)?([a-z]+)\.[0-9a-f]{8}\.min\.(css|js)$")
_SKIPPED_CLASSES = {"md-skip", "md-visually-hidden"}
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@dataclass
class Reading:
    text: list[str] = field(default_factory=list)  # what is read, in order, one run of text each
    links: list[str] = field(default_factory=list)  # tag.attribute=resolved address, in order
    title: str = ""


class _Reader(HTMLParser):
    def __init__(self, page_url: str):
        super().__init__(convert_charrefs=True)
        self.url, self.reading = page_url, Reading()
        self.stack: list[tuple[str, bool]] = []  # open elements: (tag, hidden from the comparison)
        self.in_title = False

    def _hidden(self) -> bool:
        return any(hidden for _, hidden in self.stack)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        classes = set((attributes.get("class") or "").split())
        hidden = tag in ("script", "style") or bool(classes & _SKIPPED_CLASSES)
        if not (hidden or self._hidden()):
            for name in ("href", "src", "action"):
                if attributes.get(name) is not None:
                    self.reading.links.append(f"{tag}.{name}={resolve(self.url, attributes[name])}")
        if tag == "title":
            self.in_title = True
        if tag not in _VOID:
            self.stack.append((tag, hidden))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in _VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        if tag == "title":
            self.in_title = False
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                break

    def handle_data(self, data):
        words = " ".join(data.split())
        if self.in_title:
            self.reading.title += words
        elif words and not self._hidden():
            self.reading.text.append(words)


def resolve(page_url: str, link: str) -> str:
    """A link as the browser follows it, theme asset fingerprints taken out."""
    absolute = urljoin(page_url, link)
    parts = urlsplit(absolute)
    path = _ASSET.sub(lambda m: f"assets/{m.group(1)}/{m.group(2)}.{m.group(3)}", parts.path)
    return parts._replace(path=path).geturl()


def page_url(rel: str) -> str:
    """The address a page file is served at (folder URLs)."""
    return BASE + (rel[: -len("index.html")] if rel.endswith("index.html") else rel)


def read(site: Path, rel: str) -> Reading:
    reader = _Reader(page_url(rel))
    reader.feed((site / rel).read_text(encoding="utf-8"))
    reader.close()
    return reader.reading


_ARTICLE = re.compile(r'<article class="md-content__inner md-typeset">(.*?)</article>', re.S)
_HREF = re.compile(r'(href|src)="([^"]*)"')


def article(site: Path, rel: str) -> str:
    """The content inside the shell, byte for byte but for the normalisations above."""
    found = _ARTICLE.findall((site / rel).read_text(encoding="utf-8"))
    assert len(found) == 1, f"{rel}: {len(found)} articles"
    inner = found[0].replace('<a id="__skip" tabindex="-1"></a>', "")
    url = page_url(rel)
    inner = _HREF.sub(lambda m: f'{m.group(1)}="{resolve(url, m.group(2))}"', inner)
    return re.sub(r">\s+<", "><", inner).strip()


# Pages Juwu writes whole, outside the theme's shell (the light /verify/ page a printed sheet's QR
# code opens): no engine touches them, so they are compared as files, byte for byte.
STANDALONE = {"verify/index.html"}


def pages(site: Path) -> list[str]:
    """The pages rendered inside the theme's shell."""
    return sorted(rel for p in site.rglob("*.html") if (rel := p.relative_to(site).as_posix()) not in STANDALONE)


def files(site: Path) -> set[str]:
    return {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()}


def theme_asset(rel: str) -> bool:
    """The theme's own fingerprinted files, which differ by engine."""
    return rel.startswith(("assets/javascripts/", "assets/stylesheets/"))


def target_exists(site: Path, link: str) -> bool:
    """Whether a link inside the site leads to a file of it."""
    path = urlsplit(link).path[len(urlsplit(BASE).path):]
    if path == "" or path.endswith("/"):
        return (site / path / "index.html").is_file()
    return (site / path).is_file() or (site / path / "index.html").is_file()


def raw_links(site: Path, rel: str) -> set[str]:
    """Every href/src of a page, resolved as the browser does (fingerprints kept)."""
    url = page_url(rel)
    return {urljoin(url, m.group(2)) for m in _HREF.finditer((site / rel).read_text(encoding="utf-8"))}
