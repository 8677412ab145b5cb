"""Citizens' contact details (name, phone) given with consent, and the queries erasure uses.

Decree 13/2023/NĐ-CP: personal data is kept only with consent and deleted when the person asks.
Contact details live in ``citizens`` (linked from the chat identity) and are snapshotted on each
petition so staff can call back. What is erased, and when, is the petition workflow's rule
(``handlers.workflow.erasure`` and ``retention``); this module only reads and writes rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import ColumnElement, delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import (
    ChannelIdentity,
    Citizen,
    OutboxMessage,
    Petition,
    PetitionAttachment,
    PetitionEvent,
    PetitionFollower,
    UnansweredQuestion,
)


async def get_active(session: AsyncSession, citizen_id: int | None) -> Citizen | None:
    """The citizen row unless it is missing or erased."""
    if citizen_id is None:
        return None
    citizen = await session.get(Citizen, citizen_id)
    if citizen is None or citizen.erased_at is not None:
        return None
    return citizen


async def save_contact(
    session: AsyncSession,
    identity: ChannelIdentity,
    *,
    name: str | None,
    phone: str | None,
    consent_at: dt.datetime,
    now: dt.datetime,
) -> Citizen:
    """Store (or update) the person behind this chat identity and link them."""
    citizen = await get_active(session, identity.citizen_id)
    if citizen is None:
        citizen = Citizen(commune_id=identity.commune_id, created_at=now)
        session.add(citizen)
    citizen.name = name
    citizen.phone = phone
    citizen.consent_at = consent_at
    await session.flush()
    identity.citizen_id = citizen.id
    return citizen


async def count_filed_and_followed(session: AsyncSession, identity_id: int) -> tuple[int, int]:
    """(petitions filed from this identity, petitions it follows)."""
    filed = await session.execute(select(Petition.id).where(Petition.identity_id == identity_id))
    follows = await session.execute(
        select(PetitionFollower.id).where(PetitionFollower.identity_id == identity_id)
    )
    return len(filed.all()), len(follows.all())


async def citizens_of(session: AsyncSession, identity: ChannelIdentity) -> set[int]:
    """The citizen rows linked to this identity or to the petitions it filed."""
    ids = {identity.citizen_id} if identity.citizen_id is not None else set()
    rows = await session.execute(
        select(Petition.citizen_id).where(
            Petition.identity_id == identity.id, Petition.citizen_id.is_not(None)
        )
    )
    ids.update(cid for (cid,) in rows.all())
    return ids


def petitions_of(identity_id: int, citizen_ids: Iterable[int]) -> ColumnElement[bool]:
    """The petitions filed from this identity or by these citizens."""
    match = Petition.identity_id == identity_id
    citizen_ids = list(citizen_ids)
    return or_(match, Petition.citizen_id.in_(citizen_ids)) if citizen_ids else match


async def petition_contacts(session: AsyncSession, match: ColumnElement[bool]) -> Sequence[Any]:
    """(id, contact_name, contact_phone) of the matching petitions."""
    stmt = select(Petition.id, Petition.contact_name, Petition.contact_phone).where(match)
    return (await session.execute(stmt)).all()


async def citizen_contacts(session: AsyncSession, citizen_ids: Iterable[int]) -> Sequence[Any]:
    stmt = select(Citizen.name, Citizen.phone).where(Citizen.id.in_(list(citizen_ids)))
    return (await session.execute(stmt)).all()


async def other_identities(
    session: AsyncSession, citizen_ids: Iterable[int], but: int
) -> list[int]:
    """The other chat accounts linked to these citizens."""
    stmt = select(ChannelIdentity.id).where(
        ChannelIdentity.citizen_id.in_(list(citizen_ids)), ChannelIdentity.id != but
    )
    return [iid for (iid,) in (await session.execute(stmt)).all()]


async def anonymise_petitions(
    session: AsyncSession, match: ColumnElement[bool], now: dt.datetime
) -> int:
    """Blank the contact snapshot and shared location; bump the version (open forms reload)."""
    result = await session.execute(
        update(Petition)
        .where(match)
        .values(
            contact_name=None,
            contact_phone=None,
            contact_norm=None,
            consent_at=None,
            latitude=None,
            longitude=None,
            citizen_id=None,
            anonymized_at=now,
            updated_at=now,
            version=Petition.version + 1,
        )
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0


async def unlink_petitions(session: AsyncSession, identity_id: int) -> None:
    await session.execute(
        update(Petition)
        .where(Petition.identity_id == identity_id)
        .values(identity_id=None)
        .execution_options(synchronize_session=False)
    )


async def delete_follows(session: AsyncSession, identity_id: int) -> int:
    result = await session.execute(
        delete(PetitionFollower).where(PetitionFollower.identity_id == identity_id)
    )
    return result.rowcount or 0


async def erase_citizens(
    session: AsyncSession, citizen_ids: Iterable[int], now: dt.datetime
) -> int:
    """Blank the citizen rows and unlink every chat identity from them."""
    ids = list(citizen_ids)
    if not ids:
        return 0
    result = await session.execute(
        update(Citizen)
        .where(Citizen.id.in_(ids))
        .values(name=None, phone=None, consent_at=None, erased_at=now)
        .execution_options(synchronize_session=False)
    )
    await session.execute(
        update(ChannelIdentity)
        .where(ChannelIdentity.citizen_id.in_(ids))
        .values(citizen_id=None)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0


async def delete_messages(session: AsyncSession, identity_id: int) -> int:
    result = await session.execute(
        delete(OutboxMessage).where(OutboxMessage.identity_id == identity_id)
    )
    return result.rowcount or 0


async def delete_attachments(session: AsyncSession, petition_ids: Sequence[int]) -> int:
    if not petition_ids:
        return 0
    result = await session.execute(
        delete(PetitionAttachment).where(
            PetitionAttachment.petition_id.in_(list(petition_ids)),
            # the UBND's written answer is the council's record, not the citizen's data
            PetitionAttachment.kind != "answer",
        )
    )
    return result.rowcount or 0


async def petition_texts(session: AsyncSession, petition_ids: Sequence[int]) -> Sequence[Any]:
    """(id, content, content_norm, place_text, answer) of these petitions."""
    stmt = select(
        Petition.id, Petition.content, Petition.content_norm, Petition.place_text, Petition.answer
    ).where(Petition.id.in_(list(petition_ids)))
    return (await session.execute(stmt)).all()


async def set_petition_texts(session: AsyncSession, petition_id: int, **values: Any) -> None:
    await session.execute(
        update(Petition)
        .where(Petition.id == petition_id)
        .values(**values)
        .execution_options(synchronize_session=False)
    )


async def event_notes(session: AsyncSession, petition_ids: Sequence[int]) -> Sequence[Any]:
    """(id, actor_kind, public_note, internal_note) of these petitions' events."""
    stmt = select(
        PetitionEvent.id,
        PetitionEvent.actor_kind,
        PetitionEvent.public_note,
        PetitionEvent.internal_note,
    ).where(PetitionEvent.petition_id.in_(list(petition_ids)))
    return (await session.execute(stmt)).all()


async def set_event_notes(
    session: AsyncSession, event_id: int, public_note: str, internal_note: str
) -> None:
    await session.execute(
        update(PetitionEvent)
        .where(PetitionEvent.id == event_id)
        .values(public_note=public_note, internal_note=internal_note)
        .execution_options(synchronize_session=False)
    )


async def message_bodies(
    session: AsyncSession, petition_ids: Sequence[int], identity_ids: Sequence[int]
) -> Sequence[Any]:
    """(id, body) of messages about these petitions or to these identities."""
    conditions = []
    if petition_ids:
        conditions.append(OutboxMessage.petition_id.in_(list(petition_ids)))
    if identity_ids:
        conditions.append(OutboxMessage.identity_id.in_(list(identity_ids)))
    if not conditions:
        return []
    stmt = select(OutboxMessage.id, OutboxMessage.body).where(or_(*conditions))
    return (await session.execute(stmt)).all()


async def set_message_body(session: AsyncSession, message_id: int, body: dict[str, Any]) -> None:
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id)
        .values(body=body)
        .execution_options(synchronize_session=False)
    )


async def unanswered_containing(
    session: AsyncSession, commune_id: str, hints: Sequence[str]
) -> Sequence[Any]:
    """(id, text) of unanswered questions that contain one of ``hints``."""
    if not hints:
        return []
    stmt = select(UnansweredQuestion.id, UnansweredQuestion.text).where(
        UnansweredQuestion.commune_id == commune_id,
        or_(*(UnansweredQuestion.text.contains(hint, autoescape=True) for hint in hints)),
    )
    return (await session.execute(stmt)).all()


async def delete_unanswered(session: AsyncSession, ids: Sequence[int]) -> None:
    if ids:
        await session.execute(delete(UnansweredQuestion).where(UnansweredQuestion.id.in_(ids)))
