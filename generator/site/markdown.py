"""Report Markdown → safe HTML: committee text can format, never inject.

Raw HTML is escaped before Markdown sees it (so `<script>` shows as text); only plain Markdown
extensions are enabled (no attribute lists, no snippets, no macros); the result is sanitised again
with nh3 (Ammonia), which also drops javascript:/data: links.
"""

from __future__ import annotations

import functools

import markdown as md
import nh3

ALLOWED_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "h5", "h6", "strong", "em", "b", "i", "del", "code", "pre",
    "blockquote", "ul", "ol", "li", "a", "table", "thead", "tbody", "tr", "th", "td",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align", "style"}, "td": {"align", "style"}}


_CONVERTER: md.Markdown | None = None


@functools.lru_cache(maxsize=64)  # a report's page and its search document render the same body
def render_markdown(text: str) -> str:
    global _CONVERTER
    if _CONVERTER is None:  # one converter per process: building one costs more than converting
        _CONVERTER = md.Markdown(extensions=["tables", "sane_lists"], output_format="html")
    escaped = text.replace("&", "&amp;").replace("<", "&lt;")
    html = _CONVERTER.reset().convert(escaped)
    # A report's own headings sit below the page's h1.
    html = html.replace("<h1>", "<h2>").replace("</h1>", "</h2>")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
        filter_style_properties={"text-align"},
    )
