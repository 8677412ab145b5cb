"""Every documented Zalo error code, against the fake OA: window, quota, configuration, retry."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
from sqlalchemy import select

from bot.channels.zalo_status import classify
from handlers.outgoing import NoticeTarget
from storage.models import OutboxMessage
from tests.channels.harness import flush, outbox_row, queue

USER = "5500000000000000002"
STAFF = NoticeTarget("telegram", "-100777")


async def _notices(runtime) -> list[OutboxMessage]:
    async with runtime.db.read() as session:
        rows = await session.execute(
            select(OutboxMessage).where(OutboxMessage.recipient == STAFF.recipient)
        )
        return list(rows.scalars())


def test_every_documented_code_has_its_class() -> None:
    assert {c: classify(c) for c in (-209, -212, -221, -223, -224)} == dict.fromkeys(
        (-209, -212, -221, -223, -224), "config"
    )
    assert {classify(c) for c in (-211, -218)} == {"quota"}
    assert {classify(c) for c in (-213, -217, -227, -230, -232, -234, -244)} == {"window"}
    assert {classify(c) for c in (-32, -100)} == {"retry"}
    assert classify(-201) == "failed"


@pytest.mark.parametrize("code", [-217, -227, -234, -244])
async def test_the_other_window_codes_defer(zalo, code) -> None:
    zalo.fake.fail_send(code)
    message_id = await queue(zalo.runtime, "zalo", USER, f"tin {code}")
    await flush(zalo.runtime)
    row = await outbox_row(zalo.runtime, message_id)
    assert row.status == "deferred" and str(code) in row.last_error


async def test_minus_100_is_retried(zalo, clock) -> None:
    zalo.fake.fail_send(-100)
    message_id = await queue(zalo.runtime, "zalo", USER, "tin")
    await flush(zalo.runtime)
    assert (await outbox_row(zalo.runtime, message_id)).status == "pending"
    clock.advance(seconds=30)
    await flush(zalo.runtime)
    assert (await outbox_row(zalo.runtime, message_id)).status == "sent"


async def test_a_configuration_error_degrades_pauses_and_alerts_once(zalo, clock) -> None:
    runtime = zalo.runtime
    runtime.services.staff_notices.append(STAFF)
    health = await zalo.client.get("/healthz")
    assert (await health.json())["channels"]["zalo"] == "ok"
    zalo.fake.always_fail = -224
    ids = [await queue(runtime, "zalo", f"55000000000000001{i}", f"tin {i}") for i in range(5)]
    await flush(runtime)
    body = await (await zalo.client.get("/healthz")).json()
    assert body["status"] == "ok" and body["channels"]["zalo"] == "degraded"
    assert body["details"]["zalo"]["config_error"] == -224
    calls = len(zalo.fake.send_calls)
    assert calls == 5  # the first batch was already claimed; from now on nothing is tried
    rows = [await outbox_row(runtime, i) for i in ids]
    assert {r.status for r in rows} == {"pending"} and all(r.attempts == 0 for r in rows)
    clock.advance(seconds=120)
    await queue(runtime, "zalo", USER, "tin mới")
    await flush(runtime)
    assert len(zalo.fake.send_calls) == calls  # paused: Zalo is not asked at all
    clock.advance(minutes=11)
    await flush(runtime)  # after the pause one probe per row goes out, still refused
    assert (await (await zalo.client.get("/healthz")).json())["channels"]["zalo"] == "degraded"
    [alert] = await _notices(runtime)  # alerted once only
    assert "-224" in alert.body["text"] and "tạm dừng" in alert.body["text"]
    zalo.fake.always_fail = None
    clock.advance(minutes=11)
    await flush(runtime)
    assert {(await outbox_row(runtime, i)).status for i in ids} == {"sent"}
    assert (await (await zalo.client.get("/healthz")).json())["channels"]["zalo"] == "ok"


async def test_quota_errors_wait_long_and_alert(zalo, clock) -> None:
    runtime = zalo.runtime
    runtime.services.staff_notices.append(STAFF)
    zalo.fake.fail_send(-211, times=2)
    first = await queue(runtime, "zalo", USER, "tin 1")
    await flush(runtime)
    row = await outbox_row(runtime, first)
    assert row.status == "pending" and row.next_attempt_at >= clock.now + dt.timedelta(minutes=59)
    clock.advance(minutes=61)
    await flush(runtime)
    assert len(await _notices(runtime)) == 1
    clock.advance(hours=3)
    await flush(runtime)
    assert (await outbox_row(runtime, first)).status == "sent"


async def test_quota_fields_are_logged_not_the_content(zalo, caplog) -> None:
    caplog.set_level(logging.INFO)
    await queue(zalo.runtime, "zalo", USER, "Nội dung riêng tư 0912345678")
    await flush(zalo.runtime)
    assert "hạn mức reply còn 7" in caplog.text
    assert "0912345678" not in caplog.text and "riêng tư" not in caplog.text


async def test_the_oa_is_probed_at_start_and_reported(zalo) -> None:
    body = await (await zalo.client.get("/healthz")).json()
    assert body["details"]["zalo"]["oa"] == {
        "reachable": True,
        "verified": True,
        "package": "Gói Nâng cao",
        "error": None,
    }
