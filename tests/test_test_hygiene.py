"""Honest tests, checked on the tests themselves (read with ast, never run): no assertion on how
long something took (a loaded machine makes it fail, an idle one hides a slowdown), and no wait
without a deadline (a hung service must fail the test, not hang the run)."""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent
CLOCKS = {"time", "perf_counter", "monotonic", "time_ns", "perf_counter_ns", "monotonic_ns", "process_time"}


def _is_clock(node: ast.AST) -> bool:
    return (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in CLOCKS
            and isinstance(node.func.value, ast.Name) and node.func.value.id == "time")


def _mentions_clock_difference(node: ast.AST, durations: set[str]) -> bool:
    for sub in ast.walk(node):
        if isinstance(sub, ast.BinOp) and isinstance(sub.op, ast.Sub) and (_is_clock(sub.left) or _is_clock(sub.right)):
            return True
        if isinstance(sub, ast.Name) and sub.id in durations:
            return True
    return False


def _durations(tree: ast.AST) -> set[str]:
    """Names given a clock difference (elapsed = time.monotonic() - start)."""
    return {target.id for node in ast.walk(tree) if isinstance(node, ast.Assign)
            and _mentions_clock_difference(node.value, set())
            for target in node.targets if isinstance(target, ast.Name)}


def _sleeps(loop: ast.While) -> bool:
    return any(isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "sleep"
               for n in ast.walk(loop))


def _has_deadline(loop: ast.While) -> bool:
    return any(isinstance(n, ast.Name) and "deadline" in n.id for n in ast.walk(loop))


def _test_files() -> list[Path]:
    return sorted(p for p in TESTS.rglob("*.py") if p.name != Path(__file__).name)


def timed_assertions(source: str) -> list[int]:
    tree = ast.parse(source)
    durations = _durations(tree)
    return [n.lineno for n in ast.walk(tree) if isinstance(n, ast.Assert) and _mentions_clock_difference(n.test, durations)]


def unbounded_waits(source: str) -> list[int]:
    """Loops that wait (sleep, or `while True`) with no deadline; `# bounded: why` on the line says why not."""
    lines = source.splitlines()
    found = []
    for n in ast.walk(ast.parse(source)):
        if not isinstance(n, ast.While) or "# bounded" in lines[n.lineno - 1]:
            continue
        forever = isinstance(n.test, ast.Constant) and n.test.value is True
        if (forever or _sleeps(n)) and not _has_deadline(n):
            found.append(n.lineno)
    return found


def test_no_test_asserts_on_a_duration():
    found = {p.relative_to(TESTS).as_posix(): lines for p in _test_files()
             if (lines := timed_assertions(p.read_text(encoding="utf-8")))}
    assert found == {}


def test_every_wait_in_a_test_has_a_deadline():
    found = {p.relative_to(TESTS).as_posix(): lines for p in _test_files()
             if (lines := unbounded_waits(p.read_text(encoding="utf-8")))}
    assert found == {}


def test_the_checks_see_what_they_forbid():
    assert timed_assertions("import time\nt = time.perf_counter()\nassert time.perf_counter() - t < 2\n") == [3]
    assert timed_assertions("import time\ns = time.time()\nelapsed = time.time() - s\nassert elapsed < 1\n") == [4]
    assert timed_assertions("import time\nassert time.monotonic() < deadline\n") == []  # a deadline, not a duration
    assert unbounded_waits("while True:\n    poll()\n") == [1]
    assert unbounded_waits("while not ready():\n    time.sleep(1)\n") == [1]
    assert unbounded_waits("while not ready():\n    assert time.monotonic() < deadline\n    time.sleep(1)\n") == []
    assert unbounded_waits("while True:  # bounded: the stack shrinks\n    break\n") == []
