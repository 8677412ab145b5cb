"""The replies to one message, added to the outbox in one Core INSERT (the hot path).

Every message's replies become outbox rows (a web reply already answered in the HTTP response is
stored as ``sent``: a redelivered message gets it back). Built as ORM objects they cost a unit of
work at the commit; here they are plain values inserted by one statement built once.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import bindparam, insert
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import OutboxMessage
from storage.outbox import PENDING, SENT

_OUTBOX = OutboxMessage.__table__
REPLY_COLUMNS = (
    "commune_id", "channel", "recipient", "identity_id", "inbound_event_id", "petition_id",
    "kind", "body", "status", "attempts", "next_attempt_at", "created_at", "sent_at",
)  # fmt: skip
# One row's INSERT, run once per row as an executemany (the session's, or asyncpg's on the
# driver path): one statement object, compiled once.
INSERT_REPLY = insert(_OUTBOX).values(
    {name: bindparam(name, type_=_OUTBOX.c[name].type) for name in REPLY_COLUMNS}
)


def reply_values(
    *,
    commune_id: str,
    channel: str,
    recipient: str,
    identity_id: int,
    body: dict[str, Any],
    now: dt.datetime,
    inline: bool,
    inbound_event_id: int | None,
) -> dict[str, Any]:
    """One reply row, as ``storage.outbox.new_message`` would make it (kind ``reply``)."""
    status = SENT if inline else PENDING
    return {
        "commune_id": commune_id,
        "channel": channel,
        "recipient": recipient,
        "identity_id": identity_id,
        "inbound_event_id": inbound_event_id,
        "petition_id": None,
        "kind": "reply",
        "body": body,
        "status": status,
        "attempts": 0,
        "next_attempt_at": now,
        "created_at": now,
        "sent_at": now if status == SENT else None,
    }


async def insert_replies(session: AsyncSession, rows: list[dict[str, Any]]) -> None:
    """Insert the rows in order (their ids ascend: they leave in the order they were said)."""
    if rows:
        await session.execute(INSERT_REPLY, rows)
