"""A fake Zalo Bot Platform API (bot-api.zaloplatforms.com) on 127.0.0.1.

POST /bot<TOKEN>/<method> with JSON, answers in the ``{"ok": …, "result"| "error_code"…}``
envelope. getUpdates hands out ONE update per call and answers error 408 when none arrived within
the wait, as the platform does; getUpdates while a webhook is set fails. Failures can be scripted.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import time
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestServer

TOKEN = "3001:zalo-bot-fake-token"
_ids = itertools.count(1)


class FakeZaloBot:
    def __init__(self, token: str = TOKEN, poll_wait: float = 0.2) -> None:
        self.token = token
        self.poll_wait = poll_wait
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.pending: list[dict[str, Any]] = []
        self.failures: list[tuple[int, str] | None] = []
        self.webhook: dict[str, Any] | None = None
        self._arrived = asyncio.Event()
        self.server: TestServer | None = None

    async def start(self) -> FakeZaloBot:
        app = web.Application()
        app.router.add_post("/bot{token}/{method}", self._api)
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

    def fail_send(self, code: int, description: str = "error", after: int = 0) -> None:
        self.failures += [None] * after + [(code, description)]

    def push(self, update: dict[str, Any]) -> None:
        self.pending.append(update)
        self._arrived.set()

    def sent_to(self, chat_id: str) -> list[str]:
        return [
            p["text"]
            for m, p in self.calls
            if m == "sendMessage" and p.get("chat_id") == chat_id and not p.get("_failed")
        ]

    def called(self, method: str) -> list[dict[str, Any]]:
        return [p for m, p in self.calls if m == method]

    async def _api(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.json_response(
                {"ok": False, "error_code": 401, "description": "Unauthorized"}
            )
        method = request.match_info["method"]
        params = await request.json() if request.can_read_body else {}
        self.calls.append((method, params))
        if method == "sendMessage":
            failure = self.failures.pop(0) if self.failures else None
            if failure is not None:
                params["_failed"] = True
                return web.json_response(
                    {"ok": False, "error_code": failure[0], "description": failure[1]}
                )
            text = params.get("text")
            if not isinstance(text, str) or not 1 <= len(text) <= 2000:
                return web.json_response(
                    {
                        "ok": False,
                        "error_code": 400,
                        "description": "text must be 1-2000 characters",
                    }
                )
            return web.json_response(
                {
                    "ok": True,
                    "result": {"message_id": f"b{next(_ids)}", "date": int(time.time() * 1000)},
                }
            )
        if method == "setWebhook":
            secret = params.get("secret_token", "")
            if not 8 <= len(secret) <= 256:
                return web.json_response(
                    {
                        "ok": False,
                        "error_code": 400,
                        "description": "secret_token must be 8-256 chars",
                    }
                )
            self.webhook = params
            return web.json_response({"ok": True, "result": {"url": params.get("url")}})
        if method == "deleteWebhook":
            self.webhook = None
            return web.json_response({"ok": True, "result": True})
        if method == "getUpdates":
            if self.webhook is not None:
                return web.json_response(
                    {"ok": False, "error_code": 409, "description": "webhook is active"}
                )
            if not self.pending:
                self._arrived.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._arrived.wait(), timeout=self.poll_wait)
            if not self.pending:
                return web.json_response(
                    {"ok": False, "error_code": 408, "description": "Request timeout"}
                )
            return web.json_response({"ok": True, "result": self.pending.pop(0)})
        return web.json_response({"ok": True, "result": True})


def text_update(
    user: str, text: str, message_id: str | None = None, chat_type: str = "PRIVATE"
) -> dict[str, Any]:
    return {
        "event_name": "message.text.received",
        "message": {
            "message_id": message_id or f"m{next(_ids)}",
            "from": {"id": user, "display_name": "Bà Năm", "is_bot": False},
            "chat": {"id": user, "chat_type": chat_type},
            "date": int(time.time() * 1000),
            "text": text,
        },
    }


def image_update(user: str, url: str, caption: str | None = None) -> dict[str, Any]:
    update = text_update(user, "")
    update["event_name"] = "message.image.received"
    message = update["message"]
    del message["text"]
    message["photo_url"] = url
    if caption:
        message["caption"] = caption
    return update
