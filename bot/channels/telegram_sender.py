"""Send outbox rows through python-telegram-bot's ``Bot``, and say what became of each.

Rendering: HTML parse mode with every text escaped (citizens' words may contain "<" or "&"; HTML
escaping is simpler and safer than MarkdownV2's). Payload buttons become an inline keyboard, link
buttons inline URL buttons, one per row (long Vietnamese labels on a small phone). A "share my
phone number / location" button only exists in Telegram's reply keyboard, and one message carries
one keyboard, so a reply with such a button is sent as a one-time reply keyboard whose other
buttons send their labels (mapped back to payloads by ``handlers.typed_choices``). A message
without buttons removes any reply keyboard left from an earlier question.

Texts above 4,096 characters leave as several messages, the buttons under the last one.

Errors: 429 → retry after Telegram's ``retry_after``; network trouble, time-outs and 5xx → retry
with backoff; 403 (the user blocked the bot) → ``blocked``, so the worker marks the identity
inactive instead of retrying for ever; other 400s → failed (retrying would not help).
"""

from __future__ import annotations

import datetime as dt
import html
import logging
import warnings
from dataclasses import dataclass
from typing import Any

from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    KeyboardButton,
    LinkPreviewOptions,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)
from telegram.constants import MessageLimit, ParseMode
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
)

from bot.channels.parts import send_parts
from bot.channels.text_split import split_utf16
from bot.delivery import SendResult
from handlers.capabilities import Capabilities
from handlers.payloads import digest, fits
from handlers.types import Button, Reply
from storage.db import Database
from storage.models import StoredFile
from storage.outbox import ClaimedMessage

log = logging.getLogger(__name__)

CHANNEL = "telegram"
TEXT_LIMIT = MessageLimit.MAX_TEXT_LENGTH  # 4,096
CALLBACK_DATA_LIMIT = 64  # bytes
EMPTY_TEXT = "…"
CAPABILITIES = Capabilities(
    max_buttons=5,  # one per row: more long Vietnamese labels do not fit a small phone's screen
    max_text=TEXT_LIMIT,
    max_payload_bytes=CALLBACK_DATA_LIMIT,
    accepts_media=True,
    contact_share=True,
    location_share=True,
)

Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove


@dataclass(frozen=True)
class Part:
    """One Telegram message: escaped HTML text and its keyboard (if any)."""

    html: str
    markup: Markup | None


@dataclass(frozen=True)
class DocumentPart:
    """A stored file (the UBND's written answer) sent as a Telegram document."""

    file_id: int
    name: str


def callback_data(payload: str) -> str:
    """The payload itself, or its digest when it exceeds Telegram's 64 bytes."""
    return payload if fits(payload, CAPABILITIES.max_payload_bytes) else digest(payload)


def keyboard(buttons: list[Button]) -> Markup:
    """The keyboard for a reply's buttons (see the module docstring for the rules)."""
    if not buttons:
        return ReplyKeyboardRemove()
    if any(b.request in ("contact", "location") for b in buttons):
        rows = []
        for b in buttons:
            if b.request == "contact":
                rows.append([KeyboardButton(b.text, request_contact=True)])
            elif b.request == "location":
                rows.append([KeyboardButton(b.text, request_location=True)])
            elif b.payload is not None:
                rows.append([KeyboardButton(b.text)])
            # a link cannot live in a reply keyboard; such replies carry no links in practice
        return ReplyKeyboardMarkup(rows, one_time_keyboard=True, resize_keyboard=True)
    rows = []
    for b in buttons:
        if b.url:
            rows.append([InlineKeyboardButton(b.text, url=b.url)])
        elif b.payload is not None:
            rows.append([InlineKeyboardButton(b.text, callback_data=callback_data(b.payload))])
    return InlineKeyboardMarkup(rows)


def render(reply: Reply, limit: int = TEXT_LIMIT) -> list[Part]:
    """The messages that carry one reply, in order."""
    chunks = split_utf16(reply.text.strip() or EMPTY_TEXT, limit)  # Telegram counts UTF-16
    markup = keyboard(reply.buttons)
    parts = [Part(html.escape(chunk, quote=False), None) for chunk in chunks[:-1]]
    parts.append(Part(html.escape(chunks[-1], quote=False), markup))
    return parts


def _seconds(value: Any) -> float:
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    return float(value)


class TelegramSender:
    """The ``Sender`` for channel "telegram" (the worker calls ``send`` for each due row)."""

    channel = CHANNEL

    def __init__(self, bot: Bot, db: Database) -> None:
        self.bot = bot
        self.db = db

    async def send(self, message: ClaimedMessage) -> SendResult:
        reply = Reply.from_dict(message.body)
        document = reply.meta.get("document") or {}
        if document.get("file_id"):
            # The file itself goes to the chat; its link (often not public) is not needed.
            reply.buttons = [b for b in reply.buttons if b.url != document.get("url")]
        parts: list[Part | DocumentPart] = list(render(reply))
        if document.get("file_id"):
            parts.append(DocumentPart(int(document["file_id"]), str(document.get("name", ""))))
        return await send_parts(
            self.db, message, parts, lambda part: self._send_part(message.recipient, part)
        )

    async def _send_document(self, chat_id: str, part: DocumentPart) -> None:
        async with self.db.read() as session:
            row = await session.get(StoredFile, part.file_id)
        if row is None or row.erased_at is not None:
            return  # erased meanwhile: nothing left to send
        await self.bot.send_document(
            chat_id=chat_id,
            document=InputFile(row.data, filename=part.name or row.name or "van-ban.pdf"),
        )

    async def _send_part(self, chat_id: str, part: Part | DocumentPart) -> SendResult:
        try:
            if isinstance(part, DocumentPart):
                await self._send_document(chat_id, part)
                return SendResult.ok()
            await self.bot.send_message(
                chat_id=chat_id,
                text=part.html,
                parse_mode=ParseMode.HTML,
                reply_markup=part.markup,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )
        except RetryAfter as err:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                wait = _seconds(err.retry_after)
            return SendResult.retry(f"Telegram 429: thử lại sau {wait:g} giây", wait)
        except Forbidden as err:
            return SendResult.blocked(f"Telegram 403: {err.message}")
        except ChatMigrated as err:
            log.error(
                "nhóm Telegram %s đã chuyển thành siêu nhóm %s: hãy sửa TELEGRAM_STAFF_CHAT_ID",
                chat_id,
                err.new_chat_id,
            )
            return SendResult.failed(f"Telegram: nhóm đã chuyển sang {err.new_chat_id}")
        except InvalidToken:
            log.error("Telegram từ chối TELEGRAM_BOT_TOKEN; tin nhắn sẽ được gửi lại sau")
            return SendResult.retry("Telegram: token bị từ chối")
        except BadRequest as err:
            return SendResult.failed(f"Telegram 400: {err.message}")
        except NetworkError as err:  # includes TimedOut and HTTP 5xx
            return SendResult.retry(f"Telegram: {type(err).__name__}: {err.message}")
        except TelegramError as err:
            return SendResult.retry(f"Telegram: {type(err).__name__}: {err.message}")
        return SendResult.ok()
