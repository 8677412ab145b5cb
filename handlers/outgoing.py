"""What one transaction owes to people, written to the outbox at its end — one path for all.

Replies to the sender, notifications to other chat users (``push``) and notices to staff groups
(``notice``) are collected while a message or a staff action is handled, then ``write`` adds the
outbox rows and records the offered buttons in each recipient's conversation row
(``handlers.offered_buttons``), all in the caller's transaction.

Lock order (PostgreSQL): a transaction locks its own conversation row first, then the recipients'
(``handlers.workflow.petition_for_change`` takes them before the petition row), then the
petition. ``write`` takes any recipient row still unlocked last, in identity order.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from sqlalchemy.ext.asyncio import AsyncSession

from handlers import offered_buttons
from handlers.capabilities import Capabilities
from handlers.types import Reply
from storage import conversations, outbox
from storage import replies as replies_store
from storage.models import ChannelIdentity, ConversationState, OutboxMessage

CHOICES_BEFORE = "_choices_before"  # numbered choices earlier in the same answer (no buttons)


class NoticeTarget(NamedTuple):
    """A staff group that is told of new petitions (e.g. TELEGRAM_STAFF_CHAT_ID)."""

    channel: str
    recipient: str


@dataclass
class Push:
    identity: ChannelIdentity
    reply: Reply
    petition_id: int | None = None


@dataclass
class Notice:
    target: NoticeTarget
    reply: Reply
    petition_id: int | None = None


@dataclass
class Outgoing:
    """Messages for people other than the sender (or for the sender, later)."""

    pushes: list[Push] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)

    def push(
        self, identity: ChannelIdentity, reply: Reply, *, petition_id: int | None = None
    ) -> None:
        self.pushes.append(Push(identity, reply, petition_id))

    def notice(
        self, target: NoticeTarget, reply: Reply, *, petition_id: int | None = None
    ) -> None:
        self.notices.append(Notice(target, reply, petition_id))


@dataclass
class Sender:
    """The citizen whose message is being answered: replies go to them."""

    identity: ChannelIdentity
    state: ConversationState
    inbound_event_id: int | None
    inline: bool


def _numbered(reply: Reply) -> int:
    return sum(1 for b in reply.buttons if b.payload is not None and b.request is None)


def reply_rows(
    *,
    commune_id: str,
    now: dt.datetime,
    capabilities: dict[str, Capabilities],
    sender: Sender,
    replies: list[Reply],
) -> list[dict[str, Any]]:
    """The sender's replies as outbox rows (one Core INSERT), their buttons recorded first."""
    identity = sender.identity
    numbered = capabilities.get(identity.channel, Capabilities()).numbered_choices
    before = 0
    rows: list[dict[str, Any]] = []
    for reply in replies:
        body = reply.to_dict()
        if numbered and before:
            body[CHOICES_BEFORE] = before
        before += _numbered(reply)
        rows.append(
            replies_store.reply_values(
                commune_id=commune_id,
                channel=identity.channel,
                recipient=identity.external_user_id,
                identity_id=identity.id,
                body=body,
                now=now,
                inline=sender.inline,
                inbound_event_id=sender.inbound_event_id,
            )
        )
    if rows:
        offered_buttons.record(
            sender.state, [(reply, None, False) for reply in replies], batches=True
        )
    return rows


async def write(
    session: AsyncSession,
    *,
    commune_id: str,
    now: dt.datetime,
    capabilities: dict[str, Capabilities],
    out: Outgoing,
    sender: Sender | None = None,
    replies: list[Reply] | None = None,
) -> None:
    """Add the outbox rows and the offered-button records for everything collected."""
    planned: list[tuple[int | None, OutboxMessage, Reply, bool]] = []
    if sender is not None:
        rows = reply_rows(
            commune_id=commune_id,
            now=now,
            capabilities=capabilities,
            sender=sender,
            replies=replies or [],
        )
        # The buttons first (an autoflush, where the caller allows one, writes the state
        # once), and the replies get lower ids than any push below (a recipient's messages
        # leave in order).
        await replies_store.insert_replies(session, rows)
    for push in out.pushes:
        row = outbox.new_message(
            commune_id=commune_id,
            channel=push.identity.channel,
            recipient=push.identity.external_user_id,
            identity_id=push.identity.id,
            body=push.reply.to_dict(),
            now=now,
            kind="push",
            petition_id=push.petition_id,
        )
        planned.append((push.identity.id, row, push.reply, True))
    for notice in out.notices:
        row = outbox.new_message(
            commune_id=commune_id,
            channel=notice.target.channel,
            recipient=notice.target.recipient,
            body=notice.reply.to_dict(),
            now=now,
            kind="notice",
            petition_id=notice.petition_id,
        )
        planned.append((None, row, notice.reply, True))
    if not planned:
        out.pushes.clear()
        out.notices.clear()
        return
    session.add_all([row for _, row, _, _ in planned])
    await session.flush()  # the rows' ids, for the offered record of pushes
    by_identity: dict[int, list[tuple[Reply, int | None, bool]]] = {}
    for identity_id, row, reply, push in planned:
        if identity_id is not None:
            by_identity.setdefault(identity_id, []).append((reply, row.id, push))
    for identity_id in sorted(by_identity):
        sent = by_identity[identity_id]
        if sender is not None and identity_id == sender.identity.id:
            state = sender.state
        else:
            state = await conversations.lock_state(session, identity_id)
        pushes_part = [s for s in sent if s[2]]
        if pushes_part:
            offered_buttons.record(state, pushes_part, batches=False)
    out.pushes.clear()
    out.notices.clear()
