"""Every refusal has a stable code from generator/refusals.py, the README lists them all, and the
command line shows them one way."""

from __future__ import annotations

import ast
import importlib
import pkgutil
import re
import subprocess
import sys

import generator
from generator.config import PROJECT_ROOT
from generator.problems import JuwuError
from generator.refusals import REFUSALS

SOURCES = sorted((PROJECT_ROOT / "generator").rglob("*.py"))


def _all_subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _all_subclasses(sub)


def test_every_direct_juwu_error_names_a_registered_code():
    unnamed, unknown = [], []
    for path in SOURCES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "JuwuError":
                code = next((k.value for k in node.keywords if k.arg == "code"), None)
                where = f"{path.relative_to(PROJECT_ROOT)}:{node.lineno}"
                if not isinstance(code, ast.Constant):
                    unnamed.append(where)
                elif code.value not in REFUSALS:
                    unknown.append(f"{where} {code.value}")
    assert not unnamed, f"JuwuError raised without code=: {unnamed}"
    assert not unknown, f"codes not in generator/refusals.py: {unknown}"


def test_every_kind_of_refusal_carries_a_registered_code():
    for info in pkgutil.walk_packages(generator.__path__, "generator."):
        if info.name.endswith("__main__"):
            continue
        importlib.import_module(info.name)
    kinds = list(_all_subclasses(JuwuError))
    assert len(kinds) >= 8  # print, city repository, template, intake settings and users, catalogue, git…
    assert all(kind.code in REFUSALS for kind in kinds), [k.__name__ for k in kinds if k.code not in REFUSALS]


def test_every_registered_code_is_used_and_listed_in_the_readme():
    text = "\n".join(path.read_text(encoding="utf-8") for path in SOURCES if path.name != "refusals.py")
    unused = [code for code in REFUSALS if f'"{code}"' not in text]
    assert not unused, f"registered but never raised: {unused}"
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    listed = readme.split("<!-- refusals:start -->", 1)[1].split("<!-- refusals:end -->", 1)[0]
    assert set(re.findall(r"^\| `([a-z-]+)` \|", listed, re.M)) == set(REFUSALS)


def test_a_refusal_is_shown_with_its_code_in_both_languages_without_a_traceback(tmp_path):
    done = subprocess.run([sys.executable, "-m", "generator", "template", "ledger", "-o", str(tmp_path / "t.pdf")],
                          capture_output=True, text=True, cwd=PROJECT_ROOT, timeout=120)
    assert done.returncode == 2
    assert "错误 [template-request]：" in done.stderr and "error [template-request]: " in done.stderr
    assert "Traceback" not in done.stderr and not (tmp_path / "t.pdf").exists()


def test_a_refused_print_names_its_code(tmp_path):
    done = subprocess.run([sys.executable, "-m", "generator", "print", "data", "--community", "999999999999",
                           "--period", "2024-05", "--allow-placeholder-url", "-o", str(tmp_path / "x.pdf")],
                          capture_output=True, text=True, cwd=PROJECT_ROOT, timeout=300)
    assert done.returncode == 1
    assert "[print-request]" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "x.pdf").exists()
