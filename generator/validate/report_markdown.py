"""The validation report as Markdown: a pull request comment or a CI job summary.

One table per file, one row per rule and column (a rule repeated in a file is one row listing its
first rows), errors first; beyond MAX_SAME_PROBLEM rows of one rule in one file, one row stands for
the rest (problems.capped_groups), and the whole report stops at MAX_LINES rows. Everything that
came from the data is escaped: a committee's text must not become a link, a mention (@someone) or
HTML in the reviewers' forge.
"""

from __future__ import annotations

from itertools import groupby

from generator.problems import ERROR, FINDING, RANK, MoreOfTheSame, Problem, capped_groups, cell_column

ROWS_PER_RULE = 5
MAX_LINES = 300  # a GitHub comment holds 65,536 characters; keep well under
_SPECIAL = set("\\`*_[]{}()<>+-.!|~&:")
# Forges link @name and #123 in the rendered text, after Markdown escapes are gone: a zero-width
# space after the sign breaks the link and is invisible to the reader.
_UNLINK = {"@": "@\u200b", "#": "#\u200b"}


def escape(text: str) -> str:
    """Text as literal Markdown on one line: punctuation backslash-escaped, no HTML, no mentions."""
    flat = " ".join((text or "").split())
    return "".join(f"\\{ch}" if ch in _SPECIAL else _UNLINK.get(ch, ch) for ch in flat)


def as_markdown(problems: list[Problem], lang: str = "zh") -> str:
    zh = lang == "zh"
    errors = sum(p.severity == ERROR for p in problems)
    findings = sum(p.severity == FINDING for p in problems)
    warnings = len(problems) - errors - findings
    if errors:
        title = f"❌ 居务数据检查：{errors} 个错误，{findings} 个发现问题，{warnings} 个提醒" if zh else \
            f"❌ Juwu data check: {errors} errors, {findings} findings, {warnings} warnings"
    else:
        title = f"✅ 居务数据检查：没有错误，可以发布（{findings} 个发现问题照常公开，{warnings} 个提醒）" if zh else \
            f"✅ Juwu data check: no errors, ready to publish ({findings} findings, published; {warnings} warnings)"
    out = [f"## {title}", ""]
    if not problems:
        return "\n".join(out).rstrip() + "\n"
    head = ("| | 位置 | 问题 | 怎样改 |" if zh else "| | where | problem | how to fix |")
    lines = 0
    ordered = sorted(problems, key=lambda p: (p.file, -RANK[p.severity], p.code, p.field or "", p.row or 0))
    for file, in_file in groupby(ordered, key=lambda p: p.file):
        if lines >= MAX_LINES:
            break
        out += [f"### {escape(file)}", "", head, "| --- | --- | --- | --- |"]
        groups = [list(g) for _, g in groupby(in_file, key=lambda p: (p.severity, p.code, p.field))]
        for group in capped_groups(sorted(groups, key=lambda g: (-RANK[g[0].severity], g[0].row or 0,
                                                                 cell_column(g[0].cell), g[0].code))):
            if lines >= MAX_LINES:
                break
            out.append(_row(group, zh))
            lines += 1
        out.append("")
    if lines >= MAX_LINES:
        out.append("报告太长，只列出了前面的部分；完整报告请运行 `juwu validate`。" if zh else
                   "The report is long and was cut; run `juwu validate` for all of it.")
    return "\n".join(out).rstrip() + "\n"


def _row(group: list[Problem], zh: bool) -> str:
    first = group[0]
    level = {ERROR: "❌ 错误" if zh else "❌ error", FINDING: "🔎 发现问题" if zh else "🔎 finding"}.get(
        first.severity, "⚠️ 提醒" if zh else "⚠️ warning")
    where = _where(group, zh)
    message = escape(first.message("zh" if zh else "en"))
    hint = escape(first.hint("zh" if zh else "en"))
    return f"| {level} | {where} | {message} `{first.code}` | {hint} |"


def _where(group: list[Problem], zh: bool) -> str:
    places = []
    for p in group[:ROWS_PER_RULE]:
        if p.row is None:
            continue
        place = f"第{p.row}行" if zh else f"row {p.row}"
        places.append(f"{place} {p.cell}" if p.cell else place)
    text = "，".join(places) if zh else ", ".join(places)
    if len(group) > ROWS_PER_RULE:
        text += f"（共 {len(group)} 处）" if zh else f" ({len(group)} in all)"
    if group[0].field:
        text += f" “{escape(group[0].field)}”" if zh else f" '{escape(group[0].field)}'"
    if isinstance(group[0], MoreOfTheSame):
        return "…"
    return text.strip() or ("整个文件" if zh else "whole file")
