"""Remember how many parts of a split message already went out, so a retry never repeats them.

A reply longer than the platform's limit (or with more buttons than Zalo shows) leaves as several
platform messages. If part 2 fails after part 1 arrived, the outbox row is retried; without this
note the citizen would get part 1 twice. The count lives in the row's own body (``_parts_sent``,
ignored by everything that reads replies) so any process that retries the row sees it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from storage.db import Database
from storage.models import OutboxMessage

PARTS_SENT = "_parts_sent"


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
