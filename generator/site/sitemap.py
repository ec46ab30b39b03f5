"""sitemap.xml for every page (MkDocs' own lists only the pages it rendered)."""

from __future__ import annotations

from xml.sax.saxutils import escape


def sitemap_xml(site_url: str, paths: list[str]) -> str:
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    lines += [f"  <url><loc>{escape(site_url + p)}</loc></url>" for p in sorted(paths)]
    lines.append("</urlset>\n")
    return "\n".join(lines)
