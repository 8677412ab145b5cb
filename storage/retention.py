"""The queries automatic erasure runs (the rules are ``handlers.workflow.retention``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import and_, delete, exists, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import ChannelIdentity, Citizen, OutboxMessage, Petition

_ended_at = func.coalesce(Petition.closed_at, Petition.updated_at)


async def ended_with_contacts(
    session: AsyncSession, commune_id: str, states: Sequence[str], before: dt.datetime
) -> Sequence[Any]:
    """(id, contact_name, contact_phone) of petitions in ``states`` that ended before ``before``
    and still hold a name, a phone or a location."""
    stmt = select(Petition.id, Petition.contact_name, Petition.contact_phone).where(
        Petition.commune_id == commune_id,
        Petition.status.in_(list(states)),
        _ended_at < before,
        Petition.anonymized_at.is_(None),
        or_(
            Petition.contact_name.is_not(None),
            Petition.contact_phone.is_not(None),
            Petition.latitude.is_not(None),
        ),
    )
    return (await session.execute(stmt)).all()


async def anonymise(session: AsyncSession, petition_ids: Sequence[int], now: dt.datetime) -> None:
    """Blank contact details and location; bump the version (an open dashboard form reloads)."""
    await session.execute(
        update(Petition)
        .where(Petition.id.in_(list(petition_ids)))
        .values(
            contact_name=None,
            contact_phone=None,
            contact_norm=None,
            consent_at=None,
            latitude=None,
            longitude=None,
            anonymized_at=now,
            version=Petition.version + 1,
        )
        .execution_options(synchronize_session=False)
    )


async def unneeded_citizens(
    session: AsyncSession, commune_id: str, states: Sequence[str], before: dt.datetime
) -> list[int]:
    """Citizens created before ``before`` none of whose petitions is open or ended since."""
    needed = exists().where(
        and_(
            Petition.citizen_id == Citizen.id,
            or_(~Petition.status.in_(list(states)), _ended_at >= before),
        )
    )
    stmt = select(Citizen.id).where(
        Citizen.commune_id == commune_id,
        Citizen.erased_at.is_(None),
        Citizen.created_at < before,
        ~needed,
    )
    return list((await session.execute(stmt)).scalars().all())


async def erase_citizens(
    session: AsyncSession, citizen_ids: Sequence[int], now: dt.datetime
) -> None:
    await session.execute(
        update(Citizen)
        .where(Citizen.id.in_(list(citizen_ids)))
        .values(name=None, phone=None, consent_at=None, erased_at=now)
        .execution_options(synchronize_session=False)
    )
    await session.execute(
        update(ChannelIdentity)
        .where(ChannelIdentity.citizen_id.in_(list(citizen_ids)))
        .values(citizen_id=None)
        .execution_options(synchronize_session=False)
    )


async def delete_finished_messages(
    session: AsyncSession, commune_id: str, before: dt.datetime
) -> int:
    """Delivered (or given-up) messages created before ``before``."""
    result = await session.execute(
        delete(OutboxMessage).where(
            OutboxMessage.commune_id == commune_id,
            OutboxMessage.status.in_(("sent", "failed")),
            OutboxMessage.created_at < before,
        )
    )
    return result.rowcount or 0
