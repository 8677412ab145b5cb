"""Reaching citizens beyond a reply: ZNS notices after Zalo's window, villages, announcements.

- ``zns_notices``: one ZNS template message per outbox row that missed the window (the phone is
  not copied here: it stays on the petition); ``tracking_id`` ties Zalo's delivery receipt back.
- ``identity_prefs``: the village a chat user named and whether they opted out of announcements.
- ``announcements`` / ``announcement_deliveries``: what staff sent to which villages, and one row
  per recipient (UNIQUE per announcement and identity, so a resumed run never sends twice).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Boolean, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, BigId, utcnow


class ZnsNotice(Base):
    """A petition notice sent by ZNS because the consultation window had closed."""

    __tablename__ = "zns_notices"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    commune_id: Mapped[str] = mapped_column(ForeignKey("communes.id"))
    petition_id: Mapped[int] = mapped_column(
        ForeignKey("petitions.id", ondelete="CASCADE"), index=True
    )
    outbox_id: Mapped[int | None] = mapped_column(
        ForeignKey("outbox.id", ondelete="SET NULL"), unique=True
    )
    tracking_id: Mapped[str] = mapped_column(String(48), unique=True)
    status: Mapped[str] = mapped_column(String(16))  # sent | received | failed
    error: Mapped[str | None] = mapped_column(String(200))
    zalo_msg_id: Mapped[str | None] = mapped_column(String(64))
    sent_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    received_at: Mapped[dt.datetime | None]


class IdentityPrefs(Base):
    """What a chat user told us about being reached: their village, announcements on or off."""

    __tablename__ = "identity_prefs"

    identity_id: Mapped[int] = mapped_column(
        ForeignKey("channel_identities.id", ondelete="CASCADE"), primary_key=True
    )
    commune_id: Mapped[str] = mapped_column(ForeignKey("communes.id"))
    village: Mapped[str | None] = mapped_column(String(40), index=True)
    announcements_off: Mapped[bool] = mapped_column(Boolean, default=False)
    # the village tag last set on the Zalo follower (None: not tagged yet)
    zalo_tag: Mapped[str | None] = mapped_column(String(60))
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Announcement(Base):
    """A notice staff composed for all villages (``villages`` empty) or some."""

    __tablename__ = "announcements"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    commune_id: Mapped[str] = mapped_column(ForeignKey("communes.id"))
    text: Mapped[str] = mapped_column(Text)
    villages: Mapped[list] = mapped_column(JSON, default=list)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_accounts.id", ondelete="SET NULL")
    )
    created_by: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # set once every recipient has a delivery row (the fan-out is resumable until then)
    fanned_out_at: Mapped[dt.datetime | None]


class AnnouncementDelivery(Base):
    """One recipient of one announcement and its outbox row."""

    __tablename__ = "announcement_deliveries"
    __table_args__ = (
        UniqueConstraint("announcement_id", "identity_id"),
        Index("ix_announcement_deliveries_status", "announcement_id", "status"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    announcement_id: Mapped[int] = mapped_column(
        ForeignKey("announcements.id", ondelete="CASCADE")
    )
    identity_id: Mapped[int] = mapped_column(
        ForeignKey("channel_identities.id", ondelete="CASCADE")
    )
    channel: Mapped[str] = mapped_column(String(16))
    outbox_id: Mapped[int | None] = mapped_column(ForeignKey("outbox.id", ondelete="SET NULL"))
    # queued | not_reached (a Zalo follower past the window: not sent through ZNS)
    status: Mapped[str] = mapped_column(String(16), default="queued")
