"""The petition draft's place step, and the similar open petitions offered before filing.

The village the story names comes first among the buttons, else the village of the citizen's QR
code (``VILLAGE``); a typed place keeps its words and finds the village it names. Then open
petitions that probably describe the same problem are offered to follow instead of refiling
(``handlers.workflow.similar``).
"""

from __future__ import annotations

from handlers import workflow
from handlers.buttons import menu_button
from handlers.chat.drafts import IntakeDraft, IntakeStep
from handlers.chat.intake_words import MAX_PLACE, SKIP_WORDS, said, village_in_text
from handlers.chat.ui import reply_choices
from handlers.chat.village_words import find_village
from handlers.context import Context
from handlers.flow import Flow
from handlers.memory import Remembered
from handlers.texts.intake import IntakeTexts
from handlers.texts.intake_place import IntakePlaceTexts
from handlers.texts.workflow import WorkflowTexts
from handlers.types import Button
from handlers.workflow.buttons import track_button
from knowledge.profile import Village
from storage import petitions as repo

Step = IntakeStep
VILLAGE = Remembered("village", str)  # from a village's QR code (/start v_<id>)


class PlaceSteps(Flow[IntakeDraft]):
    """Steps 3 (place) and 3b (similar) of ``IntakeFlow``."""

    async def _next(self, ctx: Context, step: IntakeStep) -> None:
        raise NotImplementedError  # IntakeFlow's

    # --- 3. place -----------------------------------------------------------------------------

    async def prompt_place(self, ctx: Context) -> None:
        t = IntakeTexts.of(ctx.texts)
        profile = ctx.profile
        # The village the story names comes first; else the one of the citizen's QR code.
        told = village_in_text(profile, self.draft(ctx).content)
        mine = told or profile.village(ctx.recall(VILLAGE) or "")
        buttons = []
        if mine is not None:
            buttons.append(ctx.button(t.my_village(name=mine.name), "v:" + mine.id))
        buttons += [ctx.button(v.name, "v:" + v.id) for v in profile.villages if v is not mine]
        tail = [
            Button(text=t.btn_share_location(), request="location"),
            ctx.button(t.btn_skip(), "skip"),
            self.cancel_button(ctx),
        ]
        reply_choices(ctx, t.ask_place(), buttons, tail, more=t.more_choices())

    async def on_place(self, ctx: Context, value: str | None) -> None:
        t = IntakeTexts.of(ctx.texts)
        msg = ctx.inbound
        draft = self.draft(ctx)
        cleared = {
            "village": None,
            "place_text": None,
            "latitude": None,
            "longitude": None,
            "place_asked": False,
        }
        # After "did you mean Thôn 2?": the words typed stay the place, whatever is pressed.
        typed = {"place_text": draft.place_text} if draft.place_asked else {}
        if value is None and said(msg.clean_text, SKIP_WORDS):
            value = "skip"
        if value == "skip":
            self.update(ctx, **cleared)
        elif value == "keep" and draft.place_asked:
            self.update(ctx, **{**cleared, **typed})
        elif value is not None and value.startswith("v:"):
            village = ctx.profile.village(value[2:])
            if village is None:
                await self.reprompt(ctx, t.place_help())
                return
            self.update(ctx, **{**cleared, **typed, "village": village.id})
        elif value is not None:
            await self.reprompt(ctx, t.place_help())
            return
        elif msg.location is not None:
            mine = ctx.profile.village(ctx.recall(VILLAGE) or "")
            draft = self.update(
                ctx,
                **{
                    **cleared,
                    "village": mine.id if mine else None,
                    "latitude": float(msg.location.latitude),
                    "longitude": float(msg.location.longitude),
                },
            )
            if draft.editing:  # shared after the consent step: ask it again
                self.update(ctx, consent_at=None)
                await self.goto(ctx, Step.CONSENT)
                return
        else:
            text = msg.clean_text
            if len(text) < 2:
                await self.reprompt(ctx, t.place_help())
                return
            if len(text) > MAX_PLACE:
                await self.reprompt(ctx, t.place_too_long(max=MAX_PLACE))
                return
            guess = find_village(ctx.profile, text)
            if guess is not None and not guess.sure:
                self.update(ctx, **{**cleared, "place_text": text, "place_asked": True})
                self._ask_village(ctx, text, guess.village)
                return
            village = guess.village if guess else village_in_text(ctx.profile, text)
            self.update(
                ctx, **{**cleared, "place_text": text, "village": village.id if village else None}
            )
        await self._next(ctx, Step.SIMILAR)

    def _ask_village(self, ctx: Context, text: str, village: Village) -> None:
        """The typed words nearly name a village: ask, offering it first, then the others."""
        t = IntakeTexts.of(ctx.texts)
        tp = IntakePlaceTexts.of(ctx.texts)
        shown = text if len(text) <= 60 else text[:60] + "…"
        buttons = [ctx.button(tp.btn_that_village(name=village.name), "v:" + village.id)]
        others = [v for v in ctx.profile.villages if v is not village]
        buttons += [ctx.button(v.name, "v:" + v.id) for v in others]
        tail = [ctx.button(tp.btn_keep_typed(), "keep"), self.cancel_button(ctx)]
        question = tp.ask_village(typed=shown, name=village.name)
        reply_choices(ctx, question, buttons, tail, more=t.more_choices())

    # --- 3b. similar open petitions -----------------------------------------------------------

    async def _offer_similar(self, ctx: Context) -> None:
        t = IntakeTexts.of(ctx.texts)
        labels = WorkflowTexts.of(ctx.texts)
        draft = self.draft(ctx)
        candidates = await repo.similar_candidates(
            ctx.session, ctx.commune_id, workflow.OPEN_STATES
        )
        found = workflow.similar.rank_similar(
            workflow.similar.norm_content(draft.content), draft.category, draft.village, candidates
        )
        if not found:
            await self.goto(ctx, Step.CONTACT)
            return
        profile = ctx.profile
        items = []
        for n, hit in enumerate(found, start=1):
            c = hit.candidate
            category = profile.category(c.category)
            village = profile.village(c.village) if c.village else None
            text = t.similar_item(
                n=n,
                category=category.name if category else c.category,
                village=t.similar_village(name=village.name) if village else "",
                status=labels.status.text(c.status, c.status).lower(),
                date=workflow.calendar.vn_date(c.created_at),
                excerpt=workflow.similar.excerpt(c.content),
            )
            items.append({"code": c.code, "text": text})
        self.update(ctx, similar=items)
        await self.goto(ctx, Step.SIMILAR)

    async def prompt_similar(self, ctx: Context) -> None:
        t = IntakeTexts.of(ctx.texts)
        items = self.draft(ctx).similar
        buttons = [
            ctx.button(t.btn_follow(n=n), "follow:" + item["code"])
            for n, item in enumerate(items, start=1)
        ]
        buttons.append(ctx.button(t.btn_file_anyway(), "new"))
        reply_choices(
            ctx,
            t.similar_intro(items="\n".join(item["text"] for item in items)),
            buttons,
            tail=[self.cancel_button(ctx)],
            more=t.more_choices(),
        )

    async def on_similar(self, ctx: Context, value: str | None) -> None:
        t = IntakeTexts.of(ctx.texts)
        if value == "new":
            await self.goto(ctx, Step.CONTACT)
            return
        codes = [item["code"] for item in self.draft(ctx).similar]
        code = value[len("follow:") :] if value and value.startswith("follow:") else None
        petition = await repo.get_by_code(ctx.session, code) if code in codes else None
        if petition is None or petition.commune_id != ctx.commune_id:
            await self.reprompt(ctx, t.similar_help())
            return
        self.finish(ctx)
        buttons = [track_button(ctx.texts, petition.code), menu_button(ctx.texts)]
        if petition.identity_id == ctx.identity.id:
            ctx.reply(t.own_petition(code=petition.code), buttons=buttons)
            return
        await repo.add_follower(ctx.session, petition.id, ctx.identity.id, ctx.now)
        ctx.reply(
            t.following(code=petition.code), buttons=buttons, meta={"followed_code": petition.code}
        )
