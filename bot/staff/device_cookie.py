"""Trusted-device cookies (OWASP, "Slow Down Online Guessing Attacks with Device Cookies").

The lockout counts failures per username (and address), so anyone who knows a username can keep
that member locked out from two addresses. A browser that signed in successfully before carries a
signed cookie naming that member; its sign-ins skip the username's lockout and are counted against
the cookie alone (the same number of failures locks that one cookie, which then falls back to the
ordinary lockout). A stolen cookie gains an attacker nothing but the same few guesses per window.

The value is ``username|nonce|expiry|HMAC-SHA256`` with the process's signing key
(``storage.secret_box.signing_key``); changing ``SECRET_KEY`` invalidates every device cookie.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession

from bot.staff import passwords, throttle
from bot.staff.config import cookie_secure
from bot.staff.pages import PREFIX
from storage import secret_box
from storage import staff as staff_repo

COOKIE = "xabot_device"
LIFETIME = dt.timedelta(days=180)
MAX_COOKIE = 400


def _sign(payload: str) -> str:
    mac = hmac.new(secret_box.signing_key(), payload.encode("utf-8"), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).decode("ascii").rstrip("=")


def issue(username: str, now: dt.datetime) -> str:
    """A fresh cookie value for ``username`` (a new nonce every successful sign-in)."""
    name = base64.urlsafe_b64encode(username.encode("utf-8")).decode("ascii").rstrip("=")
    payload = f"{name}|{secrets.token_urlsafe(16)}|{int((now + LIFETIME).timestamp())}"
    return f"{payload}|{_sign(payload)}"


def nonce_for(value: str, username: str, now: dt.datetime) -> str | None:
    """The cookie's nonce when it is authentic, unexpired and names ``username``; else None."""
    if not value or len(value) > MAX_COOKIE or value.count("|") != 3:
        return None
    payload, _, signature = value.rpartition("|")
    if not hmac.compare_digest(_sign(payload), signature):
        return None
    name, nonce, expiry = payload.split("|")
    try:
        owner = base64.urlsafe_b64decode(name + "=" * (-len(name) % 4)).decode("utf-8")
        expires = int(expiry)
    except ValueError:
        return None
    if owner != username or expires <= now.timestamp():
        return None
    return nonce


def set_cookie(request: web.Request, response: web.StreamResponse, username: str) -> None:
    response.set_cookie(
        COOKIE,
        issue(username, dt.datetime.now(dt.UTC)),
        path=PREFIX + "/login",
        max_age=int(LIFETIME.total_seconds()),
        httponly=True,
        samesite="Strict",
        secure=cookie_secure(request),
    )


@dataclass(frozen=True)
class Plan:
    """Which failure counters this sign-in attempt is judged by and recorded under."""

    keys: throttle.Keys
    device: str | None = None  # the trusted device's counter key

    def reserved(self) -> tuple[str, ...]:
        return (self.device,) if self.device else self.keys.all()


async def plan(
    session: AsyncSession,
    request: web.Request,
    username: str,
    keys: throttle.Keys,
    since: dt.datetime,
    limit: int,
) -> Plan:
    """A device plan for a valid cookie whose own failures are under ``limit``, else the usual."""
    nonce = nonce_for(request.cookies.get(COOKIE, ""), username, dt.datetime.now(dt.UTC))
    if nonce is not None:
        key = "d:" + passwords.sha256_hex(nonce)
        if await staff_repo.count_failures(session, key, since) < limit:
            return Plan(keys, key)
    return Plan(keys)


async def over(
    session: AsyncSession, plan: Plan, since: dt.datetime, limits: throttle.Limits
) -> tuple[bool, bool]:
    """(past the limit counting the attempt in hand, at the limit already)."""
    if plan.device:
        failures = await staff_repo.count_failures(session, plan.device, since)
        return failures > limits.user, failures >= limits.user
    counts = await throttle.count(session, plan.keys, since)
    return counts.over(limits, strictly=True), counts.over(limits, strictly=False)
