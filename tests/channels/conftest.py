"""Fixtures for the channel tests: fake platforms and a running app per channel and mode."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from tests.channels.fake_telegram import FakeTelegram
from tests.channels.fake_zalo import FakeZalo
from tests.channels.harness import (
    TelegramBot,
    ZaloOA,
    make_runtime,
    serve,
    telegram_env,
    zalo_env,
)

STAFF_CHAT = "-1001234567890"


@pytest.fixture
async def fake_telegram() -> AsyncIterator[FakeTelegram]:
    fake = await FakeTelegram().start()
    try:
        yield fake
    finally:
        await fake.close()


@pytest.fixture
async def fake_zalo() -> AsyncIterator[FakeZalo]:
    fake = await FakeZalo().start()
    try:
        yield fake
    finally:
        await fake.close()


@pytest.fixture
async def telegram(db_url: str, clock: Any, content: Any, fake_telegram: FakeTelegram):
    """A bot in webhook mode (production), with a staff group for new-petition notices."""
    runtime = await make_runtime(
        db_url,
        clock,
        content,
        **telegram_env(fake_telegram, webhook=True, TELEGRAM_STAFF_CHAT_ID=STAFF_CHAT),
    )
    try:
        async with serve(runtime) as client:
            bot = TelegramBot(runtime, client, fake_telegram)
            await bot.ready()
            yield bot
    finally:
        await runtime.close()


@pytest.fixture
async def zalo(db_url: str, clock: Any, content: Any, fake_zalo: FakeZalo):
    """An OA whose first token pair came from the configuration."""
    env = zalo_env(fake_zalo, fake_zalo.issue_pair())
    runtime = await make_runtime(db_url, clock, content, **env)
    try:
        async with serve(runtime) as client:
            yield ZaloOA(runtime, client, fake_zalo)
    finally:
        await runtime.close()
