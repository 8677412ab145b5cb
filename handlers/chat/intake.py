"""Filing a petition in chat: category → content → place → (similar ones?) → contact → consent →
summary → tracking code.

The draft (``drafts.IntakeDraft``) lives in the conversation row, so it survives a restart and is
shared by every process; an untouched draft expires after ``petitions.draft_expiry_hours`` with a
message and its words are kept (``drafts.park``). Every finite choice is a button bound to this
flow instance and step, so an old, foreign or double-tapped button (a second "confirm") changes
nothing — exactly one petition is stored. The contact steps are in ``intake_contact``; filing
itself is the workflow's (``handlers.workflow.file_petition``). Nothing personal goes to the
staff group.
"""

from __future__ import annotations

import datetime as dt

from handlers import workflow
from handlers.buttons import main_menu_buttons, menu_button
from handlers.chat import drafts
from handlers.chat.contact import format_phone
from handlers.chat.drafts import IntakeDraft, IntakeStep
from handlers.chat.intake_contact import ContactSteps
from handlers.chat.intake_place import PlaceSteps
from handlers.chat.intake_words import (
    DONE_WORDS,
    MAX_CONTENT,
    category_from_text,
    content_problem,
    guess_category,
    said,
)
from handlers.chat.ui import MAX_MEDIA, media_items, preview, reply_choices
from handlers.context import Context
from handlers.texts.intake import IntakeTexts
from handlers.texts.intake_first_step import IntakeFirstStepTexts
from handlers.texts.workflow import WorkflowTexts
from handlers.workflow.buttons import track_button
from knowledge.profile import CommuneProfile
from storage import citizens

Step = IntakeStep


def _media_note(t: IntakeTexts, draft: IntakeDraft) -> str:
    count = len(draft.attachments)
    return t.media_only(count=count) if count else ""


class IntakeFlow(PlaceSteps, ContactSteps):
    """The petition draft, one question per message."""

    name = "petition"
    Step = IntakeStep
    first_step = IntakeStep.CATEGORY
    Draft = IntakeDraft

    # --- framework hooks ------------------------------------------------------------------

    async def on_cancel(self, ctx: Context) -> None:
        ctx.end_flow()
        ctx.reply(IntakeTexts.of(ctx.texts).cancelled(), buttons=main_menu_buttons(ctx.texts))

    async def on_expire(self, ctx: Context) -> str:
        t = IntakeTexts.of(ctx.texts)
        hours = ctx.profile.petitions.draft_expiry_hours
        kept = drafts.park(ctx, self.draft(ctx))
        ctx.end_flow()
        if kept is None:
            return t.expired(hours=hours)
        ctx.reply(
            t.expired_kept(hours=hours, days=drafts.DRAFT_KEEP.days),
            buttons=[drafts.resume_button(ctx.texts, kept), menu_button(ctx.texts)],
        )
        return ""

    async def on_menu(self, ctx: Context) -> str:
        """The citizen asked for the menu mid-draft: keep what they wrote, then show it."""
        t = IntakeTexts.of(ctx.texts)
        kept = drafts.park(ctx, self.draft(ctx))
        ctx.end_flow()
        return t.paused() if kept else t.paused_empty()

    async def handle(self, ctx: Context, value: str | None) -> None:
        """Photos sent at any step are kept for the petition, never dropped."""
        msg = ctx.inbound
        if value is None and msg.attachments and ctx.step != Step.CONTENT:
            t = IntakeTexts.of(ctx.texts)
            ctx.touch_flow(self.ttl(ctx))
            added, overflow = self.add_media(ctx)
            if not msg.clean_text and msg.location is None and msg.contact is None:
                if added:
                    ctx.reply(t.media_received(count=added))
                if overflow:
                    ctx.reply(t.media_full(max=MAX_MEDIA))
                await self.prompt(ctx)
                return
        await super().handle(ctx, value)

    def add_media(self, ctx: Context) -> tuple[int, bool]:
        """Keep the message's photos/files: (number added, whether some did not fit)."""
        items = media_items(ctx, ctx.inbound.attachments)
        if not items:
            return 0, False
        kept = list(self.draft(ctx).attachments)
        room = max(0, MAX_MEDIA - len(kept))
        self.update(ctx, attachments=kept + items[:room])
        return min(room, len(items)), len(items) > room

    async def _next(self, ctx: Context, step: IntakeStep) -> None:
        """Move on; while editing from the summary, go straight back to it."""
        if self.draft(ctx).editing:
            await self.goto(ctx, Step.SUMMARY)
        elif step == Step.SIMILAR:
            await self._offer_similar(ctx)
        else:
            await self.goto(ctx, step)

    # --- 1. category ------------------------------------------------------------------------

    async def prompt_category(self, ctx: Context) -> None:
        t = IntakeTexts.of(ctx.texts)
        categories = list(ctx.profile.categories)
        guess = guess_category(ctx.profile, self.draft(ctx).content)
        buttons = []
        if guess is not None:  # the story told first points to a category: offer it first
            shown = IntakeFirstStepTexts.of(ctx.texts).guessed(name=guess.name)
            buttons.append(ctx.button(shown, guess.id))
            categories.remove(guess)
        buttons += [ctx.button(c.name, c.id) for c in categories]
        reply_choices(
            ctx, t.ask_category(), buttons, tail=[self.cancel_button(ctx)], more=t.more_choices()
        )

    async def on_category(self, ctx: Context, value: str | None) -> None:
        t = IntakeTexts.of(ctx.texts)
        profile = ctx.profile
        text = ctx.inbound.clean_text
        category = profile.category(value) if value else category_from_text(profile, text)
        if category is None:
            story = value is None and text and not self.draft(ctx).parts
            if story and content_problem(ctx.texts, text) is None:
                # The citizen told the story first: keep it for the next step.
                self.update(ctx, parts=[text])
                await self.reprompt(ctx, t.content_kept_for_later())
                return
            await self.reprompt(ctx, t.category_help())
            return
        self.update(ctx, category=category.id)
        await self._next(ctx, Step.CONTENT)

    # --- 2. content ---------------------------------------------------------------------------

    async def prompt_content(self, ctx: Context) -> None:
        t = IntakeTexts.of(ctx.texts)
        draft = self.draft(ctx)
        media = _media_note(t, draft)
        cancel = self.cancel_button(ctx)
        photos = ctx.capabilities.accepts_media
        if not draft.parts:
            lead = t.media_received(count=len(draft.attachments)) + "\n" if media else ""
            ask = t.ask_content() + (t.ask_content_media() if photos and not media else "")
            ctx.reply(lead + ask, buttons=[cancel])
            return
        shown = preview(draft.content, 500)
        if draft.replace_content:
            replace = t.content_replace_media if photos else t.content_replace
            ctx.reply(
                replace(preview=shown, media=media),
                buttons=[ctx.button(t.btn_keep(), "done"), cancel],
            )
        elif content_problem(ctx.texts, draft.content) is None:
            more = t.content_add_more_media() if photos else t.content_add_more()
            if draft.parts == [ctx.inbound.clean_text]:
                head = t.content_noted(media=media)
            else:
                head = t.content_so_far(preview=shown, media=media)
            ctx.reply(head + more, buttons=[ctx.button(t.btn_done(), "done"), cancel])
        else:
            ctx.reply(
                t.content_so_far(preview=shown, media=media) + t.content_needs_more(),
                buttons=[cancel],
            )

    async def on_content(self, ctx: Context, value: str | None) -> None:
        t = IntakeTexts.of(ctx.texts)
        draft = self.draft(ctx)
        if value is None and draft.parts and said(ctx.inbound.clean_text, DONE_WORDS):
            value = "done"
        if value == "done":
            problem = content_problem(ctx.texts, draft.content)
            if problem is not None:
                await self.reprompt(ctx, problem)
                return
            self.update(ctx, replace_content=False)
            await self._next(ctx, Step.PLACE)
            return
        if value is not None:
            await self.prompt(ctx)
            return
        msg = ctx.inbound
        text = msg.clean_text
        if not text and not msg.attachments:
            await self.reprompt(ctx, t.content_empty())
            return
        problem = None
        if text:
            base = [] if draft.replace_content else draft.parts
            combined = "\n".join([*base, text])
            problem = content_problem(ctx.texts, combined)
            if problem is not None and len(combined) > MAX_CONTENT:
                await self.reprompt(ctx, problem)  # nothing of this message is kept
                return
            if problem is None:
                self.update(ctx, parts=[*base, text], replace_content=False)
        if msg.attachments:
            _added, overflow = self.add_media(ctx)
            if overflow:
                ctx.reply(t.media_full(max=MAX_MEDIA))
        if problem is not None:
            await self.reprompt(ctx, problem)
            return
        await self.prompt(ctx)

    # --- 5. summary, edit, file ---------------------------------------------------------------

    def _contact_line(self, t: IntakeTexts, draft: IntakeDraft) -> str:
        if draft.anonymous or not (draft.name or draft.phone):
            return t.anonymous()
        phone = format_phone(draft.phone) if draft.phone else ""
        return ", ".join(p for p in (draft.name, phone) if p)

    def _place_line(self, t: IntakeTexts, profile: CommuneProfile, draft: IntakeDraft) -> str:
        village = profile.village(draft.village) if draft.village else None
        parts = []
        if draft.place_text:
            parts.append(str(draft.place_text))
        elif village is not None:
            parts.append(village.name)
        if draft.latitude is not None:
            parts.append(t.shared_location())
        return ", ".join(parts) or t.no_place()

    async def prompt_summary(self, ctx: Context) -> None:
        t = IntakeTexts.of(ctx.texts)
        draft = self.draft(ctx)
        if draft.editing:
            draft = self.update(ctx, editing=False)
        category = ctx.profile.category(draft.category or "")
        ctx.reply(
            t.summary(
                category=category.name if category else "?",
                content=preview(draft.content, 600),
                media=_media_note(t, draft),
                place=self._place_line(t, ctx.profile, draft),
                contact=self._contact_line(t, draft),
            ),
            buttons=[
                ctx.button(t.btn_confirm(), "confirm"),
                ctx.button(t.btn_edit(), "edit"),
                self.cancel_button(ctx),
            ],
        )

    async def on_summary(self, ctx: Context, value: str | None) -> None:
        if value == "confirm":
            await self._file(ctx)
        elif value == "edit":
            await self.goto(ctx, Step.EDIT)
        else:
            await self.reprompt(ctx, IntakeTexts.of(ctx.texts).summary_help())

    async def prompt_edit(self, ctx: Context) -> None:
        t = IntakeTexts.of(ctx.texts)
        ctx.reply(
            t.ask_edit(),
            buttons=[
                ctx.button(t.btn_edit_category(), "category"),
                ctx.button(t.btn_edit_content(), "content"),
                ctx.button(t.btn_edit_place(), "place"),
                ctx.button(t.btn_edit_contact(), "contact"),
                ctx.button(t.btn_back(), "back"),
            ],
        )

    async def on_edit(self, ctx: Context, value: str | None) -> None:
        if value == "back":
            await self.goto(ctx, Step.SUMMARY)
        elif value in ("category", "place"):
            self.update(ctx, editing=True)
            await self.goto(ctx, Step(value))
        elif value == "content":
            self.update(ctx, editing=True, replace_content=True)
            await self.goto(ctx, Step.CONTENT)
        elif value == "contact":
            self.update(ctx, editing=True, contact_fresh=False)
            self._clear_contact(ctx)
            await self.goto(ctx, Step.CONTACT)
        else:
            await self.reprompt(ctx, IntakeTexts.of(ctx.texts).edit_help())

    async def _file(self, ctx: Context) -> None:
        t = IntakeTexts.of(ctx.texts)
        draft = self.draft(ctx)
        profile = ctx.profile
        category = profile.category(draft.category or "")
        if category is None:  # the profile changed while the draft waited
            self.update(ctx, editing=True)
            await self.reprompt_at(ctx, Step.CATEGORY, t.category_gone())
            return
        problem = content_problem(ctx.texts, draft.content)
        if problem is not None:
            self.update(ctx, editing=True)
            await self.reprompt_at(ctx, Step.CONTENT, problem)
            return
        consent_at = dt.datetime.fromisoformat(draft.consent_at) if draft.consent_at else None
        # anonymous too: a shared map location needs the consent
        name = draft.name if consent_at else None
        phone = draft.phone if consent_at else None
        anonymous = not (name or phone)
        has_location = consent_at is not None and draft.latitude is not None
        citizen_id = None
        if not anonymous and consent_at is not None:
            citizen = await citizens.save_contact(
                ctx.session,
                ctx.identity,
                name=name,
                phone=phone,
                consent_at=consent_at,
                now=ctx.now,
            )
            citizen_id = citizen.id
        village = profile.village(draft.village or "")
        petition = await workflow.file_petition(
            ctx,
            actor=("citizen", None, WorkflowTexts.of(ctx.texts).actor_chat()),
            attachments=draft.attachments,
            category=category.id,
            village=village.id if village else None,
            place_text=draft.place_text or None,
            latitude=draft.latitude if consent_at else None,
            longitude=draft.longitude if consent_at else None,
            content=draft.content,
            intake_channel=ctx.identity.channel,
            identity_id=ctx.identity.id,
            citizen_id=citizen_id,
            contact_name=name,
            contact_phone=phone,
            consent_at=consent_at if not anonymous or has_location else None,
        )
        self.finish(ctx, done=t.already_filed(code=petition.code))
        ctx.reply(
            t.filed(code=petition.code, days=profile.petitions.due_working_days),
            buttons=[track_button(ctx.texts, petition.code), menu_button(ctx.texts)],
            meta={"petition_code": petition.code, "status": petition.status},
        )

    async def reprompt_at(self, ctx: Context, step: IntakeStep, problem: str) -> None:
        ctx.reply(problem)
        await self.goto(ctx, step)


INTAKE = IntakeFlow()
