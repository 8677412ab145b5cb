"""The stored-event queue: webhook events in (many per INSERT), claimed in order per citizen.

``store_events`` inserts a group of events in one ``INSERT … ON CONFLICT DO NOTHING`` and says
which were new: a platform's redelivery of an event still queued is dropped here, one already
processed by the engine's own UNIQUE inbound key. ``EventWriter`` runs it: on PostgreSQL over
two connections of its own in autocommit, one statement of fixed text whatever the group's size
(``unnest`` of five arrays: prepared once per connection), so a group is one round trip — no
pool pre-ping, BEGIN or COMMIT, and no wait behind the engine's or the worker's transactions for
a connection; on SQLite in the database's ordinary write transaction (one writer at a time
whatever the pool). ``claim_events`` leases the oldest event of
each citizen whose earlier events are all finished (``FOR UPDATE SKIP LOCKED`` on PostgreSQL,
so several processes share the queue); an expired lease — its process died — makes the event
claimable again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, delete, exists, select, text, update
from sqlalchemy.dialects import sqlite
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, create_async_engine
from sqlalchemy.orm import aliased

from storage.db import Database
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


_TABLE = WebhookEvent.__table__
# The same text for every group: asyncpg prepares it once per connection (an INSERT … VALUES of
# N rows would be a new statement, parsed and planned by the server, for every group size).
PG_STORE = text(
    f"INSERT INTO {_TABLE.name} (commune_id, channel, external_id, user_key, payload, status,"
    " attempts, received_at, next_attempt_at)"
    " SELECT c, ch, x, u, p, :status, 0, :now, :now FROM unnest("
    " CAST(:communes AS varchar[]), CAST(:channels AS varchar[]), CAST(:keys AS varchar[]),"
    " CAST(:users AS varchar[]), CAST(:payloads AS text[])) AS t(c, ch, x, u, p)"
    " ON CONFLICT (channel, external_id) DO NOTHING RETURNING channel, external_id"
)
# SQLite: one cached statement executed with the list of rows; SQLAlchemy sends it as a single
# multi-row INSERT ("insertmanyvalues") without compiling a new statement per group size.
SQLITE_STORE = (
    sqlite.insert(_TABLE)
    .on_conflict_do_nothing(index_elements=["channel", "external_id"])
    .returning(_TABLE.c.channel, _TABLE.c.external_id)
)


async def store_events(
    executor: AsyncSession | AsyncConnection, events: Sequence[NewEvent], now: dt.datetime
) -> set[tuple[str, str]]:
    """Insert the events in one statement; the (channel, external_id) of those that were new."""
    if not events:
        return set()
    bind = executor.get_bind() if isinstance(executor, AsyncSession) else executor
    if bind.dialect.name == "postgresql":
        result = await executor.execute(
            PG_STORE,
            {
                "status": PENDING,
                "now": now,
                "communes": [e.commune_id for e in events],
                "channels": [e.channel for e in events],
                "keys": [e.external_id for e in events],
                "users": [e.user_key for e in events],
                "payloads": [e.payload for e in events],
            },
        )
    else:
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
        result = await executor.execute(SQLITE_STORE, rows)
    return {(c, x) for c, x in result.all()}


class EventWriter:
    """Where the webhooks' groups of events are written (see the module's docstring)."""

    def __init__(self, db: Database, connections: int = 2) -> None:
        self.db = db
        self.engine: AsyncEngine | None = None
        if not db.is_sqlite:
            # Connections of its own, never pre-pinged: a connection the server dropped fails
            # one attempt, is discarded by the pool, and the group is written again on a new one.
            self.engine = create_async_engine(
                db.url,
                pool_size=connections,
                max_overflow=0,
                pool_timeout=5,
                isolation_level="AUTOCOMMIT",
                hide_parameters=True,
            )

    async def write(self, events: Sequence[NewEvent], now: dt.datetime) -> set[tuple[str, str]]:
        """Commit the events (one statement, atomic); the keys of those that were new."""
        if self.engine is None:
            async with self.db.write() as session:
                return await store_events(session, events, now)
        try:
            async with self.engine.connect() as conn:
                return await store_events(conn, events, now)
        except DBAPIError as err:
            if not err.connection_invalidated:
                raise
        async with self.engine.connect() as conn:  # once more, on a fresh connection
            return await store_events(conn, events, now)

    async def close(self) -> None:
        if self.engine is not None:
            await self.engine.dispose()


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
