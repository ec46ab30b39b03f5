"""The engine that renders the theme's shell pages: MkDocs (the default), Zensical or ProperDocs.

Juwu renders its pages itself and pours them into shells (generator/site/shell.py); an engine
only renders the hand-written pages, the shells and the theme's assets from the plain mkdocs.yml,
in about a second. Every difference between the engines lives here:

- MkDocs 1.6 + Material 9 run in this process, with Juwu's settings as config overrides.
- Zensical (a Rust core with MiniJinja templates, and Material's templates and assets bundled)
  reads mkdocs.yml, but wants its docs_dir and site_dir inside the folder of its config file,
  turns its own search on unless told otherwise, and defaults to its "modern" look (mkdocs.yml
  says `variant: classic`, which Material ignores). It runs in a child process, from a config
  derived from mkdocs.yml in a folder of the build cache.
- ProperDocs (the continuation of MkDocs 1.6) redirects every `mkdocs.*` import of the process
  that loads it to itself, so it too runs in a child process, from the same derived config.

Choosing: `juwu build --engine NAME` wins over city.yaml's `engine:`, which wins over MkDocs.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from generator.problems import JuwuError

MKDOCS, ZENSICAL, PROPERDOCS = "mkdocs", "zensical", "properdocs"
ENGINES = (MKDOCS, ZENSICAL, PROPERDOCS)
DEFAULT = MKDOCS
# What each engine writes that Juwu does not publish (besides what build.THEME_SKIP lists).
NOT_PUBLISHED = {ZENSICAL: ("search.json",)}
# The module each engine needs, and the extra that installs it.
_MODULES = {MKDOCS: "mkdocs", ZENSICAL: "zensical", PROPERDOCS: "properdocs"}
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")  # an engine's colours, out of the message


def choose(option: str | None, city_setting: str | None) -> str:
    """The engine of a build: the command line's, else city.yaml's, else MkDocs."""
    for where, value in (("--engine", option), ("city.yaml engine", city_setting)):
        if value is None or str(value).strip() == "":
            continue
        name = str(value).strip().lower()
        if name not in ENGINES:
            known = "、".join(ENGINES)
            raise JuwuError(f"{where}：不认识的构建引擎“{value}”，可选：{known}",
                            f"{where}: unknown build engine '{value}'; choose one of {', '.join(ENGINES)}", code="engine-unknown")
        return name
    return DEFAULT


def city_engine(data: Path) -> str | None:
    """city.yaml's `engine:` (None when absent or unreadable: validation reports an unreadable file)."""
    try:
        raw = yaml.safe_load((Path(data) / "city.yaml").read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return None
    value = raw.get("engine") if isinstance(raw, dict) else None
    return None if value is None else str(value)


def render(engine: str, mkdocs_yml: Path, docs: Path, out: Path, work: Path, site_name: str, site_url: str,
           version: str) -> None:
    """Render the theme (hand-written pages, shells, assets) into `out` with this engine; `work`
    is a folder the engine may own (the derived config and its copy of the docs)."""
    if engine == MKDOCS:
        _mkdocs(mkdocs_yml, docs, out, site_name, site_url, version)
        return
    _require(engine)
    project = work / engine
    shutil.rmtree(project, ignore_errors=True)
    project.mkdir(parents=True)
    config = derived_config(engine, mkdocs_yml, site_name, site_url, version)
    if engine == ZENSICAL:
        # Zensical refuses a docs_dir or site_dir outside its config's folder: copy the few
        # hand-written pages and shells in, build beside them, move the result out.
        shutil.copytree(docs, project / "docs", ignore=shutil.ignore_patterns(".*"))
        config |= {"docs_dir": "docs", "site_dir": "site"}
        command = ["-m", "zensical", "build", "--clean", "-f"]
    else:
        config |= {"docs_dir": str(docs.resolve()), "site_dir": str((project / "site").resolve())}
        command = ["-m", "properdocs", "build", "-f"]  # not --quiet: it hides the warnings strict counts
    config_file = project / "mkdocs.yml"
    config_file.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    env = dict(os.environ, SOURCE_DATE_EPOCH="0", NO_MKDOCS_2_WARNING="1", NO_COLOR="1")
    done = subprocess.run([sys.executable, *command, str(config_file)], cwd=project, env=env,
                          capture_output=True, text=True)
    if done.returncode != 0 or not (project / "site" / "index.html").is_file():
        said = _what_it_said(done.stdout + "\n" + done.stderr)
        raise JuwuError(f"{engine} 构建失败：{said}", f"{engine} build failed: {said}", code="engine-failed")
    for rel in NOT_PUBLISHED.get(engine, ()):
        (project / "site" / rel).unlink(missing_ok=True)
    shutil.rmtree(out, ignore_errors=True)
    out.parent.mkdir(parents=True, exist_ok=True)
    os.replace(project / "site", out)


def derived_config(engine: str, mkdocs_yml: Path, site_name: str, site_url: str, version: str) -> dict:
    """mkdocs.yml as the engine in a child process reads it: !ENV resolved, the build's settings
    in, paths absolute; for Zensical, its own search off (Juwu's search is Pagefind)."""
    config = _read_yaml(mkdocs_yml)
    theme = dict(config.get("theme") or {})
    if theme.get("custom_dir"):
        theme["custom_dir"] = str((mkdocs_yml.parent / theme["custom_dir"]).resolve())
    config["theme"] = theme
    config["site_name"], config["site_url"] = site_name, site_url
    config["extra"] = {**(config.get("extra") or {}), "data_version": version, "generator": False}
    if engine == ZENSICAL:
        config["plugins"] = {"search": {"enabled": False}}
    return config


def _what_it_said(output: str) -> str:
    """An engine's complaint, for a person: no colours, no progress lines, no Python traceback."""
    output = _ANSI.sub("", output).split("Traceback (most recent call last)")[0]
    lines = [line for line in output.splitlines()
             if line.strip() and not line.startswith(("INFO", "Build started"))]
    return "\n".join(lines)[-2000:]


def version_of(engine: str) -> str:
    """The installed version of the engine's package (for the bench and the build's cache key)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(_MODULES[engine])
    except PackageNotFoundError:
        return "not installed"


def _require(engine: str) -> None:
    from importlib.util import find_spec

    if find_spec(_MODULES[engine]) is None:
        raise JuwuError(f"没有安装 {engine}：请运行 pip install -e '.[engines]'（或 make install）",
                        f"{engine} is not installed: run pip install -e '.[engines]' (or make install)", code="engine-missing")


def _read_yaml(path: Path) -> dict:
    """mkdocs.yml with MkDocs' !ENV tag: the variable's value, else the fallback."""

    class Loader(yaml.SafeLoader):
        pass

    def env(loader, node):
        if isinstance(node, yaml.ScalarNode):
            names, fallback = [loader.construct_scalar(node)], None
        else:
            *names, fallback = loader.construct_sequence(node)
        for name in names:
            if name in os.environ:
                return os.environ[name]
        return fallback

    Loader.add_constructor("!ENV", env)
    return yaml.load(path.read_text(encoding="utf-8"), Loader=Loader) or {}


def _mkdocs(mkdocs_yml: Path, docs: Path, out: Path, site_name: str, site_url: str, version: str) -> None:
    import logging

    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    # MkDocs stamps the sitemap with the build date unless this is set: keep builds byte-identical.
    os.environ["SOURCE_DATE_EPOCH"] = "0"
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    logging.getLogger("mkdocs").setLevel(logging.WARNING)
    try:
        config = load_config(str(mkdocs_yml), site_dir=str(out), docs_dir=str(docs),
                             site_name=site_name, site_url=site_url,
                             extra={"data_version": version, "generator": False})
        mkdocs_build(config)
    except (MkDocsException, SystemExit) as exc:
        raise JuwuError(f"MkDocs 构建失败：{exc}", f"MkDocs build failed: {exc}", code="engine-failed") from None
