"""Shared fixtures: the committed demo city, built once per session."""

from __future__ import annotations

import csv
import os
import shutil
from pathlib import Path

import pytest

from generator.build import build
from generator.config import PROJECT_ROOT, BuildPaths

DATA = PROJECT_ROOT / "data"


@pytest.fixture(autouse=True)
def _record_triggered_rules(request, monkeypatch):
    """In a rule test, every rule that reports a problem is recorded: tests/test_rules_registry.py
    then requires each registered rule to have been triggered by some rule test."""
    if not request.node.module.__name__.rsplit(".", 1)[-1].startswith("test_rules_"):
        return
    from generator.validate.rules import _base

    original = _base.Context.problem
    triggered = triggered_rules(request.config)

    def recording(self, rule, *args, **kwargs):
        triggered.add(rule.code)
        return original(self, rule, *args, **kwargs)

    monkeypatch.setattr(_base.Context, "problem", recording)


def triggered_rules(config) -> set[str]:
    """Rule codes a rule test made a rule report in this run (kept on the run's config: this file
    may be imported twice, as conftest and as tests.conftest)."""
    return config.__dict__.setdefault("juwu_triggered_rules", set())


def pytest_collection_modifyitems(session, config, items):
    """The rule-coverage check runs after every rule test (it reads what they triggered)."""
    last = [i for i in items if i.name == "test_every_rule_is_triggered_by_a_rule_test"]
    items[:] = [i for i in items if i not in last] + last


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """The demo city, built into a temporary site folder."""
    site = tmp_path_factory.mktemp("site") / "site"
    result = build(BuildPaths(data=DATA, site=site))
    assert result.built, [p.en for p in result.problems.errors][:10]
    return site


@pytest.fixture
def data_copy(tmp_path) -> Path:
    """A private copy of the demo data, to break."""
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    return target


def read_csv_rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def community_with_committee(data: Path = DATA) -> str:
    return sorted(p.name for p in (data / "communities").iterdir() if (p / "committee.yaml").exists())[0]


# Debian's Chromium driven by Playwright. Module-scoped: the sync API allows one Playwright at a
# time, and other test modules start their own. Browser tests must run wherever Chromium exists:
# without it they fail in CI (CI=true) with a clear message, and are skipped only on a developer's
# machine.
CHROMIUM = os.environ.get("JUWU_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        message = f"Chromium not found at {CHROMIUM}: install Debian's chromium (make system-deps)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM,
                                    args=["--no-sandbox", "--disable-background-networking"])
        yield browser
        browser.close()
