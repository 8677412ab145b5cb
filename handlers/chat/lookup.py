"""Status lookup in chat: "/tracuu CODE", "tra cứu CODE", or a list of one's own petitions.

Only the submitter and followers see a petition here. Anyone else gets exactly the same "not
found" answer as for a code that does not exist, so codes cannot be probed. The timeline shows
status changes and public notes only — never an internal note — and a citizen's own words (an
answer to the council, a comment when reopening) only to the submitter.
"""

from __future__ import annotations

import datetime as dt
import re

from handlers import workflow
from handlers.buttons import main_menu_buttons, menu_button
from handlers.chat import lookup_limits
from handlers.chat.ui import preview
from handlers.context import Context
from handlers.memory import Remembered
from handlers.payloads import Command
from handlers.texts.chat import ChatTexts
from handlers.texts.lookup import LookupTexts
from handlers.texts.lookup_limits import LookupLimitTexts
from handlers.texts.workflow import WorkflowTexts
from handlers.types import Button
from handlers.workflow import calendar
from handlers.workflow.buttons import AnswerQuestion, Track, rating_buttons
from handlers.workflow.similar import excerpt
from handlers.workflow.states import (
    ANSWERED,
    AWAITING_ANSWER,
    CLOSED,
    DUPLICATE,
    NEEDS_INFO,
    REOPENED,
)
from storage import petitions as repo
from storage.models import Petition, PetitionEvent

EXAMPLE_CODE = "AB3D7XYZ"
MAX_TIMELINE = 6
ROOM_FOR_BUTTONS = 100  # characters left under the channel's limit
# "tra cứu AB3D7XYZ", "tra cuu kien nghi kn-ab3d 7xyz", "tracuu: AB3D7XYZ"
TRIGGER_WITH_CODE = (
    r"tra\s*c[uứ]u(?:\s+(?:kiến\s+nghị|kien\s+nghi|mã|ma)(?:\s+(?:số|so))?)?\s*[:\-]?\s*"
    r"(?P<args>(?:kn[\s\-]?)?[a-z0-9]{4}[\s\-.]?[a-z0-9]{4})"
)
TRIGGER_ALONE = r"tra\s*c[uứ]u(?:\s+(?:kiến\s+nghị|kien\s+nghi))?"
_CODE_LIKE = re.compile(r"^[A-Za-z0-9\-\s.]{4,14}$")
AWAIT_CODE = Remembered("await_code", str)  # when a bare /tracuu asked for the code


def _looks_like_code(text: str) -> bool:
    """A short run of letters and digits: a mistyped code rather than a sentence."""
    return (
        bool(_CODE_LIKE.match(text))
        and any(c.isdigit() for c in text)
        and (len(text.split()) <= 3)
    )


def _my_petitions_button(ctx: Context) -> Button:
    text = LookupTexts.of(ctx.texts).btn_my_petitions()
    return Button(text=text, payload=Command("tracuu").encode())


def _not_found(ctx: Context, code: str) -> None:
    ctx.reply(
        LookupTexts.of(ctx.texts).not_found(code=code),
        buttons=[_my_petitions_button(ctx), menu_button(ctx.texts)],
    )


def _event_line(ctx: Context, event: PetitionEvent, own: bool) -> str | None:
    """One timeline line, or None for events the citizen does not see (internal ones)."""
    t, labels = LookupTexts.of(ctx.texts), WorkflowTexts.of(ctx.texts)
    note = event.public_note.strip()
    if event.action == "create":
        label = labels.status.text("received")
    elif event.action == "info_received":
        label = t.event_info_given_own() if own else t.event_info_given()
        note = note if own else ""
    elif event.action == "reopen" and event.actor_kind == "citizen":
        label = t.event_reopened_by_citizen()
        note = note if own else ""
    elif event.to_status and event.to_status != event.from_status:
        label = labels.status.text(event.to_status, event.to_status)
        if event.action == "reject":
            reason = labels.rejection_reason.text(str((event.data or {}).get("reason") or ""))
            label += t.timeline_reason(reason=reason) if reason else ""
        if event.action == "answer":
            note = ""  # the answer itself is shown in full below the timeline
    elif note:
        label = t.event_note()
    else:
        return None
    line = t.timeline_line(date=calendar.vn_date(event.at), label=label)
    if note:
        line += t.timeline_note(note=preview(note, 200))
    return line


def render_status(ctx: Context, petition: Petition, own: bool) -> str:
    """The status message: head, due date and flags, answer, timeline (public notes only)."""
    t, labels = LookupTexts.of(ctx.texts), WorkflowTexts.of(ctx.texts)
    profile = ctx.profile
    category = profile.category(petition.category)
    text = t.status_head(
        code=petition.code,
        status=labels.status.text(petition.status, petition.status),
        category=category.name if category else petition.category,
        date=calendar.vn_date(petition.created_at),
    )
    if staff_filed(petition):
        summary = str(getattr(petition, "summary", "") or "").strip()
        if summary:
            text += LookupLimitTexts.of(ctx.texts).staff_filed_summary(
                summary=excerpt(summary, 200)
            )
    elif petition.content:
        text += t.status_content(excerpt=excerpt(petition.content, 120))
    if petition.forwarded_to and petition.forwarded_at is not None:
        text += t.status_forwarded(to=petition.forwarded_to)
    if petition.status == NEEDS_INFO and petition.due_date:
        text += t.status_paused()
    elif petition.due_date and petition.status in AWAITING_ANSWER:
        overdue, nearly = calendar.flags(petition.status, petition.due_date, profile, ctx.now)
        line = t.status_due(due=calendar.vn_date(petition.due_date))
        if overdue:
            line += t.status_overdue()
        elif nearly:
            line += t.status_due_near()
        else:
            left = calendar.working_days_between(
                calendar.vn_today(ctx.now), petition.due_date, profile.petitions.holidays
            )
            line += t.status_due_left(days=left)
        text += line
    answer = ""
    if petition.answer and petition.status in (ANSWERED, CLOSED):
        answer = t.status_answer(answer=preview(petition.answer, 600))
    elif petition.answer and petition.status == REOPENED:
        answer = t.status_earlier_answer(answer=preview(petition.answer, 400))
    lines = [line for e in petition.events if (line := _event_line(ctx, e, own))]
    timeline = ""
    if lines:
        timeline = t.status_timeline() + "\n" + "\n".join(lines[-MAX_TIMELINE:])
    following = _next_step(ctx, petition, own)
    next_line = t.status_next_line(next=following) if following else ""
    room = ctx.capabilities.max_text - ROOM_FOR_BUTTONS - len(text) - len(answer) - len(next_line)
    if len(timeline) > room:
        timeline = preview(timeline, max(room, 0))
    return text + answer + timeline + next_line


def _next_step(ctx: Context, petition: Petition, own: bool) -> str:
    """One line saying what happens next (nothing for a finished petition)."""
    t = LookupTexts.of(ctx.texts)
    if petition.status == NEEDS_INFO and own:
        return t.status_next_own_info()
    if petition.status == ANSWERED and petition.satisfaction is not None:
        return ""
    if petition.status == DUPLICATE:
        original = next(
            (
                str((e.data or {}).get("duplicate_of") or "")
                for e in reversed(petition.events)
                if e.action == "mark_duplicate"
            ),
            "",
        )
        return t.status_next.text(DUPLICATE, original=original) if original else ""
    return t.status_next.text(petition.status)


def _throttled(ctx: Context) -> bool:
    """Refuse (and say so) a lookup over the identity's or everyone's limit."""
    t = LookupLimitTexts.of(ctx.texts)
    wait = lookup_limits.identity_wait(ctx)
    if wait is not None:
        ctx.reply(
            t.too_many_own(minutes=lookup_limits.minutes(wait)), buttons=[menu_button(ctx.texts)]
        )
        return True
    if not lookup_limits.GLOBAL_LOOKUPS.admit(ctx.now):
        ctx.reply(t.too_many_all(), buttons=[menu_button(ctx.texts)])
        return True
    return False


def staff_filed(petition: Petition) -> bool:
    """Filed by staff for a citizen met in person: its text may name them, and its code is
    a slip anyone may have read, so chat shows its status and staff summary only."""
    return petition.identity_id is None and petition.created_by_staff_id is not None


def _shown_text(ctx: Context, petition: Petition) -> str:
    """What the list shows of a petition: the citizen's own words, or for one filed at the
    office its staff summary (else its category), never the text staff typed for them."""
    if not staff_filed(petition):
        return petition.content
    summary = str(getattr(petition, "summary", "") or "").strip()
    category = ctx.profile.category(petition.category)
    return summary or (category.name if category else petition.category)


async def show_status(ctx: Context, code: str) -> None:
    """Show one petition to its submitter or a follower; anyone else learns nothing."""
    if _throttled(ctx):
        return
    petition = await repo.get_by_code(ctx.session, code, with_details=True)
    if (
        petition is not None
        and petition.commune_id == ctx.commune_id
        and petition.identity_id is None
        and petition.created_by_staff_id is not None
        and petition.anonymized_at is None
    ):
        # Filed by staff for a citizen met in person: the code printed on their slip is the
        # credential, so whoever types it in chat follows the petition from now on.
        await repo.add_follower(ctx.session, petition.id, ctx.identity.id, ctx.now)
    if (
        petition is None
        or petition.commune_id != ctx.commune_id
        or not await repo.can_view(ctx.session, petition, ctx.identity.id)
    ):
        _not_found(ctx, code)
        return
    own = petition.identity_id == ctx.identity.id
    buttons: list[Button] = []
    if petition.status == NEEDS_INFO and own:
        text = LookupTexts.of(ctx.texts).btn_answer_question()
        buttons.append(Button(text=text, payload=AnswerQuestion(petition.code).encode()))
    if petition.status == ANSWERED and petition.satisfaction is None:
        buttons += rating_buttons(ctx.texts, petition.code)
    buttons.append(menu_button(ctx.texts))
    ctx.reply(
        render_status(ctx, petition, own),
        buttons=buttons,
        meta={"petition_code": petition.code, "status": petition.status},
    )


async def _own_list(ctx: Context, limit: int = 4) -> tuple[str, list[Button]]:
    """The citizen's latest petitions: one line each (a code means little to them; their own
    first words do), and a button each."""
    t, labels = LookupTexts.of(ctx.texts), WorkflowTexts.of(ctx.texts)
    petitions = await repo.for_identity(ctx.session, ctx.commune_id, ctx.identity.id, limit)
    lines = [
        t.own_item(
            code=p.code,
            excerpt=excerpt(_shown_text(ctx, p), 60),
            status=labels.status.text(p.status, p.status).lower(),
        )
        for p in petitions
    ]
    buttons = [
        Button(
            text=t.own_button(code=p.code, status=labels.status.text(p.status, p.status)),
            payload=Track(p.code).encode(),
        )
        for p in petitions
    ]
    return "\n".join(lines), buttons


async def code_interceptor(ctx: Context) -> bool:
    """After a bare /tracuu, the next message may be just the code.

    This is a one-message marker rather than a flow: whatever the citizen writes next is either
    a code (shown) or routed as usual, and nothing expires with a message.
    """
    marker = ctx.recall(AWAIT_CODE)
    if marker is None:
        return False
    ctx.forget(AWAIT_CODE)
    msg = ctx.inbound
    text = msg.clean_text
    if msg.payload or not text or text.startswith("/"):
        return False
    if ctx.now - dt.datetime.fromisoformat(str(marker)) > ctx.services.flow_ttl:
        return False
    code = repo.normalize_code(text)
    if code is not None:
        await show_status(ctx, code)
        return True
    if _looks_like_code(text):
        ctx.remember(AWAIT_CODE, ctx.now.isoformat())
        ctx.reply(
            LookupTexts.of(ctx.texts).bad_code(text=preview(text, 20), example=EXAMPLE_CODE),
            buttons=[menu_button(ctx.texts)],
        )
        return True
    return False


async def cmd_lookup(ctx: Context, args: str) -> None:
    """/tracuu [CODE]; without a code, the citizen's own petitions and a request for the code."""
    t = LookupTexts.of(ctx.texts)
    raw = args.strip()
    if raw:
        code = repo.normalize_code(raw)
        if code is None:
            ctx.reply(
                t.bad_code(text=preview(raw, 20), example=EXAMPLE_CODE),
                buttons=[_my_petitions_button(ctx), menu_button(ctx.texts)],
            )
            return
        await show_status(ctx, code)
        return
    listed, own = await _own_list(ctx)
    if ctx.flow:
        # A draft is open: its next answer must not be taken for a code.
        ctx.reply(
            t.ask_code_with_list_busy(items=listed)
            if own
            else t.no_petitions_yet() + " " + t.type_track_code(),
            buttons=own,
        )
        return
    ctx.remember(AWAIT_CODE, ctx.now.isoformat())
    if own:
        ctx.reply(t.ask_code_with_list(items=listed), buttons=[*own, menu_button(ctx.texts)])
    else:
        ctx.reply(
            t.no_petitions_yet() + "\n" + t.ask_code(example=EXAMPLE_CODE),
            buttons=[menu_button(ctx.texts)],
        )


async def on_track(ctx: Context, press: Track) -> None:
    """ptrack:CODE — a button under a confirmation or in the list of one's petitions."""
    code = repo.normalize_code(press.code)
    if code is None:
        ctx.reply(ChatTexts.of(ctx.texts).stale_button(), buttons=main_menu_buttons(ctx.texts))
        return
    await show_status(ctx, code)


__all__ = ["TRIGGER_ALONE", "TRIGGER_WITH_CODE", "cmd_lookup", "code_interceptor", "workflow"]
