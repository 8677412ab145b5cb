"""Petitions in storage: creation with a unique tracking code, lookups, events, followers.

Tracking codes are 8 characters from an alphabet without look-alikes (no 0/O, 1/I/L, U/V), random
rather than sequential so they cannot be enumerated. Uniqueness is the database's UNIQUE
constraint: a collision rolls back a savepoint and the insert is retried with a new code.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from storage.models import (
    ChannelIdentity,
    OutboxMessage,
    Petition,
    PetitionAttachment,
    PetitionEvent,
    PetitionFollower,
)
from storage.upsert import insert_ignore

CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTWXYZ"
CODE_LENGTH = 8
_CODE_CLEAN = re.compile(r"[^0-9A-Z]")


def fold_name(name: str) -> str:
    """'Nguyễn Thị Đào' → 'nguyen thi dao': how names are stored and searched without
    diacritics (migration 0014 holds a copy for the rows it fills)."""
    text = unicodedata.normalize("NFD", name.replace("đ", "d").replace("Đ", "D"))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    return " ".join("".join(ch if ch.isalnum() else " " for ch in text).split())[:200]


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalize_code(text: str) -> str | None:
    """'kn-ab3d 7xyz' → 'AB3D7XYZ'; None when it cannot be a tracking code."""
    cleaned = _CODE_CLEAN.sub("", text.upper())
    if cleaned.startswith("KN") and len(cleaned) == CODE_LENGTH + 2:
        cleaned = cleaned[2:]
    if len(cleaned) != CODE_LENGTH or any(c not in CODE_ALPHABET for c in cleaned):
        return None
    return cleaned


async def create_petition(
    session: AsyncSession,
    *,
    event_actor: tuple[str, int | None, str] = ("citizen", None, ""),
    now: dt.datetime,
    attachments: Sequence[dict[str, Any]] = (),
    code_factory: Any = new_code,
    max_attempts: int = 20,
    **fields: Any,
) -> Petition:
    """Insert a petition with a fresh unique code and its 'received' event."""
    if fields.get("contact_name") and not fields.get("contact_norm"):
        fields["contact_norm"] = fold_name(fields["contact_name"])
    for _ in range(max_attempts):
        petition = Petition(
            code=code_factory(), status="received", created_at=now, updated_at=now, **fields
        )
        try:
            async with session.begin_nested():
                session.add(petition)
                await session.flush()
        except IntegrityError:
            continue  # the savepoint rolled back; try another code
        break
    else:
        raise RuntimeError("không tạo được mã kiến nghị duy nhất")
    kind, actor_id, label = event_actor
    session.add(
        PetitionEvent(
            petition_id=petition.id,
            at=now,
            actor_kind=kind,
            actor_id=actor_id,
            actor_label=label,
            action="create",
            from_status=None,
            to_status="received",
        )
    )
    for item in attachments:
        session.add(PetitionAttachment(petition_id=petition.id, created_at=now, **item))
    await session.flush()
    return petition


async def get_by_code(
    session: AsyncSession, code: str, *, lock: bool = False, with_details: bool = False
) -> Petition | None:
    stmt = select(Petition).where(Petition.code == code)
    if with_details:
        stmt = stmt.options(selectinload(Petition.events), selectinload(Petition.attachments))
    if lock:
        stmt = stmt.with_for_update()
    return (await session.execute(stmt)).scalar_one_or_none()


async def get_by_id(
    session: AsyncSession, petition_id: int, *, lock: bool = False, with_details: bool = False
) -> Petition | None:
    stmt = select(Petition).where(Petition.id == petition_id)
    if with_details:
        stmt = stmt.options(selectinload(Petition.events), selectinload(Petition.attachments))
    if lock:
        stmt = stmt.with_for_update()
    return (await session.execute(stmt)).scalar_one_or_none()


async def add_follower(
    session: AsyncSession, petition_id: int, identity_id: int, now: dt.datetime
) -> bool:
    """True when the identity was not following yet."""
    created = await insert_ignore(
        session,
        PetitionFollower,
        {"petition_id": petition_id, "identity_id": identity_id, "created_at": now},
        ["petition_id", "identity_id"],
    )
    return created is not None


async def is_follower(session: AsyncSession, petition_id: int, identity_id: int) -> bool:
    stmt = select(PetitionFollower.id).where(
        PetitionFollower.petition_id == petition_id, PetitionFollower.identity_id == identity_id
    )
    return (await session.execute(stmt)).first() is not None


async def recipients(session: AsyncSession, petition: Petition) -> list[ChannelIdentity]:
    """The submitter's identity and every follower's, each once, active or not."""
    ids: list[int] = []
    if petition.identity_id is not None:
        ids.append(petition.identity_id)
    follower_ids = (
        (
            await session.execute(
                select(PetitionFollower.identity_id)
                .where(PetitionFollower.petition_id == petition.id)
                .order_by(PetitionFollower.id)
            )
        )
        .scalars()
        .all()
    )
    ids += [i for i in follower_ids if i not in ids]
    if not ids:
        return []
    rows = (
        (await session.execute(select(ChannelIdentity).where(ChannelIdentity.id.in_(ids))))
        .scalars()
        .all()
    )
    by_id = {r.id: r for r in rows}
    return [by_id[i] for i in ids if i in by_id]


async def can_view(session: AsyncSession, petition: Petition, identity_id: int) -> bool:
    """Only the submitter and followers may see a petition's status in chat."""
    if petition.identity_id == identity_id:
        return True
    return await is_follower(session, petition.id, identity_id)


# The inbox's filters live in petition_filters; re-exported here, where callers look first.
from storage.petition_filters import PetitionFilter as PetitionFilter  # noqa: E402
from storage.petition_filters import count_by_status as count_by_status  # noqa: E402
from storage.petition_filters import filtered as filtered  # noqa: E402
from storage.petition_filters import list_petitions as list_petitions  # noqa: E402

# --- used by the chat side (intake, lookup, follow-up, data deletion) ------------------------


@dataclass(frozen=True)
class SimilarCandidate:
    """An open petition that a new one may repeat (only what duplicate detection needs)."""

    id: int
    code: str
    content: str  # the beginning only
    content_norm: str
    category: str
    village: str | None
    status: str
    created_at: dt.datetime
    identity_id: int | None


async def similar_candidates(
    session: AsyncSession, commune_id: str, open_statuses: Sequence[str], limit: int = 500
) -> list[SimilarCandidate]:
    """Recent open, non-private petitions of one commune, newest first, for duplicate offers.

    ``content`` is only the first 300 characters (enough for a preview); ``content_norm`` is whole.
    """
    stmt = (
        select(
            Petition.id,
            Petition.code,
            func.substr(Petition.content, 1, 300),
            Petition.content_norm,
            Petition.category,
            Petition.village,
            Petition.status,
            Petition.created_at,
            Petition.identity_id,
        )
        .where(
            Petition.commune_id == commune_id,
            Petition.status.in_(list(open_statuses)),
            Petition.private.is_(False),
        )
        .order_by(Petition.created_at.desc(), Petition.id.desc())
        .limit(limit)
    )
    return [SimilarCandidate(*row) for row in (await session.execute(stmt)).all()]


async def for_identity(
    session: AsyncSession, commune_id: str, identity_id: int, limit: int = 5
) -> list[Petition]:
    """Petitions this chat user submitted or follows, newest first."""
    followed = select(PetitionFollower.petition_id).where(
        PetitionFollower.identity_id == identity_id
    )
    stmt = (
        select(Petition)
        .where(
            Petition.commune_id == commune_id,
            or_(Petition.identity_id == identity_id, Petition.id.in_(followed)),
        )
        .order_by(Petition.created_at.desc(), Petition.id.desc())
        .limit(limit)
    )
    return list((await session.execute(stmt)).scalars().all())


async def awaiting_answer(
    session: AsyncSession, commune_id: str, identity_id: int
) -> list[Petition]:
    """Petitions this user submitted that wait for their answer (needs_info), latest first."""
    stmt = (
        select(Petition)
        .where(
            Petition.commune_id == commune_id,
            Petition.identity_id == identity_id,
            Petition.status == "needs_info",
        )
        .order_by(Petition.paused_at.desc(), Petition.id.desc())
    )
    return list((await session.execute(stmt)).scalars().all())


async def question_delivered_at(
    session: AsyncSession, petition_id: int, identity_id: int, since: dt.datetime
) -> dt.datetime | None:
    """When the latest 'needs information' notice for this petition reached this user."""
    stmt = (
        select(OutboxMessage.sent_at, OutboxMessage.body)
        .where(
            OutboxMessage.petition_id == petition_id,
            OutboxMessage.identity_id == identity_id,
            OutboxMessage.kind == "push",
            OutboxMessage.status == "sent",
            OutboxMessage.created_at >= since,
        )
        .order_by(OutboxMessage.id.desc())
    )
    for sent_at, body in (await session.execute(stmt)).all():
        if (body or {}).get("meta", {}).get("action") == "request_info" and sent_at is not None:
            return sent_at
    return None


async def answered_unrated(
    session: AsyncSession,
    commune_id: str,
    answered_before: dt.datetime,
    limit: int = 50,
    *,
    lock: bool = True,
) -> list[Petition]:
    """Answered petitions nobody rated since ``answered_before``; locked unless ``lock`` is
    False (other workers skip locked rows)."""
    stmt = (
        select(Petition)
        .where(
            Petition.commune_id == commune_id,
            Petition.status == "answered",
            Petition.satisfaction.is_(None),
            Petition.answered_at.is_not(None),
            Petition.answered_at <= answered_before,
        )
        .order_by(Petition.answered_at, Petition.id)
        .limit(limit)
    )
    if lock:
        stmt = stmt.with_for_update(skip_locked=True)
    return list((await session.execute(stmt)).scalars().all())


async def add_attachments(
    session: AsyncSession, petition_id: int, items: Sequence[dict[str, Any]], now: dt.datetime
) -> int:
    """Attach photos/files (platform references) to an existing petition."""
    for item in items:
        session.add(PetitionAttachment(petition_id=petition_id, created_at=now, **item))
    return len(items)


async def statuses_by_code(
    session: AsyncSession, commune_id: str, codes: Sequence[str]
) -> dict[str, tuple[str, str | None]]:
    """``{code: (status, committee)}`` of this commune's petitions among ``codes``."""
    if not codes:
        return {}
    stmt = select(Petition.code, Petition.status, Petition.committee).where(
        Petition.commune_id == commune_id, Petition.code.in_(list(codes))
    )
    return {code: (status, committee) for code, status, committee in await session.execute(stmt)}


async def answer_times(
    session: AsyncSession, commune_id: str
) -> list[tuple[dt.datetime, dt.date | None]]:
    """(answered_at, due_date) of every answered petition: the public on-time counts."""
    stmt = select(Petition.answered_at, Petition.due_date).where(
        Petition.commune_id == commune_id, Petition.answered_at.is_not(None)
    )
    return [(at, due) for at, due in await session.execute(stmt)]
