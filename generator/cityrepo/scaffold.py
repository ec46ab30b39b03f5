"""`juwu init`: every file of a new city's data repository, built in memory, then written.

The new repository validates and builds as it is (an empty city); the clerks' README, the
pre-commit and CI configuration point at one Juwu release (`--engine-rev`), so a city upgrades
Juwu by changing one line in each, on purpose, after reading the changelog.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from generator import tableschemas, template
from generator.catalogue import TITLED_SCHEMAS, build_descriptor, dump_yaml, titled_schema_text, yaml_scalar
from generator.cityrepo import CityRepoError
from generator.cityrepo.files import write_text
from generator.cityrepo.owners import Owner, check_owner, codeowners_text, owners_text
from generator.cityrepo.templates import fill
from generator.version import engine_tag

CITY_DEFAULTS = Path(__file__).resolve().parent.parent / "defaults" / "city.yaml"
# Where a city's CI and pre-commit fetch Juwu from. One place to change when the project moves.
ENGINE_REPO = "https://github.com/juwu-project/juwu"
ALLOWED_IN_TARGET = {".git"}  # `git init` or a freshly cloned empty repository is fine


def engine_rev() -> str:
    """The release tag of this Juwu, e.g. v0.2.0 (generator/version.py; pyproject.toml agrees)."""
    return engine_tag()


def city_yaml(city: str, site_url: str | None) -> str:
    """Juwu's default city settings, with comments, renamed for this city.

    `as_of` is commented out: a new city's data is "as of" its latest record, not the demo's date.
    """
    text = CITY_DEFAULTS.read_text(encoding="utf-8")
    text = re.sub(r"(?m)^name: .*$", f"name: {yaml_scalar(city)}", text, count=1)
    text = re.sub(r"(?m)^as_of: (.*)$", r"# as_of: \1   # 数据截至日期；不写时取数据中最晚的日期", text, count=1)
    if site_url:
        text = re.sub(r"(?m)^site_url: .*$", f"site_url: {yaml_scalar(site_url)}", text, count=1)
    return text


def city_files(city: str, engine_repo: str = ENGINE_REPO, rev: str | None = None,
               owners: tuple[str, ...] = (), site_url: str | None = None) -> dict[str, str]:
    """{relative path: text} of a new, empty city data repository."""
    rev = rev or engine_rev()
    hotline = str((yaml.safe_load(CITY_DEFAULTS.read_text(encoding="utf-8")) or {}).get("hotline", "12345"))
    owner_rows = [Owner("*", o) for o in owners]
    files = {
        "city.yaml": city_yaml(city, site_url),
        "communities.csv": template.csv_text("communities"),
        "rollout.csv": template.csv_text("rollout"),
        "communities/.gitkeep": "",
        # Chinese headers: declared with the schemas named by their titles (stock frictionless validates it)
        "datapackage.yaml": dump_yaml(build_descriptor(["communities.csv", "rollout.csv"], name="juwu-city",
                                                       title=f"{city}居务监督公开数据",
                                                       titled=["communities.csv", "rollout.csv"])),
        "owners.csv": owners_text(owner_rows),
        "CODEOWNERS": codeowners_text([], owner_rows),
        "README.md": fill("README.md", city_name=city, engine_repo=engine_repo),
        "content/contacts/index.md": fill("contacts.md", city_name=city, hotline=hotline),
        ".pre-commit-config.yaml": fill("pre-commit-config.yaml", engine_repo=engine_repo, engine_rev=rev),
        ".github/workflows/juwu.yml": fill("github-workflow.yml", engine_repo=engine_repo, engine_rev=rev),
        ".gitlab-ci.yml": fill("gitlab-ci.yml", engine_repo=engine_repo, engine_rev=rev),
        ".gitignore": fill("gitignore"),
    }
    for path in sorted(tableschemas.SCHEMA_DIR.glob("*.yaml")):
        files[f"schemas/{path.name}"] = path.read_text(encoding="utf-8")
        if path.stem not in ("committee", "ledger_period", "report"):  # tables only: YAML files are not catalogued
            files[f"{TITLED_SCHEMAS}/{path.name}"] = titled_schema_text(path.stem)
    return files


TEMPLATE_FOLDER = "templates"
TEMPLATE_KINDS = ("ledger", "members", "officials", "opinions", "evaluations", "rectifications", "member_changes",
                  "inspections", "elections", "decisions", "projects", "assets", "trainings", "allowances")


def template_files() -> dict[str, bytes]:
    """{relative path: bytes} of the Excel templates a new city's clerks start from (juwu template,
    with Juwu's default lists, which the new city.yaml carries), plus the same headers as CSV."""
    lists = template.city_lists(None)
    files = {f"{TEMPLATE_FOLDER}/{kind}.xlsx": template.xlsx_bytes(kind, lists) for kind in TEMPLATE_KINDS}
    files.update({f"{TEMPLATE_FOLDER}/{kind}.csv": template.csv_bytes(kind) for kind in TEMPLATE_KINDS})
    return files


def check_city_name(city: str) -> str:
    city = city.strip()
    if not city or len(city) > 40 or any(ch in city for ch in "\r\n\t"):
        raise CityRepoError("城市名称不能为空、不能换行，最多 40 个字", "the city name must be 1-40 characters on one line")
    return city


def init_city(out: Path, city: str, engine_repo: str = ENGINE_REPO, rev: str | None = None,
              owners: tuple[str, ...] = (), site_url: str | None = None) -> list[str]:
    """Write a new city repository into `out` (absent, empty, or holding only .git)."""
    out = Path(out)
    city = check_city_name(city)
    for owner in owners:
        check_owner(owner)
    if out.exists() and (not out.is_dir() or {p.name for p in out.iterdir()} - ALLOWED_IN_TARGET):
        raise CityRepoError(f"{out} 已经存在且不是空文件夹：请换一个文件夹，避免覆盖已有数据",
                            f"{out} exists and is not empty: choose another folder so no data is overwritten")
    files = city_files(city, engine_repo, rev, owners, site_url)
    for rel, text in sorted(files.items()):
        write_text(out / rel, text)
    templates = template_files()
    for rel, data in sorted(templates.items()):
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / rel).write_bytes(data)
    return sorted([*files, *templates])
