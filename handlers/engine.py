"""The conversation engine: one message in, one transaction, replies out.

For each ``Inbound`` it records the event (a redelivery stops here), finds the user, locks their
state, routes the message, and writes the new state, the replies and any notifications to the
outbox — all in one transaction, so a crash at any point leaves either everything or nothing.
Channels deliver the outbox afterwards; the web chat also gets the replies in its HTTP response.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from handlers import outgoing, router
from handlers.context import Context, Services
from handlers.registry import Registry
from handlers.sanitize import clean_inbound
from handlers.types import Inbound, Reply
from storage import conversations, inbound, outbox, senders, unanswered
from storage.communes import ensure_commune
from storage.db import Database
from storage.message_txn import MessageTxn, SenderSave
from storage.models import ChannelIdentity

log = logging.getLogger(__name__)


@dataclass
class HandleResult:
    """What became of one inbound message."""

    replies: list[Reply] = field(default_factory=list)
    duplicate: bool = False
    inbound_event_id: int | None = None


class Engine:
    """Handles messages for one commune profile; safe to share between concurrent tasks."""

    def __init__(
        self,
        db: Database,
        services: Services,
        registry: Registry,
        on_commit: Callable[[], None] | None = None,
    ) -> None:
        self.db = db
        self.services = services
        self.registry = registry
        self.on_commit = on_commit

    async def setup(self) -> None:
        """Make sure the commune row exists (idempotent, run at start)."""
        async with self.db.write() as session:
            await ensure_commune(session, self.services.profile.id, self.services.profile.name)

    async def handle(self, message: Inbound) -> HandleResult:
        """Handle one message; a redelivered one returns the replies it got the first time."""
        message = clean_inbound(message)
        commune_id = message.commune_id or self.services.commune_id
        now = self.services.clock()
        async with self.db.message() as txn:
            # One statement: the identity, its locked state, and whether a petition waits for
            # their answer or a deferred message for their next one (``storage.senders``).
            sender = await txn.lock_sender(commune_id, message.channel, message.user_key, now)
            identity, state = sender.identity, sender.state
            event_id = None
            if message.external_id:
                event_id = await txn.record_inbound(
                    commune_id, message.channel, message.external_id, now, identity.id
                )
                if event_id is None:
                    session = txn.session
                    previous = await inbound.find_inbound(
                        session, message.channel, message.external_id
                    )
                    rows = await outbox.replies_for_event(session, previous) if previous else []
                    return HandleResult(
                        replies=[Reply.from_dict(r.body) for r in rows],
                        duplicate=True,
                        inbound_event_id=previous,
                    )
            touched = senders.touch(identity, now)  # written with the state (``_save``)
            if not identity.active and message.event != "unfollow":
                identity.active = True
                identity.blocked_at = None
            requeued = (
                await outbox.requeue_deferred(txn.session, identity.id, now)
                if sender.deferred
                else 0
            )

            ctx = Context(
                open_session=lambda: txn.session,
                services=self.services,
                routing=self.registry,
                inbound=message,
                identity=identity,
                state=state,
                now=now,
                inbound_event_id=event_id,
                may_await_answer=sender.awaiting_answer,
            )
            await router.dispatch(ctx, self.registry)
            # The worker is woken only for rows it has to send: a web reply is in the response.
            to_send = bool(
                requeued
                or ctx.out.pushes
                or ctx.out.notices
                or (ctx.replies and not ctx.capabilities.inline_replies)
            )
            await self._save(ctx, txn, touched=touched)
            replies = list(ctx.replies)
        if to_send:
            self._committed()
        return HandleResult(replies=replies, inbound_event_id=event_id)

    async def _save(self, ctx: Context, txn: MessageTxn, *, touched: bool) -> None:
        ctx.state.message_count = (ctx.state.message_count or 0) + 1
        ctx.state.updated_at = ctx.now
        sender = outgoing.Sender(
            identity=ctx.identity,
            state=ctx.state,
            inbound_event_id=ctx.inbound_event_id,
            inline=ctx.capabilities.inline_replies,
        )
        if ctx.out.pushes or ctx.out.notices:
            # No autoflush of the state by the INSERTs: ``save_sender`` writes it below.
            with ctx.session.no_autoflush:
                await outgoing.write(
                    ctx.session,
                    commune_id=ctx.commune_id,
                    now=ctx.now,
                    capabilities=self.services.capabilities,
                    out=ctx.out,
                    sender=sender,
                    replies=ctx.replies,
                )
            rows = []
        else:  # the common case: replies only, written with the state (``storage.senders``)
            rows = outgoing.reply_rows(
                commune_id=ctx.commune_id,
                now=ctx.now,
                capabilities=self.services.capabilities,
                sender=sender,
                replies=ctx.replies,
            )
        await txn.save_sender(SenderSave(ctx.identity, ctx.state, ctx.now, rows, touched))
        for text, band, suggestions in ctx.unanswered:
            await unanswered.record_unanswered(
                ctx.session, ctx.commune_id, text, ctx.now, band=band, suggestions=suggestions
            )

    def _committed(self) -> None:
        if self.on_commit is not None:
            self.on_commit()

    async def expire_flows(self, limit: int = 100) -> int:
        """Close flows nobody touched before their expiry and tell their users (a sweeper)."""
        now = self.services.clock()
        closed = 0
        async with self.db.write() as session:
            states = await conversations.lock_expired_states(session, now, limit)
            for state in states:
                identity = await session.get(ChannelIdentity, state.identity_id)
                if identity is None:
                    continue
                ctx = Context(
                    session=session,
                    services=self.services,
                    routing=self.registry,
                    inbound=Inbound(
                        channel=identity.channel,
                        user_key=identity.external_user_id,
                        event="expire",
                    ),
                    identity=identity,
                    state=state,
                    now=now,
                )
                await router.expire_flow(ctx)
                # Nobody asked: these are pushes, not replies to a message.
                for reply in ctx.replies:
                    ctx.push(identity, reply)
                ctx.replies.clear()
                state.updated_at = now
                await outgoing.write(
                    session,
                    commune_id=ctx.commune_id,
                    now=now,
                    capabilities=self.services.capabilities,
                    out=ctx.out,
                    sender=outgoing.Sender(identity, state, None, False),
                )
                closed += 1
        if closed:
            self._committed()
        return closed
