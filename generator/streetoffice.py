"""A street office's (街道办事处) public contact, from city.yaml's `street_offices`.

A community without a committee has nobody of its own to ask; its page names the street office
that oversees the rollout, where the city gives one. It is an office's number (a landline or a
hotline), published like any office's — never a person's mobile, which city.yaml refuses here:

    street_offices:
      "319901001": {phone: "0831-8210001", address: 南门路 88 号, hours: 工作日 9:00-17:00}
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from generator import personal
from generator.load.yamlfile import Scalar

STREET_CODE = re.compile(r"^[0-9]{9}$")
PHONE = re.compile(r"^[0-9][0-9\-]{2,15}$")
MAX_TEXT = 80


@dataclass(frozen=True)
class StreetOffice:
    street_code: str  # the 9-digit street code: the first 9 digits of its communities' codes
    phone: str
    name: str = ""  # e.g. 南门路街道办事处; the page falls back to the street's name + 办事处
    address: str = ""
    hours: str = ""


def _text(node) -> str:
    return node.text.strip() if isinstance(node, Scalar) else (node.strip() if isinstance(node, str) else "")


def read_offices(node, fail) -> tuple[StreetOffice, ...]:
    """city.yaml's `street_offices` mapping → offices sorted by street code. `fail(key, scalar, zh, en)`
    reports a city-setting problem (generator/config.py)."""
    if node is None or (isinstance(node, Scalar) and not node.text.strip()):
        return ()
    if not isinstance(node, dict):
        fail("street_offices", node, "应为“街道代码: {phone: 电话, address: 地址, hours: 办公时间}”的列表",
             "must map each 9-digit street code to {phone, address, hours}")
        return ()
    offices = []
    for key, entry in node.items():
        code = _text(key) if not isinstance(key, str) else key.strip()
        where = f"street_offices.{code}"
        if not STREET_CODE.match(code):
            fail(where, entry if isinstance(entry, Scalar) else None,
                 f"“{code}”不是 9 位街道代码（社区代码的前 9 位）", f"'{code}' is not a 9-digit street code")
            continue
        if not isinstance(entry, dict):
            fail(where, entry if isinstance(entry, Scalar) else None, "应写成 {phone: 电话, address: 地址}",
                 "must be {phone: ..., address: ...}")
            continue
        phone = _text(entry.get("phone"))
        if not PHONE.match(phone):
            fail(where + ".phone", entry.get("phone"), "电话应为数字和横线，例如 0831-8210001 或 12345",
                 "the phone is digits and dashes, e.g. 0831-8210001")
            continue
        if any(f.kind == personal.MOBILE for f in personal.find(phone)):
            fail(where + ".phone", entry.get("phone"), "街道办事处的电话应为办公电话（座机或热线），不能是个人手机号",
                 "a street office's phone is an office line or hotline, never a person's mobile")
            continue
        texts = {k: _text(entry.get(k))[:MAX_TEXT] for k in ("name", "address", "hours")}
        offices.append(StreetOffice(code, phone, **texts))
    return tuple(sorted(offices, key=lambda o: o.street_code))


def office_of(offices: tuple[StreetOffice, ...], community_code: str) -> StreetOffice | None:
    """The office of the community's street (its code's first 9 digits), if the city gives one."""
    return next((o for o in offices if o.street_code == community_code[:9]), None)
