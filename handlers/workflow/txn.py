"""Units of work for the staff side and the timers: one transaction, owed messages included.

The chat's ``Context`` already is a ``Txn``; a dashboard action, the staff API and the periodic
jobs open one here. ``petition_for_change`` locks in the order ``handlers.outgoing`` documents:
the conversation rows of everyone who will be told first, then the petition row.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable

from handlers import outgoing
from handlers.context import Services, Txn
from storage import conversations
from storage import petitions as repo
from storage.db import Database
from storage.models import Petition


@contextlib.asynccontextmanager
async def transaction(
    db: Database, services: Services, *, on_commit: Callable[[], None] | None = None
) -> AsyncIterator[Txn]:
    """A write transaction; what it owes to people is written to the outbox before it commits,
    and ``on_commit`` (the delivery worker's ``wake``) runs once it has."""
    async with db.write() as session:
        txn = Txn(session=session, services=services, now=services.clock())
        yield txn
        await outgoing.write(
            session,
            commune_id=services.commune_id,
            now=txn.now,
            capabilities=services.capabilities,
            out=txn.out,
        )
    if on_commit is not None:
        on_commit()


async def petition_for_change(txn: Txn, code: str) -> Petition | None:
    """The petition with this code in this commune, locked for a change (None if none)."""
    petition = await repo.get_by_code(txn.session, code)
    if petition is None or petition.commune_id != txn.services.commune_id:
        return None
    ids = sorted(identity.id for identity in await repo.recipients(txn.session, petition))
    for identity_id in ids:
        await conversations.lock_state(txn.session, identity_id)
    return await repo.get_by_code(txn.session, code, lock=True)
