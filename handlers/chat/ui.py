"""Small presentation helpers shared by the petition conversations."""

from __future__ import annotations

from collections.abc import Sequence

from handlers.context import Context
from handlers.types import Attachment, Button

MAX_MEDIA = 10
MEDIA_KINDS = ("photo", "file", "video", "voice")


def reply_choices(
    ctx: Context,
    text: str,
    buttons: Sequence[Button],
    tail: Sequence[Button] = (),
    *,
    more: str,
) -> None:
    """Ask one question whose choices may be more than one message can carry.

    The first message holds the question; further messages (``more``, "…hoặc:") continue the
    list, and the ``tail`` buttons (skip, cancel) come last.
    """
    every = [*buttons, *tail]
    if not every:
        ctx.reply(text)
        return
    size = ctx.capabilities.max_buttons
    for start in range(0, len(every), size):
        chunk = every[start : start + size]
        ctx.reply(text if start == 0 else more, buttons=chunk)


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
