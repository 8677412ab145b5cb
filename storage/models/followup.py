"""Staff follow-up: reminders already sent (so none goes twice) and e-mail waiting to leave.

A reminder is claimed by inserting its ``key`` (unique) in the same transaction that queues its
mail: two processes running the schedule at once cannot both send it, and a restart remembers it.
Mail leaves through ``mail_outbox`` with retries and backoff, so an SMTP server that is down
delays a reminder but never loses it.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, BigId, utcnow


class StaffReminder(Base):
    """One reminder or digest that was queued: kind and key say what, never to whom twice."""

    __tablename__ = "staff_reminders"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    commune_id: Mapped[str] = mapped_column(ForeignKey("communes.id"))
    key: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(24))  # assigned | due_soon | overdue | digest …
    petition_id: Mapped[int | None] = mapped_column(
        ForeignKey("petitions.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class MailMessage(Base):
    """One e-mail to send; ``status`` pending → sent (failed only after many attempts)."""

    __tablename__ = "mail_outbox"
    __table_args__ = (Index("ix_mail_outbox_status_next", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    commune_id: Mapped[str] = mapped_column(ForeignKey("communes.id"))
    recipients: Mapped[str] = mapped_column(Text)  # comma-separated addresses
    cc: Mapped[str] = mapped_column(Text, default="")
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_error: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[dt.datetime | None]
