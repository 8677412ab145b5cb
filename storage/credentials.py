"""Rotating platform credentials (the Zalo OA token pair), one row per commune and channel.

Zalo's refresh token is single-use: every refresh returns a new pair and invalidates the old
refresh token. Two processes refreshing at once would each spend the same refresh token and one of
them would lose the pair for good (re-authorisation is manual). So a refresh happens inside one
write transaction that holds the row (``SELECT … FOR UPDATE`` on PostgreSQL; SQLite's
``BEGIN IMMEDIATE`` serialises writers), re-reads the row after taking the lock, and commits the
new pair before anyone uses the new access token.

The token pair an administrator configures (ZALO_ACCESS_TOKEN / ZALO_REFRESH_TOKEN) seeds the row
once. To notice a *new* configured pair (after a re-authorisation) without ever re-adopting an old,
already spent one, a sibling row ``<channel>-seed`` keeps the SHA-256 fingerprint of the last
adopted configured refresh token — never the token itself.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from sqlalchemy import Text, select, type_coerce
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import flag_modified

from storage.models import ChannelCredential
from storage.secret_box import FERNET_PREFIX
from storage.upsert import insert_ignore

SEED_SUFFIX = "-seed"


@dataclass(frozen=True)
class TokenPair:
    """A detached copy of a credential row, safe to use after its session closed."""

    access_token: str | None
    refresh_token: str | None
    expires_at: dt.datetime | None
    updated_at: dt.datetime | None = None
    refresh_failed_at: dt.datetime | None = None
    last_error: str | None = None

    def expires_within(self, now: dt.datetime, margin: dt.timedelta) -> bool:
        """True when the access token is missing, of unknown age or expires within ``margin``."""
        return not self.access_token or self.expires_at is None or self.expires_at - now < margin


def fingerprint(token: str) -> str:
    """A one-way fingerprint, so a configured token can be recognised without being stored."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def snapshot(row: ChannelCredential) -> TokenPair:
    """A detached copy of the row's current values."""
    return TokenPair(
        access_token=row.access_token,
        refresh_token=row.refresh_token,
        expires_at=row.expires_at,
        updated_at=row.updated_at,
        refresh_failed_at=row.refresh_failed_at,
        last_error=row.last_error,
    )


def _select(commune_id: str, channel: str):
    return select(ChannelCredential).where(
        ChannelCredential.commune_id == commune_id, ChannelCredential.channel == channel
    )


async def read_tokens(session: AsyncSession, commune_id: str, channel: str) -> TokenPair | None:
    """The stored pair, or None when the channel has no row yet."""
    row = (await session.execute(_select(commune_id, channel))).scalar_one_or_none()
    return snapshot(row) if row is not None else None


async def lock_row(
    session: AsyncSession, commune_id: str, channel: str
) -> ChannelCredential | None:
    """The row, locked until the transaction ends (other refreshers wait here, then re-read)."""
    stmt = _select(commune_id, channel).with_for_update()
    return (await session.execute(stmt)).scalar_one_or_none()


async def seed_tokens(
    session: AsyncSession,
    commune_id: str,
    channel: str,
    access_token: str | None,
    refresh_token: str | None,
    now: dt.datetime,
    expires_at: dt.datetime | None = None,
) -> bool:
    """Adopt a configured pair when it is new; True when it was adopted.

    "New" means: no row exists yet, or the configured refresh token differs from the one adopted
    last time (an administrator re-authorised and configured a fresh pair). A configured pair that
    was already adopted is ignored: the stored, rotated pair is newer.
    """
    if not access_token and not refresh_token:
        return False
    seed_channel = channel + SEED_SUFFIX
    mark = fingerprint(refresh_token or access_token or "")
    created = await insert_ignore(
        session,
        ChannelCredential,
        {
            "commune_id": commune_id,
            "channel": channel,
            "access_token": access_token or None,
            "refresh_token": refresh_token or None,
            "expires_at": expires_at,
            "updated_at": now,
        },
        ["commune_id", "channel"],
    )
    seed_row = await lock_row(session, commune_id, seed_channel)
    if created is not None:
        await _remember_seed(session, seed_row, commune_id, seed_channel, mark, now)
        return True
    if seed_row is not None and seed_row.refresh_token == mark:
        return False
    row = await lock_row(session, commune_id, channel)
    if row is None:  # pragma: no cover - the insert above guarantees a row
        return False
    row.access_token = access_token or None
    row.refresh_token = refresh_token or None
    row.expires_at = expires_at
    row.updated_at = now
    row.refresh_failed_at = None
    row.last_error = None
    await _remember_seed(session, seed_row, commune_id, seed_channel, mark, now)
    return True


async def ignore_configured(
    session: AsyncSession, commune_id: str, channel: str, configured_token: str, now: dt.datetime
) -> None:
    """Mark a configured token as already seen, so a later start never adopts it.

    Used when a pair is stored by other means (the command-line authorisation) while an older
    pair is still in the environment.
    """
    seed_channel = channel + SEED_SUFFIX
    row = await lock_row(session, commune_id, seed_channel)
    await _remember_seed(
        session, row, commune_id, seed_channel, fingerprint(configured_token), now
    )


async def _remember_seed(
    session: AsyncSession,
    seed_row: ChannelCredential | None,
    commune_id: str,
    seed_channel: str,
    mark: str,
    now: dt.datetime,
) -> None:
    if seed_row is None:
        session.add(
            ChannelCredential(
                commune_id=commune_id, channel=seed_channel, refresh_token=mark, updated_at=now
            )
        )
    else:
        seed_row.refresh_token = mark
        seed_row.updated_at = now


async def store_authorized(
    session: AsyncSession,
    commune_id: str,
    channel: str,
    access_token: str,
    refresh_token: str | None,
    expires_at: dt.datetime,
    now: dt.datetime,
) -> TokenPair:
    """Store a pair from a fresh authorisation, replacing whatever was stored."""
    await insert_ignore(
        session,
        ChannelCredential,
        {"commune_id": commune_id, "channel": channel, "updated_at": now},
        ["commune_id", "channel"],
    )
    row = await lock_row(session, commune_id, channel)
    assert row is not None
    return store_rotated(row, access_token, refresh_token, expires_at, now)


def store_rotated(
    row: ChannelCredential,
    access_token: str,
    refresh_token: str | None,
    expires_at: dt.datetime,
    now: dt.datetime,
) -> TokenPair:
    """Put a freshly issued pair on the locked row (committed with the caller's transaction)."""
    row.access_token = access_token
    # Without a new refresh token the old one is spent all the same: never keep it.
    row.refresh_token = refresh_token or None
    row.expires_at = expires_at
    row.updated_at = now
    row.refresh_failed_at = None
    row.last_error = None
    return snapshot(row)


async def encrypt_plain(session: AsyncSession, commune_id: str, channel: str) -> bool:
    """Re-write a pair stored before encryption at rest, so the database holds ciphertext now;
    True when there was one."""
    table = ChannelCredential.__table__
    raw = (
        await session.execute(
            select(
                type_coerce(table.c.access_token, Text), type_coerce(table.c.refresh_token, Text)
            ).where(table.c.commune_id == commune_id, table.c.channel == channel)
        )
    ).first()
    if raw is None:
        return False
    plain = [
        name
        for name, value in zip(("access_token", "refresh_token"), raw, strict=True)
        if value and not value.startswith(FERNET_PREFIX)
    ]
    if not plain:
        return False
    row = await lock_row(session, commune_id, channel)
    if row is None:  # pragma: no cover - read just above
        return False
    for name in plain:
        flag_modified(row, name)
    return True


def record_failure(row: ChannelCredential, error: str, now: dt.datetime) -> None:
    """Remember that a refresh failed (shown by /healthz); the stored pair is left untouched."""
    row.refresh_failed_at = now
    row.last_error = error[:500]
