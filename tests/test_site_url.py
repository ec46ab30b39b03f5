"""No dead QR codes, no placeholder addresses, a version that exists (issue 17)."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib

import pytest
import yaml
from click.testing import CliRunner

from generator.cityrepo.scaffold import city_files
from generator.cli import cli
from generator.config import PROJECT_ROOT
from generator.siteurl import is_placeholder
from generator.version import ENGINE_VERSION

DATA = PROJECT_ROOT / "data"
PLACEHOLDER = "占位地址"


def juwu(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "generator", *args], capture_output=True, text=True, timeout=600)


@pytest.mark.parametrize("url, placeholder", [
    ("https://juwu.example.invalid/", True),
    ("https://example.invalid", True),
    ("https://juwu.example.com/", True),
    ("http://localhost:8000/", True),
    ("", True),
    ("juwu.gov.cn", True),  # no scheme: a QR code cannot open it
    ("https://juwu.xxs.gov.cn/", False),
    ("https://notexample.com/", False),
])
def test_placeholder_addresses(url, placeholder):
    assert is_placeholder(url) is placeholder


def test_the_default_city_settings_start_with_a_placeholder():
    text = (PROJECT_ROOT / "generator" / "defaults" / "city.yaml").read_text(encoding="utf-8")
    assert is_placeholder(re.search(r"(?m)^site_url: (\S+)", text).group(1))


def test_validate_and_build_warn_while_the_address_is_a_placeholder(data_copy, tmp_path):
    checked = juwu("validate", str(data_copy))
    assert checked.returncode == 0
    assert PLACEHOLDER in checked.stderr and "placeholder" in checked.stderr
    city = data_copy / "city.yaml"
    city.write_text(city.read_text(encoding="utf-8").replace("https://juwu.example.invalid/",
                                                             "https://juwu.xxs.gov.cn/"), encoding="utf-8")
    checked = juwu("validate", str(data_copy))
    assert checked.returncode == 0 and PLACEHOLDER not in checked.stderr


def test_build_warns_while_the_address_is_a_placeholder(data_copy, tmp_path):
    built = juwu("build", str(data_copy), "--site", str(tmp_path / "site"))
    assert built.returncode == 0, built.stderr[-2000:]
    assert PLACEHOLDER in built.stderr and "placeholder" in built.stderr


def test_print_refuses_a_qr_code_to_a_placeholder(tmp_path):
    out = tmp_path / "sheet.pdf"
    refused = juwu("print", str(DATA), "--community", "319901001002", "--period", "2024-05", "-o", str(out))
    assert refused.returncode == 1
    assert "--allow-placeholder-url" in refused.stderr and "site_url" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert not out.exists()


def test_print_with_the_flag_prints_and_still_warns(tmp_path):
    out = tmp_path / "sheet.pdf"
    printed = juwu("print", str(DATA), "--community", "319901001002", "--period", "2024-05", "-o", str(out),
                   "--allow-placeholder-url")
    assert printed.returncode == 0, printed.stderr[-2000:]
    assert out.read_bytes().startswith(b"%PDF")
    assert PLACEHOLDER in printed.stderr


def test_init_takes_the_site_url(tmp_path):
    result = CliRunner().invoke(cli, ["init", "--city", "新市", "--out", str(tmp_path / "city"),
                                      "--site-url", "https://juwu.xxs.gov.cn/"])
    assert result.exit_code == 0, result.output
    city = yaml.safe_load((tmp_path / "city" / "city.yaml").read_text(encoding="utf-8"))
    assert city["site_url"] == "https://juwu.xxs.gov.cn/"


def test_init_without_a_site_url_keeps_the_placeholder_and_warns(tmp_path):
    result = CliRunner().invoke(cli, ["init", "--city", "新市", "--out", str(tmp_path / "city")])
    assert result.exit_code == 0, result.output
    assert PLACEHOLDER in result.output  # CliRunner mixes stderr into the output


def test_version_is_the_projects_and_the_templates_point_to_its_tag():
    project = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["version"] == ENGINE_VERSION == "0.10.0"
    shown = CliRunner().invoke(cli, ["--version"])
    assert shown.exit_code == 0 and shown.output.strip() == f"juwu {ENGINE_VERSION}"
    files = city_files("新市")
    for name in (".pre-commit-config.yaml", ".github/workflows/juwu.yml", ".gitlab-ci.yml"):
        assert f"v{ENGINE_VERSION}" in files[name], name
        assert "main" not in re.findall(r"(?:rev|JUWU_REF): (\S+)", files[name]), name
    # The release is announced where users read about it.
    changelog = (PROJECT_ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert f"v{ENGINE_VERSION}" in changelog.split("\n## ", 2)[1]
    assert f"v{ENGINE_VERSION}" in (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
