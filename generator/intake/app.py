"""The upload service's routes: sign in, see your community, upload, check, confirm, publish.

Every route that shows or changes a community takes its code from the URL and refuses it unless
it is the signed-in account's own; every form carries the session's CSRF token; every write
goes through `repo.publish`.
"""

from __future__ import annotations

import contextlib
import hmac
import threading
from dataclasses import dataclass

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from generator.intake import forms, printing, repo, staging, uploads
from generator.intake.guard import BodyTooLarge, BodyTooSlow, Guard
from generator.intake.passwords import verify_password
from generator.intake.pending import PendingStore
from generator.intake.rebuild import Rebuilder
from generator.intake.sessions import COOKIE, Session, SessionStore
from generator.intake.settings import IntakeSettings
from generator.intake.throttle import Throttle
from generator.intake.users import CLERK, OPERATOR, User, load_users
from generator.intake.views import CSS, environment
from generator.print.select import PrintError
from generator.problems import JuwuError


class Service:
    """Everything the routes share, built once from the settings."""

    def __init__(self, settings: IntakeSettings):
        limits = settings.limits
        self.settings = settings
        self.sessions = SessionStore(limits.session_idle, limits.session_absolute, limits.max_sessions)
        self.account_throttle = Throttle(limits.account_failures, limits.failure_window)
        self.ip_throttle = Throttle(limits.ip_failures, limits.failure_window)
        self.pending = PendingStore(settings.pending_dir, limits.pending_ttl)
        self.rebuilder = Rebuilder(settings)
        self.env = environment()
        self.css = CSS.read_bytes()
        self._users: tuple[tuple, dict[str, User]] = ((), {})
        self._community_locks: dict[str, threading.Lock] = {}
        self._locks_guard = threading.Lock()
        repo.toplevel(settings.data.resolve())  # refuse to start on data outside git
        with repo.repo_lock(settings):
            landed = repo.recover(settings)  # a publication killed half-way is finished first
        self.rebuilder.recover(rebuild=landed)  # a rebuild killed half-way runs again

    @contextlib.contextmanager
    def community_lock(self, code: str):
        """One upload check at a time per community (different communities proceed in parallel)."""
        with self._locks_guard:
            lock = self._community_locks.setdefault(code, threading.Lock())
        if not lock.acquire(timeout=self.settings.limits.upload_wait):
            raise Busy()
        try:
            yield
        finally:
            lock.release()

    def user(self, session: Session | None) -> User | None:
        """The session's account, or None — and the session ended — when the account was removed,
        disabled or given a new password since this session signed in."""
        if session is None or session.username is None:
            return None
        user = self.users().get(session.username)
        if user is None or user.disabled or not hmac.compare_digest(user.password_hash, session.credential or ""):
            self.sessions.end(session.id)
            return None
        return user

    def users(self) -> dict[str, User]:
        """The accounts file, re-read when it changes (add-user and --reset work without a restart)."""
        try:
            info = self.settings.users.stat()
            stamp = (info.st_mtime_ns, info.st_ino, info.st_size)  # add-user replaces the file (a new inode)
        except OSError:
            return {}
        if self._users[0] != stamp:
            self._users = (stamp, load_users(self.settings.users))
        return self._users[1]

    def render(self, request: Request, session: Session, template: str, http_status: int = 200, **context) -> HTMLResponse:
        user = self.user(session)
        html = self.env.get_template(template).render(csrf=session.csrf, user=user, **context)
        response = HTMLResponse(html, status_code=http_status)
        self.set_cookie(request, response, session)
        return response

    def set_cookie(self, request: Request, response: Response, session: Session) -> None:
        if request.cookies.get(COOKIE) != session.id:
            response.set_cookie(COOKIE, session.id, httponly=True, samesite="strict",
                                secure=self.settings.secure_cookies, path="/")

    def session_of(self, request: Request) -> Session:
        return self.sessions.get(request.cookies.get(COOKIE)) or self.sessions.new()

    def signed_in(self, request: Request, role: str = CLERK) -> tuple[Session, User]:
        session = self.sessions.get(request.cookies.get(COOKIE))
        user = self.user(session)
        if session is None or user is None:
            raise HTTPException(303, headers={"Location": "/login"})
        if user.role != role:
            raise HTTPException(403, "此账号无权访问该页面")
        return session, user

    def own_community(self, request: Request) -> tuple[Session, User, str]:
        session, user = self.signed_in(request)
        code = request.path_params["code"]
        if code != user.community:
            # The point of every community route: a clerk sees and changes only their own community.
            repo.audit(self.settings, {"event": "refused-other-community", "user": user.username, "asked": code[:20]})
            raise HTTPException(403, "只能查看和上传本社区的数据")
        return session, user, code

    async def read_form(self, request: Request, session: Session):
        limits = self.settings.limits
        form = await request.form(max_files=limits.max_files, max_fields=limits.max_parts,
                                  max_part_size=1_000_000)  # a long report typed into the form
        if not session.csrf_ok(form.get("csrf") if isinstance(form.get("csrf"), str) else None):
            await form.close()
            raise HTTPException(403, "表单已过期或来源不明（CSRF 校验失败），请刷新页面后重试")
        return form


class Busy(Exception):
    """Another upload for the same community is still being checked."""


@dataclass
class Prepared:
    candidate: uploads.Candidate
    checked: staging.Check
    upload_id: str | None = None  # None when the upload has errors
    final: uploads.Candidate | None = None


# --- views: module-level, each finds the Service on the app create_app made ---------------------

def _service(request: Request) -> Service:
    return request.app.state.service


async def home(request: Request):
    service = _service(request)
    session = service.sessions.get(request.cookies.get(COOKIE))
    user = service.user(session)
    if user is None:
        return RedirectResponse("/login", 303)
    return RedirectResponse("/status" if user.role == OPERATOR else f"/c/{user.community}/", 303)


async def login_page(request: Request):
    service = _service(request)
    return service.render(request, service.session_of(request), "login.html", message=None)


async def login(request: Request):
    service = _service(request)
    settings = service.settings
    session = service.session_of(request)
    form = await service.read_form(request, session)
    username = str(form.get("username") or "").strip().lower()[:40]
    password = str(form.get("password") or "")[:200]
    ip = request.client.host if request.client else "?"
    keys = (f"user:{username}", f"ip:{ip}")
    # Count the attempt before the (slow) password check, atomically: a burst of parallel guesses
    # gets exactly as many checks as the limits allow, not one each.
    account_ok = service.account_throttle.reserve(keys[0])
    ip_ok = account_ok and service.ip_throttle.reserve(keys[1])
    if not ip_ok:
        if account_ok:
            service.account_throttle.release(keys[0])
        repo.audit(settings, {"event": "login-locked", "user": username, "ip": ip})
        return service.render(request, session, "login.html", 429,
                              message="密码错误次数过多，已暂时锁定。请 15 分钟后再试，或联系管理员。")
    user = service.users().get(username)
    ok = await run_in_threadpool(verify_password, password, user.password_hash if user else None)
    if not ok or user is None or user.disabled:
        repo.audit(settings, {"event": "login-disabled" if ok and user else "login-failed",
                              "user": username, "ip": ip})
        return service.render(request, session, "login.html", 401,
                              message="此账号已停用，请联系管理员。" if ok and user else "用户名或密码不正确。")
    service.account_throttle.clear(keys[0])
    service.ip_throttle.release(keys[1])
    service.sessions.end(session.id)
    fresh = service.sessions.new(user.username, user.password_hash)
    repo.audit(settings, {"event": "login", "user": user.username, "ip": ip})
    response = RedirectResponse("/", 303)
    service.set_cookie(request, response, fresh)
    return response


async def logout(request: Request):
    service = _service(request)
    session = service.session_of(request)
    await service.read_form(request, session)
    service.sessions.end(session.id)
    response = RedirectResponse("/login", 303)
    response.delete_cookie(COOKIE, path="/")
    return response


async def dashboard(request: Request):
    service = _service(request)
    settings = service.settings
    session, user, code = service.own_community(request)
    checked = await run_in_threadpool(staging.check, settings.data, code, None, settings.state / "tmp")
    return service.render(request, session, "dashboard.html", code=code, community=checked.model,
                          check=checked, kinds=uploads.KINDS)


async def upload_form(request: Request):
    service = _service(request)
    settings = service.settings
    session, user, code = service.own_community(request)
    kind = _kind(request)
    current = await run_in_threadpool(staging.check, settings.data, code, None, settings.state / "tmp")
    values = _prefill(current.model, kind, request.query_params.get("period", ""),
                      request.query_params.get("report", ""))
    return service.render(request, session, "upload.html", code=code, kind=kind, kinds=uploads.KINDS,
                          values=values, problems=[], community=current.model, upload_error=None)


async def template_download(request: Request):
    """The kind's Excel template (juwu template): the city's lists, last month's closing balance."""
    from generator import template

    service = _service(request)
    settings = service.settings
    session, user, code = service.own_community(request)
    kind = _kind(request)
    if kind not in template.KINDS:
        raise HTTPException(404, "这种上传没有 Excel 模板")
    period = request.query_params.get("period") or None
    try:
        template.check_period(period)
    except template.TemplateError as exc:
        raise HTTPException(400, exc.zh) from None
    opening = template.previous_closing(settings.data, code, period) if kind == "ledger" else None
    payload = await run_in_threadpool(template.xlsx_bytes, kind, template.city_lists(settings.data), period,
                                      opening, code)
    name = f"{kind}-{period}.xlsx" if period else f"{kind}.xlsx"
    return Response(payload, media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"content-disposition": f'attachment; filename="{name}"', "cache-control": "no-store"})


async def upload(request: Request):
    service = _service(request)
    settings = service.settings
    session, user, code = service.own_community(request)
    kind = _kind(request)
    form = await service.read_form(request, session)
    try:
        fields = {k: v for k, v in form.items() if isinstance(v, str)}
        file_bytes, too_big = await _file(form.get("file"), settings.limits.max_file)
    finally:
        await form.close()
    if too_big:
        return service.render(request, session, "upload.html", 413, code=code, kind=kind, kinds=uploads.KINDS,
                              values=fields, problems=[], community=None,
                              upload_error=f"文件过大：单个文件不能超过 {settings.limits.max_file // 1_000_000} MB。")
    try:
        # Reading a workbook and validating take seconds: never on the event loop.
        if kind == "ledger_year":  # a year's workbook: each month's result (generator/intake/yearbook.py)
            year = await run_in_threadpool(_prepare_year, service, user, code, fields, file_bytes)
            if year.upload_id:
                session.pending.add(year.upload_id)
            return service.render(request, session, "year.html", 200 if year.publishable else 422, code=code,
                                  kind=kind, kinds=uploads.KINDS, values=fields, year=year)
        prepared = await run_in_threadpool(_prepare, service, user, kind, code, fields, file_bytes)
    except uploads.FormProblems as exc:
        return service.render(request, session, "upload.html", 422, code=code, kind=kind, kinds=uploads.KINDS,
                              values=fields, problems=exc.problems, community=None, upload_error=None)
    except Busy:
        return service.render(request, session, "upload.html", 503, code=code, kind=kind, kinds=uploads.KINDS,
                              values=fields, problems=[], community=None,
                              upload_error="本社区另一份上传正在检查，请稍后再提交一次。"
                                           "Another upload for this community is being checked; try again shortly.")
    except repo.NoChange as exc:
        return service.render(request, session, "message.html", code=code, title="无需提交",
                              text=f"{exc.zh}。{exc.en}.")
    candidate, checked = prepared.candidate, prepared.checked
    if prepared.upload_id is None:
        return service.render(request, session, "upload.html", 422, code=code, kind=kind, kinds=uploads.KINDS,
                              values=fields, problems=checked.problems + checked.city_errors,
                              community=None, upload_error=None)
    upload_id, final = prepared.upload_id, prepared.final
    session.pending.add(upload_id)
    period = None
    if candidate.period and checked.model:
        period = next((p for p in checked.model.periods if p.key == candidate.period), None)
    return service.render(request, session, "confirm.html", code=code, candidate=candidate, upload_id=upload_id,
                          warnings=checked.warnings, period=period, files=final.touched(),
                          removed=set(final.removes))


async def confirm(request: Request):
    service = _service(request)
    settings = service.settings
    session, user, code = service.own_community(request)
    form = await service.read_form(request, session)
    upload_id = str(form.get("upload") or "")
    pending = service.pending.load(upload_id, user.username) if upload_id in session.pending else None
    if pending is None or pending.candidate.community != code:
        return service.render(request, session, "message.html", 410, code=code, title="上传已失效",
                              text="这次上传已过期或不属于当前登录。请重新上传。")
    if form.get("action") == "cancel":
        service.pending.drop(upload_id)
        session.pending.discard(upload_id)
        return RedirectResponse(f"/c/{code}/", 303)
    try:
        published = await run_in_threadpool(repo.publish, settings, user, pending.candidate, pending.base, upload_id)
    except repo.Conflict as exc:
        service.pending.drop(upload_id)
        session.pending.discard(upload_id)
        return service.render(request, session, "message.html", 409, code=code, title="请重新上传", text=exc.zh)
    except repo.NoChange as exc:
        service.pending.drop(upload_id)
        session.pending.discard(upload_id)
        return service.render(request, session, "message.html", code=code, title="无需提交",
                              text=f"{exc.zh}。{exc.en}.")
    service.pending.drop(upload_id)
    session.pending.discard(upload_id)
    if settings.rebuild:
        service.rebuilder.request(f"{published.commit[:10]} {pending.candidate.what}")
    sheet = printing.sheet_for(pending.candidate)
    return service.render(request, session, "message.html", code=code, title="已提交",
                          text=f"{pending.candidate.what}：已保存（提交编号 {published.commit[:10]}）。"
                               "网站将在几分钟内自动更新。", commit=published.commit,
                          pdf=printing.link(code, sheet), pdf_name=printing.SHEET_NAMES[sheet[0]] if sheet else "")


async def notice_pdf(request: Request):
    """The notice-board sheet of the clerk's own community as committed, as a PDF download."""
    service = _service(request)
    settings = service.settings
    session, user, code = service.own_community(request)
    try:
        wanted = printing.checked_request(code, request.path_params["sheet"],
                                          request.query_params.get("period", ""),
                                          request.query_params.get("report", ""))
        pdf = await run_in_threadpool(_print, service, wanted)
    except Busy:
        return service.render(request, session, "message.html", 503, code=code, title="请稍后再试",
                              text="本社区的另一项检查或打印正在进行，请稍后再下载。")
    except (PrintError, JuwuError) as exc:
        return service.render(request, session, "message.html", 422, code=code, title="无法生成公开表",
                              text=exc.zh)
    repo.audit(settings, {"event": "printed", "user": user.username, "community": code, "sheet": wanted.sheet,
                          "period": wanted.period, "report": wanted.report})
    return Response(pdf, media_type="application/pdf",
                    headers={"content-disposition": f'attachment; filename="{printing.file_name(wanted)}"'})


async def status(request: Request):
    service = _service(request)
    session, user = service.signed_in(request, OPERATOR)
    return service.render(request, session, "status.html", status=service.rebuilder.status(),
                          log=service.rebuilder.log_tail(), code=None)


async def css(request: Request):
    service = _service(request)
    return Response(service.css, media_type="text/css", headers={"cache-control": "max-age=3600"})


async def too_large(request: Request, exc: Exception):
    return Response("上传内容过大，已拒绝。", status_code=413, media_type="text/plain; charset=utf-8")


async def too_slow(request: Request, exc: Exception):
    return Response("上传太慢，连接已超时，请重试。", status_code=408, media_type="text/plain; charset=utf-8")


async def http_error(request: Request, exc: HTTPException):
    service = _service(request)
    if exc.status_code in (301, 302, 303, 307) and exc.headers:
        return Response(status_code=exc.status_code, headers=exc.headers)
    session = service.session_of(request)
    return service.render(request, session, "message.html", exc.status_code, code=None,
                          title="无法完成", text=exc.detail if isinstance(exc.detail, str) else "请求无效")


ROUTES = [
    Route("/", home),
    Route("/login", login_page, methods=["GET"]),
    Route("/login", login, methods=["POST"]),
    Route("/logout", logout, methods=["POST"]),
    Route("/status", status),
    Route("/assets/intake.css", css),
    Route("/c/{code:str}/", dashboard),
    Route("/c/{code:str}/upload/{kind:str}", upload_form, methods=["GET"]),
    Route("/c/{code:str}/upload/{kind:str}", upload, methods=["POST"]),
    Route("/c/{code:str}/template/{kind:str}.xlsx", template_download, methods=["GET"]),
    Route("/c/{code:str}/confirm", confirm, methods=["POST"]),
    Route("/c/{code:str}/print/{sheet:str}", notice_pdf, methods=["GET"]),
]


def create_app(settings: IntakeSettings) -> Guard:
    """Wire the views to a Service built from the settings, behind the guard."""
    service = Service(settings)
    app = Starlette(routes=ROUTES, exception_handlers={
        BodyTooLarge: too_large, BodyTooSlow: too_slow, HTTPException: http_error})
    app.state.service = service
    guarded = Guard(app, settings.limits.max_body, settings.limits.body_read_timeout)
    guarded.service = service  # for tests and the CLI
    return guarded


def _prepare(service: Service, user: User, kind: str, code: str, fields: dict, data: bytes | None) -> Prepared:
    """Read, check and (when clean and not a no-op) keep an upload until the clerk confirms.

    Runs in a worker thread, one at a time per community. Raises FormProblems, Busy or NoChange."""
    settings = service.settings
    with service.community_lock(code):
        existing = staging.existing_files(settings.data, code)
        candidate = _candidate(kind, code, fields, data, existing)
        checked = staging.check(settings.data, code, candidate, settings.state / "tmp")
        repo.audit(settings, {"event": "upload-checked", "user": user.username, "community": code, "kind": kind,
                              "files": candidate.touched(), "errors": len(checked.errors)})
        if not checked.ok:
            return Prepared(candidate, checked)
        final = repo.finalise(candidate, existing)
        if not repo.changes(settings.data.resolve(), final):
            raise repo.NoChange()
        # The committed blob of every path it may touch: confirming later re-checks these.
        base = staging.file_hashes(settings.data, sorted(set(candidate.touched()) | set(final.touched())))
        return Prepared(candidate, checked, service.pending.save(user.username, candidate, base), final)


def _prepare_year(service: Service, user: User, code: str, fields: dict, data: bytes | None):
    """A year's workbook checked month by month, one upload at a time per community."""
    from generator.intake import yearbook

    with service.community_lock(code):
        return yearbook.prepare(service.settings, service.pending, user.username, code, fields, data)


def _print(service: Service, wanted) -> bytes:
    """Lay out a sheet in a worker thread, one check or print at a time per community."""
    settings = service.settings
    with service.community_lock(wanted.community):
        return printing.notice_pdf(settings.data, wanted, settings.state / "tmp", settings.allow_placeholder_url)


def _kind(request: Request) -> str:
    kind = request.path_params["kind"]
    if kind not in uploads.KINDS:
        raise HTTPException(404, "没有这种上传")
    return kind


async def _file(value, limit: int) -> tuple[bytes | None, bool]:
    """The uploaded file's bytes (never its name), or too_big when over the limit."""
    if not isinstance(value, UploadFile):
        return None, False
    if value.size is not None and value.size > limit:
        return None, True
    data = await value.read(limit + 1)
    if len(data) > limit:
        return None, True
    return (data or None), False


def _candidate(kind: str, code: str, fields: dict, data: bytes | None, existing: set[str]) -> uploads.Candidate:
    if kind == "ledger":
        return uploads.ledger_candidate(code, fields, data, existing)
    if kind in uploads.TABLE_KINDS:
        return uploads.table_candidate(kind, code, data, existing)
    if kind == "committee":
        return uploads.committee_candidate(code, data, existing, fields)
    return uploads.report_candidate(code, fields, data, existing)


def _prefill(community, kind: str, period: str, report: str = "") -> dict:
    """Form values to start from: an existing period to amend, or the next one after the latest;
    the committee's details as published."""
    if kind == "committee":
        return forms.committee_values(community.committee if community else None,
                                      community.name if community else "")
    if kind == "report" and community is not None:  # amending a published report: its name is kept
        found = next((r for r in community.reports if r.slug == report), None)
        if found is None or found.date is None:
            return {}
        return {"type": found.type, "date": found.date.isoformat(), "title": found.title,
                "slug": found.slug[len("YYYY-MM-DD-"):], "status": found.status or "",
                "due": found.due.isoformat() if found.due else "", "body": found.body}
    if kind != "ledger" or community is None:
        return {}
    periods = {p.key: p for p in community.periods}
    if period in periods:
        p = periods[period]
        return {"period": p.key, "opening_balance": str(p.opening_balance), "closing_balance": str(p.closing_balance),
                "prepared_by": p.prepared_by, "reviewer": p.reviewer,
                "reviewed_on": p.reviewed_on.isoformat() if p.reviewed_on else "", "opinion": p.review_opinion,
                "published_on": p.published_on.isoformat() if p.published_on else "", "amend": "1"}
    if community.periods:
        last = community.periods[-1]
        year, month = last.year + (last.month == 12), last.month % 12 + 1
        return {"period": f"{year:04d}-{month:02d}", "opening_balance": str(last.closing_balance),
                "prepared_by": last.prepared_by, "reviewer": last.reviewer}
    return {}
