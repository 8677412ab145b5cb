"""Staff API tokens: revoked with the password (changed or reset), expiring (90 days by
default), named, and listed and revoked by an admin on the accounts page."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import aiohttp
from aiohttp.test_utils import TestServer

from storage import staff as staff_repo
from tests.staff.helpers import PASSWORD, make_account, make_token, signed_in

NEW_PASSWORD = "Mùa gặt năm nay được mùa lắm"


async def _status(server: TestServer, token: str) -> int:
    async with aiohttp.ClientSession(headers={"Authorization": f"Bearer {token}"}) as session:
        response = await session.get(server.make_url("/staff/api/petitions"))
        return response.status


async def test_changing_the_password_revokes_the_accounts_tokens(
    runtime: Any, server: TestServer
) -> None:
    account = await make_account(runtime, "office")
    token = await make_token(runtime, account.id)
    assert await _status(server, token) == 200
    agent = await signed_in(server, account.username)
    try:
        response = await agent.form(
            "/staff/password", {"current": PASSWORD, "new": NEW_PASSWORD, "confirm": NEW_PASSWORD}
        )
        assert response.status in (302, 303), agent.last_html[:300]
    finally:
        await agent.close()
    assert await _status(server, token) == 401


async def test_an_admin_reset_revokes_the_tokens(runtime: Any, server: TestServer) -> None:
    admin = await make_account(runtime, "admin")
    member = await make_account(runtime, "office")
    token = await make_token(runtime, member.id)
    agent = await signed_in(server, admin.username)
    try:
        response = await agent.form(f"/staff/accounts/{member.id}/reset-password", {})
        assert response.status == 200
    finally:
        await agent.close()
    assert await _status(server, token) == 401


async def test_tokens_expire_after_90_days_by_default(runtime: Any, server: TestServer) -> None:
    account = await make_account(runtime, "office")
    token = await make_token(runtime, account.id)
    async with runtime.db.read() as session:
        row = (await staff_repo.list_tokens(session, account.id))[0]
    assert row.expires_at - row.created_at == dt.timedelta(days=90)
    assert runtime.settings.staff_api_token_days == 90
    async with runtime.db.write() as session:
        from sqlalchemy import update

        from storage.models import ApiToken

        await session.execute(
            update(ApiToken)
            .where(ApiToken.id == row.id)
            .values(expires_at=runtime.clock() - dt.timedelta(seconds=1))
        )
    assert await _status(server, token) == 401


async def test_admin_lists_named_tokens_and_revokes_one(runtime: Any, server: TestServer) -> None:
    admin = await make_account(runtime, "admin")
    member = await make_account(runtime, "office")
    kept = await make_token(runtime, member.id)
    doomed = await make_token(runtime, member.id)
    async with runtime.db.write() as session:
        rows = await staff_repo.list_tokens(session, member.id)
        rows[0].label = "Bảng tổng hợp Excel"  # the newest: ``doomed``
    agent = await signed_in(server, admin.username)
    try:
        await agent.get("/staff/accounts")
        assert "Bảng tổng hợp Excel" in agent.last_html and "Đang dùng" in agent.last_html
        form = re.search(
            rf'action="(/staff/accounts/{member.id}/tokens/{rows[0].id}/revoke)"', agent.last_html
        )
        assert form, agent.last_html[-2000:]
        response = await agent.form(form.group(1), {})
        assert response.status == 303
        assert (await agent.get("/staff/accounts?done=token_revoked")).status == 200
        assert "Đã thu hồi" in agent.last_html
        again = await agent.form(form.group(1), {})
        assert again.status == 404
        other = await make_account(runtime, "viewer")
        foreign = await agent.form(f"/staff/accounts/{other.id}/tokens/{rows[0].id}/revoke", {})
        assert foreign.status == 404
    finally:
        await agent.close()
    assert await _status(server, doomed) == 401
    assert await _status(server, kept) == 200
