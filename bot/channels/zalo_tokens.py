"""The Zalo OA token pair: read from the database, refreshed by one process at a time.

Zalo's access token lives about 25 hours; its refresh token is single-use and rotates on every
refresh. The rules that keep the pair alive (shared/research/zalo.md §3):

1. The pair lives in ``channel_credentials``, never only in memory: a restart picks up the
   rotated pair, not the long-spent one from the environment.
2. A refresh runs inside one write transaction holding the row lock, and re-reads the row after
   taking it: a process that waited behind another refresher finds the new pair and uses it
   instead of spending a refresh token that is no longer valid.
3. The new pair is committed before the new access token is used.
4. Refresh proactively (less than an hour left, from a periodic job) and reactively (Zalo said
   -216/-124/-220 "invalid or expired token").
5. A failed refresh is logged loudly without token values, stored on the row
   (``refresh_failed_at``) and turns /healthz's ``zalo`` to ``degraded``: re-authorisation is
   a human's job.

The network call to Zalo's OAuth server happens while the lock is held. On PostgreSQL that only
holds back other refreshers; on SQLite (one process, one writer at a time) it briefly holds back
other writers too — a refresh is about once a day and bounded by a 10-second timeout, and SQLite's
30-second busy timeout makes writers wait rather than fail. Never losing the single-use refresh
token is worth that pause.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import time
from collections.abc import Callable

from bot.channels.zalo_api import TokenRefreshError, ZaloApi
from storage import credentials
from storage.credentials import TokenPair
from storage.db import Database
from storage.secret_box import SecretUnreadable

log = logging.getLogger(__name__)

CHANNEL = "zalo"
REFRESH_MARGIN = dt.timedelta(hours=1)
# After a failed refresh, wait this long before the next attempt (a send retries sooner).
RETRY_FAILED_REFRESH = dt.timedelta(minutes=2)
CACHE_SECONDS = 30.0


class ZaloTokens:
    """Access-token source for the sender and the refresh logic around it."""

    def __init__(
        self,
        db: Database,
        api: ZaloApi,
        commune_id: str,
        clock: Callable[[], dt.datetime],
        *,
        seed_access_token: str = "",
        seed_refresh_token: str = "",
    ) -> None:
        self.db = db
        self.api = api
        self.commune_id = commune_id
        self.clock = clock
        self._seed = (seed_access_token, seed_refresh_token)
        self._seeded = False
        self._lock = asyncio.Lock()
        self._cache: TokenPair | None = None
        self._cached_at = 0.0
        self.refresh_count = 0  # refreshes this process performed (observability and tests)

    async def seed(self) -> None:
        """Adopt the configured pair if it is new (see ``storage.credentials.seed_tokens``)."""
        if self._seeded:
            return
        access, refresh = self._seed
        if access or refresh:
            async with self.db.write() as session:
                adopted = await credentials.seed_tokens(
                    session, self.commune_id, CHANNEL, access, refresh, self.clock()
                )
            if adopted:
                log.info("Zalo: đã nhận cặp token mới từ cấu hình (ZALO_ACCESS/REFRESH_TOKEN)")
        async with self.db.write() as session:
            if await credentials.encrypt_plain(session, self.commune_id, CHANNEL):
                log.info("Zalo: cặp token lưu từ trước đã được mã hoá trong cơ sở dữ liệu")
        self._seeded = True
        self._cache = None

    async def current(self) -> TokenPair | None:
        """The stored pair (cached for a few seconds; other processes may rotate it)."""
        await self.seed()
        if self._cache is not None and time.monotonic() - self._cached_at < CACHE_SECONDS:
            return self._cache
        try:
            async with self.db.read() as session:
                pair = await credentials.read_tokens(session, self.commune_id, CHANNEL)
        except SecretUnreadable:
            log.error(
                "Zalo: không giải mã được cặp token đã lưu — SECRET_KEY hoặc var/secret.key đã "
                "đổi? Đặt lại khoá cũ (SECRET_KEY=mới,cũ) hoặc uỷ quyền lại OA."
            )
            return None
        self._remember(pair)
        return pair

    def _remember(self, pair: TokenPair | None) -> None:
        self._cache = pair
        self._cached_at = time.monotonic()

    async def access_token(self) -> str | None:
        """A token to send with, refreshed first if it is known to have expired."""
        pair = await self.current()
        if pair is None:
            return None
        if pair.access_token and (pair.expires_at is None or pair.expires_at > self.clock()):
            return pair.access_token
        return await self.refresh(stale=pair.access_token)

    async def refresh(self, stale: str | None = None, *, proactive: bool = False) -> str | None:
        """Refresh under the row lock; returns the access token to use, or None on failure.

        ``stale``: the token Zalo just rejected — if the stored one differs, another process
        refreshed meanwhile and its token is used as is. ``proactive``: only refresh if the
        stored token is still close to expiry after taking the lock.
        """
        await self.seed()
        async with self._lock:
            now = self.clock()
            failure: str | None = None
            throttled = False
            pair: TokenPair | None = None
            async with self.db.write() as session:
                row = await credentials.lock_row(session, self.commune_id, CHANNEL)
                if row is None or not row.refresh_token:
                    failure = "chưa có refresh token (cần cấp quyền lại cho ứng dụng)"
                    if row is not None:
                        credentials.record_failure(row, failure, now)
                elif self._refreshed_meanwhile(row, stale, proactive, now):
                    pair = credentials.snapshot(row)
                elif (
                    row.refresh_failed_at is not None
                    and now - row.refresh_failed_at < RETRY_FAILED_REFRESH
                ):
                    throttled = True  # said loudly a moment ago; Zalo is not asked again yet
                else:
                    try:
                        grant = await self.api.refresh(row.refresh_token)
                    except TokenRefreshError as err:
                        failure = str(err)
                        credentials.record_failure(row, failure, now)
                    else:
                        pair = credentials.store_rotated(
                            row,
                            grant.access_token,
                            grant.refresh_token,
                            now + grant.expires_in,
                            now,
                        )
                        self.refresh_count += 1
                        if grant.refresh_token is None:
                            log.error(
                                "Zalo không cấp refresh token mới: cần cấp quyền lại "
                                "trước khi access token hết hạn"
                            )
            # committed: the rotated pair is safe before anyone uses the new access token
        if failure is not None:
            log.error(
                "Zalo: KHÔNG làm mới được token OA — %s. Tin nhắn Zalo sẽ chờ; xem "
                "docs/channels.md, bước 5 (cặp token đầu tiên).",
                failure,
            )
        if failure is not None or throttled:
            self._cache = None
            return None
        self._remember(pair)
        return pair.access_token if pair is not None else None

    @staticmethod
    def _refreshed_meanwhile(row, stale: str | None, proactive: bool, now: dt.datetime) -> bool:
        """After waiting for the lock: did another process already do this refresh?"""
        if stale is not None:
            return bool(row.access_token) and row.access_token != stale
        if proactive:
            return not credentials.snapshot(row).expires_within(now, REFRESH_MARGIN)
        return False

    async def refresh_if_due(self) -> None:
        """Periodic job: refresh when less than an hour is left (or the expiry is unknown)."""
        pair = await self.current()
        if pair is None or not pair.refresh_token:
            return
        if pair.expires_within(self.clock(), REFRESH_MARGIN):
            await self.refresh(proactive=True)

    async def health(self) -> str:
        """ "ok" while a usable token is stored and the last refresh did not fail."""
        await self.seed()
        try:
            async with self.db.read() as session:
                pair = await credentials.read_tokens(session, self.commune_id, CHANNEL)
        except SecretUnreadable:
            return "degraded"
        if pair is None or not pair.access_token:
            return "degraded"
        if pair.refresh_failed_at is not None:
            return "degraded"
        if pair.expires_at is not None and pair.expires_at <= self.clock():
            return "degraded"
        return "ok"
