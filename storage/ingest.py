"""The stored-event queue: webhook events in (many per INSERT), claimed in order per citizen.

``store_events`` inserts a group of events in one ``INSERT … ON CONFLICT DO NOTHING`` and says
which were new: a platform's redelivery of an event still queued is dropped here, one already
processed by the engine's own UNIQUE inbound key. ``claim_events`` leases the oldest event of
each citizen whose earlier events are all finished (``FOR UPDATE SKIP LOCKED`` on PostgreSQL,
so several processes share the queue); an expired lease — its process died — makes the event
claimable again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, delete, exists, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from storage.models import WebhookEvent

PENDING, WORKING, DONE, FAILED = "pending", "working", "done", "failed"


@dataclass(frozen=True)
class NewEvent:
    """An event as a webhook received it."""

    commune_id: str
    channel: str
    external_id: str
    user_key: str
    payload: str


@dataclass(frozen=True)
class ClaimedEvent:
    """A leased event, detached from its session."""

    id: int
    channel: str
    external_id: str
    payload: str
    attempts: int


async def store_events(
    session: AsyncSession, events: Sequence[NewEvent], now: dt.datetime
) -> set[tuple[str, str]]:
    """Insert the events in one statement; the (channel, external_id) of those that were new."""
    if not events:
        return set()
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    module = postgresql if dialect == "postgresql" else sqlite
    rows: list[dict[str, Any]] = [
        {
            "commune_id": e.commune_id,
            "channel": e.channel,
            "external_id": e.external_id,
            "user_key": e.user_key,
            "payload": e.payload,
            "status": PENDING,
            "attempts": 0,
            "received_at": now,
            "next_attempt_at": now,
        }
        for e in events
    ]
    table = WebhookEvent.__table__
    # One cached statement executed with the list of rows: SQLAlchemy sends it as a single
    # multi-row INSERT ("insertmanyvalues") without compiling a new statement per group size.
    stmt = (
        module.insert(table)
        .on_conflict_do_nothing(index_elements=["channel", "external_id"])
        .returning(table.c.channel, table.c.external_id)
    )
    return {(c, x) for c, x in (await session.execute(stmt, rows)).all()}


async def claim_events(
    session: AsyncSession,
    now: dt.datetime,
    lease: dt.timedelta,
    limit: int,
    channels: Sequence[str],
) -> list[ClaimedEvent]:
    """Lease up to ``limit`` due events, at most one per citizen, the oldest first."""
    await session.execute(
        update(WebhookEvent)
        .where(WebhookEvent.status == WORKING, WebhookEvent.lease_until < now)
        .values(status=PENDING, lease_until=None)
    )
    earlier = aliased(WebhookEvent)
    blocked = exists().where(
        and_(
            earlier.channel == WebhookEvent.channel,
            earlier.user_key == WebhookEvent.user_key,
            earlier.id < WebhookEvent.id,
            earlier.status.in_((PENDING, WORKING)),
        )
    )
    stmt = (
        select(WebhookEvent)
        .where(
            WebhookEvent.status == PENDING,
            WebhookEvent.next_attempt_at <= now,
            WebhookEvent.channel.in_(list(channels)),
            ~blocked,
        )
        .order_by(WebhookEvent.id)
        .limit(limit)
        .with_for_update(skip_locked=True, of=WebhookEvent)
    )
    claimed = []
    for row in (await session.execute(stmt)).scalars().all():
        row.status = WORKING
        row.lease_until = now + lease
        row.attempts += 1
        claimed.append(
            ClaimedEvent(row.id, row.channel, row.external_id, row.payload, row.attempts)
        )
    return claimed


async def finish_event(session: AsyncSession, event_id: int) -> None:
    """Processed: the engine holds what it needs; the row stays, without the citizen's words, as
    the key that drops a redelivery of the same event."""
    await session.execute(
        update(WebhookEvent)
        .where(WebhookEvent.id == event_id)
        .values(status=DONE, payload="", lease_until=None)
    )


async def retry_event(session: AsyncSession, event_id: int, at: dt.datetime, error: str) -> None:
    await session.execute(
        update(WebhookEvent)
        .where(WebhookEvent.id == event_id)
        .values(status=PENDING, next_attempt_at=at, lease_until=None, last_error=error[:200])
    )


async def fail_event(session: AsyncSession, event_id: int, error: str) -> None:
    """Given up: kept (without its content) so the failure can be counted, and out of the way
    of the citizen's later events."""
    await session.execute(
        update(WebhookEvent)
        .where(WebhookEvent.id == event_id)
        .values(status=FAILED, payload="", lease_until=None, last_error=error[:200])
    )


async def prune_events(session: AsyncSession, older_than: dt.datetime) -> int:
    """Forget finished events older than the platforms' redelivery horizon."""
    result = await session.execute(
        delete(WebhookEvent).where(
            WebhookEvent.status.in_((DONE, FAILED)), WebhookEvent.received_at < older_than
        )
    )
    return result.rowcount or 0
