"""Nothing silently rewritten: a published period or report changed without an amendment reason.

The versions come from the data repository's git history (generator/history.py), which the build
and `juwu print` read; a check without history (not a git repository, or `juwu check`) says nothing.
"""

from __future__ import annotations

import datetime
from typing import Iterable

from generator.model import City
from generator.problems import FINDING, Problem
from generator.validate.rules._base import Context, rule

UNEXPLAINED = rule("amendment-unexplained", FINDING, "已公开的财务公开和报告如有更改，须写明更正说明",
                   "a published period or report is changed only with an amendment reason",
                   "在“更正说明”中补写这次更改的原因，由监督委员会核实后重新公开",
                   "Write the reason for the change in the amendment note; the committee checks it")
KINDS = {"period": "财务公开", "report": "监督记录"}


def unexplained(city: City, history, codes: set[str] | None = None) -> list[Problem]:
    """One finding per version that changed a published period or report without a reason."""
    if history is None or not getattr(history, "available", False):
        return []
    days = datetime.timedelta(days=city.settings.rectification_days)
    found = []
    for c in city.communities:
        if codes is not None and c.code not in codes:
            continue
        files = {f"period/{c.code}/{p.key}": p.header_file for p in c.periods}
        files |= {f"report/{c.code}/{r.slug}": r.file for r in c.reports}
        for record, file in files.items():
            r = history.get(record)
            for v in (r.unexplained if r else []):
                day = datetime.date.fromisoformat(v.date)
                what = KINDS[r.kind]
                found.append(Problem(
                    UNEXPLAINED.code, FINDING, file,
                    f"{what}在 {v.date} 被更改（第 {v.n} 版），没有写明更正说明",
                    f"published {r.kind} changed on {v.date} (version {v.n}) without an amendment reason",
                    hint_zh=UNEXPLAINED.hint_zh, hint_en=UNEXPLAINED.hint_en, community=c.code,
                    since=day.isoformat(), due=(day + days).isoformat()))
    return found


def attach(city: City, history, codes: set[str] | None = None) -> int:
    """Put the findings on their communities' pages (and sheets); returns how many."""
    by_code = {c.code: c for c in city.communities}
    found = unexplained(city, history, codes)
    for p in found:
        by_code[p.community].findings.append(p)
    return len(found)


def check_amendments(ctx: Context) -> Iterable[Problem]:
    for p in unexplained(ctx.city, getattr(ctx.city, "history", None)):
        yield ctx.problem(UNEXPLAINED, p.file, p.zh, p.en, community=p.community, since=p.since, due=p.due)


CHECKS = [check_amendments]
