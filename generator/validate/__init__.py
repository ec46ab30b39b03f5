"""Checking the data: load, the Table Schemas (frictionless), then the plan's own rules."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from generator.assemble import assemble_city
from generator.config import read_city
from generator.load import load_city
from generator.model import City
from generator.problems import Problems


@dataclass
class Validation:
    city: City | None
    problems: Problems
    digest: str = ""
    hashes: dict[str, str] = field(default_factory=dict)  # every file read → sha256
    city_tables: dict = field(default_factory=dict)  # the city tables' schema check, for the next build

    @property
    def ok(self) -> bool:
        return not self.problems.errors


CITY_KINDS = ("communities", "rollout")


def validate_city(data_dir: Path, communities: set[str] | None = None, known: dict | None = None) -> Validation:
    """Everything that can be checked, collected: a city is returned whenever one can be built.

    With `communities`, only those community folders are read (the city's own files always are),
    which keeps a pre-commit check fast in a city of 5,000 communities. The city built from such
    a subset is for checking only, never published as it is (a republish puts the summaries of the
    other communities in). `known`: the city tables' schema check from the last build.
    """
    from generator.validate.rules import check_rules
    from generator.validate.schema import check_schemas, checked_files

    loaded, problems = load_city(Path(data_dir), communities)
    settings = read_city(loaded.city, problems)
    typed, schema_problems = check_schemas(loaded, known=known)
    problems.extend(schema_problems)
    city_tables = checked_files(loaded, typed, schema_problems, CITY_KINDS)
    if settings is None:
        return Validation(None, problems, loaded.digest, loaded.hashes)
    city = assemble_city(settings, loaded, typed)
    problems.extend(_in_scope(check_rules(city, loaded, problems.items), communities))
    _attach_warnings(city, problems)
    return Validation(city, problems, loaded.digest, loaded.hashes, city_tables)


def _in_scope(problems, communities: set[str] | None):
    """On a subset, a rule may see an unread community as empty (no committee, no ledgers): keep
    only problems of the communities read or of no community (the city's own files)."""
    if communities is None:
        return problems
    return [p for p in problems if p.community is None or p.community in communities]


def _attach_warnings(city: City, problems: Problems) -> None:
    """Open warnings belong to their community's page."""
    by_code = {c.code: c for c in city.communities}
    for p in problems.warnings:
        if p.community in by_code:
            by_code[p.community].warnings.append(p)
