"""Fixtures for the dashboard: a real aiohttp server on the test database, and its agents."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp.test_utils import TestServer

from bot.app import create_app
from tests.staff.helpers import Agent


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
async def agents(server: TestServer) -> AsyncIterator[list[Agent]]:
    """Close every agent a test opens (append to the list)."""
    opened: list[Agent] = []
    yield opened
    for agent in opened:
        await agent.close()
