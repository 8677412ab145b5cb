"""Inbound events: the record that makes a redelivered webhook harmless."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import InboundEvent


async def record_inbound(
    session: AsyncSession,
    commune_id: str,
    channel: str,
    external_id: str,
    now: dt.datetime,
    *,
    identity_id: int | None = None,
) -> int | None:
    """Record a received message (with its sender, when known: no second statement); None when
    (channel, external_id) was seen before."""
    values = {
        "commune_id": commune_id,
        "channel": channel,
        "external_id": external_id,
        "identity_id": identity_id,
        "received_at": now,
    }
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    result = await session.execute(_RECORD[dialect], values)
    return result.scalar_one_or_none()


def _record(module: Any) -> Any:
    table = InboundEvent.__table__
    return (
        module.insert(table)
        .values({name: bindparam(name) for name in _COLUMNS})
        .on_conflict_do_nothing(index_elements=["channel", "external_id"])
        .returning(table.c.id)
    )


# Built once per database (every message records its event): no statement to build per call.
_COLUMNS = ("commune_id", "channel", "external_id", "identity_id", "received_at")
_RECORD = {"sqlite": _record(sqlite), "postgresql": _record(postgresql)}


async def find_inbound(session: AsyncSession, channel: str, external_id: str) -> int | None:
    """The id of an already recorded event."""
    stmt = select(InboundEvent.id).where(
        InboundEvent.channel == channel, InboundEvent.external_id == external_id
    )
    return (await session.execute(stmt)).scalar_one_or_none()


async def set_inbound_identity(session: AsyncSession, event_id: int, identity_id: int) -> None:
    """Link a just-recorded event to its sender (one UPDATE: the row was inserted, not loaded)."""
    await session.execute(
        update(InboundEvent).where(InboundEvent.id == event_id).values(identity_id=identity_id)
    )


async def prune_inbound(session: AsyncSession, older_than: dt.datetime) -> int:
    """Forget events older than the platforms' redelivery horizon."""
    result = await session.execute(
        delete(InboundEvent).where(InboundEvent.received_at < older_than)
    )
    return result.rowcount or 0
