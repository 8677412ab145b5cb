"""Webhook events: stored at once, processed afterwards by any process, in order per citizen.

A webhook verifies its request, parses just enough to know the citizen and the platform's event
id, hands the raw body to ``IngestQueue.store`` and answers 200 once it is committed. Requests
arriving together share one INSERT (the next group waits for the one being written: group
commit), so a burst of 200 Zalo events costs a few statements, not 200; on PostgreSQL they go
over connections of the writer's own (``storage.ingest.EventWriter``: one round trip a group).
While a burst is being stored and answered the worker holds back (``_after_burst``): the
engine's CPU and transactions would otherwise delay the acknowledgements.
The worker (``run``, one per process, woken by a local store and polling for the others') leases
events — the oldest of each citizen whose earlier ones are finished — hands each to its
channel's processor (which calls the engine) and marks it done: its body erased, the row kept as
the redelivery key until it is pruned with the engine's inbound records. The engine records the
platform's id in the same transaction as its replies, so an event whose process died after the
engine's commit but before being marked done is re-claimed after the lease and dropped as a
redelivery: nothing is lost and nothing is answered twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import time
from collections.abc import Awaitable, Callable

from storage import ingest
from storage.db import Database
from storage.ingest import ClaimedEvent, EventWriter, NewEvent
from storage.models import utcnow

log = logging.getLogger(__name__)

Processor = Callable[[ClaimedEvent], Awaitable[None]]


class Busy(Exception):
    """Too many events wait to be written: the webhook answers 503 with Retry-After."""


class IngestQueue:
    """Stores webhook events (grouped INSERTs) and processes stored ones (the worker)."""

    def __init__(
        self,
        db: Database,
        *,
        clock: Callable[[], dt.datetime] = utcnow,
        concurrency: int = 2,
        batch_size: int = 20,
        lease: dt.timedelta = dt.timedelta(seconds=30),
        max_attempts: int = 5,
        poll_interval: float = 0.5,
        max_backlog: int = 2000,
        max_group: int = 200,
        quiet: float = 0.03,
        max_defer: float = 0.5,
    ) -> None:
        self.db = db
        self.writer = EventWriter(db)
        self.clock = clock
        self.processors: dict[str, Processor] = {}
        self.concurrency = concurrency
        self.batch_size = batch_size
        self.lease = lease
        self.max_attempts = max_attempts
        self.poll_interval = poll_interval
        self.max_backlog = max_backlog
        self.max_group = max_group
        # While a burst of webhooks is arriving or being written the worker waits (``quiet``
        # seconds after the last store or write, at most ``max_defer``): acknowledging them all
        # first keeps Zalo's 2 s for everyone.
        self.quiet = quiet
        self.max_defer = max_defer
        self._last_store = 0.0
        self._waiting: list[tuple[NewEvent, asyncio.Future[bool]]] = []
        self._writer: asyncio.Task[None] | None = None
        self._wake = asyncio.Event()
        self._slots = asyncio.Semaphore(concurrency)

    # --- the webhook side ------------------------------------------------------------------

    async def store(self, event: NewEvent) -> bool:
        """Commit the event; True when new, False when this platform id was stored already."""
        if len(self._waiting) >= self.max_backlog:
            raise Busy
        self._last_store = time.monotonic()
        future: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self._waiting.append((event, future))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write(), name="ingest-store")
        return await asyncio.shield(future)

    async def _write(self) -> None:
        while self._waiting:
            group = self._waiting[: self.max_group]
            del self._waiting[: self.max_group]
            unique: dict[tuple[str, str], NewEvent] = {}
            for event, _ in group:
                unique.setdefault((event.channel, event.external_id), event)
            try:
                new = await self.writer.write(list(unique.values()), self.clock())
            except Exception as err:  # the requests answer 503; the platform sends them again
                for _, future in group:
                    if not future.done():
                        future.set_exception(err)
                continue
            finally:
                self._last_store = time.monotonic()  # the answers leave now: still a burst
            for event, future in group:
                key = (event.channel, event.external_id)
                if not future.done():
                    future.set_result(key in new)
                new.discard(key)  # the same event twice in one group: the second is a repeat
            self.wake()

    # --- the worker side -------------------------------------------------------------------

    def wake(self) -> None:
        self._wake.set()

    async def run_once(self) -> int:
        """Claim one batch and process it; returns how many events were claimed."""
        if not self.processors:
            return 0
        async with self.db.write() as session:
            claimed = await ingest.claim_events(
                session, self.clock(), self.lease, self.batch_size, list(self.processors)
            )
        if claimed:
            await asyncio.gather(*(self._process(event) for event in claimed))
        return len(claimed)

    async def drain(self, rounds: int = 50) -> None:
        """Process everything due now (tests, and the end of a burst)."""
        for _ in range(rounds):
            if not await self.run_once():
                return

    async def _process(self, event: ClaimedEvent) -> None:
        async with self._slots:
            try:
                await self.processors[event.channel](event)
            except asyncio.CancelledError:
                raise
            except Exception as err:  # the type only: a message may quote the citizen's words
                await self._failed(event, type(err).__name__)
                return
            async with self.db.write() as session:
                await ingest.finish_event(session, event.id)

    async def _failed(self, event: ClaimedEvent, error: str) -> None:
        async with self.db.write() as session:
            if event.attempts >= self.max_attempts:
                log.error(
                    "sự kiện %s #%s bị bỏ sau %s lần lỗi: %s",
                    event.channel,
                    event.id,
                    event.attempts,
                    error,
                )
                await ingest.fail_event(session, event.id, error)
            else:
                log.warning("sự kiện %s #%s lỗi (%s); sẽ thử lại", event.channel, event.id, error)
                delay = dt.timedelta(seconds=min(300, 2**event.attempts))
                await ingest.retry_event(session, event.id, self.clock() + delay, error)

    def _busy(self) -> bool:
        """Events wait to be written, a group is being written, or one was just answered."""
        writing = self._writer is not None and not self._writer.done()
        return writing or time.monotonic() - self._last_store < self.quiet

    async def _after_burst(self) -> None:
        deadline = time.monotonic() + self.max_defer
        busy = self._busy()
        while busy and time.monotonic() < deadline:
            await asyncio.sleep(self.quiet)
            busy = self._busy()

    async def close(self) -> None:
        """Close the writer's own connections."""
        await self.writer.close()

    async def run(self, stop: asyncio.Event) -> None:
        """Loop until ``stop`` is set; the batch in hand is finished first."""
        while not stop.is_set():
            self._wake.clear()  # before claiming: a store during the claim wakes the next wait
            await self._after_burst()
            try:
                claimed = await self.run_once()
            except asyncio.CancelledError:
                raise
            except Exception as err:
                log.warning("vòng xử lý sự kiện lỗi (%s); thử lại sau", type(err).__name__)
                claimed = 0
            if claimed:
                continue
            waiters = [
                asyncio.ensure_future(stop.wait()),
                asyncio.ensure_future(self._wake.wait()),
            ]
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.wait(
                    waiters, timeout=self.poll_interval, return_when=asyncio.FIRST_COMPLETED
                )
            for waiter in waiters:
                waiter.cancel()
