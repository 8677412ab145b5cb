"""Aggregations for the council's periodic reports (month, quarter, half-year, year, custom).

A report covers the petitions *received* in a period ``[start, end)``; the on-time share covers
those *answered* in it. Working-day rules and labels live in the handlers and the dashboard: this
module only counts and lists, so it imports nothing above ``storage``. A commune receives at most
a few thousand petitions a year, so rows are fetched and finished in Python where SQL would differ
between SQLite and PostgreSQL (time zones).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Petition

DIMENSIONS = ("status", "category", "committee", "village", "intake_channel")


@dataclass
class PeriodCounts:
    """Petitions received in the period, counted along each dimension."""

    total: int = 0
    by: dict[str, dict[str | None, int]] = field(default_factory=dict)


@dataclass(frozen=True)
class AnsweredRow:
    code: str
    answered_at: dt.datetime
    due_date: dt.date | None
    committee: str | None


def _scope(stmt, commune_id: str, committee: str | None):  # type: ignore[no-untyped-def]
    stmt = stmt.where(Petition.commune_id == commune_id)
    if committee is not None:
        stmt = stmt.where(Petition.committee == committee)
    return stmt


async def period_counts(
    session: AsyncSession,
    commune_id: str,
    start: dt.datetime,
    end: dt.datetime,
    *,
    committee: str | None = None,
) -> PeriodCounts:
    """Counts by status, category, committee, village and intake channel for one period."""
    result = PeriodCounts()
    for name in DIMENSIONS:
        column = getattr(Petition, name)
        stmt = _scope(select(column, func.count(Petition.id)), commune_id, committee)
        stmt = stmt.where(Petition.created_at >= start, Petition.created_at < end).group_by(column)
        rows = (await session.execute(stmt)).all()
        result.by[name] = {key: int(count) for key, count in rows}
    result.total = sum(result.by["status"].values())
    return result


async def answered_in_period(
    session: AsyncSession,
    commune_id: str,
    start: dt.datetime,
    end: dt.datetime,
    *,
    committee: str | None = None,
) -> list[AnsweredRow]:
    """Petitions whose (latest) answer was recorded in the period, with their due dates."""
    stmt = _scope(
        select(Petition.code, Petition.answered_at, Petition.due_date, Petition.committee),
        commune_id,
        committee,
    ).where(
        Petition.answered_at.is_not(None),
        Petition.answered_at >= start,
        Petition.answered_at < end,
    )
    rows = (await session.execute(stmt.order_by(Petition.answered_at))).all()
    return [AnsweredRow(code, at, due, com) for code, at, due, com in rows]


async def petitions_in_period(
    session: AsyncSession,
    commune_id: str,
    start: dt.datetime,
    end: dt.datetime,
    *,
    committee: str | None = None,
    limit: int = 20_000,
) -> Sequence[Petition]:
    """Every petition received in the period, oldest first (for the exported list)."""
    stmt = _scope(select(Petition), commune_id, committee).where(
        Petition.created_at >= start, Petition.created_at < end
    )
    stmt = stmt.order_by(Petition.created_at, Petition.id).limit(limit)
    return (await session.execute(stmt)).scalars().all()


async def awaiting_due_by(
    session: AsyncSession,
    commune_id: str,
    statuses: Sequence[str],
    due_by: dt.date,
    *,
    committee: str | None = None,
    limit: int = 1000,
) -> Sequence[Petition]:
    """Petitions still awaiting an answer whose due date is on or before ``due_by``."""
    stmt = _scope(select(Petition), commune_id, committee).where(
        Petition.status.in_(list(statuses)),
        Petition.due_date.is_not(None),
        Petition.due_date <= due_by,
    )
    stmt = stmt.order_by(Petition.due_date, Petition.id).limit(limit)
    return (await session.execute(stmt)).scalars().all()


async def recent_for_similarity(
    session: AsyncSession,
    commune_id: str,
    *,
    exclude_id: int | None = None,
    committee: str | None = None,
    limit: int = 500,
) -> list[tuple[str, str, str, str, str, str | None]]:
    """(code, status, content_norm, content, category, village) of the latest petitions, for
    "similar petitions"."""
    stmt = _scope(
        select(
            Petition.code,
            Petition.status,
            Petition.content_norm,
            Petition.content,
            Petition.category,
            Petition.village,
        ),
        commune_id,
        committee,
    )
    if exclude_id is not None:
        stmt = stmt.where(Petition.id != exclude_id)
    stmt = stmt.order_by(Petition.created_at.desc()).limit(limit)
    return [tuple(row) for row in (await session.execute(stmt)).all()]
