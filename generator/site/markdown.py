"""Report Markdown → safe HTML: committee text can format, never inject.

Python-Markdown's raw-HTML handling is switched off (its block preprocessor and its inline HTML
and entity patterns), so `<script>` is text and its serialiser escapes it once, in a paragraph and
in a code span alike (`a<b` shows as a<b). An `&` is kept out of Markdown's way (a placeholder,
written back as &amp;), so no entity such as &#49; can spell a character the masking did not see.
Personal numbers and home addresses are masked in the source (privacy.mask_markdown) before
rendering. Only plain Markdown extensions are enabled (no attribute lists, no snippets, no
macros); the result is sanitised again with nh3 (Ammonia), which also drops javascript:/data: links.
"""

from __future__ import annotations

import functools

import markdown as md
import nh3

from generator.site.privacy import mask_markdown

ALLOWED_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "h5", "h6", "strong", "em", "b", "i", "del", "code", "pre",
    "blockquote", "ul", "ol", "li", "a", "table", "thead", "tbody", "tr", "th", "td",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align", "style"}, "td": {"align", "style"}}


_CONVERTER: md.Markdown | None = None
_STAR, _AMP = "\ue000", "\ue001"  # private-use placeholders Markdown treats as letters


@functools.lru_cache(maxsize=64)  # a report's page and its search document render the same body
def render_markdown(text: str) -> str:
    global _CONVERTER
    if _CONVERTER is None:  # one converter per process: building one costs more than converting
        _CONVERTER = md.Markdown(extensions=["tables", "sane_lists"], output_format="html")
        _CONVERTER.preprocessors.deregister("html_block")
        _CONVERTER.inlinePatterns.deregister("html")
        _CONVERTER.inlinePatterns.deregister("entity")
    source = mask_markdown(text.replace(_STAR, "").replace(_AMP, ""), _STAR).replace("&", _AMP)
    html = _CONVERTER.reset().convert(source).replace(_AMP, "&amp;").replace(_STAR, "*")
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
