"""Starting a petition: /kiennghi, the offer to file a reported problem, and a kept draft.

* The matcher thinks a message reports a problem: the bot offers to file it as it is. The text
  waits in the conversation row under a fresh id carried by the buttons (``PetitionOffer``); the
  citizen's next message is routed as usual (an offer is not a flow and captures nothing), and
  only a press of this offer's own "Gửi" button uses the text.
* A draft kept from before (a timeout, a detour to the menu) is offered first, so nothing the
  citizen wrote is lost (``drafts.DraftChoice``); new words given with the command start a new
  petition right away.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from handlers.buttons import main_menu_buttons, menu_button
from handlers.chat import drafts
from handlers.chat.drafts import DraftChoice, IntakeDraft, IntakeStep
from handlers.chat.intake import INTAKE, IntakeFlow
from handlers.chat.intake_words import MAX_CONTENT, vn_number
from handlers.chat.ui import preview
from handlers.context import Context
from handlers.memory import Remembered
from handlers.payloads import Payload
from handlers.texts import Texts
from handlers.texts.chat import ChatTexts
from handlers.texts.intake import IntakeTexts
from handlers.types import Button, Reply
from handlers.workflow import calendar
from knowledge import Match


@dataclass(frozen=True)
class PetitionOffer(Payload, prefix="poffer"):
    """File the reported problem, or not: ``poffer:<offer id>:yes|no``."""

    offer_id: str
    choice: str

    def answers(self) -> str | None:
        return self.choice if self.choice in ("yes", "no") else None


@dataclass(frozen=True)
class PendingOffer:
    """The text an offer would file, until its button is pressed or it expires."""

    id: str
    text: str
    too_long: bool
    at: str


OFFER = Remembered("offer", PendingOffer)


def offer_reply(texts: Texts, match: Match, offer_id: str) -> Reply:
    """The offer's message and buttons (``handlers.chat.answers`` words every intent)."""
    t = IntakeTexts.of(texts)
    return Reply(
        t.offer(),
        buttons=[
            Button(text=t.btn_offer_yes(), payload=PetitionOffer(offer_id, "yes").encode()),
            Button(text=t.btn_offer_no(), payload=PetitionOffer(offer_id, "no").encode()),
            menu_button(texts),
        ],
        meta={"intent": "petition", "score": round(float(match.score), 3)},
    )


async def on_petition_intent(ctx: Context, match: Match) -> None:
    """The matcher thinks the message reports a problem: offer to file it as it is."""
    text = ctx.inbound.clean_text
    nonce = secrets.token_hex(4)
    too_long = len(text) > MAX_CONTENT
    ctx.remember(
        OFFER, PendingOffer(nonce, "" if too_long else text, too_long, ctx.now.isoformat())
    )
    ctx.replies.append(offer_reply(ctx.texts, match, nonce))


def _stale(ctx: Context) -> None:
    ctx.reply(ChatTexts.of(ctx.texts).stale_button(), buttons=main_menu_buttons(ctx.texts))


async def on_offer(ctx: Context, press: PetitionOffer) -> None:
    """poffer:<id>:yes|no — only the latest, unexpired offer of this user counts."""
    t = IntakeTexts.of(ctx.texts)
    offer = ctx.recall(OFFER)
    fresh = False
    if offer is not None and offer.id == press.offer_id and press.choice in ("yes", "no"):
        made = dt.datetime.fromisoformat(str(offer.at))
        fresh = ctx.now - made <= ctx.services.flow_ttl
    if not fresh or offer is None:
        _stale(ctx)
        return
    ctx.forget(OFFER)
    if press.choice == "no":
        ctx.reply(t.offer_declined(), buttons=main_menu_buttons(ctx.texts))
        return
    if ctx.flow == IntakeFlow.name:
        return  # a draft is open: the router shows where it stands
    draft = IntakeDraft(parts=[offer.text] if offer.text else [])
    if offer.too_long:
        ctx.reply(t.offer_too_long(max=vn_number(MAX_CONTENT)))
    await INTAKE.start(ctx, draft)


async def on_draft_choice(ctx: Context, press: DraftChoice) -> None:
    """pdraft:<id>:resume|new for a kept draft."""
    t = IntakeTexts.of(ctx.texts)
    kept = ctx.recall(drafts.PARKED)
    if kept is None or kept.id != press.draft_id or press.choice not in ("resume", "new"):
        _stale(ctx)
        return
    if drafts.parked(ctx) is None:
        ctx.reply(t.draft_gone(days=drafts.DRAFT_KEEP.days), buttons=main_menu_buttons(ctx.texts))
        return
    if ctx.flow:
        return  # something is open: the router shows where it stands; the draft stays kept
    ctx.forget(drafts.PARKED)
    if press.choice == "new":
        await INTAKE.start(ctx, IntakeDraft())
        return
    draft = kept.draft
    step = IntakeStep.CONTENT if draft.category else IntakeStep.CATEGORY
    await INTAKE.start(ctx, draft, step=step)


async def start_intake(ctx: Context, args: str = "") -> None:
    """/kiennghi [nội dung]; during a draft the router re-asks where it stands instead."""
    if ctx.flow == IntakeFlow.name:
        return
    t = IntakeTexts.of(ctx.texts)
    text = args.strip()
    kept = drafts.parked(ctx)
    if kept is not None and not text:
        content = kept.draft.content or t.draft_only_media()
        ctx.reply(
            t.draft_found(
                date=calendar.vn_date(dt.datetime.fromisoformat(kept.at)),
                preview=preview(content, 300),
            ),
            buttons=[
                drafts.resume_button(ctx.texts, kept),
                drafts.new_draft_button(ctx.texts, kept),
                menu_button(ctx.texts),
            ],
        )
        return
    draft = IntakeDraft(parts=[text] if text and len(text) <= MAX_CONTENT else [])
    await INTAKE.start(ctx, draft)
