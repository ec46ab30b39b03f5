"""The pieces every Atom feed is made of (the disclosures' feeds in feeds.py, the findings' feeds
in findings.py): the namespace, a text element, a timestamp. Every text is masked
(privacy.mask_personal) and stripped of characters XML 1.0 cannot carry; ElementTree escapes it.
"""

from __future__ import annotations

import datetime
import re
import xml.etree.ElementTree as ET

from generator.site.privacy import mask_personal

ATOM = "http://www.w3.org/2005/Atom"
_NOT_XML = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def clean(text: str) -> str:
    return mask_personal(_NOT_XML.sub("", text))


def timestamp(d: datetime.date) -> str:
    return f"{d.isoformat()}T00:00:00+08:00"  # a disclosure's day, in China Standard Time


def text_element(parent: ET.Element, tag: str, text: str, **attrs) -> ET.Element:
    el = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
    el.text = clean(text)
    return el
