"""Signing in and out, server-side sessions, CSRF, lockout, and the per-page permission check.

- The cookie holds a random token; the database keeps only its SHA-256 (a stolen database does
  not yield live cookies). A new token at every sign-in and password change (no fixation).
- Sessions end after ``idle`` without a request and after ``absolute`` in any case; an
  administrator can revoke them.
- Every state-changing POST carries the session's CSRF token (compared in constant time). The
  login form, which has no session yet, uses a double-submit cookie.
- Failed sign-ins are counted per (username, address) in ``login_attempts``: after N in the
  window the form refuses without checking the password — for unknown usernames too, so the
  answer never reveals whether an account exists.
"""

from __future__ import annotations

import datetime as dt
import functools
import hmac
import logging
from collections.abc import Awaitable, Callable

from aiohttp import web

from bot.staff import device_cookie, passwords, throttle, uploads
from bot.staff.config import StaffConfig, config, cookie_secure
from bot.staff.forms import BadInput, field, read_form
from bot.staff.pages import PREFIX, error_page, forbidden, redirect, render, safe_next
from bot.staff.roles import StaffUser
from storage import staff as staff_repo
from storage.models import StaffAccount

log = logging.getLogger(__name__)

SESSION_COOKIE = "xabot_staff"
LOGIN_CSRF_COOKIE = "xabot_login_csrf"
TOUCH_EVERY = dt.timedelta(seconds=60)
# The sign-in form is open to anyone: it needs a few hundred bytes, not the 4 MiB a signed-in
# member's long note may take (an anonymous flood must not make the server buffer megabytes).
LOGIN_MAX_BYTES = 16 * 1024

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

LOCKED_MESSAGE = (
    "Đăng nhập sai quá nhiều lần. Để bảo vệ tài khoản, việc đăng nhập tạm khoá "
    "{minutes} phút. Vui lòng thử lại sau, hoặc nhờ người quản trị đặt lại mật khẩu."
)
WRONG_MESSAGE = "Tên đăng nhập hoặc mật khẩu không đúng."
CSRF_MESSAGE = (
    "Biểu mẫu này đã hết hạn hoặc không hợp lệ (mã bảo vệ không khớp), nên không có gì "
    "được thay đổi. Hãy tải lại trang rồi làm lại."
)


def user_from_account(account: StaffAccount, session_id: str = "", csrf: str = "") -> StaffUser:
    return StaffUser(
        id=account.id,
        username=account.username,
        full_name=account.full_name or "",
        role=account.role,
        committee=account.committee,
        must_change_password=bool(account.must_change_password),
        session_id=session_id,
        csrf=csrf,
    )


async def current_user(request: web.Request) -> StaffUser | None:
    """The signed-in member for this request, or None (expired, revoked, deactivated)."""
    if "staff_user" in request:
        return request["staff_user"]
    user = await _load_user(request)
    request["staff_user"] = user
    return user


async def _load_user(request: web.Request) -> StaffUser | None:
    token = request.cookies.get(SESSION_COOKIE, "")
    if not token or len(token) > 200:
        return None
    cfg = config(request)
    db = cfg.runtime.db
    session_id = passwords.sha256_hex(token)
    now = cfg.now()
    async with db.read() as session:
        found = await staff_repo.load_session(session, session_id)
    if found is None:
        return None
    row, account = found
    if (
        row.revoked_at is not None
        or row.expires_at <= now
        or now - row.last_seen_at > cfg.idle
        or not account.active
        or account.commune_id != cfg.runtime.profile.id
    ):
        return None
    if now - row.last_seen_at >= TOUCH_EVERY:
        async with db.write() as session:
            await staff_repo.touch_session(session, session_id, now)
    return user_from_account(account, session_id, row.csrf_token)


def csrf_ok(expected: str, given: str) -> bool:
    return bool(expected) and hmac.compare_digest(expected.encode(), given.encode())


def login_redirect(request: web.Request) -> web.Response:
    target = request.path_qs if request.method == "GET" else ""
    query = ""
    if target and target.startswith(PREFIX + "/") and target != PREFIX + "/login":
        from urllib.parse import urlencode

        query = "?" + urlencode({"next": target})
    return redirect(f"{PREFIX}/login{query}", status=302 if request.method == "GET" else 303)


def page(
    permission: str | None = "view",
    *,
    allow_must_change: bool = False,
    max_fields: int = 500,
    multipart: bool = False,
    files: bool = False,
) -> Callable[[Handler], Handler]:
    """Require a signed-in member with ``permission``; POSTs also need the CSRF token.

    The parsed form of a POST is left in ``request["form"]``. ``max_fields``: a form with many
    rows (the meeting grid). ``multipart``: the handler reads the upload itself and must check
    the CSRF token with ``csrf_ok`` (the permission is still checked here, before any read).
    With ``files`` a multipart form is accepted too and its files are in ``request["files"]``.
    """

    def decorate(handler: Handler) -> Handler:
        @functools.wraps(handler)
        async def wrapper(request: web.Request) -> web.StreamResponse:
            user = await current_user(request)
            if user is None:
                return login_redirect(request)
            if user.must_change_password and not allow_must_change:
                return redirect(
                    f"{PREFIX}/password", status=302 if request.method == "GET" else 303
                )
            if request.method == "POST" and multipart:
                if permission is not None and not user.can(permission):
                    return forbidden(request)
                return await handler(request)
            if request.method == "POST":
                request["files"] = {}
                try:
                    if files and uploads.is_multipart(request):
                        form, request["files"] = await uploads.read_multipart(request)
                    else:
                        form = await read_form(request, max_fields=max_fields)
                except BadInput as err:
                    return error_page(request, 400, "Dữ liệu không hợp lệ", err.message)
                except web.HTTPRequestEntityTooLarge:
                    return error_page(
                        request,
                        413,
                        "Nội dung quá lớn",
                        "Nội dung gửi lên quá lớn (một ghi chú tối đa 5.000 ký tự, "
                        "một tệp tối đa 10 MB). Không có gì được thay đổi.",
                    )
                if not csrf_ok(user.csrf, form.get("_csrf", "")):
                    return error_page(request, 403, "Biểu mẫu không hợp lệ", CSRF_MESSAGE)
                request["form"] = form
            if permission is not None and not user.can(permission):
                return forbidden(request)
            return await handler(request)

        wrapper.staff_permission = permission  # type: ignore[attr-defined]
        return wrapper

    return decorate


def _set_session_cookie(request: web.Request, response: web.StreamResponse, token: str) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        token,
        path=PREFIX,
        httponly=True,
        samesite="Lax",
        secure=cookie_secure(request),
    )


async def start_session(
    request: web.Request, response: web.StreamResponse, account_id: int
) -> None:
    """A brand-new session for ``account_id`` (the old cookie's session is revoked)."""
    cfg = config(request)
    now = cfg.now()
    token = passwords.new_secret()
    old = request.cookies.get(SESSION_COOKIE, "")
    async with cfg.runtime.db.write() as session:
        if old and len(old) <= 200:
            await staff_repo.revoke_session(session, passwords.sha256_hex(old), now)
        await staff_repo.create_session(
            session,
            session_hash=passwords.sha256_hex(token),
            staff_id=account_id,
            csrf_token=passwords.new_secret(),
            now=now,
            expires_at=now + cfg.absolute,
        )
    _set_session_cookie(request, response, token)


def _limits(cfg: StaffConfig) -> throttle.Limits:
    return throttle.Limits(
        user=cfg.max_failures,
        address=cfg.max_failures_per_ip,
        account=cfg.max_failures_per_account,
    )


def _login_page(
    request: web.Request, *, error: str = "", status: int = 200, username: str = ""
) -> web.Response:
    token = passwords.new_secret()
    response = render(
        request,
        "login.html",
        {
            "error": error,
            "csrf": token,
            "username": username,
            "next": safe_next(request.query.get("next")),
            "bye": request.query.get("bye") == "1",
            "user": None,
        },
        status=status,
    )
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        token,
        path=PREFIX + "/login",
        httponly=True,
        samesite="Lax",
        secure=cookie_secure(request),
    )
    return response


async def login_get(request: web.Request) -> web.StreamResponse:
    user = await current_user(request)
    if user is not None:
        return redirect(safe_next(request.query.get("next")), status=302)
    return _login_page(request)


async def login_post(request: web.Request) -> web.StreamResponse:
    cfg = config(request)
    try:
        form = await read_form(request, limit=LOGIN_MAX_BYTES)
        username = field(form, "username", limit=200).lower()
        # Not stripped: the password form stores what was typed, spaces included.
        password = form.get("password", "")
        if len(password) > passwords.MAX_LENGTH * 4:
            raise BadInput("Mật khẩu quá dài.")
    except (BadInput, web.HTTPRequestEntityTooLarge):
        return _login_page(request, error="Dữ liệu đăng nhập không hợp lệ.", status=400)
    cookie_token = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not csrf_ok(cookie_token, form.get("_csrf", "")):
        return _login_page(
            request,
            error="Trang đăng nhập đã hết hạn. Vui lòng nhập lại tên và mật khẩu.",
            status=403,
            username=username[:64],
        )
    next_url = safe_next(form.get("next"))
    now = cfg.now()
    keys = throttle.keys_for(username, throttle.client_address(request, cfg.trusted_proxies))
    since = now - cfg.lockout_window
    limits = _limits(cfg)
    minutes = int(cfg.lockout_window.total_seconds() // 60)

    def locked() -> web.Response:
        return _login_page(
            request,
            error=LOCKED_MESSAGE.format(minutes=minutes),
            status=429,
            username=username[:64],
        )

    async with cfg.runtime.db.read() as session:
        # A browser that signed in as this member before is judged by its own counter.
        plan = await device_cookie.plan(session, request, username, keys, since, cfg.max_failures)
        if (await device_cookie.over(session, plan, since, limits))[1]:
            return locked()  # already locked: refused without even recording the attempt
        account = await staff_repo.get_by_username(session, username) if username else None
    # Reserve the attempt before the slow password check, so parallel guesses count each other.
    async with cfg.runtime.db.write() as session:
        await throttle.serialize(session)
        reserved = await throttle.reserve(session, plan.reserved(), now)
        past_limit, at_limit = await device_cookie.over(session, plan, since, limits)
    if past_limit:
        return locked()
    usable = (
        account is not None and account.active and account.commune_id == cfg.runtime.profile.id
    )
    ok = await passwords.verify_password(account.password_hash if usable else None, password)
    if not ok or account is None:
        locked_now = at_limit
        message = LOCKED_MESSAGE.format(minutes=minutes) if locked_now else WRONG_MESSAGE
        return _login_page(
            request, error=message, status=429 if locked_now else 401, username=username[:64]
        )

    new_hash = None
    if passwords.needs_rehash(account.password_hash):
        new_hash = await passwords.hash_password(password)
    async with cfg.runtime.db.write() as session:
        await throttle.release(session, reserved)
        await staff_repo.clear_failures(session, keys.user)
        await staff_repo.clear_failures(session, keys.account)
        if plan.device:
            await staff_repo.clear_failures(session, plan.device)
        fresh = await staff_repo.get_account(session, account.id)
        if fresh is not None:
            fresh.last_login_at = now
            if new_hash:
                fresh.password_hash = new_hash
    target = f"{PREFIX}/password" if account.must_change_password else next_url
    response = redirect(target)
    await start_session(request, response, account.id)
    device_cookie.set_cookie(request, response, username)
    response.del_cookie(LOGIN_CSRF_COOKIE, path=PREFIX + "/login")
    log.info("nhân viên %s đăng nhập", account.id)
    return response


@page(None, allow_must_change=True)
async def logout(request: web.Request) -> web.StreamResponse:
    user: StaffUser = request["staff_user"]
    cfg = config(request)
    async with cfg.runtime.db.write() as session:
        await staff_repo.revoke_session(session, user.session_id, cfg.now())
    response = redirect(f"{PREFIX}/login?bye=1")
    response.del_cookie(SESSION_COOKIE, path=PREFIX)
    return response
