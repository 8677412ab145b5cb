"""Admission control: a bounded number of messages in the engine, 503 + Retry-After at once
beyond it, a short pool timeout, and a pool of its own for /healthz and the delivery worker."""

from __future__ import annotations

import asyncio
import contextlib
import time

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.admission import Admission, Saturated
from bot.app import create_app
from bot.config import ConfigError, load_settings

USER = "u" * 22


@pytest.fixture
async def client(runtime):
    async with TestClient(TestServer(create_app(runtime, run_background=False))) as test_client:
        yield test_client


def _chat(text: str = "xin chào") -> dict[str, str]:
    return {"user_id": USER, "text": text}


async def _assert_busy(response) -> None:
    assert response.status == 503
    assert response.headers["Retry-After"].isdigit()
    body = await response.json()
    assert "bận" in body["error"] and body["retry_after"] == int(response.headers["Retry-After"])


async def test_a_saturated_engine_answers_503_with_retry_after_at_once(runtime, client) -> None:
    runtime.admission = Admission(2, max_waiting=0)
    async with runtime.admission.slot(), runtime.admission.slot():  # every slot is busy
        started = time.perf_counter()
        response = await client.post("/api/chat", json=_chat())
        assert time.perf_counter() - started < 0.5  # refused in milliseconds, not queued
        await _assert_busy(response)
    assert runtime.admission.refused == 1
    response = await client.post("/api/chat", json=_chat())  # a slot is free again
    assert response.status == 200 and (await response.json())["replies"]


async def test_a_short_wait_for_a_slot_is_admitted(runtime, client) -> None:
    runtime.admission = Admission(1, max_waiting=4, wait=2.0)
    held = asyncio.Event()

    async def hold() -> None:
        async with runtime.admission.slot():
            held.set()
            await asyncio.sleep(0.2)

    holder = asyncio.create_task(hold())
    await held.wait()
    response = await client.post("/api/chat", json=_chat())
    assert response.status == 200
    await holder


async def test_the_gate_bounds_how_many_are_inside() -> None:
    gate = Admission(3, max_waiting=100, wait=5)
    inside = peak = 0

    async def work() -> None:
        nonlocal inside, peak
        async with gate.slot():
            inside += 1
            peak = max(peak, inside)
            await asyncio.sleep(0.01)
            inside -= 1

    await asyncio.gather(*(work() for _ in range(30)))
    assert peak == 3 and gate.in_use == 0
    tight = Admission(1, max_waiting=0)
    async with tight.slot():
        with pytest.raises(Saturated):
            async with tight.slot():
                pass


async def test_no_pooled_connection_is_a_503_while_healthz_keeps_answering(
    runtime, client
) -> None:
    pool = runtime.db.engine.pool
    held = []
    with contextlib.suppress(Exception):
        for _ in range(pool.size() + pool._max_overflow):
            held.append(await runtime.db.engine.connect())
    try:
        started = time.perf_counter()
        health = await client.get("/healthz")
        assert health.status == 200 and time.perf_counter() - started < 1.0
        response = await client.post("/api/chat", json=_chat())
        elapsed = time.perf_counter() - started
        await _assert_busy(response)  # not a plain-text 500 after 30 s
        assert elapsed < 5.0
    finally:
        for conn in held:
            await conn.close()
    assert (await client.post("/api/chat", json=_chat())).status == 200


async def test_the_delivery_worker_has_its_own_pool(runtime) -> None:
    assert runtime.worker.db is runtime.service_db
    assert runtime.service_db.engine is not runtime.db.engine


def test_the_admitted_messages_stay_below_the_pool() -> None:
    settings = load_settings(env={}, dotenv=None)
    assert settings.max_concurrent_messages + 3 < settings.db_pool_size
    with pytest.raises(ConfigError) as info:
        load_settings(env={"DB_POOL_SIZE": "8", "MAX_CONCURRENT_MESSAGES": "6"}, dotenv=None)
    assert info.value.variable == "MAX_CONCURRENT_MESSAGES"
    ok = load_settings(env={"DB_POOL_SIZE": "20", "MAX_CONCURRENT_MESSAGES": "12"}, dotenv=None)
    assert (ok.db_pool_size, ok.max_concurrent_messages) == (20, 12)
