"""After an answer: was it enough? Rating in chat, and reopening with the citizen's comment.

The ``answer`` notification carries ``psat:<code>:yes|no``. Yes closes the petition; No asks for
a short comment and reopens it with that comment for staff to read. A rating is recorded once: a
second press changes nothing. Nobody rating at all is the workflow's timer
(``handlers.workflow.timers``).
"""

from __future__ import annotations

from enum import StrEnum

from handlers import workflow
from handlers.buttons import main_menu_buttons, menu_button
from handlers.chat.followup import (
    PetitionDraft,
    citizen_actor,
    not_found,
    petition_by_code,
    status_label,
)
from handlers.chat.intake_words import vn_number
from handlers.chat.ui import media_items
from handlers.context import Context
from handlers.flow import Flow
from handlers.texts.chat import ChatTexts
from handlers.texts.followup import FollowupTexts
from handlers.workflow.buttons import Rating
from handlers.workflow.states import ANSWERED
from storage import petitions as repo

MAX_COMMENT = 2000
SATISFIED, UNSATISFIED = "satisfied", "unsatisfied"


async def on_rating(ctx: Context, press: Rating) -> None:
    """psat:CODE:yes|no from the answer notification (submitter or follower)."""
    t = FollowupTexts.of(ctx.texts)
    petition = await petition_by_code(ctx, press.code, lock=True)
    if petition is None or not await repo.can_view(ctx.session, petition, ctx.identity.id):
        not_found(ctx, press.code)
        return
    code = petition.code
    if press.choice not in ("yes", "no"):
        ctx.reply(ChatTexts.of(ctx.texts).stale_button(), buttons=main_menu_buttons(ctx.texts))
        return
    if petition.satisfaction is not None:
        ctx.reply(t.sat_already(code=code), buttons=[menu_button(ctx.texts)])
        return
    if petition.status != ANSWERED:
        ctx.reply(
            t.sat_not_now(code=code, status=status_label(ctx, petition)),
            buttons=[menu_button(ctx.texts)],
        )
        return
    if press.choice == "yes":
        petition.satisfaction = SATISFIED
        await workflow.close(
            ctx,
            petition,
            citizen_actor(ctx, petition),
            workflow.Change(data={"satisfaction": SATISFIED}),
            skip_identity_id=ctx.identity.id,
        )
        ctx.reply(
            t.sat_thanks(code=code),
            buttons=[menu_button(ctx.texts)],
            meta={"petition_code": code, "status": petition.status},
        )
        return
    petition.satisfaction = UNSATISFIED
    if ctx.flow:
        # A draft is open: do not replace it; reopen now, without a comment.
        ctx.reply(await reopen(ctx, code, None), buttons=[menu_button(ctx.texts)])
        return
    await COMMENT.start(ctx, PetitionDraft(code=code))


async def reopen(ctx: Context, code: str, comment: str | None) -> str:
    """Reopen after "not resolved", with the citizen's comment for staff; returns the reply."""
    t = FollowupTexts.of(ctx.texts)
    petition = await petition_by_code(ctx, code, lock=True)
    if petition is None or petition.status != ANSWERED:
        status = status_label(ctx, petition) if petition else "?"
        return t.sat_not_now(code=code, status=status)
    petition.satisfaction = UNSATISFIED
    await workflow.reopen(
        ctx,
        petition,
        citizen_actor(ctx, petition),
        workflow.Change(
            public_note=comment or t.citizen_not_satisfied(),
            data={"citizen_note": True, "satisfaction": UNSATISFIED},
        ),
        skip_identity_id=ctx.identity.id,
    )
    return (t.sat_reopened if comment else t.sat_reopened_no_comment)(code=code)


class CommentStep(StrEnum):
    COMMENT = "comment"


class CommentFlow(Flow[PetitionDraft]):
    """ "Not resolved": one short comment (or skip), then the petition is reopened."""

    name = "petition_comment"
    Step = CommentStep
    first_step = CommentStep.COMMENT
    Draft = PetitionDraft

    async def prompt_comment(self, ctx: Context) -> None:
        t = FollowupTexts.of(ctx.texts)
        skip = ChatTexts.of(ctx.texts).btn_skip()
        ctx.reply(t.sat_ask_comment(), buttons=[ctx.button(skip, "skip")])

    async def on_comment(self, ctx: Context, value: str | None) -> None:
        t = FollowupTexts.of(ctx.texts)
        code = self.draft(ctx).code
        msg = ctx.inbound
        if value == "skip":
            self.finish(ctx)
            ctx.reply(await reopen(ctx, code, None), buttons=[menu_button(ctx.texts)])
            return
        text = msg.clean_text
        if value is not None or (not text and not msg.attachments):
            await self.reprompt(ctx, t.comment_empty())
            return
        if len(text) > MAX_COMMENT:
            await self.reprompt(ctx, t.comment_too_long(max=vn_number(MAX_COMMENT)))
            return
        petition = await petition_by_code(ctx, code)
        if petition is not None and msg.attachments:
            await repo.add_attachments(
                ctx.session, petition.id, media_items(ctx, msg.attachments), ctx.now
            )
        self.finish(ctx)
        reply = await reopen(ctx, code, text or None)
        ctx.reply(reply, buttons=[menu_button(ctx.texts)], meta={"petition_code": code})

    async def on_cancel(self, ctx: Context) -> None:
        code = self.draft(ctx).code
        ctx.end_flow()
        ctx.reply(await reopen(ctx, code, None), buttons=[menu_button(ctx.texts)])

    async def on_menu(self, ctx: Context) -> str:
        """The menu instead of a comment: reopen without one, as a skip would."""
        code = self.draft(ctx).code
        ctx.end_flow()
        return await reopen(ctx, code, None)

    async def on_expire(self, ctx: Context) -> str:
        code = self.draft(ctx).code
        ctx.end_flow()
        return await reopen(ctx, code, None)


COMMENT = CommentFlow()
