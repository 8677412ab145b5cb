"""Helpers for dashboard tests: accounts, petitions, and a signed-in browser-like HTTP agent."""

from __future__ import annotations

import itertools
import re
from typing import Any

import aiohttp
from aiohttp.test_utils import TestServer
from yarl import URL

from bot.staff import passwords
from storage import identities
from storage import petitions as repo
from storage import staff as staff_repo
from storage.communes import ensure_commune

PASSWORD = "Lúa chín vàng đồng thôn 3"
CSRF_RE = re.compile(r'name="_csrf" value="([^"]+)"')
VERSION_RE = re.compile(r'name="version" value="(\d+)"')
_names = itertools.count(1)
_hash_cache: dict[str, str] = {}


def password_hash(password: str = PASSWORD) -> str:
    """argon2 is slow on purpose; tests reuse one hash per password."""
    if password not in _hash_cache:
        _hash_cache[password] = passwords.hash_password_sync(password)
    return _hash_cache[password]


async def make_account(
    runtime: Any,
    role: str,
    *,
    username: str | None = None,
    committee: str | None = None,
    password: str = PASSWORD,
    must_change: bool = False,
    full_name: str = "",
) -> Any:
    username = username or f"{role.replace('_', '')}{next(_names)}"
    async with runtime.db.write() as session:
        await ensure_commune(session, runtime.profile.id, runtime.profile.name)
        return await staff_repo.create_account(
            session,
            commune_id=runtime.profile.id,
            username=username,
            role=role,
            committee=committee,
            full_name=full_name,
            password_hash=password_hash(password),
            must_change_password=must_change,
            now=runtime.clock(),
        )


async def make_token(runtime: Any, account_id: int) -> str:
    token = passwords.new_api_token()
    async with runtime.db.write() as session:
        await staff_repo.create_token(
            session,
            staff_id=account_id,
            token_hash=passwords.sha256_hex(token),
            label="test",
            now=runtime.clock(),
        )
    return token


async def make_petition(
    runtime: Any,
    *,
    content: str = "Đường liên thôn 3 bị sụt lún, xe máy đi rất nguy hiểm",
    category: str = "giao-thong",
    committee: str | None = "kt-ns",
    user: str | None = "citizen-1",
    channel: str = "web",
    **fields: Any,
) -> str:
    """A petition filed by a web-chat citizen (so notifications have somewhere to go)."""
    from knowledge import normalize

    async with runtime.db.write() as session:
        await ensure_commune(session, runtime.profile.id, runtime.profile.name)
        identity_id = None
        if user:
            identity = await identities.get_or_create_identity(
                session, runtime.profile.id, channel, user
            )
            identity_id = identity.id
        petition = await repo.create_petition(
            session,
            now=fields.pop("now", runtime.clock()),
            commune_id=runtime.profile.id,
            category=category,
            committee=committee,
            content=content,
            content_norm=normalize(content),
            intake_channel=fields.pop("intake_channel", channel),
            identity_id=identity_id,
            **fields,
        )
        return petition.code


async def petition_row(runtime: Any, code: str) -> Any:
    async with runtime.db.read() as session:
        return await repo.get_by_code(session, code, with_details=True)


class Agent:
    """One staff member's browser: its own cookie jar, following the dashboard's forms."""

    def __init__(self, server: TestServer) -> None:
        self.server = server
        self.session = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))
        self.last_html = ""

    def url(self, path: str) -> URL:
        return self.server.make_url(path)

    async def close(self) -> None:
        await self.session.close()

    async def get(self, path: str, **kw: Any) -> aiohttp.ClientResponse:
        kw.setdefault("allow_redirects", False)
        response = await self.session.get(self.url(path), **kw)
        if response.content_type == "text/html":
            self.last_html = await response.text()
        return response

    async def post(self, path: str, data: Any = None, **kw: Any) -> aiohttp.ClientResponse:
        kw.setdefault("allow_redirects", False)
        response = await self.session.post(self.url(path), data=data, **kw)
        if response.content_type == "text/html":
            self.last_html = await response.text()
        return response

    async def login(self, username: str, password: str = PASSWORD) -> aiohttp.ClientResponse:
        page = await self.get("/staff/login")
        if page.status == 302:
            # Already signed in: the form is fetched as a signed-out browser would see it and
            # its double-submit cookie copied over, to sign in again from this browser.
            async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as fresh:
                page = await fresh.get(self.url("/staff/login"))
                self.last_html = await page.text()
                for cookie in fresh.cookie_jar:
                    self.session.cookie_jar.update_cookies(
                        {cookie.key: cookie.value}, self.url("/staff/login")
                    )
        assert page.status == 200, page.status
        token = CSRF_RE.search(self.last_html).group(1)  # type: ignore[union-attr]
        return await self.post(
            "/staff/login",
            {"_csrf": token, "username": username, "password": password, "next": ""},
        )

    async def csrf(self) -> str:
        """The session's CSRF token, read from a page every signed-in member may open."""
        await self.get("/staff/password")
        found = CSRF_RE.search(self.last_html)
        assert found, self.last_html[:500]
        return found.group(1)

    async def form(self, path: str, fields: dict[str, str], *, csrf: str | None = None) -> Any:
        data = {"_csrf": csrf if csrf is not None else await self.csrf(), **fields}
        return await self.post(path, data)

    async def act(self, code: str, action: str, **fields: str) -> aiohttp.ClientResponse:
        """Open the petition page (as a member would) and submit one action form."""
        page = await self.get(f"/staff/petitions/{code}")
        assert page.status == 200, (page.status, self.last_html[:300])
        version = VERSION_RE.search(self.last_html)
        data = {"action": action, "version": version.group(1) if version else "1", **fields}
        token = CSRF_RE.search(self.last_html).group(1)  # type: ignore[union-attr]
        return await self.post(f"/staff/petitions/{code}/action", {"_csrf": token, **data})


async def signed_in(server: TestServer, username: str, password: str = PASSWORD) -> Agent:
    agent = Agent(server)
    response = await agent.login(username, password)
    assert response.status == 303, (response.status, agent.last_html[:500])
    return agent
