"""The plan's own rules, checked on the assembled city: one module per concept.

`check_rules(city, loaded)` runs every check and returns the Problems; `REGISTRY` lists every rule
code with its severity and meaning (the README's rule table is generated from it and a test keeps
them in step: `python -c "from generator.validate.rules import rules_markdown; print(rules_markdown())"`).
"""

from __future__ import annotations

import dataclasses
import datetime
from typing import Iterable

from generator.load.sources import Loaded
from generator.model import City
from generator.problems import COMPLIANCE, ERROR, FINDING, WARNING, Problem
from generator.validate.rules import (
    allowances, amendments, avoidance, changes, committee, crossfile, elections, evaluations, inspections, ledger, opinions,
    pay, privacy, rectification, registers, rollout, six_unifications, working,
)
from generator.validate.rules._base import REGISTRY, Check, Context, Rule

LEVELS = {ERROR: "错误 error", FINDING: "发现问题 finding", WARNING: "提醒 warning"}
MODULES = (crossfile, committee, changes, avoidance, six_unifications, pay, ledger, rollout, evaluations, opinions,
           rectification, working, privacy, inspections, elections, registers, amendments,
           allowances)
CHECKS: list[Check] = [check for module in MODULES for check in module.CHECKS]

__all__ = ["check_rules", "REGISTRY", "Rule", "rules_markdown"]


def check_rules(city: City, loaded: Loaded, earlier: Iterable[Problem] = ()) -> list[Problem]:
    """Every rule's problems. `earlier` are the load and schema problems: a cell they refused is
    not reported again by a rule that would only see it as empty."""
    ctx = Context(city, loaded, earlier)
    problems: list[Problem] = []
    for check in CHECKS:
        problems.extend(check(ctx))
    return _dated(problems, city)


def _dated(problems: list[Problem], city: City) -> list[Problem]:
    """A finding about the committee as it stands (its size, chair, members, pay, checklist)
    stands since the committee's election unless its rule dated it otherwise, and is due to be
    put right within the city's rectification days."""
    elected = {c.code: c.committee.elected_on for c in city.communities
               if c.committee is not None and c.committee.elected_on is not None}
    days = datetime.timedelta(days=city.settings.rectification_days)
    dated = []
    for p in problems:
        if p.severity == FINDING and p.since is None and p.community in elected:
            since = elected[p.community]
            p = dataclasses.replace(p, since=since.isoformat(), due=p.due or (since + days).isoformat())
        dated.append(p)
    return dated


def ordered_rules() -> list[Rule]:
    """Every rule, module by module in the order they run."""
    return [v for module in MODULES for v in vars(module).values() if isinstance(v, Rule)]


def rules_markdown() -> str:
    """The rule table for the README: code, severity, what it means (Chinese, then English)."""
    lines = ["| 代码 code | 类别 kind | 级别 severity | 含义 | meaning |", "| --- | --- | --- | --- | --- |"]
    for r in ordered_rules():
        kind = "合规问题 finding" if r.kind == COMPLIANCE else "数据 data"
        lines.append(f"| `{r.code}` | {kind} | {LEVELS[r.severity]} | {r.zh} | {r.en} |")
    return "\n".join(lines)
