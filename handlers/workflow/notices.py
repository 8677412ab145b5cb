"""Telling the staff group(s) a petition arrived: code, category, village — nothing personal.

The targets are ``Services.staff_notices`` (typed ``NoticeTarget`` values a channel adds when it is
configured for it, e.g. TELEGRAM_STAFF_CHAT_ID).
"""

from __future__ import annotations

from handlers.context import Txn
from handlers.outgoing import NoticeTarget
from handlers.texts.staff_notices import StaffNoticeTexts
from handlers.texts.workflow import WorkflowTexts
from handlers.types import Reply
from storage.models import Petition

__all__ = ["NoticeTarget", "queue_staff_notice"]


def queue_staff_notice(txn: Txn, petition: Petition) -> int:
    """Queue the notice for every staff group; returns how many were queued."""
    profile = txn.profile
    t = StaffNoticeTexts.of(txn.texts)
    category = profile.category(petition.category)
    village = profile.village(petition.village) if petition.village else None
    text = t.new_petition(
        code=petition.code,
        category=category.name if category else petition.category,
        village=village.name if village else (petition.village or t.no_village()),
        channel=WorkflowTexts.of(txn.texts).intake_channel.text(
            petition.intake_channel, petition.intake_channel
        ),
    )
    targets = txn.services.staff_notices
    for target in targets:
        txn.out.notice(
            target,
            Reply(text=text, meta={"petition_code": petition.code}),
            petition_id=petition.id,
        )
    return len(targets)
