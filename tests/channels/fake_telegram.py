"""A fake Telegram Bot API: an aiohttp server on 127.0.0.1 for the REAL python-telegram-bot.

It answers the methods the bot uses (getMe, setWebhook, deleteWebhook, getUpdates, sendMessage,
answerCallbackQuery, getFile), records every call with its decoded parameters, serves updates to
a polling bot, and can be told to fail the next calls the way Telegram does: 429 with
``retry_after``, 5xx, 403 "bot was blocked by the user", 400.

PTB posts form fields (``chat_id`` arrives as a string, ``reply_markup`` as a JSON string), so
parameters are decoded the same way Telegram's server would.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import time
from dataclasses import dataclass
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestServer

JSON_FIELDS = ("reply_markup", "allowed_updates", "link_preview_options", "entities")
BOT_ID = 5_550_001
TOKEN = f"{BOT_ID}:AAF-fake-token_for-tests"


@dataclass
class Failure:
    status: int
    description: str
    retry_after: int | None = None


class FakeTelegram:
    """One fake bot account; ``base_url`` goes into TELEGRAM_API_BASE_URL."""

    def __init__(self, token: str = TOKEN, *, poll_wait: float = 0.3) -> None:
        self.token = token
        self.bot_id = int(token.split(":")[0])
        self.poll_wait = poll_wait
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.uploads: list[tuple[str, str, bytes]] = []  # (field, file name, bytes) received
        self.failures: dict[str, list[Failure | None]] = {}
        self.pending: list[dict[str, Any]] = []
        self.webhook: dict[str, Any] | None = None
        self._arrived = asyncio.Event()
        self._message_ids = itertools.count(1000)
        self.server: TestServer | None = None

    # --- server ----------------------------------------------------------------------------

    async def start(self) -> FakeTelegram:
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._api)
        app.router.add_get("/file/bot{token}/{path:.*}", self._file)
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

    @property
    def base_url(self) -> str:
        return self.url + "/bot"

    # --- scripting -------------------------------------------------------------------------

    def fail(
        self,
        method: str,
        status: int,
        description: str = "",
        *,
        retry_after: int | None = None,
        times: int = 1,
        after: int = 0,
    ) -> None:
        """Let ``after`` calls of ``method`` pass, then answer ``times`` calls with this error."""
        text = description or {
            429: f"Too Many Requests: retry after {retry_after}",
            403: "Forbidden: bot was blocked by the user",
            400: "Bad Request: chat not found",
            500: "Internal Server Error",
            502: "Bad Gateway",
        }.get(status, "Error")
        queue = self.failures.setdefault(method, [])
        queue.extend([None] * after)
        queue.extend(Failure(status, text, retry_after) for _ in range(times))

    def push_update(self, update: dict[str, Any]) -> None:
        """Queue an update for getUpdates (polling mode)."""
        self.pending.append(update)
        self._arrived.set()

    def called(self, method: str) -> list[dict[str, Any]]:
        return [params for name, params in self.calls if name == method]

    def sent_to(self, chat_id: int | str) -> list[dict[str, Any]]:
        """sendMessage calls that reached ``chat_id`` successfully, in order."""
        return [p for p in self.delivered if str(p.get("chat_id")) == str(chat_id)]

    @property
    def delivered(self) -> list[dict[str, Any]]:
        return [p for name, p in self.calls if name == "sendMessage" and not p.get("_failed")]

    # --- handlers --------------------------------------------------------------------------

    async def _params(self, request: web.Request) -> dict[str, Any]:
        if request.content_type == "application/json":
            data = await request.json()
            return dict(data or {})
        form = await request.post()
        params: dict[str, Any] = {}
        for key, value in form.items():
            if isinstance(value, str) and key in JSON_FIELDS:
                try:
                    params[key] = json.loads(value)
                    continue
                except ValueError:
                    pass
            if not isinstance(value, str):
                self.uploads.append((key, value.filename, value.file.read()))
            params[key] = value if isinstance(value, str) else "<file>"
        return params

    async def _api(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.json_response(
                {"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401
            )
        method = request.match_info["method"]
        params = await self._params(request)
        self.calls.append((method, params))
        queue = self.failures.get(method)
        failure = queue.pop(0) if queue else None
        if failure is not None:
            params["_failed"] = failure.status
            body: dict[str, Any] = {
                "ok": False,
                "error_code": failure.status,
                "description": failure.description,
            }
            if failure.retry_after is not None:
                body["parameters"] = {"retry_after": failure.retry_after}
            return web.json_response(body, status=failure.status)
        handler = getattr(self, "_m_" + method, None)
        result = await handler(params) if handler is not None else True
        return web.json_response({"ok": True, "result": result})

    async def _file(self, request: web.Request) -> web.Response:
        return web.Response(body=b"\xff\xd8fake-jpeg", content_type="image/jpeg")

    async def _m_getMe(self, params: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": "Trợ lý xã",
            "username": "xa_test_bot",
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    async def _m_setWebhook(self, params: dict[str, Any]) -> bool:
        self.webhook = params
        return True

    async def _m_deleteWebhook(self, params: dict[str, Any]) -> bool:
        self.webhook = None
        return True

    async def _m_getUpdates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        if offset:
            self.pending = [u for u in self.pending if u["update_id"] >= offset]
        if not self.pending:
            self._arrived.clear()
            wait = min(float(params.get("timeout") or 0), self.poll_wait)
            if wait > 0:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._arrived.wait(), timeout=wait)
        return list(self.pending)

    async def _m_sendMessage(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = int(params["chat_id"])
        return {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": {
                "id": chat_id,
                "type": "private" if chat_id > 0 else "group",
                "title": None if chat_id > 0 else "Cán bộ",
            },
            "text": params.get("text", ""),
        }

    async def _m_sendDocument(self, params: dict[str, Any]) -> dict[str, Any]:
        return {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": {"id": int(params["chat_id"]), "type": "private"},
            "document": {"file_id": "doc-1", "file_unique_id": "doc-1"},
        }

    async def _m_getFile(self, params: dict[str, Any]) -> dict[str, Any]:
        return {
            "file_id": params.get("file_id"),
            "file_unique_id": "u-" + str(params.get("file_id")),
            "file_size": 2048,
            "file_path": f"photos/{params.get('file_id')}.jpg",
        }


# --- update builders ---------------------------------------------------------------------

_update_ids = itertools.count(70_000)


def _user(user_id: int) -> dict[str, Any]:
    return {
        "id": user_id,
        "is_bot": False,
        "first_name": "Bà",
        "last_name": "Năm",
        "language_code": "vi",
    }


def message_update(user_id: int, update_id: int | None = None, **message: Any) -> dict[str, Any]:
    """An update carrying a private message from ``user_id`` with the given fields."""
    chat = message.pop("chat", {"id": user_id, "type": "private", "first_name": "Bà"})
    return {
        "update_id": update_id if update_id is not None else next(_update_ids),
        "message": {
            "message_id": next(_update_ids),
            "date": int(time.time()),
            "chat": chat,
            "from": _user(user_id),
            **message,
        },
    }


def text_update(user_id: int, text: str, **extra: Any) -> dict[str, Any]:
    entities = []
    if text.startswith("/"):
        entities = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
    return message_update(user_id, text=text, entities=entities, **extra)


def photo_update(user_id: int, caption: str | None = None) -> dict[str, Any]:
    sizes = [
        {
            "file_id": "small-photo",
            "file_unique_id": "s1",
            "width": 90,
            "height": 60,
            "file_size": 1200,
        },
        {
            "file_id": "large-photo",
            "file_unique_id": "l1",
            "width": 1280,
            "height": 853,
            "file_size": 98000,
        },
    ]
    extra = {"caption": caption} if caption else {}
    return message_update(user_id, photo=sizes, **extra)


def document_update(user_id: int) -> dict[str, Any]:
    return message_update(
        user_id,
        document={
            "file_id": "doc-1",
            "file_unique_id": "d1",
            "file_name": "don.pdf",
            "mime_type": "application/pdf",
            "file_size": 51200,
        },
    )


def location_update(user_id: int, latitude: float, longitude: float) -> dict[str, Any]:
    return message_update(user_id, location={"latitude": latitude, "longitude": longitude})


def contact_update(user_id: int, phone: str, own: bool = True) -> dict[str, Any]:
    contact = {"phone_number": phone, "first_name": "Năm", "last_name": "Nguyễn"}
    if own:
        contact["user_id"] = user_id
    return message_update(user_id, contact=contact)


def callback_update(user_id: int, data: str) -> dict[str, Any]:
    return {
        "update_id": next(_update_ids),
        "callback_query": {
            "id": f"cbq-{next(_update_ids)}",
            "from": _user(user_id),
            "chat_instance": "ci-1",
            "data": data,
            "message": {
                "message_id": 1,
                "date": int(time.time()),
                "chat": {"id": user_id, "type": "private", "first_name": "Bà"},
                "from": {"id": BOT_ID, "is_bot": True, "first_name": "Trợ lý xã"},
                "text": "…",
            },
        },
    }


def group_text_update(chat_id: int, user_id: int, text: str) -> dict[str, Any]:
    return message_update(
        user_id, text=text, chat={"id": chat_id, "type": "supergroup", "title": "Cán bộ"}
    )
