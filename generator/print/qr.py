"""QR codes as inline SVG: vector, so they stay sharp on any printer and need no image files."""

from __future__ import annotations

import segno


def qr_svg(url: str) -> str:
    """An <svg> (no XML declaration, size from CSS via its viewBox) encoding url exactly."""
    # Error level M survives a smudged or slightly torn sheet on an outdoor notice board.
    return segno.make(url, error="m", micro=False).svg_inline(scale=1, border=4, omitsize=True,
                                                               svgclass="qr", lineclass=None)
