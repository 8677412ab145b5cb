"""Live hand-offs: a citizen who asked for a person, the conversation staff answer from the
dashboard, and its messages (from the citizen, from staff, from the bot).

The citizen's side of the mode lives in their conversation row (the ``handoff`` flow), so no
other citizen's message costs a query; these rows hold what staff see. A citizen's words are
personal data: ``/xoadulieu`` deletes the messages and unlinks the conversation, which stays as
a count for the reports (opened, first response, closed).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.models.base import Base, BigId, utcnow


class HandoffConversation(Base):
    """One hand-off, open until staff close it, the citizen leaves it or it times out."""

    __tablename__ = "handoff_conversations"
    __table_args__ = (
        Index("ix_handoff_conversations_inbox", "commune_id", "status", "opened_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    commune_id: Mapped[str] = mapped_column(ForeignKey("communes.id"))
    identity_id: Mapped[int | None] = mapped_column(
        ForeignKey("channel_identities.id", ondelete="SET NULL"), index=True
    )
    channel: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default="open")  # open | closed
    assignee_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_accounts.id", ondelete="SET NULL")
    )
    assigned_at: Mapped[dt.datetime | None]
    opened_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    first_response_at: Mapped[dt.datetime | None]
    last_citizen_at: Mapped[dt.datetime | None]
    last_staff_at: Mapped[dt.datetime | None]
    # The citizen's oldest message staff have not answered yet (None: nobody is waiting).
    waiting_since: Mapped[dt.datetime | None]
    reminded_at: Mapped[dt.datetime | None]
    closed_at: Mapped[dt.datetime | None]
    closed_by: Mapped[str | None] = mapped_column(String(16))  # staff|citizen|timeout|erased
    closed_by_staff_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_accounts.id", ondelete="SET NULL")
    )
    petition_id: Mapped[int | None] = mapped_column(
        ForeignKey("petitions.id", ondelete="SET NULL")
    )

    messages: Mapped[list[HandoffMessage]] = relationship(
        order_by="HandoffMessage.id", lazy="raise", passive_deletes=True
    )


class HandoffMessage(Base):
    """One message of a hand-off; ``sender`` is citizen, staff or bot."""

    __tablename__ = "handoff_messages"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("handoff_conversations.id", ondelete="CASCADE"), index=True
    )
    sender: Mapped[str] = mapped_column(String(8))
    staff_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_accounts.id", ondelete="SET NULL")
    )
    text: Mapped[str] = mapped_column(Text)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
