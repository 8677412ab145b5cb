"""The delivery worker: sends outbox rows through the channel adapters, with retries.

It runs inside every ``run`` process. Rows are claimed in one short transaction (``FOR UPDATE SKIP
LOCKED`` on PostgreSQL, so several processes share the work), sent outside any transaction, and
each send's outcome is recorded in its own short transaction right after that send — so a process
killed mid-batch re-sends (after the lease) only the messages whose send had begun and whose
outcome was not yet committed: delivery is at-least-once, with a window of one platform call
plus one commit per message. A send is cut off before its lease runs out, so no other process
can claim a row while it is still being sent. Transient errors back off
exponentially (with jitter, honouring a platform's ``retry_after``); permanent ones are recorded;
a refusal "for now" (Zalo's messaging window) defers the row until the citizen writes again.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from storage import outbox
from storage.db import Database
from storage.models import utcnow
from storage.outbox import ClaimedMessage

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SendResult:
    """What a channel made of one send attempt."""

    outcome: str  # sent | retry | paused | deferred | failed | blocked
    error: str = ""
    retry_after: float | None = None

    @classmethod
    def ok(cls) -> SendResult:
        return cls("sent")

    @classmethod
    def retry(cls, error: str, retry_after: float | None = None) -> SendResult:
        return cls("retry", error, retry_after)

    @classmethod
    def paused(cls, error: str, retry_after: float) -> SendResult:
        """The channel itself is unusable until a person fixes it (e.g. an expired Zalo
        authorisation): try again later without using up the message's attempts."""
        return cls("paused", error, retry_after)

    @classmethod
    def deferred(cls, error: str) -> SendResult:
        return cls("deferred", error)

    @classmethod
    def failed(cls, error: str) -> SendResult:
        return cls("failed", error)

    @classmethod
    def blocked(cls, error: str) -> SendResult:
        return cls("blocked", error)


class Sender(Protocol):
    """A channel adapter's sending side."""

    channel: str

    async def send(self, message: ClaimedMessage) -> SendResult: ...


class InlineSender:
    """For channels whose recipients fetch their messages (the web chat polls): nothing to do."""

    def __init__(self, channel: str) -> None:
        self.channel = channel

    async def send(self, message: ClaimedMessage) -> SendResult:
        return SendResult.ok()


class DeliveryWorker:
    """Claims due outbox rows and sends them; one per process."""

    def __init__(
        self,
        db: Database,
        senders: dict[str, Sender],
        *,
        clock: Callable[[], dt.datetime] = utcnow,
        batch_size: int = 20,
        lease: dt.timedelta = dt.timedelta(seconds=30),
        base_delay: float = 2.0,
        max_delay: float = 900.0,
        max_attempts: int = 10,
        poll_interval: float = 1.0,
        jitter: float = 0.2,
    ) -> None:
        self.db = db
        self.senders = senders
        self.clock = clock
        self.batch_size = batch_size
        self.lease = lease
        # A send still running this close to its lease's end is abandoned (recorded as a retry)
        # so that the row is never sent by two workers at once.
        self.send_timeout = max(1.0, lease.total_seconds() - 5.0)
        self.base_delay = base_delay
        self.max_delay = max_delay
        self.max_attempts = max_attempts
        self.poll_interval = poll_interval
        self.jitter = jitter
        self._wake = asyncio.Event()

    def wake(self) -> None:
        """Something was just queued: look now rather than at the next poll."""
        self._wake.set()

    def backoff(self, attempts: int, retry_after: float | None = None) -> float:
        """Seconds to wait before attempt ``attempts + 1``."""
        delay = min(self.max_delay, self.base_delay * 2 ** max(0, attempts - 1))
        delay *= 1 + random.uniform(-self.jitter, self.jitter)
        if retry_after is not None:
            delay = max(delay, retry_after)
        return delay

    async def run_once(self) -> int:
        """Claim one batch, send each row and record its outcome; returns how many were claimed."""
        now = self.clock()
        async with self.db.write() as session:
            claimed = await outbox.claim_due(
                session, now, self.lease, self.batch_size, channels=list(self.senders)
            )
        if not claimed:
            return 0
        await asyncio.gather(*(self._deliver(m) for m in claimed))
        return len(claimed)

    async def _deliver(self, message: ClaimedMessage) -> None:
        """One send, then its outcome in its own short transaction at once."""
        result = await self._send(message)
        async with self.db.write() as session:
            await self._record(session, message, result)

    async def _send(self, message: ClaimedMessage) -> SendResult:
        sender = self.senders[message.channel]
        try:
            return await asyncio.wait_for(sender.send(message), self.send_timeout)
        except asyncio.CancelledError:
            raise
        except TimeoutError:
            log.warning("gửi tin #%s qua %s quá lâu; sẽ thử lại", message.id, message.channel)
            return SendResult.retry("timeout")
        except Exception as err:  # an adapter bug or network error must not kill the worker
            log.warning(
                "gửi tin #%s qua %s lỗi: %s", message.id, message.channel, type(err).__name__
            )
            # Only the type: a library's message may quote a URL that carries a bot token.
            return SendResult.retry(type(err).__name__)

    async def _record(self, session, message: ClaimedMessage, result: SendResult) -> None:
        now = self.clock()
        if result.outcome == "sent":
            await outbox.mark_sent(session, message.id, now)
        elif result.outcome == "paused":
            await outbox.mark_retry(
                session,
                message.id,
                now + dt.timedelta(seconds=result.retry_after or self.max_delay),
                result.error,
                refund_attempt=True,
            )
        elif result.outcome == "deferred":
            await outbox.mark_deferred(session, message.id, result.error)
        elif result.outcome == "blocked":
            await outbox.mark_failed(session, message.id, result.error)
            if message.identity_id is not None:
                await outbox.mark_identity_blocked(session, message.identity_id, now)
        elif result.outcome == "retry" and message.attempts < self.max_attempts:
            delay = self.backoff(message.attempts, result.retry_after)
            await outbox.mark_retry(
                session, message.id, now + dt.timedelta(seconds=delay), result.error
            )
        else:
            log.error(
                "tin #%s qua %s thất bại hẳn sau %s lần: %s",
                message.id,
                message.channel,
                message.attempts,
                result.error,
            )
            await outbox.mark_failed(session, message.id, result.error or "failed")

    async def run(self, stop: asyncio.Event) -> None:
        """Loop until ``stop`` is set; the batch in flight is finished before returning."""
        while not stop.is_set():
            try:
                claimed = await self.run_once()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("vòng gửi tin lỗi; thử lại sau")
                claimed = 0
            if claimed:
                continue
            self._wake.clear()
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
