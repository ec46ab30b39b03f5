"""Docs guarded by tests: the README's rule table is the registry's, and every rule is tested."""

from __future__ import annotations

import re

import pytest
from pathlib import Path

from generator.problems import ERROR, FINDING, WARNING
from generator.validate.rules import REGISTRY, ordered_rules, rules_markdown

ROOT = Path(__file__).resolve().parents[1]


def test_readme_lists_every_rule_as_generated():
    readme = (ROOT / "README.md").read_text("utf-8")
    block = re.search(r"<!-- rules:start -->\n(.*?)\n<!-- rules:end -->", readme, re.S)
    assert block, "README.md lost its rules table markers"
    assert block.group(1) == rules_markdown(), "regenerate the README's rule table (see README)"
    for code in REGISTRY:
        assert f"| `{code}` |" in readme


def test_every_rule_is_triggered_by_a_rule_test(request):
    """Not the code's string in a test file: a rule test that makes the rule report a problem
    (recorded by tests/conftest.py while each tests/test_rules_*.py test runs)."""
    from tests.conftest import triggered_rules

    rule_tests = [i for i in request.session.items if i.module.__name__.rsplit(".", 1)[-1].startswith("test_rules_")
                  and i.name != request.node.name]
    files = {p.stem for p in (ROOT / "tests").glob("test_rules_*.py")}
    if {i.module.__name__.rsplit(".", 1)[-1] for i in rule_tests} != files or request.config.getoption("-k"):
        pytest.skip("needs every rule test in the same run (it reads what they triggered)")
    untriggered = sorted(code for code in REGISTRY if code not in triggered_rules(request.config))
    assert untriggered == []


def test_rules_are_complete_and_bilingual():
    assert len(ordered_rules()) == len(REGISTRY)
    for rule in REGISTRY.values():
        assert re.fullmatch(r"[a-z]+(-[a-z0-9]+)*", rule.code)
        assert rule.severity in (ERROR, FINDING, WARNING)
        assert rule.zh and rule.en and rule.hint_zh and rule.hint_en, rule.code
        assert re.search(r"[\u4e00-\u9fff]", rule.zh) and "（" not in rule.en  # each language in its own field
