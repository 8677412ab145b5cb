"""Configuration from the environment (and an optional ``.env`` file), validated at start.

A bad value stops start-up with one line that names the variable (``ConfigError``), never a
traceback: the reader is a commune's IT officer, not a Python developer.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

from storage.db import DatabaseUrlError, check_url

DEFAULT_DB_FILE = Path("var") / "bot.db"


class ConfigError(ValueError):
    """An environment variable has a value the bot cannot use."""

    def __init__(self, variable: str, problem: str) -> None:
        super().__init__(f"{variable}: {problem}")
        self.variable = variable
        self.problem = problem


@dataclass(frozen=True)
class Settings:
    """Everything configurable; see the README's configuration table."""

    database_url: str
    host: str = "127.0.0.1"
    port: int = 8080
    commune_profile: Path | None = None
    knowledge_dir: Path | None = None
    log_level: str = "INFO"
    public_url: str = ""
    telegram_bot_token: str = ""
    telegram_api_base_url: str = "https://api.telegram.org/bot"
    telegram_webhook_url: str = ""
    telegram_webhook_secret: str = ""
    telegram_staff_chat_id: str = ""
    zalo_app_id: str = ""
    zalo_app_secret: str = ""
    zalo_oa_secret_key: str = ""
    zalo_access_token: str = ""
    zalo_refresh_token: str = ""
    zalo_api_base_url: str = "https://openapi.zalo.me"
    zalo_oauth_base_url: str = "https://oauth.zaloapp.com"
    zalo_site_verification: str = ""
    staff_cookie_secure: bool | None = None
    personal_data_retention_days: int = 365
    # Every variable seen (environment over .env), for optional module-specific settings.
    env: dict[str, str] = field(default_factory=dict, repr=False)

    def get(self, name: str, default: str = "") -> str:
        """An optional setting not modelled above (e.g. STAFF_SESSION_HOURS)."""
        return self.env.get(name, default).strip()

    @property
    def telegram_enabled(self) -> bool:
        return bool(self.telegram_bot_token)

    @property
    def zalo_enabled(self) -> bool:
        return bool(self.zalo_app_id and self.zalo_app_secret and self.zalo_oa_secret_key)


def read_dotenv(path: Path) -> dict[str, str]:
    """KEY=VALUE lines; '#' comments; optional quotes. No interpolation, on purpose."""
    values: dict[str, str] = {}
    if not path.is_file():
        return values
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.partition("=")
        key = key.strip().removeprefix("export ").strip()
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        values[key] = value
    return values


def _port(value: str, variable: str) -> int:
    try:
        port = int(value)
    except ValueError:
        raise ConfigError(variable, f"'{value}' không phải số cổng (1–65535)") from None
    if not 1 <= port <= 65535:
        raise ConfigError(variable, f"cổng {port} nằm ngoài khoảng 1–65535")
    return port


def _readable_file(value: str, variable: str) -> Path:
    path = Path(value).expanduser()
    if not path.is_file():
        raise ConfigError(variable, f"không tìm thấy tệp '{value}'")
    try:
        with path.open("rb") as handle:
            handle.read(1)
    except OSError as err:
        raise ConfigError(variable, f"không đọc được tệp '{value}' ({err.strerror})") from None
    return path


def _http_url(value: str, variable: str, *, keep_trailing_slash: bool = False) -> str:
    """An http(s) URL; a trailing slash is dropped unless the value is a prefix that is
    concatenated as it is (python-telegram-bot appends the token to its ``base_url``)."""
    parsed = urlparse(value)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise ConfigError(variable, f"'{value}' không phải địa chỉ http(s)://… hợp lệ")
    return value if keep_trailing_slash else value.rstrip("/")


def _positive_int(value: str, variable: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise ConfigError(variable, f"'{value}' không phải số nguyên dương") from None
    if number <= 0:
        raise ConfigError(variable, f"cần số nguyên dương, không phải {number}")
    return number


def _bool(value: str, variable: str) -> bool:
    lowered = value.strip().lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off"):
        return False
    raise ConfigError(variable, f"'{value}' không phải giá trị đúng/sai (true/false)")


def load_settings(
    env: Mapping[str, str] | None = None, dotenv: Path | None = Path(".env")
) -> Settings:
    """Settings from ``env`` (default: os.environ) over the ``.env`` file; raises ConfigError."""
    merged: dict[str, str] = {}
    if dotenv is not None:
        merged.update(read_dotenv(dotenv))
    merged.update(os.environ if env is None else env)

    def get(name: str, default: str = "") -> str:
        return merged.get(name, default).strip()

    database_url = get("DATABASE_URL") or f"sqlite+aiosqlite:///{DEFAULT_DB_FILE.resolve()}"
    try:
        check_url(database_url)
    except DatabaseUrlError as err:
        raise ConfigError("DATABASE_URL", str(err)) from None

    profile = get("COMMUNE_PROFILE")
    knowledge_dir = get("KNOWLEDGE_DIR")
    if knowledge_dir and not Path(knowledge_dir).expanduser().is_dir():
        raise ConfigError("KNOWLEDGE_DIR", f"không tìm thấy thư mục '{knowledge_dir}'")

    log_level = get("LOG_LEVEL", "INFO").upper()
    if log_level not in ("DEBUG", "INFO", "WARNING", "ERROR"):
        raise ConfigError("LOG_LEVEL", f"'{log_level}' không hợp lệ (DEBUG, INFO, WARNING, ERROR)")

    webhook_url = get("TELEGRAM_WEBHOOK_URL")
    webhook_secret = get("TELEGRAM_WEBHOOK_SECRET")
    if webhook_url:
        _http_url(webhook_url, "TELEGRAM_WEBHOOK_URL")
        if not webhook_secret:
            raise ConfigError(
                "TELEGRAM_WEBHOOK_SECRET",
                "bắt buộc khi đặt TELEGRAM_WEBHOOK_URL (1–256 ký tự A-Z a-z 0-9 _ -)",
            )
    if webhook_secret and (
        len(webhook_secret) > 256
        or not all(c.isascii() and (c.isalnum() or c in "_-") for c in webhook_secret)
    ):
        raise ConfigError("TELEGRAM_WEBHOOK_SECRET", "chỉ được dùng 1–256 ký tự A-Z a-z 0-9 _ -")

    zalo_parts = {k: get(k) for k in ("ZALO_APP_ID", "ZALO_APP_SECRET", "ZALO_OA_SECRET_KEY")}
    if any(zalo_parts.values()) and not all(zalo_parts.values()):
        missing = next(k for k, v in zalo_parts.items() if not v)
        raise ConfigError(missing, "cần đặt đủ ZALO_APP_ID, ZALO_APP_SECRET và ZALO_OA_SECRET_KEY")

    cookie_secure = get("STAFF_COOKIE_SECURE")
    return Settings(
        database_url=database_url,
        host=get("BOT_HOST", "127.0.0.1"),
        port=_port(get("BOT_PORT", "8080"), "BOT_PORT"),
        commune_profile=_readable_file(profile, "COMMUNE_PROFILE") if profile else None,
        knowledge_dir=Path(knowledge_dir).expanduser() if knowledge_dir else None,
        log_level=log_level,
        public_url=_http_url(get("BOT_PUBLIC_URL"), "BOT_PUBLIC_URL")
        if get("BOT_PUBLIC_URL")
        else "",
        telegram_bot_token=get("TELEGRAM_BOT_TOKEN"),
        telegram_api_base_url=_http_url(
            get("TELEGRAM_API_BASE_URL", "https://api.telegram.org/bot"),
            "TELEGRAM_API_BASE_URL",
            keep_trailing_slash=True,
        ),
        telegram_webhook_url=webhook_url,
        telegram_webhook_secret=webhook_secret,
        telegram_staff_chat_id=get("TELEGRAM_STAFF_CHAT_ID"),
        zalo_app_id=zalo_parts["ZALO_APP_ID"],
        zalo_app_secret=zalo_parts["ZALO_APP_SECRET"],
        zalo_oa_secret_key=zalo_parts["ZALO_OA_SECRET_KEY"],
        zalo_access_token=get("ZALO_ACCESS_TOKEN"),
        zalo_refresh_token=get("ZALO_REFRESH_TOKEN"),
        zalo_api_base_url=_http_url(
            get("ZALO_API_BASE_URL", "https://openapi.zalo.me"), "ZALO_API_BASE_URL"
        ),
        zalo_oauth_base_url=_http_url(
            get("ZALO_OAUTH_BASE_URL", "https://oauth.zaloapp.com"), "ZALO_OAUTH_BASE_URL"
        ),
        zalo_site_verification=get("ZALO_SITE_VERIFICATION"),
        staff_cookie_secure=_bool(cookie_secure, "STAFF_COOKIE_SECURE") if cookie_secure else None,
        personal_data_retention_days=_positive_int(
            get("PERSONAL_DATA_RETENTION_DAYS", "365"), "PERSONAL_DATA_RETENTION_DAYS"
        ),
        env=merged,
    )
