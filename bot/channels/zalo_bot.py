"""The Zalo Bot Platform channel ("zalobot"): a Telegram-like bot account on Zalo.

Unlike the Official Account it needs no OAuth tokens, app review or domain verification — one
static token from Zalo's Bot Creator — so a commune without a verified OA can still be on Zalo.
It is more limited: text, photos and stickers only, and **no buttons**. Choices are therefore sent
as a numbered list; the citizen answers with the number or the choice's words, which the engine
maps back to the payload through the buttons it offered (``handlers.typed_choices``). Numbering
runs on across the messages of one answer, so it matches what the citizen sees (the engine notes
in each row how many choices earlier parts numbered: ``handlers.outgoing.CHOICES_BEFORE``).

Settings (none is required by the rest of the bot):
ZALO_BOT_TOKEN turns it on; ZALO_BOT_WEBHOOK_URL + ZALO_BOT_WEBHOOK_SECRET (8–256 characters)
select webhook mode on POST /webhook/zalobot (header ``X-Bot-Api-Secret-Token``, compared in
constant time — the platform signs nothing else; the update is stored and acknowledged at once,
then processed by the ingest worker, ``bot.ingest``); without a webhook URL the bot polls
``getUpdates``. ZALO_BOT_API_BASE_URL points at the API (tests use a fake).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
from aiohttp import web

from bot.channels.parts import send_parts
from bot.channels.text_split import split_text
from bot.channels.webhook import event_key, forbidden, malformed, parse_object, secret_ok
from bot.channels.zalo_bot_events import CHANNEL, parse_update
from bot.delivery import SendResult
from bot.ingest import IngestQueue
from handlers.capabilities import Capabilities
from handlers.engine import Engine
from handlers.outgoing import CHOICES_BEFORE
from handlers.sanitize import clean_inbound
from handlers.types import Inbound
from storage.db import Database
from storage.ingest import ClaimedEvent, NewEvent
from storage.outbox import ClaimedMessage

log = logging.getLogger(__name__)

DEFAULT_API = "https://bot-api.zaloplatforms.com"
SECRET_HEADER = "X-Bot-Api-Secret-Token"
TEXT_LIMIT = 2000
CHOICE_HINT = "(Gõ số để chọn)"
CAPABILITIES = Capabilities(max_text=TEXT_LIMIT, accepts_media=True, numbered_choices=True)


class BotApiError(Exception):
    """The platform answered ``ok: false`` or an HTTP error."""

    def __init__(self, code: int, description: str) -> None:
        super().__init__(f"{code}: {description}")
        self.code = code
        self.description = description


class ZaloBotApi:
    """POST {base}/bot{token}/{method} with JSON; the ``{ok, result}`` envelope."""

    def __init__(self, base_url: str, token: str, timeout: float = 40.0) -> None:
        self.url = f"{base_url.rstrip('/')}/bot{token}/"
        self.timeout = aiohttp.ClientTimeout(total=timeout)
        self._session: aiohttp.ClientSession | None = None

    async def call(self, method: str, **params: Any) -> Any:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=self.timeout)
        async with self._session.post(self.url + method, json=params) as response:
            try:
                data = await response.json(content_type=None)
            except ValueError:
                data = None
        if not isinstance(data, dict):
            raise BotApiError(response.status, "không phải JSON")
        if not data.get("ok"):
            code = data.get("error_code", response.status)
            raise BotApiError(
                int(code) if str(code).lstrip("-").isdigit() else response.status,
                str(data.get("description", "")),
            )
        return data.get("result")

    async def close(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()


def numbered(buttons: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The buttons shown as numbered choices: those that carry a payload (links are not)."""
    return [b for b in buttons if b.get("payload") and not b.get("request")]


def render(body: dict[str, Any], offset: int = 0) -> list[str]:
    """The texts that carry one reply: its words, then its choices numbered from offset + 1."""
    text = str(body.get("text", "")).strip()
    buttons = body.get("buttons") or []
    lines = [f"{offset + i}. {b.get('text', '')}" for i, b in enumerate(numbered(buttons), 1)]
    links = [f"🔗 {b.get('text', '')}: {b['url']}" for b in buttons if b.get("url")]
    if lines:
        lines.append(CHOICE_HINT)
    block = "\n".join([*links, *lines])
    full = "\n\n".join(p for p in (text, block) if p) or "…"
    return split_text(full, TEXT_LIMIT)


class ZaloBotSender:
    """The ``Sender`` for channel "zalobot"."""

    channel = CHANNEL

    def __init__(self, api: ZaloBotApi, db: Database) -> None:
        self.api = api
        self.db = db

    async def send(self, message: ClaimedMessage) -> SendResult:
        offset = int(message.body.get(CHOICES_BEFORE) or 0)
        parts = render(message.body, offset)
        return await send_parts(
            self.db, message, parts, lambda text: self._send_text(message.recipient, text)
        )

    async def _send_text(self, chat_id: str, text: str) -> SendResult:
        try:
            await self.api.call("sendMessage", chat_id=chat_id, text=text)
        except BotApiError as err:
            error = f"Zalo Bot {err.code}: {err.description}"
            if err.code == 429 or err.code >= 500:
                return SendResult.retry(error)
            if err.code == 403:
                return SendResult.blocked(error)
            if err.code == 401:
                log.error("Zalo Bot từ chối ZALO_BOT_TOKEN; tin nhắn sẽ được gửi lại sau")
                return SendResult.retry(error, 300)
            return SendResult.failed(error)
        except (TimeoutError, aiohttp.ClientError) as err:
            return SendResult.retry(f"Zalo Bot: lỗi mạng {type(err).__name__}")
        return SendResult.ok()


class ZaloBotChannel:
    """One Zalo bot account: webhook or polling in, sendMessage out."""

    def __init__(
        self,
        engine: Engine,
        db: Database,
        token: str,
        webhook_url: str,
        secret: str,
        base_url: str,
        *,
        ingest: IngestQueue | None = None,
        commune_id: str = "",
    ) -> None:
        self.engine = engine
        self.ingest = ingest
        self.commune_id = commune_id or engine.services.commune_id
        self.webhook_url = webhook_url
        self.secret = secret
        self.api = ZaloBotApi(base_url, token)
        self.sender = ZaloBotSender(self.api, db)
        self.ready = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    @property
    def mode(self) -> str:
        return "webhook" if self.webhook_url else "polling"

    def _inbound(self, data: dict[str, Any]) -> Inbound | None:
        name, inbound = parse_update(data)
        if inbound is None:
            log.info("Zalo Bot: bỏ qua sự kiện '%s'", name[:64] or "?")
            return None
        # A typed number or a choice's exact words stand for that choice (no buttons here).
        return dataclasses.replace(
            clean_inbound(inbound), maybe_label=True, capabilities=CAPABILITIES
        )

    async def handle(self, data: dict[str, Any]) -> bool:
        inbound = self._inbound(data)
        if inbound is None:
            return False
        await self.engine.handle(inbound)
        return True

    async def webhook(self, request: web.Request) -> web.Response:
        """Secret check, store the update (one INSERT, UNIQUE on its id), 200 at once."""
        if not self.webhook_url or not secret_ok(
            request.headers.get(SECRET_HEADER, ""), self.secret
        ):
            return forbidden()
        raw = await request.read()
        data = parse_object(raw)
        if data is None:
            return malformed()
        if self.ingest is None:
            await self.handle(data)
            return web.json_response({"ok": True})
        try:
            inbound = self._inbound(data)
            payload = raw.decode("utf-8")
        except Exception as err:  # a shape we cannot read must not be resent forever
            log.warning("Zalo Bot: bỏ qua một cập nhật không đọc được (%s)", type(err).__name__)
            return web.json_response({"ok": True})
        if inbound is None:
            return web.json_response({"ok": True})
        key = inbound.external_id or event_key(raw)
        stored = await self.ingest.store(
            NewEvent(self.commune_id, CHANNEL, key, inbound.user_key, payload)
        )
        return web.json_response({"ok": True, "duplicate": not stored})

    async def process(self, event: ClaimedEvent) -> None:
        """A stored update, processed by the ingest worker."""
        data = parse_object(event.payload.encode("utf-8"))
        inbound = self._inbound(data) if data is not None else None
        if inbound is not None:
            await self.engine.handle(
                dataclasses.replace(inbound, external_id=inbound.external_id or event.external_id)
            )

    async def _connect(self) -> None:
        delay = 5.0
        while True:
            try:
                if self.webhook_url:
                    await self.api.call(
                        "setWebhook", url=self.webhook_url, secret_token=self.secret
                    )
                else:
                    await self.api.call("deleteWebhook")
                self.ready.set()
                log.info("Zalo Bot đã kết nối (%s)", self.mode)
                return
            except asyncio.CancelledError:
                raise
            except Exception as err:
                log.error(
                    "chưa kết nối được Zalo Bot (%s); thử lại sau %.0f giây",
                    type(err).__name__,
                    delay,
                )
                await asyncio.sleep(delay)
                delay = min(delay * 2, 300.0)

    async def _run(self) -> None:
        await self._connect()
        if self.webhook_url:
            return
        delay = 1.0
        while True:
            try:
                update = await self.api.call("getUpdates", timeout="30")
                delay = 1.0
            except asyncio.CancelledError:
                raise
            except BotApiError as err:
                if err.code == 408:  # long poll ended without an update
                    continue
                log.warning("Zalo Bot: lỗi khi lấy tin nhắn (%s)", err.code)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 60.0)
                continue
            except Exception as err:
                log.warning("Zalo Bot: lỗi mạng khi lấy tin nhắn (%s)", type(err).__name__)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 60.0)
                continue
            for item in update if isinstance(update, list) else [update]:
                if isinstance(item, dict):
                    try:
                        await self.handle(item)
                    except Exception:
                        log.exception("không xử lý được một tin nhắn Zalo Bot")

    async def lifecycle(self, _app: web.Application) -> AsyncIterator[None]:
        self._task = asyncio.create_task(self._run(), name="zalobot")
        yield
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        await self.api.close()
        self.ready.clear()

    async def health(self) -> str:
        return "ok" if self.ready.is_set() else "degraded"
