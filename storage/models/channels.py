"""Rotating platform credentials (the Zalo OA token pair)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    ForeignKey,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, BigId, utcnow
from storage.secret_box import EncryptedText


class ChannelCredential(Base):
    """Rotating platform credentials (the Zalo OA token pair), refreshed under a row lock."""

    __tablename__ = "channel_credentials"
    __table_args__ = (UniqueConstraint("commune_id", "channel"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    commune_id: Mapped[str] = mapped_column(ForeignKey("communes.id"))
    channel: Mapped[str] = mapped_column(String(16))
    # Encrypted at rest (storage.secret_box); the "-seed" row keeps a fingerprint here.
    access_token: Mapped[str | None] = mapped_column(EncryptedText)
    refresh_token: Mapped[str | None] = mapped_column(EncryptedText)
    expires_at: Mapped[dt.datetime | None]
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    refresh_failed_at: Mapped[dt.datetime | None]
    last_error: Mapped[str | None] = mapped_column(String(500))
