"""Report Markdown → safe HTML: committee text can format, never inject.

Raw HTML is escaped before Markdown sees it (so `<script>` shows as text); only plain Markdown
extensions are enabled (no attribute lists, no snippets, no macros); the result is sanitised again
with nh3 (Ammonia), which also drops javascript:/data: links.
"""

from __future__ import annotations

import markdown as md
import nh3

ALLOWED_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "h5", "h6", "strong", "em", "b", "i", "del", "code", "pre",
    "blockquote", "ul", "ol", "li", "a", "table", "thead", "tbody", "tr", "th", "td",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align", "style"}, "td": {"align", "style"}}


def render_markdown(text: str) -> str:
    escaped = text.replace("&", "&amp;").replace("<", "&lt;")
    html = md.markdown(escaped, extensions=["tables", "sane_lists"], output_format="html")
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
