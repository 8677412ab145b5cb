"""Sessions and meetings of the council cycle, and the petitions compiled for a session.

A petition without an explicit session belongs by default to the first session on or after the
day it was received (``session_for_day``); staff move it by setting ``petitions.session_id``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import CouncilMeeting, CouncilSession, Petition


async def list_sessions(session: AsyncSession, commune_id: str) -> list[CouncilSession]:
    """Every session of the commune, in date order."""
    rows = await session.execute(
        select(CouncilSession)
        .where(CouncilSession.commune_id == commune_id)
        .order_by(CouncilSession.date, CouncilSession.id)
    )
    return list(rows.scalars())


async def get_session(
    session: AsyncSession, commune_id: str, session_id: int
) -> CouncilSession | None:
    row = await session.get(CouncilSession, session_id)
    return row if row is not None and row.commune_id == commune_id else None


async def find_number(
    session: AsyncSession, commune_id: str, term: str, number: int
) -> CouncilSession | None:
    return await session.scalar(
        select(CouncilSession).where(
            CouncilSession.commune_id == commune_id,
            CouncilSession.term == term,
            CouncilSession.number == number,
        )
    )


def session_for_day(sessions: Sequence[CouncilSession], day: dt.date) -> CouncilSession | None:
    """The session a petition received on ``day`` is compiled for: the next one on or after it."""
    upcoming = [s for s in sessions if s.date >= day]
    return min(upcoming, key=lambda s: (s.date, s.id)) if upcoming else None


def window(
    sessions: Sequence[CouncilSession], target: CouncilSession
) -> tuple[dt.date | None, dt.date]:
    """The days whose petitions default to ``target``: after the session before it, up to it."""
    earlier = [s.date for s in sessions if s.date < target.date]
    return (max(earlier) if earlier else None), target.date


async def petitions_of_session(
    session: AsyncSession,
    commune_id: str,
    target: CouncilSession,
    sessions: Sequence[CouncilSession],
    day_start: dt.datetime | None,
    day_end: dt.datetime,
) -> list[Petition]:
    """The petitions compiled for ``target``: moved there, or received in its window unmoved.

    ``day_start``/``day_end`` are the window's bounds as UTC instants (after the previous
    session's day, up to the end of this session's day, in Vietnam time).
    """
    default = and_(Petition.session_id.is_(None), Petition.created_at < day_end)
    if day_start is not None:
        default = and_(default, Petition.created_at >= day_start)
    rows = await session.execute(
        select(Petition)
        .where(
            Petition.commune_id == commune_id,
            or_(Petition.session_id == target.id, default),
        )
        .order_by(Petition.created_at, Petition.id)
    )
    return list(rows.scalars())


async def group_members(session: AsyncSession, lead_id: int) -> list[Petition]:
    """The lead petition of a group and every petition joined to it, lead first."""
    rows = await session.execute(
        select(Petition)
        .where(or_(Petition.id == lead_id, Petition.group_id == lead_id))
        .order_by(Petition.created_at, Petition.id)
    )
    members = list(rows.scalars())
    members.sort(key=lambda p: p.id != lead_id)
    return members


async def meeting_by_key(
    session: AsyncSession, commune_id: str, key: str
) -> CouncilMeeting | None:
    return await session.scalar(
        select(CouncilMeeting).where(
            CouncilMeeting.commune_id == commune_id, CouncilMeeting.idempotency_key == key
        )
    )


async def get_meeting(
    session: AsyncSession, commune_id: str, meeting_id: int
) -> CouncilMeeting | None:
    row = await session.get(CouncilMeeting, meeting_id)
    return row if row is not None and row.commune_id == commune_id else None


async def meetings_of_session(
    session: AsyncSession, commune_id: str, session_id: int
) -> list[CouncilMeeting]:
    rows = await session.execute(
        select(CouncilMeeting)
        .where(CouncilMeeting.commune_id == commune_id, CouncilMeeting.session_id == session_id)
        .order_by(CouncilMeeting.date, CouncilMeeting.id)
    )
    return list(rows.scalars())


async def list_meetings(session: AsyncSession, commune_id: str) -> list[CouncilMeeting]:
    rows = await session.execute(
        select(CouncilMeeting)
        .where(CouncilMeeting.commune_id == commune_id)
        .order_by(CouncilMeeting.date.desc(), CouncilMeeting.id.desc())
    )
    return list(rows.scalars())


async def petitions_of_meeting(session: AsyncSession, meeting_id: int) -> list[Petition]:
    rows = await session.execute(
        select(Petition).where(Petition.meeting_id == meeting_id).order_by(Petition.id)
    )
    return list(rows.scalars())
