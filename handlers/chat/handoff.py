"""Talking to a person: ``/canbo``, the menu's "☎ Gặp cán bộ", or a message asking for one.

The citizen is told honestly who answers and when (now, or from the next opening of the
profile's hours). Then the conversation row is in the ``handoff`` flow: every message goes to
the staff inbox and the bot says nothing — except ``/huy`` (ends it) and ``/menu`` (ends it and
shows the menu). Staff replies arrive as pushes; closing returns the citizen to the bot. The
question the bot could not answer just before (``ASKED``) opens the history, so the citizen need
not type it again.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from enum import StrEnum

from handlers.buttons import main_menu_buttons
from handlers.context import Context
from handlers.flow import Flow
from handlers.handoff import conversations as rules
from handlers.handoff.hours import hours_text, next_opening, when_text
from handlers.memory import Remembered
from handlers.payloads import Command
from handlers.registry import parse_command
from handlers.texts.handoff import HandoffTexts
from handlers.types import Button
from knowledge.normalize import fold
from storage import handoff as repo

ASKED_FRESH = dt.timedelta(minutes=30)
MENU_COMMANDS = frozenset({"menu", "start"})
# "cho tôi gặp cán bộ", "noi chuyen voi nguoi that", "bot không hiểu": a person, not an answer.
# Short messages only, and not "tôi đã gặp cán bộ…" (a report of what happened is a petition).
_WANTS_PERSON = re.compile(
    r"(?<!\bda )(?<!\broi )\b(gap|noi chuyen|trao doi|ket noi|chuyen|nhan tin|lien he|hoi)"
    r"( truc tiep)?( (voi|cho|sang|toi|den))?( (mot|1|nguoi))? "
    r"(can bo|nguoi that|nhan vien|tong dai vien|nguoi truc|nguoi tu van|nguoi ho tro"
    r"|cong chuc)\b|"
    r"\b(can|muon|xin) (mot |1 )?(nguoi that|nguoi tu van|nguoi ho tro)\b|"
    r"\bbot (tra loi )?(khong|chua|ko) (hieu|dung)\b|\bkhong muon (noi chuyen|hoi) (voi )?bot\b"
)
_NOT_A_REQUEST = re.compile(r"\b(so dien thoai|sdt|so dt|hotline|duong day nong)\b")
MAX_REQUEST = 100  # folded characters: asking for a person is a short message


@dataclasses.dataclass(frozen=True)
class Asked:
    """The last question the bot could not answer, kept a short while for a hand-off."""

    text: str
    at: str  # ISO instant


ASKED = Remembered("asked", Asked)


def remember_unanswered(ctx: Context) -> None:
    """Called where the bot could not answer: the question opens a hand-off started soon."""
    text = ctx.inbound.clean_text
    if text:
        ctx.remember(ASKED, Asked(text[:2000], ctx.now.isoformat()))


def wants_person(text: str) -> bool:
    """Does the message ask for a person rather than a fact (a phone number is a fact)?"""
    folded = fold(text)
    if not folded or len(folded) > MAX_REQUEST:
        return False
    return bool(_WANTS_PERSON.search(folded)) and not _NOT_A_REQUEST.search(folded)


class HandoffStep(StrEnum):
    TALK = "talk"


class HandoffFlow(Flow[rules.HandoffDraft]):
    """The quiet mode: its only step is "talking to a person"."""

    name = rules.HANDOFF_FLOW
    Step = HandoffStep
    first_step = HandoffStep.TALK
    Draft = rules.HandoffDraft

    def ttl(self, ctx: Context) -> dt.timedelta:
        return dt.timedelta(hours=ctx.profile.handoff.close_after_hours)

    async def prompt_talk(self, ctx: Context) -> None:
        t = HandoffTexts.of(ctx.texts)
        ctx.reply(t.already_open(), buttons=[end_button(ctx)])

    async def on_talk(self, ctx: Context, value: str | None) -> None:
        await _forward(ctx, self.draft(ctx).conversation)

    async def on_cancel(self, ctx: Context) -> None:
        await rules.citizen_left(ctx, self.draft(ctx).conversation, "citizen")
        ctx.end_flow()
        ctx.reply(HandoffTexts.of(ctx.texts).left(), buttons=main_menu_buttons(ctx.texts))

    async def on_expire(self, ctx: Context) -> str:
        await rules.citizen_left(ctx, self.draft(ctx).conversation, "timeout")
        ctx.end_flow()
        return HandoffTexts.of(ctx.texts).expired(hours=ctx.profile.handoff.close_after_hours)

    async def on_menu(self, ctx: Context) -> str:
        await rules.citizen_left(ctx, self.draft(ctx).conversation, "citizen")
        ctx.end_flow()
        return HandoffTexts.of(ctx.texts).left_note()


HANDOFF = HandoffFlow()


def end_button(ctx: Context) -> Button:
    return Button(text=HandoffTexts.of(ctx.texts).btn_end(), payload=Command("huy").encode())


def _opening_text(ctx: Context) -> str:
    t = HandoffTexts.of(ctx.texts)
    opening = next_opening(ctx.now, ctx.profile)
    hours = hours_text(ctx.profile)
    if opening is None:
        text = t.opened_now(team=t.team(), hours=hours)
    else:
        text = t.opened_later(
            team=t.team(), hours=hours, when=when_text(ctx.texts, opening, ctx.now)
        )
    return f"{text}\n{t.safety()}"


def _fresh(ctx: Context, asked: Asked) -> dt.datetime | None:
    try:
        at = dt.datetime.fromisoformat(asked.at)
    except ValueError:
        return None
    return at if dt.timedelta(0) <= ctx.now - at <= ASKED_FRESH else None


def _earlier(ctx: Context) -> tuple[str, dt.datetime] | None:
    asked = ctx.recall(ASKED)
    ctx.forget(ASKED)
    at = _fresh(ctx, asked) if asked is not None else None
    return (asked.text, at) if asked is not None and at is not None else None


async def open_handoff(ctx: Context, first_text: str = "") -> None:
    """Open a conversation with staff and tell the citizen who answers and when."""
    if ctx.flow == rules.HANDOFF_FLOW:
        await HANDOFF.prompt(ctx)
        return
    note = ""
    flow = ctx.active_flow
    if flow is not None:
        note = await flow.on_menu(ctx) or ""  # a draft in progress is kept (parked) if it can be
        ctx.end_flow()
    earlier = _earlier(ctx)
    conversation = await rules.open_for(ctx)
    if earlier is not None and earlier[0] != first_text:
        await rules.record(ctx, conversation, repo.CITIZEN, earlier[0], earlier[1])
    if first_text:
        await rules.record(ctx, conversation, repo.CITIZEN, first_text, ctx.now)
    text = _opening_text(ctx)
    await rules.record(ctx, conversation, repo.BOT, text, ctx.now)
    draft = rules.HandoffDraft(conversation=conversation.id).dump()
    ctx.begin_flow(HANDOFF.name, HandoffStep.TALK.value, draft, HANDOFF.ttl(ctx))
    ctx.state.expires_at = None  # nothing expires while the citizen waits for staff
    ctx.reply((f"{note}\n\n" if note else "") + text, buttons=[end_button(ctx)])


async def cmd_handoff(ctx: Context, args: str) -> None:
    """/canbo [câu hỏi]."""
    await open_handoff(ctx, args.strip())


def _described(ctx: Context) -> str:
    """What the citizen sent, as the inbox shows it."""
    t = HandoffTexts.of(ctx.texts)
    msg = ctx.inbound
    parts = [msg.clean_text] if msg.clean_text else []
    if msg.attachments:
        parts.append(t.attachments(count=len(msg.attachments)))
    if msg.location is not None:
        parts.append(t.location_sent())
    if msg.contact is not None:
        parts.append(msg.contact.phone)
    return " ".join(parts) or t.nothing_written()


async def _forward(ctx: Context, conversation_id: int) -> bool:
    if await rules.citizen_wrote(ctx, conversation_id, _described(ctx)):
        return True
    ctx.end_flow()  # closed meanwhile: the bot answers this message
    return False


def _is_menu(ctx: Context) -> bool:
    payload = (ctx.inbound.payload or "").strip()
    if payload:
        return payload in {Command(name).encode() for name in MENU_COMMANDS}
    command = parse_command(ctx.inbound.clean_text)
    if command is not None:
        return command[0] in MENU_COMMANDS
    trigger = ctx.routing.trigger_for(ctx.inbound.clean_text)
    return trigger is not None and trigger[0] in MENU_COMMANDS


async def in_handoff(ctx: Context) -> bool:
    """Interceptor (first of all): while staff handle the conversation the bot is quiet."""
    if ctx.flow != rules.HANDOFF_FLOW or ctx.inbound.event:
        return False
    if _is_menu(ctx):
        return False  # the menu ends the hand-off (``HandoffFlow.on_menu``)
    command = parse_command(ctx.inbound.clean_text) if not ctx.inbound.payload else None
    if command is not None and command[0] == "canbo":
        await HANDOFF.prompt(ctx)
        return True
    if ctx.inbound.payload:
        ctx.reply(HandoffTexts.of(ctx.texts).button_pressed(), buttons=[end_button(ctx)])
        return True
    return await _forward(ctx, HANDOFF.draft(ctx).conversation)


async def asks_for_person(ctx: Context) -> bool:
    """Interceptor (last): outside any flow, "cho tôi gặp cán bộ" opens a hand-off. The
    question kept for one is dropped once stale: the citizen's words stay no longer than needed."""
    msg = ctx.inbound
    asked = ctx.recall(ASKED)
    if asked is not None and _fresh(ctx, asked) is None:
        ctx.forget(ASKED)
    if ctx.flow or msg.payload or msg.event or not wants_person(msg.clean_text):
        return False
    if parse_command(msg.clean_text) is not None:
        return False
    await open_handoff(ctx, msg.clean_text)
    return True
