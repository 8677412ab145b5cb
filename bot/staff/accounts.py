"""Account administration (admin only): create, deactivate, reset a password, end sessions.

A new account or a reset gets a one-time password that is shown once, on the page, to the
administrator who hands it over; the member must choose their own at first sign-in. The last
active administrator cannot be deactivated, so the commune cannot lock itself out.
"""

from __future__ import annotations

from aiohttp import web

from bot.integers import parse_id
from bot.staff import passwords
from bot.staff.auth import page
from bot.staff.config import config
from bot.staff.emails import clean_email
from bot.staff.forms import BadInput, field
from bot.staff.pages import PREFIX, error_page, redirect, render
from bot.staff.roles import COMMITTEE, ROLE_LABELS, ROLES, StaffUser
from storage import staff as staff_repo
from storage.models import StaffAccount

DONE = {
    "deactivated": "Đã khoá tài khoản và kết thúc mọi phiên đăng nhập, mã API của tài khoản đó.",
    "activated": "Đã mở lại tài khoản.",
    "revoked": "Đã kết thúc mọi phiên đăng nhập của tài khoản.",
    "token_revoked": "Đã thu hồi mã API; ứng dụng dùng mã đó không truy cập được nữa.",
    "email": "Đã lưu địa chỉ e-mail nhận nhắc hạn.",
}


async def _list_context(request: web.Request) -> dict:
    cfg = config(request)
    runtime = cfg.runtime
    now = cfg.now()
    rows = []
    async with runtime.db.read() as session:
        for account in await staff_repo.list_accounts(session, runtime.profile.id):
            rows.append(
                {
                    "a": account,
                    "role": ROLE_LABELS.get(account.role, account.role),
                    "committee": (
                        runtime.profile.committee(account.committee).name
                        if account.committee and runtime.profile.committee(account.committee)
                        else ""
                    ),
                    "sessions": await staff_repo.count_live_sessions(session, account.id, now),
                    "tokens": await staff_repo.count_live_tokens(session, account.id, now),
                    "token_rows": [
                        {"t": t, "live": staff_repo.token_live(t, now)}
                        for t in await staff_repo.list_tokens(session, account.id)
                    ],
                }
            )
    return {
        "rows": rows,
        "roles": [(r, ROLE_LABELS[r]) for r in ROLES],
        "committees": runtime.profile.committees,
        "errors": [],
        "values": {},
        "done": DONE.get(request.query.get("done", ""), ""),
    }


@page("accounts")
async def accounts_page(request: web.Request) -> web.StreamResponse:
    return render(request, "accounts.html", await _list_context(request))


def _secret_page(request: web.Request, account: StaffAccount, password: str, created: bool):
    return render(
        request,
        "account_secret.html",
        {
            "account": account,
            "password": password,
            "created": created,
            "role": ROLE_LABELS.get(account.role, account.role),
        },
    )


@page("accounts")
async def create_account(request: web.Request) -> web.StreamResponse:
    cfg = config(request)
    runtime = cfg.runtime
    form = request["form"]
    values = {k: v[:200] for k, v in form.items() if k != "_csrf"}
    errors: list[str] = []
    try:
        username = field(form, "username", limit=64, label="Tên đăng nhập").lower()
        full_name = field(form, "full_name", limit=200, label="Họ tên")
    except BadInput as err:
        username, full_name = "", ""
        errors.append(err.message)
    role = form.get("role", "")
    committee = form.get("committee", "") or None
    try:
        email = clean_email(form.get("email", "")[:300])
    except ValueError as err:
        email = None
        errors.append(str(err))
    if not errors:
        problem = passwords.username_problem(username)
        if problem:
            errors.append(problem)
    if role not in ROLES:
        errors.append("Cần chọn vai trò của tài khoản.")
    if role == COMMITTEE:
        if not committee or runtime.profile.committee(committee) is None:
            errors.append("Tài khoản của một ban cần chọn ban (ví dụ Ban Kinh tế - Ngân sách).")
    else:
        committee = None
    if errors:
        ctx = await _list_context(request)
        ctx.update(errors=errors, values=values)
        return render(request, "accounts.html", ctx, status=400)
    temporary = passwords.temporary_password()
    password_hash = await passwords.hash_password(temporary)
    try:
        async with runtime.db.write() as session:
            account = await staff_repo.create_account(
                session,
                commune_id=runtime.profile.id,
                username=username,
                role=role,
                committee=committee,
                full_name=full_name,
                password_hash=password_hash,
                must_change_password=True,
                now=cfg.now(),
                email=email,
            )
    except staff_repo.UsernameTaken:
        ctx = await _list_context(request)
        ctx.update(errors=[f"Tên đăng nhập «{username}» đã có người dùng."], values=values)
        return render(request, "accounts.html", ctx, status=400)
    return _secret_page(request, account, temporary, created=True)


async def _target(request: web.Request) -> StaffAccount | web.Response:
    runtime = config(request).runtime
    account_id = parse_id(request.match_info["account_id"])
    if account_id is None:
        return error_page(
            request, 400, "Không hợp lệ", "Mã tài khoản phải là một số nguyên dương."
        )
    async with runtime.db.read() as session:
        account = await staff_repo.get_account(session, account_id)
    if account is None or account.commune_id != runtime.profile.id:
        return error_page(request, 404, "Không tìm thấy", "Không tìm thấy tài khoản này.")
    return account


@page("accounts")
async def deactivate(request: web.Request) -> web.StreamResponse:
    cfg = config(request)
    user: StaffUser = request["staff_user"]
    target = await _target(request)
    if isinstance(target, web.Response):
        return target
    if target.id == user.id:
        return error_page(
            request, 400, "Không thực hiện được", "Bạn không thể tự khoá tài khoản của mình."
        )
    async with cfg.runtime.db.write() as session:
        account = await staff_repo.get_account(session, target.id)
        assert account is not None
        last_admin = (
            account.role == "admin"
            and account.active
            and await staff_repo.count_active_admins(session, cfg.runtime.profile.id) <= 1
        )
        if last_admin:
            return error_page(
                request,
                400,
                "Không thực hiện được",
                "Đây là tài khoản quản trị cuối cùng đang hoạt động; không thể khoá.",
            )
        await staff_repo.set_active(session, account, False, cfg.now())
    return redirect(f"{PREFIX}/accounts?done=deactivated")


@page("accounts")
async def activate(request: web.Request) -> web.StreamResponse:
    cfg = config(request)
    target = await _target(request)
    if isinstance(target, web.Response):
        return target
    async with cfg.runtime.db.write() as session:
        account = await staff_repo.get_account(session, target.id)
        assert account is not None
        await staff_repo.set_active(session, account, True, cfg.now())
    return redirect(f"{PREFIX}/accounts?done=activated")


@page("accounts")
async def reset_password(request: web.Request) -> web.StreamResponse:
    cfg = config(request)
    target = await _target(request)
    if isinstance(target, web.Response):
        return target
    temporary = passwords.temporary_password()
    password_hash = await passwords.hash_password(temporary)
    async with cfg.runtime.db.write() as session:
        account = await staff_repo.get_account(session, target.id)
        assert account is not None
        await staff_repo.set_password(
            session, account, password_hash, must_change=True, now=cfg.now()
        )
    return _secret_page(request, target, temporary, created=False)


@page("accounts")
async def revoke_sessions(request: web.Request) -> web.StreamResponse:
    cfg = config(request)
    target = await _target(request)
    if isinstance(target, web.Response):
        return target
    async with cfg.runtime.db.write() as session:
        await staff_repo.revoke_sessions(session, target.id, cfg.now())
    return redirect(f"{PREFIX}/accounts?done=revoked")


@page("accounts")
async def revoke_token(request: web.Request) -> web.StreamResponse:
    """Revoke one API token of an account (the accounts page lists them with their names)."""
    cfg = config(request)
    target = await _target(request)
    if isinstance(target, web.Response):
        return target
    token_id = parse_id(request.match_info["token_id"])
    if token_id is None:
        return error_page(
            request, 400, "Không hợp lệ", "Mã số của mã API phải là số nguyên dương."
        )
    async with cfg.runtime.db.write() as session:
        revoked = await staff_repo.revoke_token(session, target.id, token_id, cfg.now())
    if not revoked:
        return error_page(
            request, 404, "Không tìm thấy", "Tài khoản này không có mã API đang dùng với mã số đó."
        )
    return redirect(f"{PREFIX}/accounts?done=token_revoked")


@page("accounts")
async def set_email(request: web.Request) -> web.StreamResponse:
    """Where this account's reminders and weekly digest go (empty: none)."""
    found = await _target(request)
    if isinstance(found, web.Response):
        return found
    try:
        email = clean_email(request["form"].get("email", "")[:300])
    except ValueError as err:
        ctx = await _list_context(request)
        ctx.update(errors=[str(err)])
        return render(request, "accounts.html", ctx, status=400)
    runtime = config(request).runtime
    async with runtime.db.write() as session:
        await staff_repo.set_email(session, found.id, email)
    return redirect(f"{PREFIX}/accounts?done=email")
