"""Small presentation helpers shared by the petition conversations."""

from __future__ import annotations

from collections.abc import Sequence

from handlers.context import WEB_CHANNEL, Context
from handlers.petitions import texts as t
from handlers.types import Attachment, Button

MAX_BUTTONS = 5  # Zalo shows at most five buttons under one message
MAX_MEDIA = 10
MEDIA_KINDS = ("photo", "file", "video", "voice")
# Channels on which a citizen cannot send a photo: the web chat page has no upload. (The Zalo Bot
# Platform is text-first but does deliver photos, so it is not one of them.)
TEXT_ONLY_CHANNELS = frozenset({WEB_CHANNEL})


def reply_choices(
    ctx: Context,
    text: str,
    buttons: Sequence[Button],
    tail: Sequence[Button] = (),
) -> None:
    """Ask one question whose choices may be more than one message can carry.

    The first message holds the question; further messages ("…hoặc:") continue the list, and the
    ``tail`` buttons (skip, cancel) come last.
    """
    every = [*buttons, *tail]
    if not every:
        ctx.reply(text)
        return
    for start in range(0, len(every), MAX_BUTTONS):
        chunk = every[start : start + MAX_BUTTONS]
        ctx.reply(text if start == 0 else t.MORE_CHOICES, buttons=chunk)


def channel_accepts_media(channel: str) -> bool:
    """Can a citizen on this channel send photos? Decides whether a question invites them."""
    return channel not in TEXT_ONLY_CHANNELS


def accepts_media(ctx: Context) -> bool:
    """Can the citizen writing now send photos?"""
    return channel_accepts_media(ctx.identity.channel)


def preview(text: str, limit: int) -> str:
    """At most ``limit`` characters, cut at a word, with an ellipsis when cut."""
    text = text.strip()
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0] + "…"


def media_items(ctx: Context, attachments: Sequence[Attachment]) -> list[dict]:
    """Attachment rows (platform references) for the petition_attachments table."""
    items = []
    for item in attachments:
        if item.kind not in MEDIA_KINDS or not item.ref:
            continue  # stickers and empty references are not evidence
        items.append(
            {
                "kind": item.kind,
                "channel": ctx.identity.channel,
                "ref": item.ref[:1000],
                "name": (item.name or None) and item.name[:255],
                "mime": (item.mime or None) and item.mime[:100],
                "size": item.size,
            }
        )
    return items
