"""A pressed or typed button label, mapped back to the button's payload — the one mechanism.

Two steps, both reading only the buttons recorded in the conversation row
(``handlers.offered_buttons``):

* ``resolve_platform`` (first thing the router does): what a platform sent instead of a payload —
  a Telegram callback digest of a long payload, a label marked ``Inbound.maybe_label`` (a Zalo
  ``oa.query.show`` title, possibly cut to ``Capabilities.max_button_label``; a Telegram
  reply-keyboard label; a choice's words where there are no buttons), or a number where choices
  are numbered (``Capabilities.numbered_choices``: numbering runs on across the parts of one
  answer). The newest match wins, so a label found in several messages ("Bỏ qua") is the current
  step's; a stale flow button is still recognised as stale by the router (its token is old).

* ``typed_choice`` (an interceptor): older citizens type what a button says — without diacritics
  ("dong y", "xac nhan gui"), as "có"/"không", or as the number of a numbered list. Only the
  buttons offered since the citizen's previous message count, a flow's only while its step is
  current, and a notification only once it was delivered:

  - the label itself, accents, emoji and punctuation ignored ("✅ Xác nhận gửi" ← "xac nhan
    gui"), or a unique start of it of at least two words ("xac nhan" ← "✅ Xác nhận gửi");
  - a plain yes or no, when the latest question has exactly one yes-like or no-like button;
  - a number, when the message numbered its choices ("1. …", "2. …").

  Anything unclear is left to the normal routing.
"""

from __future__ import annotations

import dataclasses
import functools
import re
import unicodedata
from collections.abc import Sequence

from handlers import offered_buttons
from handlers.context import Context
from handlers.offered_buttons import Offered
from handlers.payloads import DIGEST_PREFIX, FlowChoice, decode, digest
from handlers.types import Inbound, shorten
from knowledge.normalize import fold
from storage import outbox

__all__ = ["Offered", "choose", "resolve_platform", "typed_choice"]

MAX_TYPED = 60
RECENT_FOR_LABELS = 8  # a citizen taps a button of the latest message or one just before it
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
_NUMBERED = re.compile(r"^\s*(\d{1,2})[.)]\s", re.M)
_NUMBER = re.compile(r"\s*(\d{1,2})\s*[.)]?\s*")


def _same_label(a: str, b: str) -> bool:
    return unicodedata.normalize("NFC", a).strip() == unicodedata.normalize("NFC", b).strip()


# --- what the platform sent ------------------------------------------------------------------


def _by_digest(ctx: Context, given: str) -> str | None:
    for message in offered_buttons.messages(ctx.state)[:RECENT_FOR_LABELS]:
        for _label, payload in message.buttons:
            if digest(payload) == given:
                return payload
    return None


def _by_platform_label(ctx: Context, text: str) -> str | None:
    limit = ctx.capabilities.max_button_label
    for message in offered_buttons.messages(ctx.state)[:RECENT_FOR_LABELS]:
        for label, payload in message.buttons:
            if _same_label(shorten(label, limit), text):
                return payload
    return None


def _by_platform_number(ctx: Context, number: int) -> str | None:
    choices = [pair for m in offered_buttons.latest_batch(ctx.state) for pair in m.buttons]
    return choices[number - 1][1] if 1 <= number <= len(choices) else None


def resolve_platform(ctx: Context) -> None:
    """Replace a digest, a button's label or a choice's number by the payload it stands for."""
    msg = ctx.inbound
    if msg.payload and msg.payload.startswith(DIGEST_PREFIX):
        payload = _by_digest(ctx, msg.payload)
        if payload is not None:
            ctx.inbound = dataclasses.replace(msg, payload=payload)
        return
    text = msg.clean_text
    if msg.payload or not msg.maybe_label or not text or text.startswith("/"):
        return
    number = _NUMBER.fullmatch(text) if ctx.capabilities.numbered_choices else None
    if number is not None:
        payload = _by_platform_number(ctx, int(number.group(1)))
    else:
        payload = _by_platform_label(ctx, text)
    if payload is not None:
        ctx.inbound = dataclasses.replace(msg, payload=payload, text=None)


# --- what the citizen typed -------------------------------------------------------------------


async def offered_since_last_message(ctx: Context) -> list[list[Offered]]:
    """The buttons offered since the citizen's previous message, newest message first."""
    handled = ctx.state.message_count or 0
    recent = [m for m in offered_buttons.messages(ctx.state) if m.after == handled]
    waiting = [m.outbox_id for m in recent if m.push and m.outbox_id is not None]
    if waiting and not ctx.capabilities.inline_replies:
        # A notification still on its way has not been read yet.
        delivered = await outbox.delivered_ids(ctx.session, waiting)
        recent = [m for m in recent if not m.push or m.outbox_id in delivered]
    return [m.offered() for m in recent if m.buttons]


def _usable(ctx: Context, payload: str) -> bool:
    """A flow button is usable only for the flow instance and step that are current."""
    choice = decode(payload)
    if not isinstance(choice, FlowChoice):
        return True
    return choice.token == ctx.state.token and choice.step == ctx.step


@functools.lru_cache(maxsize=1024)
def _folded_label(label: str) -> str:
    """Button labels repeat (topics, menu items): folded once, not on every message."""
    return fold(label)


def _by_label(folded: str, buttons: Sequence[Offered]) -> str | None:
    exact = {b.payload for b in buttons if _folded_label(b.label) == folded}
    if len(exact) == 1:
        return exact.pop()
    if exact or len(folded.split()) < 2:
        return None
    starts = {b.payload for b in buttons if f"{_folded_label(b.label)} ".startswith(folded + " ")}
    return starts.pop() if len(starts) == 1 else None


def _strict(payload: str) -> bool:
    choice = decode(payload)
    return isinstance(choice, FlowChoice) and choice.step in STRICT_STEPS


def _answers(payload: str) -> str | None:
    choice = decode(payload)
    return choice.answers() if choice is not None else None


def _by_yes_no(folded: str, buttons: Sequence[Offered]) -> str | None:
    if folded in YES_WORDS | STRICT_YES_WORDS:
        wanted = "yes"
    elif folded in NO_WORDS:
        wanted = "no"
    else:
        return None
    hits = {b.payload for b in buttons if _answers(b.payload) == wanted}
    if len(hits) != 1:
        return None
    payload = hits.pop()
    if wanted == "yes" and _strict(payload) and folded not in STRICT_YES_WORDS:
        return None
    if wanted == "yes" and not _strict(payload) and folded not in YES_WORDS:
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


async def typed_choice(ctx: Context) -> bool | Inbound:
    """Interceptor: a typed label is the press of its button (routed as that payload)."""
    msg = ctx.inbound
    text = msg.clean_text
    if msg.payload or msg.event or msg.attachments or msg.location or msg.contact:
        return False
    if not text or len(text) > MAX_TYPED or text.startswith("/"):
        return False
    folded = fold(text)
    if not folded:
        return False
    offered = await offered_since_last_message(ctx)
    messages = [
        usable
        for buttons in offered
        if (usable := [b for b in buttons if _usable(ctx, b.payload)])
    ]
    payload = choose(folded, messages)
    if payload is None:
        return False
    return dataclasses.replace(msg, text=None, payload=payload)
