"""Conversation state: one row per identity, locked while a message is handled.

The lock serialises two messages from the same person that arrive together (PostgreSQL
``FOR UPDATE``; SQLite serialises every writer with ``BEGIN IMMEDIATE`` anyway), so no step's
update is lost.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import ConversationState
from storage.upsert import insert_ignore


async def lock_state(session: AsyncSession, identity_id: int) -> ConversationState:
    """The identity's state row, created if missing, locked until the transaction ends.

    Locked first and created only when missing: the row exists for every message but a first one.
    """
    stmt = (
        select(ConversationState)
        .where(ConversationState.identity_id == identity_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    state = (await session.execute(stmt)).scalar_one_or_none()
    if state is not None:
        return state
    await insert_ignore(
        session, ConversationState, {"identity_id": identity_id, "data": {}}, ["identity_id"]
    )
    return (await session.execute(stmt)).scalar_one()


async def lock_expired_states(
    session: AsyncSession, now: dt.datetime, limit: int = 100
) -> Sequence[ConversationState]:
    """States whose flow has expired, locked and skipped by other workers."""
    stmt = (
        select(ConversationState)
        .where(ConversationState.flow.is_not(None), ConversationState.expires_at < now)
        .order_by(ConversationState.expires_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return (await session.execute(stmt)).scalars().all()
