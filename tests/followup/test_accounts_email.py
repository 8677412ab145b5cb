"""Every account can have an e-mail address: ``staff add --email`` and the accounts page; an
unknown role or a malformed address is a clear message and creates nothing."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from aiohttp.test_utils import TestServer

from storage import staff as staff_repo
from tests.staff.helpers import CSRF_RE, make_account, signed_in
from tests.staff.test_cli_staff import PASSWORD, _cli


async def _account(db: str, username: str) -> Any:
    from storage.db import Database

    database = Database(db)
    try:
        async with database.read() as session:
            return await staff_repo.get_by_username(session, username)
    finally:
        await database.dispose()


async def test_staff_add_takes_an_email_and_refuses_bad_input(tmp_path: Path) -> None:
    db = f"sqlite+aiosqlite:///{tmp_path / 'fresh.db'}"

    def add(*args: str) -> Any:
        return _cli(db, "add", *args, "--password-stdin", stdin=PASSWORD + "\n")

    done = await asyncio.to_thread(
        add, "ban.ktns", "--role", "office", "--email", "KT@Xa.Example.vn"
    )
    assert done.returncode == 0, done.stderr
    assert (await _account(db, "ban.ktns")).email == "kt@xa.example.vn"
    for args, message in (
        (("x1", "--role", "chairman"), "không có vai trò «chairman»"),
        (("x2", "--role", "office", "--email", "khong-phai-dia-chi"), "không hợp lệ"),
        (("x3", "--role", "office", "--email", "a@b"), "không hợp lệ"),
    ):
        result = await asyncio.to_thread(add, *args)
        assert result.returncode in (1, 2) and message in result.stderr, result.stderr
        assert "Traceback" not in result.stderr
        assert await _account(db, args[0]) is None


async def test_the_accounts_page_sets_an_email(
    runtime: Any, server: TestServer, agents: list
) -> None:
    admin = await make_account(runtime, "admin")
    office = await make_account(runtime, "office")
    agent = await signed_in(server, admin.username)
    agents.append(agent)
    await agent.get("/staff/accounts")
    csrf = CSRF_RE.search(agent.last_html).group(1)  # type: ignore[union-attr]
    path = f"/staff/accounts/{office.id}/email"
    response = await agent.post(path, {"_csrf": csrf, "email": "vp@xa.example.vn"})
    assert response.status == 303
    response = await agent.post(path, {"_csrf": csrf, "email": "sai địa chỉ"})
    assert response.status == 400 and "không hợp lệ" in agent.last_html
    async with runtime.db.read() as session:
        assert (await staff_repo.get_account(session, office.id)).email == "vp@xa.example.vn"
    await agent.get("/staff/accounts")
    assert 'value="vp@xa.example.vn"' in agent.last_html
