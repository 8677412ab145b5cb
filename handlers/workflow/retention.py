"""Automatic erasure of contact details once they are no longer needed — the rules.

Decree 13/2023/NĐ-CP asks that personal data be kept no longer than its purpose needs. A
petitioner's name and phone serve to call them back about that petition; once the petition has
ended (closed, rejected or merged as a duplicate) and a retention period has passed — long enough
for a late question or a reopening — they are erased, and the petition stays, anonymous, for
statistics. A citizen record that no petition still needs is erased too, and delivered chat
messages are deleted after a month. ``PERSONAL_DATA_RETENTION_DAYS`` sets the period.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from handlers.workflow.erasure import Redactor, scrub_petitions
from handlers.workflow.states import FINAL_STATES
from storage import retention as store
from storage.db import Database

log = logging.getLogger(__name__)

ENDED_STATES = FINAL_STATES
# Longer than any redelivery window (a redelivered message gets its stored replies again).
MESSAGE_RETENTION = dt.timedelta(days=30)


@dataclass(frozen=True)
class RetentionResult:
    """How many rows were anonymised or deleted (counts only)."""

    petitions: int
    citizens: int
    messages: int = 0


async def erase_expired(
    session: AsyncSession, commune_id: str, now: dt.datetime, retention: dt.timedelta
) -> RetentionResult:
    """Erase contact details of petitions that ended before ``now - retention``."""
    cutoff = now - retention
    expired = await store.ended_with_contacts(session, commune_id, ENDED_STATES, cutoff)
    for petition_id, name, phone in expired:
        # The name and phone may also stand in the texts: take them out there too.
        await scrub_petitions(session, [petition_id], Redactor([name], [phone]))
    if expired:
        await store.anonymise(session, [row.id for row in expired], now)
    # A citizen record is still needed while any of its petitions is open or ended recently.
    stale = await store.unneeded_citizens(session, commune_id, ENDED_STATES, cutoff)
    if stale:
        await store.erase_citizens(session, stale, now)
    # Delivered messages (summaries repeat names and phones) are kept only a short while.
    messages = await store.delete_finished_messages(session, commune_id, now - MESSAGE_RETENTION)
    return RetentionResult(petitions=len(expired), citizens=len(stale), messages=messages)


async def erase_expired_contacts(
    db: Database, commune_id: str, clock: Callable[[], dt.datetime], retention: dt.timedelta
) -> RetentionResult:
    """The periodic job: one transaction, a log line with counts only."""
    async with db.write() as session:
        result = await erase_expired(session, commune_id, clock(), retention)
    if result.petitions or result.citizens:
        log.info(
            "Đã tự động xóa thông tin liên hệ: %s kiến nghị, %s người",
            result.petitions,
            result.citizens,
        )
    return result
