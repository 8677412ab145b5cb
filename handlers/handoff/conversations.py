"""The hand-off rules every caller shares: the chat (a citizen opens, writes, leaves), the
dashboard and the staff API (take, reply, close, turn into a petition) and the timers.

The citizen's mode is the ``handoff`` flow in their conversation row (``HandoffDraft`` holds the
conversation's id), so a message from anyone else costs no query. While it is open the citizen's
messages land in the conversation and the bot stays quiet; a staff reply reaches them through
the outbox (``Txn.out``). Closing, whoever does it, returns the citizen's row to the bot in the
same transaction.

Lock order (``handlers.outgoing``): the citizen's conversation row, then the hand-off row.
Taking is one conditional UPDATE: of two staff members taking one conversation at once, one
wins and the other is told who did.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from handlers.buttons import main_menu_buttons
from handlers.context import Context, Txn
from handlers.flow import FlowDraft
from handlers.memory import is_remembered
from handlers.texts.chat import ChatTexts
from handlers.texts.handoff import HandoffTexts
from handlers.types import Button, Reply
from handlers.workflow import INTAKE_CHANNELS, MAX_NOTE, file_petition
from handlers.workflow.buttons import Track
from storage import conversations
from storage import handoff as repo
from storage.models import ChannelIdentity, ConversationState, HandoffConversation, Petition

HANDOFF_FLOW = "handoff"
MAX_REPLY = 2000  # one Zalo message; a longer answer reads better as several


@dataclass
class HandoffDraft(FlowDraft):
    """What the ``handoff`` flow keeps in the citizen's conversation row."""

    conversation: int = 0


@dataclass(frozen=True)
class StaffRef:
    """The staff member acting (id for the rows, label for what others see)."""

    id: int
    label: str


class HandoffRefused(Exception):
    """A staff action the rules refuse; ``message`` is Vietnamese, nothing was changed."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def refusal(txn: Txn, reason: str, **values: object) -> HandoffRefused:
    return HandoffRefused(reason, HandoffTexts.of(txn.texts).refused[reason](**values))


def in_mode(state: ConversationState, conversation_id: int) -> bool:
    """Is this citizen's row in the hand-off of this conversation?"""
    draft = HandoffDraft.load(
        {k: v for k, v in (state.data or {}).items() if not is_remembered(k)}
    )
    return state.flow == HANDOFF_FLOW and draft.conversation == conversation_id


def leave_mode(state: ConversationState) -> None:
    """The citizen's row back to the bot (what ``Context.end_flow`` does, for the staff side)."""
    state.flow = None
    state.step = None
    state.token = None
    state.expires_at = None
    state.data = {k: v for k, v in (state.data or {}).items() if is_remembered(k)}


# --- the citizen's side ------------------------------------------------------------------------


async def open_for(ctx: Context) -> HandoffConversation:
    """A new conversation for the sender (their row enters the mode: ``HandoffFlow.start``)."""
    return await repo.open_conversation(
        ctx.session,
        commune_id=ctx.commune_id,
        identity_id=ctx.identity.id,
        channel=ctx.identity.channel,
        now=ctx.now,
    )


async def record(
    txn: Txn, conversation: HandoffConversation, sender: str, text: str, at: dt.datetime
) -> None:
    """One message of the history (a citizen's also starts or continues the wait for staff)."""
    await repo.add_message(txn.session, conversation.id, sender, text, at)
    if sender == repo.CITIZEN:
        conversation.last_citizen_at = at
        conversation.waiting_since = conversation.waiting_since or at


async def citizen_wrote(ctx: Context, conversation_id: int, text: str) -> bool:
    """The citizen's message into the conversation; False when it is no longer open."""
    conversation = await repo.get_conversation(ctx.session, conversation_id, lock=True)
    if conversation is None or conversation.status != repo.OPEN:
        return False
    await record(ctx, conversation, repo.CITIZEN, text, ctx.now)
    ctx.state.expires_at = None  # waiting for staff: the 24 hours count from their reply
    return True


async def citizen_left(ctx: Context, conversation_id: int, how: str) -> None:
    """The citizen ended it (/huy, the menu) or it timed out; their row leaves the mode."""
    conversation = await repo.get_conversation(ctx.session, conversation_id, lock=True)
    if conversation is not None and conversation.status == repo.OPEN:
        _close(conversation, ctx.now, how, None)


def _close(
    conversation: HandoffConversation, now: dt.datetime, how: str, staff_id: int | None
) -> None:
    conversation.status = repo.CLOSED
    conversation.closed_at = now
    conversation.closed_by = how
    conversation.closed_by_staff_id = staff_id
    conversation.waiting_since = None


# --- the staff side ------------------------------------------------------------------------------


@dataclass
class Locked:
    """A conversation locked for a staff action, with its citizen (None once erased)."""

    conversation: HandoffConversation
    identity: ChannelIdentity | None
    state: ConversationState | None


async def _lock(txn: Txn, conversation_id: int) -> Locked:
    found = await repo.get_conversation(txn.session, conversation_id)
    if found is None or found.commune_id != txn.services.commune_id:
        raise refusal(txn, "not_found")
    identity = state = None
    if found.identity_id is not None:
        identity = await txn.session.get(ChannelIdentity, found.identity_id)
        if identity is not None:
            state = await conversations.lock_state(txn.session, identity.id)
    conversation = await repo.get_conversation(txn.session, conversation_id, lock=True)
    assert conversation is not None
    return Locked(conversation, identity, state)


async def _holder(txn: Txn, conversation: HandoffConversation) -> str:
    labels = await repo.staff_labels(txn.session, [conversation.assignee_id or 0])
    return labels.get(conversation.assignee_id or 0, "")


async def _claim(txn: Txn, locked: Locked, staff: StaffRef) -> None:
    conversation = locked.conversation
    if conversation.status != repo.OPEN:
        raise refusal(txn, "closed")
    if not await repo.claim(txn.session, conversation.id, staff.id, txn.now):
        raise refusal(txn, "taken", name=await _holder(txn, conversation))
    conversation.assignee_id = staff.id
    conversation.assigned_at = conversation.assigned_at or txn.now


async def take(txn: Txn, conversation_id: int, staff: StaffRef) -> HandoffConversation:
    """``staff`` handles this conversation from now on (refused if someone else does)."""
    locked = await _lock(txn, conversation_id)
    await _claim(txn, locked, staff)
    return locked.conversation


def check_reply(txn: Txn, text: str) -> str:
    clean = text.strip()
    if not clean:
        raise refusal(txn, "empty")
    if len(clean) > MAX_REPLY:
        raise refusal(txn, "too_long", length=f"{len(clean):,}".replace(",", "."), limit=MAX_REPLY)
    return clean


async def reply(txn: Txn, conversation_id: int, staff: StaffRef, text: str) -> None:
    """Send ``text`` to the citizen on their channel and add it to the history."""
    clean = check_reply(txn, text)
    locked = await _lock(txn, conversation_id)
    await _claim(txn, locked, staff)
    conversation = locked.conversation
    await repo.add_message(txn.session, conversation.id, repo.STAFF, clean, txn.now, staff.id)
    conversation.first_response_at = conversation.first_response_at or txn.now
    conversation.last_staff_at = txn.now
    conversation.waiting_since = None
    conversation.reminded_at = None
    if locked.state is not None and in_mode(locked.state, conversation.id):
        hours = txn.profile.handoff.close_after_hours
        locked.state.expires_at = txn.now + dt.timedelta(hours=hours)
    if locked.identity is not None:
        txn.out.push(locked.identity, Reply(HandoffTexts.of(txn.texts).staff_says(text=clean)))


async def close(txn: Txn, conversation_id: int, staff: StaffRef) -> None:
    """End the conversation; the citizen is told and the bot answers them again."""
    locked = await _lock(txn, conversation_id)
    conversation = locked.conversation
    if conversation.status != repo.OPEN:
        raise refusal(txn, "closed")
    _close(conversation, txn.now, "staff", staff.id)
    text = HandoffTexts.of(txn.texts).closed_by_staff()
    await repo.add_message(txn.session, conversation.id, repo.BOT, text, txn.now)
    if locked.state is not None and in_mode(locked.state, conversation.id):
        leave_mode(locked.state)
    if locked.identity is not None:
        txn.out.push(locked.identity, Reply(text, buttons=main_menu_buttons(txn.texts)))


async def to_petition(
    txn: Txn,
    conversation_id: int,
    staff: StaffRef,
    *,
    content: str,
    category: str,
    village: str | None,
    consent: bool,
) -> Petition:
    """File what the citizen said as a petition, once, with their consent confirmed by staff.

    The petition is anonymous (no name or phone) and linked to the citizen's chat account, so
    they are told of every change like any petition they filed themselves."""
    clean = content.strip()
    if not consent:
        raise refusal(txn, "no_consent")
    if not clean:
        raise refusal(txn, "empty")
    if len(clean) > MAX_NOTE:
        raise refusal(txn, "content_too_long", length=len(clean), limit=MAX_NOTE)
    if txn.profile.category(category) is None:
        raise refusal(txn, "bad_category")
    if village and txn.profile.village(village) is None:
        raise refusal(txn, "bad_village")
    locked = await _lock(txn, conversation_id)
    conversation = locked.conversation
    if conversation.petition_id is not None:
        existing = await txn.session.get(Petition, conversation.petition_id)
        raise refusal(txn, "already_petition", code=existing.code if existing else "")
    channel = conversation.channel if conversation.channel in INTAKE_CHANNELS else "web"
    petition = await file_petition(
        txn,
        actor=("staff", staff.id, staff.label),
        content=clean,
        category=category,
        intake_channel=channel,
        village=village or None,
        identity_id=locked.identity.id if locked.identity is not None else None,
        created_by_staff_id=staff.id,
    )
    conversation.petition_id = petition.id
    t = HandoffTexts.of(txn.texts)
    await repo.add_message(
        txn.session, conversation.id, repo.BOT, t.petition_note(code=petition.code), txn.now
    )
    if locked.identity is not None:
        label = ChatTexts.of(txn.texts).btn_track()
        button = Button(text=label, payload=Track(petition.code).encode())
        txn.out.push(
            locked.identity,
            Reply(t.petition_filed(code=petition.code), buttons=[button]),
            petition_id=petition.id,
        )
    return petition
