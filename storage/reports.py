"""Aggregations for the council's periodic reports (month, quarter, half-year, year, custom).

A report covers the petitions *received* in a period ``[start, end)``; the on-time share covers
those *answered* in it. Working-day rules and labels live in the handlers and the dashboard: this
module only counts and lists, so it imports nothing above ``storage``. A commune receives at most
a few thousand petitions a year, so rows are fetched and finished in Python where SQL would differ
between SQLite and PostgreSQL (time zones).

At scale (100,000 petitions a year) nothing here loads a period's rows at once: the on-time
figures and the overdue / due-soon counts are computed in SQL (a due date ends at 17:00 UTC — the
end of that day in Vietnam, UTC+7 all year), lists are read in keyset pages
(``petition_rows_page``, ``awaiting_page``) and no function stops at a row cap it does not name.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, literal_column, or_, select
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
    """Counts by status, category, committee, village and intake channel for one period.

    One scan of the period, grouped by all five at once (a few thousand combinations at most:
    statuses × categories × villages × channels), summed per dimension here — instead of one
    scan per dimension."""
    columns = [getattr(Petition, name) for name in DIMENSIONS]
    stmt = _scope(select(*columns, func.count(Petition.id)), commune_id, committee)
    stmt = stmt.where(Petition.created_at >= start, Petition.created_at < end).group_by(*columns)
    result = PeriodCounts(by={name: {} for name in DIMENSIONS})
    for *keys, count in (await session.execute(stmt)).all():
        for name, key in zip(DIMENSIONS, keys, strict=True):
            result.by[name][key] = result.by[name].get(key, 0) + int(count)
        result.total += int(count)
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
    limit: int | None = None,
) -> Sequence[Petition]:
    """Every petition received in the period, oldest first — all of them unless ``limit`` says
    otherwise (ORM rows: for a few; the exports page through ``petition_rows_page``)."""
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
    limit: int | None = None,
) -> Sequence[Petition]:
    """Petitions still awaiting an answer whose due date is on or before ``due_by`` (all of
    them unless ``limit`` says otherwise; the reports page through ``awaiting_page``)."""
    stmt = _scope(select(Petition), commune_id, committee).where(
        Petition.status.in_(list(statuses)),
        Petition.due_date.is_not(None),
        Petition.due_date <= due_by,
    )
    stmt = stmt.order_by(Petition.due_date, Petition.id).limit(limit)
    return (await session.execute(stmt)).scalars().all()


@dataclass(frozen=True)
class AnsweredFigures:
    """Petitions answered in a period: how many, on time, late, and with no due date."""

    answered: int = 0
    on_time: int = 0
    late: int = 0
    no_due: int = 0


def _due_day_end(session: AsyncSession) -> ColumnElement[dt.datetime]:
    """The UTC moment a petition's due date ends in Vietnam (the date + 17 hours)."""
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    if dialect == "postgresql":
        return literal_column("((petitions.due_date + time '17:00') AT TIME ZONE 'UTC')")
    return func.datetime(Petition.due_date, "+17 hours")


async def answered_figures(
    session: AsyncSession,
    commune_id: str,
    start: dt.datetime,
    end: dt.datetime,
    *,
    committee: str | None = None,
) -> AnsweredFigures:
    """The answered / on-time / late / no-due figures of a period, in one SQL statement.

    On time: answered on or before its due date, in Vietnam's calendar (as
    ``handlers.workflow.calendar.vn_today(answered_at) <= due_date``)."""
    on_time = and_(Petition.due_date.is_not(None), Petition.answered_at < _due_day_end(session))
    stmt = _scope(
        select(
            func.count(Petition.id),
            func.coalesce(func.sum(case((Petition.due_date.is_(None), 1), else_=0)), 0),
            func.coalesce(func.sum(case((on_time, 1), else_=0)), 0),
        ),
        commune_id,
        committee,
    ).where(
        Petition.answered_at.is_not(None),
        Petition.answered_at >= start,
        Petition.answered_at < end,
    )
    answered, no_due, timely = (await session.execute(stmt)).one()
    answered, no_due, timely = int(answered), int(no_due), int(timely)
    return AnsweredFigures(answered, timely, answered - no_due - timely, no_due)


async def deadline_counts(
    session: AsyncSession,
    commune_id: str,
    statuses: Sequence[str],
    today: dt.date,
    horizon: dt.date,
    *,
    committee: str | None = None,
) -> tuple[int, int]:
    """(overdue, due soon) petitions still awaiting an answer: due before ``today``, and due from
    ``today`` to ``horizon`` (``handlers.workflow.calendar.deadline_flags``, in SQL)."""
    stmt = _scope(
        select(
            func.coalesce(func.sum(case((Petition.due_date < today, 1), else_=0)), 0),
            func.coalesce(func.sum(case((Petition.due_date >= today, 1), else_=0)), 0),
        ),
        commune_id,
        committee,
    ).where(
        Petition.status.in_(list(statuses)),
        Petition.due_date.is_not(None),
        Petition.due_date <= horizon,
    )
    overdue, soon = (await session.execute(stmt)).one()
    return int(overdue), int(soon)


# The columns an exported list row needs (no personal data: no name, phone or location).
ROW_COLUMNS = (
    Petition.id,
    Petition.code,
    Petition.created_at,
    Petition.intake_channel,
    Petition.category,
    Petition.committee,
    Petition.village,
    Petition.content,
    Petition.status,
    Petition.forwarded_to,
    Petition.forward_doc_no,
    Petition.due_date,
    Petition.answered_at,
    Petition.answer,
    Petition.satisfaction,
    Petition.contact_name,  # only to mask it inside the text for roles without contact rights
)
# The staff summary (issue 10), exported where the schema has it.
SUMMARY_COLUMN = Petition.__table__.c.get("summary")


async def petition_rows_page(
    session: AsyncSession,
    commune_id: str,
    start: dt.datetime,
    end: dt.datetime,
    *,
    committee: str | None = None,
    after: tuple[dt.datetime, int] | None = None,
    size: int = 2000,
) -> list[Any]:
    """One page of the petitions received in the period, oldest first, after the keyset
    ``after`` = (created_at, id) of the previous page's last row. Rows have ``ROW_COLUMNS`` (and
    ``summary`` when the column exists); an empty page is the end."""
    columns: list[Any] = list(ROW_COLUMNS)
    if SUMMARY_COLUMN is not None:
        columns.append(SUMMARY_COLUMN)
    stmt = _scope(select(*columns), commune_id, committee).where(
        Petition.created_at >= start, Petition.created_at < end
    )
    if after is not None:
        at, last_id = after
        stmt = stmt.where(  # the first condition lets the index on created_at start at the page
            Petition.created_at >= at,
            or_(Petition.created_at > at, and_(Petition.created_at == at, Petition.id > last_id)),
        )
    stmt = stmt.order_by(Petition.created_at, Petition.id).limit(size)
    return list((await session.execute(stmt)).all())


async def awaiting_page(
    session: AsyncSession,
    commune_id: str,
    statuses: Sequence[str],
    due_by: dt.date,
    *,
    committee: str | None = None,
    due_from: dt.date | None = None,
    after: tuple[dt.date, int] | None = None,
    size: int = 2000,
) -> list[Any]:
    """One page of the petitions still awaiting an answer and due from ``due_from`` to ``due_by``,
    earliest due first, after the keyset ``after`` = (due_date, id); an empty page is the end."""
    stmt = _scope(
        select(
            Petition.id,
            Petition.code,
            Petition.due_date,
            Petition.status,
            Petition.category,
            Petition.committee,
            Petition.forwarded_to,
            Petition.content,
            Petition.contact_name,  # to mask it inside the text, as above
        ),
        commune_id,
        committee,
    ).where(
        Petition.status.in_(list(statuses)),
        Petition.due_date.is_not(None),
        Petition.due_date <= due_by,
    )
    if due_from is not None:
        stmt = stmt.where(Petition.due_date >= due_from)
    if after is not None:
        due, last_id = after
        stmt = stmt.where(
            Petition.due_date >= due,
            or_(Petition.due_date > due, and_(Petition.due_date == due, Petition.id > last_id)),
        )
    stmt = stmt.order_by(Petition.due_date, Petition.id).limit(size)
    return list((await session.execute(stmt)).all())


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
