"""Forms a clerk fills instead of writing files: the committee's details and a report's name.

The clerk never writes YAML, never invents an English short name or a file name: the committee's
form becomes committee.yaml here (then checked by the same validator as any file), and a new
report gets a file name made from its date and type, the first one free. Pure: values in, values out.
"""

from __future__ import annotations

import re
from typing import Mapping

from generator import tableschemas
from generator.model import SIX_UNIFICATIONS, Committee

ELECTED_BY = tuple(tableschemas.fields("committee")["elected_by"]["constraints"]["enum"])
YES, NO = "是", "否"
# Text fields of the committee form: form name → dotted key in committee.yaml.
COMMITTEE_TEXT = (("name", "name"), ("elected_by", "elected_by"), ("elected_on", "elected_on"),
                  ("term_start", "term_start"), ("term_end", "term_end"),
                  ("office_address", "office.address"), ("office_hours", "office.hours"),
                  ("supervision_phone", "supervision_phone"), ("report_box", "report_box"),
                  ("chair_monthly_pay", "chair_pay.monthly_pay"), ("heads_basic_pay", "chair_pay.heads_basic_pay"),
                  ("chair_monthly_allowance", "chair_pay.monthly_allowance"),
                  ("annual_budget", "funding.annual_budget"))
COMMITTEE_FIELDS = tuple(name for name, _ in COMMITTEE_TEXT) + ("sub_groups",) + tuple(
    f"six_{key}" for key, _ in SIX_UNIFICATIONS)
_LIST_SEPARATORS = re.compile(r"[、,，;；/\s]+")

# A report's file name: its date, then a word for its type (the URL of its page on the site).
REPORT_TYPE_SLUGS = {"例会记录": "meeting", "监督事项": "supervision", "年度工作报告": "annual-report",
                     "专项报告": "special-report"}


def committee_document(fields: Mapping[str, str], clean) -> dict:
    """The committee form → committee.yaml's content. `clean(fields, name)` reads one field (trimmed,
    capped). Blank optional fields are left out; what is required is the validator's to say."""
    doc: dict = {}
    for name, dotted in COMMITTEE_TEXT:
        value = clean(fields, name)
        if not value:
            continue
        node = doc
        *parents, last = dotted.split(".")
        for part in parents:
            node = node.setdefault(part, {})
        node[last] = value
    groups = [g for g in _LIST_SEPARATORS.split(clean(fields, "sub_groups")) if g]
    if groups:
        doc["sub_groups"] = groups
    six = {key: clean(fields, f"six_{key}") for key, _ in SIX_UNIFICATIONS}
    six = {k: v for k, v in six.items() if v in (YES, NO)}
    if six:
        doc["six_unifications"] = six
    return _ordered(doc)


def _ordered(doc: dict) -> dict:
    """The keys in the order of the committee's Table Schema, as a person would write the file."""
    order = [f.split(".")[0] for f in tableschemas.fields("committee")]
    rank = {k: i for i, k in enumerate(dict.fromkeys(order))}
    return dict(sorted(doc.items(), key=lambda kv: rank.get(kv[0], len(rank))))


def committee_values(committee: Committee | None, community_name: str = "") -> dict[str, str]:
    """The form's starting values: the committee as published, or a name to start from."""
    if committee is None:
        return {"name": f"{community_name}居务监督委员会" if community_name else ""}

    def text(value) -> str:
        return "" if value is None else (value.isoformat() if hasattr(value, "isoformat") else str(value))

    values = {
        "name": committee.name, "elected_by": committee.elected_by, "elected_on": text(committee.elected_on),
        "term_start": text(committee.term_start), "term_end": text(committee.term_end),
        "sub_groups": "、".join(committee.sub_groups), "office_address": text(committee.office_address),
        "office_hours": text(committee.office_hours), "supervision_phone": text(committee.supervision_phone),
        "report_box": text(committee.report_box), "chair_monthly_pay": text(committee.chair_monthly_pay),
        "heads_basic_pay": text(committee.heads_basic_pay),
        "chair_monthly_allowance": text(committee.chair_monthly_allowance),
        "annual_budget": text(committee.annual_budget),
    }
    for key, _ in SIX_UNIFICATIONS:
        v = committee.six_unifications.get(key)
        values[f"six_{key}"] = YES if v else (NO if v is False else "")
    return values


def report_name(date: str, report_type: str, existing: set[str], base: str) -> str:
    """The first free '<date>-<type word>[-n]' among the files under BASE: a new report never
    replaces one published on the same day."""
    stem = f"{date}-{REPORT_TYPE_SLUGS.get(report_type, 'report')}"
    n = 1
    while True:
        slug = stem if n == 1 else f"{stem}-{n}"
        if f"{base}/{slug}.md" not in existing:
            return slug[len(date) + 1:]
        n += 1
