"""HTML documents → one PDF, laid out by WeasyPrint.

Why WeasyPrint rather than headless Chromium: Chromium's PDF backend (Skia) writes the
CFF-flavoured Noto CJK fonts as Type 3 glyph drawings, while WeasyPrint embeds them as
subsetted CID fonts (pdffonts: "CID Type 0C"), which every printer and PDF reader handles and
whose text copies out exactly. It also implements CSS @page margin boxes with counter(pages),
repeats table headers across pages, and needs no browser process (about 1 s per sheet here).

Each document is laid out on its own, so its page numbers (第 1 页 / 共 N 页) count that sheet only;
the pages are then joined in order. Nothing is fetched: sheets are self-contained (inline CSS and
SVG, system fonts), and the fetcher refuses every URL, so an image link in committee-written
Markdown cannot make the printer call out or read local files.
"""

from __future__ import annotations

import logging
import subprocess

from generator.problems import JuwuError
from generator.site.privacy import mask_personal

# The sheets name these families (templates/print/sheet.css); without them Chinese prints as boxes.
REQUIRED_FONTS = ("Noto Sans CJK SC", "Noto Serif CJK SC")


def missing_fonts() -> list[str]:
    """Font families the sheets need that fontconfig cannot find."""
    missing = []
    for family in REQUIRED_FONTS:
        try:
            out = subprocess.run(["fc-list", f":family={family}", "family"], capture_output=True, text=True,
                                 timeout=30).stdout
        except (OSError, subprocess.TimeoutExpired):
            out = ""
        if not out.strip():
            missing.append(family)
    return missing


def render_pdf(documents: list[str], title: str) -> tuple[bytes, int]:
    """Lay out each HTML document and join their pages into one PDF: (the PDF, its page count)."""
    try:
        from weasyprint import HTML
        from weasyprint.urls import URLFetcher
    except OSError as exc:  # Pango missing: WeasyPrint loads it when imported
        raise JuwuError(
            f"无法加载 PDF 排版所需的系统库（Pango）：{exc}。请安装：apt-get install libpango-1.0-0 "
            "libpangoft2-1.0-0 fonts-noto-cjk（或以 root 运行 make system-deps）",
            f"the system libraries PDF layout needs (Pango) could not be loaded: {exc}. Install them: "
            "apt-get install libpango-1.0-0 libpangoft2-1.0-0 fonts-noto-cjk (or run make system-deps as root)",
            code="pdf-engine-missing") from None

    missing = missing_fonts()
    if missing:
        raise JuwuError(f"缺少中文字体 {'、'.join(missing)}，打印出来会是方框。请安装：apt-get install fonts-noto-cjk"
                        "（或以 root 运行 make system-deps）",
                        f"the CJK fonts {', '.join(missing)} are missing, so Chinese would print as boxes. Install "
                        "them: apt-get install fonts-noto-cjk (or run make system-deps as root)", code="cjk-fonts-missing")
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    fetcher = URLFetcher(allowed_protocols=())
    rendered = [HTML(string=html, base_url=None, url_fetcher=fetcher).render() for html in documents]
    if not rendered:
        raise ValueError("nothing to print")
    joined = rendered[0].copy([page for document in rendered for page in document.pages])
    joined.metadata.title = mask_personal(title)
    joined.metadata.authors = []
    joined.metadata.generator = "Juwu"
    joined.metadata.created = joined.metadata.modified = None
    return joined.write_pdf(), len(joined.pages)
