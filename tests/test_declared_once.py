"""Declared once: city settings' defaults on CitySettings (a city that leaves a setting out gets
exactly that default, and every setting with a default is one city.yaml can set); report types
and statuses in the report's Table Schema, wherever a form lists them."""

from __future__ import annotations

import dataclasses

from generator import config, tableschemas
from generator.config import CitySettings, read_city
from generator.load.yamlfile import parse
from generator.problems import Problems

MINIMAL = """
name: 某市
plan_year: 2023
site_url: https://example.invalid/
rollout:
  goal_date: 2023-05-31
  target_date: 2023-06-30
  phases: [{phase: 1, name: 调研预备, deadline: 2023-04-30}]
"""
# Settings with defaults of their own kind (lists, the keyword table, calendars), read apart.
READ_APART = {"hotline", "income_categories", "expense_categories", "funding_sources", "category_keywords",
              "mechanisms", "holidays", "workdays", "street_offices"}


def test_a_setting_left_out_is_the_declared_default():
    problems = Problems()
    settings = read_city(parse(MINIMAL), problems)
    assert settings is not None and not problems.items
    for f in dataclasses.fields(CitySettings):
        if f.default is not dataclasses.MISSING and f.name not in READ_APART:
            assert getattr(settings, f.name) == f.default, f.name


def test_every_setting_with_a_default_is_read_from_city_yaml():
    read = {name for name, _, _ in (*config._DISCLOSURE, *config._WORKING_SYSTEM)}
    defaulted = {f.name for f in dataclasses.fields(CitySettings) if f.default is not dataclasses.MISSING}
    assert defaulted - READ_APART == read


def test_a_setting_given_overrides_its_default():
    settings = read_city(parse(MINIMAL + "working_system: {meetings_per_year: 2, annual_report_by: '01-15'}\n"),
                         Problems())
    assert (settings.meetings_per_year, settings.annual_report_by) == (2, "01-15")


def test_the_upload_forms_offer_the_report_types_and_statuses_of_the_schema():
    from generator.intake.forms import REPORT_TYPE_SLUGS
    from generator.intake.uploads import REPORT_STATUSES, REPORT_TYPES

    fields = tableschemas.fields("report")
    assert REPORT_TYPES == tuple(fields["type"]["constraints"]["enum"])
    assert REPORT_STATUSES == tuple(fields["status"]["constraints"]["enum"])
    assert set(REPORT_TYPE_SLUGS) == set(REPORT_TYPES)  # a new type gets a word for its file name
