"""Which village a chat user lives in, and whether they want the commune's announcements.

Remembered when a citizen files a petition naming a village, or with ``/thon``. A Zalo follower
is also tagged with the village's name on the OA (an outbox row of kind ``zalo_tag``, sent by the
Zalo sender: crash-safe, in order, never in the request), so the commune can see its followers by
village in OA Manager. ``/tatthongbao`` / ``/batthongbao`` turn announcements off and on.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.ext.asyncio import AsyncSession

from knowledge.profile import CommuneProfile
from storage import outbox, reach
from storage.models import ChannelIdentity

ZALO = "zalo"
TAG_KIND = "zalo_tag"


async def remember(
    session: AsyncSession,
    profile: CommuneProfile,
    identity: ChannelIdentity,
    village_id: str,
    now: dt.datetime,
) -> bool:
    """Store the village (and tag the Zalo follower); False when it is no village of ours."""
    village = profile.village(village_id)
    if village is None:
        return False
    prefs = await reach.prefs_for_update(session, profile.id, identity.id, now)
    prefs.village = village.id
    prefs.updated_at = now
    if identity.channel == ZALO and prefs.zalo_tag != village.name:
        session.add(
            outbox.new_message(
                commune_id=profile.id,
                channel=ZALO,
                recipient=identity.external_user_id,
                identity_id=identity.id,
                body={"tag": village.name[:60], "untag": prefs.zalo_tag or ""},
                now=now,
                kind=TAG_KIND,
            )
        )
        prefs.zalo_tag = village.name[:60]
    return True


async def set_announcements(
    session: AsyncSession, commune_id: str, identity_id: int, on: bool, now: dt.datetime
) -> None:
    prefs = await reach.prefs_for_update(session, commune_id, identity_id, now)
    prefs.announcements_off = not on
    prefs.updated_at = now
