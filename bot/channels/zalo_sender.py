"""Send outbox rows as Zalo OA customer-service messages, and say what became of each.

Rendering (plain text: Zalo has no markup):
- texts over 2,000 characters leave as several messages, the buttons under the last one;
- at most 5 buttons fit under one message; more continue under short follow-up messages;
- a payload button becomes ``oa.query.show`` whose query string is the button's own title: Zalo
  shows that string in the chat as the citizen's message, so it must read like something they
  said ("📝 Gửi kiến nghị"), and ``handlers.typed_choices`` maps it back to our payload;
- a link button becomes ``oa.open.url``;
- a "share my phone number" button becomes Zalo's own ``request_user_info`` form, sent as one more
  message after the question (the answer arrives as ``user_submit_info``; typing still works);
- a "share my location" button has no Zalo counterpart and is left out: the question's text
  already asks the citizen to send or type the place;
- a ``tel:`` link becomes ``oa.open.phone`` (a tap calls the commune).

Outcomes (Zalo answers HTTP 200 with ``error`` ≠ 0 for most failures; the classes are in
``bot.channels.zalo_status``):
- 0 → sent (the response's quota fields are logged, never the content);
- -216 / -124 / -220 (invalid or expired token) → refresh the pair once and send again;
- outside the messaging window (-213, -217, -227, -230, -232, -234, -244) → deferred: the engine
  re-queues the row when the citizen next writes, which opens the window again;
- configuration errors (-209, -212, -221, -223, -224) → paused, the channel degraded, the office
  alerted once; quota errors (-211, -218) → retried after a long wait, alerted once;
- -32 (rate limit), -100, HTTP 5xx/429, network trouble → retry with backoff;
- anything else (bad parameters…) → failed, recorded for staff to see.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import aiohttp

from bot.channels.parts import send_parts
from bot.channels.text_split import split_text
from bot.channels.zalo_api import ApiResult, ZaloApi, ZaloHttpError
from bot.channels.zalo_events import ANONYMOUS_PREFIX
from bot.channels.zalo_status import ZaloStatus, classify
from bot.channels.zalo_tokens import ZaloTokens
from bot.channels.zalo_zns import ZnsNotifier
from bot.delivery import SendResult
from bot.rate_limit import RateLimiter
from handlers.announcements import ANNOUNCEMENT_META
from handlers.capabilities import Capabilities
from handlers.types import Button, Reply, shorten
from handlers.villages import TAG_KIND
from storage.db import Database
from storage.outbox import ClaimedMessage

log = logging.getLogger(__name__)

CHANNEL = "zalo"
TEXT_LIMIT = 2000
MAX_BUTTONS = 5
TITLE_LIMIT = 100
MORE_CHOICES = "Các lựa chọn khác:"
EMPTY_TEXT = "…"
FORM_TITLE_LIMIT = 100
FORM_SUBTITLE_LIMIT = 500
CAPABILITIES = Capabilities(
    max_buttons=MAX_BUTTONS,
    max_text=TEXT_LIMIT,
    max_button_label=TITLE_LIMIT,  # a tapped button sends its (cut) title as the message
    accepts_media=True,
)

RATE_LIMIT_WAIT = 60.0
NO_TOKEN_WAIT = 300.0
TAG_PATH = "/v2.0/oa/tag/tagfollower"
ANONYMOUS_PATH = "/v2.0/oa/message"
UNTAG_PATH = "/v2.0/oa/tag/rmfollowerfromtag"
NOT_REACHED = "ngoài cửa sổ nhắn tin Zalo"
# about 4,000 requests a minute per app: stay well below, leaving room for replies
SENDS_PER_SECOND = 40.0


def zalo_button(button: Button) -> dict[str, Any] | None:
    """The Zalo button for one of ours; None when Zalo has no counterpart."""
    title = shorten(button.text, TITLE_LIMIT)
    if button.url and button.url.startswith("tel:"):
        digits = "".join(c for c in button.url if c.isdigit())
        return {"title": title, "type": "oa.open.phone", "payload": {"phone_code": digits}}
    if button.url:
        return {"title": title, "type": "oa.open.url", "payload": {"url": button.url}}
    if button.payload is not None and button.request is None:
        return {"title": title, "type": "oa.query.show", "payload": title}
    return None


def _with_buttons(text: str, buttons: list[dict[str, Any]]) -> dict[str, Any]:
    message: dict[str, Any] = {"text": text}
    if buttons:
        message["attachment"] = {"type": "template", "payload": {"buttons": buttons}}
    return message


def contact_form(title: str, subtitle: str, image_url: str = "") -> dict[str, Any]:
    """Zalo's "share your name and phone" form (``request_user_info``)."""
    element: dict[str, Any] = {
        "title": shorten(title, FORM_TITLE_LIMIT),
        "subtitle": shorten(subtitle, FORM_SUBTITLE_LIMIT),
    }
    if image_url:
        element["image_url"] = image_url
    payload = {"template_type": "request_user_info", "elements": [element]}
    return {"attachment": {"type": "template", "payload": payload}}


def render(
    reply: Reply, limit: int = TEXT_LIMIT, form: dict[str, Any] | None = None
) -> list[dict[str, Any]]:
    """The ``message`` objects that carry one reply, in order; ``form`` (see ``contact_form``)
    follows when the reply asks for the citizen's phone."""
    chunks = split_text(reply.text.strip() or EMPTY_TEXT, limit)
    buttons = [b for b in (zalo_button(x) for x in reply.buttons) if b is not None]
    groups = [buttons[i : i + MAX_BUTTONS] for i in range(0, len(buttons), MAX_BUTTONS)]
    messages = [_with_buttons(chunk, []) for chunk in chunks[:-1]]
    messages.append(_with_buttons(chunks[-1], groups[0] if groups else []))
    messages += [_with_buttons(MORE_CHOICES, group) for group in groups[1:]]
    if form is not None and any(b.request == "contact" for b in reply.buttons):
        messages.append(form)
    return messages


class ZaloSender:
    """The ``Sender`` for channel "zalo"."""

    channel = CHANNEL

    def __init__(
        self, api: ZaloApi, tokens: ZaloTokens, db: Database, status: ZaloStatus | None = None
    ) -> None:
        self.api = api
        self.tokens = tokens
        self.db = db
        self.status = status or ZaloStatus(tokens.clock)
        self.zns: ZnsNotifier | None = None  # set when ZALO_ZNS_TEMPLATE_ID is configured
        self.limiter = RateLimiter(SENDS_PER_SECOND)
        self.form: Callable[[], dict[str, Any] | None] = lambda: None  # the contact form

    async def send(self, message: ClaimedMessage) -> SendResult:
        paused = self.status.pause_left()
        if paused > 0:
            error = f"Zalo {self.status.config_error}: kênh tạm dừng vì lỗi cấu hình OA"
            return SendResult.paused(error, paused)
        token = await self.tokens.access_token()
        if not token:
            return SendResult.paused("Zalo: chưa có access token dùng được", NO_TOKEN_WAIT)
        if message.kind == TAG_KIND:
            return await self._tag(message, token)
        await self.limiter.wait()
        reply = Reply.from_dict(message.body)
        parts = render(reply, form=self.form())
        if reply.meta.get(ANNOUNCEMENT_META):
            return await self._announce(message, parts, token)
        if self.zns is not None and await self.zns.window_closed(message, token):
            note = await self.zns.after_window(message, token)
            return SendResult.deferred(f"Zalo: quá thời hạn nhắn tin; {note}")

        async def send_one(part: dict[str, Any]) -> SendResult:
            nonlocal token
            result, token = await self._send_part(message.recipient, part, token)
            if result.outcome == "deferred" and self.zns is not None:
                note = await self.zns.after_window(message, token)
                result = SendResult.deferred(f"{result.error}; {note}")
            return result

        return await send_parts(self.db, message, parts, send_one)

    async def _tag(self, message: ClaimedMessage, token: str) -> SendResult:
        """Tag the follower with their village (``handlers.villages``); the old tag removed."""
        body = message.body
        try:
            old = str(body.get("untag") or "")
            if old:
                await self.api.post_json(
                    token, UNTAG_PATH, {"user_id": message.recipient, "tag_name": old}
                )
            result = await self.api.post_json(
                token, TAG_PATH, {"user_id": message.recipient, "tag_name": str(body["tag"])}
            )
        except (TimeoutError, aiohttp.ClientError, ZaloHttpError) as err:
            return SendResult.retry(f"Zalo tag: {type(err).__name__}")
        if result.ok:
            return SendResult.ok()
        kind = classify(result.error)
        error = f"Zalo tag {result.error}: {result.message}"
        return SendResult.retry(error) if kind in ("retry", "token") else SendResult.failed(error)

    async def _announce(
        self, message: ClaimedMessage, parts: list[dict[str, Any]], token: str
    ) -> SendResult:
        """An announcement: outside the window it is not reached (no ZNS, no later resend)."""
        result = SendResult.ok()
        for part in parts:
            result, token = await self._send_part(message.recipient, part, token)
            if result.outcome != "sent":
                break
        if result.outcome == "deferred":
            return SendResult.failed(f"{NOT_REACHED} ({result.error})")
        return result

    async def _send_part(
        self, recipient: str, part: dict[str, Any], token: str
    ) -> tuple[SendResult, str]:
        """Send one message, refreshing the token at most once; returns the token now in use."""
        refreshed = False
        while True:
            try:
                if recipient.startswith(ANONYMOUS_PREFIX):
                    anonymous_id, _, conversation = recipient[len(ANONYMOUS_PREFIX) :].partition(
                        ":"
                    )
                    target = {"anonymous_id": anonymous_id, "conversation_id": conversation}
                    result = await self.api.post_json(
                        token, ANONYMOUS_PATH, {"recipient": target, "message": part}
                    )
                else:
                    result = await self.api.send(token, recipient, part)
            except ZaloHttpError as err:
                if err.status >= 500 or err.status == 429:
                    return SendResult.retry(f"Zalo {err}"), token
                return SendResult.failed(f"Zalo {err}"), token
            except (TimeoutError, aiohttp.ClientError) as err:
                return SendResult.retry(f"Zalo: lỗi mạng {type(err).__name__}"), token
            if result.ok:
                self.status.send_ok()
                log_quota(result)
                return SendResult.ok(), token
            code = result.error
            error = f"Zalo {code}: {result.message}"
            kind = classify(code)
            if kind == "token" and not refreshed:
                refreshed = True
                new_token = await self.tokens.refresh(stale=token)
                if not new_token:
                    error += " (làm mới token thất bại)"
                    return SendResult.paused(error, NO_TOKEN_WAIT), token
                token = new_token
                continue
            if kind == "window":
                return SendResult.deferred(error), token
            if kind == "config":
                return SendResult.paused(error, await self.status.config_failed(code)), token
            if kind == "quota":
                return SendResult.retry(error, await self.status.quota_hit(code)), token
            if kind == "retry":
                return SendResult.retry(error, RATE_LIMIT_WAIT if code == -32 else None), token
            if kind == "token":
                return SendResult.paused(error, NO_TOKEN_WAIT), token
            log.warning("Zalo từ chối tin nhắn: mã %s", code)
            return SendResult.failed(error), token


def log_quota(result: ApiResult) -> None:
    """The quota fields of a send's answer (``quota_type`` / ``remain``), never the content."""
    quota = result.data.get("quota")
    if isinstance(quota, dict) and quota:
        log.info(
            "Zalo: đã gửi; hạn mức %s còn %s",
            str(quota.get("quota_type", "?"))[:32],
            str(quota.get("remain", "?"))[:16],
        )
