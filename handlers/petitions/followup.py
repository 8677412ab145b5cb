"""After filing: answering the council's question, rating the answer, and closing in silence.

* Needs information: staff ask with ``request_info``; the notification carries ``pinfo:<code>``.
  The submitter's next message after that notification reached them (text and/or photos) is the
  answer — or they press the button and then write. The answer becomes the ``info_received``
  event's public note (photos become attachments) and the petition returns to screening.
* Satisfaction: the ``answer`` notification carries ``psat:<code>:yes|no``. Yes closes the
  petition; No asks for a short comment and reopens it with that comment for staff to read.
  A rating is recorded once: a second press changes nothing.
* Silence: ``close_unrated`` (a periodic job) closes answered petitions nobody rated within
  ``petitions.satisfaction_timeout_days`` and tells the citizen.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

from handlers import texts as common
from handlers.context import Context, Services
from handlers.flow import Flow
from handlers.petitions import intake, lifecycle
from handlers.petitions import texts as t
from handlers.petitions.lifecycle import ANSWERED, NEEDS_INFO, Actor, Change, status_label
from handlers.petitions.ui import accepts_media, media_items
from handlers.router import is_cancel, parse_command, trigger_for
from handlers.types import Attachment, Button
from storage import petitions as repo
from storage.db import Database
from storage.models import Petition

MAX_ANSWER = 4000
MAX_COMMENT = 2000
SATISFIED, UNSATISFIED, NO_RESPONSE = "satisfied", "unsatisfied", "no_response"


def _citizen(ctx: Context, petition: Petition) -> Actor:
    own = petition.identity_id == ctx.identity.id
    return Actor("citizen", None, "Người gửi" if own else "Người theo dõi")


async def _petition(ctx: Context, raw_code: str, *, lock: bool = False) -> Petition | None:
    """The petition with this code in this commune, or None."""
    code = repo.normalize_code(raw_code or "")
    if code is None:
        return None
    petition = await repo.get_by_code(ctx.session, code, lock=lock)
    if petition is None or petition.commune_id != ctx.commune_id:
        return None
    return petition


def _not_found(ctx: Context, raw_code: str) -> None:
    code = repo.normalize_code(raw_code or "") or raw_code[:12]
    ctx.reply(
        t.NOT_FOUND.format(code=code, hotline=ctx.profile.hotline),
        buttons=common.main_menu_buttons(),
    )


# --- needs information ----------------------------------------------------------------------


async def _question(ctx: Context, petition: Petition) -> str:
    details = await repo.get_by_id(ctx.session, petition.id, with_details=True)
    asked = [e for e in (details.events if details else []) if e.action == "request_info"]
    return asked[-1].public_note if asked else ""


def answer_problem(text: str, attachments: Sequence[Attachment]) -> str | None:
    if len(text) > MAX_ANSWER:
        return t.INFO_TOO_LONG.format(max=f"{MAX_ANSWER:,}".replace(",", "."))
    if not text and not attachments:
        return t.INFO_EMPTY
    return None


async def record_answer(
    ctx: Context, petition: Petition, text: str, attachments: Sequence[Attachment]
) -> None:
    """Attach the citizen's answer to the petition and send it back to screening."""
    items = media_items(ctx, attachments)
    await repo.add_attachments(ctx.session, petition.id, items, ctx.now)
    note = text or f"(Người gửi gửi {len(items)} ảnh/tệp)"
    await lifecycle.apply_action(
        ctx.session,
        petition,
        "info_received",
        _citizen(ctx, petition),
        Change(public_note=note, data={"attachments": len(items)}),
        profile=ctx.profile,
        now=ctx.now,
    )
    media = f" và {len(items)} ảnh/tệp" if items else ""
    ctx.reply(
        t.INFO_RECEIVED.format(code=petition.code, media=media),
        buttons=[
            Button(text=t.BTN_TRACK_THIS, payload=f"ptrack:{petition.code}"),
            common.menu_button(),
        ],
        meta={"petition_code": petition.code, "status": petition.status},
    )


class InfoFlow(Flow):
    """Started by the notification's button: the next message answers the council."""

    name = "petition_info"
    first_step = "answer"

    async def prompt_answer(self, ctx: Context) -> None:
        petition = await _petition(ctx, ctx.data.get("code", ""))
        question = await _question(ctx, petition) if petition else ""
        ask = t.ASK_INFO + (t.ASK_INFO_MEDIA if accepts_media(ctx) else "")
        ctx.reply(
            ask.format(code=ctx.data.get("code", ""), question=question),
            buttons=[self.cancel_button()],
        )

    async def on_answer(self, ctx: Context, value: str | None) -> None:
        if value is not None:
            await self.prompt(ctx)
            return
        code = str(ctx.data.get("code", ""))
        petition = await _petition(ctx, code, lock=True)
        if petition is None or petition.identity_id != ctx.identity.id:
            self.finish(ctx)
            _not_found(ctx, code)
            return
        if petition.status != NEEDS_INFO:
            self.finish(ctx)
            ctx.reply(
                t.INFO_NOT_NEEDED.format(code=code, status=status_label(petition.status)),
                buttons=[common.menu_button()],
            )
            return
        msg = ctx.inbound
        problem = answer_problem(msg.clean_text, msg.attachments)
        if problem is not None:
            await self.reprompt(ctx, problem)
            return
        self.finish(ctx)
        await record_answer(ctx, petition, msg.clean_text, msg.attachments)

    async def on_cancel(self, ctx: Context) -> None:
        code = str(ctx.data.get("code", ""))
        ctx.end_flow()
        ctx.reply(t.INFO_CANCELLED.format(code=code), buttons=[common.menu_button()])

    async def on_menu(self, ctx: Context) -> str:
        """The menu instead of an answer: the question keeps waiting behind its button."""
        code = str(ctx.data.get("code", ""))
        ctx.end_flow()
        return t.INFO_PAUSED.format(code=code)

    async def on_expire(self, ctx: Context) -> str:
        code = str(ctx.data.get("code", ""))
        ctx.end_flow()
        return t.INFO_EXPIRED.format(code=code)


async def on_info_payload(ctx: Context, argument: str) -> None:
    """pinfo:CODE — the submitter wants to answer; a stale button says why it does nothing."""
    petition = await _petition(ctx, argument)
    if petition is None or not await repo.can_view(ctx.session, petition, ctx.identity.id):
        _not_found(ctx, argument)
        return
    if petition.identity_id != ctx.identity.id:
        ctx.reply(t.INFO_ONLY_SUBMITTER.format(code=petition.code), buttons=[common.menu_button()])
        return
    if petition.status != NEEDS_INFO:
        ctx.reply(
            t.INFO_NOT_NEEDED.format(code=petition.code, status=status_label(petition.status)),
            buttons=[common.menu_button()],
        )
        return
    if ctx.flow == intake.IntakeFlow.name:
        # The council's question comes first; the draft's words are kept for later.
        kept = intake.park_draft(ctx)
        ctx.end_flow()
        if kept is not None:
            ctx.reply(t.INFO_DRAFT_KEPT)
    elif ctx.flow and ctx.flow != InfoFlow.name:
        # Anything else stays open; the answer waits behind this same button.
        ctx.reply(t.INFO_AFTER_DRAFT.format(code=petition.code))
        return
    await ctx.registry.flows[InfoFlow.name].start(ctx, {"code": petition.code})


def _is_routed_elsewhere(ctx: Context, text: str) -> bool:
    """Commands, cancel words and text triggers keep their meaning while a question waits."""
    if not text:
        return False
    return (
        parse_command(text) is not None
        or is_cancel(text)
        or trigger_for(ctx.registry, text) is not None
    )


HOLD_KEY = "_pinfo_hold"


def _slot_open(ctx: Context, petition: Petition, delivered: dt.datetime) -> bool:
    """Is this message still "the next one" after the question reached the citizen?

    Greetings, commands and button presses keep the slot open (``HOLD_KEY`` records them); any
    other message handled since — inside a flow, say — closes it, and so does a day of silence:
    an old question must not swallow a new, unrelated message. The button always works.
    """
    last_touch = delivered
    hold = (ctx.state.data or {}).get(HOLD_KEY)
    if isinstance(hold, dict) and hold.get("code") == petition.code:
        last_touch = max(last_touch, dt.datetime.fromisoformat(str(hold.get("at"))))
    if ctx.now - last_touch > ctx.services.flow_ttl:
        return False
    previous = ctx.state.updated_at  # when this user's previous message was handled
    return previous is None or previous <= last_touch


async def answer_interceptor(ctx: Context) -> bool:
    """The submitter's next message after the council's question reached them answers it.

    "Reached them": the notification was delivered (outbox ``sent``) — a question still waiting
    in Zalo's messaging window is delivered first, and the message that released it is not taken
    for an answer. Greetings and thanks, commands and buttons are not answers and leave the next
    message free to be one.
    """
    msg = ctx.inbound
    if ctx.flow or msg.event:
        return False
    pending = await repo.awaiting_answer(ctx.session, ctx.commune_id, ctx.identity.id)
    waiting = None
    for petition in pending:
        since = petition.paused_at or petition.updated_at
        delivered = await repo.question_delivered_at(
            ctx.session, petition.id, ctx.identity.id, since
        )
        if delivered is not None and _slot_open(ctx, petition, delivered):
            waiting = petition
            break
    if waiting is None:
        return False
    text = msg.clean_text
    passing = (
        msg.payload
        or (not text and not msg.attachments)
        or _is_routed_elsewhere(ctx, text)
        or (not msg.attachments and ctx.services.matcher.match(text).intent == "greeting")
    )
    if passing:
        ctx.remember(HOLD_KEY, {"code": waiting.code, "at": ctx.now.isoformat()})
        return False
    ctx.state.data = {k: v for k, v in (ctx.state.data or {}).items() if k != HOLD_KEY}
    problem = answer_problem(text, msg.attachments)
    if problem is not None:
        ctx.reply(problem)
        await ctx.registry.flows[InfoFlow.name].start(ctx, {"code": waiting.code})
        return True
    locked = await repo.get_by_code(ctx.session, waiting.code, lock=True)
    if locked is None or locked.status != NEEDS_INFO:
        return False
    await record_answer(ctx, locked, text, msg.attachments)
    return True


# --- satisfaction -----------------------------------------------------------------------------


async def on_rating_payload(ctx: Context, argument: str) -> None:
    """psat:CODE:yes|no from the answer notification (submitter or follower)."""
    raw_code, _, choice = argument.partition(":")
    petition = await _petition(ctx, raw_code, lock=True)
    if petition is None or not await repo.can_view(ctx.session, petition, ctx.identity.id):
        _not_found(ctx, raw_code)
        return
    code = petition.code
    if choice not in ("yes", "no"):
        ctx.reply(common.STALE_BUTTON, buttons=common.main_menu_buttons())
        return
    if petition.satisfaction is not None:
        ctx.reply(t.SAT_ALREADY.format(code=code), buttons=[common.menu_button()])
        return
    if petition.status != ANSWERED:
        ctx.reply(
            t.SAT_NOT_NOW.format(code=code, status=status_label(petition.status)),
            buttons=[common.menu_button()],
        )
        return
    if choice == "yes":
        petition.satisfaction = SATISFIED
        await lifecycle.apply_action(
            ctx.session,
            petition,
            "close",
            _citizen(ctx, petition),
            Change(data={"satisfaction": SATISFIED}),
            profile=ctx.profile,
            now=ctx.now,
            skip_identity_id=ctx.identity.id,
        )
        ctx.reply(
            t.SAT_THANKS.format(code=code),
            buttons=[common.menu_button()],
            meta={"petition_code": code, "status": petition.status},
        )
        return
    petition.satisfaction = UNSATISFIED
    if ctx.flow:
        # A draft is open: do not replace it; reopen now, without a comment.
        ctx.reply(await reopen(ctx, code, None), buttons=[common.menu_button()])
        return
    await ctx.registry.flows[CommentFlow.name].start(ctx, {"code": code})


async def reopen(ctx: Context, code: str, comment: str | None) -> str:
    """Reopen after "not resolved", with the citizen's comment for staff; returns the reply."""
    petition = await _petition(ctx, code, lock=True)
    if petition is None or petition.status != ANSWERED:
        status = status_label(petition.status) if petition else "?"
        return t.SAT_NOT_NOW.format(code=code, status=status)
    petition.satisfaction = UNSATISFIED
    await lifecycle.apply_action(
        ctx.session,
        petition,
        "reopen",
        _citizen(ctx, petition),
        Change(
            public_note=comment or t.CITIZEN_NOT_SATISFIED,
            data={"citizen_note": True, "satisfaction": UNSATISFIED},
        ),
        profile=ctx.profile,
        now=ctx.now,
        skip_identity_id=ctx.identity.id,
    )
    return (t.SAT_REOPENED if comment else t.SAT_REOPENED_NO_COMMENT).format(code=code)


class CommentFlow(Flow):
    """ "Not resolved": one short comment (or skip), then the petition is reopened."""

    name = "petition_comment"
    first_step = "comment"

    async def prompt_comment(self, ctx: Context) -> None:
        ctx.reply(t.SAT_ASK_COMMENT, buttons=[ctx.button(t.BTN_SKIP, "skip")])

    async def on_comment(self, ctx: Context, value: str | None) -> None:
        code = str(ctx.data.get("code", ""))
        msg = ctx.inbound
        if value == "skip":
            self.finish(ctx)
            ctx.reply(await reopen(ctx, code, None), buttons=[common.menu_button()])
            return
        text = msg.clean_text
        if value is not None or (not text and not msg.attachments):
            await self.reprompt(ctx, t.COMMENT_EMPTY)
            return
        if len(text) > MAX_COMMENT:
            await self.reprompt(
                ctx, t.COMMENT_TOO_LONG.format(max=f"{MAX_COMMENT:,}".replace(",", "."))
            )
            return
        petition = await _petition(ctx, code)
        if petition is not None and msg.attachments:
            await repo.add_attachments(
                ctx.session, petition.id, media_items(ctx, msg.attachments), ctx.now
            )
        self.finish(ctx)
        reply = await reopen(ctx, code, text or None)
        ctx.reply(reply, buttons=[common.menu_button()], meta={"petition_code": code})

    async def on_cancel(self, ctx: Context) -> None:
        code = str(ctx.data.get("code", ""))
        ctx.end_flow()
        ctx.reply(await reopen(ctx, code, None), buttons=[common.menu_button()])

    async def on_menu(self, ctx: Context) -> str:
        """The menu instead of a comment: reopen without one, as a skip would."""
        code = str(ctx.data.get("code", ""))
        ctx.end_flow()
        return await reopen(ctx, code, None)

    async def on_expire(self, ctx: Context) -> str:
        code = str(ctx.data.get("code", ""))
        ctx.end_flow()
        return await reopen(ctx, code, None)


# --- silence ----------------------------------------------------------------------------------


async def close_unrated(
    db: Database,
    services: Services,
    *,
    limit: int = 50,
    on_commit: Callable[[], None] | None = None,
) -> int:
    """Close answered petitions nobody rated in time (actor: system); the citizen is told."""
    profile = services.profile
    now = services.clock()
    cutoff = now - dt.timedelta(days=profile.petitions.satisfaction_timeout_days)
    async with db.write() as session:
        petitions = await repo.answered_unrated(session, profile.id, cutoff, limit)
        for petition in petitions:
            petition.satisfaction = NO_RESPONSE
            await lifecycle.apply_action(
                session,
                petition,
                "close",
                Actor("system", None, "Tự động"),
                Change(
                    public_note=t.AUTO_CLOSED_NOTE.format(
                        days=profile.petitions.satisfaction_timeout_days
                    ),
                    data={"auto": True, "satisfaction": NO_RESPONSE},
                ),
                profile=profile,
                now=now,
            )
    if petitions and on_commit is not None:
        on_commit()
    return len(petitions)
