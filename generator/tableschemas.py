"""The Table Schemas shipped with Juwu: the contract for every resource kind."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml

SCHEMA_DIR = Path(__file__).parent / "schemas"
KINDS = (
    "communities", "rollout", "committee", "members", "officials",
    "ledger_period", "ledger_lines", "report", "opinions", "evaluations", "rectifications",
    "member_changes",
)


@cache
def schema(kind: str) -> dict:
    """The Table Schema descriptor of a resource kind (read once)."""
    return yaml.safe_load((SCHEMA_DIR / f"{kind}.yaml").read_text(encoding="utf-8"))


@cache
def fields(kind: str) -> dict[str, dict]:
    return {f["name"]: f for f in schema(kind)["fields"]}


@cache
def header_aliases(kind: str) -> dict[str, str]:
    """Header as a clerk may write it (field name or its Chinese title) → field name."""
    aliases: dict[str, str] = {}
    for f in schema(kind)["fields"]:
        aliases[f["name"]] = f["name"]
        aliases[f["name"].lower()] = f["name"]
        if f.get("title"):
            aliases[f["title"]] = f["name"]
    return aliases


def title(kind: str, name: str) -> str:
    """A field's Chinese title, e.g. '摘要', for messages a clerk reads."""
    return fields(kind).get(name, {}).get("title", name)
