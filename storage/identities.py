"""Channel identities: who is writing, on which channel."""

from __future__ import annotations

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import ChannelIdentity
from storage.upsert import insert_ignore


def _by_key(
    commune_id: str, channel: str, external_user_id: str
) -> Select[tuple[ChannelIdentity]]:
    return select(ChannelIdentity).where(
        ChannelIdentity.commune_id == commune_id,
        ChannelIdentity.channel == channel,
        ChannelIdentity.external_user_id == external_user_id,
    )


async def get_or_create_identity(
    session: AsyncSession, commune_id: str, channel: str, external_user_id: str
) -> ChannelIdentity:
    """The identity for this user, created on first contact (safe under concurrency).

    Every message comes through here, and nearly every one is from someone already known: look
    first, insert only when missing (an INSERT … ON CONFLICT for every message would also spend a
    PostgreSQL sequence value each time).
    """
    stmt = _by_key(commune_id, channel, external_user_id)
    found = (await session.execute(stmt)).scalar_one_or_none()
    if found is not None:
        return found
    await insert_ignore(
        session,
        ChannelIdentity,
        {"commune_id": commune_id, "channel": channel, "external_user_id": external_user_id},
        ["commune_id", "channel", "external_user_id"],
    )
    return (await session.execute(stmt)).scalar_one()  # ours, or a concurrent first message's


async def find_identity(
    session: AsyncSession, commune_id: str, channel: str, external_user_id: str
) -> ChannelIdentity | None:
    stmt = _by_key(commune_id, channel, external_user_id)
    return (await session.execute(stmt)).scalar_one_or_none()
