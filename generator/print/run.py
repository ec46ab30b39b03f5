"""`juwu print`, top to bottom: validate everything, choose the sheets, lay them out, return the PDF.

Nothing is written here: the command line writes the file, and only when this succeeded.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from generator.history import collect
from generator.print.html import print_environment, render_sheet
from generator.print.pdf import render_pdf
from generator.print.select import PrintError, Request, select_sheets
from generator.problems import Problems
from generator.siteurl import is_placeholder
from generator.validate import validate_city
from generator.validate.rules import amendments


@dataclass
class Printed:
    problems: Problems
    pdf: bytes | None = None  # None: the data has errors, nothing was laid out
    sheets: list[str] = field(default_factory=list)  # titles, in print order
    pages: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)


def print_sheets(data_dir: Path, request: Request, allow_placeholder_url: bool = False) -> Printed:
    """Raises PrintError (unknown code, period, report; a QR code to a placeholder address unless
    `allow_placeholder_url`) or JuwuError (no PDF engine)."""
    validation = validate_city(data_dir)
    result = Printed(validation.problems)
    if not validation.ok or validation.city is None:
        return result
    site_url = validation.city.settings.site_url
    if is_placeholder(site_url) and not allow_placeholder_url:
        raise PrintError(
            f"city.yaml 中的网站地址 site_url 还是占位地址 {site_url}，印在公开表上的二维码扫不开，所以没有打印。"
            "请先把 site_url 改成本市公开网站的正式地址；只是试印时可加 --allow-placeholder-url。",
            f"city.yaml's site_url is still the placeholder {site_url}: the QR code on every sheet would lead "
            "nowhere, so nothing was printed. Set site_url to the city's public site address first; for a test "
            "print, add --allow-placeholder-url.", code="placeholder-url")
    history = collect(data_dir, None, set())  # a change without a reason is on the findings sheet, as on the site
    amendments.attach(validation.city, history)
    selection = select_sheets(validation.city, request)
    env = print_environment()
    documents = [render_sheet(env, sheet) for sheet in selection.sheets]
    title = selection.sheets[0].title if len(selection.sheets) == 1 else \
        f"{selection.sheets[0].title} 等 {len(selection.sheets)} 份"
    result.pdf, result.pages = render_pdf(documents, title)
    result.sheets = [sheet.title for sheet in selection.sheets]
    result.skipped = selection.skipped
    return result
