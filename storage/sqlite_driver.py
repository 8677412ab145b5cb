"""SQLite through aiosqlite with one hand-off to its thread per statement instead of four.

SQLAlchemy's aiosqlite adapter creates a cursor, executes, fetches and closes it as four separate
trips to aiosqlite's worker thread; each trip is a queue put, a thread wake-up and a
``call_soon_threadsafe`` back to the loop, and together they were most of a chat message's CPU
on SQLite. This cursor does all four in one function run on that thread and keeps a snapshot of
what SQLAlchemy reads afterwards (rows, description, rowcount, lastrowid), so nothing touches
the ``sqlite3`` objects from the event loop. It is plugged in through ``create_async_engine``'s
documented ``module=`` hook. Server-side (streaming) cursors keep SQLAlchemy's own class.
"""

from __future__ import annotations

import collections
import sqlite3
from typing import Any

import aiosqlite
from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_cursor,
    AsyncAdapt_aiosqlite_dbapi,
)
from sqlalchemy.util import await_only

_Snapshot = tuple[list[Any] | None, Any, int, int | None]


def _run(conn: sqlite3.Connection, operation: str, parameters: Any, many: bool) -> _Snapshot:
    """On aiosqlite's thread: execute, fetch everything, close; return what SQLAlchemy reads."""
    cursor = conn.cursor()
    try:
        if many:
            cursor.executemany(operation, parameters)
        elif parameters is None:
            cursor.execute(operation)
        else:
            cursor.execute(operation, parameters)
        description = cursor.description
        rows = cursor.fetchall() if description else None
        return rows, description, cursor.rowcount, cursor.lastrowid
    finally:
        cursor.close()


class OneHopCursor(AsyncAdapt_aiosqlite_cursor):
    """A buffered cursor whose every statement is a single trip to the driver's thread."""

    __slots__ = ("_description", "_lastrowid", "_rowcount")

    def __init__(self, adapt_connection: AsyncAdapt_aiosqlite_connection) -> None:
        # No cursor is opened here (SQLAlchemy's adapter spends a hand-off on it).
        self._adapt_connection = adapt_connection
        self._connection = adapt_connection._connection
        self._cursor = None  # type: ignore[assignment]
        self._soft_closed_memoized = {}
        self._rows = collections.deque()
        self._description: Any = None
        self._rowcount = -1
        self._lastrowid: int | None = None

    @property
    def description(self) -> Any:
        return self._description

    @property
    def rowcount(self) -> int:
        return self._rowcount

    @property
    def lastrowid(self) -> int:
        return self._lastrowid  # type: ignore[return-value]

    async def _async_soft_close(self) -> None:
        """Nothing to close: the driver's cursor was closed on its own thread already."""

    def close(self) -> None:
        self._rows.clear()

    def _hand_off(self, operation: str, parameters: Any, many: bool) -> None:
        try:
            rows, self._description, self._rowcount, self._lastrowid = await_only(
                self._in_thread(operation, parameters, many)
            )
        except Exception as error:
            self._adapt_connection._handle_exception(error)
        self._rows = collections.deque(rows) if rows is not None else collections.deque()

    async def _in_thread(self, operation: str, parameters: Any, many: bool) -> _Snapshot:
        connection: aiosqlite.Connection = self._connection  # type: ignore[assignment]
        async with self._adapt_connection._execute_mutex:
            return await connection._execute(_run, connection._conn, operation, parameters, many)

    def execute(self, operation: Any, parameters: Any = None) -> None:
        self._hand_off(operation, parameters, False)

    def executemany(self, operation: Any, seq_of_parameters: Any) -> None:
        self._hand_off(operation, seq_of_parameters, True)

    def setinputsizes(self, *inputsizes: Any) -> None:
        """sqlite3 ignores input sizes."""


class OneHopConnection(AsyncAdapt_aiosqlite_connection):
    """SQLAlchemy's aiosqlite connection adapter, with the one-hop cursor."""

    __slots__ = ()
    _cursor_cls = OneHopCursor


class OneHopDbapi(AsyncAdapt_aiosqlite_dbapi):
    """The DBAPI module given to ``create_async_engine(module=...)``."""

    def connect(self, *arg: Any, **kw: Any) -> OneHopConnection:
        adapted = super().connect(*arg, **kw)
        return OneHopConnection(self, adapted._connection)


def one_hop_module() -> OneHopDbapi:
    """A fresh adapted DBAPI module for one SQLite engine."""
    return OneHopDbapi(aiosqlite, sqlite3)
