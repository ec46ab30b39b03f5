"""The download tables of inspections, elections, decisions, projects, assets and training
(issue 18): the same rows the community page shows, for downloads.py."""

from __future__ import annotations

from generator.model import City, Community
from generator.records import problem_state
from generator.site.tablefiles import INSPECTION_FIELDS
from generator.site.tablefiles import Field as F

ELECTION_FIELDS = [F("held_on", "选举日期", "date"), F("meeting", "会议类型"), F("expected", "应到人数", "integer"),
                   F("present", "实到人数", "integer"), F("candidate", "候选人"), F("votes", "得票数", "integer"),
                   F("elected", "是否当选"), F("role", "当选职务"), F("published_on", "公开日期", "date")]
DECISION_FIELDS = [F("decided_on", "决策日期", "date"), F("meeting", "决策会议"), F("matter", "事项"),
                   F("decision", "决定"), F("opinion", "监督意见"), F("published_on", "公开日期", "date")]
PROJECT_FIELDS = [F("project", "项目名称"), F("budget", "预算（元）", "number"), F("contractor", "施工单位"),
                  F("stage", "阶段"), F("stage_on", "阶段日期", "date"), F("check", "监督情况"),
                  F("published_on", "公开日期", "date")]
ASSET_FIELDS = [F("asset", "资产名称"), F("category", "类别"), F("location", "位置"), F("value", "价值（元）", "number"),
                F("use", "使用情况"), F("checked_on", "监督核查日期", "date")]
TRAINING_FIELDS = [F("held_on", "培训日期", "date"), F("topic", "培训内容"), F("organiser", "组织单位"),
                   F("attendees", "参加人员"), F("hours", "学时", "number")]
# allowances.csv as published: names, posts and public amounts only (DISCLOSURE.md; no account or ID column exists).
ALLOWANCE_FIELDS = [F("year", "年度", "integer"), F("item", "项目"), F("name", "姓名"), F("role", "职务"),
                    F("standard", "标准（元）", "number"), F("paid", "实发金额（元）", "number"), F("period", "发放期间"),
                    F("source", "资金来源"), F("published_on", "公开日期", "date")]

TITLES = {"inspections": "检查验收与考核", "elections": "选举情况", "decisions": "重要事项", "projects": "工程项目",
          "assets": "资产资源", "trainings": "学习培训", "allowances": "报酬补贴与工作经费"}
NAMES = tuple(TITLES)


def inspections(city: City, c: Community) -> list[list]:
    linked = {r.id: r for r in c.rectifications}
    return [[i.inspection, i.kind, i.inspected_on, i.group, i.item,
             i.outcome(city.settings.inspection_pass_score), i.score, i.problem, i.rectify_by, i.rectified_on,
             i.rectification, problem_state(i, linked, city.as_of) if i.problem else None] for i in c.inspections]


def elections(city: City, c: Community) -> list[list]:
    return [[e.held_on, e.meeting, e.expected, e.present, e.candidate, e.votes, e.elected, e.role, e.published_on]
            for e in c.elections]


def decisions(city: City, c: Community) -> list[list]:
    return [[d.decided_on, d.meeting, d.matter, d.decision, d.opinion, d.published_on] for d in c.decisions]


def projects(city: City, c: Community) -> list[list]:
    return [[p.project, p.budget, p.contractor, p.stage, p.stage_on, p.check, p.published_on] for p in c.projects]


def assets(city: City, c: Community) -> list[list]:
    return [[a.asset, a.category, a.location, a.value, a.use, a.checked_on] for a in c.assets]


def trainings(city: City, c: Community) -> list[list]:
    return [[t.held_on, t.topic, t.organiser, "、".join(t.names), t.hours] for t in c.trainings]


def allowances(city: City, c: Community) -> list[list]:
    return [[a.year, a.item, a.name, a.role, a.standard, a.paid, a.period, a.source, a.published_on]
            for a in c.allowances]


SPECS = (("inspections", INSPECTION_FIELDS, inspections), ("elections", ELECTION_FIELDS, elections),
         ("decisions", DECISION_FIELDS, decisions), ("projects", PROJECT_FIELDS, projects),
         ("assets", ASSET_FIELDS, assets), ("trainings", TRAINING_FIELDS, trainings),
         ("allowances", ALLOWANCE_FIELDS, allowances))
ROWS = {name: rows for name, _, rows in SPECS}


def member_change_rows(c: Community) -> list[list]:
    """成员变动: every change of a member since the election, in CHANGE_FIELDS order."""
    return [[m.changed_on, m.name, m.change, m.role_before, m.role_after, m.reason, m.meeting, m.published_on]
            for m in c.member_changes]
