"""The Zalo OA app's first authorisation (OAuth v4 with PKCE), from the command line.

The bot refreshes its token pair by itself, but the very first pair needs a person: the OA's
administrator consents in a browser, Zalo sends them back with a one-time ``code`` (valid about
10 minutes), and the code is traded for a pair. Two commands do it without curl or copied tokens:

    python -m bot zalo link https://YOUR-DOMAIN/zalo-callback
        prints the consent URL to open, and keeps the PKCE verifier in var/zalo-oauth.json
    python -m bot zalo exchange CODE [--verifier V]
        trades the code for the first pair and stores it in the database (DATABASE_URL)

Zalo's current console can also generate the consent link itself, with the one callback URL and
the fixed code challenge saved in the app: then pass that challenge's verifier with
``--verifier`` (or ZALO_CODE_VERIFIER) — a different redirect or challenge fails the exchange
(-14003). A link made without PKCE needs no verifier: ``exchange`` then sends none.

Token values are never printed. The redirect URI must be the "Callback URL" set in the app on
Zalo for Developers; the bot need not serve it — the code is read from the browser's address bar.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import os
import secrets
import sys
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import urlencode

from bot import secret_keys
from bot.channels.zalo_api import TokenRefreshError, ZaloApi
from bot.config import ConfigError, Settings, load_settings
from knowledge.profile import load_profile
from storage import credentials
from storage.communes import ensure_commune
from storage.db import Database
from storage.models import utcnow

STATE_FILE = Path("var") / "zalo-oauth.json"
PERMISSION_PATH = "/v4/oa/permission"


def pkce_pair() -> tuple[str, str]:
    """A 43-character verifier and its challenge: unpadded base64url of its SHA-256."""
    verifier = secrets.token_urlsafe(32)
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    challenge = base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")
    return verifier, challenge


def consent_link(settings: Settings, redirect_uri: str, state_file: Path = STATE_FILE) -> str:
    """The URL the OA administrator opens; the verifier waits in ``state_file``."""
    if not settings.zalo_app_id:
        raise ConfigError("ZALO_APP_ID", "cần đặt trước khi cấp quyền cho ứng dụng")
    verifier, challenge = pkce_pair()
    state = secrets.token_urlsafe(8)
    state_file.parent.mkdir(parents=True, exist_ok=True)
    state_file.unlink(missing_ok=True)
    # Created owner-only from the start (write-then-chmod leaves a moment it is world-readable).
    fd = os.open(state_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(json.dumps({"code_verifier": verifier, "state": state}))
    query = urlencode(
        {
            "app_id": settings.zalo_app_id,
            "redirect_uri": redirect_uri,
            "code_challenge": challenge,
            "state": state,
        }
    )
    return f"{settings.zalo_oauth_base_url}{PERMISSION_PATH}?{query}"


async def _saved_verifier(state_file: Path) -> str:
    """The verifier ``link`` kept, or "" when no link was made on this machine."""
    try:
        saved = await asyncio.to_thread(state_file.read_text, "utf-8")
        return str(json.loads(saved)["code_verifier"])
    except (OSError, ValueError, KeyError, TypeError):
        return ""


async def exchange(
    settings: Settings, code: str, state_file: Path = STATE_FILE, verifier: str | None = None
) -> str:
    """Trade ``code`` for the first pair and store it; returns a line to print.

    The verifier: the one given (``--verifier``), else ZALO_CODE_VERIFIER (the console's fixed
    challenge), else the one ``link`` kept; with none, the exchange is made without PKCE."""
    if not settings.zalo_enabled:
        raise ConfigError(
            "ZALO_APP_ID", "cần đặt ZALO_APP_ID, ZALO_APP_SECRET và ZALO_OA_SECRET_KEY"
        )
    verifier = (
        (verifier or "").strip()
        or settings.zalo_code_verifier.strip()
        or await _saved_verifier(state_file)
    )
    api = ZaloApi(
        settings.zalo_api_base_url,
        settings.zalo_oauth_base_url,
        settings.zalo_app_id,
        settings.zalo_app_secret,
    )
    try:
        grant = await api.exchange_code(code.strip(), verifier)
    finally:
        await api.close()
    profile = load_profile(settings.commune_profile)
    secret_keys.install(settings)
    db = Database(settings.database_url)
    try:
        await db.upgrade()
        now = utcnow()
        async with db.write() as session:
            await ensure_commune(session, profile.id, profile.name)
            await credentials.store_authorized(
                session,
                profile.id,
                "zalo",
                grant.access_token,
                grant.refresh_token,
                now + grant.expires_in,
                now,
            )
            configured = settings.zalo_refresh_token or settings.zalo_access_token
            if configured:  # an older pair left in .env must not replace this one at start
                await credentials.ignore_configured(session, profile.id, "zalo", configured, now)
    finally:
        await db.dispose()
    await asyncio.to_thread(state_file.unlink, True)
    hours = int(grant.expires_in.total_seconds() // 3600)
    note = "" if grant.refresh_token else " (Zalo không cấp refresh token: OA dùng thử?)"
    return f"Đã lưu cặp token Zalo vào cơ sở dữ liệu; access token còn {hours} giờ{note}."


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    verifier = None
    if len(args) == 4 and args[0] == "exchange" and args[2] == "--verifier":
        verifier, args = args[3], args[:2]
    if len(args) != 2 or args[0] not in ("link", "exchange"):
        print(__doc__)
        return 2
    try:
        settings = load_settings()
        if args[0] == "link":
            print("Mở địa chỉ sau bằng tài khoản Zalo quản trị OA, chọn OA và đồng ý:")
            print(consent_link(settings, args[1]))
            print("Sau đó chạy: python -m bot zalo exchange <code>")
            print("(<code> là giá trị code=… trên thanh địa chỉ của trình duyệt)")
        else:
            print(asyncio.run(exchange(settings, args[1], verifier=verifier)))
    except ConfigError as err:
        print(f"Lỗi cấu hình — {err.variable}: {err.problem}", file=sys.stderr)
        return 2
    except TokenRefreshError as err:
        print(f"Không lấy được token: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
