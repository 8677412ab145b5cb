"""Voters' petitions, their timeline events, attachments and followers."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.models.base import Base, BigId, utcnow


class Petition(Base):
    """A voter petition (kiến nghị cử tri) and where it stands in its lifecycle."""

    __tablename__ = "petitions"
    __table_args__ = (Index("ix_petitions_commune_status", "commune_id", "status"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    commune_id: Mapped[str] = mapped_column(ForeignKey("communes.id"))
    code: Mapped[str] = mapped_column(String(16), unique=True)
    category: Mapped[str] = mapped_column(String(40))
    committee: Mapped[str | None] = mapped_column(String(40))
    village: Mapped[str | None] = mapped_column(String(40))
    place_text: Mapped[str | None] = mapped_column(String(300))
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    content: Mapped[str] = mapped_column(Text)
    content_norm: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default="received")
    priority: Mapped[bool] = mapped_column(Boolean, default=False)
    private: Mapped[bool] = mapped_column(Boolean, default=False)
    rejection_reason: Mapped[str | None] = mapped_column(String(32))
    duplicate_of_id: Mapped[int | None] = mapped_column(
        ForeignKey("petitions.id", ondelete="SET NULL")
    )
    intake_channel: Mapped[str] = mapped_column(String(24))
    identity_id: Mapped[int | None] = mapped_column(
        ForeignKey("channel_identities.id", ondelete="SET NULL"), index=True
    )
    citizen_id: Mapped[int | None] = mapped_column(
        ForeignKey("citizens.id", ondelete="SET NULL"), index=True
    )
    anonymous: Mapped[bool] = mapped_column(Boolean, default=False)
    contact_name: Mapped[str | None] = mapped_column(String(200))
    contact_phone: Mapped[str | None] = mapped_column(String(20))
    # the name without diacritics, lower case (``storage.petitions.fold_name``), for search
    contact_norm: Mapped[str | None] = mapped_column(String(200))
    consent_at: Mapped[dt.datetime | None]
    created_by_staff_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_accounts.id", ondelete="SET NULL")
    )
    forwarded_to: Mapped[str | None] = mapped_column(String(200))
    forward_doc_no: Mapped[str | None] = mapped_column(String(100))
    due_date: Mapped[dt.date | None] = mapped_column(Date)
    paused_at: Mapped[dt.datetime | None]
    answer: Mapped[str | None] = mapped_column(Text)
    satisfaction: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    forwarded_at: Mapped[dt.datetime | None]
    answered_at: Mapped[dt.datetime | None]
    closed_at: Mapped[dt.datetime | None]
    anonymized_at: Mapped[dt.datetime | None]
    # shown on the public page since then (None: not public); public_text: the citizen's own
    # words (masked) rather than the summary
    public_at: Mapped[dt.datetime | None]
    public_text: Mapped[bool] = mapped_column(Boolean, default=False)
    version: Mapped[int] = mapped_column(Integer, default=1)
    # The council cycle: the staff summary reports use, the session it is compiled for, the
    # meeting it was raised at, its group of identical opinions (the lead's id), and how an
    # answer settled it (handlers.council.documents.Resolution); spot_answered_by: answered at
    # the meeting itself, by whom.
    summary: Mapped[str | None] = mapped_column(Text)
    session_id: Mapped[int | None] = mapped_column(
        ForeignKey("council_sessions.id", ondelete="SET NULL"), index=True
    )
    meeting_id: Mapped[int | None] = mapped_column(
        ForeignKey("council_meetings.id", ondelete="SET NULL"), index=True
    )
    group_id: Mapped[int | None] = mapped_column(
        ForeignKey("petitions.id", ondelete="SET NULL"), index=True
    )
    resolution: Mapped[str | None] = mapped_column(String(16))
    spot_answered_by: Mapped[str | None] = mapped_column(String(200))

    events: Mapped[list[PetitionEvent]] = relationship(
        back_populates="petition", order_by="PetitionEvent.id", lazy="raise"
    )
    attachments: Mapped[list[PetitionAttachment]] = relationship(
        back_populates="petition", order_by="PetitionAttachment.id", lazy="raise"
    )

    __mapper_args__ = {"version_id_col": version}


class PetitionEvent(Base):
    """One change to a petition: who, when, from, to, and the public and internal notes."""

    __tablename__ = "petition_events"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    petition_id: Mapped[int] = mapped_column(
        ForeignKey("petitions.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    actor_kind: Mapped[str] = mapped_column(String(16))  # citizen | staff | system
    actor_id: Mapped[int | None] = mapped_column(BigInteger)
    actor_label: Mapped[str] = mapped_column(String(100), default="")
    action: Mapped[str] = mapped_column(String(32))
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str | None] = mapped_column(String(16))
    public_note: Mapped[str] = mapped_column(Text, default="")
    internal_note: Mapped[str] = mapped_column(Text, default="")
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)

    petition: Mapped[Petition] = relationship(back_populates="events", lazy="raise")


class PetitionAttachment(Base):
    """A photo or file a citizen (or staff) attached; a platform reference, not the bytes."""

    __tablename__ = "petition_attachments"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    petition_id: Mapped[int] = mapped_column(
        ForeignKey("petitions.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(16))  # photo | file | voice | video
    channel: Mapped[str] = mapped_column(String(16))
    ref: Mapped[str] = mapped_column(String(1000))  # platform file id or URL
    name: Mapped[str | None] = mapped_column(String(255))
    mime: Mapped[str | None] = mapped_column(String(100))
    size: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    petition: Mapped[Petition] = relationship(back_populates="attachments", lazy="raise")


class PetitionFollower(Base):
    """A chat user who asked to receive a petition's notifications (besides its submitter)."""

    __tablename__ = "petition_followers"
    __table_args__ = (UniqueConstraint("petition_id", "identity_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    petition_id: Mapped[int] = mapped_column(ForeignKey("petitions.id", ondelete="CASCADE"))
    identity_id: Mapped[int] = mapped_column(
        ForeignKey("channel_identities.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
