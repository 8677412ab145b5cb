"""Hostile or merely unusual input to the dashboard and the staff API: bounded, refused cleanly,
never a 500, never a file from outside the static folders."""

from __future__ import annotations

from typing import Any

import aiohttp
from aiohttp.test_utils import TestServer

from tests.staff.helpers import Agent, make_account, make_petition, make_token, signed_in


async def test_the_open_sign_in_form_does_not_buffer_megabytes(
    runtime: Any, server: TestServer
) -> None:
    agent = Agent(server)
    try:
        await agent.get("/staff/login")
        response = await agent.post(
            "/staff/login", {"username": "admin", "password": "x" * 200_000, "_csrf": "x"}
        )
        assert response.status == 400 and "không hợp lệ" in agent.last_html
        # A long Vietnamese passphrase still fits comfortably, its spaces kept as typed.
        passphrase = " Lúa chín vàng đồng " * 40
        account = await make_account(runtime, "office", password=passphrase)
        assert (await agent.login(account.username, passphrase.strip())).status == 401
        assert (await agent.login(account.username, passphrase)).status == 303
    finally:
        await agent.close()


async def test_a_json_bomb_to_the_staff_api_is_a_400(runtime: Any, server: TestServer) -> None:
    account = await make_account(runtime, "office")
    token = await make_token(runtime, account.id)
    code = await make_petition(runtime)
    async with aiohttp.ClientSession() as session:
        response = await session.post(
            server.make_url(f"/staff/api/petitions/{code}/events"),
            data=b"[" * 200_000,
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        )
        assert response.status == 400
        assert (await response.json())["code"] == "invalid"


async def test_a_member_with_a_long_full_name_can_file_for_a_citizen(
    runtime: Any, server: TestServer
) -> None:
    """The timeline's actor column holds 100 characters; PostgreSQL refused a longer label and
    the citizen's petition was lost with a 500."""
    long_name = "Nguyễn Thị Minh Khai — cán bộ Tổ công nghệ số cộng đồng thôn 3, phụ trách " * 2
    account = await make_account(runtime, "digital_team", full_name=long_name[:200])
    agent = await signed_in(server, account.username)
    try:
        response = await agent.form(
            "/staff/intake",
            {
                "intake_channel": "in_person",
                "content": "Đèn đường thôn 3 hỏng cả tháng nay, buổi tối rất tối",
                "category": "giao-thong",
            },
        )
        assert response.status == 303, agent.last_html[:300]
    finally:
        await agent.close()


async def test_static_routes_serve_nothing_outside_their_folders(server: TestServer) -> None:
    async with aiohttp.ClientSession() as session:
        for path in (
            "/static/../app.py",
            "/static/..%2fapp.py",
            "/static/%2e%2e/%2e%2e/pyproject.toml",
            "/staff/static/../auth.py",
            "/staff/static/..%2f..%2fconfig.py",
            "/staff/static/%2e%2e%2fpasswords.py",
            "/staff/static/",
        ):
            url = str(server.make_url("/")).rstrip("/") + path
            async with session.get(aiohttp.client.URL(url, encoded=True)) as response:
                body = await response.text()
                assert response.status in (403, 404), (path, response.status)
                assert "import" not in body and "argon2" not in body, path
