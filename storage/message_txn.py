"""One message's transaction: the sender locked, the event recorded, the state and replies saved.

Two shapes behind one interface, chosen by ``Database.message()``:

- ``SessionTxn`` (SQLite): the ORM session from the start; the hot statements go through it
  (``storage.senders``, ``storage.inbound``).
- ``DriverTxn`` (PostgreSQL): the transaction is asyncpg's own, and the hot statements — the same
  SQLAlchemy statements, compiled once (``storage.pg_statements``) — run on the driver, about 75
  µs each instead of 160–200 µs through SQLAlchemy. The ORM session is opened only when a handler
  asks for it (``session``); it then works inside a SAVEPOINT of that transaction, with the
  sender's objects added to it, and is flushed before the state is saved.

Either way everything a message changes commits together, or nothing does.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import asyncpg
from sqlalchemy import inspect
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from storage import inbound, senders
from storage.models import ChannelIdentity, ConversationState
from storage.pg_statements import Compiled, as_dbapi_error, compiled, is_connection_lost


@dataclass(frozen=True)
class SenderSave:
    """What the end of a message writes: the state, the replies, and whether
    ``last_inbound_at`` moved (``senders.touch``)."""

    identity: ChannelIdentity
    state: ConversationState
    now: dt.datetime
    replies: Sequence[dict[str, Any]]
    touched: bool


class MessageTxn(Protocol):
    """What the engine needs of one message's transaction."""

    @property
    def session(self) -> AsyncSession: ...

    async def lock_sender(
        self, commune_id: str, channel: str, external_user_id: str, now: dt.datetime
    ) -> senders.LockedSender: ...

    async def record_inbound(
        self, commune_id: str, channel: str, external_id: str, now: dt.datetime, identity_id: int
    ) -> int | None: ...

    async def save_sender(self, save: SenderSave) -> None: ...


class SessionTxn:
    """The ORM session's transaction (SQLite)."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def lock_sender(
        self, commune_id: str, channel: str, external_user_id: str, now: dt.datetime
    ) -> senders.LockedSender:
        return await senders.lock_sender(self.session, commune_id, channel, external_user_id, now)

    async def record_inbound(
        self, commune_id: str, channel: str, external_id: str, now: dt.datetime, identity_id: int
    ) -> int | None:
        return await inbound.record_inbound(
            self.session, commune_id, channel, external_id, now, identity_id=identity_id
        )

    async def save_sender(self, save: SenderSave) -> None:
        await senders.save_sender(
            self.session, save.identity, save.state, save.now, save.replies, touched=save.touched
        )


class DriverTxn:
    """asyncpg's transaction, with the ORM session opened on demand (PostgreSQL)."""

    def __init__(
        self,
        conn: AsyncConnection,
        driver: asyncpg.Connection,
        open_session: Callable[[AsyncConnection], AsyncSession],
    ) -> None:
        self.conn = conn
        self.driver = driver
        self._open_session = open_session
        self._session: AsyncSession | None = None
        self._objects: list[object] = []  # the sender's objects, for a session opened later

    @property
    def session(self) -> AsyncSession:
        if self._session is None:
            self._session = self._open_session(self.conn)
            self._session.add_all(self._objects)
        return self._session

    @property
    def opened_session(self) -> AsyncSession | None:
        return self._session

    async def _fetchrow(self, statement: Any, values: Mapping[str, Any]) -> list[Any] | None:
        done = compiled(statement, self.conn.dialect)
        record = await self._run(done, self.driver.fetchrow, *done.args(values))
        return done.row(record) if record is not None else None

    async def _run(self, done: Compiled, call: Any, *args: Any) -> Any:
        try:
            return await call(done.sql, *args)
        except Exception as err:  # whatever the driver raises, as SQLAlchemy would raise it
            # A lost connection — or one whose protocol broke under it — is discarded and
            # said to be (``bot.app`` answers 503).
            lost = is_connection_lost(err) or self.driver.is_closed()
            if lost:
                await self.conn.invalidate()
            raise as_dbapi_error(done, err, lost=lost) from err

    async def lock_sender(
        self, commune_id: str, channel: str, external_user_id: str, now: dt.datetime
    ) -> senders.LockedSender:
        key = {"commune_id": commune_id, "channel": channel, "external_user_id": external_user_id}
        row = await self._fetchrow(senders.SENDER_ROW, key)
        if row is not None:
            sender = senders.sender_from_row(row)
        else:
            identity_values, state_values = senders.first_contact_values(key, now)
            created = await self._fetchrow(
                senders._CREATE_BOTH, {**identity_values, **state_values}
            )
            if created is None:  # made elsewhere without its row, or a concurrent first message
                return await senders.lock_sender(self.session, **key, now=now)
            sender = senders.new_sender(created[0], identity_values, state_values)
        self._objects = [sender.identity, sender.state]
        return sender

    async def record_inbound(
        self, commune_id: str, channel: str, external_id: str, now: dt.datetime, identity_id: int
    ) -> int | None:
        values = {
            "commune_id": commune_id, "channel": channel, "external_id": external_id,
            "identity_id": identity_id, "received_at": now,
        }  # fmt: skip
        row = await self._fetchrow(inbound._RECORD["postgresql"], values)
        return row[0] if row is not None else None

    async def save_sender(self, save: SenderSave) -> None:
        """As ``senders.save_sender`` on PostgreSQL, on the driver; a session a handler opened
        is flushed first (without the state: it is written here), and opened if the identity
        was changed without one (the ORM writes the identity)."""
        identity, state = save.identity, save.state
        if self._session is None and inspect(identity).modified:
            self.session  # noqa: B018 — opened for its flush
        if self._session is not None:
            if state in self._session:
                self._session.expunge(state)
            await self._session.flush()
        plan = senders.save_plan(
            identity, state, save.now, save.replies, touched=save.touched, dialect="postgresql"
        )
        for statement, values in plan:
            done = compiled(statement, self.conn.dialect)
            if isinstance(values, list):  # several replies: one row each
                await self._run(done, self.driver.executemany, [done.args(v) for v in values])
            else:
                await self._run(done, self.driver.execute, *done.args(values))


_BEGIN = Compiled("BEGIN", (), (), (), {})
_COMMIT = Compiled("COMMIT", (), (), (), {})


@contextlib.asynccontextmanager
async def driver_txn(
    conn: AsyncConnection, open_session: Callable[[AsyncConnection], AsyncSession]
) -> AsyncIterator[DriverTxn]:
    """A ``DriverTxn`` on ``conn`` (checked out, not begun): committed on success, rolled back
    on error; a connection left in a transaction is discarded, not pooled."""
    raw = await conn.get_raw_connection()
    driver: asyncpg.Connection = raw.driver_connection  # type: ignore[assignment]
    txn = DriverTxn(conn, driver, open_session)
    top: Any = None

    async def begin(_sql: str) -> None:
        nonlocal top
        top = driver.transaction()  # raises at once on a closed connection
        await top.start()

    try:
        await txn._run(_BEGIN, begin)  # errors as SQLAlchemy's
        try:
            yield txn
            if txn.opened_session is not None:
                await txn.opened_session.commit()  # flush, RELEASE SAVEPOINT
            await txn._run(_COMMIT, lambda _sql: top.commit())
        except BaseException:
            if txn.opened_session is not None:
                with contextlib.suppress(Exception):
                    await txn.opened_session.rollback()
            if top is not None:
                with contextlib.suppress(Exception):
                    await top.rollback()
            raise
    finally:
        if txn.opened_session is not None:
            with contextlib.suppress(Exception):
                await txn.opened_session.close()
        if not conn.invalidated and driver.is_in_transaction():
            await conn.invalidate()
