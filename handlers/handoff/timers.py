"""The hand-off's periodic work and figures: reminding the office of citizens left waiting,
forgetting old conversations' words, and the report's counts.

The reminder goes to the staff groups (``Services.staff_notices``) once per wait, with the
conversations' numbers only — never a citizen's name, number or words.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Callable
from dataclasses import dataclass

from handlers.context import Services
from handlers.handoff.hours import working_seconds
from handlers.texts.handoff import HandoffTexts
from handlers.types import Reply
from handlers.workflow.txn import transaction
from storage import handoff as repo
from storage.db import Database


async def remind_unanswered(
    db: Database, services: Services, *, on_commit: Callable[[], None] | None = None
) -> int:
    """Tell the office about conversations waiting longer than the profile's working hours;
    returns how many were reminded of (each once per wait)."""
    profile = services.profile
    limit = profile.handoff.remind_after_working_hours * 3600
    async with transaction(db, services, on_commit=on_commit) as txn:
        rows = await repo.waiting(txn.session, profile.id)
        due = [
            c
            for c in rows
            if c.waiting_since is not None
            and working_seconds(c.waiting_since, txn.now, profile) >= limit
        ]
        if not due:
            return 0
        text = HandoffTexts.of(services.texts).reminder(
            count=len(due),
            hours=profile.handoff.remind_after_working_hours,
            ids=", ".join(f"#{c.id}" for c in due),
        )
        for target in services.staff_notices:
            txn.out.notice(target, Reply(text=text))
        await repo.mark_reminded(txn.session, [c.id for c in due], txn.now)
    return len(due)


async def forget_old_messages(
    db: Database, commune_id: str, clock: Callable[[], dt.datetime], retention: dt.timedelta
) -> int:
    """The words of conversations closed longer ago than the personal-data retention."""
    async with db.write() as session:
        return await repo.purge_closed_before(session, commune_id, clock() - retention)


@dataclass(frozen=True)
class HandoffFigures:
    """Hand-offs opened in a period, how many got an answer, and the median first response."""

    opened: int
    answered: int
    median_first_response: dt.timedelta | None


def figures(timings: list[repo.Timing]) -> HandoffFigures:
    waits = [
        (t.first_response_at - t.opened_at).total_seconds()
        for t in timings
        if t.first_response_at is not None
    ]
    median = dt.timedelta(seconds=statistics.median(waits)) if waits else None
    return HandoffFigures(len(timings), len(waits), median)


async def period_figures(
    db: Database, commune_id: str, start: dt.datetime, end: dt.datetime
) -> HandoffFigures:
    async with db.read() as session:
        return figures(await repo.timings(session, commune_id, start, end))
