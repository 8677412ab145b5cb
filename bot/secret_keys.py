"""Where the process's secret comes from: ``SECRET_KEY``, or a key file made at first start.

``SECRET_KEY`` may hold several comma-separated secrets for a rotation: the first encrypts and
signs, the others still decrypt (README, "Secrets at rest"). Without it, ``SECRET_KEY_FILE``
(``var/secret.key``) is read, and created with mode 600 (owner only) when it does not exist.
"""

from __future__ import annotations

import logging
import os
import secrets
from pathlib import Path

from bot.config import Settings
from storage import secret_box

log = logging.getLogger(__name__)


def _read_or_create(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(32)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it first: use theirs
        return path.read_text(encoding="utf-8").strip()
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(value + "\n")
    os.chmod(path, 0o600)  # whatever the umask
    log.warning("Đã tạo khoá bí mật %s (quyền 600); hãy sao lưu tệp này cùng cơ sở dữ liệu.", path)
    return value


def load_secrets(settings: Settings) -> list[str]:
    """The configured secrets, newest first."""
    configured = [s.strip() for s in settings.secret_key.split(",") if s.strip()]
    if configured:
        return configured
    value = _read_or_create(settings.secret_key_file)
    if not value:
        raise ValueError(f"{settings.secret_key_file} is empty")
    return [value]


def install(settings: Settings) -> None:
    """Install the keys for this process (encrypted columns, signed cookies)."""
    secret_box.configure(load_secrets(settings))
