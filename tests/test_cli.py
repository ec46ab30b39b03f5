"""The command line contract: exit codes, formats, languages, and never a traceback."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import DATA, community_with_committee


def juwu(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "generator", *args], capture_output=True, text=True, timeout=600)


def test_validate_passes_on_demo_city():
    result = juwu("validate", str(DATA))
    assert result.returncode == 0, result.stdout
    assert "0 个错误" in result.stdout


def test_validate_reports_file_row_and_field_in_json(data_copy):
    code = community_with_committee(data_copy)
    members = data_copy / "communities" / code / "members.csv"
    lines = members.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    cells = lines[2].split(",")
    cells[header.index("role")] = "组长"
    lines[2] = ",".join(cells)
    members.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = juwu("validate", str(data_copy), "--format", "json", "--lang", "en")
    assert result.returncode == 1
    report = json.loads(result.stdout)
    found = [p for p in report["problems"] if p["file"] == f"communities/{code}/members.csv" and p["field"] == "role"]
    assert found and found[0]["row"] == 3 and found[0]["value"] == "组长"
    assert found[0]["cell"] == f"{chr(65 + header.index('role'))}3"
    assert "allowed values" in found[0]["message"] and found[0]["zh"] and found[0]["hint"]


def test_validate_text_in_chinese_without_traceback(data_copy):
    (data_copy / "city.yaml").write_text("name: [unclosed\n", encoding="utf-8")
    result = juwu("validate", str(data_copy))
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    assert "city.yaml" in result.stdout and "YAML 格式错误" in result.stdout


def test_build_failure_exits_1_and_says_so(data_copy, tmp_path):
    (data_copy / "communities.csv").write_bytes(b"\xff\xfe\x00bad")
    result = juwu("build", str(data_copy), "--site", str(tmp_path / "site"))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "网站没有更新" in result.stderr
    assert not (tmp_path / "site").exists()


def test_demo_is_deterministic_and_valid(tmp_path):
    for out in ("a", "b"):
        assert juwu("demo", "--communities", "7", "--seed", "5", "--out", str(tmp_path / out)).returncode == 0
    a = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*") if p.is_file())
    assert a and all((tmp_path / "a" / p).read_bytes() == (tmp_path / "b" / p).read_bytes() for p in a)
    assert juwu("validate", str(tmp_path / "a")).returncode == 0


def test_unexpected_failure_is_one_line_and_a_saved_traceback(monkeypatch, capsys):
    import pytest

    import generator.gather as gather_module
    from generator import cli

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(gather_module, "validate_city", broken)
    monkeypatch.setattr(sys, "argv", ["juwu", "validate", str(DATA)])
    with pytest.raises(SystemExit) as exc:
        cli.main()
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "内部错误" in err and "internal error" in err
    saved = err.split("已保存到 ")[1].split("，")[0]
    with open(saved, encoding="utf-8") as f:
        assert "RuntimeError: boom" in f.read()


def test_build_stats_give_each_stage_s_wall_and_cpu_seconds(tmp_path):
    """`--stats` (what `make bench` reads): each stage's wall seconds and the CPU seconds spent in it,
    the render workers' and Pagefind's included (counted once they are waited for)."""
    stats = tmp_path / "stats.json"
    result = juwu("build", str(DATA), "--site", str(tmp_path / "site"), "--stats", str(stats))
    assert result.returncode == 0, result.stderr[-2000:]
    figures = json.loads(stats.read_text(encoding="utf-8"))
    assert list(figures["cpu_seconds"]) == list(figures["seconds"])
    assert {"validate", "generate", "search"} <= set(figures["cpu_seconds"])
    assert all(v >= 0 for v in figures["cpu_seconds"].values())
    assert figures["cpu_seconds"]["generate"] > 0 and figures["pages"] > 100
