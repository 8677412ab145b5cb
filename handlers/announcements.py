"""Announcements to villages: a voter-meeting schedule, a session's results, a notice.

Staff compose one on the dashboard for all villages or some. ``create`` stores it; ``fan_out``
then adds, in batches of one short transaction each, a delivery row and an outbox row for every
Telegram, web-chat and Zalo user of those villages who has not opted out (``handlers.villages``).
The delivery row is UNIQUE per announcement and user and is written with its outbox row, so a
fan-out interrupted by a crash resumes (``resume_all``, a periodic job) without sending anyone
the same announcement twice; the outbox then sends each once, rate-limited by each channel's
sender. A Zalo follower outside the messaging window is counted as not reached (the Zalo sender
fails the row instead of deferring it, and never uses ZNS for it).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.context import Services
from handlers.texts.announcements import AnnouncementTexts
from handlers.types import Reply
from storage import outbox
from storage.db import Database
from storage.models import (
    Announcement,
    AnnouncementDelivery,
    ChannelIdentity,
    IdentityPrefs,
    OutboxMessage,
)

CHANNELS = ("telegram", "web", "zalo")
ANNOUNCEMENT_META = "announcement_id"
MAX_TEXT = 1500
BATCH = 200


class InvalidAnnouncement(ValueError):
    """The staff member's input cannot be sent; the message says why, in Vietnamese."""


@dataclass(frozen=True)
class Progress:
    """What the announcement page shows."""

    total: int
    delivered: int
    waiting: int
    failed: int
    not_reached: int


async def create(
    db: Database,
    services: Services,
    *,
    text: str,
    villages: list[str],
    staff_id: int | None,
    staff_label: str,
) -> int:
    """Store an announcement (raises InvalidAnnouncement); returns its id."""
    t = AnnouncementTexts.of(services.texts)
    text = text.strip()
    if not text:
        raise InvalidAnnouncement(t.empty())
    if len(text) > MAX_TEXT:
        raise InvalidAnnouncement(t.too_long(max=MAX_TEXT))
    chosen = sorted(set(villages))
    if any(services.profile.village(v) is None for v in chosen):
        raise InvalidAnnouncement(t.unknown_village())
    async with db.write() as session:
        row = Announcement(
            commune_id=services.commune_id,
            text=text,
            villages=chosen,
            created_by_id=staff_id,
            created_by=staff_label[:200],
            created_at=services.clock(),
        )
        session.add(row)
        await session.flush()
        return row.id


def _recipients(announcement: Announcement):
    prefs = IdentityPrefs
    already = exists().where(
        and_(
            AnnouncementDelivery.announcement_id == announcement.id,
            AnnouncementDelivery.identity_id == ChannelIdentity.id,
        )
    )
    stmt = (
        select(ChannelIdentity)
        .outerjoin(prefs, prefs.identity_id == ChannelIdentity.id)
        .where(
            ChannelIdentity.commune_id == announcement.commune_id,
            ChannelIdentity.channel.in_(CHANNELS),
            ChannelIdentity.active.is_(True),
            ~ChannelIdentity.external_user_id.startswith("anon:"),  # Zalo anonymous chats
            or_(prefs.announcements_off.is_(None), prefs.announcements_off.is_(False)),
            ~already,
        )
        .order_by(ChannelIdentity.id)
        .limit(BATCH)
    )
    if announcement.villages:
        stmt = stmt.where(prefs.village.in_(list(announcement.villages)))
    return stmt


async def _batch(session: AsyncSession, services: Services, announcement_id: int) -> int:
    announcement = await session.get(Announcement, announcement_id, with_for_update=True)
    if announcement is None or announcement.fanned_out_at is not None:
        return 0
    people = (await session.execute(_recipients(announcement))).scalars().all()
    now = services.clock()
    if not people:
        announcement.fanned_out_at = now
        return 0
    text = AnnouncementTexts.of(services.texts).message(text=announcement.text)
    body = Reply(text=text, meta={ANNOUNCEMENT_META: announcement.id}).to_dict()
    for person in people:
        row = outbox.new_message(
            commune_id=announcement.commune_id,
            channel=person.channel,
            recipient=person.external_user_id,
            identity_id=person.id,
            body=body,
            now=now,
            kind="push",
        )
        session.add(row)
        await session.flush()
        session.add(
            AnnouncementDelivery(
                announcement_id=announcement.id,
                identity_id=person.id,
                channel=person.channel,
                outbox_id=row.id,
                status="queued",
            )
        )
    await session.flush()
    return len(people)


async def fan_out(db: Database, services: Services, announcement_id: int) -> int:
    """Queue the announcement for every recipient not queued yet; returns how many were."""
    total = 0
    while True:
        async with db.write() as session:
            added = await _batch(session, services, announcement_id)
        total += added
        if not added:
            return total


async def resume_all(db: Database, services: Services) -> int:
    """Periodic job: finish any fan-out a crash or restart interrupted."""
    async with db.read() as session:
        ids = (
            (
                await session.execute(
                    select(Announcement.id).where(
                        Announcement.commune_id == services.commune_id,
                        Announcement.fanned_out_at.is_(None),
                    )
                )
            )
            .scalars()
            .all()
        )
    return sum([await fan_out(db, services, i) for i in ids])


async def progress(session: AsyncSession, announcement_id: int) -> Progress:
    """Delivered / waiting / failed / not reached (a Zalo follower outside the window)."""
    stmt = (
        select(OutboxMessage.status, OutboxMessage.last_error, func.count())
        .join(AnnouncementDelivery, AnnouncementDelivery.outbox_id == OutboxMessage.id)
        .where(AnnouncementDelivery.announcement_id == announcement_id)
        .group_by(OutboxMessage.status, OutboxMessage.last_error)
    )
    counts = {"sent": 0, "waiting": 0, "failed": 0, "not_reached": 0}
    for status, error, n in (await session.execute(stmt)).all():
        if status == outbox.SENT:
            counts["sent"] += n
        elif status in (outbox.PENDING, outbox.SENDING):
            counts["waiting"] += n
        elif "ngoài cửa sổ" in (error or "") or status == outbox.DEFERRED:
            counts["not_reached"] += n
        else:
            counts["failed"] += n
    return Progress(
        total=sum(counts.values()),
        delivered=counts["sent"],
        waiting=counts["waiting"],
        failed=counts["failed"],
        not_reached=counts["not_reached"],
    )
