"""A city's own data repository: init, add a community as a clerk would, commit through the
pre-commit hook, break a ledger, CI files, CODEOWNERS, changed-only checks, the city's pages."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from generator import template as tpl

from generator.cityrepo import CityRepoError
from generator.cityrepo.changes import changed_scope
from generator.cityrepo.owners import codeowners_text, parse_owners
from generator.config import PROJECT_ROOT
from generator.problems import ERROR, WARNING, JuwuError, Problem
from generator.site.write import merge_docs
from generator.validate.report_markdown import as_markdown
from tests.conftest import DATA

DEMO = "319901001002"  # a demo community with a committee: the clerk copies its files
DEMO_ROW = ["华庭里社区", "--district", "翠屏区", "--street", "南门路街道", "--households", "4044",
            "--rc-term-start", "2021-05-22", "--rc-term-end", "2026-05-21"]
BIN = Path(sys.executable).parent
GIT_ENV = {"GIT_AUTHOR_NAME": "街道 clerk", "GIT_AUTHOR_EMAIL": "clerk@example.invalid",
           "GIT_COMMITTER_NAME": "街道 clerk", "GIT_COMMITTER_EMAIL": "clerk@example.invalid",
           "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}


def juwu(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "generator", *args], capture_output=True, text=True,
                          timeout=600, cwd=cwd)


def run(cmd: list[str], cwd: Path, env: dict | None = None, check: bool = True) -> subprocess.CompletedProcess:
    full_env = {**os.environ, **GIT_ENV, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}", **(env or {})}
    result = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, env=full_env, timeout=600)
    if check:
        assert result.returncode == 0, result.stdout + result.stderr
    return result


def git(repo: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    return run(["git", *args], repo, check=check)


@pytest.fixture
def city(tmp_path) -> Path:
    repo = tmp_path / "city-data"
    result = juwu("init", "--city", "测试市", "--out", str(repo), "--owner", "@city-staff")
    assert result.returncode == 0, result.stderr
    git(repo, "init", "-q", "-b", "main")
    return repo


def copy_demo_files(repo: Path, code: str = DEMO) -> None:
    """What a clerk does after add-community: fill the templates (here: from the demo's files)."""
    src, dst = DATA / "communities" / DEMO, repo / "communities" / code
    for rel in ("committee.yaml", "members.csv", "officials.csv", "finance/2024-01.csv",
                "finance/2024-01.yaml", "reports/2024-03-18-q1-meeting.md"):
        (dst / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src / rel, dst / rel)


def break_ledger_line(ledger: Path, row: int, column: str, value: str) -> None:
    lines = ledger.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    cells = lines[row - 1].split(",")
    cells[header.index(column)] = value
    lines[row - 1] = ",".join(cells)
    ledger.write_text("\n".join(lines) + "\n", encoding="utf-8")


# --- init: an empty city that validates and builds ---------------------------------------------

def test_init_writes_a_city_that_validates_and_builds_with_its_own_pages(city, tmp_path):
    expected = {"city.yaml", "communities.csv", "rollout.csv", "datapackage.yaml", "README.md", "owners.csv",
                "CODEOWNERS", ".pre-commit-config.yaml", ".github/workflows/juwu.yml", ".gitlab-ci.yml",
                "schemas/ledger_lines.yaml", "content/contacts/index.md"}
    present = {p.relative_to(city).as_posix() for p in city.rglob("*") if p.is_file() and ".git/" not in p.as_posix()}
    assert expected <= present
    settings = yaml.safe_load((city / "city.yaml").read_text(encoding="utf-8"))
    assert settings["name"] == "测试市" and len(settings["rollout"]["phases"]) == 7
    assert "as_of" not in settings and "办公用品" in settings["finance"]["expense_categories"]
    assert (city / "communities.csv").read_text(encoding="utf-8").startswith("社区代码,社区名称,区,街道")  # Chinese headers (issue 17)
    for kind in ("ledger", "members", "opinions", "evaluations", "rectifications"):  # one source: juwu template
        assert (city / "templates" / f"{kind}.xlsx").read_bytes() == tpl.xlsx_bytes(kind, tpl.city_lists(city))
        assert (city / "templates" / f"{kind}.csv").read_bytes() == tpl.csv_bytes(kind)
    package = yaml.safe_load((city / "datapackage.yaml").read_text(encoding="utf-8"))
    assert [r["path"] for r in package["resources"]] == ["communities.csv", "rollout.csv"]
    readme = (city / "README.md").read_text(encoding="utf-8")
    for heading in ("怎样新增一个社区", "怎样公开一个月的账", "怎样发布一份监督记录", "检查些什么", "怎样看错误提示"):
        assert heading in readme

    result = juwu("validate", str(city))
    assert result.returncode == 0 and "0 个错误" in result.stdout, result.stdout

    site = tmp_path / "site"
    result = juwu("build", str(city), "--site", str(site))
    assert result.returncode == 0, result.stderr
    assert "测试市" in (site / "index.html").read_text(encoding="utf-8")
    contacts = (site / "contacts" / "index.html").read_text(encoding="utf-8")
    assert "这是测试市居务监督公开网站的联系页面" in contacts  # the city's own page
    about = (site / "about" / "index.html").read_text(encoding="utf-8")
    assert "由谁组成" in about  # no city page: Juwu's default


def test_init_refuses_a_folder_with_data(tmp_path):
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / "city.yaml").write_text("name: 旧\n", encoding="utf-8")
    result = juwu("init", "--city", "测试市", "--out", str(tmp_path / "old"))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "不是空文件夹" in result.stderr and "not empty" in result.stderr
    assert (tmp_path / "old" / "city.yaml").read_text(encoding="utf-8") == "name: 旧\n"


# --- the clerk's path: add, fill, commit through the hook, break a ledger ----------------------

def hook_config() -> str:
    """This repository's hook definition as a local hook, so pre-commit runs it without a network
    (a `repo:` URL would clone Juwu and pip-install it; `language: system` uses this venv's juwu)."""
    hooks = yaml.safe_load((PROJECT_ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    hook = next(h for h in hooks if h["id"] == "juwu-validate")
    local = {k: hook[k] for k in ("id", "name", "entry", "args", "pass_filenames", "verbose")}
    return yaml.safe_dump({"repos": [{"repo": "local", "hooks": [{**local, "language": "system"}]}]},
                          allow_unicode=True)


def commit(repo: Path, message: str) -> tuple[int, str]:
    """git commit as a clerk runs it: (exit code, everything git and the hook printed)."""
    git(repo, "add", "-A")
    result = git(repo, "commit", "-m", message, check=False)
    return result.returncode, result.stdout + result.stderr


def test_clerk_commits_through_the_hook_and_a_broken_ledger_is_refused(city, tmp_path):
    pytest.importorskip("pre_commit", reason="pre-commit is a pinned test extra")
    (city / ".pre-commit-config.yaml").write_text(hook_config(), encoding="utf-8")
    run([sys.executable, "-m", "pre_commit", "install"], city, env={"PRE_COMMIT_HOME": str(tmp_path / "pc")})
    os.environ["PRE_COMMIT_HOME"] = str(tmp_path / "pc")
    try:
        code, out = commit(city, "新建测试市数据仓库")
        assert code == 0, out
        assert "居务数据检查" in out and "0 个错误" in out

        added = juwu("add-community", DEMO, *DEMO_ROW, "--owner", "@huatingli", "--data", str(city))
        assert added.returncode == 0, added.stderr
        code, out = commit(city, "登记华庭里社区（模板未填写）")
        assert code != 0  # the templates are to be filled in, not published empty
        assert f"communities/{DEMO}/committee.yaml" in out and "选举日期" in out

        copy_demo_files(city)
        code, out = commit(city, "华庭里社区：监督委员会、2024年1月财务公开、一季度例会记录")
        assert code == 0, out
        assert "0 个错误" in out and "mixed-commit" not in out  # a new community is one act
        assert git(city, "log", "--oneline").stdout.count("\n") == 2

        ledger = city / "communities" / DEMO / "finance" / "2024-01.csv"
        break_ledger_line(ledger, 3, "expense", "一百九十九")
        code, out = commit(city, "改错了的账")
        assert code != 0
        assert f"communities/{DEMO}/finance/2024-01.csv" in out
        assert "第3行 F3" in out and "expense" in out
        assert git(city, "log", "--oneline").stdout.count("\n") == 2  # nothing was committed
    finally:
        os.environ.pop("PRE_COMMIT_HOME", None)


def test_hook_entry_checks_only_the_communities_a_commit_touches(city):
    """The hook's command run by hand: a broken community already committed is not checked again
    when another community's commit is checked; touching it is."""
    other = "319901001003"
    for code, name in ((DEMO, "华庭里社区"), (other, "锦绣苑社区")):
        assert juwu("add-community", code, name, *DEMO_ROW[1:], "--data", str(city)).returncode == 0
        copy_demo_files(city, code)
    break_ledger_line(city / "communities" / DEMO / "finance" / "2024-01.csv", 2, "income", "abc")
    git(city, "add", "-A")
    git(city, "commit", "-qm", "两个社区", "--no-verify")

    report = city / "communities" / other / "reports" / "2024-03-18-q1-meeting.md"
    report.write_text(report.read_text(encoding="utf-8") + "\n补充：会后整改已完成。\n", encoding="utf-8")
    git(city, "add", "-A")
    entry = shlex.split(yaml.safe_load((PROJECT_ROOT / ".pre-commit-hooks.yaml").read_text())[0]["entry"])
    assert entry == ["juwu", "validate", "--changed"]
    result = juwu(*entry[1:], ".", cwd=city)
    assert result.returncode == 0, result.stdout
    assert changed_scope(city).communities == {other}

    (city / "communities" / DEMO / "finance" / "2024-01.yaml").write_text(
        (city / "communities" / DEMO / "finance" / "2024-01.yaml").read_text(encoding="utf-8") + "\n",
        encoding="utf-8")
    git(city, "add", "-A")
    result = juwu(*entry[1:], ".", cwd=city)
    assert result.returncode == 1 and f"communities/{DEMO}/finance/2024-01.csv" in result.stdout
    assert "第2行" in result.stdout


def test_changed_scope_follows_rows_of_the_shared_tables_and_city_settings(city):
    assert juwu("add-community", DEMO, *DEMO_ROW, "--data", str(city)).returncode == 0
    copy_demo_files(city)
    git(city, "add", "-A")
    git(city, "commit", "-qm", "一个社区", "--no-verify")
    assert changed_scope(city).communities == set()  # nothing staged: only the city's own files

    assert juwu("add-community", "319901001009", "新社区", "--district", "翠屏区", "--street", "南门路街道",
                "--no-folder", "--data", str(city)).returncode == 0
    git(city, "add", "-A")
    assert changed_scope(city).communities == {"319901001009"}  # one new row, not the whole list
    git(city, "commit", "-qm", "新社区", "--no-verify")

    (city / "rollout.csv").write_text("community,phase,completed_on,note\n319901001002,1,2023-04-15,\n",
                                      encoding="utf-8")
    git(city, "add", "-A")
    assert changed_scope(city).communities == {DEMO}
    git(city, "commit", "-qm", "推进", "--no-verify")

    city_yaml = city / "city.yaml"
    city_yaml.write_text(city_yaml.read_text(encoding="utf-8").replace("hotline: \"12345\"", "hotline: \"12346\""),
                         encoding="utf-8")
    git(city, "add", "-A")
    assert changed_scope(city).communities is None  # a city setting can change every verdict
    git(city, "commit", "-qm", "热线", "--no-verify")
    git(city, "branch", "-q", "base")

    members = city / "communities" / DEMO / "members.csv"
    members.write_text(members.read_text(encoding="utf-8"), encoding="utf-8")
    (city / "communities" / DEMO / "opinions.csv").write_text("", encoding="utf-8")
    scope = changed_scope(city, base="base")  # working tree and untracked files since the base
    assert scope.communities == {DEMO} and not scope.problems


def test_mixed_commit_is_a_warning_not_an_error(city):
    assert juwu("add-community", DEMO, *DEMO_ROW, "--data", str(city)).returncode == 0
    copy_demo_files(city)
    git(city, "add", "-A")
    git(city, "commit", "-qm", "一个社区", "--no-verify")
    ledger_header = city / "communities" / DEMO / "finance" / "2024-01.yaml"
    ledger_header.write_text(ledger_header.read_text(encoding="utf-8").replace("魏凤凤", "魏凤"), encoding="utf-8")
    city_yaml = city / "city.yaml"
    city_yaml.write_text(city_yaml.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    git(city, "add", "-A")
    result = juwu("validate", ".", "--changed", "--format", "json", cwd=city)
    assert result.returncode == 0, result.stdout
    found = [p for p in json.loads(result.stdout)["problems"] if p["code"] == "mixed-commit"]
    assert len(found) == 1 and found[0]["severity"] == WARNING and found[0]["file"] == "city.yaml"
    assert f"communities/{DEMO}/" in found[0]["zh"] and found[0]["hint"]


def test_changed_outside_git_says_so_without_traceback(tmp_path):
    result = juwu("init", "--city", "测试市", "--out", str(tmp_path / "c"))
    assert result.returncode == 0
    result = juwu("validate", str(tmp_path / "c"), "--changed")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "git" in result.stderr and "仓库" in result.stderr


def test_validate_community_option_checks_only_that_folder(data_copy):
    codes = sorted(p.name for p in (data_copy / "communities").iterdir() if (p / "finance").is_dir())
    broken, fine = codes[0], codes[1]
    ledger = sorted((data_copy / "communities" / broken / "finance").glob("*.csv"))[0]
    break_ledger_line(ledger, 2, "date", "2024-13-45")
    assert juwu("validate", str(data_copy), "--community", fine).returncode == 0
    result = juwu("validate", str(data_copy), "--community", fine, "--community", broken)
    assert result.returncode == 1 and ledger.name in result.stdout


# --- add-community ------------------------------------------------------------------------------

def test_add_community_writes_templates_sorted_row_catalogue_and_owners(city):
    for code, name in (("319901002001", "乙社区"), ("319901001001", "甲社区")):
        result = juwu("add-community", code, name, "--district", "翠屏区", "--street", "南门路街道",
                      "--households", "1200", "--owner", "@clerk" + code[-1], "--data", str(city))
        assert result.returncode == 0, result.stderr
    rows = (city / "communities.csv").read_text(encoding="utf-8").splitlines()
    assert [r.split(",")[0] for r in rows[1:]] == ["319901001001", "319901002001"]
    assert rows[1] == "319901001001,甲社区,翠屏区,南门路街道,1200,,"
    folder = city / "communities" / "319901001001"
    committee = (folder / "committee.yaml").read_text(encoding="utf-8")
    assert "# 甲社区居务监督委员会基本信息" in committee and "选举方式" in committee
    assert (folder / "members.csv").read_text(encoding="utf-8").startswith("姓名,职务,")  # as juwu template writes it
    assert (folder / "officials.csv").read_text(encoding="utf-8").startswith("姓名,所在组织,")
    assert (folder / "finance" / ".gitkeep").exists() and (folder / "reports" / ".gitkeep").exists()
    package = yaml.safe_load((city / "datapackage.yaml").read_text(encoding="utf-8"))
    assert "communities/319901001001/members.csv" in [r["path"] for r in package["resources"]]
    assert package["title"] == "测试市居务监督公开数据"
    owners = (city / "CODEOWNERS").read_text(encoding="utf-8").splitlines()
    assert "/communities/319901001001/ @city-staff @clerk1" in owners


def test_add_community_refuses_bad_codes_and_duplicates_leaving_files_alone(city):
    assert juwu("add-community", DEMO, *DEMO_ROW, "--data", str(city)).returncode == 0
    before = {p: p.read_bytes() for p in city.rglob("*") if p.is_file() and ".git" not in p.parts}
    for code, zh, en in ((DEMO, "已经在 communities.csv 中", "already in communities.csv"),
                         ("31990100100", "12 位数字", "12-digit"), ("3199O1001001", "12 位数字", "12-digit")):
        result = juwu("add-community", code, "某社区", "--district", "区", "--street", "街道", "--data", str(city))
        assert result.returncode == 1 and "Traceback" not in result.stderr
        assert zh in result.stderr and en in result.stderr
    result = juwu("add-community", "319901001005", "某社区", "--district", "区", "--street", "街道",
                  "--owner", "not an owner", "--data", str(city))
    assert result.returncode == 1 and "@用户名" in result.stderr
    after = {p: p.read_bytes() for p in city.rglob("*") if p.is_file() and ".git" not in p.parts}
    assert after == before


def test_add_community_keeps_a_gbk_crlf_list_as_excel_saved_it(city):
    text = "社区代码,社区名称,区,街道,户数,居委会任期起,居委会任期止\r\n319901001009,九号社区,翠屏区,南门路街道,800,,\r\n"
    (city / "communities.csv").write_bytes(text.encode("gbk"))
    result = juwu("add-community", "319901001001", "一号社区", "--district", "翠屏区", "--street", "南门路街道",
                  "--no-folder", "--data", str(city))
    assert result.returncode == 0, result.stderr
    data = (city / "communities.csv").read_bytes()
    assert data.decode("gbk") == (text.replace("\r\n319901001009", "\r\n319901001001,一号社区,翠屏区,南门路街道,,,"
                                               "\r\n319901001009", 1))
    assert not (city / "communities" / "319901001001").exists()
    assert juwu("validate", str(city)).returncode == 0


# --- ownership ----------------------------------------------------------------------------------

def test_codeowners_maps_every_community_folder_to_its_owners():
    owners = parse_owners("scope,owner\n*,@city-staff\n319901001,@nanmen-street\n319901001002,@huatingli\n"
                          "319902,district@example.gov.cn\n")
    text = codeowners_text(["319901001002", "319901001003", "319902001001"], owners)
    lines = text.splitlines()
    assert lines.index("* @city-staff") < lines.index("/communities/319901001002/ @city-staff @huatingli @nanmen-street")
    assert "/communities/319901001003/ @city-staff @nanmen-street" in lines
    assert "/communities/319902001001/ @city-staff district@example.gov.cn" in lines
    assert "/city.yaml @city-staff" in lines and "/communities.csv @city-staff" in lines


@pytest.mark.parametrize("text, where", [("scope,owner\n3199,@x\n", "第2行"), ("scope,owner\n*,x y\n", "第2行"),
                                         ("who,owner\n", "scope,owner")])
def test_owners_csv_mistakes_are_refused_with_the_line(text, where):
    with pytest.raises(CityRepoError) as caught:
        parse_owners(text)
    assert where in caught.value.zh and caught.value.en


# --- CI -----------------------------------------------------------------------------------------

def _run_blocks(steps) -> list[str]:
    return [s["run"] for s in steps if "run" in s]


def test_github_workflow_validates_reports_builds_and_publishes(city):
    wf = yaml.safe_load((city / ".github" / "workflows" / "juwu.yml").read_text(encoding="utf-8"))
    on = wf.get("on", wf.get(True))  # YAML 1.1 reads the key `on` as true
    assert "pull_request" in on and on["push"]["branches"] == ["main"]
    check = wf["jobs"]["check"]
    scripts = "\n".join(_run_blocks(check["steps"]))
    assert 'juwu validate . --changed --base "origin/$BASE_REF" --format markdown > juwu-report.md' in scripts
    assert 'cat juwu-report.md >> "$GITHUB_STEP_SUMMARY"' in scripts and "gh pr comment" in scripts
    assert "juwu build . --site public" in scripts
    assert check["steps"][0]["with"]["fetch-depth"] == 0
    for script in _run_blocks(check["steps"]):
        assert "${{" not in script  # event data reaches shell only through env (no script injection)
        assert subprocess.run(["bash", "-n", "-c", script]).returncode == 0
    upload = next(s for s in check["steps"] if s.get("uses", "").startswith("actions/upload-pages-artifact"))
    assert upload["with"]["path"] == "public" and "refs/heads/main" in upload["if"]
    deploy = wf["jobs"]["deploy"]
    assert deploy["needs"] == "check" and "refs/heads/main" in deploy["if"]
    assert deploy["steps"][0]["uses"].startswith("actions/deploy-pages")
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert wf["env"]["JUWU_REF"].startswith("v")


def test_gitlab_ci_validates_merge_requests_and_publishes_pages(city):
    ci = yaml.safe_load((city / ".gitlab-ci.yml").read_text(encoding="utf-8"))
    assert ci["stages"] == ["validate", "build", "deploy"]
    validate = ci["validate"]
    assert validate["rules"] == [{"if": '$CI_PIPELINE_SOURCE == "merge_request_event"'}]
    script = "\n".join(validate["script"])
    assert '--changed --base "origin/$CI_MERGE_REQUEST_TARGET_BRANCH_NAME" --format markdown' in script
    assert "merge_requests/$CI_MERGE_REQUEST_IID/notes" in script
    assert validate["artifacts"]["paths"] == ["juwu-report.md"] and validate["artifacts"]["when"] == "always"
    pages = ci["pages"]
    assert pages["rules"] == [{"if": "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH"}]
    assert "juwu build . --site public" in "\n".join(pages["script"]) and pages["artifacts"]["paths"] == ["public"]
    for job in ("validate", "build", "pages"):
        assert subprocess.run(["bash", "-n", "-c", "\n".join(ci[job]["script"])]).returncode == 0
    assert ci["variables"]["GIT_DEPTH"] == "0"


def test_pre_commit_config_uses_this_repositorys_hook(city):
    config = yaml.safe_load((city / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    hooks = yaml.safe_load((PROJECT_ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    ids = {h["id"] for h in hooks}
    used = [h["id"] for repo in config["repos"] for h in repo["hooks"]]
    assert used == ["juwu-validate"] and set(used) <= ids
    hook = hooks[0]
    assert hook["language"] == "python" and hook["pass_filenames"] is False and hook["args"] == ["."]


# --- the Markdown report ------------------------------------------------------------------------

def test_markdown_report_names_file_row_and_escapes_committee_text():
    problems = [
        Problem("number", ERROR, "communities/319901001002/finance/2024-01.csv", "“支出”应为金额：<script>x</script>",
                "expense must be an amount", row=7, field="expense", cell="F7", hint_zh="@everyone 只写数字 [x](javascript:y)"),
        Problem("mixed-commit", WARNING, "city.yaml", "同时修改", "changed together"),
    ]
    text = as_markdown(problems, "zh")
    assert text.startswith("## ❌ 居务数据检查：1 个错误，0 个发现问题，1 个提醒")
    assert "### communities/319901001002/finance/2024\\-01\\.csv" in text
    assert "| ❌ 错误 | 第7行 F7 “expense” |" in text and "⚠️ 提醒" in text
    assert "<script>" not in text and "\\<script\\>" in text
    assert "@everyone" not in text and "@\u200beveryone" in text  # no mention
    assert "\\[x\\]\\(javascript\\:y\\)" in text  # no link
    assert as_markdown([], "en").startswith("## ✅ Juwu data check: no errors")


def test_validate_markdown_format_on_a_broken_city(data_copy):
    code = sorted(p.name for p in (data_copy / "communities").iterdir() if (p / "finance").is_dir())[0]
    ledger = sorted((data_copy / "communities" / code / "finance").glob("*.csv"))[0]
    break_ledger_line(ledger, 4, "income", "¥壹佰")
    result = juwu("validate", str(data_copy), "--format", "markdown")
    assert result.returncode == 1
    assert f"### communities/{code}/finance/{ledger.stem.replace('-', chr(92) + '-')}\\.csv" in result.stdout
    assert "| ❌ 错误 | 第4行 E4 “income” |" in result.stdout


# --- the city's pages over Juwu's ---------------------------------------------------------------

def test_merge_docs_lays_city_pages_over_juwus_and_forgets_removed_ones(tmp_path):
    juwu_content, own, docs = tmp_path / "juwu", tmp_path / "city", tmp_path / "docs"
    for root, rel, text in ((juwu_content, "about/index.md", "juwu about"), (juwu_content, "guide/index.md", "guide"),
                            (own, "about/index.md", "city about"), (own, "notice/index.md", "notice"),
                            (own, "index.md", "not the home page"), (own, ".hidden", "x")):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    merge_docs(juwu_content, own, docs)
    assert (docs / "about/index.md").read_text(encoding="utf-8") == "city about"
    assert (docs / "guide/index.md").read_text(encoding="utf-8") == "guide"
    assert not (docs / "index.md").exists() and not (docs / ".hidden").exists()  # generated/hidden: not theirs
    (own / "notice/index.md").unlink()
    (own / "about/index.md").unlink()
    merge_docs(juwu_content, own, docs)
    assert not (docs / "notice/index.md").exists()
    assert (docs / "about/index.md").read_text(encoding="utf-8") == "juwu about"
    (own / "leak.md").symlink_to("/etc/hostname")
    with pytest.raises(JuwuError) as caught:
        merge_docs(juwu_content, own, docs)
    assert "符号链接" in caught.value.zh
