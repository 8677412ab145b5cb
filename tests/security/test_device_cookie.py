"""An attacker who knows a username can lock it out (the per-account limit), but a browser that
signed in successfully before carries a signed device cookie and still signs in (OWASP)."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

from bot.staff import device_cookie
from tests.security.test_login_throttle import WRONG, attempt, dashboard
from tests.staff.helpers import CSRF_RE, PASSWORD, Agent, make_account


async def _sign_in(agent: Agent, username: str, password: str, address: str) -> int:
    await agent.get("/staff/login")
    token = CSRF_RE.search(agent.last_html).group(1)  # type: ignore[union-attr]
    response = await agent.post(
        "/staff/login",
        {"_csrf": token, "username": username, "password": password, "next": ""},
        headers={"X-Forwarded-For": address},
    )
    return response.status


async def _lock_out(server: Any, username: str, net: int) -> None:
    """Twenty addresses, one wrong guess each: the account's limit (20 × 1) is reached.

    One guess per address, because a second one from the same address is refused as already
    locked (limit 1) without being counted — parallel guesses from one address reach the
    account's limit only when they happen to pass the first check together."""
    statuses = await asyncio.gather(
        *(attempt(server, username, WRONG, f"203.0.{net}.{i}") for i in range(1, 21))
    )
    assert statuses.count(429) >= 1 and set(statuses) <= {401, 429}, statuses


async def test_a_known_browser_signs_in_through_a_lockout(
    db_url: str, clock: Any, content: Any
) -> None:
    async with dashboard(db_url, clock, content, STAFF_LOGIN_MAX_FAILURES="1") as (rt, server):
        account = await make_account(rt, "office")
        member = Agent(server)
        try:
            assert await _sign_in(member, account.username, PASSWORD, "198.51.100.7") == 303
            assert any(c.key == device_cookie.COOKIE for c in member.session.cookie_jar)
            await member.form("/staff/logout", {})
            await _lock_out(server, account.username, 1)
            assert await attempt(server, account.username, PASSWORD, "198.51.100.7") == 429
            # The member's own browser is judged by its cookie alone.
            assert await _sign_in(member, account.username, PASSWORD, "198.51.100.7") == 303
            await member.form("/staff/logout", {})
            # A wrong password from that browser spends the cookie's own allowance (1 here, so
            # it already says "locked"); then the browser falls back to the ordinary lockout.
            assert await _sign_in(member, account.username, WRONG, "198.51.100.7") == 429
            await _lock_out(server, account.username, 2)  # (the success above had cleared it)
            assert await _sign_in(member, account.username, PASSWORD, "198.51.100.7") == 429
        finally:
            await member.close()


async def test_the_cookie_is_signed_bound_to_the_username_and_expires(runtime: Any) -> None:
    now = dt.datetime.now(dt.UTC)
    value = device_cookie.issue("vanphong.lan", now)
    assert device_cookie.nonce_for(value, "vanphong.lan", now)
    assert device_cookie.nonce_for(value, "admin", now) is None
    name, nonce, expiry, mac = value.split("|")
    forged = f"{name}|{nonce}|{int(expiry) + 10**6}|{mac}"
    assert device_cookie.nonce_for(forged, "vanphong.lan", now) is None
    assert device_cookie.nonce_for(value[:-2] + "xx", "vanphong.lan", now) is None
    later = now + device_cookie.LIFETIME + dt.timedelta(seconds=1)
    assert device_cookie.nonce_for(value, "vanphong.lan", later) is None
    assert device_cookie.nonce_for("a|b|c", "vanphong.lan", now) is None
