"""How a hand-off conversation is shown: the staff API's JSON and the inbox's rows.

The list's objects carry exactly the keys of shared/CONTRACTS.md (``id``, ``channel``,
``opened_at``, ``messages`` of ``from``/``text``/``at``); one conversation's detail adds who
handles it, the wait and the outcome. A citizen's words may hold a phone number: roles that may
not see contact details read it masked, like everywhere else on the dashboard.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from bot.staff.roles import StaffUser
from handlers.handoff import StaffRef
from handlers.phones import mask_phones
from storage import handoff as repo
from storage.models import HandoffConversation, HandoffMessage

MASK = "***"
CHANNEL_LABELS = {
    "web": "Web chat",
    "telegram": "Telegram",
    "zalo": "Zalo",
    "zalo_bot": "Zalo Bot",
}
CLOSED_BY = {
    "staff": "Cán bộ kết thúc",
    "citizen": "Người dân kết thúc",
    "timeout": "Tự đóng (người dân không nhắn lại)",
    "erased": "Đã xóa theo yêu cầu của người dân",
}
SENDER_LABELS = {repo.CITIZEN: "Người dân", repo.STAFF: "Cán bộ", repo.BOT: "Trợ lý ảo"}


def staff_ref(user: StaffUser) -> StaffRef:
    return StaffRef(user.id, user.label)


def shown(text: str, user: StaffUser, sender: str) -> str:
    """A citizen's words with phone numbers masked for roles without contact details."""
    if sender != repo.CITIZEN or user.can("personal"):
        return text
    return mask_phones(text, MASK)


def _iso(moment: dt.datetime | None) -> str | None:
    return moment.astimezone(dt.UTC).isoformat() if moment is not None else None


def message_json(message: HandoffMessage, user: StaffUser) -> dict[str, Any]:
    return {
        "from": message.sender,
        "text": shown(message.text, user, message.sender),
        "at": _iso(message.at),
    }


def conversation_json(conversation: HandoffConversation, user: StaffUser) -> dict[str, Any]:
    """The contract's object: exactly these keys."""
    return {
        "id": conversation.id,
        "channel": conversation.channel,
        "opened_at": _iso(conversation.opened_at),
        "messages": [message_json(m, user) for m in conversation.messages],
    }


def detail_json(
    conversation: HandoffConversation,
    user: StaffUser,
    names: dict[int, str],
    petition_code: str | None,
    now: dt.datetime,
) -> dict[str, Any]:
    """One conversation with what the inbox shows beside its history."""
    return {
        **conversation_json(conversation, user),
        "status": conversation.status,
        "assignee": names.get(conversation.assignee_id or 0),
        "waiting_since": _iso(conversation.waiting_since),
        "waiting_seconds": waited(conversation, now),
        "first_response_at": _iso(conversation.first_response_at),
        "closed_at": _iso(conversation.closed_at),
        "closed_by": conversation.closed_by,
        "petition": petition_code,
    }


def waited(conversation: HandoffConversation, now: dt.datetime) -> int | None:
    """Seconds the citizen has been waiting for staff (None: nobody is waiting)."""
    if conversation.status != repo.OPEN or conversation.waiting_since is None:
        return None
    return max(0, int((now - conversation.waiting_since).total_seconds()))


def duration_text(seconds: float | None) -> str:
    """'dưới 1 phút', '25 phút', '3 giờ 5 phút', '2 ngày 4 giờ'."""
    if seconds is None:
        return ""
    minutes = int(seconds // 60)
    if minutes < 1:
        return "dưới 1 phút"
    hours, minutes = divmod(minutes, 60)
    days, hours = divmod(hours, 24)
    if days:
        return f"{days} ngày" + (f" {hours} giờ" if hours else "")
    if hours:
        return f"{hours} giờ" + (f" {minutes} phút" if minutes else "")
    return f"{minutes} phút"


def first_question(conversation: HandoffConversation) -> str:
    """What the citizen asked first: the question a new knowledge entry would answer."""
    for message in conversation.messages:
        if message.sender == repo.CITIZEN:
            return message.text
    return ""


def citizen_words(conversation: HandoffConversation) -> str:
    """Everything the citizen wrote, one message a line (a petition's draft content)."""
    return "\n".join(m.text for m in conversation.messages if m.sender == repo.CITIZEN)
