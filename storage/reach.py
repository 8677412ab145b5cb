"""ZNS notices, village preferences and announcement deliveries (see ``storage.models.reach``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import IdentityPrefs, OutboxMessage, ZnsNotice


async def outbox_petition(session: AsyncSession, outbox_id: int) -> int | None:
    """The petition an outbox row tells about (None: not a petition notice)."""
    return await session.scalar(
        select(OutboxMessage.petition_id).where(OutboxMessage.id == outbox_id)
    )


async def zns_for_outbox(session: AsyncSession, outbox_id: int) -> ZnsNotice | None:
    return await session.scalar(select(ZnsNotice).where(ZnsNotice.outbox_id == outbox_id))


async def record_zns(
    session: AsyncSession,
    *,
    commune_id: str,
    petition_id: int,
    outbox_id: int,
    tracking_id: str,
    status: str,
    now: dt.datetime,
    error: str | None = None,
    zalo_msg_id: str | None = None,
) -> ZnsNotice:
    notice = ZnsNotice(
        commune_id=commune_id,
        petition_id=petition_id,
        outbox_id=outbox_id,
        tracking_id=tracking_id,
        status=status,
        error=error[:200] if error else None,
        zalo_msg_id=zalo_msg_id,
        sent_at=now,
    )
    session.add(notice)
    await session.flush()
    return notice


async def zns_received(session: AsyncSession, tracking_id: str, now: dt.datetime) -> bool:
    """Zalo's delivery receipt for a ZNS; False when the tracking id is not ours."""
    result = await session.execute(
        update(ZnsNotice)
        .where(ZnsNotice.tracking_id == tracking_id, ZnsNotice.status != "failed")
        .values(status="received", received_at=now)
    )
    return bool(result.rowcount)


async def zns_for_petition(session: AsyncSession, petition_id: int) -> Sequence[ZnsNotice]:
    stmt = select(ZnsNotice).where(ZnsNotice.petition_id == petition_id).order_by(ZnsNotice.id)
    return (await session.execute(stmt)).scalars().all()


async def prefs(session: AsyncSession, identity_id: int) -> IdentityPrefs | None:
    return await session.get(IdentityPrefs, identity_id)


async def prefs_for_update(
    session: AsyncSession, commune_id: str, identity_id: int, now: dt.datetime
) -> IdentityPrefs:
    """The preferences row of a chat user, created on first use."""
    row = await session.get(IdentityPrefs, identity_id)
    if row is None:
        row = IdentityPrefs(
            identity_id=identity_id, commune_id=commune_id, announcements_off=False, updated_at=now
        )
        session.add(row)
        await session.flush()
    return row


async def notice_reach(session: AsyncSession, petition_id: int) -> str | None:
    """How the citizen was told of this petition's latest change that missed the window:
    "zns_received" | "zns" (sent by ZNS) | "waiting" (nothing reached them yet) | None."""
    deferred = (
        (
            await session.execute(
                select(OutboxMessage.id).where(
                    OutboxMessage.petition_id == petition_id, OutboxMessage.status == "deferred"
                )
            )
        )
        .scalars()
        .all()
    )
    notices = {n.outbox_id: n for n in await zns_for_petition(session, petition_id)}
    if not deferred:
        return None
    latest = notices.get(max(deferred))
    if latest is None or latest.status == "failed":
        return "waiting"
    return "zns_received" if latest.status == "received" else "zns"


async def forget_prefs(session: AsyncSession, identity_id: int) -> None:
    """/xoadulieu: the village a chat user named goes with the rest of their data."""
    await session.execute(delete(IdentityPrefs).where(IdentityPrefs.identity_id == identity_id))
