"""A small async rate limiter: at most ``rate`` starts per second, spread evenly.

Announcements put hundreds of rows in the outbox at once; the delivery worker would send a whole
batch together. Platforms throttle (Zalo about 4,000 requests a minute per app), so each sender
spaces its calls. No lock is held while sleeping, so waiting never blocks the event loop.
"""

from __future__ import annotations

import asyncio
import time


class RateLimiter:
    """Each ``wait`` returns no earlier than 1/rate seconds after the previous one."""

    def __init__(self, rate: float) -> None:
        self.interval = 1.0 / rate
        self._next = 0.0

    async def wait(self) -> None:
        now = time.monotonic()
        start = max(now, self._next)
        self._next = start + self.interval
        if start > now:
            await asyncio.sleep(start - now)
