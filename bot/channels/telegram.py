"""The Telegram channel: python-telegram-bot as a transport inside our aiohttp application.

PTB only moves bytes here: no ConversationHandler, no PTB persistence (flows live in our own
state table so the same flow serves Zalo and the web chat). aiohttp owns the event loop; PTB's
``Application`` is started and stopped from an aiohttp cleanup context, never with
``run_polling``/``run_webhook``.

- Polling (TELEGRAM_WEBHOOK_URL unset; for a laptop or a commune without a public https address):
  PTB's Updater fetches updates and hands each one to ``handle_update``.
- Webhook (production): ``setWebhook(url, secret_token)`` at start; Telegram POSTs updates to
  /webhook/telegram, where the secret header is compared in constant time (403 otherwise). The
  update is stored (``bot.ingest``: one INSERT, UNIQUE on ``<bot id>:<update id>``) before the
  200, so a crash can never lose a message Telegram believes delivered, and the ingest worker
  answers it afterwards, in order per citizen. An update with the right secret that we cannot
  read (a ``text`` that is an object, a message without ``chat``) is logged by its error type
  only and acknowledged: a 500 would make Telegram resend it forever.

Start-up never blocks the rest of the bot: if Telegram cannot be reached (no internet at the
commune office this morning) the web chat still starts, the channel keeps retrying in the
background, /healthz says ``"telegram": "degraded"`` and replies wait safely in the outbox.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
import logging
from collections.abc import AsyncIterator

from aiohttp import web
from telegram import Update
from telegram.error import InvalidToken, TelegramError
from telegram.ext import AIORateLimiter, Application, ContextTypes, TypeHandler

from bot.channels.logs import quiet_library_logs
from bot.channels.telegram_inbound import CHANNEL, bot_id_from_token, parse_update
from bot.channels.telegram_sender import CAPABILITIES, TelegramSender
from bot.channels.webhook import forbidden, malformed, parse_object, secret_ok
from bot.config import Settings
from bot.ingest import IngestQueue
from handlers.engine import Engine
from handlers.sanitize import clean_inbound
from storage.db import Database
from storage.ingest import ClaimedEvent, NewEvent

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
ALLOWED_UPDATES = ["message", "callback_query", "my_chat_member"]
START_RETRY_MAX = 300.0


def file_base_url(base_url: str) -> str | None:
    """Where files are downloaded from, derived from the API base (…/bot → …/file/bot)."""
    if base_url.endswith("/bot"):
        return base_url[: -len("/bot")] + "/file/bot"
    return None


class TelegramChannel:
    """One Telegram bot account, wired to the engine and the outbox."""

    def __init__(
        self,
        settings: Settings,
        engine: Engine,
        db: Database,
        *,
        start_retry: float = 5.0,
        ingest: IngestQueue | None = None,
    ) -> None:
        quiet_library_logs()  # before PTB is built: building it logs the token-bearing URL
        self.engine = engine
        self.ingest = ingest
        self.bot_id = bot_id_from_token(settings.telegram_bot_token)
        self.webhook_url = settings.telegram_webhook_url
        self.secret = settings.telegram_webhook_secret
        self.start_retry = start_retry
        builder = (
            Application.builder()
            .token(settings.telegram_bot_token)
            .base_url(settings.telegram_api_base_url)
            .connect_timeout(10)
            .read_timeout(20)
            .write_timeout(20)
            .pool_timeout(10)
            .get_updates_read_timeout(40)
            # Telegram's flood limits (about 30 messages a second, 20 a minute per group):
            # announcements and notices queue up behind it instead of earning 429s; a 429 that
            # still comes is not retried here but by the outbox, which honours retry_after
            .rate_limiter(AIORateLimiter(max_retries=0))
        )
        files = file_base_url(settings.telegram_api_base_url)
        if files:
            builder = builder.base_file_url(files)
        if self.webhook_url:
            builder = builder.updater(None)
        self.application = builder.build()
        self.application.add_handler(TypeHandler(Update, self._on_polled_update))
        self.sender = TelegramSender(self.application.bot, db)
        self.ready = asyncio.Event()
        self._starter: asyncio.Task[None] | None = None
        self._background: set[asyncio.Task[None]] = set()

    @property
    def mode(self) -> str:
        return "webhook" if self.webhook_url else "polling"

    # --- inbound ---------------------------------------------------------------------------

    async def handle_update(self, update: Update) -> bool:
        """Record and answer one update; False when it is not for us (ignored)."""
        inbound = parse_update(update, self.bot_id)
        if inbound is None:
            log.debug("bỏ qua một cập nhật Telegram không phải tin nhắn riêng")
            return False
        query_id = inbound.meta.get("callback_query_id")
        if query_id:
            self._in_background(self._answer_callback(str(query_id)))
        # A reply-keyboard button sends its label as text; a long payload arrives as a digest:
        # the engine maps both back through the buttons it offered.
        inbound = dataclasses.replace(
            clean_inbound(inbound), maybe_label=inbound.payload is None, capabilities=CAPABILITIES
        )
        await self.engine.handle(inbound)
        return True

    async def _on_polled_update(self, update: object, _context: ContextTypes.DEFAULT_TYPE) -> None:
        if not isinstance(update, Update):
            return
        for attempt in range(3):
            try:
                await self.handle_update(update)
                return
            except Exception:
                if attempt == 2:
                    log.exception("không xử lý được cập nhật Telegram #%s", update.update_id)
                    return
                await asyncio.sleep(1 + attempt)

    async def _answer_callback(self, query_id: str) -> None:
        """Stop the button's spinner; harmless if Telegram already forgot the query."""
        try:
            await self.application.bot.answer_callback_query(query_id)
        except TelegramError as err:
            log.debug("answerCallbackQuery: %s", type(err).__name__)

    def _in_background(self, coro) -> None:
        task = asyncio.ensure_future(coro)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def webhook(self, request: web.Request) -> web.Response:
        """POST /webhook/telegram: constant-time secret check, store the update, 200 at once."""
        # Fails closed: an empty secret (a mis-built Settings) must not make "" a valid header.
        if not self.webhook_url or not secret_ok(
            request.headers.get(SECRET_HEADER, ""), self.secret
        ):
            return forbidden()
        raw = await request.read()
        data = parse_object(raw)
        if data is None or not isinstance(data.get("update_id"), int):
            return malformed("malformed update")  # not an update at all: Telegram sends none
        try:
            update = Update.de_json(data, self.application.bot)
            inbound = parse_update(update, self.bot_id)
            if inbound is not None:
                clean_inbound(inbound)  # the checks the engine makes: a text that is an object…
            payload = raw.decode("utf-8")
        except Exception as err:  # a shape we cannot read: Telegram would resend it forever
            log.warning("Telegram: bỏ qua một cập nhật không đọc được (%s)", type(err).__name__)
            return web.Response(status=200)
        if inbound is None:
            log.debug("bỏ qua một cập nhật Telegram không phải tin nhắn riêng")
            return web.Response(status=200)
        if self.ingest is None:
            await self.handle_update(update)
            return web.Response(status=200)
        key = inbound.external_id or f"{self.bot_id}:{update.update_id}"
        await self.ingest.store(
            NewEvent(self.engine.services.commune_id, CHANNEL, key, inbound.user_key, payload)
        )
        return web.Response(status=200)

    async def process(self, event: ClaimedEvent) -> None:
        """A stored update, processed by the ingest worker."""
        update = Update.de_json(json.loads(event.payload), self.application.bot)
        await self.handle_update(update)

    # --- lifecycle -------------------------------------------------------------------------

    async def start(self) -> None:
        """Connect once: getMe, then setWebhook or start polling, then the update consumer."""
        app = self.application
        await app.initialize()
        if self.webhook_url:
            await app.bot.set_webhook(
                url=self.webhook_url, secret_token=self.secret, allowed_updates=ALLOWED_UPDATES
            )
        elif app.updater is not None and not app.updater.running:
            await app.updater.start_polling(
                allowed_updates=ALLOWED_UPDATES, error_callback=self._polling_error
            )
        if not app.running:
            await app.start()
        self.ready.set()
        log.info("Telegram đã kết nối (%s)", self.mode)

    @staticmethod
    def _polling_error(err: TelegramError) -> None:
        log.warning("Telegram: lỗi khi lấy tin nhắn (%s); PTB sẽ thử lại", type(err).__name__)

    async def _start_with_retry(self) -> None:
        delay = self.start_retry
        while True:
            try:
                await self.start()
                return
            except asyncio.CancelledError:
                raise
            except InvalidToken:
                log.error("Telegram từ chối TELEGRAM_BOT_TOKEN; kiểm tra lại token từ BotFather")
            except Exception as err:  # network down, Telegram unreachable: keep trying
                log.error(
                    "chưa kết nối được Telegram (%s); thử lại sau %.0f giây",
                    type(err).__name__,
                    delay,
                )
            await asyncio.sleep(delay)
            delay = min(delay * 2, START_RETRY_MAX)

    async def stop(self) -> None:
        """Stop polling and the consumer; the webhook stays set for the next start."""
        if self._starter is not None and not self._starter.done():
            self._starter.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._starter
        app = self.application
        with contextlib.suppress(Exception):
            if app.updater is not None and app.updater.running:
                await app.updater.stop()
        with contextlib.suppress(Exception):
            if app.running:
                await app.stop()
        if self._background:
            await asyncio.wait(list(self._background), timeout=5)
        with contextlib.suppress(Exception):
            await app.shutdown()
        self.ready.clear()

    async def lifecycle(self, _app: web.Application) -> AsyncIterator[None]:
        """aiohttp cleanup context: connect in the background, disconnect at shutdown."""
        self._starter = asyncio.create_task(self._start_with_retry(), name="telegram-start")
        yield
        await self.stop()

    async def health(self) -> str:
        return "ok" if self.ready.is_set() else "degraded"

    async def fetch_file(self, file_id: str) -> tuple[bytes, str]:
        """The bytes of a photo or file a citizen sent (for the staff dashboard to show).

        A Telegram attachment is stored as its ``file_id``; downloading needs the bot token, so
        the dashboard asks the channel rather than linking to Telegram. Raises ``TelegramError``.
        """
        file = await self.application.bot.get_file(file_id)
        data = bytes(await file.download_as_bytearray())
        path = (file.file_path or "").lower()
        mime = (
            "image/jpeg"
            if path.endswith((".jpg", ".jpeg"))
            else ("image/png" if path.endswith(".png") else "application/octet-stream")
        )
        return data, mime
