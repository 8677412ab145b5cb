"""A button's label typed instead of pressed: treat it as the press.

Older citizens often type what a button says — without diacritics ("dong y", "xac nhan gui",
"da giai quyet") — or answer a question with "có"/"không", or a numbered list with "2". Left to the
matcher, such words get a wrong FAQ answer or a wall of re-prompts. This interceptor looks only at
the buttons the bot offered since the citizen last wrote (the outbox rows: nothing extra to store)
and, when the typed text clearly names one of them, handles the message as that button's press:

* the label itself, accents, emoji and punctuation ignored ("✅ Xác nhận gửi" ← "xac nhan gui"),
  or a unique start of it of at least two words ("xac nhan" ← "✅ Xác nhận gửi");
* a plain yes or no, when the latest question has exactly one yes-like or no-like button;
* a number, when the message numbered its choices ("1. …", "2. …").

A flow's button only counts while it belongs to the current step, so typing never presses a stale
button; anything unclear is left to the normal routing.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence

from sqlalchemy import func, select

from handlers.context import WEB_CHANNEL, Context
from handlers.router import dispatch
from knowledge.normalize import fold
from storage.models import OutboxMessage

MAX_TYPED = 60
MARK_KEY = "_outbox_seen"  # the newest outbox id when the citizen's previous message came in
RECENT_ROWS = 12
YES_WORDS = frozenset(
    {
        "co",
        "co a",
        "vang",
        "vang a",
        "da",
        "da vang",
        "da co",
        "u",
        "uh",
        "um",
        "ok",
        "oke",
        "okay",
        "dong y",
        "dong y a",
        "toi dong y",
        "duoc",
        "dung",
        "dung roi",
        "chuan",
        "roi",
        "da roi",
        "gui",
        "gui di",
        "xac nhan",
        "yes",
    }
)
NO_WORDS = frozenset(
    {
        "khong",
        "ko",
        "k",
        "kg",
        "khong a",
        "thoi",
        "thoi khong",
        "chua",
        "chua a",
        "no",
        "khong can",
        "khong dong y",
        "khong gui",
    }
)
# Consent to personal data and erasing it take an explicit yes only, not "ok" or "ừ".
STRICT_YES_WORDS = frozenset(
    {
        "co",
        "co a",
        "dong y",
        "dong y a",
        "toi dong y",
        "co dong y",
        "vang dong y",
        "xoa",
        "xoa di",
        "co xoa",
    }
)
STRICT_STEPS = frozenset({"consent", "confirm"})
# What a "yes" or a "no" presses: the value at the end of the payload.
YES_VALUES = frozenset({"yes", "confirm", "resume", "reuse"})
NO_VALUES = frozenset({"no"})
YES_NO_PREFIXES = ("f:", "poffer:", "psat:")
_NUMBERED = re.compile(r"^\s*(\d{1,2})[.)]\s", re.M)


@dataclasses.dataclass(frozen=True)
class Offered:
    """One button the citizen can see, with the message that carried it."""

    label: str
    payload: str
    message: str


async def offered_since_last_message(ctx: Context) -> list[list[Offered]]:
    """The buttons sent since the citizen's previous message, newest message first.

    "Since" is an outbox id remembered at each message (``MARK_KEY``), not a time: two messages
    handled within the same clock tick must not blur together.
    """
    newest = await ctx.session.scalar(
        select(func.max(OutboxMessage.id)).where(OutboxMessage.identity_id == ctx.identity.id)
    )
    newest = newest or 0
    mark = (ctx.state.data or {}).get(MARK_KEY)
    if newest != mark:
        ctx.remember(MARK_KEY, newest)
    if not isinstance(mark, int) or newest <= mark:
        return []
    stmt = (
        select(OutboxMessage.kind, OutboxMessage.status, OutboxMessage.body)
        .where(
            OutboxMessage.identity_id == ctx.identity.id,
            OutboxMessage.kind.in_(("reply", "push")),
            OutboxMessage.id > mark,
        )
        .order_by(OutboxMessage.id.desc())
        .limit(RECENT_ROWS)
    )
    rows = (await ctx.session.execute(stmt)).all()
    messages = []
    for kind, status, body in rows:
        if status == "failed":
            continue
        unseen = kind == "push" and status not in ("sent", "sending")
        if unseen and ctx.identity.channel != WEB_CHANNEL:
            continue  # a notification still on its way has not been read yet
        text = str((body or {}).get("text", ""))
        buttons = [
            Offered(str(b.get("text", "")), str(b["payload"]), text)
            for b in (body or {}).get("buttons", [])
            if b.get("payload") and not b.get("request")
        ]
        if buttons:
            messages.append(buttons)
    return messages


def _usable(ctx: Context, payload: str) -> bool:
    """A flow button is usable only for the flow instance and step that are current."""
    if not payload.startswith("f:"):
        return True
    parts = payload.split(":", 3)
    return len(parts) == 4 and parts[1] == ctx.state.token and parts[2] == ctx.step


def _by_label(folded: str, buttons: Sequence[Offered]) -> str | None:
    exact = {b.payload for b in buttons if fold(b.label) == folded}
    if len(exact) == 1:
        return exact.pop()
    if exact or len(folded.split()) < 2:
        return None
    starts = {b.payload for b in buttons if f"{fold(b.label)} ".startswith(folded + " ")}
    return starts.pop() if len(starts) == 1 else None


def _strict(payload: str) -> bool:
    parts = payload.split(":", 3)
    return payload.startswith("f:") and len(parts) == 4 and parts[2] in STRICT_STEPS


def _by_yes_no(folded: str, buttons: Sequence[Offered]) -> str | None:
    if folded in YES_WORDS | STRICT_YES_WORDS:
        values = YES_VALUES
    elif folded in NO_WORDS:
        values = NO_VALUES
    else:
        return None
    hits = {
        b.payload
        for b in buttons
        if b.payload.startswith(YES_NO_PREFIXES) and b.payload.rsplit(":", 1)[-1] in values
    }
    if len(hits) != 1:
        return None
    payload = hits.pop()
    if values is YES_VALUES and _strict(payload) and folded not in STRICT_YES_WORDS:
        return None
    if values is YES_VALUES and not _strict(payload) and folded not in YES_WORDS:
        return None
    return payload


def _by_number(folded: str, buttons: Sequence[Offered]) -> str | None:
    if not folded.isdigit():
        return None
    message = buttons[0].message if buttons else ""
    numbers = {int(n) for n in _NUMBERED.findall(message)}
    index = int(folded)
    if index not in numbers or index > len(buttons):
        return None
    return buttons[index - 1].payload


def choose(folded: str, messages: Sequence[Sequence[Offered]]) -> str | None:
    """The payload the typed (folded) text names, or None when it is not clearly one button."""
    if not messages:
        return None
    everything = [b for buttons in messages for b in buttons]
    found = _by_label(folded, everything)
    if found is not None:
        return found
    latest = messages[0]
    return _by_yes_no(folded, latest) or _by_number(folded, latest)


async def typed_choice(ctx: Context) -> bool:
    """Interceptor: handle a typed label as the press of its button."""
    msg = ctx.inbound
    offered = await offered_since_last_message(ctx)  # also moves the mark, on every message
    text = msg.clean_text
    if msg.payload or msg.event or msg.attachments or msg.location or msg.contact:
        return False
    if not text or len(text) > MAX_TYPED or text.startswith("/"):
        return False
    folded = fold(text)
    if not folded:
        return False
    messages = [
        usable
        for buttons in offered
        if (usable := [b for b in buttons if _usable(ctx, b.payload)])
    ]
    payload = choose(folded, messages)
    if payload is None:
        return False
    ctx.inbound = dataclasses.replace(msg, text=None, payload=payload)
    await dispatch(ctx)  # as if pressed: this interceptor lets a payload through untouched
    return True
