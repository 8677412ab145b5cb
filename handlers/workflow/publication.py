"""Publishing a petition's result on the public page (``/cong-khai``), and withdrawing it.

Nothing is public by default: only a staff member's explicit choice sets ``public_at``, and
withdrawing clears it at once (the page reads the database on every request). Each choice is an
event in the timeline; the citizen is not notified (their words are never shown unmasked).
"""

from __future__ import annotations

from handlers.context import Txn
from handlers.workflow.changes import Actor
from handlers.workflow.events import same_status_event
from storage.models import Petition, PetitionEvent


async def set_public(
    txn: Txn, petition: Petition, actor: Actor, public: bool, public_text: bool | None = None
) -> PetitionEvent | None:
    """Show (``public``) or withdraw the petition; None when nothing changes."""
    text = petition.public_text if public_text is None else public_text
    if bool(petition.public_at) == public and (not public or text == petition.public_text):
        return None
    petition.public_at = txn.now if public else None
    petition.public_text = bool(text) if public else False
    event = same_status_event(
        txn,
        petition,
        actor,
        "publish" if public else "unpublish",
        data={"public_text": petition.public_text} if public else {},
    )
    await txn.session.flush()
    return event
