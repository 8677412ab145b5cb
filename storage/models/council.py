"""The council cycle: sessions (kỳ họp) and the meetings (TXCT, citizen reception) that feed them.

A petition points at the session it is compiled for and, when it was raised at one, the meeting
(columns on ``petitions``). A meeting entered through the staff API keeps its ``Idempotency-Key``
and the answer it got, so the same key again returns the same body and creates nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, BigId, utcnow


class CouncilSession(Base):
    """A session of the commune People's Council: "Kỳ họp thứ 9, khóa XXI, nhiệm kỳ 2021–2026"."""

    __tablename__ = "council_sessions"
    __table_args__ = (UniqueConstraint("commune_id", "term", "number"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    commune_id: Mapped[str] = mapped_column(ForeignKey("communes.id"))
    number: Mapped[int] = mapped_column(Integer)
    term: Mapped[str] = mapped_column(String(100), default="")
    date: Mapped[dt.date] = mapped_column(Date)
    title: Mapped[str] = mapped_column(String(300), default="")
    place: Mapped[str] = mapped_column(String(300), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    from_profile: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class CouncilMeeting(Base):
    """A voter meeting, citizen reception or thematic meeting, and what it recorded."""

    __tablename__ = "council_meetings"
    __table_args__ = (UniqueConstraint("commune_id", "idempotency_key"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    commune_id: Mapped[str] = mapped_column(ForeignKey("communes.id"))
    kind: Mapped[str] = mapped_column(String(24))
    date: Mapped[dt.date] = mapped_column(Date)
    venue: Mapped[str] = mapped_column(String(300), default="")
    unit: Mapped[str] = mapped_column(String(200), default="")  # đơn vị bầu cử
    villages: Mapped[list[str]] = mapped_column(JSON, default=list)  # village ids
    delegates: Mapped[list[str]] = mapped_column(JSON, default=list)
    organiser: Mapped[str] = mapped_column(String(200), default="")
    attendance: Mapped[int] = mapped_column(Integer, default=0)
    session_id: Mapped[int | None] = mapped_column(
        ForeignKey("council_sessions.id", ondelete="SET NULL"), index=True
    )
    notes: Mapped[str] = mapped_column(Text, default="")
    idempotency_key: Mapped[str | None] = mapped_column(String(200))
    response: Mapped[dict[str, Any] | None] = mapped_column()
    created_by_staff_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_accounts.id", ondelete="SET NULL")
    )
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
