"""Atom feeds of new disclosures and reports: one for the city, one per community.

Built with ElementTree, so every text is escaped by the serialiser; characters XML 1.0 cannot
carry are dropped and personal data masked (privacy.mask_personal) before that. Dates come from the data (a period's publication
date, a report's date), never the clock, so the same data gives the same feed.
"""

from __future__ import annotations

import datetime
import xml.etree.ElementTree as ET

from generator.model import City, Community
from generator.money import format_amount
from generator.site import facts, urls
from generator.site.atom import ATOM, clean, text_element, timestamp

CITY_FEED = "feed.xml"
FEED_LIMIT = 50  # entries per feed: the newest are what a reader needs


def community_feed_path(code: str) -> str:
    return urls.community(code) + "feed.xml"


def _entry_parts(d: facts.Disclosure, site_url: str) -> tuple[str, str, str]:
    c = d.community
    if d.kind == "record":  # issue 18's records: the kind's own page (d.anchor names the kind)
        return f"{site_url}{urls.record(c.code, d.anchor)}", f"{c.name}{d.label}", d.summary
    if d.period is not None:
        p = d.period
        summary = (f"本期收入 {format_amount(p.income_total)} 元，支出 {format_amount(p.expense_total)} 元，"
                   f"结存 {format_amount(p.closing_balance)} 元。审核人：{p.reviewer}。")
        if p.amendment:
            summary += f"更正说明：{p.amendment}"
        return site_url + urls.period(c.code, p.key), f"{c.name}{d.title}", summary
    r = d.report
    summary = r.type + (f"，整改状态：{r.status}" if r.status else "")
    return site_url + urls.report(c.code, r.slug), f"{c.name}：{r.title}", summary


def atom_feed(title: str, feed_url: str, page_url: str, items: list[facts.Disclosure], site_url: str,
              fallback: datetime.date) -> bytes:
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed", {"xml:lang": "zh-CN"})
    text_element(feed, "id", feed_url)
    text_element(feed, "title", title)
    text_element(feed, "updated", timestamp(max((d.date for d in items), default=fallback)))
    ET.SubElement(feed, f"{{{ATOM}}}link", {"rel": "self", "href": feed_url})
    ET.SubElement(feed, f"{{{ATOM}}}link", {"rel": "alternate", "href": page_url, "type": "text/html"})
    author = ET.SubElement(feed, f"{{{ATOM}}}author")
    text_element(author, "name", title)
    for d in items:
        link, entry_title, summary = _entry_parts(d, site_url)
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
        text_element(entry, "id", link)
        text_element(entry, "title", entry_title)
        text_element(entry, "updated", timestamp(d.date))
        ET.SubElement(entry, f"{{{ATOM}}}link", {"rel": "alternate", "href": clean(link), "type": "text/html"})
        text_element(entry, "summary", summary, type="text")
    ET.indent(feed)
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True) + b"\n"


def city_feed(city: City) -> bytes:
    url = city.settings.site_url
    return atom_feed(f"{city.settings.name}居务监督公开", url + CITY_FEED, url, city_entries(city, FEED_LIMIT), url,
                     city.as_of)


def city_entries(city: City, limit: int) -> list[facts.Disclosure]:
    """The city feed's `limit` newest entries of all: ledgers and reports, and issue 18's records
    (inspections, elections, decisions …). A record older than the ledgers and reports that
    already fill the feed cannot be among them, and is not made (a republish makes this feed)."""
    from generator.site.records import city_feed_items

    latest = facts.latest_disclosures(city.communities, limit, city.settings.frequency)
    since = latest[-1].date if len(latest) == limit else None
    return sorted(latest + city_feed_items(city, since), key=lambda d: d.sort_key, reverse=True)[:limit]


def community_feed(city: City, c: Community) -> bytes:
    url = city.settings.site_url
    from generator.site.records import feed_items

    items = sorted(facts.disclosures(c, city.settings.frequency) + feed_items(city, c), key=lambda d: d.sort_key,
                   reverse=True)[:FEED_LIMIT]
    return atom_feed(f"{c.name}居务监督公开", url + community_feed_path(c.code), url + urls.community(c.code),
                     items, url, facts.community_changed(c) or city.as_of)
