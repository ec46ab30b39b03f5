"""The command line: the only place that prints and exits."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from generator.config import PROJECT_ROOT, BuildPaths
from generator.problems import JuwuError

DEFAULT_DATA = PROJECT_ROOT / "data"
DEFAULT_SITE = PROJECT_ROOT / "site"


def _say(message: str, err: bool = False) -> None:
    click.echo(message, err=err)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="juwu")
def cli() -> None:
    """Juwu（居务）：把社区居务监督委员会的公开数据生成公开网站。

    Juwu publishes what Residents' Affairs Supervision Committees record as a public website.
    """


@cli.command()
@click.argument("data", type=click.Path(path_type=Path), default=DEFAULT_DATA)
@click.option("--format", "fmt", type=click.Choice(["text", "json", "markdown"]), default="text",
              help="Report format (markdown: for a pull request comment or a CI job summary).")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", help="Language of messages.")
@click.option("--community", "communities", multiple=True, metavar="CODE",
              help="Check only this community's folder (and the city's own files); repeatable.")
@click.option("--changed", is_flag=True,
              help="Check only the communities changed in git: the staged index, or since --base.")
@click.option("--base", metavar="REV", help="With --changed: compare with the merge base of REV and HEAD.")
def validate(data: Path, fmt: str, lang: str, communities: tuple[str, ...], changed: bool, base: str | None) -> None:
    """检查数据。Check DATA; exit 0 when there are no errors (warnings allowed), 1 otherwise."""
    from generator.cityrepo.changes import select_communities
    from generator.validate import validate_city
    from generator.validate.report import as_json, as_text

    if base and not changed:
        raise click.UsageError("--base needs --changed")
    try:
        selected, extra = select_communities(data, communities, changed, base)
    except JuwuError as exc:
        _fail(exc)
    result = validate_city(data, selected)
    result.problems.extend(extra)
    problems = result.problems.sorted()
    if fmt == "json":
        _say(as_json(problems, lang))
    elif fmt == "markdown":
        from generator.validate.report_markdown import as_markdown

        _say(as_markdown(problems, lang))
    else:
        _say(as_text(problems, lang, colour=sys.stdout.isatty()))
    sys.exit(0 if result.ok else 1)


@cli.command()
@click.argument("data", type=click.Path(path_type=Path), default=DEFAULT_DATA)
@click.option("--site", type=click.Path(path_type=Path), default=DEFAULT_SITE, help="Output folder.")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", help="Language of messages.")
@click.option("--stats", type=click.Path(path_type=Path), help="Write stage timings as JSON (for make bench).")
def build(data: Path, site: Path, lang: str, stats: Path | None) -> None:
    """检查并生成网站。Validate DATA and build the site; on any error leave --site as it was."""
    sys.exit(_build(data, site, lang, stats))


def _build(data: Path, site: Path, lang: str, stats: Path | None = None) -> int:
    from generator.build import build as run_build
    from generator.validate.report import as_text

    interactive = sys.stderr.isatty()

    def progress(stage: str, message: str) -> None:
        _say(f"[{stage}] {message}", err=True)

    try:
        result = run_build(BuildPaths.for_data(data, site), progress)
    except JuwuError as exc:
        _say(f"构建失败 build failed: {exc.zh if lang == 'zh' else exc.en}", err=True)
        return 1
    if not result.built:
        _say(as_text(result.problems.sorted(), lang, colour=interactive), err=True)
        _say("数据有错误，网站没有更新。" if lang == "zh" else "The data has errors; the site was not changed.", err=True)
        return 1
    warnings = len(result.problems.warnings)
    if stats:
        import json

        stats.write_text(json.dumps({"pages": result.pages, "seconds": result.seconds}), encoding="utf-8")
    times = ", ".join(f"{k} {v:.1f}s" for k, v in result.seconds.items())
    _say(f"已生成 {result.pages} 个页面（{warnings} 个提醒）→ {site}  [{times}]" if lang == "zh"
         else f"built {result.pages} pages ({warnings} warnings) → {site}  [{times}]", err=True)
    return 0


@cli.command()
@click.argument("data", type=click.Path(path_type=Path), default=DEFAULT_DATA)
@click.option("--site", type=click.Path(path_type=Path), default=DEFAULT_SITE)
@click.option("--port", type=int, default=8000)
def serve(data: Path, site: Path, port: int) -> None:
    """生成并在本机预览。Build, serve on 127.0.0.1:PORT, rebuild when data/ or content/ change."""
    from generator.serve import serve as run_serve

    run_serve(lambda: _build(data, site, "zh"), site, [data, PROJECT_ROOT / "content"], port, _say)


@cli.command()
@click.option("--communities", type=click.IntRange(1, 200_000), default=18, show_default=True)
@click.option("--seed", type=int, default=2023, show_default=True)
@click.option("--out", type=click.Path(path_type=Path), required=True)
def demo(communities: int, seed: int, out: Path) -> None:
    """生成示例城市数据。Write a synthetic, valid, deterministic city of N communities."""
    from generator.demo import write_demo_city

    write_demo_city(out, communities, seed)
    _say(f"wrote a demo city of {communities} communities to {out}", err=True)


@cli.command()
@click.option("--city", required=True, help="The city's name, e.g. 示例市.")
@click.option("--out", type=click.Path(path_type=Path), required=True, help="New folder for the repository.")
@click.option("--owner", "owners", multiple=True, metavar="@USER",
              help="City staff who review the shared files and may approve anything; repeatable.")
@click.option("--site-url", help="The public site's address, e.g. https://juwu.example.gov.cn/.")
@click.option("--engine-repo", help="Where the city's CI and pre-commit fetch Juwu from.")
@click.option("--engine-rev", help="Juwu release (git tag) the city uses; default: this version's.")
def init(city: str, out: Path, owners: tuple[str, ...], site_url: str | None, engine_repo: str | None,
         engine_rev: str | None) -> None:
    """新建城市数据仓库。Create a new city's data repository in OUT."""
    from generator.cityrepo.scaffold import ENGINE_REPO, init_city

    try:
        written = init_city(out, city, engine_repo or ENGINE_REPO, engine_rev, owners, site_url)
    except JuwuError as exc:
        _fail(exc)
    _say(f"已新建{city}的数据仓库 created the data repository of {city}: {out} ({len(written)} files)", err=True)
    _say("下一步 next: cd 到该文件夹，git init，然后 juwu add-community …（见 README.md）", err=True)


@cli.command("add-community")
@click.argument("code")
@click.argument("name")
@click.option("--district", required=True, help="区/县 name.")
@click.option("--street", required=True, help="街道 name.")
@click.option("--households", type=click.IntRange(0), help="Number of households.")
@click.option("--rc-term-start", type=click.DateTime(["%Y-%m-%d"]), help="Residents' committee's term start.")
@click.option("--rc-term-end", type=click.DateTime(["%Y-%m-%d"]), help="Residents' committee's term end.")
@click.option("--owner", "owners", multiple=True, metavar="@USER", help="Who reviews this folder; repeatable.")
@click.option("--no-folder", is_flag=True, help="Only the row: the community has no committee yet.")
@click.option("--data", type=click.Path(path_type=Path), default=Path("."), show_default=True,
              help="The city data repository.")
def add_community(code: str, name: str, district: str, street: str, households: int | None, rc_term_start,
                  rc_term_end, owners: tuple[str, ...], no_folder: bool, data: Path) -> None:
    """新增社区。Add community CODE NAME to communities.csv, with a folder of templates."""
    from generator.cityrepo.community import NewCommunity, add_community as run_add

    new = NewCommunity(code.strip(), name.strip(), district.strip(), street.strip(), households,
                       rc_term_start.date() if rc_term_start else None,
                       rc_term_end.date() if rc_term_end else None, tuple(owners))
    try:
        added = run_add(data, new, folder=not no_folder)
    except JuwuError as exc:
        _fail(exc)
    for rel in added.written:
        _say(f"  写入 wrote {rel}", err=True)
    for rel in added.kept:
        _say(f"  保留已有 kept {rel}", err=True)
    if no_folder:
        _say(f"已添加 added {code} {name}", err=True)
    else:
        _say(f"已添加 added {code} {name}。请填写 communities/{code}/ 中的 committee.yaml、members.csv、"
             f"officials.csv，然后运行 juwu validate . Fill in the templates, then run juwu validate .", err=True)


@cli.command()
@click.argument("data", type=click.Path(path_type=Path), default=Path("."))
def codeowners(data: Path) -> None:
    """按 owners.csv 更新 CODEOWNERS。Rewrite DATA/CODEOWNERS from DATA/owners.csv."""
    from generator.cityrepo.files import refresh_codeowners

    try:
        _say(f"wrote {refresh_codeowners(data)}", err=True)
    except JuwuError as exc:
        _fail(exc)


@cli.command()
@click.argument("data", type=click.Path(path_type=Path), default=DEFAULT_DATA)
def catalogue(data: Path) -> None:
    """更新数据目录。Rewrite DATA/datapackage.yaml from the CSV files present."""
    from generator.cityrepo.files import refresh_catalogue

    _say(f"wrote {refresh_catalogue(data)}", err=True)


def _fail(exc: JuwuError) -> None:
    _say(f"{exc.zh}\n{exc.en}", err=True)
    sys.exit(1)


def main() -> None:
    cli()
