"""Validation reports: text for a terminal, JSON for machines, HTML a clerk can print (整改清单).

All three take the sorted problem list and return a string; only the CLI prints or writes it.
Repeated problems (one rule in one column of one file) are summarised: a count and the first
rows, never 5,000 lines; beyond MAX_SAME_PROBLEM entries of one rule in one file, one line
stands for the rest (problems.capped, capped_groups), so a report stays small whatever the
input. Totals always count everything.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass
from itertools import groupby

from generator import tableschemas
from generator.problems import (ERROR, FINDING, MAX_SAME_PROBLEM, RANK, MoreOfTheSame, Problem, capped, capped_groups,
                               cell_column)

MAX_ROWS_LISTED = 5  # text: rows named in a summarised group
MAX_HTML_ITEMS = 30  # html: problems listed per group before "and N more like these"

_WORDS = {
    "zh": {"error": "错误", "finding": "发现问题", "warning": "提醒", "row": "第{}行", "whole": "整个文件", "more": "另有 {} 处",
           "count": "共 {} 处", "title": "数据检查报告：整改清单", "file": "文件", "where": "位置", "column": "列",
           "problem": "问题", "fix": "怎样改", "done": "已改", "value": "内容", "version": "数据版本",
           "none": "没有发现问题。", "ok": "可以发布", "not_ok": "有错误，改正后才能发布",
           "intro": "逐项改正后在“已改”栏打勾；“错误”必须改正，否则该社区的数据暂缓公开；“发现问题”是监督发现的"
                    "不合规情况，照常公开并列入督办，整改后自然消除；“提醒”请尽量处理。改完后重新运行检查。",
           "rule": "规则"},
    "en": {"error": "error", "finding": "finding", "warning": "warning", "row": "row {}", "whole": "whole file", "more": "{} more",
           "count": "{} in all", "title": "Data check report: to-do list", "file": "File", "where": "Where",
           "column": "Column", "problem": "Problem", "fix": "How to fix", "done": "Done", "value": "Value",
           "version": "Data version", "none": "No problems found.", "ok": "ready to publish",
           "not_ok": "has errors; fix them before publishing",
           "intro": "Tick each item once fixed. Errors must be fixed, or the community's data is held back; findings "
                    "(the plan not followed) are published and listed for follow-up until rectified; warnings "
                    "should be fixed. Then run the check again.",
           "rule": "Rule"},
}


def summary(problems: list[Problem], lang: str) -> str:
    errors = sum(p.severity == ERROR for p in problems)
    findings = sum(p.severity == FINDING for p in problems)
    warnings = len(problems) - errors - findings
    if lang == "zh":
        return (f"{errors} 个错误，{findings} 个发现问题（照常公开），{warnings} 个提醒"
                + ("；可以发布" if not errors else "；改正错误后才能发布"))
    return (f"{errors} errors, {findings} findings (published), {warnings} warnings"
            + ("; ready to publish" if not errors else "; fix the errors to publish"))


def as_json(problems: list[Problem], lang: str) -> str:
    """`problems` lists at most MAX_SAME_PROBLEM of one code in one file; an entry with `omitted`
    stands for the rest. `errors` and `warnings` count them all."""
    listed = capped(problems)
    return json.dumps(
        {"ok": not any(p.severity == ERROR for p in problems),
         "errors": sum(p.severity == ERROR for p in problems),
         "findings": sum(p.severity == FINDING for p in problems),
         "warnings": sum(p.severity not in (ERROR, FINDING) for p in problems),
         "omitted": sum(p.omitted for p in listed if isinstance(p, MoreOfTheSame)),
         "problems": [p.to_dict() | {"message": p.message(lang), "hint": p.hint(lang)} for p in listed]},
        ensure_ascii=False, indent=2)


@dataclass
class Group:
    """Problems of one rule in one column of one file."""

    file: str
    code: str
    field: str | None
    items: list[Problem]

    @property
    def severity(self) -> str:
        return max((p.severity for p in self.items), key=RANK.__getitem__)

    @property
    def same_message(self) -> bool:
        return len({(p.zh, p.en) for p in self.items}) == 1


def grouped(problems: list[Problem]) -> list[tuple[str, list[Group]]]:
    """[(file, [Group])] with files in order, groups in order of their first row, errors first;
    at most MAX_SAME_PROBLEM groups of one rule in a file, then one "… N more of the same" group."""
    out = []
    for file, in_file in groupby(sorted(problems, key=Problem.sort_key), key=lambda p: p.file):
        groups: dict[tuple, list[Problem]] = {}
        for p in in_file:
            groups.setdefault((p.code, p.field), []).append(p)
        ordered = sorted(groups.values(), key=lambda g: (-max(RANK[p.severity] for p in g), g[0].row or 0,
                                                         cell_column(g[0].cell), g[0].code))
        out.append((file, [Group(file, g[0].code, g[0].field, g) for g in capped_groups(ordered)]))
    return out


def _place(p: Problem, lang: str) -> str:
    if isinstance(p, MoreOfTheSame):
        return "…"
    if p.row is None:
        return ""
    text = _WORDS[lang]["row"].format(p.row)
    return f"{text} {p.cell}" if p.cell else text


def _column(field: str | None, lang: str) -> str:
    if not field:
        return ""
    title = _field_titles().get(field)
    if lang == "zh":
        # Both names: a sheet's header may be the Chinese title or the field name.
        return f"“{title}”（{field}）" if title and title != field else f"“{field}”"
    return f"'{field}'"


def _field_titles() -> dict[str, str]:
    titles: dict[str, str] = {}
    for kind in tableschemas.KINDS:
        for name, f in tableschemas.fields(kind).items():
            titles.setdefault(name, f.get("title", name))
    return titles


def _level(severity: str, lang: str) -> str:
    return _WORDS[lang][severity if severity in (ERROR, FINDING) else "warning"]


def _rule_title(code: str, lang: str) -> str | None:
    from generator.validate.rules import REGISTRY

    r = REGISTRY.get(code)
    return None if r is None else (r.zh if lang == "zh" else r.en)


def as_text(problems: list[Problem], lang: str, colour: bool = False) -> str:
    """Grouped by file, then by rule and column; a repeated problem is one entry with a count."""
    words = _WORDS[lang]
    red, yellow, dim, bold, reset = ("\033[31m", "\033[33m", "\033[2m", "\033[1m", "\033[0m") if colour else ("",) * 5
    sep = "：" if lang == "zh" else ": "
    out: list[str] = []
    for file, groups in grouped(problems):
        out.append(f"{bold}{file}{reset}")
        for g in groups:
            shade = red if g.severity != "warning" else yellow
            head = f"  {shade}{_level(g.severity, lang)}{reset} [{g.code}]"
            first = g.items[0]
            column = _column(g.field, lang)
            if isinstance(first, MoreOfTheSame):
                out.append(f"{head} {first.message(lang)}")
                continue
            if len(g.items) == 1:
                where = " ".join(filter(None, [_place(first, lang), column])) or words["whole"]
                out.append(f"{head} {where}{sep}{first.message(lang)}")
            elif g.same_message:
                places = [_place(p, lang) for p in g.items[:MAX_ROWS_LISTED] if p.row is not None]
                where = " ".join(filter(None, ["、".join(places) if lang == "zh" else ", ".join(places), column]))
                count = words["count"].format(len(g.items))
                out.append(" ".join(filter(None, [head, where, count])) + sep + first.message(lang))
            else:
                title = _rule_title(g.code, lang) or first.message(lang)
                out.append(" ".join(filter(None, [head, column, words["count"].format(len(g.items))])) + sep + title)
                for p in g.items[:MAX_ROWS_LISTED]:
                    where = _place(p, lang)
                    out.append(f"    - {where + sep if where else ''}{p.message(lang)}")
                if len(g.items) > MAX_ROWS_LISTED:
                    out.append(f"    - …{words['more'].format(len(g.items) - MAX_ROWS_LISTED)}")
            if first.hint(lang):
                out.append(f"    {dim}→ {first.hint(lang)}{reset}")
    out.append(summary(problems, lang))
    return "\n".join(out)


_CSS = """
body{font-family:"Noto Sans CJK SC","Source Han Sans SC","PingFang SC","Microsoft YaHei",sans-serif;
 margin:1.5rem auto;max-width:60rem;padding:0 1rem;color:#222;line-height:1.5}
h1{font-size:1.5rem;margin:0 0 .3rem}h2{font-size:1.1rem;margin:1.6rem 0 .4rem;word-break:break-all}
.summary{padding:.6rem .8rem;border-radius:4px;margin:.8rem 0}.summary.ok{background:#e8f5e9}
.summary.bad{background:#fdecea}.meta{color:#555;font-size:.9rem}
table{border-collapse:collapse;width:100%;font-size:.95rem}
th,td{border:1px solid #bbb;padding:.3rem .45rem;vertical-align:top;text-align:left}
th{background:#f2f2f2}td.n,td.box{text-align:center;white-space:nowrap}td.box{font-size:1.2rem}
td.where,td.col,th{white-space:nowrap}
.error{color:#b71c1c;font-weight:bold}.finding{color:#6a1b9a;font-weight:bold}.warning{color:#8a6d00;font-weight:bold}
.hint{color:#333}.value{font-family:monospace;word-break:break-all}.more{font-style:italic;color:#555}
@media print{body{margin:0;max-width:none}h2{break-after:avoid}tr{break-inside:avoid}.summary{border:1px solid #999}}
"""


def as_html(problems: list[Problem], lang: str, digest: str = "", data_name: str = "") -> str:
    """A self-contained page (no scripts, no external files) a clerk can open or print."""
    w = _WORDS[lang]
    e = html.escape
    errors = sum(p.severity == ERROR for p in problems)
    parts = [
        "<!DOCTYPE html>", f'<html lang="{"zh-CN" if lang == "zh" else "en"}"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{e(w['title'])}{' — ' + e(data_name) if data_name else ''}</title><style>{_CSS}</style></head><body>",
        f"<h1>{e(w['title'])}</h1>",
        f'<p class="summary {"bad" if errors else "ok"}">{e(summary(problems, lang))}</p>',
    ]
    meta = [e(data_name)] if data_name else []
    if digest:
        meta.append(f"{e(w['version'])} {e(digest[:12])}")
    if meta:
        parts.append(f'<p class="meta">{" · ".join(meta)}</p>')
    if not problems:
        parts.append(f"<p>{e(w['none'])}</p></body></html>")
        return "\n".join(parts) + "\n"
    parts.append(f"<p>{e(w['intro'])}</p>")
    number = 0
    for file, groups in grouped(problems):
        parts.append(f"<h2>{e(w['file'])}：{e(file)}</h2>" if lang == "zh" else f"<h2>{e(w['file'])}: {e(file)}</h2>")
        parts.append(f"<table><thead><tr><th>#</th><th>{e(w['done'])}</th><th>{e(w['where'])}</th>"
                     f"<th>{e(w['column'])}</th><th>{e(w['problem'])}</th><th>{e(w['fix'])}</th></tr></thead><tbody>")
        listed: dict[str, int] = {}  # rows listed per rule in this file, at most MAX_SAME_PROBLEM
        for g in groups:
            take = max(0, min(MAX_HTML_ITEMS, MAX_SAME_PROBLEM - listed.get(g.code, 0)))
            take = 1 if isinstance(g.items[0], MoreOfTheSame) else take  # the summary line itself
            listed[g.code] = listed.get(g.code, 0) + take
            for p in g.items[:take]:
                number += 1
                parts.append(_html_row(number, p, lang))
            if len(g.items) > take:
                rest = len(g.items) - take
                note = (f"同类问题（[{g.code}]）另有 {rest} 处，改法相同" if lang == "zh"
                        else f"{rest} more problems like these ([{g.code}]), fixed the same way")
                parts.append(f'<tr><td colspan="6" class="more">{e(note)}</td></tr>')
        parts.append("</tbody></table>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def _html_row(number: int, p: Problem, lang: str) -> str:
    e = html.escape
    level = _level(p.severity, lang)
    value = f'<br><span class="value">{e(_WORDS[lang]["value"])}：{e(p.value)}</span>' if p.value else ""
    return (f'<tr><td class="n">{number}</td><td class="box">☐</td><td class="where">{e(_place(p, lang)) or e(_WORDS[lang]["whole"])}</td>'
            f'<td class="col">{e(_column(p.field, lang))}</td>'
            f'<td><span class="{p.severity}">{e(level)}</span> {e(p.message(lang))}{value}'
            f' <span class="meta">[{e(p.code)}]</span></td><td class="hint">{e(p.hint(lang))}</td></tr>')
