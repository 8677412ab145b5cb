"""SQLAlchemy 2 models: the same tables on SQLite and PostgreSQL.

Every row belongs to one commune so that one deployment can serve several. Times are stored as
timezone-aware UTC; SQLite hands back naive values, so ``UTCDateTime`` re-attaches UTC on load.
Personal data (a citizen's name, phone, location) lives only in ``citizens`` and ``petitions`` and
is wiped by the data-deletion flow; nothing else copies it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# BigInteger primary keys become INTEGER on SQLite so they keep ROWID auto-increment.
BigId = BigInteger().with_variant(Integer(), "sqlite")


def utcnow() -> dt.datetime:
    """Current time, timezone-aware UTC."""
    return dt.datetime.now(dt.UTC)


class UTCDateTime(TypeDecorator[dt.datetime]):
    """A timezone-aware UTC datetime on both databases."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTCDateTime column")
        return value.astimezone(dt.UTC)

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {dict[str, Any]: JSON, dt.datetime: UTCDateTime, dt.date: Date}


class Commune(Base):
    __tablename__ = "communes"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Citizen(Base):
    """A person who gave contact details with consent. Erased on request."""

    __tablename__ = "citizens"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    commune_id: Mapped[str] = mapped_column(ForeignKey("communes.id"))
    name: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(20))
    consent_at: Mapped[dt.datetime | None]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    erased_at: Mapped[dt.datetime | None]


class ChannelIdentity(Base):
    """One chat user on one channel (Telegram chat id, Zalo user id, web-chat id)."""

    __tablename__ = "channel_identities"
    __table_args__ = (UniqueConstraint("commune_id", "channel", "external_user_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    commune_id: Mapped[str] = mapped_column(ForeignKey("communes.id"))
    channel: Mapped[str] = mapped_column(String(16))
    external_user_id: Mapped[str] = mapped_column(String(128))
    citizen_id: Mapped[int | None] = mapped_column(
        ForeignKey("citizens.id", ondelete="SET NULL"), index=True
    )
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    blocked_at: Mapped[dt.datetime | None]
    last_inbound_at: Mapped[dt.datetime | None]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class ConversationState(Base):
    """The one row per identity that holds the active flow; locked for each message."""

    __tablename__ = "conversation_states"

    identity_id: Mapped[int] = mapped_column(
        ForeignKey("channel_identities.id", ondelete="CASCADE"), primary_key=True
    )
    flow: Mapped[str | None] = mapped_column(String(40))
    step: Mapped[str | None] = mapped_column(String(40))
    token: Mapped[str | None] = mapped_column(String(16))
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    expires_at: Mapped[dt.datetime | None] = mapped_column(index=True)
    message_count: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # The buttons recently offered to this user (handlers.offered_buttons): typed or tapped
    # labels are mapped back through them without reading the outbox.
    offered: Mapped[dict[str, Any]] = mapped_column(default=dict)


class InboundEvent(Base):
    """A received platform message; the UNIQUE key drops redeliveries."""

    __tablename__ = "inbound_events"
    __table_args__ = (UniqueConstraint("channel", "external_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    commune_id: Mapped[str] = mapped_column(ForeignKey("communes.id"))
    channel: Mapped[str] = mapped_column(String(16))
    external_id: Mapped[str] = mapped_column(String(160))
    identity_id: Mapped[int | None] = mapped_column(
        ForeignKey("channel_identities.id", ondelete="SET NULL")
    )
    received_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)


class OutboxMessage(Base):
    """A message owed to someone; the delivery worker sends it and records the outcome."""

    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_due", "status", "next_attempt_at"),
        Index("ix_outbox_recipient", "channel", "recipient", "id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    commune_id: Mapped[str] = mapped_column(ForeignKey("communes.id"))
    channel: Mapped[str] = mapped_column(String(16))
    recipient: Mapped[str] = mapped_column(String(128))
    identity_id: Mapped[int | None] = mapped_column(
        ForeignKey("channel_identities.id", ondelete="CASCADE"), index=True
    )
    inbound_event_id: Mapped[int | None] = mapped_column(
        ForeignKey("inbound_events.id", ondelete="SET NULL"), index=True
    )
    petition_id: Mapped[int | None] = mapped_column(
        ForeignKey("petitions.id", ondelete="SET NULL"), index=True
    )
    # reply: answer to an inbound message; push: a later notification; notice: to a staff group
    kind: Mapped[str] = mapped_column(String(16), default="reply")
    body: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # pending | sending | sent | failed | deferred
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    lease_until: Mapped[dt.datetime | None]
    last_error: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[dt.datetime | None]


class UnansweredQuestion(Base):
    """A normalised message the bot could not answer well, counted for the digital team."""

    __tablename__ = "unanswered_questions"
    __table_args__ = (UniqueConstraint("commune_id", "text"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    commune_id: Mapped[str] = mapped_column(ForeignKey("communes.id"))
    text: Mapped[str] = mapped_column(String(300))
    count: Mapped[int] = mapped_column(Integer, default=1)
    band: Mapped[str] = mapped_column(String(16), default="none")
    suggestions: Mapped[dict[str, Any]] = mapped_column(default=dict)
    first_seen: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_seen: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)


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
    version: Mapped[int] = mapped_column(Integer, default=1)

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


class StaffAccount(Base):
    """A council staff member or digital-team volunteer who signs in to the dashboard."""

    __tablename__ = "staff_accounts"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    commune_id: Mapped[str] = mapped_column(ForeignKey("communes.id"))
    username: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str] = mapped_column(String(200), default="")
    # admin | office | committee | digital_team | viewer
    role: Mapped[str] = mapped_column(String(16))
    committee: Mapped[str | None] = mapped_column(String(40))
    password_hash: Mapped[str] = mapped_column(String(255))
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[dt.datetime | None]
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[dt.datetime | None]


class StaffSession(Base):
    """A server-side dashboard session; the cookie holds only a random id whose hash is here."""

    __tablename__ = "staff_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    staff_id: Mapped[int] = mapped_column(
        ForeignKey("staff_accounts.id", ondelete="CASCADE"), index=True
    )
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime]
    last_seen_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[dt.datetime | None]


class ApiToken(Base):
    """A bearer token for the staff JSON API; only its hash is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    staff_id: Mapped[int] = mapped_column(
        ForeignKey("staff_accounts.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[dt.datetime | None]
    revoked_at: Mapped[dt.datetime | None]


class LoginAttempt(Base):
    """Failed sign-ins per username and address, for lockout without trusting the account row."""

    __tablename__ = "login_attempts"
    __table_args__ = (Index("ix_login_attempts_key", "key", "at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    key: Mapped[str] = mapped_column(String(200))
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class ChannelCredential(Base):
    """Rotating platform credentials (the Zalo OA token pair), refreshed under a row lock."""

    __tablename__ = "channel_credentials"
    __table_args__ = (UniqueConstraint("commune_id", "channel"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    commune_id: Mapped[str] = mapped_column(ForeignKey("communes.id"))
    channel: Mapped[str] = mapped_column(String(16))
    access_token: Mapped[str | None] = mapped_column(Text)
    refresh_token: Mapped[str | None] = mapped_column(Text)
    expires_at: Mapped[dt.datetime | None]
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    refresh_failed_at: Mapped[dt.datetime | None]
    last_error: Mapped[str | None] = mapped_column(String(500))
