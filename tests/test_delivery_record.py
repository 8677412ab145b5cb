"""Each send's outcome is committed right after that send, so a crash re-sends only what was in
flight; a send that would outlive its lease is cut off."""

from __future__ import annotations

import asyncio
import datetime as dt

from sqlalchemy import select

from bot.delivery import DeliveryWorker, SendResult
from handlers.types import Inbound
from storage.models import OutboxMessage


async def _statuses(db, ids) -> dict[int, str]:
    async with db.read() as session:
        rows = await session.execute(
            select(OutboxMessage.id, OutboxMessage.status).where(OutboxMessage.id.in_(ids))
        )
        return dict(rows.all())


class SlowSecondSender:
    """Sends the first row at once; the second waits until told, seeing the first's status."""

    channel = "telegram"

    def __init__(self, db) -> None:
        self.db = db
        self.release = asyncio.Event()
        self.started: list[int] = []

    async def send(self, message) -> SendResult:
        self.started.append(message.id)
        if len(self.started) == 2:
            await self.release.wait()
        return SendResult.ok()


async def _queue_two(runtime) -> list[int]:
    for user in ("71", "72"):
        await runtime.engine.handle(Inbound(channel="telegram", user_key=user, text="/help"))
    async with runtime.db.read() as session:
        ids = (await session.execute(select(OutboxMessage.id).order_by(OutboxMessage.id))).all()
    return [i for (i,) in ids]


async def test_a_send_is_recorded_before_the_rest_of_the_batch_finishes(runtime) -> None:
    sender = SlowSecondSender(runtime.db)
    runtime.add_sender(sender)
    ids = await _queue_two(runtime)
    assert len(ids) >= 2
    batch = asyncio.create_task(runtime.worker.run_once())
    for _ in range(200):  # the first send has returned and the second is still on the wire
        statuses = await _statuses(runtime.db, ids)
        if len(sender.started) >= 2 and "sent" in statuses.values():
            break
        await asyncio.sleep(0.01)
    statuses = await _statuses(runtime.db, ids)
    # A kill -9 now would re-send only the row in flight: the other is already "sent".
    assert sorted(statuses.values()) == ["sending", "sent"]
    sender.release.set()
    assert await batch == 2
    assert set((await _statuses(runtime.db, ids)).values()) == {"sent"}


class HangingSender:
    channel = "telegram"

    async def send(self, message) -> SendResult:
        await asyncio.sleep(3600)
        return SendResult.ok()


async def test_a_send_longer_than_its_lease_is_abandoned_as_a_retry(runtime, clock) -> None:
    worker = DeliveryWorker(
        runtime.db, {"telegram": HangingSender()}, clock=clock, lease=dt.timedelta(seconds=6)
    )
    assert worker.send_timeout == 1.0  # the lease minus a 5 s margin
    ids = await _queue_two(runtime)
    assert await asyncio.wait_for(worker.run_once(), 10) == 2
    async with runtime.db.read() as session:
        rows = (
            await session.execute(select(OutboxMessage).where(OutboxMessage.id.in_(ids)))
        ).scalars()
        assert {(r.status, r.last_error, r.lease_until) for r in rows} == {
            ("pending", "timeout", None)
        }


def test_the_default_lease_is_short() -> None:
    worker = DeliveryWorker(None, {})  # type: ignore[arg-type]
    assert worker.lease == dt.timedelta(seconds=30)
