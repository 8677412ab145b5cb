"""What a handler sees while it answers one message: the session, the user, their state.

Everything a handler does goes through the context and lands in one transaction: the state change,
the replies and any notification to other people (``push``). The engine commits them together.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy.ext.asyncio import AsyncSession

from handlers.types import Button, Inbound, Reply
from knowledge.profile import CommuneProfile
from storage import outbox
from storage.models import ChannelIdentity, ConversationState, utcnow

if TYPE_CHECKING:
    from handlers.router import Registry
    from knowledge import KnowledgeBase, Matcher

WEB_CHANNEL = "web"


@dataclass
class Services:
    """Long-lived things every handler may use; built once at start."""

    profile: CommuneProfile
    kb: KnowledgeBase
    matcher: Matcher
    clock: Callable[[], dt.datetime] = utcnow
    # Channels whose replies travel in the HTTP response rather than through the outbox worker.
    inline_channels: frozenset[str] = frozenset({WEB_CHANNEL})
    settings: dict[str, Any] = field(default_factory=dict)

    @property
    def commune_id(self) -> str:
        return self.profile.id

    @property
    def flow_ttl(self) -> dt.timedelta:
        """How long an untouched flow stays open (the petition draft's expiry)."""
        return dt.timedelta(hours=self.profile.petitions.draft_expiry_hours)


@dataclass
class Push:
    """A message for someone other than the sender (or for the sender, later)."""

    channel: str
    recipient: str
    identity_id: int | None
    reply: Reply
    petition_id: int | None = None


class Context:
    """One message being handled."""

    def __init__(
        self,
        *,
        session: AsyncSession,
        services: Services,
        registry: Registry,
        inbound: Inbound,
        identity: ChannelIdentity,
        state: ConversationState,
        now: dt.datetime,
        inbound_event_id: int | None = None,
    ) -> None:
        self.session = session
        self.services = services
        self.registry = registry
        self.inbound = inbound
        self.identity = identity
        self.state = state
        self.now = now
        self.inbound_event_id = inbound_event_id
        self.replies: list[Reply] = []
        self.pushes: list[Push] = []
        self.unanswered: list[tuple[str, str, tuple[str, ...]]] = []

    # --- shortcuts -------------------------------------------------------------------------

    @property
    def profile(self) -> CommuneProfile:
        return self.services.profile

    @property
    def commune_id(self) -> str:
        return self.identity.commune_id

    def reply(
        self,
        text: str,
        buttons: list[Button] | None = None,
        meta: dict[str, Any] | None = None,
    ) -> Reply:
        """Queue a reply to the sender."""
        message = Reply(text=text, buttons=list(buttons or []), meta=dict(meta or {}))
        self.replies.append(message)
        return message

    def push(
        self,
        identity: ChannelIdentity,
        reply: Reply,
        *,
        petition_id: int | None = None,
    ) -> None:
        """Queue a message to another identity (a follower) in this same transaction."""
        self.pushes.append(
            Push(
                channel=identity.channel,
                recipient=identity.external_user_id,
                identity_id=identity.id,
                reply=reply,
                petition_id=petition_id,
            )
        )

    # --- flow state ------------------------------------------------------------------------

    @property
    def flow(self) -> str | None:
        return self.state.flow

    @property
    def step(self) -> str | None:
        return self.state.step

    @property
    def data(self) -> dict[str, Any]:
        """The active flow's data; assign through ``update_data`` so the change is saved."""
        return dict(self.state.data or {})

    def update_data(self, **values: Any) -> None:
        data = dict(self.state.data or {})
        data.update(values)
        self.state.data = data

    def begin_flow(
        self,
        name: str,
        step: str,
        data: dict[str, Any] | None = None,
        ttl: dt.timedelta | None = None,
    ) -> None:
        """Make ``name`` the active flow, with a fresh token that old buttons will not carry."""
        self.state.flow = name
        self.state.step = step
        self.state.token = secrets.token_hex(4)
        self.state.data = {**self.sticky, **(data or {})}
        self.state.expires_at = self.now + (ttl or self.services.flow_ttl)

    def set_step(self, step: str) -> None:
        self.state.step = step

    def touch_flow(self, ttl: dt.timedelta | None = None) -> None:
        """Push the flow's expiry forward: the user is still here."""
        if self.state.flow:
            self.state.expires_at = self.now + (ttl or self.services.flow_ttl)

    def end_flow(self) -> None:
        self.state.flow = None
        self.state.step = None
        self.state.token = None
        self.state.data = self.sticky
        self.state.expires_at = None

    @property
    def sticky(self) -> dict[str, Any]:
        """Keys starting with "_" outlive flows (e.g. ``_village`` from a village QR code)."""
        return {k: v for k, v in (self.state.data or {}).items() if k.startswith("_")}

    def remember(self, key: str, value: Any) -> None:
        """Store a sticky preference that outlives flows."""
        self.update_data(**{"_" + key.lstrip("_"): value})

    def button(self, text: str, value: str) -> Button:
        """A button bound to the current flow step; a stale or foreign press is recognised."""
        return Button(text=text, payload=f"f:{self.state.token}:{self.state.step}:{value}")

    def record_unanswered(self, text: str, band: str, suggestions: tuple[str, ...] = ()) -> None:
        """Count a message the bot could not answer well (stored with this transaction)."""
        self.unanswered.append((text, band, suggestions))

    def outbox_rows(self) -> list[Any]:
        """The outbox rows for this message's replies and pushes."""
        rows = []
        inline = self.identity.channel in self.services.inline_channels
        for reply in self.replies:
            rows.append(
                outbox.new_message(
                    commune_id=self.commune_id,
                    channel=self.identity.channel,
                    recipient=self.identity.external_user_id,
                    identity_id=self.identity.id,
                    body=reply.to_dict(),
                    now=self.now,
                    kind="reply",
                    status=outbox.SENT if inline else outbox.PENDING,
                    inbound_event_id=self.inbound_event_id,
                )
            )
        for push in self.pushes:
            rows.append(
                outbox.new_message(
                    commune_id=self.commune_id,
                    channel=push.channel,
                    recipient=push.recipient,
                    identity_id=push.identity_id,
                    body=push.reply.to_dict(),
                    now=self.now,
                    kind="push",
                    petition_id=push.petition_id,
                )
            )
        return rows
