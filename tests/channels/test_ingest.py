"""Webhooks store the raw event and answer at once; the ingest worker processes stored events in
order per citizen, crash-safe (a lease), on any process."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import time

from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import func, select

from bot.app import create_app
from bot.runtime import build_runtime
from storage import ingest
from storage.ingest import NewEvent
from storage.models import InboundEvent, OutboxMessage, WebhookEvent
from tests.channels import fake_telegram as tg
from tests.channels import fake_zalo as zl
from tests.channels.fake_zalo_bot import FakeZaloBot, text_update
from tests.channels.harness import WEBHOOK_SECRET, flush, make_runtime, serve, zalo_env
from tests.conftest import make_settings

USER = "8309393969855402319"


async def _events(runtime) -> list[WebhookEvent]:
    async with runtime.db.read() as session:
        return list(
            (await session.execute(select(WebhookEvent).order_by(WebhookEvent.id))).scalars()
        )


async def _count(runtime, model) -> int:
    async with runtime.db.read() as session:
        return await session.scalar(select(func.count()).select_from(model))


async def _post_zalo(zalo, body):
    raw, headers = zl.encode(body)
    return await zalo.client.post("/webhook/zalo", data=raw, headers=headers)


async def test_a_zalo_event_is_stored_raw_acknowledged_then_processed(zalo) -> None:
    body = zl.message_event("user_send_text", USER, msg_id="m-store-1", text="menu")
    response = await _post_zalo(zalo, body)  # the request only: no worker has run
    assert response.status == 200 and (await response.json())["duplicate"] is False
    [event] = await _events(zalo.runtime)
    assert (event.channel, event.external_id, event.user_key) == ("zalo", "m-store-1", USER)
    assert event.status == "pending" and '"menu"' in event.payload
    assert await _count(zalo.runtime, InboundEvent) == 0  # the engine has not seen it yet
    assert await _count(zalo.runtime, OutboxMessage) == 0
    again = await _post_zalo(zalo, body)  # Zalo's redelivery while it waits: one INSERT, dropped
    assert (await again.json())["duplicate"] is True
    assert len(await _events(zalo.runtime)) == 1

    await flush(zalo.runtime)
    assert len(zalo.fake.to(USER)) == 1  # answered once
    [event] = await _events(zalo.runtime)
    assert (event.status, event.payload) == ("done", "")  # the citizen's words are not kept
    late = await _post_zalo(zalo, body)  # a redelivery after processing is still dropped
    assert (await late.json())["duplicate"] is True


async def test_events_of_one_citizen_are_processed_in_order(zalo) -> None:
    texts = ["menu", "xin chào", "lam can cuoc o dau"]
    for i, text in enumerate(texts):
        await _post_zalo(zalo, zl.message_event("user_send_text", USER, msg_id=f"o{i}", text=text))
    await _post_zalo(zalo, zl.message_event("user_send_text", "77000000000000000001", text="menu"))
    async with zalo.runtime.db.write() as session:
        claimed = await ingest.claim_events(
            session, zalo.runtime.clock(), dt.timedelta(seconds=30), 10, ["zalo"]
        )
    # one per citizen: the second and third of USER wait for the first to finish
    assert [e.external_id for e in claimed][:1] == ["o0"] and len(claimed) == 2
    async with zalo.runtime.db.write() as session:
        more = await ingest.claim_events(
            session, zalo.runtime.clock(), dt.timedelta(seconds=30), 10, ["zalo"]
        )
    assert more == []
    for event in claimed:
        await zalo.runtime.ingest._process(event)
    await flush(zalo.runtime)
    async with zalo.runtime.db.read() as session:
        order = (
            await session.execute(
                select(InboundEvent.external_id)
                .where(InboundEvent.external_id.in_(["o0", "o1", "o2"]))
                .order_by(InboundEvent.id)
            )
        ).scalars()
        assert list(order) == ["o0", "o1", "o2"]


async def test_an_event_claimed_by_a_process_that_died_is_taken_after_the_lease(
    zalo, clock
) -> None:
    body = zl.message_event("user_send_text", USER, msg_id="m-crash", text="menu")
    await _post_zalo(zalo, body)
    runtime = zalo.runtime
    async with runtime.db.write() as session:  # a process claims it, then is killed -9
        [claimed] = await ingest.claim_events(session, clock(), runtime.ingest.lease, 10, ["zalo"])
    assert await runtime.ingest.run_once() == 0  # leased: nobody else takes it yet
    # it had even committed the engine's transaction before dying
    await runtime.zalo.process(claimed)
    clock.advance(seconds=31)
    assert await runtime.ingest.run_once() == 1  # the lease expired: taken again
    await flush(runtime)
    assert len(zalo.fake.to(USER)) == 1  # and dropped by the engine as a redelivery
    assert [e.status for e in await _events(runtime)] == ["done"]


async def test_a_failing_event_is_retried_then_set_aside_without_its_content(
    zalo, clock, caplog
) -> None:
    runtime = zalo.runtime

    async def broken(event) -> None:
        raise RuntimeError("secret words 0912 345 678")

    runtime.ingest.processors["zalo"] = broken
    await _post_zalo(zalo, zl.message_event("user_send_text", USER, text="0912 345 678"))
    for _ in range(runtime.ingest.max_attempts):
        assert await runtime.ingest.run_once() == 1
        clock.advance(seconds=400)
    [event] = await _events(runtime)
    assert (event.status, event.payload, event.last_error) == ("failed", "", "RuntimeError")
    assert "0912" not in caplog.text
    runtime.ingest.processors["zalo"] = runtime.zalo.process  # later events are not blocked
    await _post_zalo(zalo, zl.message_event("user_send_text", USER, text="menu"))
    await flush(runtime)
    assert len(zalo.fake.to(USER)) == 1


async def test_a_signed_timestamp_far_in_the_future_is_refused(zalo) -> None:
    body = zl.message_event("user_send_text", USER, text="menu")
    body["timestamp"] = str(int((time.time() + 365 * 86400) * 1000))
    response = await _post_zalo(zalo, body)
    assert response.status == 403
    body["timestamp"] = str(int((time.time() + 60) * 1000))  # a minute of clock skew is fine
    assert (await _post_zalo(zalo, body)).status == 200
    assert len(await _events(zalo.runtime)) == 1


async def test_the_signature_must_cover_the_bodys_own_timestamp(zalo) -> None:
    body = zl.message_event("user_send_text", USER, text="menu")
    raw, _ = zl.encode(body)
    forged = {"X-ZEvent-Signature": zl.sign(raw, zl.APP_ID, "1")}  # signed with another time
    response = await zalo.client.post("/webhook/zalo", data=raw, headers=forged)
    assert response.status == 403
    assert await _events(zalo.runtime) == []


async def test_malformed_telegram_updates_with_the_secret_are_acknowledged(
    telegram, caplog
) -> None:
    caplog.set_level(logging.DEBUG)
    headers = {"X-Telegram-Bot-Api-Secret-Token": WEBHOOK_SECRET}
    text_object = tg.message_update(4242, text={"nested": "Nguyễn Văn Bốn 0912345678"})
    no_chat = tg.message_update(4242, text="Nguyễn Văn Bốn 0912345678")
    del no_chat["message"]["chat"]
    no_from = tg.message_update(4242, text="xin chào")
    no_from["message"]["from"] = "not a user"
    for update in (text_object, no_chat, no_from):
        response = await telegram.client.post("/webhook/telegram", json=update, headers=headers)
        assert response.status == 200, update
    assert await _events(telegram.runtime) == []
    assert "Traceback" not in caplog.text
    assert "0912345678" not in caplog.text and "Bốn" not in caplog.text
    assert "không đọc được" in caplog.text
    # a good update afterwards is stored and answered
    response = await telegram.client.post(
        "/webhook/telegram", json=tg.text_update(4242, "/start"), headers=headers
    )
    assert response.status == 200
    await flush(telegram.runtime)
    assert telegram.fake.sent_to(4242)


async def test_the_background_worker_answers_a_stored_event_on_its_own(
    db_url, clock, content, fake_zalo
) -> None:
    env = zalo_env(fake_zalo, fake_zalo.issue_pair())
    runtime = await build_runtime(
        make_settings(db_url, **env), clock=clock, migrate=False, content=content
    )
    try:
        async with TestClient(TestServer(create_app(runtime))) as client:
            raw, headers = zl.encode(zl.message_event("user_send_text", USER, text="menu"))
            started = time.perf_counter()
            response = await client.post("/webhook/zalo", data=raw, headers=headers)
            assert response.status == 200
            assert time.perf_counter() - started < 1.0
            for _ in range(200):
                if fake_zalo.to(USER):
                    break
                await asyncio.sleep(0.05)
            assert len(fake_zalo.to(USER)) == 1
    finally:
        await runtime.close()


async def test_two_processes_share_the_queue_without_processing_twice(
    db_url, clock, content, fake_zalo, zalo
) -> None:
    """A second runtime on the same database (another process) takes a share of the events."""
    other = await build_runtime(make_settings(db_url), clock=clock, migrate=False, content=content)
    try:
        other.ingest.processors["zalo"] = zalo.runtime.zalo.process
        users = [f"7700000000000000{i:04d}" for i in range(12)]
        for user in users:
            await _post_zalo(zalo, zl.message_event("user_send_text", user, text="menu"))
        zalo.runtime.ingest.batch_size = other.ingest.batch_size = 3
        counts = await asyncio.gather(zalo.runtime.ingest.run_once(), other.ingest.run_once())
        assert sum(counts) == 6 and all(counts)
        await flush(zalo.runtime)
        await other.ingest.drain()
        await flush(zalo.runtime)
        assert sorted(u for u in users if len(zalo.fake.to(u)) == 1) == sorted(users)
        assert {e.status for e in await _events(zalo.runtime)} == {"done"}
    finally:
        await other.close()


async def test_store_groups_concurrent_events_into_few_inserts(runtime) -> None:
    runtime.ingest.processors["zalo"] = lambda event: asyncio.sleep(0)
    events = [
        NewEvent(runtime.services.commune_id, "zalo", f"g{i}", f"u{i % 7}", "{}")
        for i in range(150)
    ]
    writes = 0
    original = ingest.store_events

    async def counting(session, batch, now):
        nonlocal writes
        writes += 1
        return await original(session, batch, now)

    ingest.store_events = counting
    try:
        results = await asyncio.gather(*(runtime.ingest.store(e) for e in [*events, events[0]]))
    finally:
        ingest.store_events = original
    assert results.count(True) == 150 and results.count(False) == 1
    assert writes <= 3
    assert len(await _events(runtime)) == 150


async def test_a_full_webhook_backlog_is_a_503(zalo) -> None:
    zalo.runtime.ingest.max_backlog = 0
    raw, headers = zl.encode(zl.message_event("user_send_text", "8400000000000000001", text="hi"))
    response = await zalo.client.post("/webhook/zalo", data=raw, headers=headers)
    assert response.status == 503 and response.headers["Retry-After"] == "2"
    assert "bận" in (await response.json())["error"]
    assert await _events(zalo.runtime) == []


async def test_a_zalo_bot_update_is_stored_then_answered(db_url, clock, content) -> None:
    fake = await FakeZaloBot().start()
    secret = "zalo-bot-secret-123"
    env = {
        "ZALO_BOT_TOKEN": fake.token,
        "ZALO_BOT_API_BASE_URL": fake.url,
        "ZALO_BOT_WEBHOOK_URL": "https://xa.example.vn/webhook/zalobot",
        "ZALO_BOT_WEBHOOK_SECRET": secret,
    }
    runtime = await make_runtime(db_url, clock, content, **env)
    try:
        async with serve(runtime) as client:
            update = text_update("b1f2c3d4e5", "menu", message_id="zb-1")
            headers = {"X-Bot-Api-Secret-Token": secret}
            for expected in (False, True):  # the platform's redelivery: one row
                response = await client.post("/webhook/zalobot", json=update, headers=headers)
                assert response.status == 200
                assert (await response.json())["duplicate"] is expected
            [event] = await _events(runtime)
            assert (event.channel, event.external_id, event.status) == (
                "zalobot",
                "zb-1",
                "pending",
            )
            assert fake.sent_to("b1f2c3d4e5") == []  # nothing is answered inside the request
            await flush(runtime)
            assert len(fake.sent_to("b1f2c3d4e5")) == 1
    finally:
        await runtime.close()
        await fake.close()
