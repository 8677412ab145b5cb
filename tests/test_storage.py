"""Storage on both databases: migrations, dedupe keys, identities, outbox claiming."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest
from sqlalchemy import func, inspect, select, text

from storage import identities, inbound, outbox, unanswered
from storage.communes import ensure_commune
from storage.db import Database
from storage.models import ChannelIdentity, OutboxMessage
from tests.conftest import _pg_admin_execute

T0 = dt.datetime(2026, 11, 16, 2, 0, tzinfo=dt.UTC)


async def _db(db_url: str) -> Database:
    db = Database(db_url)
    async with db.write() as session:
        await ensure_commune(session, "xa-test", "xã Thử")
    return db


async def test_migrations_create_every_table_and_are_idempotent(db_url: str) -> None:
    db = Database(db_url)
    try:
        await db.upgrade()  # already at head: a no-op, not an error
        async with db.engine.connect() as conn:
            tables = set(await conn.run_sync(lambda c: inspect(c).get_table_names()))
        assert {
            "communes",
            "channel_identities",
            "conversation_states",
            "inbound_events",
            "outbox",
            "unanswered_questions",
            "petitions",
            "petition_events",
            "staff_accounts",
            "alembic_version",
        } <= tables
    finally:
        await db.dispose()


async def test_a_redelivered_inbound_event_is_recognised(db_url: str) -> None:
    db = await _db(db_url)
    try:
        async with db.write() as session:
            first = await inbound.record_inbound(session, "xa-test", "zalo", "msg-1", T0)
        async with db.write() as session:
            again = await inbound.record_inbound(session, "xa-test", "zalo", "msg-1", T0)
            other_channel = await inbound.record_inbound(
                session, "xa-test", "telegram", "msg-1", T0
            )
        assert first is not None
        assert again is None
        assert other_channel is not None
    finally:
        await db.dispose()


async def test_concurrent_first_contacts_create_one_identity(db_url: str) -> None:
    db = await _db(db_url)
    try:

        async def contact() -> int:
            async with db.write() as session:
                identity = await identities.get_or_create_identity(
                    session, "xa-test", "zalo", "9000000000000000001"
                )
                return identity.id

        ids = await asyncio.gather(*(contact() for _ in range(20)))
        assert len(set(ids)) == 1
        async with db.read() as session:
            count = await session.scalar(select(func.count()).select_from(ChannelIdentity))
        assert count == 1
    finally:
        await db.dispose()


async def _queue(db: Database, recipient: str, n: int, now: dt.datetime = T0) -> list[int]:
    async with db.write() as session:
        rows = [
            outbox.new_message(
                commune_id="xa-test",
                channel="telegram",
                recipient=recipient,
                body={"text": f"{recipient}-{i}"},
                now=now,
            )
            for i in range(n)
        ]
        session.add_all(rows)
        await session.flush()
        return [r.id for r in rows]


async def test_claim_takes_the_oldest_row_per_recipient_and_leases_it(db_url: str) -> None:
    db = await _db(db_url)
    try:
        a = await _queue(db, "alice", 3)
        b = await _queue(db, "bob", 1)
        async with db.write() as session:
            claimed = await outbox.claim_due(session, T0, dt.timedelta(seconds=60))
        assert sorted(m.id for m in claimed) == sorted([a[0], b[0]])
        assert all(m.attempts == 1 for m in claimed)
        # While alice's first message is being sent, her second must wait (order is kept).
        async with db.write() as session:
            assert await outbox.claim_due(session, T0, dt.timedelta(seconds=60)) == []
        async with db.write() as session:
            await outbox.mark_sent(session, a[0], T0)
            await outbox.mark_sent(session, b[0], T0)
        async with db.write() as session:
            claimed = await outbox.claim_due(session, T0, dt.timedelta(seconds=60))
        assert [m.id for m in claimed] == [a[1]]
        # A worker that died leaves a lease; after it expires the row is claimable again.
        later = T0 + dt.timedelta(seconds=61)
        async with db.write() as session:
            reclaimed = await outbox.claim_due(session, later, dt.timedelta(seconds=60))
        assert [m.id for m in reclaimed] == [a[1]]
        assert reclaimed[0].attempts == 2
    finally:
        await db.dispose()


async def test_concurrent_claimers_never_take_the_same_row(db_url: str) -> None:
    db = await _db(db_url)
    try:
        for i in range(40):
            await _queue(db, f"user-{i}", 1)

        async def claimer() -> list[int]:
            taken: list[int] = []
            while True:
                async with db.write() as session:
                    batch = await outbox.claim_due(session, T0, dt.timedelta(seconds=60), limit=3)
                if not batch:
                    return taken
                taken += [m.id for m in batch]
                await asyncio.sleep(0)

        results = await asyncio.gather(*(claimer() for _ in range(4)))
        everything = [i for r in results for i in r]
        assert len(everything) == 40
        assert len(set(everything)) == 40
    finally:
        await db.dispose()


async def test_deferred_messages_are_requeued_when_the_citizen_writes(db_url: str) -> None:
    db = await _db(db_url)
    try:
        async with db.write() as session:
            identity = await identities.get_or_create_identity(session, "xa-test", "zalo", "42")
            row = outbox.new_message(
                commune_id="xa-test",
                channel="zalo",
                recipient="42",
                identity_id=identity.id,
                body={"text": "x"},
                now=T0,
                kind="push",
            )
            session.add(row)
            await session.flush()
            await outbox.mark_deferred(session, row.id, "-230 outside window")
        async with db.write() as session:
            assert await outbox.requeue_deferred(session, identity.id, T0) == 1
        async with db.read() as session:
            status = await session.scalar(
                select(OutboxMessage.status).where(OutboxMessage.id == row.id)
            )
        assert status == "pending"
    finally:
        await db.dispose()


async def test_unanswered_questions_are_counted_per_text(db_url: str) -> None:
    db = await _db(db_url)
    try:
        for text in ["gia xang hom nay", "gia xang hom nay", "thoi tiet", "gia xang hom nay"]:
            async with db.write() as session:
                await unanswered.record_unanswered(session, "xa-test", text, T0)
        async with db.read() as session:
            top = await unanswered.top_unanswered(session, "xa-test")
        assert [(r.text, r.count) for r in top] == [("gia xang hom nay", 3), ("thoi tiet", 1)]
    finally:
        await db.dispose()


async def test_old_inbound_events_are_pruned(db_url: str) -> None:
    from bot.runtime import INBOUND_RETENTION, prune_inbound_events

    db = await _db(db_url)
    try:
        async with db.write() as session:
            await inbound.record_inbound(session, "xa-test", "zalo", "old", T0)
            await inbound.record_inbound(session, "xa-test", "zalo", "new", T0 + INBOUND_RETENTION)
        now = T0 + INBOUND_RETENTION + dt.timedelta(hours=1)
        assert await prune_inbound_events(db, lambda: now) == 1
        async with db.write() as session:
            # The pruned id is accepted again; the recent one is still a duplicate.
            assert await inbound.record_inbound(session, "xa-test", "zalo", "new", now) is None
            assert await inbound.record_inbound(session, "xa-test", "zalo", "old", now) is not None
    finally:
        await db.dispose()


async def test_unanswered_questions_never_keep_phone_or_id_numbers(db_url: str) -> None:
    db = await _db(db_url)
    try:
        async with db.write() as session:
            await unanswered.record_unanswered(
                session, "xa-test", "so cua toi la 0123 456 789 cccd 001203004567 goi lai", T0
            )
        async with db.read() as session:
            (row,) = await unanswered.top_unanswered(session, "xa-test")
        assert row.text == "so cua toi la *** cccd *** goi lai"
    finally:
        await db.dispose()


async def test_the_migrations_match_the_models(db_url: str) -> None:
    """A model change without its migration would pass on a fresh test database and break
    every deployed one: compare the migrated schema with the models."""
    from alembic import command

    from storage.db import alembic_config

    db = Database(db_url)
    try:
        async with db.engine.connect() as conn:
            await conn.run_sync(lambda c: command.check(alembic_config(c)))
    finally:
        await db.dispose()


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
async def test_a_connection_dropped_while_idle_is_replaced_before_use(db_url: str) -> None:
    """No ``SELECT 1`` per checkout: only a connection idle in the pool for a while is pinged,
    and one the server dropped meanwhile is replaced instead of failing the request."""
    pings: list[int] = []

    def count_pings(db: Database) -> None:
        dialect = db.engine.sync_engine.dialect
        ping = dialect.do_ping

        def counted(dbapi_conn: object) -> bool:
            pings.append(1)
            return ping(dbapi_conn)

        dialect.do_ping = counted  # type: ignore[method-assign]

    async def backend_pid(db: Database) -> int:
        async with db.write() as session:
            return (await session.execute(text("SELECT pg_backend_pid()"))).scalar_one()

    busy = Database(db_url, pool_size=1, max_overflow=0)  # the default: ping after 10 s idle
    count_pings(busy)
    try:
        pids = {await backend_pid(busy) for _ in range(5)}
        assert len(pids) == 1 and pings == []  # in steady use: never pinged
    finally:
        await busy.dispose()
    idle = Database(db_url, pool_size=1, max_overflow=0, idle_ping_seconds=0.05)
    count_pings(idle)
    try:
        pid = await backend_pid(idle)
        await _pg_admin_execute(f"SELECT pg_terminate_backend({pid})")
        await asyncio.sleep(0.1)  # idle longer than idle_ping_seconds
        assert await backend_pid(idle) != pid  # replaced at checkout; the request did not fail
        assert len(pings) == 1
    finally:
        await idle.dispose()
