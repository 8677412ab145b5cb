"""The dashboard's settings and the per-request way to reach them (and the runtime)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from bot.runtime import Runtime
from bot.staff.labels import Labels

CONFIG: web.AppKey[StaffConfig] = web.AppKey("staff_config")


@dataclass(frozen=True)
class StaffConfig:
    """Dashboard settings (the STAFF_* variables, see docs/staff.md)."""

    runtime: Runtime
    idle: dt.timedelta
    absolute: dt.timedelta
    max_failures: int
    max_failures_per_ip: int
    lockout_window: dt.timedelta
    cookie_secure: bool | None
    max_failures_per_account: int = 100
    trusted_proxies: tuple[Any, ...] = ()  # ip networks whose X-Forwarded-For is believed

    def now(self) -> dt.datetime:
        return self.runtime.clock()

    @property
    def labels(self) -> Labels:
        return Labels.of(self.runtime.texts)


def config(request: web.Request) -> StaffConfig:
    return request.config_dict[CONFIG]


def is_https(request: web.Request) -> bool:
    forwarded = request.headers.get("X-Forwarded-Proto", "").split(",")[0].strip().lower()
    return request.secure or forwarded == "https"


def cookie_secure(request: web.Request) -> bool:
    setting = config(request).cookie_secure
    return setting if setting is not None else is_https(request)
