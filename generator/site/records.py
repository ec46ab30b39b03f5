"""What the pages show of inspections, elections, decisions, projects, assets and training (issue 18).

Pure: model objects in, plain values out. The dashboard's inspection results are counted in one
pass over the communities; the lists of communities it names are bounded like every other list.
"""

from __future__ import annotations

from dataclasses import dataclass

import datetime

from generator.model import City, Community
from generator.dates import format_zh
from generator.money import format_amount
from generator.records import FAILED, INSPECTION_KINDS, RESULTS, group_elections, group_inspections, group_projects, \
    allowance_years, history, open_problems, plain_number, problem_state
from generator.site import urls

MECHANISMS = "mechanisms/"  # the city's working mechanisms (申诉救助, 工作考评, 责任追究), from city.yaml
LIST_LIMIT = 50  # communities named on the dashboard per list (the counts are always complete)
# Each record kind's own page under the community (urls.record), in the order the community page lists them.
PAGE_TITLES = {"inspections": "检查验收与考核", "elections": "选举与成员变动", "decisions": "重要事项",
               "projects": "工程项目", "assets": "资产资源", "trainings": "学习培训",
               "allowances": "报酬补贴与工作经费"}
# The findings each page shows: rule codes by prefix, and for the two registers the finding's own words.
FINDINGS_OF = {"inspections": ("inspection-",), "elections": ("election-", "member-change-"),
               "decisions": ("register-",), "projects": ("register-",),
               "allowances": ("allowance-", "budget-", "chair-pay-", "chair-allowance-")}
REGISTER_WORDS = {"decisions": "重要事项", "projects": "工程项目"}


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
    for m in c.member_changes:
        if m.published_on is not None:
            items.append(Disclosure(m.published_on, "record", c, label=f"监督委员会成员变动：{m.name}{m.change}",
                                    anchor="elections", summary=m.reason or ""))
    for stage in c.projects:
        if stage.published_on is not None:
            items.append(Disclosure(stage.published_on, "record", c, label=f"工程项目：{stage.project}（{stage.stage}）",
                                    anchor="projects", summary=stage.check or ""))
    for t in c.trainings:
        if t.held_on is not None:
            items.append(Disclosure(t.held_on, "record", c, label=f"学习培训：{t.topic}", anchor="trainings",
                                    summary=f"参加：{'、'.join(t.names)}"))
    for year, people, budgets in allowance_years(c.allowances):
        published = [a.published_on for a in people + budgets if a.published_on is not None]
        if published:
            items.append(Disclosure(max(published), "record", c, label=f"{year}年报酬补贴与工作经费",
                                    anchor="allowances", summary=f"{len(people)} 名成员的报酬补贴，{len(budgets)} 项经费"))
    return items


def city_feed_items(city: City, since: datetime.date | None = None) -> list:
    """Every community's record entries dated `since` or later, for the city feed (it keeps the
    newest: entries older than its ledgers and reports already fill it need not be made)."""
    if since is None:
        return [item for c in city.communities for item in feed_items(city, c)]
    return [item for c in city.communities if _latest_entry_date(c) >= since
            for item in feed_items(city, c) if item.date >= since]


def _latest_entry_date(c: Community) -> datetime.date:
    """The latest date any of feed_items' entries can carry: each is one of these dates."""
    dates = [i.inspected_on for i in c.inspections] + [e.published_on for e in c.elections]
    dates += [x.published_on for group in (c.decisions, c.member_changes, c.projects, c.allowances) for x in group]
    dates += [t.held_on for t in c.trainings]
    return max((d for d in dates if d is not None), default=datetime.date.min)


# --- each record kind's own page ------------------------------------------------------------------

def page_kinds(c: Community) -> list[str]:
    """The record kinds this community has, each with a page of its own."""
    has = {"inspections": c.inspections, "elections": c.elections or c.member_changes, "decisions": c.decisions,
           "projects": c.projects, "assets": c.assets, "trainings": c.trainings,
           "allowances": c.allowances or _has_support(c)}
    return [k for k in PAGE_TITLES if has[k]]


def _has_support(c: Community) -> bool:
    k = c.committee
    return k is not None and any(v is not None for v in (k.annual_budget, k.chair_monthly_pay,
                                                          k.chair_monthly_allowance))


def kind_findings(c: Community, kind: str) -> list:
    """The community's findings a record page shows: open first, then those put right."""
    from generator.site.findings import of_community

    prefixes = FINDINGS_OF.get(kind, ())
    words = REGISTER_WORDS.get(kind)
    return [f for f in of_community(c) if f.code.startswith(prefixes) and (words is None or f.text.startswith(words))]


def kind_changed(c: Community, kind: str) -> datetime.date | None:
    """When this kind's records last changed, from their own dates."""
    dates = {"inspections": [i.inspected_on for i in c.inspections] + [i.rectified_on for i in c.inspections],
             "elections": [e.published_on or e.held_on for e in c.elections]
             + [m.published_on or m.changed_on for m in c.member_changes],
             "decisions": [d.published_on or d.decided_on for d in c.decisions],
             "projects": [s.published_on or s.stage_on for s in c.projects],
             "assets": [a.checked_on for a in c.assets], "trainings": [t.held_on for t in c.trainings],
             "allowances": [a.published_on for a in c.allowances]}[kind]
    return max((d for d in dates if d is not None), default=None)


def summary(city: City, c: Community, kind: str) -> str:
    """One line of the community page's record list: the state of this kind in a sentence."""
    if kind == "inspections":
        found = inspections_of(city, c)
        latest = found[-1] if found else None
        n_open = len(open_problems(c, city.as_of))
        head = f"共 {len(found)} 次检查" + (f"，最近一次{latest.kind}：{latest.overall or '未评定'}" if latest else "")
        return head + (f"；尚有 {n_open} 个问题未整改" if n_open else "；发现的问题均已整改")
    if kind == "elections":
        found = group_elections(c.elections)
        head = f"最近一次选举：{format_zh(found[-1].held_on) if found[-1].held_on else ''}{found[-1].meeting}" \
            if found else "暂无选举记录"
        return head + (f"；成员变动 {len(c.member_changes)} 次" if c.member_changes else "")
    if kind == "decisions":
        return f"共 {len(c.decisions)} 项，最近：{c.decisions[0].matter}"
    if kind == "projects":
        names = [p["name"] for p in group_projects(c.projects)]
        return f"共 {len(names)} 个项目：" + "、".join(names[:3]) + ("等" if len(names) > 3 else "")
    if kind == "assets":
        return f"共 {len(c.assets)} 项资产资源"
    if kind == "trainings":
        return f"共 {len(c.trainings)} 次培训，最近：{c.trainings[0].topic}"
    years = allowance_years(c.allowances)
    budget = next((b for _, _, budgets in years for b in budgets if b.item == "工作经费"), None)
    if budget is not None and budget.standard is not None:
        return f"{budget.year}年工作经费预算 {format_amount(budget.standard)} 元"
    sup = support(city, c)
    if sup and sup["budget"] is not None:
        return f"年度工作经费 {format_amount(sup['budget'])} 元"
    return "主任报酬和成员补贴"


def summaries(city: City, c: Community) -> list[dict]:
    """The community page's list of record pages: title, link, one line of state, open findings."""
    return [{"kind": k, "title": PAGE_TITLES[k], "path": urls.record(c.code, k), "line": summary(city, c, k),
             "open": sum(1 for f in kind_findings(c, k) if f.is_open)} for k in page_kinds(c)]


def page_context(city: City, c: Community, kind: str, sheet) -> dict:
    """What a record page shows besides the community page's records: its findings, its downloads,
    and the printed sheet that matches it (`sheet`, a print.sheets.Sheet: its short code, which
    /verify/ knows)."""
    from generator.site.tablefiles import community_dir, download_links

    tables = ("elections", "member_changes") if kind == "elections" else (kind,)
    return {"kind": kind, "kind_title": PAGE_TITLES[kind], "kind_findings": kind_findings(c, kind),
            "kind_downloads": download_links(community_dir(c.code), tables),
            "sheet": {"title": sheet.title, "code": sheet.code, "stamp": sheet.stamp, "sheet": kind},
            "allowance_years": allowance_years(c.allowances)}
