"""What happens to a petition when nobody acts: the answer nobody rated closes by itself.

``close_unrated`` runs every few minutes (``bot.runtime``): answered petitions nobody rated within
``petitions.satisfaction_timeout_days`` are closed (actor: the system) and the citizen is told.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from handlers.context import Services
from handlers.texts.followup import FollowupTexts
from handlers.texts.workflow import WorkflowTexts
from handlers.workflow.actions import close
from handlers.workflow.changes import Actor, Change
from handlers.workflow.txn import petition_for_change, transaction
from storage import petitions as repo
from storage.db import Database

NO_RESPONSE = "no_response"


async def close_unrated(
    db: Database,
    services: Services,
    *,
    limit: int = 50,
    on_commit: Callable[[], None] | None = None,
) -> int:
    """Close answered petitions nobody rated in time; returns how many were closed."""
    profile = services.profile
    days = profile.petitions.satisfaction_timeout_days
    cutoff = services.clock() - dt.timedelta(days=days)
    async with db.read() as session:
        due = await repo.answered_unrated(session, profile.id, cutoff, limit, lock=False)
        codes = [p.code for p in due]
    closed = 0
    for code in codes:  # one transaction each, locked in the usual order
        async with transaction(db, services) as txn:
            petition = await petition_for_change(txn, code)
            if petition is None or petition.status != "answered" or petition.satisfaction:
                continue
            petition.satisfaction = NO_RESPONSE
            note = FollowupTexts.of(txn.texts).auto_closed_note(days=days)
            actor = Actor("system", None, WorkflowTexts.of(txn.texts).actor_system())
            await close(
                txn,
                petition,
                actor,
                Change(public_note=note, data={"auto": True, "satisfaction": NO_RESPONSE}),
            )
            closed += 1
    if closed and on_commit is not None:
        on_commit()
    return closed
