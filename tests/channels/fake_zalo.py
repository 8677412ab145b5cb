"""A fake Zalo OA API and OAuth server on 127.0.0.1, for the REAL Zalo client of ``bot.channels``.

- ``POST /v3.0/oa/message/cs`` checks the ``access_token`` header (-216 when unknown or expired),
  validates the message as Zalo documents it (text ≤ 2,000 characters, ≤ 5 buttons, titles ≤ 100:
  -201 otherwise) and records it; errors come as HTTP 200 with ``error`` ≠ 0, like Zalo.
- ``POST /v4/oa/access_token`` (form-encoded, header ``secret_key``) trades a refresh token for a
  new pair. Refresh tokens are single-use: the old one is dead once spent, as on Zalo.
  ``expires_in`` is a string.
- ``fail_send(code)`` / ``fail_send_http(status)`` script the next send answers (-230, -232, -213,
  -32, -124, 5xx…).

- ``always_fail = code`` answers every send with that code (a configuration error, say -224).
- ``GET /v2.0/oa/getoa`` describes the OA (``verified`` / ``package``).
- ``POST /v3.0/oa/quota/message`` reports the recipient's last interaction: ``window_closed``
  holds the users past the messaging window (their sends get -213 too).
- ``POST /message/template`` (ZNS, the business host) checks the template id, a phone in 84… form
  and ``tracking_id``; ``zns_error`` scripts a refusal. ``zns`` lists what was accepted.
- ``POST /v2.0/oa/tag/tagfollower`` records ``tags[user] = {tag_name…}``.
- a ``request_user_info`` message (Zalo's name-and-phone form) is validated like Zalo: one
  element, title ≤ 100, subtitle ≤ 500; ``submit_info`` builds the citizen's answer.
- ``POST /v2.0/oa/message`` answers anonymous chats (``anonymous_messages``).

Also: ``sign`` and ``event`` build signed webhook deliveries as Zalo would send them.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import itertools
import json
import secrets
import time
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestServer

APP_ID = "1357924680135792468"
APP_SECRET = "fake-app-secret"
OA_SECRET_KEY = "fake-oa-secret-key"
OA_ID = "2468013579246801357"
LIFETIME = 90000


class FakeZalo:
    """One fake OA with its app; token values are random per instance."""

    def __init__(self) -> None:
        self.app_id = APP_ID
        self.app_secret = APP_SECRET
        self.access_tokens: dict[str, float] = {}
        self.refresh_tokens: set[str] = set()
        self.spent_refresh_tokens: set[str] = set()
        self.messages: list[dict[str, Any]] = []  # delivered: {"recipient", "message"}
        self.send_calls: list[dict[str, Any]] = []
        self.refresh_calls = 0
        self.refresh_delay = 0.0
        self.refresh_failure: dict[str, Any] | None = None
        self.scripted: list[tuple[str, int]] = []
        self.codes: dict[str, str] = {}
        self._ids = itertools.count(1)
        self.always_fail: int | None = None
        self.verified = True
        self.package = "Gói Nâng cao"
        self.window_closed: set[str] = set()
        self.zns_template_id = "301234"
        self.zns: list[dict[str, Any]] = []
        self.zns_error: int | None = None
        self.tags: dict[str, set[str]] = {}
        self.anonymous_messages: list[dict[str, Any]] = []
        self.server: TestServer | None = None

    async def start(self) -> FakeZalo:
        app = web.Application()
        app.router.add_post("/v3.0/oa/message/cs", self._send)
        app.router.add_post("/v4/oa/access_token", self._token)
        app.router.add_get("/v2.0/oa/getoa", self._getoa)
        app.router.add_post("/v3.0/oa/quota/message", self._quota)
        app.router.add_post("/message/template", self._zns)
        app.router.add_post("/v2.0/oa/tag/tagfollower", self._tag)
        app.router.add_post("/v2.0/oa/message", self._anonymous)
        self.server = TestServer(app, host="127.0.0.1")
        await self.server.start_server()
        return self

    async def close(self) -> None:
        if self.server is not None:
            await self.server.close()

    @property
    def url(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.port}"

    # --- tokens ----------------------------------------------------------------------------

    def issue_pair(self) -> tuple[str, str]:
        """A valid (access, refresh) pair, as the first OAuth authorisation would give."""
        access = "acc-" + secrets.token_hex(8)
        refresh = "ref-" + secrets.token_hex(8)
        self.access_tokens[access] = time.time() + LIFETIME
        self.refresh_tokens.add(refresh)
        return access, refresh

    def issue_code(self, code_challenge: str | None) -> str:
        """What the consent page hands back in the redirect (single use, bound to PKCE; None:
        a link made without a challenge, which needs no verifier)."""
        code = "code-" + secrets.token_hex(6)
        self.codes[code] = code_challenge
        return code

    def _authorization_code(self, code: str, verifier: str) -> web.Response:
        known = code in self.codes
        challenge = self.codes.pop(code, None)
        digest = hashlib.sha256(verifier.encode()).digest()
        expected = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
        if known and challenge is not None and verifier and challenge != expected:
            return web.json_response(
                {"error": -14003, "error_name": "Invalid code verifier", "error_description": ""}
            )
        if (
            not known
            or (challenge is not None and challenge != expected)
            or (challenge is None and verifier)
        ):
            return web.json_response(
                {
                    "error": -14019,
                    "error_name": "Invalid code",
                    "error_description": "Invalid authorization code",
                }
            )
        access, refresh = self.issue_pair()
        return web.json_response(
            {"access_token": access, "refresh_token": refresh, "expires_in": str(LIFETIME)}
        )

    def expire_access_tokens(self) -> None:
        """Every access token issued so far stops working (-216 on the next send)."""
        self.access_tokens.clear()

    # --- scripting -------------------------------------------------------------------------

    def fail_send(self, code: int, times: int = 1, after: int = 0) -> None:
        """Let ``after`` sends pass, then answer ``times`` sends with error ``code``."""
        self.scripted += [("pass", 0)] * after + [("error", code)] * times

    def fail_send_http(self, status: int, times: int = 1, after: int = 0) -> None:
        self.scripted += [("pass", 0)] * after + [("http", status)] * times

    def to(self, user_id: str) -> list[dict[str, Any]]:
        """Messages delivered to one user, in order."""
        return [m["message"] for m in self.messages if m["recipient"]["user_id"] == user_id]

    # --- handlers --------------------------------------------------------------------------

    async def _send(self, request: web.Request) -> web.Response:
        token = request.headers.get("access_token", "")
        body = await request.json()
        self.send_calls.append({"token": token, **body})
        kind, value = self.scripted.pop(0) if self.scripted else ("pass", 0)
        if self.always_fail is not None:
            kind, value = "error", self.always_fail
        elif kind == "pass" and (body.get("recipient") or {}).get("user_id") in self.window_closed:
            kind, value = "error", -213
        if kind != "pass":
            if kind == "http":
                return web.Response(status=value, text="upstream error")
            return web.json_response({"error": value, "message": f"scripted error {value}"})
        if self.access_tokens.get(token, 0) < time.time():
            return web.json_response({"error": -216, "message": "Access token is invalid"})
        problem = self._invalid(body)
        if problem:
            return web.json_response({"error": -201, "message": problem})
        self.messages.append(body)
        return web.json_response(
            {
                "error": 0,
                "message": "Success",
                "data": {
                    "message_id": f"m{next(self._ids)}",
                    "user_id": body["recipient"]["user_id"],
                    "quota": {"quota_type": "reply", "remain": 7},
                },
            }
        )

    def _authorised(self, request: web.Request) -> bool:
        return self.access_tokens.get(request.headers.get("access_token", ""), 0) >= time.time()

    async def _getoa(self, request: web.Request) -> web.Response:
        if not self._authorised(request):
            return web.json_response({"error": -216, "message": "Access token is invalid"})
        data = {"oa_id": OA_ID, "name": "UBND xã Thử", "is_verified": self.verified}
        data["package_name"] = self.package
        return web.json_response({"error": 0, "message": "Success", "data": data})

    async def _quota(self, request: web.Request) -> web.Response:
        if not self._authorised(request):
            return web.json_response({"error": -216, "message": "Access token is invalid"})
        user = str((await request.json()).get("user_id", ""))
        closed = user in self.window_closed
        last = int(time.time() * 1000) - (9 if closed else 1) * 86400 * 1000
        data = {
            "user_id": user,
            "last_interaction": str(last),
            "quota": [] if closed else [{"quota_type": "reply", "remain": 8}],
        }
        return web.json_response({"error": 0, "message": "Success", "data": data})

    async def _zns(self, request: web.Request) -> web.Response:
        if not self._authorised(request):
            return web.json_response({"error": -124, "message": "Access token is invalid"})
        body = await request.json()
        if self.zns_error is not None:
            return web.json_response({"error": self.zns_error, "message": "scripted ZNS error"})
        phone = str(body.get("phone", ""))
        if not (phone.startswith("84") and phone.isdigit() and 10 <= len(phone) <= 12):
            return web.json_response({"error": -108, "message": "Phone number is invalid"})
        if str(body.get("template_id")) != self.zns_template_id:
            return web.json_response({"error": -1124, "message": "Template is invalid"})
        data = body.get("template_data")
        if not isinstance(data, dict) or not body.get("tracking_id"):
            return web.json_response({"error": -1123, "message": "Invalid template data"})
        self.zns.append(body)
        msg_id = f"zns{next(self._ids)}"
        return web.json_response(
            {"error": 0, "message": "Success", "data": {"msg_id": msg_id, "sent_time": "1"}}
        )

    async def _tag(self, request: web.Request) -> web.Response:
        if not self._authorised(request):
            return web.json_response({"error": -216, "message": "Access token is invalid"})
        body = await request.json()
        user, tag = str(body.get("user_id", "")), str(body.get("tag_name", ""))
        if not user or not tag:
            return web.json_response({"error": -201, "message": "user_id and tag_name required"})
        self.tags.setdefault(user, set()).add(tag)
        return web.json_response({"error": 0, "message": "Success"})

    async def _anonymous(self, request: web.Request) -> web.Response:
        if not self._authorised(request):
            return web.json_response({"error": -216, "message": "Access token is invalid"})
        body = await request.json()
        recipient = body.get("recipient") or {}
        if not recipient.get("anonymous_id") or not recipient.get("conversation_id"):
            return web.json_response({"error": -201, "message": "anonymous recipient required"})
        self.anonymous_messages.append(body)
        return web.json_response({"error": 0, "message": "Success"})

    def receipt(self, zns_body: dict[str, Any], user: str) -> dict[str, Any]:
        """The ``user_received_message`` event Zalo sends once a ZNS reached the phone."""
        return event(
            "user_received_message",
            user,
            message={"msg_id": f"rcv{next(self._ids)}", "tracking_id": zns_body["tracking_id"]},
        )

    @staticmethod
    def _invalid(body: dict[str, Any]) -> str:
        recipient = body.get("recipient") or {}
        if not isinstance(recipient.get("user_id"), str) or not recipient["user_id"]:
            return "recipient.user_id is required"
        message = body.get("message") or {}
        form = (message.get("attachment") or {}).get("payload") or {}
        if form.get("template_type") == "request_user_info":
            elements = form.get("elements") or []
            if len(elements) != 1 or "text" in message:
                return "request_user_info needs exactly one element and no text"
            title, subtitle = elements[0].get("title", ""), elements[0].get("subtitle", "")
            if not title or len(title) > 100 or not subtitle or len(subtitle) > 500:
                return "invalid request_user_info element"
            return ""
        text = message.get("text")
        if not isinstance(text, str) or not text.strip():
            return "message.text is required"
        if len(text) > 2000:
            return "text is too long"
        attachment = message.get("attachment")
        if attachment is not None:
            buttons = (attachment.get("payload") or {}).get("buttons") or []
            if attachment.get("type") != "template" or not buttons or len(buttons) > 5:
                return "invalid buttons"
            for button in buttons:
                if len(button.get("title", "")) > 100 or not button.get("title"):
                    return "invalid button title"
                kind = button.get("type")
                if kind == "oa.query.show":
                    if not isinstance(button.get("payload"), str) or len(button["payload"]) > 1000:
                        return "invalid query payload"
                elif kind == "oa.open.phone":
                    if not str((button.get("payload") or {}).get("phone_code", "")).isdigit():
                        return "invalid phone_code"
                elif kind == "oa.open.url":
                    if not str((button.get("payload") or {}).get("url", "")).startswith("http"):
                        return "invalid url"
                else:
                    return "unknown button type"
        return ""

    async def _token(self, request: web.Request) -> web.Response:
        form = await request.post()
        self.refresh_calls += 1
        if self.refresh_delay:
            await asyncio.sleep(self.refresh_delay)
        if self.refresh_failure is not None:
            return web.json_response(self.refresh_failure)
        if request.headers.get("secret_key") != self.app_secret:
            return web.json_response(
                {
                    "error": -14002,
                    "error_name": "Invalid secret key",
                    "error_description": "secret_key is invalid",
                }
            )
        if form.get("app_id") != self.app_id:
            return web.json_response({"error": -14001, "error_description": "invalid app_id"})
        if form.get("grant_type") == "authorization_code":
            return self._authorization_code(
                str(form.get("code", "")), str(form.get("code_verifier", ""))
            )
        if form.get("grant_type") != "refresh_token":
            return web.json_response({"error": -14001, "error_description": "invalid request"})
        token = str(form.get("refresh_token", ""))
        if token not in self.refresh_tokens:
            return web.json_response(
                {
                    "error": -14014,
                    "error_name": "Invalid refresh token",
                    "error_description": "Refresh token is invalid",
                }
            )
        self.refresh_tokens.discard(token)
        self.spent_refresh_tokens.add(token)
        access, refresh = self.issue_pair()
        return web.json_response(
            {"access_token": access, "refresh_token": refresh, "expires_in": str(LIFETIME)}
        )


# --- webhook deliveries ------------------------------------------------------------------

_msg_ids = itertools.count(1)


def sign(raw: bytes, app_id: str = APP_ID, timestamp: str = "", key: str = OA_SECRET_KEY) -> str:
    """The X-ZEvent-Signature header value for a body."""
    digest = hashlib.sha256(app_id.encode() + raw + timestamp.encode() + key.encode()).hexdigest()
    return f"mac={digest}"


def event(name: str, user: str, **fields: Any) -> dict[str, Any]:
    """An event body as Zalo sends it (ids and timestamp as strings)."""
    body: dict[str, Any] = {
        "app_id": APP_ID,
        "event_name": name,
        "timestamp": str(int(time.time() * 1000) + next(_msg_ids)),
        "user_id_by_app": "9" + user,
    }
    if name in ("follow", "unfollow"):
        body.update({"oa_id": OA_ID, "follower": {"id": user}, "source": "oa_profile"})
    else:
        body.update({"sender": {"id": user}, "recipient": {"id": OA_ID}})
    body.update(fields)
    return body


def registration_posts() -> list[bytes]:
    """What saving the webhook URL may post (research/zalo.md): an empty body, then a sample
    event, unsigned, for a sample app — never for the OA's own app id."""
    sample = message_event("user_send_text", "5500000000000000010", text="Xin chào 0912345678")
    return [b"", json.dumps(dict(sample, app_id="123456789")).encode()]


def submit_info(user: str, name: str, phone: str) -> dict[str, Any]:
    """The ``user_submit_info`` event after the citizen taps "Gửi" on the form."""
    return event(
        "user_submit_info",
        user,
        info={"name": name, "phone": phone, "address": "", "city": "", "district": ""},
    )


def message_event(name: str, user_id: str, msg_id: str | None = None, **message: Any):
    """A user_send_* event with a fresh ``msg_id`` unless given."""
    message.setdefault("msg_id", msg_id or f"msg{next(_msg_ids):06d}")
    return event(name, user_id, message=message)


def encode(body: dict[str, Any]) -> tuple[bytes, dict[str, str]]:
    """Raw bytes and headers of a signed delivery."""
    raw = json.dumps(body, ensure_ascii=False).encode("utf-8")
    signature = sign(raw, str(body.get("app_id", "")), str(body.get("timestamp", "")))
    return raw, {"Content-Type": "application/json", "X-ZEvent-Signature": signature}
