"""Fixtures for the council cycle: a real aiohttp server and staff API clients per role."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from bot.app import create_app
from tests.staff.helpers import make_account, make_token


class Api:
    """A client of the staff API with one token."""

    def __init__(self, server: TestServer, token: str) -> None:
        self.server = server
        self.headers = {"Authorization": f"Bearer {token}"}
        self.session = aiohttp.ClientSession()

    async def call(
        self, method: str, path: str, body: Any = None, **headers: str
    ) -> tuple[int, Any]:
        async with self.session.request(
            method, self.server.make_url(path), json=body, headers={**self.headers, **headers}
        ) as response:
            if response.content_type == "application/json":
                return response.status, await response.json()
            return response.status, await response.read()

    async def close(self) -> None:
        await self.session.close()


@pytest.fixture
async def server(runtime: Any) -> AsyncIterator[TestServer]:
    app = create_app(runtime, run_background=False)
    test_server = TestServer(app)
    await test_server.start_server()
    try:
        yield test_server
    finally:
        await test_server.close()


@pytest.fixture
async def api_for(runtime: Any, server: TestServer) -> AsyncIterator[Any]:
    opened: list[Api] = []

    async def factory(role: str, committee: str | None = None) -> Api:
        account = await make_account(runtime, role, committee=committee)
        client = Api(server, await make_token(runtime, account.id))
        opened.append(client)
        return client

    yield factory
    for client in opened:
        await client.close()


@pytest.fixture
async def agents(server: TestServer) -> AsyncIterator[list[Any]]:
    """Close every dashboard agent a test opens (append to the list)."""
    opened: list[Any] = []
    yield opened
    for agent in opened:
        await agent.close()
