"""Map a button press back to its payload using the buttons we actually sent.

Some platform buttons cannot carry our payload invisibly:
- a Zalo ``oa.query.show`` button makes the citizen send its ``payload`` string as their own
  visible chat message, so we make that string the button's title (a citizen reading back
  "📝 Gửi kiến nghị" in their chat understands it; "f:3a9c1e0b:category:road" would confuse them);
- a Telegram reply-keyboard button (needed next to "share my phone number") sends its label;
- Telegram callback data is limited to 64 bytes, so a longer payload travels as a digest.

The table of "buttons offered to this user" already exists: the outbox rows we sent them. Looking
at the latest few is enough (a citizen answers the last message or one just before it), costs one
indexed query, and needs no extra state. The newest match wins, so a title that appears in several
messages ("Bỏ qua") resolves to the current step; a stale flow button is still recognised as stale
by the router because its payload carries the old flow token.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Callable
from typing import Any

from sqlalchemy import select

from storage.db import Database
from storage.models import OutboxMessage
from storage.outbox import SENDING, SENT

DIGEST_PREFIX = "h:"
RECENT_MESSAGES = 8


def payload_digest(payload: str) -> str:
    """A short stand-in for a payload too long for the platform (Telegram: ≤ 64 bytes)."""
    return DIGEST_PREFIX + hashlib.sha256(payload.encode("utf-8")).hexdigest()[:24]


def same_label(a: str, b: str) -> bool:
    """Labels compare equal after Unicode normalisation and outer whitespace."""
    return unicodedata.normalize("NFC", a).strip() == unicodedata.normalize("NFC", b).strip()


async def find_payload(
    db: Database,
    channel: str,
    recipient: str,
    matches: Callable[[dict[str, Any]], bool],
    limit: int = RECENT_MESSAGES,
) -> str | None:
    """The payload of the newest button among the last ``limit`` messages that ``matches``."""
    stmt = (
        select(OutboxMessage.body)
        .where(
            OutboxMessage.channel == channel,
            OutboxMessage.recipient == recipient,
            OutboxMessage.status.in_((SENT, SENDING)),
        )
        .order_by(OutboxMessage.id.desc())
        .limit(limit)
    )
    async with db.read() as session:
        bodies = (await session.execute(stmt)).scalars().all()
    for body in bodies:
        for button in (body or {}).get("buttons", []):
            if button.get("payload") and matches(button):
                return str(button["payload"])
    return None


async def payload_for_label(
    db: Database, channel: str, recipient: str, label: str, max_title: int | None = None
) -> str | None:
    """The payload of a recently offered button whose (possibly shortened) title is ``label``."""

    def matches(button: dict[str, Any]) -> bool:
        title = str(button.get("text", ""))
        if max_title is not None:
            title = shorten(title, max_title)
        return same_label(title, label)

    return await find_payload(db, channel, recipient, matches)


async def payload_for_digest(
    db: Database, channel: str, recipient: str, digest: str
) -> str | None:
    """The payload of a recently offered button whose digest is ``digest``."""
    return await find_payload(
        db, channel, recipient, lambda b: payload_digest(str(b["payload"])) == digest
    )


def shorten(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters with an ellipsis (a button title's limit)."""
    text = text.strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# --- numbered choices (platforms without buttons: the Zalo Bot Platform) ----------------------


def numbered(buttons: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The buttons shown as numbered choices: those that carry a payload (links are not)."""
    return [b for b in buttons if b.get("payload") and not b.get("request")]


async def choice_offset(db: Database, message_id: int) -> int:
    """How many choices earlier messages of the same answer already numbered.

    One answer may be several outbox rows (a list of eleven categories leaves as three messages);
    numbering runs on across them, so "7" means the seventh choice the citizen saw.
    """
    async with db.read() as session:
        row = await session.get(OutboxMessage, message_id)
        if row is None or row.inbound_event_id is None:
            return 0
        stmt = select(OutboxMessage.body).where(
            OutboxMessage.inbound_event_id == row.inbound_event_id,
            OutboxMessage.recipient == row.recipient,
            OutboxMessage.channel == row.channel,
            OutboxMessage.id < row.id,
        )
        bodies = (await session.execute(stmt)).scalars().all()
    return sum(len(numbered((b or {}).get("buttons", []))) for b in bodies)


async def payload_for_number(
    db: Database, channel: str, recipient: str, number: int
) -> str | None:
    """The payload of choice ``number`` (from 1) of the latest answer this user received."""
    stmt = (
        select(OutboxMessage.id, OutboxMessage.inbound_event_id, OutboxMessage.body)
        .where(
            OutboxMessage.channel == channel,
            OutboxMessage.recipient == recipient,
            OutboxMessage.status.in_((SENT, SENDING)),
        )
        .order_by(OutboxMessage.id.desc())
        .limit(RECENT_MESSAGES)
    )
    async with db.read() as session:
        rows = (await session.execute(stmt)).all()
    if not rows or number < 1:
        return None
    batch = rows[0].inbound_event_id
    group = [r for r in rows if batch is not None and r.inbound_event_id == batch] or [rows[0]]
    choices = [b for r in reversed(group) for b in numbered((r.body or {}).get("buttons", []))]
    return str(choices[number - 1]["payload"]) if number <= len(choices) else None
