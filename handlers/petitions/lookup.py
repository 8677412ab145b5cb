"""Status lookup in chat: "/tracuu CODE", "tra cứu CODE", or a list of one's own petitions.

Only the submitter and followers see a petition here. Anyone else gets exactly the same "not
found" answer as for a code that does not exist, so codes cannot be probed. The timeline shows
status changes and public notes only — never an internal note — and a citizen's own words (an
answer to the council, a comment when reopening) only to the submitter.
"""

from __future__ import annotations

import datetime as dt
import re

from handlers import texts as common
from handlers.context import Context
from handlers.petitions import calendar
from handlers.petitions import texts as t
from handlers.petitions.calendar import vn_date
from handlers.petitions.duplicates import excerpt
from handlers.petitions.lifecycle import (
    ANSWERED,
    AWAITING_ANSWER,
    CLOSED,
    DUPLICATE,
    NEEDS_INFO,
    REJECTION_REASONS,
    REOPENED,
    STATUS_LABELS,
    flags,
    rating_buttons,
    status_label,
)
from handlers.petitions.ui import preview
from handlers.types import Button
from storage import petitions as repo
from storage.models import Petition, PetitionEvent

EXAMPLE_CODE = "AB3D7XYZ"
MAX_TIMELINE = 6
MAX_TEXT = 1900  # Zalo cuts texts at 2000 characters
# "tra cứu AB3D7XYZ", "tra cuu kien nghi kn-ab3d 7xyz", "tracuu: AB3D7XYZ"
TRIGGER_WITH_CODE = (
    r"tra\s*c[uứ]u(?:\s+(?:kiến\s+nghị|kien\s+nghi|mã|ma)(?:\s+(?:số|so))?)?\s*[:\-]?\s*"
    r"(?P<args>(?:kn[\s\-]?)?[a-z0-9]{4}[\s\-.]?[a-z0-9]{4})"
)
TRIGGER_ALONE = r"tra\s*c[uứ]u(?:\s+(?:kiến\s+nghị|kien\s+nghi))?"
_CODE_LIKE = re.compile(r"^[A-Za-z0-9\-\s.]{4,14}$")


def _looks_like_code(text: str) -> bool:
    """A short run of letters and digits: a mistyped code rather than a sentence."""
    return (
        bool(_CODE_LIKE.match(text))
        and any(c.isdigit() for c in text)
        and (len(text.split()) <= 3)
    )


def _not_found(ctx: Context, code: str) -> None:
    ctx.reply(
        t.NOT_FOUND.format(code=code, hotline=ctx.profile.hotline),
        buttons=[Button(text=t.BTN_MY_PETITIONS, payload="cmd:tracuu"), common.menu_button()],
    )


def _event_line(event: PetitionEvent, own: bool) -> str | None:
    """One timeline line, or None for events the citizen does not see (internal ones)."""
    note = event.public_note.strip()
    if event.action == "create":
        label = STATUS_LABELS["received"]
    elif event.action == "info_received":
        label = t.EVENT_INFO_GIVEN_OWN if own else t.EVENT_INFO_GIVEN
        note = note if own else ""
    elif event.action == "reopen" and event.actor_kind == "citizen":
        label = t.EVENT_REOPENED_BY_CITIZEN
        note = note if own else ""
    elif event.to_status and event.to_status != event.from_status:
        label = status_label(event.to_status)
        if event.action == "reject":
            reason = REJECTION_REASONS.get(str((event.data or {}).get("reason") or ""))
            label += f" ({reason})" if reason else ""
        if event.action == "answer":
            note = ""  # the answer itself is shown in full below the timeline
    elif note:
        label = t.EVENT_NOTE
    else:
        return None
    line = f"• {vn_date(event.at)}: {label}"
    if note:
        line += f" — «{preview(note, 200)}»"
    return line


def render_status(ctx: Context, petition: Petition, own: bool) -> str:
    """The status message: head, due date and flags, answer, timeline (public notes only)."""
    profile = ctx.profile
    category = profile.category(petition.category)
    text = t.STATUS_HEAD.format(
        code=petition.code,
        status=status_label(petition.status),
        category=category.name if category else petition.category,
        date=vn_date(petition.created_at),
    )
    if petition.content:
        text += t.STATUS_CONTENT.format(excerpt=excerpt(petition.content, 120))
    if petition.forwarded_to and petition.forwarded_at is not None:
        text += t.STATUS_FORWARDED.format(to=petition.forwarded_to)
    if petition.status == NEEDS_INFO and petition.due_date:
        text += t.STATUS_PAUSED
    elif petition.due_date and petition.status in AWAITING_ANSWER:
        overdue, nearly = flags(petition, profile, ctx.now)
        line = t.STATUS_DUE.format(due=vn_date(petition.due_date))
        if overdue:
            line += t.STATUS_OVERDUE
        elif nearly:
            line += t.STATUS_DUE_NEAR
        else:
            left = calendar.working_days_between(
                calendar.vn_today(ctx.now), petition.due_date, profile.petitions.holidays
            )
            line += t.STATUS_DUE_LEFT.format(days=left)
        text += line
    answer = ""
    if petition.answer and petition.status in (ANSWERED, CLOSED):
        answer = t.STATUS_ANSWER.format(answer=preview(petition.answer, 600))
    elif petition.answer and petition.status == REOPENED:
        answer = t.STATUS_EARLIER_ANSWER.format(answer=preview(petition.answer, 400))
    lines = [line for e in petition.events if (line := _event_line(e, own))]
    timeline = ""
    if lines:
        timeline = t.STATUS_TIMELINE + "\n" + "\n".join(lines[-MAX_TIMELINE:])
    following = _next_step(petition, own)
    next_line = t.STATUS_NEXT_LINE.format(next=following) if following else ""
    room = MAX_TEXT - len(text) - len(answer) - len(next_line)
    if len(timeline) > room:
        timeline = preview(timeline, max(room, 0))
    return text + answer + timeline + next_line


def _next_step(petition: Petition, own: bool) -> str:
    """One line saying what happens next (nothing for a finished petition)."""
    if petition.status == NEEDS_INFO and own:
        return t.STATUS_NEXT_OWN_INFO
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
        return t.STATUS_NEXT[DUPLICATE].format(original=original) if original else ""
    return t.STATUS_NEXT.get(petition.status, "")


async def show_status(ctx: Context, code: str) -> None:
    """Show one petition to its submitter or a follower; anyone else learns nothing."""
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
        buttons.append(Button(text=t.BTN_ANSWER_QUESTION, payload=f"pinfo:{petition.code}"))
    if petition.status == ANSWERED and petition.satisfaction is None:
        buttons += rating_buttons(petition.code)
    buttons.append(common.menu_button())
    ctx.reply(
        render_status(ctx, petition, own),
        buttons=buttons,
        meta={"petition_code": petition.code, "status": petition.status},
    )


async def _own_list(ctx: Context, limit: int = 4) -> tuple[str, list[Button]]:
    """The citizen's latest petitions: one line each (a code means little to them; their own
    first words do), and a button each."""
    petitions = await repo.for_identity(ctx.session, ctx.commune_id, ctx.identity.id, limit)
    lines = [
        t.OWN_ITEM.format(
            code=p.code, excerpt=excerpt(p.content, 60), status=status_label(p.status).lower()
        )
        for p in petitions
    ]
    buttons = [
        Button(text=f"{p.code} · {status_label(p.status)}", payload=f"ptrack:{p.code}")
        for p in petitions
    ]
    return "\n".join(lines), buttons


AWAIT_CODE = "_await_code"


async def code_interceptor(ctx: Context) -> bool:
    """After a bare /tracuu, the next message may be just the code.

    This is a one-message marker in the sticky data rather than a flow: whatever the citizen
    writes next is either a code (shown) or routed as usual, and nothing expires with a message.
    """
    marker = (ctx.state.data or {}).get(AWAIT_CODE)
    if marker is None:
        return False
    ctx.state.data = {k: v for k, v in (ctx.state.data or {}).items() if k != AWAIT_CODE}
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
            t.BAD_CODE.format(text=preview(text, 20), example=EXAMPLE_CODE),
            buttons=[common.menu_button()],
        )
        return True
    return False


async def cmd_lookup(ctx: Context, args: str) -> None:
    """/tracuu [CODE]; without a code, the citizen's own petitions and a request for the code."""
    raw = args.strip()
    if raw:
        code = repo.normalize_code(raw)
        if code is None:
            ctx.reply(
                t.BAD_CODE.format(text=preview(raw, 20), example=EXAMPLE_CODE),
                buttons=[
                    Button(text=t.BTN_MY_PETITIONS, payload="cmd:tracuu"),
                    common.menu_button(),
                ],
            )
            return
        await show_status(ctx, code)
        return
    listed, own = await _own_list(ctx)
    if ctx.flow:
        # A draft is open: its next answer must not be taken for a code.
        ctx.reply(
            t.ASK_CODE_WITH_LIST_BUSY.format(items=listed)
            if own
            else t.NO_PETITIONS_YET + " " + t.TYPE_TRACK_CODE,
            buttons=own,
        )
        return
    ctx.remember(AWAIT_CODE, ctx.now.isoformat())
    if own:
        ctx.reply(t.ASK_CODE_WITH_LIST.format(items=listed), buttons=[*own, common.menu_button()])
    else:
        ctx.reply(
            t.NO_PETITIONS_YET + "\n" + t.ASK_CODE.format(example=EXAMPLE_CODE),
            buttons=[common.menu_button()],
        )


async def on_track_payload(ctx: Context, argument: str) -> None:
    """ptrack:CODE — a button under a confirmation or in the list of one's petitions."""
    code = repo.normalize_code(argument)
    if code is None:
        ctx.reply(common.STALE_BUTTON, buttons=common.main_menu_buttons())
        return
    await show_status(ctx, code)
