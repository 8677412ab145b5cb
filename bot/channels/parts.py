"""Sending one outbox row as several platform messages, and resuming where a retry left off.

A reply longer than the platform's limit (or with more buttons than Zalo shows) leaves as several
platform messages. If part 2 fails after part 1 arrived, the outbox row is retried; without a
note the citizen would get part 1 twice. The count lives in the row's own body (``_parts_sent``,
ignored by everything that reads replies) so any process that retries the row sees it. Every
sender uses ``send_parts``: one resume loop.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

from sqlalchemy import select

from bot.delivery import SendResult
from storage.db import Database
from storage.models import OutboxMessage
from storage.outbox import ClaimedMessage

PARTS_SENT = "_parts_sent"
P = TypeVar("P")


def parts_sent(body: dict[str, Any]) -> int:
    """How many parts of this row were delivered by earlier attempts."""
    try:
        return max(0, int(body.get(PARTS_SENT, 0)))
    except (TypeError, ValueError):
        return 0


async def remember_parts_sent(db: Database, message_id: int, count: int) -> None:
    """Store the delivered-part count on the outbox row (its own short transaction)."""
    async with db.write() as session:
        row = (
            await session.execute(select(OutboxMessage).where(OutboxMessage.id == message_id))
        ).scalar_one_or_none()
        if row is not None:
            row.body = {**(row.body or {}), PARTS_SENT: count}


async def send_parts(
    db: Database,
    message: ClaimedMessage,
    parts: Sequence[P],
    send_one: Callable[[P], Awaitable[SendResult]],
) -> SendResult:
    """Send the parts not delivered yet, in order; on a failure, note how far it got."""
    done = parts_sent(message.body)
    for index in range(done, len(parts)):
        result = await send_one(parts[index])
        if result.outcome != "sent":
            if index > done:
                await remember_parts_sent(db, message.id, index)
            return result
    return SendResult.ok()
