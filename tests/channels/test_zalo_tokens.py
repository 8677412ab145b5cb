"""The Zalo token pair in the database: seeding, rotation, restarts, one refresher at a time."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging

from sqlalchemy import select

from storage import credentials
from storage.models import ChannelCredential
from tests.channels import fake_zalo as zl
from tests.channels.harness import (
    ZaloOA,
    flush,
    make_runtime,
    outbox_row,
    queue,
    serve,
    zalo_env,
)

USER = "6600000000000000001"


async def _stored(runtime) -> credentials.TokenPair | None:
    async with runtime.db.read() as session:
        return await credentials.read_tokens(session, runtime.services.commune_id, "zalo")


async def test_the_configured_pair_seeds_the_database_once(db_url, clock, content, fake_zalo):
    first = fake_zalo.issue_pair()
    env = zalo_env(fake_zalo, first)
    runtime = await make_runtime(db_url, clock, content, **env)
    try:
        async with serve(runtime):
            stored = await _stored(runtime)
            assert (stored.access_token, stored.refresh_token) == first
            assert stored.expires_at is None  # unknown: the first periodic check refreshes
            await runtime.zalo.tokens.refresh_if_due()
            rotated = await _stored(runtime)
            assert rotated.refresh_token != first[1]
            assert rotated.expires_at == clock.now + dt.timedelta(seconds=90000)
        async with runtime.db.read() as session:
            rows = (await session.execute(select(ChannelCredential))).scalars().all()
        # the seed fingerprint row never holds a token
        assert all(first[1] not in (r.refresh_token or "") for r in rows if r.channel != "zalo")
    finally:
        await runtime.close()


async def test_rotation_survives_a_restart(db_url, clock, content, fake_zalo) -> None:
    configured = fake_zalo.issue_pair()
    env = zalo_env(fake_zalo, configured)
    first = await make_runtime(db_url, clock, content, **env)
    try:
        async with serve(first):
            fake_zalo.expire_access_tokens()
            await queue(first, "zalo", USER, "trước khi khởi động lại")
            await flush(first)  # -216 → refresh → resend
            assert fake_zalo.refresh_calls == 1
    finally:
        await first.close()
    assert configured[1] in fake_zalo.spent_refresh_tokens

    # a restart with the same (now spent) pair in the environment
    second = await make_runtime(db_url, clock, content, **env)
    try:
        async with serve(second):
            stored = await _stored(second)
            assert stored.refresh_token != configured[1]  # the stored rotated pair wins
            await queue(second, "zalo", USER, "sau khi khởi động lại")
            await flush(second)
            fake_zalo.expire_access_tokens()
            third = await queue(second, "zalo", USER, "sau khi hết hạn")
            await flush(second)
            assert (await outbox_row(second, third)).status == "sent"
    finally:
        await second.close()
    assert [m["text"] for m in fake_zalo.to(USER)] == [
        "trước khi khởi động lại",
        "sau khi khởi động lại",
        "sau khi hết hạn",
    ]
    assert fake_zalo.refresh_calls == 2  # never with a spent token: every refresh succeeded


async def test_a_newly_configured_pair_is_adopted_after_reauthorisation(
    db_url, clock, content, fake_zalo
) -> None:
    old = fake_zalo.issue_pair()
    runtime = await make_runtime(db_url, clock, content, **zalo_env(fake_zalo, old))
    async with serve(runtime):
        pass
    await runtime.close()
    fresh = fake_zalo.issue_pair()  # the IT officer authorised the app again
    runtime = await make_runtime(db_url, clock, content, **zalo_env(fake_zalo, fresh))
    try:
        async with serve(runtime):
            stored = await _stored(runtime)
            assert (stored.access_token, stored.refresh_token) == fresh
    finally:
        await runtime.close()


async def test_concurrent_refreshers_refresh_once(db_url, clock, content, fake_zalo) -> None:
    env = zalo_env(fake_zalo, fake_zalo.issue_pair())
    fake_zalo.refresh_delay = 0.3  # a slow OAuth server widens the race
    one = await make_runtime(db_url, clock, content, **env)
    two = await make_runtime(db_url, clock, content, **env)  # a second process, same database
    try:
        async with serve(one), serve(two):
            stale = (await _stored(one)).access_token
            tokens = [one.zalo.tokens, two.zalo.tokens]
            results = await asyncio.gather(
                *(t.refresh(stale=stale) for t in tokens for _ in range(3))
            )
            assert fake_zalo.refresh_calls == 1
            assert len(set(results)) == 1 and results[0] != stale
            assert results[0] in fake_zalo.access_tokens
            assert (await _stored(two)).access_token == results[0]
    finally:
        await one.close()
        await two.close()


async def test_many_sends_with_an_expired_token_refresh_once(zalo) -> None:
    zalo.fake.expire_access_tokens()
    users = [f"66000000000000001{i:02d}" for i in range(8)]
    for user in users:
        await queue(zalo.runtime, "zalo", user, "thông báo")
    await flush(zalo.runtime)
    assert zalo.fake.refresh_calls == 1
    assert all(zalo.fake.to(user) for user in users)


async def test_proactive_refresh_only_near_expiry(zalo, clock) -> None:
    tokens = zalo.runtime.zalo.tokens
    await tokens.refresh_if_due()  # expiry unknown after seeding: refreshed
    assert zalo.fake.refresh_calls == 1
    clock.advance(hours=20)
    await tokens.refresh_if_due()  # 5 h left
    assert zalo.fake.refresh_calls == 1
    clock.advance(hours=4, minutes=30)
    await tokens.refresh_if_due()  # 30 min left
    assert zalo.fake.refresh_calls == 2


async def test_a_failed_refresh_is_loud_and_degrades_health(zalo, clock, caplog) -> None:
    caplog.set_level(logging.INFO)
    runtime = zalo.runtime
    before = await _stored(runtime)
    zalo.fake.refresh_failure = {
        "error": -14014,
        "error_name": "Invalid refresh token",
        "error_description": "Refresh token is invalid",
    }
    zalo.fake.expire_access_tokens()
    message_id = await queue(runtime, "zalo", USER, "chờ token")
    await flush(runtime)
    row = await outbox_row(runtime, message_id)
    assert row.status == "pending" and "làm mới token thất bại" in row.last_error
    health = await (await zalo.client.get("/healthz")).json()
    assert health["status"] == "ok" and health["channels"]["zalo"] == "degraded"
    assert "KHÔNG làm mới được token OA" in caplog.text
    assert before.refresh_token not in caplog.text and before.access_token not in caplog.text
    stored = await _stored(runtime)
    assert stored.refresh_token == before.refresh_token  # kept for a later attempt
    assert stored.refresh_failed_at == clock.now

    # the cause is fixed; the next attempt after a pause succeeds and delivers
    zalo.fake.refresh_failure = None
    clock.advance(minutes=6)
    await flush(runtime)
    assert (await outbox_row(runtime, message_id)).status == "sent"
    health = await (await zalo.client.get("/healthz")).json()
    assert health["channels"]["zalo"] == "ok"


async def test_without_any_token_the_channel_is_degraded_not_broken(
    db_url, clock, content, fake_zalo
) -> None:
    runtime = await make_runtime(db_url, clock, content, **zalo_env(fake_zalo))
    try:
        async with serve(runtime) as client:
            oa = ZaloOA(runtime, client, fake_zalo)
            response = await oa.post(zl.message_event("user_send_text", USER, text="menu"))
            assert response.status == 200  # accepted and answered into the outbox
            await flush(runtime)
            assert fake_zalo.send_calls == []
            health = await (await client.get("/healthz")).json()
            assert health["channels"]["zalo"] == "degraded"
    finally:
        await runtime.close()


async def test_first_authorisation_from_the_command_line(
    db_url, clock, content, fake_zalo, tmp_path
) -> None:
    from urllib.parse import parse_qs, urlsplit

    from bot.channels.zalo_auth import consent_link, exchange
    from tests.conftest import make_settings

    stale_pair = ("acc-old-left-in-env", "ref-old-left-in-env")
    settings = make_settings(db_url, **zalo_env(fake_zalo, stale_pair))
    state = tmp_path / "zalo-oauth.json"
    link = consent_link(settings, "https://xa.example.vn/zalo-callback", state)
    query = parse_qs(urlsplit(link).query)
    assert link.startswith(fake_zalo.url + "/v4/oa/permission?")
    assert query["app_id"] == [fake_zalo.app_id]
    assert query["redirect_uri"] == ["https://xa.example.vn/zalo-callback"]
    code = fake_zalo.issue_code(query["code_challenge"][0])  # the administrator consents
    line = await exchange(settings, code, state)
    assert "Đã lưu cặp token Zalo" in line and "acc-" not in line and "ref-" not in line
    assert not state.exists()

    runtime = await make_runtime(db_url, clock, content, **zalo_env(fake_zalo, stale_pair))
    try:
        async with serve(runtime):  # the old pair still in .env is not adopted over the new one
            await queue(runtime, "zalo", USER, "xin chào từ cặp token đầu tiên")
            await flush(runtime)
    finally:
        await runtime.close()
    assert [m["text"] for m in fake_zalo.to(USER)] == ["xin chào từ cặp token đầu tiên"]
