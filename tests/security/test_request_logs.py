"""No request content and no SQL parameters in any log, at any level, from the first line."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import pytest
from aiohttp.test_utils import TestServer
from sqlalchemy import text

from bot.__main__ import configure_logging
from bot.app import create_app

SECRET_ID = "wchat-SECRET-0123456789abcdef"


async def _raw(server: TestServer, data: bytes) -> bytes:
    reader, writer = await asyncio.open_connection(server.host, server.port)
    writer.write(data)
    await writer.drain()
    answer = await reader.read(200)
    writer.close()
    return answer


@pytest.mark.parametrize(
    "request_bytes",
    [
        b"GET /api/chat/messages?user_id="
        + SECRET_ID.encode()
        + b"x" * 9000
        + b" HTTP/1.1\r\n\r\n",
        b"GET /?user_id="
        + SECRET_ID.encode()
        + b" HTTP/1.1\r\nX-Big: "
        + b"y" * 9000
        + b"\r\n\r\n",
        SECRET_ID.encode() + b" / HTTP/1.1\r\nHost: x\r\n\r\nGET /" + SECRET_ID.encode() + b"\r\n",
    ],
)
async def test_a_malformed_request_is_logged_without_its_content(
    runtime: Any, caplog: pytest.LogCaptureFixture, request_bytes: bytes
) -> None:
    server = TestServer(create_app(runtime, run_background=False))
    await server.start_server()
    try:
        with caplog.at_level(logging.DEBUG):
            answer = await _raw(server, request_bytes)
            await asyncio.sleep(0.05)
    finally:
        await server.close()
    assert answer.startswith(b"HTTP/1.") and b" 500 " not in answer[:20]
    for record in caplog.records:
        assert SECRET_ID not in record.getMessage(), record.getMessage()
        assert record.exc_info is None or record.name != "aiohttp.server"
    assert SECRET_ID not in caplog.text


async def test_debug_logging_never_shows_sql_parameters(
    runtime: Any, caplog: pytest.LogCaptureFixture
) -> None:
    configure_logging("DEBUG")
    try:
        with caplog.at_level(logging.DEBUG):
            async with runtime.db.read() as session:
                await session.execute(text("SELECT :p AS p"), {"p": "0912345678-Nguyễn"})
        assert "0912345678" not in caplog.text
        assert logging.getLogger("sqlalchemy.engine").getEffectiveLevel() >= logging.WARNING
        assert logging.getLogger("aiosqlite").getEffectiveLevel() >= logging.INFO
        assert logging.getLogger("aiohttp.access").getEffectiveLevel() >= logging.WARNING
    finally:
        logging.getLogger().setLevel(logging.WARNING)
