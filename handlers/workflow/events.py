"""The timeline entry of an action that keeps the petition's status (a summary, a session, a
group, a publication): one builder, so every such event carries the same fields."""

from __future__ import annotations

from typing import Any

from handlers.context import Txn
from handlers.workflow.changes import Actor
from storage.models import Petition, PetitionEvent


def same_status_event(
    txn: Txn,
    petition: Petition,
    actor: Actor,
    action: str,
    *,
    note: str = "",
    data: dict[str, Any] | None = None,
) -> PetitionEvent:
    """Add the event (status unchanged) to the transaction and touch the petition."""
    petition.updated_at = txn.now
    event = PetitionEvent(
        petition_id=petition.id,
        at=txn.now,
        actor_kind=actor.kind,
        actor_id=actor.id,
        actor_label=actor.label[:100],
        action=action,
        from_status=petition.status,
        to_status=petition.status,
        internal_note=note,
        data=data or {},
    )
    txn.session.add(event)
    return event
