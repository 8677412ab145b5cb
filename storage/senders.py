"""The sender of a message, found and locked in one statement — the hot path of every message.

One SELECT joins the identity to its conversation row (locked on PostgreSQL with ``FOR UPDATE OF
conversation_states``; SQLite serialises every writer with ``BEGIN IMMEDIATE``) and answers two
questions the engine would otherwise ask with a statement each on every message: does a petition
of theirs wait for their answer (the follow-up interceptor reads petitions only then), and did the
platform defer any message to them (re-queued only then). A first message inserts both rows and
uses them as inserted; an identity made elsewhere without its row takes a slower path once.

At the end of the message ``save_sender`` writes the replies, the state row and the identity's
``last_inbound_at`` in Core — on PostgreSQL as one INSERT whose CTEs are the two UPDATEs —
instead of an ORM flush. ``last_inbound_at`` is "last seen" to the minute: a burst of messages
writes it once (as Discourse throttles ``last_seen_at``), which saves SQLite a statement on most
messages of a conversation.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import bindparam, exists, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.instrumentation import manager_of_class

from storage import outbox
from storage.models import ChannelIdentity, ConversationState, OutboxMessage, Petition, utcnow
from storage.replies import INSERT_REPLY, REPLY_COLUMNS
from storage.upsert import insert_ignore

T = TypeVar("T")
NEEDS_INFO = "needs_info"  # the petition status whose question the citizen's next message answers
TOUCH_EVERY = dt.timedelta(minutes=1)  # how stale last_inbound_at may get before it is written


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
    session: AsyncSession,
    commune_id: str,
    channel: str,
    external_user_id: str,
    now: dt.datetime | None = None,
) -> LockedSender:
    """The sender's identity and locked state (both created on first contact, a new identity
    with ``last_inbound_at`` = ``now``)."""
    key = {"commune_id": commune_id, "channel": channel, "external_user_id": external_user_id}
    row = (await session.execute(_SENDER, key)).one_or_none()
    if row is None:
        created = await _first_contact(session, key, now)
        if created is not None:
            return created
        # An identity made elsewhere without its row, or a concurrent first message that won:
        # make sure both rows exist, then the same statement locks them.
        identity_id = await insert_ignore(session, ChannelIdentity, key, list(key))
        if identity_id is None:
            identity_id = (await session.execute(_IDENTITY_ID, key)).scalar_one()
        await insert_ignore(
            session, ConversationState, {"identity_id": identity_id, "data": {}}, ["identity_id"]
        )
        row = (await session.execute(_SENDER, key)).one()
    identity, state, awaiting, deferred = row
    return LockedSender(identity, state, bool(awaiting), bool(deferred))


_IDENTITIES = ChannelIdentity.__table__
_STATES = ConversationState.__table__
_IDENTITY_KEY = ("commune_id", "channel", "external_user_id")
_NEW_STATE = ("data", "message_count", "updated_at", "offered")  # the other columns are NULL


def _create_identity(module: Any) -> Any:
    return (
        module.insert(_IDENTITIES)
        .values(
            {c: bindparam(c) for c in (*_IDENTITY_KEY, "active", "last_inbound_at", "created_at")}
        )
        .on_conflict_do_nothing(index_elements=list(_IDENTITY_KEY))
        .returning(_IDENTITIES.c.id)
    )


_CREATE_IDENTITY = _create_identity(sqlite)
_CREATE_STATE = insert(_STATES).values({c: bindparam(c) for c in ("identity_id", *_NEW_STATE)})
# PostgreSQL: both rows in one statement (a data-modifying CTE); nothing if the identity exists.
_NEW_IDENTITY = _create_identity(postgresql).cte("new_identity")
_CREATE_BOTH = (
    postgresql.insert(_STATES)
    .from_select(
        ["identity_id", *_NEW_STATE],
        select(
            _NEW_IDENTITY.c.id,
            *(bindparam(c, type_=_STATES.c[c].type) for c in _NEW_STATE),
        ),
    )
    .returning(_STATES.c.identity_id)
)


def first_contact_values(
    key: dict[str, str], now: dt.datetime | None
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The values of a new identity and of its conversation row (``_CREATE_BOTH``'s)."""
    created = utcnow()
    identity_values: dict[str, Any] = {
        **key, "active": True, "last_inbound_at": now, "created_at": created,
    }  # fmt: skip
    state_values: dict[str, Any] = {
        "data": {}, "message_count": 0, "updated_at": created, "offered": {},
    }  # fmt: skip
    return identity_values, state_values


def detached_sender(
    identity_values: dict[str, Any], state_values: dict[str, Any], *, awaiting: bool = False,
    deferred: bool = False,
) -> LockedSender:  # fmt: skip
    """ORM objects made from column values, as if loaded (every column set, no pending
    change): rows of this transaction's own, not read back through the ORM."""
    identity = _as_loaded(ChannelIdentity, identity_values)
    state = _as_loaded(ConversationState, state_values)
    return LockedSender(identity, state, awaiting, deferred)


def _as_loaded(cls: type[T], values: dict[str, Any]) -> T:
    """An instance with ``values`` as its committed state, as the ORM's loader makes one (no
    ``__init__`` and no attribute events: they were a third of the driver path's CPU)."""
    instance = manager_of_class(cls).new_instance()
    instance.__dict__.update(values)
    make_transient_to_detached(instance)
    return instance


def new_sender(
    identity_id: int, identity_values: dict[str, Any], state_values: dict[str, Any]
) -> LockedSender:
    """The just-inserted identity and conversation row as objects."""
    return detached_sender(
        {"id": identity_id, "citizen_id": None, "blocked_at": None, **identity_values},
        {"identity_id": identity_id, "flow": None, "step": None, "token": None,
         "expires_at": None, **state_values},
    )  # fmt: skip


# The locking SELECT as plain columns, for the driver path (``storage.message_txn``): the
# identity's columns, then the conversation row's, then the two flags.
SENDER_ROW = (
    select(*_IDENTITIES.c, *_STATES.c, _AWAITING, _DEFERRED)
    .join_from(_IDENTITIES, _STATES, _STATES.c.identity_id == _IDENTITIES.c.id)
    .where(
        _IDENTITIES.c.commune_id == bindparam("commune_id"),
        _IDENTITIES.c.channel == bindparam("channel"),
        _IDENTITIES.c.external_user_id == bindparam("external_user_id"),
    )
    .with_for_update(of=_STATES)
)
_IDENTITY_NAMES = tuple(c.key for c in _IDENTITIES.c)
_STATE_NAMES = tuple(c.key for c in _STATES.c)


def sender_from_row(values: Sequence[Any]) -> LockedSender:
    """A ``SENDER_ROW`` result as detached objects."""
    n, m = len(_IDENTITY_NAMES), len(_IDENTITY_NAMES) + len(_STATE_NAMES)
    return detached_sender(
        dict(zip(_IDENTITY_NAMES, values[:n], strict=True)),
        dict(zip(_STATE_NAMES, values[n:m], strict=True)),
        awaiting=bool(values[m]),
        deferred=bool(values[m + 1]),
    )


async def _first_contact(
    session: AsyncSession, key: dict[str, str], now: dt.datetime | None
) -> LockedSender | None:
    """Create the identity and its conversation row; None when the identity already exists.

    The rows are this transaction's own (locked by their INSERT on PostgreSQL), so their
    objects are made from the values inserted instead of being read back.
    """
    identity_values, state_values = first_contact_values(key, now)
    if _dialect(session) == "postgresql":
        result = await session.execute(_CREATE_BOTH, {**identity_values, **state_values})
        identity_id = result.scalar_one_or_none()
    else:
        result = await session.execute(_CREATE_IDENTITY, identity_values)
        identity_id = result.scalar_one_or_none()
        if identity_id is not None:
            await session.execute(_CREATE_STATE, {"identity_id": identity_id, **state_values})
    if identity_id is None:
        return None
    sender = new_sender(identity_id, identity_values, state_values)
    session.add(sender.identity)
    session.add(sender.state)
    return sender


def _dialect(session: AsyncSession) -> str:
    return session.bind.dialect.name if session.bind is not None else "sqlite"


# The columns of a conversation row a message may change; ``save_sender`` writes them all.
_STATE_COLUMNS = (
    "flow", "step", "token", "data", "expires_at", "message_count", "updated_at", "offered",
)  # fmt: skip
_SAVE_STATE = (
    update(_STATES)
    .where(_STATES.c.identity_id == bindparam("b_identity_id"))
    .values({name: bindparam(name) for name in _STATE_COLUMNS})
)
_TOUCH = (
    update(_IDENTITIES)
    .where(_IDENTITIES.c.id == bindparam("b_identity_id"))
    .values(last_inbound_at=bindparam("b_now"))
)
# PostgreSQL: both UPDATEs in one statement (a data-modifying CTE); SQLite has none.
_SAVE_BOTH = _SAVE_STATE.add_cte(_TOUCH.cte("touched"))


def touch(identity: ChannelIdentity, now: dt.datetime) -> bool:
    """Note the message's time on the identity without making it dirty: ``save_sender`` writes
    it in Core, so the ORM flushes the identity only when a handler changed something else.
    False when nothing needs writing: the identity says a time less than ``TOUCH_EVERY`` before
    ``now`` (a message of the same burst, or an identity created by this message)."""
    last = identity.last_inbound_at
    if last is not None and now - last < TOUCH_EVERY:
        return False
    set_committed_value(identity, "last_inbound_at", now)
    return True


def save_plan(
    identity: ChannelIdentity,
    state: ConversationState,
    now: dt.datetime,
    replies: Sequence[dict[str, Any]],
    *,
    touched: bool,
    dialect: str,
) -> list[tuple[Any, Any]]:
    """The statements that write the sender's replies (``storage.replies``), state row and,
    when ``touched``, ``last_inbound_at``, each with its values (a list of rows for several
    replies): one statement on PostgreSQL for a single reply (two for more), two or three on
    SQLite. Run by ``save_sender`` through the session, or on the driver
    (``storage.message_txn``)."""
    values: dict[str, Any] = {name: getattr(state, name) for name in _STATE_COLUMNS}
    values["b_identity_id"] = identity.id
    values["b_now"] = now
    if dialect == "postgresql" and len(replies) == 1:
        values.update({f"r_{name}": value for name, value in replies[0].items()})
        return [(_SAVED_WITH_REPLY[touched], values)]
    plan: list[tuple[Any, Any]] = [(INSERT_REPLY, list(replies))] if replies else []
    if dialect == "postgresql":
        return [*plan, (_SAVE_BOTH if touched else _SAVE_STATE, values)]
    plan.append((_SAVE_STATE, values))
    if touched:  # ``touch`` said last_inbound_at changed
        plan.append((_TOUCH, {"b_identity_id": identity.id, "b_now": now}))
    return plan


async def save_sender(
    session: AsyncSession,
    identity: ChannelIdentity,
    state: ConversationState,
    now: dt.datetime,
    replies: Sequence[dict[str, Any]] = (),
    *,
    touched: bool = True,
) -> None:
    """Run ``save_plan`` through the session.

    Core statements instead of the ORM's flush of two objects (a unit of work per message); the
    state is taken out of the session, so the commit has nothing left to write for it.
    """
    plan = save_plan(identity, state, now, replies, touched=touched, dialect=_dialect(session))
    session.expunge(state)  # before the statement: no autoflush may write it through the ORM
    for statement, values in plan:
        await session.execute(statement, values)


# PostgreSQL, the common case of one reply: ``WITH touched AS (UPDATE …), saved AS (UPDATE …)
# INSERT INTO outbox VALUES (…)``. Only one row: SQLAlchemy caches no multi-row VALUES, and
# compiling this statement per message cost more than the round trip it saves.
_OUTBOX = OutboxMessage.__table__
_WITH_REPLY = insert(_OUTBOX).values(
    {name: bindparam(f"r_{name}", type_=_OUTBOX.c[name].type) for name in REPLY_COLUMNS}
)
_SAVED_WITH_REPLY = {  # by ``touched``
    True: _WITH_REPLY.add_cte(_TOUCH.cte("touched")).add_cte(_SAVE_STATE.cte("saved")),
    False: _WITH_REPLY.add_cte(_SAVE_STATE.cte("saved")),
}
