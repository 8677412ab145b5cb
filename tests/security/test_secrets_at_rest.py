"""The Zalo token pair is stored encrypted (Fernet), with a key from SECRET_KEY or from a key
file made at first start with mode 600; rotation keeps old ciphertext readable."""

from __future__ import annotations

import datetime as dt
import stat
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from bot import secret_keys
from storage import credentials, secret_box
from storage.communes import ensure_commune
from tests.conftest import make_settings

ACCESS = "zalo-access-token-value-1234567890"
REFRESH = "zalo-refresh-token-value-0987654321"


async def test_tokens_are_encrypted_in_the_database(runtime: Any) -> None:
    now = runtime.clock()
    commune = runtime.profile.id
    async with runtime.db.write() as session:
        await ensure_commune(session, commune, runtime.profile.name)
        await credentials.store_authorized(
            session, commune, "zalo", ACCESS, REFRESH, now + dt.timedelta(hours=25), now
        )
    async with runtime.db.read() as session:
        raw = (
            await session.execute(
                text(
                    "SELECT access_token, refresh_token FROM channel_credentials "
                    "WHERE channel = 'zalo'"
                )
            )
        ).one()
        pair = await credentials.read_tokens(session, commune, "zalo")
    assert ACCESS not in raw[0] and REFRESH not in raw[1]
    assert raw[0].startswith(secret_box.FERNET_PREFIX)
    assert pair is not None and (pair.access_token, pair.refresh_token) == (ACCESS, REFRESH)


async def test_a_pair_stored_before_encryption_is_still_read(runtime: Any) -> None:
    commune = runtime.profile.id
    async with runtime.db.write() as session:
        await ensure_commune(session, commune, runtime.profile.name)
        await session.execute(
            text(
                "INSERT INTO channel_credentials (commune_id, channel, access_token, "
                "refresh_token, updated_at) VALUES (:c, 'zalo', :a, :r, :u)"
            ),
            {"c": commune, "a": ACCESS, "r": REFRESH, "u": runtime.clock()},
        )
    async with runtime.db.read() as session:
        pair = await credentials.read_tokens(session, commune, "zalo")
    assert pair is not None and pair.access_token == ACCESS
    # At the channel's start the legacy pair is re-written encrypted, once.
    async with runtime.db.write() as session:
        assert await credentials.encrypt_plain(session, commune, "zalo")
    async with runtime.db.write() as session:
        assert not await credentials.encrypt_plain(session, commune, "zalo")
        raw = (
            await session.execute(
                text("SELECT access_token, refresh_token FROM channel_credentials")
            )
        ).one()
        pair = await credentials.read_tokens(session, commune, "zalo")
    assert all(value.startswith(secret_box.FERNET_PREFIX) for value in raw)
    assert pair is not None and (pair.access_token, pair.refresh_token) == (ACCESS, REFRESH)


def test_the_key_file_is_made_once_with_mode_600(tmp_path: Path) -> None:
    key_file = tmp_path / "var" / "secret.key"
    settings = make_settings("sqlite+aiosqlite:///x.db", SECRET_KEY_FILE=str(key_file))
    first = secret_keys.load_secrets(settings)
    assert key_file.exists() and stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert secret_keys.load_secrets(settings) == first and len(first[0]) >= 32
    explicit = make_settings("sqlite+aiosqlite:///x.db", SECRET_KEY="new-secret, old-secret")
    assert secret_keys.load_secrets(explicit) == ["new-secret", "old-secret"]
    assert "new-secret" not in repr(explicit)


def test_rotation_reads_old_ciphertext_and_a_wrong_key_is_a_clear_error() -> None:
    try:
        secret_box.configure(["old-secret"])
        old = secret_box.encrypt(ACCESS)
        secret_box.configure(["new-secret", "old-secret"])
        assert secret_box.decrypt(old) == ACCESS
        fresh = secret_box.encrypt(ACCESS)
        secret_box.configure(["new-secret"])
        assert secret_box.decrypt(fresh) == ACCESS
        with pytest.raises(secret_box.SecretUnreadable):
            secret_box.decrypt(old)
    finally:
        secret_keys.install(make_settings("sqlite+aiosqlite:///x.db"))


async def test_a_changed_secret_degrades_zalo_without_a_traceback(runtime: Any) -> None:
    from bot.channels.zalo_tokens import ZaloTokens

    now = runtime.clock()
    commune = runtime.profile.id
    async with runtime.db.write() as session:
        await ensure_commune(session, commune, runtime.profile.name)
        await credentials.store_authorized(
            session, commune, "zalo", ACCESS, REFRESH, now + dt.timedelta(hours=25), now
        )
    tokens = ZaloTokens(runtime.db, None, commune, runtime.clock)  # type: ignore[arg-type]
    try:
        secret_box.configure(["a-different-secret"])
        assert await tokens.current() is None
        assert await tokens.health() == "degraded"
    finally:
        secret_keys.install(make_settings("sqlite+aiosqlite:///x.db"))
    assert (await tokens.current()) is not None
