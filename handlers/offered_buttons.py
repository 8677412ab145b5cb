"""The buttons each conversation was offered, kept in its state row.

Some platforms do not send a pressed button's payload back: a Zalo ``oa.query.show`` button sends
its title as the citizen's message, a Telegram reply-keyboard button its label, a numbered choice
(no buttons at all) its number, and a Telegram callback only 64 bytes (a digest of a longer
payload). Older citizens also type what a button says. Both are mapped back through this record,
written in the same transaction as the messages that carry the buttons — replies by the engine,
notifications by whoever pushes them (``handlers.outgoing``) — so answering a message never reads
the outbox.

The record is the ``offered`` JSON column of ``conversation_states``: the latest ``KEEP``
messages with buttons, newest first. Each message notes how many messages of the citizen had
been handled when it was offered (``after``), so "offered since the citizen's previous message"
needs no clock, and the batch it belongs to (the replies to one message, or one notification),
so a numbered choice counts across the parts of one answer.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from handlers.types import Reply
from storage.models import ConversationState

KEEP = 12
_NUMBERED_LINE = re.compile(r"^\s*\d{1,2}[.)]\s.*$", re.M)


@dataclass(frozen=True)
class Offered:
    """One button the citizen can see, with the numbered lines of the message that carried it."""

    label: str
    payload: str
    message: str


@dataclass(frozen=True)
class OfferedMessage:
    """One message's buttons, as recorded."""

    seq: int
    after: int  # messages of the citizen handled when this was offered
    batch: int
    push: bool
    outbox_id: int | None
    numbered: str  # the message's "1. …" lines (typed numbers refer to them)
    buttons: tuple[tuple[str, str], ...]  # (label, payload)

    def offered(self) -> list[Offered]:
        return [Offered(label, payload, self.numbered) for label, payload in self.buttons]


def _button_pairs(reply: Reply) -> tuple[tuple[str, str], ...]:
    return tuple(
        (b.text, b.payload) for b in reply.buttons if b.payload is not None and b.request is None
    )


def messages(state: ConversationState) -> list[OfferedMessage]:
    """The recorded messages, newest first."""
    items = (state.offered or {}).get("items") or []
    out = []
    for item in items:
        try:
            out.append(
                OfferedMessage(
                    seq=int(item["seq"]),
                    after=int(item["after"]),
                    batch=int(item["batch"]),
                    push=bool(item.get("push")),
                    outbox_id=item.get("outbox"),
                    numbered=str(item.get("numbered", "")),
                    buttons=tuple((str(a), str(b)) for a, b in item.get("buttons", [])),
                )
            )
        except (KeyError, TypeError, ValueError):
            continue  # a record from another version: ignore rather than fail the message
    return out


def record(
    state: ConversationState, sent: Sequence[tuple[Reply, int | None, bool]], *, batches: bool
) -> None:
    """Note the buttons of ``sent`` (reply, outbox id, is a push), in the order they were sent.

    ``batches``: True when ``sent`` are the replies to one message (one batch); False when they
    are notifications (each its own batch).
    """
    data: dict[str, Any] = dict(state.offered or {})
    items = list(data.get("items") or [])
    seq = int(data.get("seq") or 0)
    after = int(state.message_count or 0)
    batch = seq + 1
    for reply, outbox_id, push in sent:
        buttons = _button_pairs(reply)
        seq += 1
        if not batches:
            batch = seq
        if not buttons:
            continue
        numbered = "\n".join(m.group(0) for m in _NUMBERED_LINE.finditer(reply.text))
        items.insert(
            0,
            {
                "seq": seq,
                "after": after,
                "batch": batch,
                "push": push,
                "outbox": outbox_id,
                "numbered": numbered,
                "buttons": [list(pair) for pair in buttons],
            },
        )
    state.offered = {"seq": seq, "last": batch, "items": items[:KEEP]}


def latest_batch(state: ConversationState) -> list[OfferedMessage]:
    """The messages of the latest answer or notification, in the order they were sent (empty
    when it carried no buttons)."""
    last = (state.offered or {}).get("last")
    return [m for m in reversed(messages(state)) if m.batch == last]


def clear(state: ConversationState) -> None:
    """Forget every offered button (the citizen's data was erased)."""
    state.offered = {}
