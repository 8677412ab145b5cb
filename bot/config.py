"""Configuration: one typed model (pydantic-settings) of every environment variable.

Values come from the environment over an optional ``.env`` file in the folder the bot starts from.
Every variable is validated — the bot's own, the channels' and the dashboard's (``STAFF_*``) — and
a bad value stops the start with one Vietnamese line naming it (``ConfigError``), never a
traceback: the reader is a commune's IT officer, not a Python developer. The names are the
README's and CONTRACTS.md's.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from dotenv import dotenv_values
from pydantic import AliasChoices, Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from bot.config_values import (
    Network,
    email_address,
    http_url,
    networks,
    positive_int,
    smtp_url,
    verification_code,
)
from storage.db import DatabaseUrlError, check_url

DEFAULT_DB_FILE = Path("var") / "bot.db"
DEFAULT_SECRET_KEY_FILE = Path("var") / "secret.key"
DEFAULT_TRUSTED_PROXIES = "127.0.0.1/32,::1/128"
# Variables where an empty value means something (no trusted proxy at all), not "unset".
EMPTY_MEANS_NONE = frozenset({"STAFF_TRUSTED_PROXIES"})


class ConfigError(ValueError):
    """An environment variable has a value the bot cannot use."""

    def __init__(self, variable: str, problem: str) -> None:
        super().__init__(f"{variable}: {problem}")
        self.variable = variable
        self.problem = problem


class _Problem(Exception):
    """Raised by the cross-field checks: names the variable (pydantic passes it through)."""

    def __init__(self, variable: str, problem: str) -> None:
        super().__init__(problem)
        self.variable = variable
        self.problem = problem


def _field(default: Any, env: str) -> Any:
    return Field(default=default, validation_alias=AliasChoices(env))


# Connections of the request pool kept from admitted messages: the ingest worker's two and the
# webhooks' one writer.
RESERVED_CONNECTIONS = 3


class Settings(BaseSettings):
    """Everything configurable; see the README's configuration table."""

    model_config = SettingsConfigDict(extra="ignore", frozen=True, validate_default=True)

    database_url: str = _field("", "DATABASE_URL")
    host: str = _field("127.0.0.1", "BOT_HOST")
    port: int = _field(8080, "BOT_PORT")
    public_url: str = _field("", "BOT_PUBLIC_URL")
    commune_profile: Path | None = _field(None, "COMMUNE_PROFILE")
    knowledge_dir: Path | None = _field(None, "KNOWLEDGE_DIR")
    log_level: str = _field("INFO", "LOG_LEVEL")
    telegram_bot_token: str = _field("", "TELEGRAM_BOT_TOKEN")
    telegram_api_base_url: str = _field("https://api.telegram.org/bot", "TELEGRAM_API_BASE_URL")
    telegram_webhook_url: str = _field("", "TELEGRAM_WEBHOOK_URL")
    telegram_webhook_secret: str = _field("", "TELEGRAM_WEBHOOK_SECRET")
    telegram_staff_chat_id: str = _field("", "TELEGRAM_STAFF_CHAT_ID")
    zalo_app_id: str = _field("", "ZALO_APP_ID")
    zalo_app_secret: str = _field("", "ZALO_APP_SECRET")
    zalo_oa_secret_key: str = _field("", "ZALO_OA_SECRET_KEY")
    zalo_access_token: str = _field("", "ZALO_ACCESS_TOKEN")
    zalo_refresh_token: str = _field("", "ZALO_REFRESH_TOKEN")
    zalo_api_base_url: str = _field("https://openapi.zalo.me", "ZALO_API_BASE_URL")
    zalo_oauth_base_url: str = _field("https://oauth.zaloapp.com", "ZALO_OAUTH_BASE_URL")
    zalo_site_verification: str = _field("", "ZALO_SITE_VERIFICATION")
    # ZNS (template messages by phone) for petition notices after the messaging window
    zalo_zns_template_id: str = _field("", "ZALO_ZNS_TEMPLATE_ID")
    zalo_zns_api_base_url: str = _field(
        "https://business.openapi.zalo.me", "ZALO_ZNS_API_BASE_URL"
    )
    # the console's fixed PKCE code_verifier, when its own OA link was used (``zalo exchange``)
    zalo_code_verifier: str = _field("", "ZALO_CODE_VERIFIER")
    zalo_bot_token: str = _field("", "ZALO_BOT_TOKEN")
    zalo_bot_webhook_url: str = _field("", "ZALO_BOT_WEBHOOK_URL")
    zalo_bot_webhook_secret: str = _field("", "ZALO_BOT_WEBHOOK_SECRET")
    zalo_bot_api_base_url: str = _field("", "ZALO_BOT_API_BASE_URL")
    staff_cookie_secure: bool | None = _field(None, "STAFF_COOKIE_SECURE")
    staff_session_idle_minutes: int = _field(60, "STAFF_SESSION_IDLE_MINUTES")
    staff_session_hours: int = _field(12, "STAFF_SESSION_HOURS")
    staff_login_max_failures: int = _field(5, "STAFF_LOGIN_MAX_FAILURES")
    staff_login_window_minutes: int = _field(15, "STAFF_LOGIN_WINDOW_MINUTES")
    staff_api_token_days: int = _field(90, "STAFF_API_TOKEN_DAYS")
    staff_trusted_proxies: tuple[Network, ...] = _field(
        DEFAULT_TRUSTED_PROXIES, "STAFF_TRUSTED_PROXIES"
    )
    personal_data_retention_days: int = _field(365, "PERSONAL_DATA_RETENTION_DAYS")
    # Encrypts stored platform tokens and signs cookies; several (comma-separated) for a rotation.
    secret_key: str = Field(default="", validation_alias=AliasChoices("SECRET_KEY"), repr=False)
    secret_key_file: Path = _field(DEFAULT_SECRET_KEY_FILE, "SECRET_KEY_FILE")
    smtp_url: str = _field("", "SMTP_URL")
    smtp_from: str = _field("", "SMTP_FROM")
    # Admission control: connections in the request pool; messages in the engine at once.
    db_pool_size: int = _field(10, "DB_POOL_SIZE")
    max_concurrent_messages: int = _field(6, "MAX_CONCURRENT_MESSAGES")

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        **_sources: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Only what ``load_settings`` hands over: it merges the environment and ``.env``."""
        return (init_settings,)

    # --- one check per variable -------------------------------------------------------------

    @field_validator("database_url", mode="before")
    @classmethod
    def _database_url(cls, value: Any) -> str:
        url = str(value or "") or f"sqlite+aiosqlite:///{DEFAULT_DB_FILE.resolve()}"
        try:
            check_url(url)
        except DatabaseUrlError as err:
            raise ValueError(str(err)) from None
        return url

    @field_validator("port", mode="before")
    @classmethod
    def _port(cls, value: Any) -> int:
        try:
            port = int(str(value).strip())
        except ValueError:
            raise ValueError(f"'{value}' không phải số cổng (1–65535)") from None
        if not 1 <= port <= 65535:
            raise ValueError(f"cổng {port} nằm ngoài khoảng 1–65535")
        return port

    @field_validator("commune_profile", mode="before")
    @classmethod
    def _profile(cls, value: Any) -> Path | None:
        if not value:
            return None
        path = Path(str(value)).expanduser()
        if not path.is_file():
            raise ValueError(f"không tìm thấy tệp '{value}'")
        try:
            with path.open("rb") as handle:
                handle.read(1)
        except OSError as err:
            raise ValueError(f"không đọc được tệp '{value}' ({err.strerror})") from None
        return path

    @field_validator("knowledge_dir", mode="before")
    @classmethod
    def _knowledge_dir(cls, value: Any) -> Path | None:
        if not value:
            return None
        path = Path(str(value)).expanduser()
        if not path.is_dir():
            raise ValueError(f"không tìm thấy thư mục '{value}'")
        return path

    @field_validator("log_level", mode="before")
    @classmethod
    def _log_level(cls, value: Any) -> str:
        level = str(value).upper()
        if level not in ("DEBUG", "INFO", "WARNING", "ERROR"):
            raise ValueError(f"'{level}' không hợp lệ (DEBUG, INFO, WARNING, ERROR)")
        return level

    @field_validator(
        "public_url",
        "telegram_webhook_url",
        "zalo_api_base_url",
        "zalo_oauth_base_url",
        "zalo_zns_api_base_url",
        "zalo_bot_webhook_url",
        "zalo_bot_api_base_url",
        mode="before",
    )
    @classmethod
    def _url(cls, value: Any) -> str:
        return http_url(str(value)) if value else ""

    @field_validator("telegram_api_base_url", mode="before")
    @classmethod
    def _prefix_url(cls, value: Any) -> str:
        return http_url(str(value), keep_trailing_slash=True)

    @field_validator("telegram_webhook_secret", mode="before")
    @classmethod
    def _telegram_secret(cls, value: Any) -> str:
        secret = str(value or "")
        if secret and (
            len(secret) > 256
            or not all(c.isascii() and (c.isalnum() or c in "_-") for c in secret)
        ):
            raise ValueError("chỉ được dùng 1–256 ký tự A-Z a-z 0-9 _ -")
        return secret

    @field_validator("zalo_site_verification", mode="before")
    @classmethod
    def _site_verification(cls, value: Any) -> str:
        if value and verification_code(str(value)) is None:
            raise ValueError("chỉ dán mã xác thực (chữ, số, _ và -)")
        return str(value or "")

    @field_validator("zalo_bot_webhook_secret", mode="before")
    @classmethod
    def _zalo_bot_secret(cls, value: Any) -> str:
        secret = str(value or "")
        if secret and not 8 <= len(secret) <= 256:
            raise ValueError("cần 8–256 ký tự")
        return secret

    @field_validator("staff_cookie_secure", mode="before")
    @classmethod
    def _bool(cls, value: Any) -> bool | None:
        if value is None or value == "":
            return None
        lowered = str(value).strip().lower()
        if lowered in ("1", "true", "yes", "on"):
            return True
        if lowered in ("0", "false", "no", "off"):
            return False
        raise ValueError(f"'{value}' không phải giá trị đúng/sai (true/false)")

    @field_validator(
        "staff_session_idle_minutes",
        "staff_session_hours",
        "staff_login_max_failures",
        "staff_login_window_minutes",
        "staff_api_token_days",
        "personal_data_retention_days",
        "db_pool_size",
        "max_concurrent_messages",
        mode="before",
    )
    @classmethod
    def _positive_int(cls, value: Any) -> int:
        return positive_int(value)

    @field_validator("staff_trusted_proxies", mode="before")
    @classmethod
    def _networks(cls, value: Any) -> tuple[Network, ...]:
        return networks(value)

    @field_validator("smtp_url", mode="before")
    @classmethod
    def _smtp_url(cls, value: Any) -> str:
        return smtp_url(value)

    @field_validator("smtp_from", mode="before")
    @classmethod
    def _smtp_from(cls, value: Any) -> str:
        return email_address(value)

    # --- variables that go together ---------------------------------------------------------

    @model_validator(mode="after")
    def _together(self) -> Settings:
        if self.telegram_webhook_url and not self.telegram_webhook_secret:
            raise _Problem(
                "TELEGRAM_WEBHOOK_SECRET",
                "bắt buộc khi đặt TELEGRAM_WEBHOOK_URL (1–256 ký tự A-Z a-z 0-9 _ -)",
            )
        zalo = {
            "ZALO_APP_ID": self.zalo_app_id,
            "ZALO_APP_SECRET": self.zalo_app_secret,
            "ZALO_OA_SECRET_KEY": self.zalo_oa_secret_key,
        }
        if any(zalo.values()) and not all(zalo.values()):
            missing = next(k for k, v in zalo.items() if not v)
            raise _Problem(
                missing, "cần đặt đủ ZALO_APP_ID, ZALO_APP_SECRET và ZALO_OA_SECRET_KEY"
            )
        if self.smtp_url and not self.smtp_from:
            raise _Problem("SMTP_FROM", "bắt buộc khi đặt SMTP_URL (địa chỉ gửi thư)")
        if self.zalo_bot_webhook_url and not self.zalo_bot_webhook_secret:
            raise _Problem(
                "ZALO_BOT_WEBHOOK_SECRET", "bắt buộc khi đặt ZALO_BOT_WEBHOOK_URL (8–256 ký tự)"
            )
        # Admitted messages, the ingest worker and the webhooks' writer each hold a connection:
        # together they must stay below the pool, so that none of them waits for one.
        if self.max_concurrent_messages + RESERVED_CONNECTIONS >= self.db_pool_size:
            raise _Problem(
                "MAX_CONCURRENT_MESSAGES",
                f"phải nhỏ hơn DB_POOL_SIZE − {RESERVED_CONNECTIONS} "
                f"(hiện DB_POOL_SIZE={self.db_pool_size})",
            )
        return self

    @property
    def telegram_enabled(self) -> bool:
        return bool(self.telegram_bot_token)

    @property
    def zalo_enabled(self) -> bool:
        return bool(self.zalo_app_id and self.zalo_app_secret and self.zalo_oa_secret_key)


def _variable(field: str) -> str:
    info = Settings.model_fields[field]
    alias = info.validation_alias
    return alias.choices[0] if isinstance(alias, AliasChoices) else field.upper()  # type: ignore[return-value]


def load_settings(
    env: Mapping[str, str] | None = None, dotenv: Path | None = Path(".env")
) -> Settings:
    """Settings from ``env`` (default: os.environ) over the ``.env`` file; raises ConfigError."""
    merged: dict[str, str] = {}
    if dotenv is not None and dotenv.is_file():
        merged.update({k: v or "" for k, v in dotenv_values(dotenv, interpolate=False).items()})
    merged.update(os.environ if env is None else env)
    names = {_variable(f) for f in Settings.model_fields}
    values = {
        k: v.strip()
        for k, v in merged.items()
        if k in names and (v.strip() or k in EMPTY_MEANS_NONE)
    }
    try:
        return Settings(**values)
    except _Problem as err:
        raise ConfigError(err.variable, err.problem) from None
    except ValidationError as err:
        first = err.errors()[0]
        loc = first.get("loc") or ()
        variable = str(loc[0]) if loc else "?"
        if variable in Settings.model_fields:
            variable = _variable(variable)
        problem = str(first.get("ctx", {}).get("error") or first.get("msg", ""))
        problem = problem.removeprefix("Value error, ")
        raise ConfigError(variable, problem) from None
