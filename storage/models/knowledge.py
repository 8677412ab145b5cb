"""Knowledge entries edited on the dashboard, and the audit trail of every change.

``fields`` holds the entry fields of knowledge/README.md as the editor saved them; the bot hands
the rows to the knowledge loader, which checks and merges them over the bundled and
``KNOWLEDGE_DIR`` entries. Every change appends a ``KnowledgeChange`` in the same transaction:
its id is the version every process polls to know the knowledge base changed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, BigId, utcnow


class KnowledgeEntry(Base):
    """One entry of a commune's own, stored in the database."""

    __tablename__ = "kb_entries"
    __table_args__ = (UniqueConstraint("commune_id", "entry_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    commune_id: Mapped[str] = mapped_column(ForeignKey("communes.id"))
    entry_id: Mapped[str] = mapped_column(String(60), index=True)
    fields: Mapped[dict[str, Any]] = mapped_column(default=dict)
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_accounts.id", ondelete="SET NULL")
    )
    updated_by: Mapped[str] = mapped_column(String(200), default="")


class KnowledgeChange(Base):
    """Who changed which entry, when, from what to what."""

    __tablename__ = "kb_entry_changes"
    __table_args__ = (Index("ix_kb_entry_changes_version", "commune_id", "id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    commune_id: Mapped[str] = mapped_column(ForeignKey("communes.id"))
    entry_id: Mapped[str] = mapped_column(String(60), index=True)
    action: Mapped[str] = mapped_column(String(16))  # create | update | disable | enable
    staff_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_accounts.id", ondelete="SET NULL")
    )
    staff_label: Mapped[str] = mapped_column(String(200), default="")
    before: Mapped[dict[str, Any] | None]
    after: Mapped[dict[str, Any]] = mapped_column(default=dict)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
