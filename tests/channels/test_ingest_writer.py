"""The webhook writer on PostgreSQL: connections of its own (a saturated request pool does not
delay an acknowledgement), one statement per group, and a connection the server dropped is
replaced without losing the group."""

from __future__ import annotations

import asyncio
import contextlib

import pytest
from sqlalchemy import event, func, select, text

from storage.ingest import NewEvent
from storage.models import WebhookEvent
from tests.channels import fake_zalo as zl

USER = "8309393969855402319"


async def _stored(runtime) -> list[str]:
    async with runtime.db.read() as session:
        rows = await session.execute(select(WebhookEvent.external_id).order_by(WebhookEvent.id))
        return list(rows.scalars())


def _event(runtime, key: str, user: str = USER) -> NewEvent:
    return NewEvent(runtime.services.commune_id, "zalo", key, user, "{}")


POSTGRESQL_ONLY = pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)


@POSTGRESQL_ONLY  # SQLite has one writer whatever the pool: there is nothing of its own to hold
async def test_an_event_is_acknowledged_while_every_request_connection_is_taken(zalo) -> None:
    runtime = zalo.runtime
    pool = runtime.db.engine.pool
    async with contextlib.AsyncExitStack() as stack:
        for _ in range(pool.size() + pool._max_overflow):  # type: ignore[attr-defined]
            conn = await stack.enter_async_context(runtime.db.engine.connect())
            await conn.execute(text("SELECT 1"))
        raw, headers = zl.encode(zl.message_event("user_send_text", USER, msg_id="held-1"))
        response = await asyncio.wait_for(
            zalo.client.post("/webhook/zalo", data=raw, headers=headers), timeout=1.5
        )
        assert response.status == 200 and (await response.json())["duplicate"] is False
    assert await _stored(runtime) == ["held-1"]


async def test_a_group_is_one_statement_and_keeps_the_order_of_arrival(runtime) -> None:
    statements: list[str] = []
    engine = runtime.ingest.writer.engine or runtime.db.engine  # SQLite: the database's own

    def record(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", record)
    try:
        keys = [f"k{i}" for i in range(120)]
        results = await asyncio.gather(*(runtime.ingest.store(_event(runtime, k)) for k in keys))
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", record)
    assert all(results)
    inserts = [s for s in statements if s.lstrip().upper().startswith("INSERT")]
    assert 1 <= len(inserts) <= 3  # the first arrival's group, then the rest
    assert await _stored(runtime) == keys  # ids in arrival order: the worker's order per citizen
    if not runtime.db.is_sqlite:
        assert len(set(inserts)) == 1  # the same text whatever the group's size: prepared once
        assert not [s for s in statements if s.strip().upper() in ("BEGIN", "COMMIT", "SELECT 1")]


@POSTGRESQL_ONLY
async def test_a_writer_connection_the_server_dropped_is_replaced(runtime) -> None:
    assert await runtime.ingest.store(_event(runtime, "before"))
    async with runtime.db.write() as session:  # the server ends the writer's sessions
        ended = await session.execute(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                " AND query LIKE 'INSERT INTO webhook_events%'"
            )
        )
        assert any(ended.scalars())
    assert await runtime.ingest.store(_event(runtime, "after")) is True
    assert await runtime.ingest.store(_event(runtime, "after")) is False  # still deduplicated
    async with runtime.db.read() as session:
        count = await session.scalar(select(func.count()).select_from(WebhookEvent))
    assert count == 2
