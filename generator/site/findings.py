"""Compliance findings as residents and the supervising office read them. Pure: model → values.

A finding is open while the data says the plan is not followed; a breach that was put right late
(a period published late, an opinion answered late, a phase done late) stays on record, closed.
The 督办 (follow-up) pages list the open ones by district, street and community, filtered by rule
and by age, each list also a CSV of exactly its rows; each district has an Atom feed of findings
opened and closed.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from generator.model import City, Community
from generator.problems import FINDING, Problem

HOME = "supervision/"
# Age of an open finding, in days since it stands: (slug, label, lowest, highest).
AGES = (("new", "30 天以内", 0, 30), ("months", "31–90 天", 31, 90), ("year", "91–365 天", 91, 365),
        ("older", "一年以上", 366, None))
FEED_ENTRIES = 50
LIST_LIMIT = 100  # rows on a 督办 list page (a page stays small in a city of 5,000); its CSV has them all
# What a filter link says: the rule in a few words (its full text is on the list page).
SHORT = {
    "committee-size": "委员会人数", "committee-chair": "主任人数", "chair-not-party-member": "主任政治面貌",
    "committee-term-end": "任期止日", "committee-term-start": "任期起日", "avoidance": "回避",
    "six-unifications": "六统一", "chair-pay-low": "主任报酬", "chair-pay-missing": "主任报酬未填",
    "chair-allowance-missing": "主任补贴", "ledger-gap": "财务缺期", "ledger-reviewer": "审核人",
    "ledger-review-date": "审核日期", "ledger-published-late": "财务逾期公开", "disclosure-stopped": "财务公开中断",
    "rollout-overdue": "阶段逾期", "rollout-late": "阶段逾期完成", "evaluation-incompetent-twice": "连续不称职",
    "evaluation-missing": "民主评议", "opinion-answer-late": "意见逾期答复", "rectification-overdue": "整改逾期",
    "meetings-too-few": "例会次数", "annual-report-missing": "年度工作报告", "member-change-late": "成员变动逾期公开",
    "inspection-unrectified": "检查问题逾期整改", "election-quorum": "选举到会人数", "election-published-late": "选举逾期公开",
    "register-published-late": "重要事项逾期公开",
    "allowance-chair-low": "主任报酬标准", "budget-missing": "工作经费未公开", "budget-overspent": "经费超支",
}


@dataclass(frozen=True)
class Finding:
    code: str
    rule: str  # what the plan asks, in plain Chinese
    text: str  # what was found (the public text: never the private people of officials.csv)
    since: datetime.date | None
    due: datetime.date | None
    closed: datetime.date | None
    community: Community

    @property
    def is_open(self) -> bool:
        return self.closed is None

    def age(self, as_of: datetime.date) -> int | None:
        return None if self.since is None else max(0, (as_of - self.since).days)

    def age_slug(self, as_of: datetime.date) -> str:
        days = self.age(as_of) or 0
        return next(slug for slug, _, low, high in AGES if days >= low and (high is None or days <= high))


def district_path(code: str) -> str:
    return f"{HOME}d/{code}/"


def filtered_path(district: str, kind: str, value: str) -> str:
    """kind: 'rule' or 'age'."""
    return f"{district_path(district)}{kind}-{value}/"


def feed_path(district: str) -> str:
    return f"{district_path(district)}feed.xml"


def of_community(community: Community) -> list[Finding]:
    """Its findings: open first (oldest first), then closed (latest closed first)."""
    found = [_finding(p, community) for p in community.findings if p.severity == FINDING]
    opened = sorted((f for f in found if f.is_open), key=lambda f: (f.since or datetime.date.min, f.code, f.text))
    closed = sorted((f for f in found if not f.is_open), key=lambda f: (f.closed, f.code, f.text), reverse=True)
    return opened + closed


def open_of(communities: list[Community]) -> list[Finding]:
    return [f for c in communities for f in of_community(c) if f.is_open]


def rule_title(code: str) -> str:
    from generator.validate.rules import REGISTRY

    rule = REGISTRY.get(code)
    return rule.zh if rule is not None else code


def _finding(p: Problem, community: Community) -> Finding:
    return Finding(p.code, rule_title(p.code), p.public_zh, _day(p.since), _day(p.due), _day(p.closed), community)


def _day(text: str | None) -> datetime.date | None:
    return None if not text else datetime.date.fromisoformat(text)


def counts(findings: list[Finding], as_of: datetime.date) -> tuple[dict[str, int], dict[str, int]]:
    """(rule code → open findings, age slug → open findings), in a stable order."""
    by_rule: dict[str, int] = {}
    by_age = {slug: 0 for slug, *_ in AGES}
    for f in findings:
        by_rule[f.code] = by_rule.get(f.code, 0) + 1
        by_age[f.age_slug(as_of)] += 1
    return dict(sorted(by_rule.items())), by_age


def feed_items(communities: list[Community]) -> list[tuple[datetime.date, str, Finding]]:
    """(date, 'opened' | 'closed', finding): the newest first, at most FEED_ENTRIES."""
    items = []
    for c in communities:
        for f in of_community(c):
            if f.since is not None:
                items.append((f.since, "opened", f))
            if f.closed is not None:
                items.append((f.closed, "closed", f))
    items.sort(key=lambda item: (item[0], item[1], item[2].community.code, item[2].code, item[2].text), reverse=True)
    return items[:FEED_ENTRIES]


CSV_FIELDS = (("district", "区"), ("street", "街道"), ("community_code", "社区代码"), ("community", "社区"),
              ("rule", "规则代码"), ("rule_zh", "规则"), ("finding", "发现的问题"), ("since", "发现日期"),
              ("due", "期限"), ("age_days", "已持续天数"), ("url", "网页"))


def csv_rows(findings: list[Finding], as_of: datetime.date, site_url: str) -> list[list[object]]:
    from generator.site import urls

    return [[f.community.district_name, f.community.street_name, f.community.code, f.community.name, f.code, f.rule,
             f.text, f.since, f.due, f.age(as_of), site_url + urls.community(f.community.code) + "#findings"]
            for f in findings]


# --- the 督办 pages' values, and their downloads and feeds ---------------------------------------

def chips(findings: list[Finding], as_of: datetime.date, district: str) -> dict:
    """Filter links of a district: by rule and by age, each with its count (never a zero)."""
    by_rule, by_age = counts(findings, as_of)
    return {
        "rules": [(code, SHORT.get(code, rule_title(code)), n, filtered_path(district, "rule", code))
                  for code, n in by_rule.items()],
        "ages": [(slug, label, by_age[slug], filtered_path(district, "age", slug))
                 for slug, label, *_ in AGES if by_age[slug]],
    }


def district_lists(city: City) -> list[tuple]:
    """(district, path, title, findings, filter) for each list page: a district's open findings,
    then the same filtered by each rule and each age found in it."""
    lists = []
    for d in city.districts:
        found = open_of(d.communities)
        lists.append((d, district_path(d.code), f"{d.name}未整改的问题", found, None))
        by_rule, by_age = counts(found, city.as_of)
        for code in by_rule:
            lists.append((d, filtered_path(d.code, "rule", code), f"{d.name}：{rule_title(code)}",
                          [f for f in found if f.code == code], ("rule", code)))
        for slug, label, *_ in AGES:
            if by_age[slug]:
                lists.append((d, filtered_path(d.code, "age", slug), f"{d.name}：已持续{label}的问题",
                              [f for f in found if f.age_slug(city.as_of) == slug], ("age", slug)))
    return lists


def published(city: City) -> dict[str, bytes]:
    """Each list page's CSV (exactly its rows), the city's CSV of every open finding, and each
    district's Atom feed of findings opened and closed."""
    from generator.site.tablefiles import Field, csv_file, csv_lines_of, encode

    fields = [Field(name, title, "integer" if name == "age_days" else "date" if name in ("since", "due")
                    else "string") for name, title in CSV_FIELDS]
    site_url = city.settings.site_url
    lines: dict[tuple, str] = {}  # a finding's row → its CSV line: each is in three or four lists

    def csv_of(findings: list[Finding]) -> bytes:
        rows = [tuple(row) for row in csv_rows(findings, city.as_of, site_url)]
        new = [row for row in dict.fromkeys(rows) if row not in lines]
        lines.update(zip(new, csv_lines_of(encode(fields, new).csv)))
        return csv_file(fields, "".join(lines[row] for row in rows))

    files = {f"{HOME}findings.csv": csv_of(open_of(city.communities))}
    for district, path, _, found, _ in district_lists(city):
        files[f"{path}findings.csv"] = csv_of(found)
    for d in city.districts:
        files[feed_path(d.code)] = _feed(city, d)
    return files


def _feed(city: City, district) -> bytes:
    import xml.etree.ElementTree as ET

    from generator.site import urls
    from generator.site.atom import ATOM, text_element, timestamp

    site_url = city.settings.site_url
    items = feed_items(district.communities)
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed", {"xml:lang": "zh-CN"})
    text_element(feed, "id", site_url + feed_path(district.code))
    text_element(feed, "title", f"{district.name}居务监督发现的问题")
    text_element(feed, "updated", timestamp(max((day for day, _, _ in items), default=city.as_of)))
    ET.SubElement(feed, f"{{{ATOM}}}link", {"rel": "self", "href": site_url + feed_path(district.code)})
    ET.SubElement(feed, f"{{{ATOM}}}link", {"rel": "alternate", "href": site_url + district_path(district.code),
                                             "type": "text/html"})
    author = ET.SubElement(feed, f"{{{ATOM}}}author")
    text_element(author, "name", district.name)
    for day, event, f in items:
        link = site_url + urls.community(f.community.code) + "#findings"
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
        text_element(entry, "id", f"{link}:{f.code}:{event}:{day.isoformat()}:{abs(hash_text(f.text))}")
        word = "发现问题" if event == "opened" else "已整改"
        text_element(entry, "title", f"{f.community.name}{word}：{f.rule}")
        text_element(entry, "updated", timestamp(day))
        ET.SubElement(entry, f"{{{ATOM}}}link", {"rel": "alternate", "href": link, "type": "text/html"})
        summary = f.text + (f"（期限 {f.due.isoformat()}）" if f.due else "")
        text_element(entry, "summary", summary, type="text")
    ET.indent(feed)
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True) + b"\n"


def hash_text(text: str) -> int:
    """A stable number for a text (Python's hash() changes between runs)."""
    import zlib

    return zlib.crc32(text.encode("utf-8"))
