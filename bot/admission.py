"""Admission control: a bounded number of messages in the engine at once, 503 beyond that.

Each admitted request holds one database connection for its transaction; the bound is kept
below the pool size so an admitted request never queues for a connection. A request that finds
every slot taken waits a little (``wait`` seconds, at most ``max_waiting`` of them); the rest
are refused at once with ``503`` and ``Retry-After`` — as JSON, in milliseconds — instead of
queueing until a pool timeout turns them into 500s.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator

from aiohttp import web

RETRY_AFTER_SECONDS = 2
BUSY_TEXT = "Hệ thống đang bận, xin vui lòng gửi lại sau ít giây."


def busy(retry_after: int = RETRY_AFTER_SECONDS) -> web.Response:
    """The one overload answer: 503, JSON, Retry-After."""
    return web.json_response(
        {"error": BUSY_TEXT, "retry_after": retry_after},
        status=503,
        headers={"Retry-After": str(retry_after)},
        dumps=lambda data: json.dumps(data, ensure_ascii=False),
    )


class Saturated(Exception):
    """No slot became free in time."""


class Admission:
    """At most ``limit`` holders at once; a short, bounded wait for a slot, then refusal."""

    def __init__(self, limit: int, *, max_waiting: int | None = None, wait: float = 0.1) -> None:
        self.limit = limit
        self.max_waiting = limit if max_waiting is None else max_waiting
        self.wait = wait
        self._slots = asyncio.Semaphore(limit)
        self._waiting = 0
        self.refused = 0

    @property
    def in_use(self) -> int:
        return self.limit - self._slots._value

    async def _acquire(self) -> bool:
        if not self._slots.locked():
            await self._slots.acquire()
            return True
        if self._waiting >= self.max_waiting:
            return False
        self._waiting += 1
        try:
            await asyncio.wait_for(self._slots.acquire(), self.wait)
        except TimeoutError:
            return False
        finally:
            self._waiting -= 1
        return True

    @contextlib.asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        """Hold a slot for the block; raises ``Saturated`` when none is free in time."""
        if not await self._acquire():
            self.refused += 1
            raise Saturated
        try:
            yield
        finally:
            self._slots.release()
