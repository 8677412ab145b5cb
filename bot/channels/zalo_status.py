"""What the OA's answers say about the channel as a whole: error classes, pause, alerts, probe.

Zalo answers most refusals with HTTP 200 and ``error`` ≠ 0 (codes from Zalo's documentation and
shared/research/zalo.md, "Second look"):

- configuration (-209/-212 app not activated, -221 OA not verified, -223 API not authorised,
  -224 tier upgrade needed): every send will fail until an admin acts, so the channel is marked
  degraded in /healthz, Zalo sends pause (rows wait without using up their attempts, one probe
  send every ``CONFIG_PAUSE``) and the office is alerted once;
- quota (-211 out of quota, -218 per-recipient limit): deferred with a long backoff, alert once;
- outside the messaging window (-213, -217, -227, -230, -232, -234, -244): deferred until the
  citizen writes again (or told by ZNS, see ``bot.channels.zalo_zns``);
- retryable (-32 rate limit, -100 server busy).

State lives in the process: another process learns the same from its own next send.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import aiohttp

from bot.channels.zalo_api import OA_PATH, ZaloApi, ZaloHttpError

if TYPE_CHECKING:
    from bot.channels.zalo_tokens import ZaloTokens

log = logging.getLogger(__name__)

TOKEN_ERRORS = frozenset({-216, -124, -220})
WINDOW_ERRORS = frozenset({-213, -217, -227, -230, -232, -234, -244})
CONFIG_ERRORS = frozenset({-209, -212, -221, -223, -224})
QUOTA_ERRORS = frozenset({-211, -218})
RETRY_ERRORS = frozenset({-32, -100})
CONFIG_REASONS = {
    -209: "ứng dụng chưa được kích hoạt",
    -212: "ứng dụng chưa được kích hoạt",
    -221: "OA chưa được xác thực",
    -223: "API chưa được cấp quyền cho ứng dụng",
    -224: "gói dịch vụ OA cần nâng cấp",
}
QUOTA_REASONS = {-211: "hết hạn mức gửi tin", -218: "quá số tin gửi cho một người"}
CONFIG_PAUSE = dt.timedelta(minutes=10)
QUOTA_WAIT = {-211: 3600.0, -218: 1800.0}

Alert = Callable[[str, int, str], Awaitable[None]]  # (text key, code, reason)


def classify(code: int) -> str:
    """token | window | config | quota | retry | failed."""
    for name, codes in (
        ("token", TOKEN_ERRORS),
        ("window", WINDOW_ERRORS),
        ("config", CONFIG_ERRORS),
        ("quota", QUOTA_ERRORS),
        ("retry", RETRY_ERRORS),
    ):
        if code in codes:
            return name
    return "failed"


@dataclass
class OaProbe:
    """What ``/v2.0/oa/getoa`` said at start (no personal data: the OA is public)."""

    reachable: bool = False
    verified: bool | None = None
    package: str = ""
    error: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "reachable": self.reachable,
            "verified": self.verified,
            "package": self.package,
            "error": self.error,
        }


@dataclass
class ZaloStatus:
    """Degraded / paused state of one OA in this process."""

    clock: Callable[[], dt.datetime]
    alert: Alert | None = None
    config_error: int | None = None
    paused_until: dt.datetime | None = None
    alerted: set[int] = field(default_factory=set)
    probe: OaProbe = field(default_factory=OaProbe)

    def pause_left(self) -> float:
        """Seconds Zalo sends stay paused (0: send)."""
        if self.paused_until is None:
            return 0.0
        return max(0.0, (self.paused_until - self.clock()).total_seconds())

    async def config_failed(self, code: int) -> float:
        """A configuration error: pause, alert once; returns the pause in seconds."""
        first = self.config_error is None
        self.config_error = code
        self.paused_until = self.clock() + CONFIG_PAUSE
        if first:
            log.error(
                "Zalo: lỗi cấu hình OA (mã %s: %s) — tạm dừng gửi tin Zalo",
                code,
                CONFIG_REASONS[code],
            )
        await self._alert_once(code, "config_alert", CONFIG_REASONS.get(code, ""))
        return CONFIG_PAUSE.total_seconds()

    async def quota_hit(self, code: int) -> float:
        """A quota error: alert once; returns how long the row should wait."""
        log.warning("Zalo: %s (mã %s)", QUOTA_REASONS.get(code, "hạn mức"), code)
        await self._alert_once(code, "quota_alert", QUOTA_REASONS.get(code, ""))
        return QUOTA_WAIT.get(code, 3600.0)

    def send_ok(self) -> None:
        """A send went through: whatever was wrong has been fixed."""
        if self.config_error is not None:
            log.info("Zalo: gửi tin lại được, hết tạm dừng (lỗi %s trước đó)", self.config_error)
            self.alerted.discard(self.config_error)
        self.config_error = None
        self.paused_until = None

    async def _alert_once(self, code: int, key: str, reason: str) -> None:
        if code in self.alerted or self.alert is None:
            return
        self.alerted.add(code)
        try:
            await self.alert(key, code, reason)
        except Exception as err:  # the alert must not turn a send into an adapter crash
            log.error("Zalo: không gửi được cảnh báo cho cán bộ (%s)", type(err).__name__)

    async def health(self) -> str:
        """ "degraded" while a configuration error pauses sends."""
        return "degraded" if self.config_error is not None else "ok"

    def details(self) -> dict[str, Any]:
        """For /healthz: the OA probe and any configuration error."""
        return {"oa": self.probe.as_dict(), "config_error": self.config_error}


async def probe_oa(api: ZaloApi, tokens: ZaloTokens, status: ZaloStatus) -> None:
    """At start: is the OA reachable and verified, on which package? Logged and kept for
    /healthz; a failure only says so (the channel still starts)."""
    try:
        token = await tokens.access_token()
        if not token:
            return
        result = await asyncio.wait_for(api.get_json(token, OA_PATH), timeout=5)
    except (TimeoutError, aiohttp.ClientError, ZaloHttpError, Exception) as err:
        # also the database being down: /healthz says so
        log.warning("Zalo: không kiểm tra được OA lúc khởi động (%s)", type(err).__name__)
        return
    if not result.ok:
        status.probe = OaProbe(reachable=True, error=result.error)
        log.warning("Zalo: kiểm tra OA bị từ chối (mã %s)", result.error)
        if result.error in CONFIG_ERRORS:
            await status.config_failed(result.error)
        return
    data = result.data
    verified = data.get("is_verified")
    package = data.get("package_name") or data.get("oa_type") or ""
    status.probe = OaProbe(
        reachable=True,
        verified=bool(verified) if verified is not None else None,
        package=str(package)[:64],
    )
    log.info(
        "Zalo OA: %s, gói %s",
        "đã xác thực" if verified else "CHƯA xác thực (ZNS và một số API sẽ bị từ chối)",
        status.probe.package or "?",
    )
