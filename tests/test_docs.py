"""The docs tell the truth: the quickstart's commands exist and every CLI command is documented."""

from __future__ import annotations

import re

from generator.cli import cli
from generator.config import PROJECT_ROOT

README = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
MAKEFILE = (PROJECT_ROOT / "Makefile").read_text(encoding="utf-8")


def test_quickstart_commands_are_make_targets():
    quickstart = README.split("## Quickstart", 1)[1].split("\n## ", 1)[0]
    targets = set(re.findall(r"^make (\w+)", quickstart, flags=re.M))
    assert {"serve", "test"} <= targets
    for target in targets:
        assert re.search(rf"^{target}:", MAKEFILE, flags=re.M), target


def test_ci_runs_make_test():
    assert "make test" in (PROJECT_ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_every_command_is_in_the_readme():
    for name in cli.commands:
        assert f"`juwu {name}" in README, f"juwu {name} is not documented in README.md"
