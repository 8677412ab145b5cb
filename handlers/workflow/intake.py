"""A new petition, whoever files it: the citizen in chat or staff for a citizen met in person.

Both go through ``file_petition``: the petition with its tracking code and its first event, its
photos and files, and the staff groups' notice — in the caller's transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from handlers import villages
from handlers.context import Txn
from handlers.workflow.notices import queue_staff_notice
from handlers.workflow.similar import norm_content
from storage import petitions as repo
from storage.models import ChannelIdentity, Petition


async def file_petition(
    txn: Txn,
    *,
    actor: tuple[str, int | None, str],
    content: str,
    category: str,
    intake_channel: str,
    village: str | None = None,
    place_text: str | None = None,
    latitude: float | None = None,
    longitude: float | None = None,
    identity_id: int | None = None,
    citizen_id: int | None = None,
    contact_name: str | None = None,
    contact_phone: str | None = None,
    consent_at: dt.datetime | None = None,
    attachments: Sequence[dict[str, Any]] = (),
    created_by_staff_id: int | None = None,
) -> Petition:
    """Store a received petition (routed by its category) and tell the staff groups."""
    profile = txn.profile
    found = profile.category(category)
    anonymous = not (contact_name or contact_phone)
    petition = await repo.create_petition(
        txn.session,
        now=txn.now,
        event_actor=(actor[0], actor[1], actor[2][:100]),  # the event column holds 100
        attachments=list(attachments),
        commune_id=profile.id,
        category=category,
        committee=found.committee if found else None,
        village=village,
        place_text=place_text,
        latitude=latitude,
        longitude=longitude,
        content=content,
        content_norm=norm_content(content),  # whole: search and duplicate offers
        intake_channel=intake_channel,
        identity_id=identity_id,
        citizen_id=citizen_id,
        anonymous=anonymous,
        contact_name=contact_name,
        contact_phone=contact_phone,
        consent_at=consent_at,
        created_by_staff_id=created_by_staff_id,
    )
    queue_staff_notice(txn, petition)
    if village and identity_id is not None:
        identity = await txn.session.get(ChannelIdentity, identity_id)
        if identity is not None:  # remembered for the village's announcements
            await villages.remember(txn.session, profile, identity, village, txn.now)
    return petition
