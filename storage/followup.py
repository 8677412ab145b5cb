"""Staff follow-up in storage: claiming a reminder once, the mail outbox, and the petitions and
accounts reminders are about.

``claim`` inserts the reminder's key with ON CONFLICT DO NOTHING: of two processes running the
schedule at the same moment, one wins and queues the mail in the same transaction; a restart
finds the key and sends nothing twice. Mail rows are leased while being sent (``claim_mail``),
so a process that dies mid-send leaves the row to be sent again after the lease.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import String, case, cast, exists, func, literal, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import MailMessage, Petition, StaffAccount, StaffReminder
from storage.upsert import insert_ignore

PENDING, SENT = "pending", "sent"


async def claim(
    session: AsyncSession,
    *,
    commune_id: str,
    key: str,
    kind: str,
    now: dt.datetime,
    petition_id: int | None = None,
) -> bool:
    """True when this reminder was not sent before (it is now taken by this transaction)."""
    created = await insert_ignore(
        session,
        StaffReminder,
        {
            "commune_id": commune_id,
            "key": key[:200],
            "kind": kind,
            "petition_id": petition_id,
            "created_at": now,
        },
        ["key"],
    )
    return created is not None


async def queue_mail(
    session: AsyncSession,
    *,
    commune_id: str,
    to: Sequence[str],
    subject: str,
    body: str,
    now: dt.datetime,
    cc: Sequence[str] = (),
) -> MailMessage:
    row = MailMessage(
        commune_id=commune_id,
        recipients=",".join(to),
        cc=",".join(cc),
        subject=subject[:300],
        body=body,
        status=PENDING,
        attempts=0,
        next_attempt_at=now,
        last_error="",
        created_at=now,
    )
    session.add(row)
    await session.flush()
    return row


@dataclass(frozen=True)
class ClaimedMail:
    id: int
    to: list[str]
    cc: list[str]
    subject: str
    body: str
    attempts: int


async def claim_mail(
    session: AsyncSession, now: dt.datetime, lease: dt.timedelta, limit: int = 20
) -> list[ClaimedMail]:
    """Lease up to ``limit`` due mails for this process to send."""
    stmt = (
        select(MailMessage)
        .where(MailMessage.status == PENDING, MailMessage.next_attempt_at <= now)
        .order_by(MailMessage.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    out = []
    for row in (await session.execute(stmt)).scalars().all():
        row.attempts += 1
        row.next_attempt_at = now + lease
        out.append(
            ClaimedMail(
                id=row.id,
                to=[a for a in row.recipients.split(",") if a],
                cc=[a for a in row.cc.split(",") if a],
                subject=row.subject,
                body=row.body,
                attempts=row.attempts,
            )
        )
    return out


async def mail_sent(session: AsyncSession, mail_id: int, now: dt.datetime) -> None:
    await session.execute(
        update(MailMessage)
        .where(MailMessage.id == mail_id)
        .values(status=SENT, sent_at=now, last_error="")
    )


async def mail_retry(
    session: AsyncSession, mail_id: int, next_at: dt.datetime, error: str
) -> None:
    await session.execute(
        update(MailMessage)
        .where(MailMessage.id == mail_id)
        .values(next_attempt_at=next_at, last_error=error[:500])
    )


async def pending_mail(session: AsyncSession) -> int:
    return int(
        await session.scalar(
            select(func.count()).select_from(MailMessage).where(MailMessage.status == PENDING)
        )
        or 0
    )


async def mail_accounts(session: AsyncSession, commune_id: str) -> list[StaffAccount]:
    """Active accounts with an e-mail address."""
    stmt = (
        select(StaffAccount)
        .where(
            StaffAccount.commune_id == commune_id,
            StaffAccount.active.is_(True),
            StaffAccount.email.is_not(None),
            StaffAccount.email != "",
        )
        .order_by(StaffAccount.id)
    )
    return list((await session.execute(stmt)).scalars().all())


def _not_sent(key: object) -> object:
    """No reminder with this key (built in SQL from the petition's columns) was queued: the
    schedule runs every minute, and a petition told about once must not be loaded again."""
    sent = select(StaffReminder.id).where(
        StaffReminder.petition_id == Petition.id, StaffReminder.key == key
    )
    return ~exists(sent)


def _key(prefix: object, *columns: object) -> object:
    """``prefix`` + ``col1:col2`` as the reminder keys are written (``handlers.staff_reminders``);
    a date casts to its ISO form on SQLite and PostgreSQL alike."""
    parts = [cast(column, String) for column in columns]
    out = prefix + parts[0]  # type: ignore[operator]
    for part in parts[1:]:
        out = out + literal(":") + part
    return out


async def due_petitions(
    session: AsyncSession,
    commune_id: str,
    statuses: Sequence[str],
    due_by: dt.date,
    *,
    unsent_after: dt.date | None = None,
) -> list[Petition]:
    """Petitions waiting for an answer whose due date is on or before ``due_by``; with
    ``unsent_after`` (today), only those whose reminder for that date — ``due_soon`` while the
    date is not past, ``overdue`` after it — was not queued yet."""
    stmt = select(Petition).where(
        Petition.commune_id == commune_id,
        Petition.status.in_(list(statuses)),
        Petition.due_date.is_not(None),
        Petition.due_date <= due_by,
    )
    if unsent_after is not None:
        prefix = case(
            (Petition.due_date >= unsent_after, literal("due_soon:")), else_=literal("overdue:")
        )
        stmt = stmt.where(_not_sent(_key(prefix, Petition.id, Petition.due_date)))
    stmt = stmt.order_by(Petition.due_date, Petition.id)
    return list((await session.execute(stmt)).scalars().all())


async def recently_routed(
    session: AsyncSession, commune_id: str, statuses: Sequence[str], since: dt.datetime
) -> list[Petition]:
    """Open petitions with a committee, changed since ``since`` (their assignment is news),
    whose ``assigned`` reminder for that committee was not queued yet."""
    key = _key(literal("assigned:"), Petition.id, Petition.committee)
    stmt = (
        select(Petition)
        .where(
            Petition.commune_id == commune_id,
            Petition.status.in_(list(statuses)),
            Petition.committee.is_not(None),
            Petition.updated_at >= since,
            _not_sent(key),
        )
        .order_by(Petition.id)
    )
    return list((await session.execute(stmt)).scalars().all())


async def sent_keys(session: AsyncSession, keys: Sequence[str]) -> set[str]:
    """Which of these reminder keys were queued already."""
    if not keys:
        return set()
    stmt = select(StaffReminder.key).where(StaffReminder.key.in_(list(keys)))
    return set((await session.execute(stmt)).scalars().all())


async def week_counts(
    session: AsyncSession, commune_id: str, since: dt.datetime, committee: str | None
) -> tuple[int, int]:
    """(new, answered) since ``since``, for one committee or all."""
    base = [Petition.commune_id == commune_id]
    if committee:
        base.append(Petition.committee == committee)
    new = await session.scalar(
        select(func.count()).select_from(Petition).where(*base, Petition.created_at >= since)
    )
    answered = await session.scalar(
        select(func.count()).select_from(Petition).where(*base, Petition.answered_at >= since)
    )
    return int(new or 0), int(answered or 0)
