"""The delivery worker: backoff, retry_after, permanent failures, blocked users, deferral."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from bot.delivery import SendResult
from handlers.types import Inbound
from storage.models import ChannelIdentity, OutboxMessage


class ScriptedSender:
    """Answers each send attempt with the next scripted result (then success)."""

    channel = "telegram"

    def __init__(self, *results: SendResult) -> None:
        self.results = list(results)
        self.sent: list[tuple[int, str]] = []
        self.attempts = 0

    async def send(self, message) -> SendResult:
        self.attempts += 1
        result = self.results.pop(0) if self.results else SendResult.ok()
        if result.outcome == "sent":
            self.sent.append((message.id, message.body["text"]))
        return result


async def _row(runtime, message_id: int) -> OutboxMessage:
    async with runtime.db.read() as session:
        return (
            await session.execute(select(OutboxMessage).where(OutboxMessage.id == message_id))
        ).scalar_one()


async def _one_reply(runtime, text: str = "/help", user: str = "7") -> int:
    await runtime.engine.handle(Inbound(channel="telegram", user_key=user, text=text))
    async with runtime.db.read() as session:
        return (
            (await session.execute(select(OutboxMessage.id).order_by(OutboxMessage.id.desc())))
            .scalars()
            .first()
        )


async def test_transient_errors_back_off_exponentially_then_succeed(runtime, clock) -> None:
    sender = ScriptedSender(SendResult.retry("HTTP 502"), SendResult.retry("HTTP 503"))
    runtime.add_sender(sender)
    message_id = await _one_reply(runtime)
    t0 = clock.now

    assert await runtime.worker.run_once() == 1
    row = await _row(runtime, message_id)
    assert (row.status, row.attempts, row.last_error) == ("pending", 1, "HTTP 502")
    assert row.next_attempt_at == t0 + dt.timedelta(seconds=2)

    assert await runtime.worker.run_once() == 0  # not due yet: nothing is sent early
    clock.advance(seconds=2)
    assert await runtime.worker.run_once() == 1
    row = await _row(runtime, message_id)
    assert row.next_attempt_at == clock.now + dt.timedelta(seconds=4)

    clock.advance(seconds=4)
    assert await runtime.worker.run_once() == 1
    row = await _row(runtime, message_id)
    assert row.status == "sent" and row.attempts == 3
    assert [m for m, _ in sender.sent] == [message_id]


async def test_retry_after_from_the_platform_is_honoured(runtime, clock) -> None:
    runtime.add_sender(ScriptedSender(SendResult.retry("429 Too Many Requests", retry_after=37)))
    message_id = await _one_reply(runtime)
    await runtime.worker.run_once()
    row = await _row(runtime, message_id)
    assert row.next_attempt_at == clock.now + dt.timedelta(seconds=37)


async def test_gives_up_after_max_attempts(runtime, clock) -> None:
    runtime.worker.max_attempts = 3
    runtime.add_sender(ScriptedSender(*[SendResult.retry("timeout")] * 5))
    message_id = await _one_reply(runtime)
    for _ in range(3):
        await runtime.worker.run_once()
        clock.advance(hours=1)
    row = await _row(runtime, message_id)
    assert (row.status, row.attempts) == ("failed", 3)


async def test_a_permanent_error_is_recorded_without_retry(runtime) -> None:
    sender = ScriptedSender(SendResult.failed("400 Bad Request: chat not found"))
    runtime.add_sender(sender)
    message_id = await _one_reply(runtime)
    await runtime.worker.run_once()
    row = await _row(runtime, message_id)
    assert row.status == "failed" and "chat not found" in row.last_error
    assert sender.attempts == 1


async def test_a_blocked_user_is_marked_inactive_until_they_write(runtime) -> None:
    runtime.add_sender(ScriptedSender(SendResult.blocked("403 Forbidden: bot was blocked")))
    await _one_reply(runtime, user="99")
    await runtime.worker.run_once()
    async with runtime.db.read() as session:
        identity = (await session.execute(select(ChannelIdentity))).scalar_one()
    assert identity.active is False and identity.blocked_at is not None
    await runtime.engine.handle(Inbound(channel="telegram", user_key="99", text="xin chào"))
    async with runtime.db.read() as session:
        identity = (await session.execute(select(ChannelIdentity))).scalar_one()
    assert identity.active is True


async def test_deferred_message_is_sent_before_the_next_reply(runtime) -> None:
    sender = ScriptedSender(SendResult.deferred("-230 user not interacted in 7 days"))
    runtime.add_sender(sender)
    first_id = await _one_reply(runtime, text="/help", user="5")
    await runtime.worker.run_once()
    assert (await _row(runtime, first_id)).status == "deferred"
    assert await runtime.worker.run_once() == 0  # deferred rows wait for the citizen

    await runtime.engine.handle(Inbound(channel="telegram", user_key="5", text="xin chào"))
    while await runtime.worker.run_once():
        pass
    sent_ids = [m for m, _ in sender.sent]
    assert sent_ids[0] == first_id  # the old message first, then the reply to "xin chào"
    assert len(sent_ids) == 2


async def test_a_paused_channel_keeps_messages_without_using_up_attempts(runtime, clock) -> None:
    """An expired platform authorisation needs a person; the message must outlive the wait."""
    runtime.worker.max_attempts = 3
    pauses = [SendResult.paused("no usable token", retry_after=300)] * 6
    sender = ScriptedSender(*pauses)
    runtime.add_sender(sender)
    message_id = await _one_reply(runtime)
    for _ in range(6):
        assert await runtime.worker.run_once() == 1
        row = await _row(runtime, message_id)
        assert (row.status, row.attempts) == ("pending", 0)
        assert row.next_attempt_at == clock.now + dt.timedelta(seconds=300)
        clock.advance(seconds=300)
    await runtime.worker.run_once()
    row = await _row(runtime, message_id)
    assert row.status == "sent"
    assert [m for m, _ in sender.sent] == [message_id]
