"""What the pages show of inspections, elections, decisions, projects, assets and training (issue 18).

Pure: model objects in, plain values out. The dashboard's inspection results are counted in one
pass over the communities; the lists of communities it names are bounded like every other list.
"""

from __future__ import annotations

from dataclasses import dataclass

from generator.model import City, Community
from generator.records import FAILED, INSPECTION_KINDS, RESULTS, group_elections, group_inspections, group_projects, \
    history, open_problems, plain_number, problem_state

MECHANISMS = "mechanisms/"  # the city's working mechanisms (申诉救助, 工作考评, 责任追究), from city.yaml
LIST_LIMIT = 50  # communities named on the dashboard per list (the counts are always complete)


def inspections_of(city: City, c: Community) -> list:
    return group_inspections(c.inspections, city.settings.inspection_pass_score)


def community_records(city: City, c: Community) -> dict:
    """The community page's sections: every inspection with each problem's state, the committee's
    history, and the registers."""
    linked = {r.id: r for r in c.rectifications}
    shown = []
    for ins in reversed(inspections_of(city, c)):  # newest first
        rows = ins.items + ([ins.overall_row] if ins.overall_row and ins.overall_row.problem else [])
        shown.append({"inspection": ins, "rows": [
            (item, problem_state(item, linked, city.as_of) if item.problem else None) for item in rows]})
    return {
        "plain_number": plain_number,
        "support": support(city, c),
        "inspections": shown,
        "open_problems": len(open_problems(c, city.as_of)),
        "elections": list(reversed(group_elections(c.elections))),
        "history": history(c),
        "projects": group_projects(c.projects),
        "any": bool(c.inspections or c.decisions or c.projects or c.assets or c.trainings),
    }


def support(city: City, c: Community) -> dict | None:
    """工作保障 (plan 四.3): the committee's annual budget and the chair's pay against the city's rule.
    Public money for a public post, as the plan asks; nothing of members' private circumstances."""
    k = c.committee
    if k is None:
        return None
    chair = c.chair
    retired = bool(chair and chair.retired)
    ratio = None
    if not retired and k.chair_monthly_pay is not None and k.heads_basic_pay:
        ratio = k.chair_monthly_pay / k.heads_basic_pay
    return {"budget": k.annual_budget, "retired": retired, "allowance": k.chair_monthly_allowance,
            "pay": None if retired else k.chair_monthly_pay, "heads": None if retired else k.heads_basic_pay,
            "ratio": ratio, "floor": city.settings.chair_pay_ratio,
            "meets": None if ratio is None else ratio >= city.settings.chair_pay_ratio}


@dataclass(frozen=True)
class KindCount:
    kind: str
    counts: dict  # result → communities whose latest inspection of this kind had it
    none: int  # communities with a committee and no such inspection


@dataclass(frozen=True)
class DistrictInspections:
    district: object
    inspected: int
    failed: list  # communities whose latest inspection failed
    open: list  # communities with inspection problems not yet put right


def latest_results(city: City, c: Community) -> dict[str, str | None]:
    """Kind → the overall result of the community's latest inspection of that kind."""
    found: dict[str, str | None] = {}
    for inspection in inspections_of(city, c):  # oldest first: the latest wins
        found[inspection.kind] = inspection.overall
    return found


def failed(city: City, c: Community) -> bool:
    """Whether the community's latest inspection (of any kind) failed."""
    inspections = inspections_of(city, c)
    return bool(inspections) and inspections[-1].overall == FAILED


def dashboard(city: City) -> dict:
    """The rollout dashboard's inspection results: by kind, and by district which communities failed
    or have open inspection problems."""
    with_committee = [c for c in city.communities if c.committee is not None]
    counts = {kind: {r: 0 for r in RESULTS} for kind in INSPECTION_KINDS}
    seen = {kind: 0 for kind in INSPECTION_KINDS}
    for c in with_committee:
        for kind, result in latest_results(city, c).items():
            if kind in counts:
                seen[kind] += 1
                if result in counts[kind]:
                    counts[kind][result] += 1
    kinds = [KindCount(k, counts[k], len(with_committee) - seen[k]) for k in INSPECTION_KINDS]
    districts = [district_inspections(city, d) for d in city.districts]
    return {"kinds": kinds, "districts": districts, "limit": LIST_LIMIT,
            "any": any(c.inspections for c in with_committee)}


def district_inspections(city: City, district) -> DistrictInspections:
    inspected = [c for c in district.communities if c.inspections]
    return DistrictInspections(district, len(inspected), [c for c in inspected if failed(city, c)],
                               [c for c in inspected if open_problems(c, city.as_of)])


def feed_items(city: City, c: Community) -> list:
    """The community feed's entries for these records: each inspection (on its day, with its overall
    result), each election (when published) and each decision (when published)."""
    from generator.site.facts import Disclosure

    items = []
    for ins in inspections_of(city, c):
        if ins.inspected_on is not None:
            problems = len(ins.problems)
            items.append(Disclosure(ins.inspected_on, "record", c, label=f"{ins.kind}结果：{ins.overall or '未评定'}",
                                    anchor="inspections", summary=f"{ins.group}检查 {len(ins.items)} 个项目"
                                    + (f"，发现 {problems} 个问题。" if problems else "，未发现问题。")))
    for e in group_elections(c.elections):
        if e.published_on is not None:
            names = "、".join(f"{x.candidate}（{x.role}）" if x.role else x.candidate for x in e.elected)
            items.append(Disclosure(e.published_on, "record", c, label=f"监督委员会选举结果（{e.meeting}）",
                                    anchor="elections", summary=f"当选：{names}" if names else ""))
    for d in c.decisions:
        if d.published_on is not None:
            items.append(Disclosure(d.published_on, "record", c, label=f"重要事项：{d.matter}", anchor="decisions",
                                    summary=d.decision))
    return items
