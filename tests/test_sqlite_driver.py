"""SQLite's write path (issue 15 item 3): each statement is one trip to aiosqlite's thread, and
SQLAlchemy still sees the rows, row counts, inserted ids and errors it saw before; the writers
of one process take turns at the write lock instead of sleeping in SQLite's busy handler."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import aiosqlite
import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from storage.db import Database


@pytest.fixture
async def db(tmp_path: Path) -> Any:
    database = Database(f"sqlite+aiosqlite:///{tmp_path / 'one-hop.db'}")
    async with database.write() as session:
        await session.execute(
            text("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT UNIQUE NOT NULL)")
        )
    yield database
    await database.dispose()


@pytest.fixture
def hand_offs(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The functions queued to aiosqlite's thread, by name."""
    seen: list[str] = []
    original = aiosqlite.Connection._execute

    async def counted(self: aiosqlite.Connection, fn: Any, *args: Any, **kwargs: Any) -> Any:
        seen.append(getattr(fn, "__name__", repr(fn)))
        return await original(self, fn, *args, **kwargs)

    monkeypatch.setattr(aiosqlite.Connection, "_execute", counted)
    return seen


async def test_a_select_is_one_trip_to_the_driver_thread(db: Database, hand_offs: list[str]):
    async with db.write() as session:
        await session.execute(text("INSERT INTO t (name) VALUES ('a'), ('b')"))
        hand_offs.clear()
        rows = (await session.execute(text("SELECT id, name FROM t ORDER BY id"))).all()
        assert hand_offs == ["_run"]  # SQLAlchemy's own adapter: cursor, execute, fetch, close
    assert [r.name for r in rows] == ["a", "b"]


async def test_row_counts_inserted_ids_and_many_rows_reach_sqlalchemy(db: Database) -> None:
    async with db.write() as session:
        inserted = await session.execute(text("INSERT INTO t (name) VALUES ('x')"))
        assert inserted.lastrowid == 1
        await session.execute(
            text("INSERT INTO t (name) VALUES (:n)"), [{"n": f"n{i}"} for i in range(50)]
        )
        updated = await session.execute(text("UPDATE t SET name = name || '!' WHERE id > 40"))
        assert updated.rowcount == 11
        returned = await session.execute(text("DELETE FROM t WHERE id = 51 RETURNING name"))
        assert returned.scalar_one() == "n49!"
    async with db.read() as session:
        assert (await session.execute(text("SELECT count(*) FROM t"))).scalar_one() == 50


async def test_a_constraint_error_is_sqlalchemys_and_rolls_back(db: Database) -> None:
    with pytest.raises(IntegrityError):
        async with db.write() as session:
            await session.execute(text("INSERT INTO t (name) VALUES ('dup')"))
            await session.execute(text("INSERT INTO t (name) VALUES ('dup')"))
    async with db.read() as session:
        assert (await session.execute(text("SELECT count(*) FROM t"))).scalar_one() == 0


async def test_streamed_results_still_stream(db: Database) -> None:
    async with db.write() as session:
        await session.execute(
            text("INSERT INTO t (name) VALUES (:n)"), [{"n": f"s{i}"} for i in range(1200)]
        )
    async with db.read() as session:
        result = await session.stream(text("SELECT name FROM t ORDER BY id"))
        names = [row.name async for row in result]
    assert len(names) == 1200 and names[0] == "s0"


async def test_writers_wait_their_turn_without_holding_a_pooled_connection(tmp_path: Path):
    """Five writers through a one-connection pool with a 0.2 s timeout, each 0.1 s long: the
    fourth would wait 0.3 s for the connection if waiting writers queued on the pool."""
    db = Database(
        f"sqlite+aiosqlite:///{tmp_path / 'turns.db'}",
        pool_size=1, max_overflow=0, pool_timeout=0.2,
    )  # fmt: skip
    async with db.write() as session:
        await session.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY, who INTEGER)"))
    order: list[int] = []

    async def writer(who: int) -> None:
        async with db.write() as session:
            await session.execute(text("INSERT INTO t (who) VALUES (:w)"), {"w": who})
            order.append(who)
            await asyncio.sleep(0.1)

    try:
        await asyncio.gather(*(writer(i) for i in range(5)))
        async with db.read() as session:
            stored = (await session.execute(text("SELECT who FROM t ORDER BY id"))).scalars()
            assert list(stored) == order == [0, 1, 2, 3, 4]  # in arrival order
    finally:
        await db.dispose()
