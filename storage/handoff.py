"""Hand-off conversations and their messages: the queries; the rules are ``handlers.handoff``.

Taking a conversation is one conditional UPDATE (``claim``): of two staff members taking it at
once exactly one row count is 1, on SQLite and PostgreSQL alike, without a lock held across the
request.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from storage.models import HandoffConversation, HandoffMessage, StaffAccount

OPEN, CLOSED = "open", "closed"
STATUSES = (OPEN, CLOSED)
CITIZEN, STAFF, BOT = "citizen", "staff", "bot"


async def open_conversation(
    session: AsyncSession, *, commune_id: str, identity_id: int, channel: str, now: dt.datetime
) -> HandoffConversation:
    conversation = HandoffConversation(
        commune_id=commune_id,
        identity_id=identity_id,
        channel=channel,
        status=OPEN,
        opened_at=now,
    )
    session.add(conversation)
    await session.flush()
    return conversation


async def get_conversation(
    session: AsyncSession, conversation_id: int, *, lock: bool = False, messages: bool = False
) -> HandoffConversation | None:
    stmt = select(HandoffConversation).where(HandoffConversation.id == conversation_id)
    if lock:
        stmt = stmt.with_for_update()
    if messages:
        stmt = stmt.options(selectinload(HandoffConversation.messages))
    stmt = stmt.execution_options(populate_existing=True)
    return (await session.execute(stmt)).scalar_one_or_none()


async def add_message(
    session: AsyncSession,
    conversation_id: int,
    sender: str,
    text: str,
    now: dt.datetime,
    staff_id: int | None = None,
) -> HandoffMessage:
    message = HandoffMessage(
        conversation_id=conversation_id, sender=sender, text=text, at=now, staff_id=staff_id
    )
    session.add(message)
    await session.flush()
    return message


async def claim(
    session: AsyncSession, conversation_id: int, staff_id: int, now: dt.datetime
) -> bool:
    """Make ``staff_id`` the one handling an open conversation nobody (or they) handles."""
    result = await session.execute(
        update(HandoffConversation)
        .where(
            HandoffConversation.id == conversation_id,
            HandoffConversation.status == OPEN,
            or_(
                HandoffConversation.assignee_id.is_(None),
                HandoffConversation.assignee_id == staff_id,
            ),
        )
        .values(
            assignee_id=staff_id, assigned_at=func.coalesce(HandoffConversation.assigned_at, now)
        )
        .execution_options(synchronize_session=False)
    )
    return (result.rowcount or 0) == 1


async def release(session: AsyncSession, conversation_id: int) -> None:
    await session.execute(
        update(HandoffConversation)
        .where(HandoffConversation.id == conversation_id)
        .values(assignee_id=None, assigned_at=None)
        .execution_options(synchronize_session=False)
    )


async def list_conversations(
    session: AsyncSession,
    commune_id: str,
    status: str | None,
    *,
    limit: int = 100,
    offset: int = 0,
) -> Sequence[HandoffConversation]:
    """Open ones oldest-waiting first (who needs an answer), closed ones newest first."""
    stmt = (
        select(HandoffConversation)
        .where(HandoffConversation.commune_id == commune_id)
        .options(selectinload(HandoffConversation.messages))
        .limit(limit)
        .offset(offset)
    )
    if status is not None:
        stmt = stmt.where(HandoffConversation.status == status)
    if status == OPEN:
        stmt = stmt.order_by(
            HandoffConversation.waiting_since.is_(None),
            HandoffConversation.waiting_since,
            HandoffConversation.opened_at,
        )
    else:
        stmt = stmt.order_by(HandoffConversation.opened_at.desc(), HandoffConversation.id.desc())
    return (await session.execute(stmt)).scalars().all()


async def count_by_status(session: AsyncSession, commune_id: str) -> dict[str, int]:
    rows = await session.execute(
        select(HandoffConversation.status, func.count())
        .where(HandoffConversation.commune_id == commune_id)
        .group_by(HandoffConversation.status)
    )
    return {status: count for status, count in rows.all()}


async def staff_labels(session: AsyncSession, ids: Sequence[int]) -> dict[int, str]:
    """How staff members appear in the inbox (full name, else username)."""
    if not ids:
        return {}
    rows = await session.execute(
        select(StaffAccount.id, StaffAccount.full_name, StaffAccount.username).where(
            StaffAccount.id.in_(sorted(set(ids)))
        )
    )
    return {i: (full or user) for i, full, user in rows.all()}


async def open_for_identity(
    session: AsyncSession, identity_id: int
) -> Sequence[HandoffConversation]:
    stmt = select(HandoffConversation).where(
        HandoffConversation.identity_id == identity_id, HandoffConversation.status == OPEN
    )
    return (await session.execute(stmt)).scalars().all()


async def waiting(
    session: AsyncSession, commune_id: str, *, limit: int = 200
) -> Sequence[HandoffConversation]:
    """Open conversations with a citizen waiting for staff and no reminder sent yet."""
    stmt = (
        select(HandoffConversation)
        .where(
            HandoffConversation.commune_id == commune_id,
            HandoffConversation.status == OPEN,
            HandoffConversation.waiting_since.is_not(None),
            HandoffConversation.reminded_at.is_(None),
        )
        .order_by(HandoffConversation.waiting_since)
        .limit(limit)
    )
    return (await session.execute(stmt)).scalars().all()


async def mark_reminded(session: AsyncSession, ids: Sequence[int], now: dt.datetime) -> None:
    if ids:
        await session.execute(
            update(HandoffConversation)
            .where(HandoffConversation.id.in_(list(ids)))
            .values(reminded_at=now)
            .execution_options(synchronize_session=False)
        )


@dataclass(frozen=True)
class Timing:
    """One conversation as the reports count it."""

    opened_at: dt.datetime
    first_response_at: dt.datetime | None


async def timings(
    session: AsyncSession, commune_id: str, start: dt.datetime, end: dt.datetime
) -> list[Timing]:
    """Conversations opened in ``[start, end)``."""
    rows = await session.execute(
        select(HandoffConversation.opened_at, HandoffConversation.first_response_at).where(
            HandoffConversation.commune_id == commune_id,
            HandoffConversation.opened_at >= start,
            HandoffConversation.opened_at < end,
        )
    )
    return [Timing(opened, first) for opened, first in rows.all()]


async def forget_identity(session: AsyncSession, identity_id: int, now: dt.datetime) -> int:
    """Erasure: the person's conversations lose every message and their link to the person;
    an open one is closed. The rows stay as counts for the reports. Returns messages deleted."""
    ids = list(
        (
            await session.execute(
                select(HandoffConversation.id).where(
                    HandoffConversation.identity_id == identity_id
                )
            )
        ).scalars()
    )
    if not ids:
        return 0
    result = await session.execute(
        delete(HandoffMessage).where(HandoffMessage.conversation_id.in_(ids))
    )
    await session.execute(
        update(HandoffConversation)
        .where(HandoffConversation.id.in_(ids), HandoffConversation.status == OPEN)
        .values(status=CLOSED, closed_at=now, closed_by="erased", waiting_since=None)
        .execution_options(synchronize_session=False)
    )
    await session.execute(
        update(HandoffConversation)
        .where(HandoffConversation.id.in_(ids))
        .values(identity_id=None)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0


async def purge_closed_before(session: AsyncSession, commune_id: str, cutoff: dt.datetime) -> int:
    """Retention: the messages of conversations closed before ``cutoff`` (the counts stay)."""
    ids = select(HandoffConversation.id).where(
        HandoffConversation.commune_id == commune_id,
        HandoffConversation.status == CLOSED,
        HandoffConversation.closed_at < cutoff,
    )
    result = await session.execute(
        delete(HandoffMessage).where(HandoffMessage.conversation_id.in_(ids))
    )
    return result.rowcount or 0
