"""Knowledge entries stored in the database and the audit trail of their changes: queries only.

What may be saved is decided in ``handlers.kb_editing``; ``save`` writes the entry and its audit
row in the caller's transaction. ``version`` is what every process polls (the newest change's id):
one indexed lookup, cheap enough to run every few seconds.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import KnowledgeChange, KnowledgeEntry


async def version(session: AsyncSession, commune_id: str) -> int:
    """The id of the commune's newest change (0 when nothing was ever saved)."""
    found = await session.execute(
        select(func.max(KnowledgeChange.id)).where(KnowledgeChange.commune_id == commune_id)
    )
    return int(found.scalar() or 0)


async def entries(session: AsyncSession, commune_id: str) -> Sequence[KnowledgeEntry]:
    stmt = (
        select(KnowledgeEntry)
        .where(KnowledgeEntry.commune_id == commune_id)
        .order_by(KnowledgeEntry.entry_id)
    )
    return (await session.execute(stmt)).scalars().all()


async def get_entry(
    session: AsyncSession, commune_id: str, entry_id: str, *, lock: bool = False
) -> KnowledgeEntry | None:
    stmt = select(KnowledgeEntry).where(
        KnowledgeEntry.commune_id == commune_id, KnowledgeEntry.entry_id == entry_id
    )
    if lock:
        stmt = stmt.with_for_update()
    return (await session.execute(stmt)).scalar_one_or_none()


async def used_elsewhere(session: AsyncSession, commune_id: str, entry_id: str) -> bool:
    """Does another commune of this deployment already have an entry with this id?"""
    found = await session.execute(
        select(KnowledgeEntry.id)
        .where(KnowledgeEntry.entry_id == entry_id, KnowledgeEntry.commune_id != commune_id)
        .limit(1)
    )
    return found.first() is not None


async def save(
    session: AsyncSession,
    *,
    commune_id: str,
    entry_id: str,
    fields: dict[str, Any],
    disabled: bool,
    staff_id: int | None,
    staff_label: str,
    now: dt.datetime,
) -> tuple[KnowledgeEntry, KnowledgeChange]:
    """Create or replace the entry and record the change (action derived from before/after)."""
    row = await get_entry(session, commune_id, entry_id, lock=True)
    before = None
    if row is None:
        row = KnowledgeEntry(commune_id=commune_id, entry_id=entry_id, created_at=now)
        session.add(row)
        action = "disable" if disabled else "create"
    else:
        before = {"fields": dict(row.fields or {}), "disabled": bool(row.disabled)}
        if disabled and not row.disabled:
            action = "disable"
        elif row.disabled and not disabled:
            action = "enable"
        else:
            action = "update"
    row.fields = dict(fields)
    row.disabled = disabled
    row.updated_at = now
    row.updated_by_id = staff_id
    row.updated_by = staff_label[:200]
    change = KnowledgeChange(
        commune_id=commune_id,
        entry_id=entry_id,
        action=action,
        staff_id=staff_id,
        staff_label=staff_label[:200],
        before=before,
        after={"fields": dict(fields), "disabled": disabled},
        at=now,
    )
    session.add(change)
    await session.flush()
    return row, change


async def history(
    session: AsyncSession, commune_id: str, entry_id: str | None = None, *, limit: int = 50
) -> Sequence[KnowledgeChange]:
    """The newest changes first (of one entry, or of the whole commune)."""
    stmt = select(KnowledgeChange).where(KnowledgeChange.commune_id == commune_id)
    if entry_id is not None:
        stmt = stmt.where(KnowledgeChange.entry_id == entry_id)
    stmt = stmt.order_by(KnowledgeChange.id.desc()).limit(limit)
    return (await session.execute(stmt)).scalars().all()
