"""A small client for the two Zalo endpoints the bot needs, on one ``aiohttp.ClientSession``.

- ``POST {ZALO_API_BASE_URL}/v3.0/oa/message/cs`` with header ``access_token`` sends a customer-
  service message. Zalo reports errors as HTTP 200 with ``error`` ≠ 0, so callers read the JSON.
- ``POST {ZALO_OAUTH_BASE_URL}/v4/oa/access_token`` (form-encoded, header ``secret_key``) trades a
  refresh token for a new pair; ``expires_in`` arrives as a string.

No SDK: none is maintained for the OA API in Python, and these two calls are all we use. Token
values never reach a log line or an exception message.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import aiohttp

SEND_PATH = "/v3.0/oa/message/cs"
TOKEN_PATH = "/v4/oa/access_token"
OA_PATH = "/v2.0/oa/getoa"


class ZaloHttpError(Exception):
    """The platform answered with an HTTP error or something that is not JSON."""

    def __init__(self, status: int, detail: str = "") -> None:
        super().__init__(f"HTTP {status}{': ' + detail if detail else ''}")
        self.status = status


class TokenRefreshError(Exception):
    """Zalo refused to refresh the token pair (expired or revoked refresh token, wrong secret…)."""


@dataclass(frozen=True)
class TokenGrant:
    """A freshly issued token pair."""

    access_token: str
    refresh_token: str | None
    expires_in: dt.timedelta


@dataclass(frozen=True)
class ApiResult:
    """The JSON answer of a send: ``error`` 0 means delivered."""

    error: int
    message: str
    data: dict[str, Any]

    @property
    def ok(self) -> bool:
        return self.error == 0


def _error_code(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1 if value else 0


def _result(data: dict[str, Any]) -> ApiResult:
    return ApiResult(
        error=_error_code(data.get("error", 0)),
        message=str(data.get("message", "")),
        data=data.get("data") if isinstance(data.get("data"), dict) else {},
    )


class ZaloApi:
    """The OA messaging and OAuth endpoints; created once per process."""

    def __init__(
        self,
        api_base: str,
        oauth_base: str,
        app_id: str,
        app_secret: str,
        *,
        timeout: float = 15.0,
    ) -> None:
        self.api_base = api_base.rstrip("/")
        self.oauth_base = oauth_base.rstrip("/")
        self.app_id = app_id
        self.app_secret = app_secret
        self.timeout = aiohttp.ClientTimeout(total=timeout)
        self._session: aiohttp.ClientSession | None = None

    def _client(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=self.timeout)
        return self._session

    async def close(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None

    async def _json(self, response: aiohttp.ClientResponse) -> dict[str, Any]:
        if response.status >= 400:
            raise ZaloHttpError(response.status)
        try:
            data = await response.json(content_type=None)
        except (ValueError, aiohttp.ContentTypeError):
            raise ZaloHttpError(response.status, "không phải JSON") from None
        if not isinstance(data, dict):
            raise ZaloHttpError(response.status, "không phải đối tượng JSON")
        return data

    async def send(self, access_token: str, recipient: str, message: dict[str, Any]) -> ApiResult:
        """Send one customer-service message; raises on HTTP errors and network trouble."""
        body = {"recipient": {"user_id": recipient}, "message": message}
        async with self._client().post(
            self.api_base + SEND_PATH, json=body, headers={"access_token": access_token}
        ) as response:
            data = await self._json(response)
        return _result(data)

    async def get_json(self, access_token: str, path: str, **params: str) -> ApiResult:
        """GET one OA endpoint (``/v2.0/oa/getoa``, ``/v3.0/oa/quota/message``…)."""
        async with self._client().get(
            self.api_base + path, params=params, headers={"access_token": access_token}
        ) as response:
            data = await self._json(response)
        return _result(data)

    async def post_json(self, access_token: str, url: str, body: dict[str, Any]) -> ApiResult:
        """POST a JSON body to any OA endpoint (tags, ZNS, anonymous answers…); ``url`` may be
        a path on ZALO_API_BASE_URL or a full URL (ZNS lives on another host)."""
        target = url if url.startswith("http") else self.api_base + url
        async with self._client().post(
            target, json=body, headers={"access_token": access_token}
        ) as response:
            data = await self._json(response)
        return _result(data)

    async def refresh(self, refresh_token: str) -> TokenGrant:
        """Trade the (single-use) refresh token for a new pair."""
        return await self._grant(
            {"refresh_token": refresh_token, "app_id": self.app_id, "grant_type": "refresh_token"}
        )

    async def exchange_code(self, code: str, code_verifier: str = "") -> TokenGrant:
        """Trade the authorisation code of the first OAuth v4 consent for a pair; the PKCE
        ``code_verifier`` is sent only when there is one (a console link may carry none)."""
        form = {"code": code, "app_id": self.app_id, "grant_type": "authorization_code"}
        if code_verifier:
            form["code_verifier"] = code_verifier
        return await self._grant(form)

    async def _grant(self, form: dict[str, str]) -> TokenGrant:
        try:
            async with self._client().post(
                self.oauth_base + TOKEN_PATH, data=form, headers={"secret_key": self.app_secret}
            ) as response:
                data = await self._json(response)
        except (TimeoutError, aiohttp.ClientError, ZaloHttpError) as err:
            raise TokenRefreshError(f"không gọi được máy chủ OAuth của Zalo ({err!s})") from None
        access = data.get("access_token")
        if not isinstance(access, str) or not access:
            code = data.get("error", "?")
            reason = data.get("error_description") or data.get("message") or data.get("error_name")
            raise TokenRefreshError(f"Zalo từ chối cấp token (mã {code}: {reason})")
        refresh = data.get("refresh_token")
        try:
            seconds = int(str(data.get("expires_in", "")).strip())  # a string, e.g. "90000"
        except ValueError:
            seconds = 0
        if seconds <= 0:
            seconds = 3600  # unknown lifetime: assume short, refresh early rather than late
        return TokenGrant(
            access_token=access,
            refresh_token=refresh if isinstance(refresh, str) and refresh else None,
            expires_in=dt.timedelta(seconds=seconds),
        )
