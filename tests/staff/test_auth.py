"""Signing in: the first admin, sessions, cookies, CSRF, lockout, revocation, headers."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestServer
from sqlalchemy import func, select

from bot.app import create_app
from bot.staff import passwords
from bot.staff.auth import SESSION_COOKIE
from storage.models import PetitionEvent, StaffAccount, StaffSession
from tests.staff.helpers import (
    CSRF_RE,
    PASSWORD,
    Agent,
    make_account,
    make_petition,
    make_token,
    petition_row,
    signed_in,
)

TEMPLATES = Path(__file__).resolve().parents[2] / "bot" / "staff" / "templates"


async def _start(runtime: Any) -> TestServer:
    server = TestServer(create_app(runtime, run_background=False))
    await server.start_server()
    return server


async def test_first_start_creates_one_admin_who_must_change_the_password(
    runtime: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    server = await _start(runtime)
    agent = Agent(server)
    try:
        printed = capsys.readouterr().out
        found = re.search(r"Tên đăng nhập: (\S+)\n\s+Mật khẩu dùng một lần: (\S+)", printed)
        assert found, printed
        username, one_time = found.groups()
        assert username == "admin"

        # A second start finds the admin and prints nothing.
        second = await _start(runtime)
        await second.close()
        assert "Mật khẩu dùng một lần" not in capsys.readouterr().out
        async with runtime.db.read() as session:
            admins = await session.scalar(
                select(func.count(StaffAccount.id)).where(StaffAccount.role == "admin")
            )
        assert admins == 1

        response = await agent.login(username, one_time)
        assert response.status == 303
        assert response.headers["Location"] == "/staff/password"
        inbox = await agent.get("/staff/petitions")
        assert inbox.status == 302 and inbox.headers["Location"] == "/staff/password"
        page = await agent.get("/staff/password")
        assert "mật khẩu tạm thời" in agent.last_html
        token = CSRF_RE.search(agent.last_html).group(1)  # type: ignore[union-attr]

        weak = await agent.post(
            "/staff/password",
            {"_csrf": token, "current": one_time, "new": "12345678", "confirm": "12345678"},
        )
        assert weak.status == 400 and "ít nhất 10 ký tự" in agent.last_html
        mismatch = await agent.post(
            "/staff/password",
            {"_csrf": token, "current": one_time, "new": PASSWORD, "confirm": PASSWORD + "x"},
        )
        assert mismatch.status == 400 and "không khớp" in agent.last_html
        done = await agent.post(
            "/staff/password",
            {"_csrf": token, "current": one_time, "new": PASSWORD, "confirm": PASSWORD},
        )
        assert done.status == 303
        page = await agent.get("/staff/petitions")
        assert page.status == 200
        async with runtime.db.read() as session:
            admin = (
                await session.execute(select(StaffAccount).where(StaffAccount.username == "admin"))
            ).scalar_one()
        assert admin.must_change_password is False
        assert admin.password_hash.startswith("$argon2id$")
        assert one_time not in admin.password_hash

        stale = Agent(server)
        refused = await stale.login("admin", one_time)
        assert refused.status == 401 and "không đúng" in stale.last_html
        await stale.close()
    finally:
        await agent.close()
        await server.close()


async def test_session_cookie_flags_and_a_new_session_at_each_sign_in(
    runtime: Any, server: TestServer
) -> None:
    account = await make_account(runtime, "office")
    agent = Agent(server)
    try:
        response = await agent.login(account.username)
        cookie = response.cookies[SESSION_COOKIE]
        assert cookie["httponly"] is True
        assert cookie["samesite"] == "Lax"
        assert cookie["path"] == "/staff"
        assert not cookie["secure"]  # plain http on 127.0.0.1
        first = cookie.value

        again = await agent.login(account.username)
        second = again.cookies[SESSION_COOKIE].value
        assert second != first
        async with runtime.db.read() as session:
            rows = (await session.execute(select(StaffSession))).scalars().all()
        by_id = {row.id: row for row in rows}
        # Only hashes are stored; the previous session of this browser was revoked.
        assert passwords.sha256_hex(first) in by_id and first not in by_id
        assert by_id[passwords.sha256_hex(first)].revoked_at is not None
        assert by_id[passwords.sha256_hex(second)].revoked_at is None

        behind_proxy = Agent(server)
        page = await behind_proxy.get("/staff/login", headers={"X-Forwarded-Proto": "https"})
        token = CSRF_RE.search(behind_proxy.last_html).group(1)  # type: ignore[union-attr]
        login_cookie = page.cookies["xabot_login_csrf"]
        assert login_cookie["secure"] is True
        # The test client speaks plain http, so it would not send a Secure cookie: the proxy's
        # https leg is simulated by sending it explicitly.
        secure = await behind_proxy.post(
            "/staff/login",
            {"_csrf": token, "username": account.username, "password": PASSWORD},
            headers={"X-Forwarded-Proto": "https"},
            cookies={"xabot_login_csrf": login_cookie.value},
        )
        assert page.status == 200 and secure.status == 303
        assert secure.cookies[SESSION_COOKIE]["secure"] is True
        await behind_proxy.close()
    finally:
        await agent.close()


async def test_logout_is_a_post_and_ends_the_session(runtime: Any, server: TestServer) -> None:
    account = await make_account(runtime, "office")
    agent = await signed_in(server, account.username)
    try:
        cookie = agent.session.cookie_jar.filter_cookies(agent.url("/staff/"))[SESSION_COOKIE]
        assert (await agent.get("/staff/logout")).status == 405
        token = await agent.csrf()
        response = await agent.post("/staff/logout", {"_csrf": token})
        assert response.status == 303 and response.headers["Location"] == "/staff/login?bye=1"

        # Replaying the old cookie does not get in.
        replay = Agent(server)
        replay.session.cookie_jar.update_cookies({SESSION_COOKIE: cookie.value}, agent.url("/"))
        page = await replay.get("/staff/petitions")
        assert page.status == 302 and page.headers["Location"].startswith("/staff/login")
        await replay.close()
    finally:
        await agent.close()


async def test_sessions_expire_when_idle_and_after_the_absolute_limit(
    runtime: Any, server: TestServer, clock: Any
) -> None:
    account = await make_account(runtime, "office")
    agent = await signed_in(server, account.username)
    try:
        clock.advance(minutes=59)
        assert (await agent.get("/staff/petitions")).status == 200
        clock.advance(minutes=61)  # idle for more than 60 minutes
        page = await agent.get("/staff/petitions")
        assert page.status == 302
        assert page.headers["Location"] == "/staff/login?next=%2Fstaff%2Fpetitions"

        await agent.login(account.username)
        served = 0
        for _ in range(20):  # active every 55 minutes, but 12 hours is the limit
            clock.advance(minutes=55)
            if (await agent.get("/staff/petitions")).status != 200:
                break
            served += 1
        assert served == 13  # 13 × 55 min < 12 h < 14 × 55 min
    finally:
        await agent.close()


async def test_lockout_after_five_failures_without_revealing_accounts(
    runtime: Any, server: TestServer, clock: Any
) -> None:
    account = await make_account(runtime, "office")
    agent = Agent(server)
    try:
        texts = []
        for _ in range(4):
            response = await agent.login(account.username, "sai mật khẩu rồi")
            assert response.status == 401
            texts.append(agent.last_html)
        unknown = await agent.login("khongcoai", "sai mật khẩu rồi")
        assert unknown.status == 401
        # The same words whether or not the account exists.
        assert "Tên đăng nhập hoặc mật khẩu không đúng." in texts[0]
        assert "Tên đăng nhập hoặc mật khẩu không đúng." in agent.last_html

        fifth = await agent.login(account.username, "sai mật khẩu rồi")
        assert fifth.status == 429 and "tạm khoá" in agent.last_html
        # Locked: even the right password is refused, and nothing reveals it was right.
        right = await agent.login(account.username, PASSWORD)
        assert right.status == 429 and "tạm khoá" in agent.last_html
        for _ in range(5):
            await agent.login("khongcoai", "x")
        assert "tạm khoá" in agent.last_html  # unknown names lock the same way

        clock.advance(minutes=16)
        after = await agent.login(account.username, PASSWORD)
        assert after.status == 303
    finally:
        await agent.close()


async def test_forged_or_missing_csrf_changes_nothing(runtime: Any, server: TestServer) -> None:
    account = await make_account(runtime, "office")
    code = await make_petition(runtime)
    agent = await signed_in(server, account.username)
    try:
        before = await petition_row(runtime, code)
        forged = await agent.form(
            f"/staff/petitions/{code}/action",
            {"action": "screen", "version": str(before.version)},
            csrf="forged-token-from-another-site",
        )
        assert forged.status == 403
        assert "mã bảo vệ không khớp" in agent.last_html
        missing = await agent.post(
            f"/staff/petitions/{code}/action", {"action": "screen", "version": "1"}
        )
        assert missing.status == 403
        after = await petition_row(runtime, code)
        assert after.status == "received" and after.version == before.version
        assert len(after.events) == len(before.events)

        # The login form carries its own token (double-submit cookie).
        other = Agent(server)
        no_token = await other.post(
            "/staff/login", {"username": account.username, "password": PASSWORD}
        )
        assert no_token.status == 403 and "hết hạn" in other.last_html
        assert SESSION_COOKIE not in no_token.cookies
        await other.close()
    finally:
        await agent.close()


async def test_deactivating_an_account_ends_its_sessions_and_tokens(
    runtime: Any, server: TestServer
) -> None:
    admin = await make_account(runtime, "admin")
    member = await make_account(runtime, "office")
    token = await make_token(runtime, member.id)
    boss = await signed_in(server, admin.username)
    worker = await signed_in(server, member.username)
    try:
        api = await worker.session.get(
            worker.url("/staff/api/petitions"), headers={"Authorization": f"Bearer {token}"}
        )
        assert api.status == 200
        response = await boss.form(f"/staff/accounts/{member.id}/deactivate", {})
        assert response.status == 303
        page = await worker.get("/staff/petitions")
        assert page.status == 302
        api = await worker.session.get(
            worker.url("/staff/api/petitions"), headers={"Authorization": f"Bearer {token}"}
        )
        assert api.status == 401
        refused = await worker.login(member.username)
        assert refused.status == 401

        # The last active admin cannot lock themself out, nor can the last admin be locked.
        self_lock = await boss.form(f"/staff/accounts/{admin.id}/deactivate", {})
        assert self_lock.status == 400
    finally:
        await boss.close()
        await worker.close()


async def test_reset_password_gives_a_one_time_password_and_revokes_sessions(
    runtime: Any, server: TestServer
) -> None:
    admin = await make_account(runtime, "admin")
    member = await make_account(runtime, "committee", committee="vh-xh")
    boss = await signed_in(server, admin.username)
    worker = await signed_in(server, member.username)
    try:
        response = await boss.form(f"/staff/accounts/{member.id}/reset-password", {})
        assert response.status == 200
        temporary = re.search(r"data-temporary-password>([^<]+)<", boss.last_html).group(1)
        assert (await worker.get("/staff/petitions")).status == 302
        assert (await worker.login(member.username)).status == 401  # old password gone
        fresh = await worker.login(member.username, temporary)
        assert fresh.headers["Location"] == "/staff/password"
    finally:
        await boss.close()
        await worker.close()


async def test_pages_have_a_strict_csp_no_store_and_escape_citizen_text(
    runtime: Any, server: TestServer
) -> None:
    account = await make_account(runtime, "office")
    code = await make_petition(
        runtime, content='Đường hỏng <script>alert("x")</script> <b>gấp</b>'
    )
    agent = await signed_in(server, account.username)
    try:
        for path in ("/staff/login", "/staff/petitions", f"/staff/petitions/{code}"):
            response = await agent.get(path)
            csp = response.headers["Content-Security-Policy"]
            assert "script-src 'self'" in csp and "unsafe-inline" not in csp
            assert "frame-ancestors 'none'" in csp
            assert response.headers["Cache-Control"] == "no-store"
            assert re.search(r"<script(?![^>]*\bsrc=)", agent.last_html) is None
        assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in agent.last_html
        assert "<b>gấp</b>" not in agent.last_html
    finally:
        await agent.close()


def test_templates_have_no_inline_script_style_or_handlers() -> None:
    for template in TEMPLATES.glob("*.html"):
        text = template.read_text(encoding="utf-8")
        assert re.search(r"<script(?![^>]*\bsrc=)", text) is None, template.name
        assert " style=" not in text and "<style" not in text, template.name
        assert re.search(r"\son[a-z]+=", text) is None, template.name
        assert "|safe" not in text, template.name


async def test_login_never_redirects_off_the_dashboard(runtime: Any, server: TestServer) -> None:
    account = await make_account(runtime, "office")
    agent = Agent(server)
    try:
        await agent.get("/staff/login?next=//evil.example/phish")
        token = CSRF_RE.search(agent.last_html).group(1)  # type: ignore[union-attr]
        response = await agent.post(
            "/staff/login",
            {
                "_csrf": token,
                "username": account.username,
                "password": PASSWORD,
                "next": "//evil.example/phish",
            },
        )
        assert response.headers["Location"] == "/staff/petitions"
        good = Agent(server)
        await good.get("/staff/login")
        token = CSRF_RE.search(good.last_html).group(1)  # type: ignore[union-attr]
        response = await good.post(
            "/staff/login",
            {
                "_csrf": token,
                "username": account.username,
                "password": PASSWORD,
                "next": "/staff/reports",
            },
        )
        assert response.headers["Location"] == "/staff/reports"
        await good.close()
    finally:
        await agent.close()


async def test_a_denied_action_leaves_no_trace(runtime: Any, server: TestServer) -> None:
    viewer = await make_account(runtime, "viewer")
    code = await make_petition(runtime)
    agent = await signed_in(server, viewer.username)
    try:
        token = await agent.csrf()
        response = await agent.post(
            f"/staff/petitions/{code}/action",
            {"_csrf": token, "action": "screen", "version": "1"},
        )
        assert response.status == 403
        async with runtime.db.read() as session:
            events = await session.scalar(select(func.count(PetitionEvent.id)))
        assert events == 1  # only the 'create' event
    finally:
        await agent.close()


async def test_the_password_form_cannot_be_used_to_guess_the_password(
    runtime: Any, server: TestServer
) -> None:
    account = await make_account(runtime, "office")
    agent = await signed_in(server, account.username)
    try:
        token = await agent.csrf()
        for _ in range(5):
            wrong = await agent.post(
                "/staff/password",
                {"_csrf": token, "current": "đoán thử", "new": "x" * 12, "confirm": "x" * 12},
            )
            assert wrong.status == 400 and "hiện tại không đúng" in agent.last_html
        locked = await agent.post(
            "/staff/password",
            {
                "_csrf": token,
                "current": PASSWORD,
                "new": "Mưa rào tháng Sáu",
                "confirm": "Mưa rào tháng Sáu",
            },
        )
        assert locked.status == 429 and "tạm khoá" in agent.last_html
    finally:
        await agent.close()
