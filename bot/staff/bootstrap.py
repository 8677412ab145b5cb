"""The first administrator: created at start-up when the commune has no active admin.

Its random one-time password is printed once on the console (standard output) — the only secret
the bot ever prints — and must be changed at the first sign-in. Several processes starting
together against one PostgreSQL create one admin: the username is UNIQUE and the loser re-checks.
"""

from __future__ import annotations

import logging
import sys

from bot.runtime import Runtime
from bot.staff import passwords
from storage import staff as staff_repo
from storage.communes import ensure_commune

log = logging.getLogger(__name__)

CANDIDATES = ("admin", *(f"admin{i}" for i in range(1, 20)))


async def ensure_first_admin(runtime: Runtime) -> tuple[str, str] | None:
    """Create the first admin if there is none; returns (username, one-time password)."""
    profile = runtime.profile
    async with runtime.db.read() as session:
        if await staff_repo.count_active_admins(session, profile.id):
            return None
    password = passwords.temporary_password()
    password_hash = await passwords.hash_password(password)
    now = runtime.clock()
    async with runtime.db.write() as session:
        await ensure_commune(session, profile.id, profile.name)
        if await staff_repo.count_active_admins(session, profile.id):
            return None
        for username in CANDIDATES:
            try:
                await staff_repo.create_account(
                    session,
                    commune_id=profile.id,
                    username=username,
                    role="admin",
                    full_name="",
                    password_hash=password_hash,
                    must_change_password=True,
                    now=now,
                )
            except staff_repo.UsernameTaken:
                if await staff_repo.count_active_admins(session, profile.id):
                    return None  # another process created it a moment ago
                continue
            return username, password
    log.error("không tạo được tài khoản quản trị đầu tiên: các tên admin… đều đã có")
    return None


def announce(username: str, password: str, login_url: str) -> None:
    """Print the one-time credentials on the console, once."""
    line = "=" * 72
    print(
        f"\n{line}\n"
        "TÀI KHOẢN QUẢN TRỊ ĐẦU TIÊN ĐÃ ĐƯỢC TẠO (chỉ hiện một lần):\n"
        f"  Tên đăng nhập: {username}\n"
        f"  Mật khẩu dùng một lần: {password}\n"
        f"Đăng nhập tại {login_url} và đổi mật khẩu ngay.\n"
        f"{line}\n",
        file=sys.stdout,
        flush=True,
    )
    log.warning(
        "Đã tạo tài khoản quản trị '%s'; mật khẩu một lần được in trên màn hình console.",
        username,
    )
