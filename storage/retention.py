"""Automatic erasure of contact details once they are no longer needed.

Decree 13/2023/NĐ-CP asks that personal data be kept no longer than its purpose needs. A
petitioner's name and phone serve to call them back about that petition; once the petition has
ended (closed, rejected or merged as a duplicate) and a retention period has passed — long enough
for a late question or a reopening — they are erased, and the petition stays, anonymous, for
statistics. A citizen record that no petition still needs is erased too, and delivered chat
messages are deleted after a month.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import and_, delete, exists, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.citizens import Redactor, scrub_petitions
from storage.models import ChannelIdentity, Citizen, OutboxMessage, Petition

ENDED_STATES = ("closed", "rejected", "duplicate")
# Longer than any redelivery window (a redelivered message gets its stored replies again).
MESSAGE_RETENTION = dt.timedelta(days=30)


@dataclass(frozen=True)
class RetentionResult:
    """How many rows were anonymised or deleted (counts only)."""

    petitions: int
    citizens: int
    messages: int = 0


async def erase_expired_contacts(
    session: AsyncSession, commune_id: str, now: dt.datetime, retention: dt.timedelta
) -> RetentionResult:
    """Erase contact details of petitions that ended before ``now - retention``."""
    cutoff = now - retention
    ended_at = func.coalesce(Petition.closed_at, Petition.updated_at)
    expired = (
        await session.execute(
            select(Petition.id, Petition.contact_name, Petition.contact_phone).where(
                Petition.commune_id == commune_id,
                Petition.status.in_(ENDED_STATES),
                ended_at < cutoff,
                Petition.anonymized_at.is_(None),
                or_(
                    Petition.contact_name.is_not(None),
                    Petition.contact_phone.is_not(None),
                    Petition.latitude.is_not(None),
                ),
            )
        )
    ).all()
    for petition_id, name, phone in expired:
        # The name and phone may also stand in the texts: take them out there too.
        await scrub_petitions(session, [petition_id], Redactor([name], [phone]))
    if expired:
        await session.execute(
            update(Petition)
            .where(Petition.id.in_([row.id for row in expired]))
            .values(
                contact_name=None,
                contact_phone=None,
                consent_at=None,
                latitude=None,  # a shared location is often the petitioner's home
                longitude=None,
                anonymized_at=now,
                version=Petition.version + 1,  # an open dashboard form must reload
            )
            .execution_options(synchronize_session=False)
        )
    # A citizen record is still needed while any of its petitions is open or ended recently.
    needed = exists().where(
        and_(
            Petition.citizen_id == Citizen.id,
            or_(~Petition.status.in_(ENDED_STATES), ended_at >= cutoff),
        )
    )
    stale = (
        (
            await session.execute(
                select(Citizen.id).where(
                    Citizen.commune_id == commune_id,
                    Citizen.erased_at.is_(None),
                    Citizen.created_at < cutoff,
                    ~needed,
                )
            )
        )
        .scalars()
        .all()
    )
    if stale:
        await session.execute(
            update(Citizen)
            .where(Citizen.id.in_(stale))
            .values(name=None, phone=None, consent_at=None, erased_at=now)
            .execution_options(synchronize_session=False)
        )
        await session.execute(
            update(ChannelIdentity)
            .where(ChannelIdentity.citizen_id.in_(stale))
            .values(citizen_id=None)
            .execution_options(synchronize_session=False)
        )
    # Delivered messages (summaries repeat names and phones) are kept only a short while.
    messages = await session.execute(
        delete(OutboxMessage).where(
            OutboxMessage.commune_id == commune_id,
            OutboxMessage.status.in_(("sent", "failed")),
            OutboxMessage.created_at < now - MESSAGE_RETENTION,
        )
    )
    return RetentionResult(
        petitions=len(expired), citizens=len(stale), messages=messages.rowcount or 0
    )
