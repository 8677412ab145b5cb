"""The async engine, sessions and migrations, with each database's concurrency rules.

SQLite: WAL, a busy timeout, and ``BEGIN IMMEDIATE`` for every write transaction — a plain
deferred BEGIN upgrades its lock at the first write and fails with "database is locked" under
concurrency, which busy_timeout cannot help. Read-only sessions keep the deferred BEGIN so readers
never queue behind writers. PostgreSQL: asyncpg, and explicit ``FOR UPDATE`` where SQLite would
serialise silently.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import sys
import time
import weakref
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, DisconnectionError
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.util import await_only

from storage.message_txn import MessageTxn, SessionTxn, driver_txn
from storage.sqlite_driver import one_hop_module

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
SUPPORTED_DRIVERS = ("sqlite+aiosqlite", "postgresql+asyncpg")
# An arbitrary constant: the advisory lock that lets one process at a time run migrations.
MIGRATION_LOCK_ID = 5_746_011
# Seconds a request may wait for a pooled connection of the running bot's request pool before
# it is answered 503 (admission control keeps admitted work below the pool, so this is the
# exception, not a queue). Other users of ``Database`` (the CLI) keep SQLAlchemy's 30 s.
REQUEST_POOL_TIMEOUT = 2.0
# PostgreSQL: a pooled connection idle longer than this is pinged before use (one round trip);
# one in steady use is not — ``pool_pre_ping`` cost a ``SELECT`` on every message.
IDLE_PING_SECONDS = 10.0


class DatabaseUrlError(ValueError):
    """DATABASE_URL is not a URL this project can use."""


def check_url(url: str) -> str:
    """Validate an async SQLAlchemy URL and return its driver name, or raise DatabaseUrlError."""
    try:
        parsed = make_url(url)
    except ArgumentError as err:
        raise DatabaseUrlError(f"không phân tích được URL '{url}'") from err
    driver = parsed.drivername
    if driver not in SUPPORTED_DRIVERS:
        raise DatabaseUrlError(
            f"trình điều khiển '{driver}' không được hỗ trợ; "
            "dùng sqlite+aiosqlite:///đường/dẫn.db "
            "hoặc postgresql+asyncpg://người_dùng@máy/csdl"
        )
    if driver.startswith("sqlite") and not parsed.database:
        raise DatabaseUrlError(
            "URL SQLite cần đường dẫn tệp, ví dụ sqlite+aiosqlite:///var/bot.db"
        )
    return driver


_BEGIN = {"IMMEDIATE": "BEGIN IMMEDIATE", "DEFERRED": "BEGIN DEFERRED"}


def _sqlite_setup(engine: AsyncEngine) -> None:
    sync_engine = engine.sync_engine

    @event.listens_for(sync_engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Take transaction control away from the driver so we can emit our own BEGIN.
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(sync_engine, "begin")
    def _on_begin(conn: Any) -> None:
        statement = _BEGIN[conn.get_execution_options().get("sqlite_begin", "IMMEDIATE")]
        # Straight to the driver: one hand-off to aiosqlite's thread instead of a SQLAlchemy
        # cursor's three (create, execute, close) — on every transaction.
        try:
            await_only(conn.connection.driver_connection.execute(statement))
        except sqlite3.Error as err:  # as SQLAlchemy would raise it ("database is locked")
            raise DBAPIError.instance(statement, None, err, sqlite3.Error) from err


def _ping_idle_connections(engine: AsyncEngine, idle_seconds: float) -> None:
    """Ping a connection at checkout only when it sat idle in the pool for ``idle_seconds``.

    A connection the server dropped while it was idle (a restart, an idle timeout) is then
    replaced before a request uses it: raising ``DisconnectionError`` in ``checkout`` makes the
    pool discard it and take another. A connection dropped while in steady use fails its next
    statement once, and SQLAlchemy then discards every connection older than that failure.
    """
    sync_engine = engine.sync_engine
    dialect = sync_engine.dialect

    @event.listens_for(sync_engine, "checkin")
    def _on_checkin(_dbapi_conn: Any, record: Any) -> None:
        if record is not None:
            record.info["idle_since"] = time.monotonic()

    @event.listens_for(sync_engine, "checkout")
    def _on_checkout(dbapi_conn: Any, record: Any, _proxy: Any) -> None:
        since = record.info.get("idle_since")
        if since is None or time.monotonic() - since < idle_seconds:
            return  # new, or in steady use
        try:
            alive = dialect.do_ping(dbapi_conn)
        except Exception as err:  # whatever the driver raises, this connection is unusable
            raise DisconnectionError() from err
        if alive is False:
            raise DisconnectionError()


# Seconds a write transaction waits for this process's turn at a SQLite file before it goes ahead
# anyway and lets SQLite's busy_timeout decide (so a nested writer is slow, never deadlocked).
WRITER_TURN_TIMEOUT = 30.0
_writer_turns: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[str, asyncio.Lock]] = (
    weakref.WeakKeyDictionary()
)


@contextlib.asynccontextmanager
async def _writer_turn(path: str) -> AsyncIterator[None]:
    """One write transaction at a time per SQLite file in this process, in arrival order.

    SQLite has one write lock; a transaction that finds it taken sleeps in its busy handler in
    steps of up to 100 ms and retries, so ten concurrent writers in one process waited hundreds
    of milliseconds for a lock that was free most of that time. Queued on an asyncio lock they
    start the moment the previous one commits, and a writer waiting its turn holds no pooled
    connection, so reads are not starved by queued writes. Other processes still meet
    busy_timeout.
    """
    locks = _writer_turns.setdefault(asyncio.get_running_loop(), {})
    lock = locks.get(path)
    if lock is None:
        lock = locks[path] = asyncio.Lock()
    try:
        async with asyncio.timeout(WRITER_TURN_TIMEOUT):
            await lock.acquire()
        turn = True
    except TimeoutError:
        turn = False
    try:
        yield
    finally:
        if turn:
            lock.release()


class Database:
    """One database: an engine, a writer sessionmaker and a reader sessionmaker.

    ``hide_parameters``: a database error must never copy a statement's values — a citizen's
    message, name or phone — into the log.
    """

    def __init__(
        self,
        url: str,
        *,
        echo: bool = False,
        pool_size: int = 10,
        max_overflow: int = 20,
        pool_timeout: float = 30.0,
        idle_ping_seconds: float = IDLE_PING_SECONDS,
    ) -> None:
        driver = check_url(url)
        self.url = url
        self.is_sqlite = driver.startswith("sqlite")
        self._sqlite_file = ""
        if self.is_sqlite:
            database = make_url(url).database or ""
            pooling: dict[str, Any] = {}
            if database != ":memory:" and not database.startswith("file:"):
                Path(database).parent.mkdir(parents=True, exist_ok=True)
                self._sqlite_file = str(Path(database).resolve())
                pooling = {
                    "pool_size": pool_size,
                    "max_overflow": max_overflow,
                    "pool_timeout": pool_timeout,
                    # The pool's ROLLBACK on return stays (one hand-off to aiosqlite's thread
                    # per transaction): a connection handed back with its transaction open — a
                    # task cancelled mid-statement — must not keep SQLite's write lock.
                }
            self.engine = create_async_engine(
                url, echo=echo, hide_parameters=True, module=one_hop_module(), **pooling
            )
            _sqlite_setup(self.engine)
            read_engine = self.engine.execution_options(sqlite_begin="DEFERRED")
        else:
            self.engine = create_async_engine(
                url,
                echo=echo,
                pool_size=pool_size,
                max_overflow=max_overflow,
                pool_timeout=pool_timeout,
                hide_parameters=True,
            )
            _ping_idle_connections(self.engine, idle_ping_seconds)
            read_engine = self.engine
        self.sessionmaker = async_sessionmaker(self.engine, expire_on_commit=False)
        self.read_sessionmaker = async_sessionmaker(read_engine, expire_on_commit=False)

    @property
    def dialect(self) -> str:
        """'sqlite' or 'postgresql'."""
        return "sqlite" if self.is_sqlite else "postgresql"

    @contextlib.asynccontextmanager
    async def write(self) -> AsyncIterator[AsyncSession]:
        """A session in one write transaction, committed on success and rolled back on error."""
        turn = _writer_turn(self._sqlite_file) if self._sqlite_file else contextlib.nullcontext()
        async with turn, self.sessionmaker() as session, session.begin():
            yield session

    @contextlib.asynccontextmanager
    async def message(self) -> AsyncIterator[MessageTxn]:
        """One chat message's transaction (``storage.message_txn``): on PostgreSQL the hot
        statements run on the driver and the ORM session opens only if a handler needs it."""
        if self.is_sqlite:
            async with self.write() as session:
                yield SessionTxn(session)
            return
        async with self.engine.connect() as conn, driver_txn(conn, self._session_on) as txn:
            yield txn

    def _session_on(self, conn: AsyncConnection) -> AsyncSession:
        return self.sessionmaker(bind=conn)

    @contextlib.asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncSession]:
        """A session for reads only; on SQLite it does not take the write lock."""
        async with self.read_sessionmaker() as session, session.begin():
            yield session

    async def ping(self) -> bool:
        """True when the database answers a trivial query."""
        try:
            async with self.read() as session:
                await session.execute(text("SELECT 1"))
        except Exception:  # any failure means "not healthy"; the caller reports 503
            return False
        return True

    async def upgrade(self, revision: str = "head") -> None:
        """Apply Alembic migrations; on PostgreSQL one process at a time (advisory lock)."""
        async with self.engine.connect() as conn:
            if not self.is_sqlite:
                await conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": MIGRATION_LOCK_ID})
                await conn.commit()
            try:
                await conn.run_sync(_run_alembic_upgrade, revision)
                await conn.commit()
            finally:
                if not self.is_sqlite:
                    await conn.execute(
                        text("SELECT pg_advisory_unlock(:k)"), {"k": MIGRATION_LOCK_ID}
                    )
                    await conn.commit()

    async def dispose(self) -> None:
        """Close every pooled connection."""
        await self.engine.dispose()


def alembic_config(connection: Any = None) -> Any:
    """An Alembic Config pointing at the bundled migrations (no alembic.ini needed)."""
    from alembic.config import Config

    # Alembic's default ``stdout`` is bound when alembic is imported; pass today's stream.
    cfg = Config(stdout=sys.stdout)
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def _run_alembic_upgrade(sync_conn: Any, revision: str) -> None:
    from alembic import command

    command.upgrade(alembic_config(sync_conn), revision)
