"""The outbox: every message owed to someone, claimed and sent by the delivery worker.

Claiming follows DESIGN.md: several processes may share one PostgreSQL, so rows are claimed
with ``FOR UPDATE SKIP LOCKED`` and leased (status ``sending`` until ``lease_until``); a worker
that dies mid-send leaves a lease that expires and the row is sent again. Messages to one
recipient leave in order: a row is claimable only when no earlier row to the same recipient is
still pending or being sent.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, exists, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from storage.models import ChannelIdentity, OutboxMessage

PENDING, SENDING, SENT, FAILED, DEFERRED = "pending", "sending", "sent", "failed", "deferred"


@dataclass(frozen=True)
class ClaimedMessage:
    """A claimed outbox row, detached from its session, for an adapter to send."""

    id: int
    commune_id: str
    channel: str
    recipient: str
    identity_id: int | None
    kind: str
    body: dict[str, Any]
    attempts: int


def new_message(
    *,
    commune_id: str,
    channel: str,
    recipient: str,
    body: dict[str, Any],
    now: dt.datetime,
    identity_id: int | None = None,
    kind: str = "reply",
    status: str = PENDING,
    inbound_event_id: int | None = None,
    petition_id: int | None = None,
) -> OutboxMessage:
    """An outbox row ready to be added to a session."""
    return OutboxMessage(
        commune_id=commune_id,
        channel=channel,
        recipient=recipient,
        identity_id=identity_id,
        inbound_event_id=inbound_event_id,
        petition_id=petition_id,
        kind=kind,
        body=body,
        status=status,
        attempts=0,
        next_attempt_at=now,
        created_at=now,
        sent_at=now if status == SENT else None,
    )


async def requeue_deferred(session: AsyncSession, identity_id: int, now: dt.datetime) -> int:
    """Put messages the platform refused for now back in line; the citizen just wrote."""
    result = await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.identity_id == identity_id, OutboxMessage.status == DEFERRED)
        .values(status=PENDING, next_attempt_at=now, lease_until=None)
    )
    return result.rowcount or 0


async def delivered_ids(session: AsyncSession, ids: Sequence[int]) -> set[int]:
    """Which of these rows reached the platform (sent, or being sent)."""
    stmt = select(OutboxMessage.id).where(
        OutboxMessage.id.in_(list(ids)), OutboxMessage.status.in_((SENT, SENDING))
    )
    return set((await session.execute(stmt)).scalars().all())


async def replies_for_event(session: AsyncSession, event_id: int) -> Sequence[OutboxMessage]:
    """The replies produced for one inbound event (returned again on a redelivery)."""
    stmt = (
        select(OutboxMessage)
        .where(OutboxMessage.inbound_event_id == event_id, OutboxMessage.kind == "reply")
        .order_by(OutboxMessage.id)
    )
    return (await session.execute(stmt)).scalars().all()


async def claim_due(
    session: AsyncSession,
    now: dt.datetime,
    lease: dt.timedelta,
    limit: int = 20,
    channels: Sequence[str] | None = None,
) -> list[ClaimedMessage]:
    """Lease up to ``limit`` due rows, the oldest per recipient, for this worker to send."""
    # Rows whose lease expired (a worker died mid-send) are due again.
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.status == SENDING, OutboxMessage.lease_until < now)
        .values(status=PENDING, lease_until=None)
    )
    earlier = aliased(OutboxMessage)
    blocked = exists().where(
        and_(
            earlier.channel == OutboxMessage.channel,
            earlier.recipient == OutboxMessage.recipient,
            earlier.id < OutboxMessage.id,
            earlier.status.in_((PENDING, SENDING)),
        )
    )
    stmt = (
        select(OutboxMessage)
        .where(OutboxMessage.status == PENDING, OutboxMessage.next_attempt_at <= now, ~blocked)
        .order_by(OutboxMessage.id)
        .limit(limit)
        .with_for_update(skip_locked=True, of=OutboxMessage)
    )
    if channels is not None:
        stmt = stmt.where(OutboxMessage.channel.in_(list(channels)))
    rows = (await session.execute(stmt)).scalars().all()
    claimed = []
    for row in rows:
        row.status = SENDING
        row.lease_until = now + lease
        row.attempts += 1
        claimed.append(
            ClaimedMessage(
                id=row.id,
                commune_id=row.commune_id,
                channel=row.channel,
                recipient=row.recipient,
                identity_id=row.identity_id,
                kind=row.kind,
                body=dict(row.body),
                attempts=row.attempts,
            )
        )
    return claimed


async def mark_sent(session: AsyncSession, message_id: int, now: dt.datetime) -> None:
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id)
        .values(status=SENT, sent_at=now, lease_until=None, last_error=None)
    )


async def mark_retry(
    session: AsyncSession,
    message_id: int,
    next_attempt_at: dt.datetime,
    error: str,
    *,
    refund_attempt: bool = False,
) -> None:
    """Due again at ``next_attempt_at``; a refunded attempt does not count towards giving up."""
    extra = {"attempts": OutboxMessage.attempts - 1} if refund_attempt else {}
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id)
        .values(
            **extra,
            status=PENDING,
            next_attempt_at=next_attempt_at,
            lease_until=None,
            last_error=error[:500],
        )
    )


async def mark_deferred(session: AsyncSession, message_id: int, error: str) -> None:
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id)
        .values(status=DEFERRED, lease_until=None, last_error=error[:500])
    )


async def mark_failed(session: AsyncSession, message_id: int, error: str) -> None:
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id)
        .values(status=FAILED, lease_until=None, last_error=error[:500])
    )


async def mark_identity_blocked(session: AsyncSession, identity_id: int, now: dt.datetime) -> None:
    """The user blocked the bot: stop sending until they write again."""
    await session.execute(
        update(ChannelIdentity)
        .where(ChannelIdentity.id == identity_id)
        .values(active=False, blocked_at=now)
    )
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.identity_id == identity_id, OutboxMessage.status == PENDING)
        .values(status=FAILED, last_error="recipient blocked the bot")
    )


async def pushed_messages(
    session: AsyncSession,
    commune_id: str,
    channel: str,
    recipient: str,
    after: int,
    limit: int = 50,
) -> Sequence[OutboxMessage]:
    """Messages pushed later to one user (web chat polls these)."""
    stmt = (
        select(OutboxMessage)
        .where(
            OutboxMessage.commune_id == commune_id,
            OutboxMessage.channel == channel,
            OutboxMessage.recipient == recipient,
            OutboxMessage.kind == "push",
            OutboxMessage.id > after,
        )
        .order_by(OutboxMessage.id)
        .limit(limit)
    )
    return (await session.execute(stmt)).scalars().all()
