"""Checking the data: load, the Table Schemas (frictionless), then the plan's own rules."""

from __future__ import annotations

from dataclasses import dataclass
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

    @property
    def ok(self) -> bool:
        return not self.problems.errors


def validate_city(data_dir: Path) -> Validation:
    """Everything that can be checked, collected: a city is returned whenever one can be built."""
    from generator.validate.rules import check_rules
    from generator.validate.schema import check_schemas

    loaded, problems = load_city(Path(data_dir))
    settings = read_city(loaded.city, problems)
    typed, schema_problems = check_schemas(loaded)
    problems.extend(schema_problems)
    if settings is None:
        return Validation(None, problems, loaded.digest)
    city = assemble_city(settings, loaded, typed)
    problems.extend(check_rules(city, loaded, problems.items))
    _attach_warnings(city, problems)
    return Validation(city, problems, loaded.digest)


def _attach_warnings(city: City, problems: Problems) -> None:
    """Open warnings belong to their community's page."""
    by_code = {c.code: c for c in city.communities}
    for p in problems.warnings:
        if p.community in by_code:
            by_code[p.community].warnings.append(p)
