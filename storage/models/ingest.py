"""Webhook events stored as received, before anything is done with them.

A webhook answers 200 once its event is in this table (one INSERT, deduplicated on the
platform's id); the ingest worker of any process then hands it to the engine, in order for each
citizen, and marks it done (its body erased; pruned after the redelivery horizon). A process
that dies holding one leaves a lease that expires.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, BigId, utcnow


class WebhookEvent(Base):
    """One platform event waiting for (or failed in) processing; its body kept verbatim."""

    __tablename__ = "webhook_events"
    __table_args__ = (
        UniqueConstraint("channel", "external_id"),
        Index("ix_webhook_events_due", "status", "next_attempt_at"),
        Index("ix_webhook_events_sender", "channel", "user_key", "id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    commune_id: Mapped[str] = mapped_column(ForeignKey("communes.id"))
    channel: Mapped[str] = mapped_column(String(16))
    external_id: Mapped[str] = mapped_column(String(160))
    # the citizen's key on the platform: events of one key are processed one at a time, in order
    user_key: Mapped[str] = mapped_column(String(128))
    payload: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(
        String(12), default="pending"
    )  # pending|working|done|failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    received_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    lease_until: Mapped[dt.datetime | None]
    last_error: Mapped[str | None] = mapped_column(String(200))
