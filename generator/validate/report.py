"""Validation reports: text for a terminal, JSON for machines."""

from __future__ import annotations

import json
from itertools import groupby

from generator.problems import ERROR, Problem

MAX_ROWS_LISTED = 5


def summary(problems: list[Problem], lang: str) -> str:
    errors = sum(p.severity == ERROR for p in problems)
    warnings = len(problems) - errors
    if lang == "zh":
        return f"{errors} 个错误，{warnings} 个提醒" + ("" if errors else "；可以发布")
    return f"{errors} errors, {warnings} warnings" + ("" if errors else "; ready to publish")


def as_json(problems: list[Problem], lang: str) -> str:
    return json.dumps(
        {"ok": not any(p.severity == ERROR for p in problems),
         "errors": sum(p.severity == ERROR for p in problems),
         "warnings": sum(p.severity != ERROR for p in problems),
         "problems": [p.to_dict() | {"message": p.message(lang), "hint": p.hint(lang)} for p in problems]},
        ensure_ascii=False, indent=2)


def as_text(problems: list[Problem], lang: str, colour: bool = False) -> str:
    """Grouped by file, then by rule; a rule repeated in one file is one line with a count."""
    out: list[str] = []
    red, yellow, dim, reset = ("\033[31m", "\033[33m", "\033[2m", "\033[0m") if colour else ("",) * 4
    for file, in_file in groupby(problems, key=lambda p: p.file):
        out.append(f"{file}")
        in_file = sorted(in_file, key=lambda p: (p.code, p.row or 0, p.field or ""))
        for code, group in groupby(in_file, key=lambda p: (p.code, p.field)):
            group = list(group)
            first = group[0]
            level = ("错误" if lang == "zh" else "error") if first.severity == ERROR else ("提醒" if lang == "zh" else "warning")
            shade = red if first.severity == ERROR else yellow
            where = _where(group[:MAX_ROWS_LISTED], lang)
            more = ""
            if len(group) > MAX_ROWS_LISTED:
                more = f"（共 {len(group)} 处）" if lang == "zh" else f" ({len(group)} in all)"
            out.append(f"  {shade}{level}{reset} [{code[0]}] {where}{more}: {first.message(lang)}")
            if first.hint(lang):
                out.append(f"    {dim}→ {first.hint(lang)}{reset}")
    out.append(summary(problems, lang))
    return "\n".join(out)


def _where(group: list[Problem], lang: str) -> str:
    parts = []
    for p in group:
        if p.row is None:
            continue
        text = (f"第{p.row}行" if lang == "zh" else f"row {p.row}")
        if p.cell:
            text += f" {p.cell}"
        parts.append(text)
    column = group[0].field
    lead = (f"“{column}”" if lang == "zh" else f"'{column}'") if column else ""
    return " ".join(filter(None, [", ".join(parts), lead])) or ("整个文件" if lang == "zh" else "whole file")
