"""The Table Schemas shipped with Juwu: the contract for every resource kind."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import yaml

SCHEMA_DIR = Path(__file__).parent / "schemas"
KINDS = (
    "communities", "rollout", "committee", "members", "officials",
    "ledger_period", "ledger_lines", "report", "opinions", "evaluations", "rectifications",
    "member_changes", "inspections", "elections", "decisions", "projects", "assets", "trainings",
    "allowances",
)


@cache
def schema(kind: str) -> dict:
    """The Table Schema descriptor of a resource kind (read once; libyaml's C loader when PyYAML
    has it: the same safe loading, ~10x faster, which a republish of one community notices)."""
    return yaml.load((SCHEMA_DIR / f"{kind}.yaml").read_text(encoding="utf-8"), Loader=_LOADER)


_LOADER = getattr(yaml, "CSafeLoader", None) or yaml.SafeLoader


@cache
def fields(kind: str) -> dict[str, dict]:
    return {f["name"]: f for f in schema(kind)["fields"]}


@cache
def header_aliases(kind: str) -> dict[str, str]:
    """Header as a clerk may write it (field name, its Chinese title, or a spelling listed under
    the field's `aliases` in the schema, also without spaces or a unit such as （元）) → field name."""
    aliases: dict[str, str] = {}
    for f in schema(kind)["fields"]:
        for spelling in f.get("aliases", ()):
            aliases.setdefault(spelling, f["name"])
            aliases.setdefault(plain_title(spelling), f["name"])
    for f in schema(kind)["fields"]:
        aliases[f["name"]] = f["name"]
        aliases[f["name"].lower()] = f["name"]
        if f.get("title"):
            aliases[f["title"]] = f["name"]
    return aliases


@cache
def board_aliases(kind: str) -> dict[str, str]:
    """header_aliases plus the schema's `boardColumns` (a month, day or running-balance column a
    published board has), each spelling also as plain_title gives it."""
    aliases = {plain_title(k): v for k, v in header_aliases(kind).items()}
    aliases.update(header_aliases(kind))
    for name, spellings in (schema(kind).get("boardColumns") or {}).items():
        for spelling in spellings:
            aliases.setdefault(plain_title(spelling), name)
    return aliases


_UNIT = re.compile(r"[（(]\s*(?:元|人民币元|单位[：:]?\s*元)\s*[）)]$")


def plain_title(text: str) -> str:
    """A column title without spaces (收  入), line breaks or a trailing unit (收入（元）)."""
    return _UNIT.sub("", "".join(text.split()))


def field_named(kind: str, written: str) -> str | None:
    """The field a column title as a clerk wrote it names (header_aliases, also lower-cased or
    without spaces and unit: 姓 名, 收入（元）); None for a title no field has."""
    aliases = header_aliases(kind)
    written = written.strip()
    return aliases.get(written) or aliases.get(written.lower()) or aliases.get(plain_title(written))


def title(kind: str, name: str) -> str:
    """A field's Chinese title, e.g. '摘要', for messages a clerk reads."""
    return fields(kind).get(name, {}).get("title", name)
