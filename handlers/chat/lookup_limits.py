"""Throttling status lookups by code, so codes cannot be guessed in bulk.

A code is the only credential of a petition filed at the commune office (whoever types it
follows it), so lookups are limited per identity — remembered in the conversation row, so every
process and a restart see it — and globally in this process, since a web-chat identity costs
nothing to make. Only lookups with a code count; the list of one's own petitions is free.
"""

from __future__ import annotations

import collections
import datetime as dt
import math

from handlers.context import Context
from handlers.memory import Remembered

PER_IDENTITY = 10
IDENTITY_WINDOW = dt.timedelta(minutes=10)
GLOBAL = 120
GLOBAL_WINDOW = dt.timedelta(minutes=1)
LOOKUPS = Remembered("lookup_times", list)


class GlobalWindow:
    """Lookups by anyone in the last ``GLOBAL_WINDOW`` (this process)."""

    def __init__(self, limit: int = GLOBAL, window: dt.timedelta = GLOBAL_WINDOW) -> None:
        self.limit = limit
        self.window = window
        self.times: collections.deque[dt.datetime] = collections.deque()

    def admit(self, now: dt.datetime) -> bool:
        # Older than the window, or "later" than now (a clock set back): forgotten.
        while self.times and not dt.timedelta(0) <= now - self.times[0] < self.window:
            self.times.popleft()
        if len(self.times) >= self.limit:
            return False
        self.times.append(now)
        return True


GLOBAL_LOOKUPS = GlobalWindow()


def identity_wait(ctx: Context) -> dt.timedelta | None:
    """Record one lookup for this identity; how long to wait when it is over its limit."""
    recent: list[dt.datetime] = []
    for raw in ctx.recall(LOOKUPS) or []:
        try:
            moment = dt.datetime.fromisoformat(str(raw))
        except ValueError:
            continue
        if ctx.now - moment < IDENTITY_WINDOW:
            recent.append(moment)
    if len(recent) >= PER_IDENTITY:
        ctx.remember(LOOKUPS, [m.isoformat() for m in recent])
        return IDENTITY_WINDOW - (ctx.now - min(recent))
    recent.append(ctx.now)
    ctx.remember(LOOKUPS, [m.isoformat() for m in recent])
    return None


def minutes(wait: dt.timedelta) -> int:
    return max(1, math.ceil(wait.total_seconds() / 60))
