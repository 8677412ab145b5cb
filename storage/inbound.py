"""Inbound events: the record that makes a redelivered webhook harmless."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import InboundEvent
from storage.upsert import insert_ignore


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
        "received_at": now,
    }
    if identity_id is not None:
        values["identity_id"] = identity_id
    return await insert_ignore(
        session,
        InboundEvent,
        values,
        ["channel", "external_id"],
    )


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
