"""Guessing a staff password: in parallel, from many addresses, and through a reverse proxy."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

from aiohttp.test_utils import TestServer
from sqlalchemy import func, select

from bot.app import create_app
from bot.runtime import build_runtime
from storage.models import LoginAttempt
from tests.conftest import make_settings
from tests.staff.helpers import CSRF_RE, PASSWORD, Agent, make_account

WRONG = "đoán bừa một mật khẩu"


@contextlib.asynccontextmanager
async def dashboard(db_url: str, clock: Any, content: Any, **env: str) -> AsyncIterator[Any]:
    runtime = await build_runtime(
        make_settings(db_url, **env), clock=clock, migrate=False, content=content
    )
    server = TestServer(create_app(runtime, run_background=False))
    await server.start_server()
    try:
        yield runtime, server
    finally:
        await server.close()
        await runtime.close()


async def attempt(
    server: TestServer, username: str, password: str, forwarded_for: str | None = None
) -> int:
    """One sign-in from a fresh browser; the HTTP status. Like any client it tries again after
    a 503 (Retry-After): a flood on a slow machine may find the pool busy, and an overloaded
    answer records no attempt, so only the final answer says what the throttle decided."""
    for tries in range(50):
        if tries:
            await asyncio.sleep(0.1)
        agent = Agent(server)
        try:
            page = await agent.get("/staff/login")
            if page.status == 503:
                continue
            token = CSRF_RE.search(agent.last_html).group(1)  # type: ignore[union-attr]
            headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
            response = await agent.post(
                "/staff/login",
                {"_csrf": token, "username": username, "password": password, "next": ""},
                headers=headers,
            )
            if response.status != 503:
                return response.status
            assert response.headers.get("Retry-After")
        finally:
            await agent.close()
    raise AssertionError("the login page stayed overloaded")


async def test_parallel_guesses_are_counted_one_by_one(runtime: Any, server: TestServer) -> None:
    """Twenty wrong passwords sent at once used to all get "wrong" (401): none was counted
    before argon2 finished. Now only five passwords are ever checked; the rest are refused."""
    account = await make_account(runtime, "office")
    statuses = await asyncio.gather(*(attempt(server, account.username, WRONG) for _ in range(20)))
    assert statuses.count(401) == 4, statuses  # the fifth wrong one already says "locked"
    assert statuses.count(429) == 16, statuses
    assert await attempt(server, account.username, PASSWORD) == 429


async def test_a_right_password_leaves_no_mark_against_a_shared_address(
    runtime: Any, server: TestServer
) -> None:
    """The whole commune office may sign in through one public address: successful sign-ins
    must not count towards that address's limit."""
    account = await make_account(runtime, "office")
    for _ in range(3):
        assert await attempt(server, account.username, PASSWORD) == 303
    async with runtime.db.read() as session:
        assert await session.scalar(select(func.count(LoginAttempt.id))) == 0
    assert await attempt(server, account.username, WRONG) == 401
    async with runtime.db.read() as session:
        keys = (await session.execute(select(LoginAttempt.key))).scalars().all()
    # Three counters, none of them holding the username or the address in the clear.
    assert sorted(k.split(":")[0] for k in keys) == ["a", "ip", "u"]
    assert not any(account.username in k or "127.0.0.1" in k for k in keys)


async def test_behind_a_reverse_proxy_each_client_is_counted_apart(
    db_url: str, clock: Any, content: Any
) -> None:
    """The test client connects from 127.0.0.1 — a proxy on the same machine, trusted by
    default: the client is the right-most X-Forwarded-For hop, which the proxy appended."""
    async with dashboard(db_url, clock, content) as (runtime, server):
        account = await make_account(runtime, "office")
        attacker = "203.0.113.7"
        for _ in range(4):
            assert await attempt(server, account.username, WRONG, attacker) == 401
        assert await attempt(server, account.username, WRONG, attacker) == 429
        # A forged left-most hop does not help: the proxy's own hop is the one believed.
        assert await attempt(server, account.username, PASSWORD, f"10.9.9.9, {attacker}") == 429
        # The member at the office is another client, not locked out by the attacker.
        assert await attempt(server, account.username, PASSWORD, "198.51.100.20") == 303


async def test_forwarded_for_is_ignored_unless_the_peer_is_a_trusted_proxy(
    db_url: str, clock: Any, content: Any
) -> None:
    async with dashboard(db_url, clock, content, STAFF_TRUSTED_PROXIES="") as (runtime, server):
        account = await make_account(runtime, "office")
        for i in range(4):
            assert await attempt(server, account.username, WRONG, f"203.0.113.{i}") == 401
        # Rotating a header the client writes itself changes nothing: the address is the peer.
        assert await attempt(server, account.username, WRONG, "203.0.113.99") == 429


async def test_guesses_spread_over_many_addresses_still_lock_the_account(
    db_url: str, clock: Any, content: Any
) -> None:
    """A botnet gets at most 20× the per-address limit per window for one account."""
    env = {"STAFF_LOGIN_MAX_FAILURES": "2"}  # 2 per address, 20 per address, 40 per account
    async with dashboard(db_url, clock, content, **env) as (runtime, server):
        account = await make_account(runtime, "office")
        statuses = await asyncio.gather(
            *(attempt(server, account.username, WRONG, f"198.18.0.{i}") for i in range(40))
        )
        assert set(statuses) <= {401, 429}
        assert await attempt(server, account.username, PASSWORD, "198.18.1.1") == 429
        clock.advance(minutes=16)
        assert await attempt(server, account.username, PASSWORD, "198.18.1.1") == 303


async def test_the_password_form_counts_parallel_guesses_too(
    runtime: Any, server: TestServer
) -> None:
    account = await make_account(runtime, "office")
    agent = Agent(server)
    try:
        assert (await agent.login(account.username)).status == 303
        token = await agent.csrf()
        form = {"_csrf": token, "current": WRONG, "new": "x" * 12, "confirm": "x" * 12}
        responses = await asyncio.gather(
            *(
                agent.session.post(agent.url("/staff/password"), data=form, allow_redirects=False)
                for _ in range(12)
            )
        )
        statuses = [r.status for r in responses]
        assert statuses.count(400) == 5 and statuses.count(429) == 7, statuses
    finally:
        await agent.close()
