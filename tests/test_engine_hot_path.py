"""The hot path of a message (issue 15 item 3): one statement finds the sender and locks their
state; no petition or outbox query unless the sender's row says one can matter; the delivery
worker is woken only for rows it must send — on both databases."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event, select

from bot.runtime import WEB
from handlers.types import Inbound
from storage import identities, pg_statements
from storage.message_txn import DriverTxn
from storage.models import ChannelIdentity, ConversationState, InboundEvent, OutboxMessage
from tests.staff.helpers import make_petition
from tests.staff.test_reports import _set

FAQ = "lam lai can cuoc bi mat o dau"


@contextmanager
def statements(runtime: Any) -> Iterator[list[str]]:
    seen: list[str] = []

    def note(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if not statement.startswith(("BEGIN", "COMMIT")):
            seen.append(" ".join(statement.split()))

    # PostgreSQL's hot statements run on the driver (``storage.message_txn``): seen there.
    run = DriverTxn._run

    async def on_driver(self: DriverTxn, done: Any, call: Any, *args: Any) -> Any:
        note(None, None, done.sql)
        return await run(self, done, call, *args)

    engine = runtime.db.engine.sync_engine
    event.listen(engine, "before_cursor_execute", note)
    DriverTxn._run = on_driver  # type: ignore[method-assign]
    try:
        yield seen
    finally:
        DriverTxn._run = run  # type: ignore[method-assign]
        event.remove(engine, "before_cursor_execute", note)


async def sender_rows(runtime: Any, user: str) -> tuple[ChannelIdentity, ConversationState]:
    """The web user's identity and conversation row, as stored."""
    async with runtime.db.read() as session:
        row = (
            await session.execute(
                select(ChannelIdentity, ConversationState)
                .join(ConversationState, ConversationState.identity_id == ChannelIdentity.id)
                .where(ChannelIdentity.external_user_id == user)
            )
        ).one()
    return row[0], row[1]


def web(user: str, text: str, message_id: str) -> Inbound:
    return Inbound(
        channel="web", user_key=user, text=text, external_id=f"{user}:{message_id}",
        capabilities=WEB,
    )  # fmt: skip


async def test_a_known_users_faq_message_costs_three_statements_and_no_wake_up(
    runtime, clock
) -> None:
    wakes: list[int] = []
    runtime.engine.on_commit = lambda: wakes.append(1)
    await runtime.engine.handle(web("u1", "xin chào", "m1"))  # first contact: rows created
    clock.advance(minutes=2)  # a later message: last_inbound_at is over a minute old
    with statements(runtime) as seen:
        result = await runtime.engine.handle(web("u1", FAQ, "m2"))
    assert result.replies[0].meta["topic"] == "can-cuoc-card"
    # sender + lock, inbound event, then the replies, the state and last_inbound_at: one
    # INSERT with two UPDATEs in its CTE on PostgreSQL, three statements on SQLite (no CTE
    # may UPDATE there).
    assert len(seen) == (5 if runtime.db.is_sqlite else 3), seen
    if runtime.db.is_sqlite:
        assert seen[-1].startswith("UPDATE channel_identities")
    else:
        assert seen[-1].startswith("WITH touched AS (UPDATE channel_identities")
        assert (
            "saved AS (UPDATE conversation_states" in seen[-1] and "INSERT INTO outbox" in seen[-1]
        )
    assert (
        seen[0].startswith("SELECT")
        and "FROM channel_identities JOIN conversation_states" in (seen[0])
    )
    assert not any("FROM petitions" in s and s.startswith("SELECT petitions") for s in seen)
    assert not any(s.startswith("UPDATE outbox") for s in seen)  # nothing deferred to re-queue
    assert wakes == []  # web replies are in the HTTP response: no worker wake-up
    async with runtime.db.read() as session:
        event_row = (
            await session.execute(select(InboundEvent).where(InboundEvent.external_id == "u1:m2"))
        ).scalar_one()
        rows = (
            (
                await session.execute(
                    select(OutboxMessage).where(OutboxMessage.inbound_event_id == event_row.id)
                )
            )
            .scalars()
            .all()
        )
    assert event_row.identity_id is not None  # recorded with its sender, in the one INSERT
    assert rows and all(r.status == "sent" and r.kind == "reply" for r in rows)
    again = await runtime.engine.handle(web("u1", FAQ, "m2"))  # redelivered: answered from rows
    assert again.duplicate and [r.text for r in again.replies] == [r.text for r in result.replies]


async def test_a_message_of_the_same_minute_leaves_last_inbound_at_alone(runtime, clock) -> None:
    """Last seen to the minute: the second message of a burst writes no identity UPDATE."""
    await runtime.engine.handle(web("burst-user", "xin chào", "m1"))
    first = clock.now
    clock.advance(seconds=30)
    with statements(runtime) as seen:
        result = await runtime.engine.handle(web("burst-user", FAQ, "m2"))
    assert result.replies[0].meta["topic"] == "can-cuoc-card"
    assert len(seen) == (4 if runtime.db.is_sqlite else 3), seen
    assert not any("UPDATE channel_identities" in s for s in seen), seen
    assert any("UPDATE conversation_states" in s for s in seen)  # the state is still saved
    clock.advance(seconds=45)  # 75 s after the first: written again
    with statements(runtime) as seen:
        await runtime.engine.handle(web("burst-user", FAQ, "m3"))
    assert any("UPDATE channel_identities" in s for s in seen), seen
    identity, state = await sender_rows(runtime, "burst-user")
    assert identity.last_inbound_at == clock.now and identity.last_inbound_at != first
    assert state.message_count == 3 and state.updated_at == clock.now


async def test_a_channel_the_worker_sends_to_is_woken_for(runtime) -> None:
    wakes: list[int] = []
    runtime.engine.on_commit = lambda: wakes.append(1)
    await runtime.engine.handle(Inbound(channel="zalo", user_key="z1", text=FAQ))
    assert wakes == [1]


async def test_the_follow_up_query_runs_only_when_a_petition_waits_for_an_answer(
    runtime,
) -> None:
    await runtime.engine.handle(web("citizen-1", "xin chào", "m1"))
    with statements(runtime) as seen:
        await runtime.engine.handle(web("citizen-1", FAQ, "m2"))
    assert not any(s.startswith("SELECT petitions") for s in seen)
    code = await make_petition(runtime, user="citizen-1")  # the web citizen's petition
    await _set(runtime, code, status="needs_info")
    with statements(runtime) as seen:
        await runtime.engine.handle(web("citizen-1", FAQ, "m3"))
    assert any(s.startswith("SELECT petitions") for s in seen)  # the interceptor looks now


async def test_a_first_message_creates_the_sender_without_reading_it_back(runtime, clock) -> None:
    with statements(runtime) as seen:
        first = await runtime.engine.handle(web("new-user-1", FAQ, "m1"))
    assert first.replies[0].meta["topic"] == "can-cuoc-card"
    # One SELECT (nobody yet), then the rows are inserted and used as inserted: no read-back.
    assert [s for s in seen if s.startswith("SELECT")] == seen[:1], seen
    assert len(seen) == (6 if runtime.db.is_sqlite else 4), seen
    async with runtime.db.read() as session:
        first_time = (
            await session.execute(
                select(ChannelIdentity.last_inbound_at).where(
                    ChannelIdentity.external_user_id == "new-user-1"
                )
            )
        ).scalar_one()
    assert first_time == clock.now  # written by the INSERT itself: no UPDATE on SQLite
    clock.advance(minutes=5)
    await runtime.engine.handle(web("new-user-1", "xin chào", "m2"))
    identity, state = await sender_rows(runtime, "new-user-1")
    assert identity.active and identity.citizen_id is None and identity.created_at is not None
    assert identity.last_inbound_at == clock.now  # the second message's time, in Core
    assert state.message_count == 2 and state.updated_at == clock.now and state.flow is None


async def test_an_identity_made_without_its_state_row_gets_one(runtime) -> None:
    async with runtime.db.write() as session:
        made = await identities.get_or_create_identity(session, runtime.profile.id, "web", "u-9")
    result = await runtime.engine.handle(web("u-9", FAQ, "m1"))
    assert result.replies[0].meta["topic"] == "can-cuoc-card"
    async with runtime.db.read() as session:
        state = await session.get(ConversationState, made.id)
    assert state is not None and state.message_count == 1


async def test_a_flow_step_is_saved_with_the_state(runtime, clock) -> None:
    """The state is written by one Core UPDATE of every column: a flow's step and data too."""
    await runtime.engine.handle(web("flow-user", "/kiennghi", "m1"))
    async with runtime.db.read() as session:
        state = (
            await session.execute(
                select(ConversationState)
                .join(ChannelIdentity, ConversationState.identity_id == ChannelIdentity.id)
                .where(ChannelIdentity.external_user_id == "flow-user")
            )
        ).scalar_one()
    assert state.flow is not None and state.step is not None and state.expires_at is not None
    assert state.message_count == 1


async def test_every_statement_of_a_message_comes_from_the_compiled_cache(runtime, caplog) -> None:
    """A statement SQLAlchemy cannot cache (a multi-row VALUES, say) is compiled again for
    every message — several times the cost of the round trip it was meant to save."""
    for i in range(3):  # first contact, then known: every statement compiled once
        await runtime.engine.handle(web("cache-user", FAQ, f"w{i}"))
    caplog.set_level(logging.INFO, logger="sqlalchemy.engine.Engine")
    compiled_before = dict(pg_statements._CACHE)
    with statements(runtime) as seen:
        await runtime.engine.handle(web("cache-user", FAQ, "m1"))
        await runtime.engine.handle(web("cache-user-2", FAQ, "m1"))  # a first contact
    notes = [r.getMessage() for r in caplog.records if r.getMessage().startswith("[")]
    if runtime.db.is_sqlite:
        assert notes and all(n.startswith(("[cached since", "[raw sql]")) for n in notes), notes
    else:  # on the driver, every statement compiled once (``storage.pg_statements``)
        assert len(seen) == 7 and not notes, (seen, notes)
        assert compiled_before == pg_statements._CACHE
