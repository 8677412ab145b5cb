"""Fixtures for the hand-off and the knowledge editor: the real app on the test database, a
web-chat client, and staff API clients with their own tokens."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestClient, TestServer

from tests.helpers import WebChat
from tests.staff.conftest import agents, server  # noqa: F401 - fixtures shared with the dashboard
from tests.staff.helpers import make_account, make_token


class StaffApi:
    """One staff account's calls to the JSON API (its bearer token)."""

    def __init__(self, app_server: TestServer, token: str, account: Any) -> None:
        self.server = app_server
        self.account = account
        self.headers = {"Authorization": f"Bearer {token}"}
        self.session = aiohttp.ClientSession()

    async def call(self, method: str, path: str, body: Any = None, **kw: Any) -> tuple[int, Any]:
        if body is not None:
            kw["json"] = body
        async with self.session.request(
            method, self.server.make_url(path), headers=self.headers, **kw
        ) as response:
            return response.status, await response.json()

    async def get(self, path: str, **params: str) -> tuple[int, Any]:
        return await self.call("GET", path, params=params)

    async def post(self, path: str, body: Any = None, **kw: Any) -> tuple[int, Any]:
        return await self.call("POST", path, body, **kw)

    async def put(self, path: str, body: Any = None, **kw: Any) -> tuple[int, Any]:
        return await self.call("PUT", path, body, **kw)

    async def close(self) -> None:
        await self.session.close()


@pytest.fixture
async def client(server: TestServer) -> AsyncIterator[TestClient]:  # noqa: F811
    test_client = TestClient(server)
    await test_client.start_server()
    try:
        yield test_client
    finally:
        await test_client.close()


@pytest.fixture
def citizen(client: TestClient) -> Any:
    """``citizen("name")`` is a web-chat user with a 128-bit-looking id of its own."""

    def make(name: str) -> WebChat:
        return WebChat(client, user_id=f"{name}-{'0123456789abcdef' * 2}"[:40])

    return make


@pytest.fixture
async def staff_api(runtime: Any, server: TestServer) -> AsyncIterator[Any]:  # noqa: F811
    opened: list[StaffApi] = []

    async def factory(role: str = "digital_team", **fields: Any) -> StaffApi:
        account = await make_account(runtime, role, **fields)
        api = StaffApi(server, await make_token(runtime, account.id), account)
        opened.append(api)
        return api

    yield factory
    for api in opened:
        await api.close()
