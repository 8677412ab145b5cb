"""After filing: answering the council's question in chat (rating the answer: ``rating``).

Staff ask with ``request_info``; the notification carries ``pinfo:<code>``. The submitter's next
message after that notification reached them (text and/or photos) is the answer — or they press
the button and then write. The answer becomes the ``info_received`` event's public note (photos
become attachments) and the petition returns to screening.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from handlers import workflow
from handlers.buttons import main_menu_buttons, menu_button
from handlers.chat import drafts
from handlers.chat.intake import IntakeFlow
from handlers.chat.intake_words import vn_number
from handlers.chat.ui import media_items
from handlers.context import Context
from handlers.flow import Flow, FlowDraft
from handlers.memory import Remembered
from handlers.texts.followup import FollowupTexts
from handlers.texts.lookup import LookupTexts
from handlers.texts.workflow import WorkflowTexts
from handlers.types import Attachment, Inbound
from handlers.workflow.buttons import AnswerQuestion, track_button
from handlers.workflow.states import NEEDS_INFO
from storage import petitions as repo
from storage.models import Petition

MAX_ANSWER = 4000


@dataclass
class PetitionDraft(FlowDraft):
    """Which petition the flow is about."""

    code: str = ""


@dataclass(frozen=True)
class Hold:
    """A greeting or command after the council's question: the next message may still answer."""

    code: str
    at: str


HOLD = Remembered("pinfo_hold", Hold)


def citizen_actor(ctx: Context, petition: Petition) -> workflow.Actor:
    t = WorkflowTexts.of(ctx.texts)
    own = petition.identity_id == ctx.identity.id
    return workflow.Actor("citizen", None, t.actor_submitter() if own else t.actor_follower())


async def petition_by_code(ctx: Context, raw_code: str, *, lock: bool = False) -> Petition | None:
    """The petition with this code in this commune, or None (locked for a change)."""
    code = repo.normalize_code(raw_code or "")
    if code is None:
        return None
    if lock:
        return await workflow.petition_for_change(ctx, code)
    petition = await repo.get_by_code(ctx.session, code)
    if petition is None or petition.commune_id != ctx.commune_id:
        return None
    return petition


def not_found(ctx: Context, raw_code: str) -> None:
    code = repo.normalize_code(raw_code or "") or raw_code[:12]
    ctx.reply(LookupTexts.of(ctx.texts).not_found(code=code), buttons=main_menu_buttons(ctx.texts))


def status_label(ctx: Context, petition: Petition) -> str:
    return WorkflowTexts.of(ctx.texts).status.text(petition.status, petition.status)


# --- needs information ----------------------------------------------------------------------


async def _question(ctx: Context, petition: Petition) -> str:
    details = await repo.get_by_id(ctx.session, petition.id, with_details=True)
    asked = [e for e in (details.events if details else []) if e.action == "request_info"]
    return asked[-1].public_note if asked else ""


def answer_problem(ctx: Context, text: str, attachments: Sequence[Attachment]) -> str | None:
    t = FollowupTexts.of(ctx.texts)
    if len(text) > MAX_ANSWER:
        return t.info_too_long(max=vn_number(MAX_ANSWER))
    if not text and not attachments:
        return t.info_empty()
    return None


async def record_answer(
    ctx: Context, petition: Petition, text: str, attachments: Sequence[Attachment]
) -> None:
    """Attach the citizen's answer to the petition and send it back to screening."""
    t = FollowupTexts.of(ctx.texts)
    items = media_items(ctx, attachments)
    await repo.add_attachments(ctx.session, petition.id, items, ctx.now)
    note = text or t.answer_media_note(count=len(items))
    await workflow.info_received(
        ctx,
        petition,
        citizen_actor(ctx, petition),
        workflow.Change(public_note=note, data={"attachments": len(items)}),
    )
    media = t.info_media(count=len(items)) if items else ""
    ctx.reply(
        t.info_received(code=petition.code, media=media),
        buttons=[track_button(ctx.texts, petition.code), menu_button(ctx.texts)],
        meta={"petition_code": petition.code, "status": petition.status},
    )


class InfoStep(StrEnum):
    ANSWER = "answer"


class InfoFlow(Flow[PetitionDraft]):
    """Started by the notification's button: the next message answers the council."""

    name = "petition_info"
    Step = InfoStep
    first_step = InfoStep.ANSWER
    Draft = PetitionDraft

    async def prompt_answer(self, ctx: Context) -> None:
        t = FollowupTexts.of(ctx.texts)
        code = self.draft(ctx).code
        petition = await petition_by_code(ctx, code)
        question = await _question(ctx, petition) if petition else ""
        ask = t.ask_info(code=code, question=question)
        if ctx.capabilities.accepts_media:
            ask += t.ask_info_media()
        ctx.reply(ask, buttons=[self.cancel_button(ctx)])

    async def on_answer(self, ctx: Context, value: str | None) -> None:
        if value is not None:
            await self.prompt(ctx)
            return
        code = self.draft(ctx).code
        petition = await petition_by_code(ctx, code, lock=True)
        if petition is None or petition.identity_id != ctx.identity.id:
            self.finish(ctx)
            not_found(ctx, code)
            return
        if petition.status != NEEDS_INFO:
            self.finish(ctx)
            ctx.reply(
                FollowupTexts.of(ctx.texts).info_not_needed(
                    code=code, status=status_label(ctx, petition)
                ),
                buttons=[menu_button(ctx.texts)],
            )
            return
        msg = ctx.inbound
        problem = answer_problem(ctx, msg.clean_text, msg.attachments)
        if problem is not None:
            await self.reprompt(ctx, problem)
            return
        self.finish(ctx)
        await record_answer(ctx, petition, msg.clean_text, msg.attachments)

    async def on_cancel(self, ctx: Context) -> None:
        code = self.draft(ctx).code
        ctx.end_flow()
        ctx.reply(
            FollowupTexts.of(ctx.texts).info_cancelled(code=code), buttons=[menu_button(ctx.texts)]
        )

    async def on_menu(self, ctx: Context) -> str:
        """The menu instead of an answer: the question keeps waiting behind its button."""
        code = self.draft(ctx).code
        ctx.end_flow()
        return FollowupTexts.of(ctx.texts).info_paused(code=code)

    async def on_expire(self, ctx: Context) -> str:
        code = self.draft(ctx).code
        ctx.end_flow()
        return FollowupTexts.of(ctx.texts).info_expired(code=code)


INFO = InfoFlow()


async def on_answer_question(ctx: Context, press: AnswerQuestion) -> None:
    """pinfo:CODE — the submitter wants to answer; a stale button says why it does nothing."""
    t = FollowupTexts.of(ctx.texts)
    petition = await petition_by_code(ctx, press.code)
    if petition is None or not await repo.can_view(ctx.session, petition, ctx.identity.id):
        not_found(ctx, press.code)
        return
    if petition.identity_id != ctx.identity.id:
        ctx.reply(t.info_only_submitter(code=petition.code), buttons=[menu_button(ctx.texts)])
        return
    if petition.status != NEEDS_INFO:
        ctx.reply(
            t.info_not_needed(code=petition.code, status=status_label(ctx, petition)),
            buttons=[menu_button(ctx.texts)],
        )
        return
    if ctx.flow == IntakeFlow.name:
        # The council's question comes first; the draft's words are kept for later.
        flow = ctx.active_flow
        assert isinstance(flow, IntakeFlow)
        kept = drafts.park(ctx, flow.draft(ctx))
        ctx.end_flow()
        if kept is not None:
            ctx.reply(t.info_draft_kept())
    elif ctx.flow and ctx.flow != InfoFlow.name:
        # Anything else stays open; the answer waits behind this same button.
        ctx.reply(t.info_after_draft(code=petition.code))
        return
    await INFO.start(ctx, PetitionDraft(code=petition.code))


def _slot_open(ctx: Context, petition: Petition, delivered: dt.datetime) -> bool:
    """Is this message still "the next one" after the question reached the citizen?

    Greetings, commands and button presses keep the slot open (``HOLD`` records them); any other
    message handled since — inside a flow, say — closes it, and so does a day of silence: an old
    question must not swallow a new, unrelated message. The button always works.
    """
    last_touch = delivered
    hold = ctx.recall(HOLD)
    if hold is not None and hold.code == petition.code:
        last_touch = max(last_touch, dt.datetime.fromisoformat(str(hold.at)))
    if ctx.now - last_touch > ctx.services.flow_ttl:
        return False
    previous = ctx.state.updated_at  # when this user's previous message was handled
    return previous is None or previous <= last_touch


async def answer_interceptor(ctx: Context) -> bool | Inbound:
    """The submitter's next message after the council's question reached them answers it.

    "Reached them": the notification was delivered (outbox ``sent``) — a question still waiting
    in Zalo's messaging window is delivered first, and the message that released it is not taken
    for an answer. Greetings and thanks, commands and buttons are not answers and leave the next
    message free to be one.
    """
    msg = ctx.inbound
    if ctx.flow or msg.event or not ctx.may_await_answer:
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
        or ctx.routing.routed_elsewhere(text)
        or (not msg.attachments and ctx.services.matcher.match(text).intent == "greeting")
    )
    if passing:
        ctx.remember(HOLD, Hold(waiting.code, ctx.now.isoformat()))
        return False
    ctx.forget(HOLD)
    problem = answer_problem(ctx, text, msg.attachments)
    if problem is not None:
        ctx.reply(problem)
        await INFO.start(ctx, PetitionDraft(code=waiting.code))
        return True
    locked = await workflow.petition_for_change(ctx, waiting.code)
    if locked is None or locked.status != NEEDS_INFO:
        return False
    await record_answer(ctx, locked, text, msg.attachments)
    return True
