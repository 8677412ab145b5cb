"""Security tests reuse the dashboard's test server; ``chat_client`` talks to the same server."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from tests.staff.conftest import agents, server  # noqa: F401


class ServerClient:
    """The two calls ``tests.helpers.WebChat`` makes, against an already running server."""

    def __init__(self, test_server: TestServer) -> None:
        self.server = test_server
        self.session = aiohttp.ClientSession()

    async def post(self, path: str, **kw: Any) -> aiohttp.ClientResponse:
        return await self.session.post(self.server.make_url(path), **kw)

    async def get(self, path: str, **kw: Any) -> aiohttp.ClientResponse:
        return await self.session.get(self.server.make_url(path), **kw)


@pytest.fixture
async def chat_client(server: TestServer) -> AsyncIterator[ServerClient]:  # noqa: F811
    client = ServerClient(server)
    try:
        yield client
    finally:
        await client.session.close()
