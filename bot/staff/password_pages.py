"""The password page: a signed-in member changes their own password (the first admin must).

Split from ``auth`` (sign-in, sessions, the page decorator): changing a password shares the
sign-in lockout, and a successful change starts a fresh session.
"""

from __future__ import annotations

from aiohttp import web

from bot.staff import passwords, throttle
from bot.staff.auth import LOCKED_MESSAGE, _limits, page, start_session
from bot.staff.config import config
from bot.staff.pages import PREFIX, redirect, render
from bot.staff.roles import StaffUser
from storage import staff as staff_repo


def _password_page(
    request: web.Request, *, error: str = "", status: int = 200, done: bool = False
) -> web.Response:
    return render(
        request,
        "password.html",
        {"error": error, "done": done, "min_length": passwords.MIN_LENGTH},
        status=status,
    )


@page(None, allow_must_change=True)
async def password_get(request: web.Request) -> web.StreamResponse:
    return _password_page(request, done=request.query.get("done") == "1")


@page(None, allow_must_change=True)
async def password_post(request: web.Request) -> web.StreamResponse:
    user: StaffUser = request["staff_user"]
    cfg = config(request)
    form = request["form"]
    current = form.get("current", "")
    new = form.get("new", "")
    confirm = form.get("confirm", "")
    # A borrowed session must not become a way to guess the password: same lockout as sign-in,
    # with the attempt reserved before the check like there.
    keys = throttle.keys_for(user.username, throttle.client_address(request, cfg.trusted_proxies))
    now = cfg.now()
    since = now - cfg.lockout_window
    limits = _limits(cfg)
    async with cfg.runtime.db.write() as session:
        await throttle.serialize(session)
        before = await throttle.count(session, keys, since)
        reserved = (
            []
            if before.over(limits, strictly=False)
            else await throttle.reserve(session, (keys.user, keys.account), now)
        )
        account = await staff_repo.get_account(session, user.id)
        after = await throttle.count(session, keys, since)
    if not reserved or after.over(limits, strictly=True):
        minutes = int(cfg.lockout_window.total_seconds() // 60)
        return _password_page(request, error=LOCKED_MESSAGE.format(minutes=minutes), status=429)
    if (
        account is None
        or len(current) > passwords.MAX_LENGTH * 4
        or not await passwords.verify_password(account.password_hash, current)
    ):
        return _password_page(request, error="Mật khẩu hiện tại không đúng.", status=400)
    async with cfg.runtime.db.write() as session:
        await throttle.release(session, reserved)
    if new != confirm:
        return _password_page(request, error="Hai lần nhập mật khẩu mới không khớp.", status=400)
    problem = passwords.password_problem(new, user.username)
    if problem is None and new == current:
        problem = "Mật khẩu mới phải khác mật khẩu hiện tại."
    if problem:
        return _password_page(request, error=problem, status=400)
    new_hash = await passwords.hash_password(new)
    async with cfg.runtime.db.write() as session:
        fresh = await staff_repo.get_account(session, user.id)
        if fresh is None:
            return _password_page(request, error="Tài khoản không còn tồn tại.", status=400)
        await staff_repo.set_password(session, fresh, new_hash, must_change=False, now=now)
        await staff_repo.clear_failures(session, keys.user)
    response = redirect(f"{PREFIX}/password?done=1")
    await start_session(request, response, user.id)
    return response
