"""Turn one Zalo Bot Platform update into one ``Inbound`` (or None: not for us).

The Bot Platform (bot.zaloplatforms.com) copies the Telegram Bot API's style but not its shapes:
events are named ``message.text.received``, ``message.image.received``,
``message.sticker.received``, ``message.unsupported.received``; a webhook delivery may or may not
be wrapped in ``{"ok": true, "result": …}`` (sources disagree), so both are accepted. There is no
update id: ``message_id`` is the redelivery key.
"""

from __future__ import annotations

from typing import Any

from bot.channels.zalo_events import as_dict, as_str
from handlers.types import Attachment, Inbound

CHANNEL = "zalobot"


def unwrap(data: dict[str, Any]) -> dict[str, Any]:
    """The update itself, whether or not it came inside an ``{ok, result}`` envelope."""
    result = data.get("result")
    if isinstance(result, dict) and ("event_name" in result or "message" in result):
        return result
    return data


def parse_update(data: dict[str, Any]) -> tuple[str, Inbound | None]:
    """(event name, Inbound or None) for one update."""
    update = unwrap(data)
    name = as_str(update.get("event_name"))
    message = as_dict(update.get("message"))
    if not name:  # a getUpdates result may carry no event_name: read the message itself
        if isinstance(message.get("text"), str):
            name = "message.text.received"
        elif message.get("photo_url") or message.get("photo"):
            name = "message.image.received"
        elif message.get("sticker"):
            name = "message.sticker.received"
    chat = as_dict(message.get("chat"))
    if as_str(chat.get("chat_type")).upper() not in ("", "PRIVATE"):
        return name, None  # group chats are not conversations
    sender = as_dict(message.get("from"))
    if sender.get("is_bot") is True:
        return name, None
    user = as_str(chat.get("id")) or as_str(sender.get("id"))
    message_id = as_str(message.get("message_id"))
    if not user or not name.startswith("message."):
        return name, None
    external_id = message_id or f"{name}:{user}:{as_str(message.get('date'))}"

    def inbound(**fields: Any) -> Inbound:
        return Inbound(channel=CHANNEL, user_key=user, external_id=external_id, **fields)

    if name == "message.text.received":
        text = message.get("text")
        return name, inbound(text=text if isinstance(text, str) else "")
    if name == "message.image.received":
        url = as_str(message.get("photo_url")) or as_str(message.get("photo"))
        caption = as_str(message.get("caption")) or None
        photo = (Attachment(kind="photo", ref=url),) if url else ()
        return name, inbound(text=caption, attachments=photo or (Attachment("unsupported", ""),))
    if name == "message.sticker.received":
        return name, inbound(
            attachments=(Attachment(kind="sticker", ref=as_str(message.get("sticker"))),)
        )
    return name, inbound(attachments=(Attachment(kind="unsupported", ref=""),))
