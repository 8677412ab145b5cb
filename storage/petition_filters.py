"""The filters of the dashboard inbox, the staff API and reports, as one SELECT.

Contact search (name folded without diacritics, phone in its stored form) is only set by callers
whose role may see contact details; the filter itself does not know roles.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, and_, func, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Petition


@dataclass
class PetitionFilter:
    """Filters shared by the dashboard inbox, the staff API and reports."""

    commune_id: str
    statuses: Sequence[str] = ()
    category: str | None = None
    committee: str | None = None
    village: str | None = None
    intake_channel: str | None = None
    since: dt.datetime | None = None
    until: dt.datetime | None = None
    due_before: dt.date | None = None  # due on or before (overdue / nearly overdue)
    due_after: dt.date | None = None  # due on or after
    search_norm: str | None = None  # accent-insensitive, matched against content_norm
    # only for roles that may see contact details: the name folded (``fold_name``) and the
    # phone number in its stored form; a petition matching either is found too
    search_name: str | None = None
    search_phone: str | None = None
    public_only: bool = False  # only petitions staff chose to publish
    # a council session: (its id, its default window's start or None, end) — the petitions moved
    # there, and the unmoved ones received in its window (storage.council.petitions_of_session)
    session_window: tuple[int, dt.datetime | None, dt.datetime] | None = None


def filtered(flt: PetitionFilter) -> Select[tuple[Petition]]:
    stmt = select(Petition).where(Petition.commune_id == flt.commune_id)
    if flt.statuses:
        stmt = stmt.where(Petition.status.in_(list(flt.statuses)))
    if flt.category:
        stmt = stmt.where(Petition.category == flt.category)
    if flt.committee:
        stmt = stmt.where(Petition.committee == flt.committee)
    if flt.village:
        stmt = stmt.where(Petition.village == flt.village)
    if flt.intake_channel:
        stmt = stmt.where(Petition.intake_channel == flt.intake_channel)
    if flt.since:
        stmt = stmt.where(Petition.created_at >= flt.since)
    if flt.until:
        stmt = stmt.where(Petition.created_at < flt.until)
    if flt.due_before:
        stmt = stmt.where(Petition.due_date.is_not(None), Petition.due_date <= flt.due_before)
    if flt.due_after:
        stmt = stmt.where(Petition.due_date.is_not(None), Petition.due_date >= flt.due_after)
    if flt.public_only:
        stmt = stmt.where(Petition.public_at.is_not(None))
    if flt.session_window is not None:
        session_id, start, end = flt.session_window
        default = and_(Petition.session_id.is_(None), Petition.created_at < end)
        if start is not None:
            default = and_(default, Petition.created_at >= start)
        stmt = stmt.where(or_(Petition.session_id == session_id, default))
    if flt.search_norm or flt.search_name or flt.search_phone:
        stmt = stmt.where(_search(flt))
    return stmt


def _search(flt: PetitionFilter) -> ColumnElement[bool]:
    """Every word in the text or the code; or (contact search) the name, or the phone."""
    matches: list[ColumnElement[bool]] = []
    words = [w for w in (flt.search_norm or "").split() if w][:8]
    if words:
        matches.append(
            and_(
                *(
                    or_(
                        Petition.content_norm.like(f"%{word}%"),
                        Petition.code.like(f"%{word.upper()}%"),
                    )
                    for word in words
                )
            )
        )
    names = [w for w in (flt.search_name or "").split() if w][:8]
    if names:
        matches.append(and_(*(Petition.contact_norm.like(f"%{word}%") for word in names)))
    if flt.search_phone:
        matches.append(Petition.contact_phone == flt.search_phone)
    return or_(*matches) if matches else true()


async def list_petitions(
    session: AsyncSession, flt: PetitionFilter, *, limit: int = 50, offset: int = 0
) -> tuple[list[Petition], int]:
    """One page of petitions (newest first) and the total count."""
    base = filtered(flt)
    total = await session.scalar(select(func.count()).select_from(base.subquery()))
    rows = (
        (
            await session.execute(
                base.order_by(Petition.created_at.desc(), Petition.id.desc())
                .limit(limit)
                .offset(offset)
            )
        )
        .scalars()
        .all()
    )
    return list(rows), int(total or 0)


async def count_by_status(session: AsyncSession, flt: PetitionFilter) -> dict[str, int]:
    base = filtered(PetitionFilter(**{**flt.__dict__, "statuses": ()})).subquery()
    rows = (
        await session.execute(select(base.c.status, func.count()).group_by(base.c.status))
    ).all()
    return {status: count for status, count in rows}
