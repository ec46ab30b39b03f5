"""The public site's address (city.yaml `site_url`) and the placeholder a new city starts with.

A printed sheet's QR code points at the site: while the address is a placeholder, every code
printed is dead. `juwu validate`, `build` and `print` say so loudly; `print` refuses unless told.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

# Names that can never be a city's public site (RFC 2606 / RFC 6761): the defaults and the demo use
# https://juwu.example.invalid/.
RESERVED_NAMES = ("invalid", "example", "test", "localhost", "example.com", "example.net", "example.org")


def is_placeholder(url: str) -> bool:
    """True for an address no resident can open: empty, not http(s), or a reserved example name."""
    parts = urlsplit((url or "").strip())
    host = (parts.hostname or "").rstrip(".").lower()
    if parts.scheme not in ("http", "https") or not host:
        return True
    return any(host == name or host.endswith("." + name) for name in RESERVED_NAMES)


def placeholder_warning(url: str) -> tuple[str, str]:
    """The warning (zh, en) for a placeholder site address."""
    return (f"注意：city.yaml 中的网站地址 site_url 还是占位地址 {url}，打印的二维码扫不开。"
            "请改成本市公开网站的正式地址（例如 https://juwu.example.gov.cn/）。",
            f"warning: city.yaml's site_url is still the placeholder {url}: printed QR codes would lead "
            "nowhere. Set it to the city's public site address.")


def city_site_url(data_dir: Path) -> str | None:
    """city.yaml's site_url as Juwu reads it, or None when the city's settings cannot be read
    (validation reports why)."""
    from generator.config import read_city
    from generator.load import load_city
    from generator.problems import Problems

    loaded, _ = load_city(Path(data_dir), communities=set())
    settings = read_city(loaded.city, Problems())
    return settings.site_url if settings is not None else None
