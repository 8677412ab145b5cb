"""What a handler sees while it answers one message: the session, the user, their state.

Everything a handler does goes through the context and lands in one transaction: the state change,
the replies and any notification to other people (``push``). The engine commits them together.

``Services`` are the long-lived parts every handler and the petition workflow use; ``Txn`` is
one unit of work (a session, the time, what is owed to people) — a ``Context`` is one, and the
staff side opens one with ``handlers.workflow.transaction``.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from handlers.capabilities import PLAIN, Capabilities
from handlers.memory import Remembered, is_remembered
from handlers.outgoing import NoticeTarget, Outgoing
from handlers.payloads import FlowChoice
from handlers.texts import Texts
from handlers.types import Button, Inbound, Reply
from knowledge import KnowledgeBase, Matcher
from knowledge.profile import CommuneProfile
from storage.models import ChannelIdentity, ConversationState, utcnow

T = TypeVar("T")


@dataclass
class Services:
    """Long-lived things every handler may use; built once at start."""

    profile: CommuneProfile
    kb: KnowledgeBase
    matcher: Matcher
    texts: Texts
    clock: Callable[[], dt.datetime] = utcnow
    # What each channel can show, for messages pushed to it later (channels register theirs).
    capabilities: dict[str, Capabilities] = field(default_factory=dict)
    # Staff groups told of every new petition (channels add theirs when configured).
    staff_notices: list[NoticeTarget] = field(default_factory=list)
    # Where this server is reached from outside (links in citizens' messages and staff e-mail).
    public_url: str = "http://127.0.0.1:8080"
    # PERSONAL_DATA_RETENTION_DAYS: contact details are erased this long after a petition ends;
    # the consent question says so.
    personal_data_retention_days: int = 365

    @property
    def commune_id(self) -> str:
        return self.profile.id

    @property
    def flow_ttl(self) -> dt.timedelta:
        """How long an untouched flow stays open (the petition draft's expiry)."""
        return dt.timedelta(hours=self.profile.petitions.draft_expiry_hours)

    def capabilities_of(self, channel: str) -> Capabilities:
        return self.capabilities.get(channel, PLAIN)


@dataclass
class Txn:
    """One unit of work: everything in it is committed together, or nothing."""

    session: AsyncSession
    services: Services
    now: dt.datetime
    out: Outgoing = field(default_factory=Outgoing)

    @property
    def profile(self) -> CommuneProfile:
        return self.services.profile

    @property
    def texts(self) -> Texts:
        return self.services.texts


class FlowHandle(Protocol):
    """What the context and the router need of a flow (``handlers.flow.Flow``)."""

    name: str

    async def prompt(self, ctx: Context) -> None: ...

    async def handle(self, ctx: Context, value: str | None) -> None: ...

    async def on_cancel(self, ctx: Context) -> None: ...

    async def on_expire(self, ctx: Context) -> str: ...

    async def on_menu(self, ctx: Context) -> str | None: ...


class Routing(Protocol):
    """What a handler may ask of the registry (``handlers.registry.Registry``)."""

    def flow_named(self, name: str | None) -> FlowHandle | None: ...

    def routed_elsewhere(self, text: str) -> bool: ...

    def trigger_for(self, text: str) -> tuple[str, str] | None: ...

    def intent_handler(self, intent: str) -> Callable[[Context, Any], Awaitable[None]]: ...


Interceptor = Callable[["Context"], Awaitable["bool | Inbound"]]


class Context(Txn):
    """One message being handled."""

    def __init__(
        self,
        *,
        session: AsyncSession | None = None,
        open_session: Callable[[], AsyncSession] | None = None,
        services: Services,
        routing: Routing,
        inbound: Inbound,
        identity: ChannelIdentity,
        state: ConversationState,
        now: dt.datetime,
        inbound_event_id: int | None = None,
        may_await_answer: bool = True,
    ) -> None:
        # The session may be opened only when a handler first asks (``storage.message_txn``):
        # a FAQ answer needs none.
        self._open_session = open_session
        super().__init__(session=session, services=services, now=now)  # type: ignore[arg-type]
        # False when no petition of this sender waits for their answer (known from the one
        # statement that locked their state): the follow-up interceptor then reads nothing.
        self.may_await_answer = may_await_answer
        self.routing = routing
        self.inbound = inbound
        self.identity = identity
        self.state = state
        self.inbound_event_id = inbound_event_id
        self.replies: list[Reply] = []
        self.unanswered: list[tuple[str, str, tuple[str, ...]]] = []

    @property  # type: ignore[override]
    def session(self) -> AsyncSession:
        if self._session is None:
            if self._open_session is None:
                raise RuntimeError("this context has no database session")
            self._session = self._open_session()
        return self._session

    @session.setter
    def session(self, value: AsyncSession | None) -> None:
        self._session = value

    # --- shortcuts -------------------------------------------------------------------------

    @property
    def commune_id(self) -> str:
        return self.identity.commune_id

    @property
    def capabilities(self) -> Capabilities:
        """What the sender's channel can show (sent with the message, else registered)."""
        given = self.inbound.capabilities
        return given if given is not None else self.services.capabilities_of(self.identity.channel)

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
        self, identity: ChannelIdentity, reply: Reply, *, petition_id: int | None = None
    ) -> None:
        """Queue a message to another identity (a follower) in this same transaction."""
        self.out.push(identity, reply, petition_id=petition_id)

    # --- flow state ------------------------------------------------------------------------

    @property
    def flow(self) -> str | None:
        return self.state.flow

    @property
    def step(self) -> str | None:
        return self.state.step

    @property
    def active_flow(self) -> FlowHandle | None:
        return self.routing.flow_named(self.state.flow)

    def draft_data(self) -> dict[str, Any]:
        """The active flow's draft as stored (``handlers.flow.Flow.draft`` types it)."""
        return {k: v for k, v in (self.state.data or {}).items() if not is_remembered(k)}

    def set_draft_data(self, values: dict[str, Any]) -> None:
        self.state.data = {**self._remembered(), **values}

    def begin_flow(
        self, name: str, step: str, draft: dict[str, Any], ttl: dt.timedelta | None = None
    ) -> None:
        """Make ``name`` the active flow, with a fresh token that old buttons will not carry."""
        self.state.flow = name
        self.state.step = step
        self.state.token = secrets.token_hex(4)
        self.state.data = {**self._remembered(), **draft}
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
        self.state.data = self._remembered()
        self.state.expires_at = None

    def button(self, text: str, value: str) -> Button:
        """A button bound to the current flow step; a stale or foreign press is recognised."""
        choice = FlowChoice(self.state.token or "", self.state.step or "", value)
        return Button(text=text, payload=choice.encode())

    # --- values that outlive flows ------------------------------------------------------------

    def _remembered(self) -> dict[str, Any]:
        return {k: v for k, v in (self.state.data or {}).items() if is_remembered(k)}

    def recall(self, memory: Remembered[T]) -> T | None:
        return memory.read(self.state.data)

    def remember(self, memory: Remembered[T], value: T) -> None:
        self.state.data = {**(self.state.data or {}), memory.key: memory.dump(value)}

    def forget(self, memory: Remembered[Any]) -> None:
        self.state.data = {k: v for k, v in (self.state.data or {}).items() if k != memory.key}

    def forget_everything(self) -> None:
        """No flow, no draft, nothing remembered (the citizen's data was erased)."""
        self.end_flow()
        self.state.data = {}

    def record_unanswered(self, text: str, band: str, suggestions: tuple[str, ...] = ()) -> None:
        """Count a message the bot could not answer well (stored with this transaction)."""
        self.unanswered.append((text, band, suggestions))
