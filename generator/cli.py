"""The command line: the only place that prints and exits."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from generator.config import PROJECT_ROOT, BuildPaths
from generator.print import SHEETS, SIZES
from generator.problems import JuwuError
from generator.template import KINDS as TEMPLATE_KINDS
from generator.version import ENGINE_VERSION

EXIT_HELD = 3  # juwu build: published, but some communities are held back (数据待更正)
DEFAULT_DATA = PROJECT_ROOT / "data"
DEFAULT_SITE = PROJECT_ROOT / "site"


def _say(message: str, err: bool = False) -> None:
    click.echo(message, err=err)


def _warn_placeholder(site_url: str | None) -> bool:
    """Say loudly (stderr, zh + en) that the site's address is a placeholder; True when it is."""
    from generator.siteurl import is_placeholder, placeholder_warning

    if site_url is None or not is_placeholder(site_url):
        return False
    zh, en = placeholder_warning(site_url)
    click.secho(f"{zh}\n{en}", err=True, fg="yellow", bold=True)
    return True


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(version=ENGINE_VERSION, prog_name="juwu", message="%(prog)s %(version)s")
def cli() -> None:
    """Juwu（居务）：把社区居务监督委员会的公开数据生成公开网站。

    Juwu publishes what Residents' Affairs Supervision Committees record as a public website.
    """


@cli.command()
@click.argument("data", type=click.Path(path_type=Path), default=DEFAULT_DATA)
@click.option("--format", "fmt", type=click.Choice(["text", "json", "markdown", "html"]), default="text",
              help="Report format (markdown: for a pull request comment or a CI job summary; "
                   "html: a printable to-do list, 整改清单).")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", help="Language of messages.")
@click.option("--community", "communities", multiple=True, metavar="CODE",
              help="Check only this community's folder (and the city's own files); repeatable.")
@click.option("--changed", is_flag=True,
              help="Check only the communities changed in git: the staged index, or since --base.")
@click.option("--base", metavar="REV", help="With --changed: compare with the merge base of REV and HEAD.")
@click.option("--output", type=click.Path(path_type=Path, dir_okay=False),
              help="Write the report to this file instead of printing it (the summary still prints).")
@click.option("--fail-on", "fail_on", multiple=True, metavar="CODE",
              help="Also exit 1 when this compliance finding is found (a rule code, or 'all' for every "
                   "finding); repeatable or comma-separated. Findings alone never fail otherwise.")
def validate(data: Path, fmt: str, lang: str, communities: tuple[str, ...], changed: bool, base: str | None,
             output: Path | None, fail_on: tuple[str, ...]) -> None:
    """检查数据。Check DATA; exit 0 when there are no data errors (compliance findings and warnings
    are reported and published), 1 otherwise or when a finding named by --fail-on is found."""
    from generator.cityrepo.changes import select_communities
    from generator.gather import validate_city
    from generator.validate.report import as_html, as_json, as_text, summary

    if base and not changed:
        raise click.UsageError("--base needs --changed")
    failing = _finding_codes(fail_on)
    try:
        selected, extra = select_communities(data, communities, changed, base)
    except JuwuError as exc:
        _fail(exc)
    result = validate_city(data, selected)
    result.problems.extend(extra)
    _warn_placeholder(result.city.settings.site_url if result.city is not None else None)
    problems = result.problems.sorted()
    if fmt == "json":
        report = as_json(problems, lang)
    elif fmt == "markdown":
        from generator.validate.report_markdown import as_markdown

        report = as_markdown(problems, lang)
    elif fmt == "html":
        report = as_html(problems, lang, digest=result.digest, data_name=Path(data).name)
    else:
        report = as_text(problems, lang, colour=output is None and sys.stdout.isatty())
    if output is None:
        _say(report)
    else:
        try:
            output.write_text(report if report.endswith("\n") else report + "\n", encoding="utf-8")
        except OSError as exc:
            _say(f"无法写入 cannot write {output}: {exc.strerror}", err=True)
            sys.exit(2)
        _say(f"{summary(problems, lang)} → {output}", err=True)
    chosen = [p for p in result.problems.findings if "all" in failing or p.code in failing]
    if chosen:
        _say(f"--fail-on：{len(chosen)} 个指定的发现问题 chosen findings: "
             + ", ".join(sorted({p.code for p in chosen})), err=True)
    sys.exit(0 if result.ok and not chosen else 1)


def _finding_codes(values: tuple[str, ...]) -> set[str]:
    """--fail-on codes, checked against the registered findings: a misspelt code must not pass silently."""
    from generator.problems import FINDING
    from generator.validate.rules import REGISTRY

    codes = {c.strip() for v in values for c in v.split(",") if c.strip()}
    known = {code for code, r in REGISTRY.items() if r.severity == FINDING} | {"all"}
    unknown = sorted(codes - known)
    if unknown:
        raise click.BadParameter(f"不是合规问题的规则代码 not a finding's rule code: {', '.join(unknown)} "
                                 f"(known: {', '.join(sorted(known))})", param_hint="--fail-on")
    return codes


@cli.command()
@click.argument("data", type=click.Path(path_type=Path), default=DEFAULT_DATA)
@click.option("--site", type=click.Path(path_type=Path), default=DEFAULT_SITE, help="Output folder.")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", help="Language of messages.")
@click.option("--stats", type=click.Path(path_type=Path), help="Write stage timings as JSON (for make bench).")
@click.option("--full", is_flag=True, help="Rebuild everything, even when only some communities changed.")
@click.option("--signing-key", type=click.Path(path_type=Path, dir_okay=False), envvar="JUWU_SIGNING_KEY",
              help="Sign manifest.json with this key (juwu keys init); default: $JUWU_SIGNING_KEY.")
@click.option("--rewrite-history", metavar="REASON",
              help="Publish even though the site's manifest chain does not match the recorded one; the reason "
                   "is logged in the manifest (rewritten).")
@click.option("--engine", type=click.Choice(["mkdocs", "zensical", "properdocs"]), default=None,
              help="What renders the theme's shell pages; default: city.yaml's engine:, else mkdocs.")
def build(data: Path, site: Path, lang: str, stats: Path | None, full: bool, signing_key: Path | None,
          rewrite_history: str | None, engine: str | None) -> None:
    """检查并生成网站。Validate DATA and build the site. Errors in the city's own files leave --site as
    it was (exit 1); a community with data errors is held back (its last good pages stay, marked
    数据待更正) while the rest publishes (exit 3). Compliance findings are published (exit 0).

    When only some community folders changed since the last build, only they are checked and
    their pages republished (the rest of the site is reused); --full rebuilds everything.

    Every build publishes manifest.json (signed when a key is given) extending the chain of
    earlier manifests; a chain that was altered is refused unless --rewrite-history REASON."""
    if rewrite_history is not None and not rewrite_history.strip():
        raise click.BadParameter("请写明原因 give a reason", param_hint="--rewrite-history")
    sys.exit(_build(data, site, lang, stats, full, signing_key, rewrite_history, engine))


def _build(data: Path, site: Path, lang: str, stats: Path | None = None, full: bool = False,
           signing_key: Path | None = None, rewrite_history: str | None = None, engine: str | None = None) -> int:
    from generator.build import build as run_build
    from generator.siteurl import city_site_url
    from generator.keys import load_secret
    from generator.validate.report import as_text

    interactive = sys.stderr.isatty()
    _warn_placeholder(city_site_url(data))

    def progress(stage: str, message: str) -> None:
        _say(f"[{stage}] {message}", err=True)

    try:
        secret = load_secret(signing_key, [data, site]) if signing_key else None
        if rewrite_history is not None:
            _say(f"改写发布历史 rewriting the published history: {rewrite_history}", err=True)
        result = run_build(BuildPaths.for_data(data, site), progress, full=full, rewrite_history=rewrite_history,
                           signing_key=secret, engine=engine)
    except JuwuError as exc:
        _say(f"构建失败 build failed\n{_refusal(exc, lang)}", err=True)
        return 1
    if not result.built:
        _say(as_text(result.problems.sorted(), lang, colour=interactive), err=True)
        _say("城市级数据有错误，网站没有更新。" if lang == "zh" else
             "The city's own files have errors; the site was not changed.", err=True)
        return 1
    if result.held:
        held_errors = [p for p in result.problems.errors if _held_problem(p, result.held)]
        _say(as_text(sorted(held_errors, key=lambda p: p.sort_key()), lang, colour=interactive), err=True)
        for code, held in result.held.items():
            kept = "保留上次核对无误的页面" if held.published else "尚无可公开的数据，只显示社区名录"
            _say(f"数据待更正 held back: {code} — {held.errors} 个错误 errors in {', '.join(held.files)}；{kept}"
                 if lang == "zh" else
                 f"held back: {code} — {held.errors} errors in {', '.join(held.files)}; "
                 + ("its last good pages stay published" if held.published else "only its row is shown"), err=True)
    warnings = result.warnings
    if stats:
        import json

        republished = None if result.republished is None else sorted(result.republished)
        stats.write_text(json.dumps({"pages": result.pages, "seconds": result.seconds, "cpu_seconds": result.cpu_seconds,
                                     "republished": republished}), encoding="utf-8")
    times = ", ".join(f"{k} {v:.1f}s" for k, v in result.seconds.items())
    if result.republished is not None:
        n = len(result.republished)
        _say(f"已重新发布 {n} 个有变化的社区，网站共 {result.pages} 个页面（{warnings} 个提醒）→ {site}  [{times}]"
             if lang == "zh" else
             f"republished {n} changed communities; the site has {result.pages} pages ({warnings} warnings) "
             f"→ {site}  [{times}]", err=True)
    else:
        _say(f"已生成 {result.pages} 个页面（{result.findings} 个发现问题已公开，{warnings} 个提醒）→ {site}  [{times}]"
             if lang == "zh" else
             f"built {result.pages} pages ({result.findings} findings published, {warnings} warnings) → {site}  "
             f"[{times}]", err=True)
    if result.held:
        _say(f"{len(result.held)} 个社区数据待更正，其余已发布（退出码 {EXIT_HELD}）" if lang == "zh" else
             f"{len(result.held)} communities held back, the rest published (exit status {EXIT_HELD})", err=True)
        return EXIT_HELD
    return 0


def _held_problem(problem, held: dict) -> bool:
    from generator.layout import community_of

    return (community_of(problem.file) or problem.community) in held


@cli.command()
@click.argument("data", type=click.Path(path_type=Path), default=DEFAULT_DATA)
@click.option("--site", type=click.Path(path_type=Path), default=DEFAULT_SITE)
@click.option("--port", type=int, default=8000)
def serve(data: Path, site: Path, port: int) -> None:
    """生成并在本机预览。Build, serve on 127.0.0.1:PORT, rebuild when data/ or content/ change."""
    from generator.serve import generated_content, serve as run_serve

    content = PROJECT_ROOT / "content"
    run_serve(lambda: _build(data, site, "zh"), site, [data, content], port, _say, generated_content(content))


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
@click.option("--site-url", help="The public site's address, e.g. https://juwu.example.gov.cn/ (QR codes on "
              "printed sheets point there); asked for when not given and the terminal is interactive.")
@click.option("--engine-repo", help="Where the city's CI and pre-commit fetch Juwu from.")
@click.option("--engine-rev", help="Juwu release (git tag) the city uses; default: this version's.")
def init(city: str, out: Path, owners: tuple[str, ...], site_url: str | None, engine_repo: str | None,
         engine_rev: str | None) -> None:
    """新建城市数据仓库。Create a new city's data repository in OUT."""
    from generator.cityrepo.scaffold import ENGINE_REPO, init_city

    if site_url is None and sys.stdin.isatty():
        site_url = click.prompt("公开网站的地址 the public site's address (e.g. https://juwu.example.gov.cn/; "
                                "留空则先用占位地址 empty: a placeholder for now)", default="", show_default=False,
                                err=True).strip() or None
    try:
        written = init_city(out, city, engine_repo or ENGINE_REPO, engine_rev, owners, site_url)
    except JuwuError as exc:
        _fail(exc)
    _say(f"已新建{city}的数据仓库 created the data repository of {city}: {out} ({len(written)} files)", err=True)
    from generator.siteurl import city_site_url

    _warn_placeholder(city_site_url(out))
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
@click.argument("kind", type=click.Choice(list(TEMPLATE_KINDS)))
@click.option("--data", type=click.Path(path_type=Path), default=DEFAULT_DATA, show_default=True,
              help="The city's data folder: its categories and funding sources, last month's closing balance.")
@click.option("--community", metavar="CODE", help="The community (a ledger's opening balance comes from its last month).")
@click.option("--period", metavar="YYYY-MM", help="A ledger's period: dates are checked to fall within it.")
@click.option("-o", "--out", type=click.Path(path_type=Path, dir_okay=False), required=True,
              help="FILE.xlsx (drop-downs, formats, instructions) or FILE.csv (the header, UTF-8 with BOM).")
def template(kind: str, data: Path, community: str | None, period: str | None, out: Path) -> None:
    """写出填表模板。Write a template a clerk fills in Excel: Chinese headers, drop-down lists, formats."""
    from generator.template import TemplateError, write

    try:
        _say(f"已写出 wrote {write(kind, out, data, community, period)}", err=True)
    except TemplateError as exc:
        _fail(exc, 2)


@cli.command()
@click.argument("data", type=click.Path(path_type=Path), default=DEFAULT_DATA)
def catalogue(data: Path) -> None:
    """更新数据目录。Rewrite DATA/datapackage.yaml from the CSV files present."""
    from generator.cityrepo.files import refresh_catalogue

    _say(f"wrote {refresh_catalogue(data)}", err=True)


@cli.group()
def keys() -> None:
    """签名密钥。The Ed25519 key that signs the published manifest (minisign format)."""


@keys.command("init")
@click.option("--dir", "folder", type=click.Path(path_type=Path, file_okay=False), default=Path.home() / ".juwu-keys",
              show_default=True, help="Where to write juwu.key (secret, mode 600) and juwu.pub.")
@click.option("--data", type=click.Path(path_type=Path), default=DEFAULT_DATA, show_default=True,
              help="The data repository (the key may not be inside it).")
@click.option("--site", type=click.Path(path_type=Path), default=DEFAULT_SITE, show_default=True,
              help="The published site (the key may not be inside it).")
def keys_init(folder: Path, data: Path, site: Path) -> None:
    """生成签名密钥对。Make an Ed25519 key pair for signing manifests; never inside DATA or the site."""
    from generator.keys import init_keys

    try:
        secret, public = init_keys(folder, [data, site, PROJECT_ROOT])
    except JuwuError as exc:
        _fail(exc)
    _say(f"私钥 secret key: {secret}（妥善保管，不要提交到任何仓库 keep it safe, never commit it）", err=True)
    _say(f"公钥 public key: {public}（放进城市数据仓库 put it in the city repository）", err=True)
    _say(f"构建时签名 sign builds: export JUWU_SIGNING_KEY={secret}", err=True)


@cli.command()
@click.argument("site", type=click.Path(path_type=Path, file_okay=False), default=DEFAULT_SITE)
@click.option("--pubkey", type=click.Path(path_type=Path, dir_okay=False),
              help="The city's public key (juwu.pub from the city repository); without it only a signature the "
                   "manifest declares is checked, against the site's own pubkey.txt.")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", help="Language of messages.")
def verify(site: Path, pubkey: Path | None, lang: str) -> None:
    """核验网站。Check SITE against its manifest: every file's SHA-256, the chain of earlier manifests and
    the signature. Exit 0 when nothing was tampered with, 1 otherwise."""
    from generator.keys import read_public
    from generator.manifest import PUBKEY, verify_site

    try:
        key_file = pubkey or (site / PUBKEY)
        text = key_file.read_text(encoding="utf-8") if (pubkey or key_file.is_file()) else None
        public = read_public(text, str(key_file)) if text and "minisign public key" in text else None
    except OSError as exc:
        _fail(JuwuError(f"无法读取公钥 {pubkey}：{exc.strerror}", f"cannot read the public key {pubkey}: {exc.strerror}", code="public-key"))
    except JuwuError as exc:
        _fail(exc)
    if pubkey is not None and public is None:
        _fail(JuwuError(f"{pubkey} 不是 minisign 公钥", f"{pubkey} is not a minisign public key", code="public-key"))
    problems = verify_site(site, public)
    for n, reason in _rewrites(site):
        _say(f"注意：发布历史在第 {n} 次发布时被改写，原因：{reason}" if lang == "zh" else
             f"note: the published history was rewritten at manifest {n}, reason: {reason}", err=True)
    for p in problems:
        _say(f"{p.file}: {p.zh if lang == 'zh' else p.en}" + (f"（{p.hint_zh}）" if lang == "zh" and p.hint_zh else ""),
             err=True)
    if problems:
        _say(f"核验未通过：{len(problems)} 处不符，网站内容与发布时不同。" if lang == "zh" else
             f"verification failed: {len(problems)} problem(s); the site is not what was published.", err=True)
        sys.exit(1)
    signed = "，签名有效" if public is not None else "（未核验签名：没有公钥）"
    signed_en = ", signature good" if public is not None else " (signature not checked: no public key)"
    _say(f"核验通过：每个文件都与清单一致，清单链完整{signed}。" if lang == "zh" else
         f"verified: every file matches the manifest and the chain is whole{signed_en}.", err=True)


def _rewrites(site: Path) -> list[tuple[int, str]]:
    from generator.manifest import CURRENT, parse, rewrites

    try:
        body = parse((site / CURRENT).read_bytes())
    except OSError:
        return []
    return rewrites(body) if body else []


def _refusal(exc: JuwuError, lang: str | None = None) -> str:
    """Every refusal shown one way: its code (generator/refusals.py) and its message, in the chosen
    language or in both."""
    code = f" [{exc.code}]" if exc.code else ""
    if lang == "zh":
        return f"错误{code}：{exc.zh}"
    if lang == "en":
        return f"error{code}: {exc.en}"
    return f"错误{code}：{exc.zh}\nerror{code}: {exc.en}"


def _fail(exc: JuwuError, code: int = 1) -> None:
    _say(_refusal(exc), err=True)
    sys.exit(code)


# --- the upload service ------------------------------------------------------------------------

@cli.group(invoke_without_command=True)
@click.option("--data", type=click.Path(path_type=Path), default=DEFAULT_DATA, show_default=True,
              help="The city's data folder (inside a git repository).")
@click.option("--port", type=click.IntRange(1, 65535), default=8765, show_default=True)
@click.option("--users", type=click.Path(path_type=Path), help="Accounts file (default: $JUWU_INTAKE_USERS, "
              "else STATE/users.json). Must be outside DATA.")
@click.option("--state", type=click.Path(path_type=Path), help="Service folder for pending uploads, the audit "
              "log and rebuild status (default: $JUWU_INTAKE_STATE, else ~/.local/state/juwu-intake).")
@click.option("--site", type=click.Path(path_type=Path), default=DEFAULT_SITE, show_default=True,
              help="Where accepted uploads are republished.")
@click.option("--no-rebuild", is_flag=True, help="Commit uploads but do not rebuild the site.")
@click.option("--insecure-cookies", is_flag=True, help="Send the session cookie over plain HTTP (local testing only).")
@click.option("--allow-placeholder-url", is_flag=True,
              help="Let clerks download notice-board PDFs while site_url is a placeholder (test cities only).")
@click.pass_context
def intake(ctx: click.Context, data: Path, port: int, users: Path | None, state: Path | None, site: Path,
           no_rebuild: bool, insecure_cookies: bool, allow_placeholder_url: bool) -> None:
    """上传服务：社区经办人网上上传数据。Run the upload service on 127.0.0.1:PORT (put TLS in front)."""
    if ctx.invoked_subcommand is not None:
        return
    import uvicorn

    from generator.intake.app import create_app
    from generator.intake.repo import RepoError
    from generator.intake.server import config as server_config
    from generator.intake.settings import SettingsError, from_environment

    try:
        settings = from_environment(data, users, state, site, rebuild=not no_rebuild,
                                    secure_cookies=not insecure_cookies, allow_placeholder_url=allow_placeholder_url)
        app = create_app(settings)
    except (SettingsError, RepoError) as exc:
        _fail(exc)
    _say(f"上传服务 intake on http://127.0.0.1:{port}/  data={settings.data}  users={settings.users}  "
         f"state={settings.state}", err=True)
    uvicorn.Server(server_config(app, port, settings.limits)).run()


@intake.command("add-user")
@click.option("--community", help="The clerk's 12-digit community code.")
@click.option("--operator", "operator_name", help="Create an operator account (rebuild status) with this username.")
@click.option("--username", help="Login name (default: the community code).")
@click.option("--name", "display_name", help="Name shown and recorded as the git author, e.g. 张三（华庭里社区）.")
@click.option("--reset", is_flag=True, help="Give an existing account a new password (keeps its name unless --name "
              "is given, re-enables a disabled account, and signs out its sessions).")
@click.option("--data", type=click.Path(path_type=Path), default=DEFAULT_DATA, show_default=True)
@click.option("--users", type=click.Path(path_type=Path), help="Accounts file (as for `juwu intake`).")
@click.option("--state", type=click.Path(path_type=Path))
def intake_add_user(community: str | None, operator_name: str | None, username: str | None, display_name: str | None,
                    reset: bool, data: Path, users: Path | None, state: Path | None) -> None:
    """开设账号并显示一次初始密码。Create an account and print its initial password once."""
    from generator.intake.settings import SettingsError, from_environment
    from generator.intake.users import UserError, add_user

    if bool(community) == bool(operator_name):
        raise click.UsageError("give exactly one of --community CODE or --operator NAME")
    try:
        settings = from_environment(data, users, state)
        if community and not _community_listed(settings.data, community):
            raise click.ClickException(f"社区 {community} 不在 {settings.data}/communities.csv 中 / "
                                       f"community {community} is not in communities.csv")
        user, password = add_user(settings.users, community, username or operator_name, display_name, reset)
    except (SettingsError, UserError) as exc:
        _fail(exc)
    _say(f"用户名 username: {user.username}")
    _say(f"初始密码 password: {password}")
    _say(f"（只显示这一次，请当面或当场交给{user.display_name}。accounts file: {settings.users}）", err=True)


@intake.command("disable-user")
@click.argument("username")
@click.option("--data", type=click.Path(path_type=Path), default=DEFAULT_DATA, show_default=True)
@click.option("--users", type=click.Path(path_type=Path), help="Accounts file (as for `juwu intake`).")
@click.option("--state", type=click.Path(path_type=Path))
def intake_disable_user(username: str, data: Path, users: Path | None, state: Path | None) -> None:
    """停用账号：不能再登录，已登录的会话随即失效。Disable an account: it cannot sign in and its sessions end
    (the running service notices at their next request). `add-user --reset` enables it again."""
    from generator.intake.settings import SettingsError, from_environment
    from generator.intake.users import UserError, disable_user

    try:
        settings = from_environment(data, users, state)
        user = disable_user(settings.users, username)
    except (SettingsError, UserError) as exc:
        _fail(exc)
    _say(f"已停用 disabled: {user.username}（{user.display_name}）")


def _community_listed(data: Path, code: str) -> bool:
    from generator.load import load_city

    loaded, _ = load_city(data, communities=set())
    return any(any(v == code for v in row.values()) for s in loaded.of_kind("communities") for row in s.rows())

@cli.command("print")
@click.argument("data", type=click.Path(path_type=Path), default=DEFAULT_DATA)
@click.option("--sheet", type=click.Choice(list(SHEETS)), default="period", show_default=True,
              help=" | ".join(f"{name} {label}" for name, label in SHEETS.items()) + ".")
@click.option("--community", metavar="CODE", help="社区代码（12 位）。A community's 12-digit code.")
@click.option("--street", metavar="CODE", help="街道代码（9 位）：全街道各社区合成一个文件。A street: every community in one file.")
@click.option("--district", metavar="CODE", help="区代码（6 位），用于 --sheet rollout。A district, for the rollout sheet.")
@click.option("--period", metavar="YYYY-MM", help="公开期间，例如 2024-05。The period, e.g. 2024-05.")
@click.option("--report", "report", metavar="SLUG", help="报告文件名（不含 .md），用于 --sheet report。A report's file name.")
@click.option("--size", type=click.Choice(SIZES, case_sensitive=False), default="A4", show_default=True)
@click.option("--landscape", is_flag=True, help="横向打印（宽表）。Landscape, for wide ledgers.")
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), required=True,
              help="PDF file to write.")
@click.option("--allow-placeholder-url", is_flag=True,
              help="Print even while city.yaml's site_url is a placeholder (the QR codes lead nowhere): "
                   "for test prints and the demo city only.")
@click.option("--site", type=click.Path(path_type=Path), default=DEFAULT_SITE, show_default=True,
              help="网站目录：刚构建过且数据未变时，不再检查全市。The site `juwu build` published: when it "
                   "was built from this very data, only the communities printed are checked again.")
def print_command(data: Path, sheet: str, community: str | None, street: str | None, district: str | None,
                  period: str | None, report: str | None, size: str, landscape: bool, output: Path,
                  allow_placeholder_url: bool, site: Path) -> None:
    """打印公开栏：生成 PDF。Write notice-board sheets (公开栏) as one PDF.

    \b
    juwu print --community 319901001002 --period 2024-05 -o sheet.pdf
    juwu print --street 319901001 --period 2024-05 -o street.pdf
    juwu print --sheet roster --community 319901001002 -o roster.pdf
    juwu print --sheet report --community 319901001002 --report 2024-03-18-q1-meeting -o report.pdf
    juwu print --sheet rollout --district 319901 --size A3 -o rollout.pdf
    juwu print --sheet findings --community 319901001005 -o findings.pdf
    juwu print --sheet inspections --community 319901001002 -o inspections.pdf
    juwu print --sheet allowances --street 319901001 -o allowances.pdf

    记录类公示（每个社区有该类记录时）Record sheets, for the communities that have them:
    inspections, elections, decisions, projects, assets, trainings, allowances.
    """
    sys.exit(_print(data, sheet, community, street, district, period, report, size, landscape, output,
                    allow_placeholder_url, site))


def _print(data, sheet, community, street, district, period, report, size, landscape, output: Path,
           allow_placeholder_url: bool = False, site: Path | None = None) -> int:
    from generator.build import checked_communities
    from generator.print.run import print_sheets
    from generator.print.select import Request
    from generator.print.sheets import Layout
    from generator.siteurl import city_site_url
    from generator.validate.report import as_text

    if allow_placeholder_url:  # without the flag a placeholder is refused below, with its own message
        _warn_placeholder(city_site_url(data))
    request = Request(sheet, community, street, district, period, report, Layout(size.upper(), landscape))
    try:
        checked = None if site is None else checked_communities(BuildPaths.for_data(data, site))
        printed = print_sheets(data, request, allow_placeholder_url, checked)
    except JuwuError as exc:
        _say(_refusal(exc), err=True)
        _say("没有生成 PDF。No PDF was written.", err=True)
        return 1
    if printed.pdf is None:
        _say(as_text(printed.problems.sorted(), "zh", colour=sys.stderr.isatty()), err=True)
        _say("数据有错误，没有生成 PDF。The data has errors; no PDF was written.", err=True)
        return 1
    for zh, en in printed.skipped:
        _say(f"未打印 skipped: {zh} / {en}", err=True)
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        partial = output.with_name(output.name + ".partial")
        partial.write_bytes(printed.pdf)
        partial.replace(output)  # a reader never sees half a PDF
    except OSError as exc:
        _say(f"错误：无法写入 {output}：{exc.strerror}\nerror: cannot write {output}: {exc.strerror}", err=True)
        return 1
    _say(f"已生成 {len(printed.sheets)} 份公开表，共 {printed.pages} 页 → {output}"
         f"\nwrote {len(printed.sheets)} sheet(s), {printed.pages} page(s) → {output}", err=True)
    return 0


def main() -> None:
    """Entry point: an unexpected failure is one bilingual line and a saved traceback, never a dump."""
    try:
        cli(standalone_mode=True)
    except Exception:  # noqa: BLE001 - the last line of defence for clerks
        import tempfile
        import traceback

        with tempfile.NamedTemporaryFile("w", prefix="juwu-error-", suffix=".txt", delete=False) as f:
            traceback.print_exc(file=f)
        _say(f"Juwu 内部错误，详细信息已保存到 {f.name}，请把该文件发给系统管理员。\n"
             f"Juwu internal error; details saved to {f.name} — please send that file to the operator.", err=True)
        sys.exit(2)
