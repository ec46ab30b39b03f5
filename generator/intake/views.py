"""Rendering for the upload service: its own Jinja2 environment (autoescape, StrictUndefined)."""

from __future__ import annotations

from itertools import groupby
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from generator import tableschemas
from generator.records import KINDS as RECORD_KINDS
from generator.dates import format_zh
from generator.money import format_amount
from generator.problems import ERROR, Problem, capped, cell_column
from generator.site.privacy import mask_mobile

TEMPLATES = Path(__file__).resolve().parent.parent / "templates" / "intake"
CSS = TEMPLATES / "intake.css"

# Which schema names the fields of a file, so a problem can say “上期结存” instead of opening_balance.
_KIND_OF = (("finance/", ".yaml", "ledger_period"), ("finance/", "（公开期信息）", "ledger_period"),
            ("finance/", "!公开期信息", "ledger_period"), ("finance/", "", "ledger_lines"),  # a file or a month's sheet
            ("members", "", "members"), ("committee", "", "committee"),
            ("reports/", "", "report"), ("officials", "", "officials"), ("opinions", "", "opinions"),
            ("evaluations", "", "evaluations"), ("rectifications", "", "rectifications"),
            ("member_changes", "", "member_changes"), *((kind, "", kind) for kind in RECORD_KINDS))


def _finalize(value):
    if isinstance(value, str) and not isinstance(value, Markup):
        return mask_mobile(value)
    return "" if value is None else value


def environment() -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True, undefined=StrictUndefined,
                      finalize=_finalize, trim_blocks=True, lstrip_blocks=True,
                      auto_reload=False)  # templates ship with the package: no stat() per page
    env.filters.update(money=lambda d: "" if d is None else format_amount(d),
                       date_zh=lambda d: "" if d is None else format_zh(d))
    from generator.intake.uploads import REPORT_STATUSES, REPORT_TYPES

    from generator.intake.forms import ELECTED_BY
    from generator.model import SIX_UNIFICATIONS

    env.globals.update(elected_by=ELECTED_BY, six_unifications=SIX_UNIFICATIONS)
    env.globals.update(problem_groups=problem_groups, report_types=REPORT_TYPES, report_statuses=REPORT_STATUSES,
                       headers={
        kind: [f.get("title", name) for name, f in tableschemas.fields(kind).items()]
        for kind in ("opinions", "evaluations", "rectifications", "member_changes", *RECORD_KINDS)})
    return env


def field_title(file: str, name: str | None) -> str:
    if not name:
        return ""
    for part, suffix, kind in _KIND_OF:
        if part in file and file.endswith(suffix):
            title = tableschemas.title(kind, name)
            return title if title != name else name
    return name


def short_file(file: str, community: str) -> str:
    prefix = f"communities/{community}/"
    return file[len(prefix):] if file.startswith(prefix) else file


EMPTY = "空"


def shown_value(value: str | None) -> str:
    """A cell's content as the clerk sees it: an empty cell is 空, never Python's None."""
    # frictionless reports a missing cell as the string "None" (generator/validate/schema.py passes it on).
    return EMPTY if value is None or value.strip() in ("", "None") else value


def _no_none(text: str | None) -> str:
    return (text or "").replace("“None”", f"“{EMPTY}”").replace("'None'", f"'{EMPTY}'")


def problem_groups(problems: list[Problem], community: str) -> list[dict]:
    """Problems by file, errors first, each with where (row, Excel cell, column), what and how to fix."""
    out = []
    # capped: at most MAX_SAME_PROBLEM of one rule in one file, then "… N more of the same"
    ordered = capped(sorted(problems, key=lambda p: (p.file, p.severity != ERROR, p.row or 0, cell_column(p.cell),
                                                     p.field or "")))
    for file, items in groupby(ordered, key=lambda p: p.file):
        rows = []
        # A period's YAML is written by the service from the form: its line numbers mean nothing to
        # the clerk, the form field's name does.
        from_form = ("/finance/" in file and file.endswith(".yaml")) or file.endswith("/committee.yaml")
        for p in items:
            rows.append({"error": p.severity == ERROR, "row": None if from_form else p.row, "cell": p.cell,
                         "column": field_title(file, p.field), "value": shown_value(p.value),
                         "message": _no_none(p.zh), "hint": _no_none(p.hint_zh), "code": p.code})
        label = short_file(file, community) + (
            ("（表单中填写的委员会信息）" if file.endswith("/committee.yaml") else "（表单中填写的账期信息）")
            if from_form else "")
        out.append({"file": label, "problems": rows})
    return out
