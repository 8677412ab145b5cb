"""The sender of a message, found and locked in one statement — the hot path of every message.

One SELECT joins the identity to its conversation row (locked on PostgreSQL with ``FOR UPDATE OF
conversation_states``; SQLite serialises every writer with ``BEGIN IMMEDIATE``) and answers two
questions the engine would otherwise ask with a statement each on every message: does a petition
of theirs wait for their answer (the follow-up interceptor reads petitions only then), and did the
platform defer any message to them (re-queued only then). A first message, or an identity made
elsewhere without its row, takes the slower path once.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage import outbox
from storage.models import ChannelIdentity, ConversationState, OutboxMessage, Petition
from storage.upsert import insert_ignore

NEEDS_INFO = "needs_info"  # the petition status whose question the citizen's next message answers


@dataclass
class LockedSender:
    """The identity, its locked conversation row, and what the engine needs to know of them."""

    identity: ChannelIdentity
    state: ConversationState
    awaiting_answer: bool  # a petition of theirs is in needs_info
    deferred: bool  # messages to them wait for their next message (Zalo's window)


_AWAITING = (
    exists()
    .where(
        Petition.identity_id == ChannelIdentity.id,
        Petition.commune_id == ChannelIdentity.commune_id,
        Petition.status == NEEDS_INFO,
    )
    .label("awaiting")
)
_DEFERRED = (
    exists()
    .where(
        OutboxMessage.identity_id == ChannelIdentity.id, OutboxMessage.status == outbox.DEFERRED
    )
    .label("deferred")
)


# Built once: no statement construction or cache-key generation per message (the values are
# bound parameters).
_SENDER = (
    select(ChannelIdentity, ConversationState, _AWAITING, _DEFERRED)
    .join(ConversationState, ConversationState.identity_id == ChannelIdentity.id)
    .where(
        ChannelIdentity.commune_id == bindparam("commune_id"),
        ChannelIdentity.channel == bindparam("channel"),
        ChannelIdentity.external_user_id == bindparam("external_user_id"),
    )
    .with_for_update(of=ConversationState)
    .execution_options(populate_existing=True)
)
_IDENTITY_ID = select(ChannelIdentity.id).where(
    ChannelIdentity.commune_id == bindparam("commune_id"),
    ChannelIdentity.channel == bindparam("channel"),
    ChannelIdentity.external_user_id == bindparam("external_user_id"),
)


async def lock_sender(
    session: AsyncSession, commune_id: str, channel: str, external_user_id: str
) -> LockedSender:
    """The sender's identity and locked state (both created on first contact)."""
    key = {"commune_id": commune_id, "channel": channel, "external_user_id": external_user_id}
    row = (await session.execute(_SENDER, key)).one_or_none()
    if row is None:
        # First contact: insert both rows (a concurrent first message's win is fine), then the
        # same statement locks them.
        identity_id = await insert_ignore(session, ChannelIdentity, key, list(key))
        if identity_id is None:
            identity_id = (await session.execute(_IDENTITY_ID, key)).scalar_one()
        await insert_ignore(
            session, ConversationState, {"identity_id": identity_id, "data": {}}, ["identity_id"]
        )
        row = (await session.execute(_SENDER, key)).one()
    identity, state, awaiting, deferred = row
    return LockedSender(identity, state, bool(awaiting), bool(deferred))
