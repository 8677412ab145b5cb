"""The petition draft's personal-data steps: name, phone, and the Decree 13/2023/NĐ-CP consent.

Contact details are optional. When given, the consent notice says what is kept, why, who sees it
and until when; refusing files the petition anonymously. A shared map location is personal data
too and needs the same consent. Details given for an earlier petition are offered again.
"""

from __future__ import annotations

from handlers.chat.contact import (
    PhoneError,
    clean_name,
    format_phone,
    normalize_phone,
    split_contact,
)
from handlers.chat.drafts import IntakeDraft, IntakeStep
from handlers.chat.intake_words import NOT_NAMES, SKIP_WORDS, said
from handlers.context import Context
from handlers.flow import Flow
from handlers.texts.intake import IntakeTexts
from handlers.types import Button
from storage import citizens

Step = IntakeStep


class ContactSteps(Flow[IntakeDraft]):
    """Steps 4 (contact, phone) and 4b (consent) of ``IntakeFlow``."""

    def _clear_contact(self, ctx: Context) -> None:
        self.update(ctx, name=None, phone=None, anonymous=False, consent_at=None)

    @staticmethod
    def _has_location(draft: IntakeDraft) -> bool:
        """A shared map location is personal data too: it needs the same consent."""
        return draft.latitude is not None

    def _ask_name_buttons(self, ctx: Context) -> list[Button]:
        t = IntakeTexts.of(ctx.texts)
        return [
            Button(text=t.btn_share_contact(), request="contact"),
            ctx.button(t.btn_anonymous(), "anon"),
            self.cancel_button(ctx),
        ]

    async def prompt_contact(self, ctx: Context) -> None:
        t = IntakeTexts.of(ctx.texts)
        citizen = None
        if not self.draft(ctx).contact_fresh:
            citizen = await citizens.get_active(ctx.session, ctx.identity.citizen_id)
        if citizen is not None and (citizen.name or citizen.phone):
            phone = format_phone(citizen.phone) if citizen.phone else ""
            ctx.reply(
                t.ask_reuse(name=citizen.name or "", phone=(", " if citizen.name else "") + phone),
                buttons=[
                    ctx.button(t.btn_reuse(), "reuse"),
                    ctx.button(t.btn_other_contact(), "other"),
                    ctx.button(t.btn_anonymous(), "anon"),
                    self.cancel_button(ctx),
                ],
            )
            return
        ctx.reply(t.ask_name(), buttons=self._ask_name_buttons(ctx))

    async def on_contact(self, ctx: Context, value: str | None) -> None:
        t = IntakeTexts.of(ctx.texts)
        msg = ctx.inbound
        if value is None and said(msg.clean_text, SKIP_WORDS):
            value = "anon"
        if value == "anon":
            # The summary's "Người gửi: ẩn danh (…không thể gọi điện lại…)" says what it means.
            draft = self.update(ctx, name=None, phone=None, anonymous=True, consent_at=None)
            await self.goto(ctx, Step.CONSENT if self._has_location(draft) else Step.SUMMARY)
            return
        if value == "reuse":
            citizen = await citizens.get_active(ctx.session, ctx.identity.citizen_id)
            if citizen is None or citizen.consent_at is None:
                self.update(ctx, contact_fresh=True)
                await self.prompt(ctx)
                return
            draft = self.update(
                ctx,
                name=citizen.name,
                phone=citizen.phone,
                anonymous=False,
                consent_at=citizen.consent_at.isoformat(),
            )
            if self._has_location(draft):  # consent given before did not cover a map location
                self.update(ctx, consent_at=None)
                await self.goto(ctx, Step.CONSENT)
                return
            await self.goto(ctx, Step.SUMMARY)
            return
        if value == "other":
            self.update(ctx, contact_fresh=True)
            await self.prompt(ctx)
            return
        if value is not None:
            await self.prompt(ctx)
            return
        if msg.contact is not None:
            try:
                phone = normalize_phone(msg.contact.phone)
            except PhoneError:
                await self.reprompt(ctx, t.phone_invalid())
                return
            self._clear_contact(ctx)
            self.update(ctx, name=clean_name(msg.contact.name or ""), phone=phone)
            await self.goto(ctx, Step.CONSENT)
            return
        if said(msg.clean_text, NOT_NAMES):
            ctx.reply(t.ask_name_again(), buttons=self._ask_name_buttons(ctx))
            return
        try:
            parsed = split_contact(msg.clean_text)
        except PhoneError as err:
            await self.reprompt(ctx, t.phone_has_letters() if err.letters else t.phone_invalid())
            return
        if parsed.name is None and parsed.phone is None:
            await self.reprompt(ctx, t.name_invalid(max=100))
            return
        self._clear_contact(ctx)
        self.update(ctx, name=parsed.name, phone=parsed.phone)
        await self.goto(ctx, Step.CONSENT if parsed.phone else Step.PHONE)

    async def prompt_phone(self, ctx: Context) -> None:
        t = IntakeTexts.of(ctx.texts)
        ctx.reply(
            t.ask_phone(),
            buttons=[
                Button(text=t.btn_share_contact(), request="contact"),
                ctx.button(t.btn_no_phone(), "skip"),
                self.cancel_button(ctx),
            ],
        )

    async def on_phone(self, ctx: Context, value: str | None) -> None:
        t = IntakeTexts.of(ctx.texts)
        msg = ctx.inbound
        if value is None and said(msg.clean_text, SKIP_WORDS):
            value = "skip"
        if value == "skip":
            self.update(ctx, phone=None)
            await self.goto(ctx, Step.CONSENT)
            return
        if value is not None:
            await self.prompt(ctx)
            return
        raw = msg.contact.phone if msg.contact is not None else msg.clean_text
        try:
            phone = normalize_phone(raw)
        except PhoneError as err:
            await self.reprompt(ctx, t.phone_has_letters() if err.letters else t.phone_invalid())
            return
        self.update(ctx, phone=phone)
        await self.goto(ctx, Step.CONSENT)

    async def prompt_consent(self, ctx: Context) -> None:
        t = IntakeTexts.of(ctx.texts)
        draft = self.draft(ctx)
        present = {
            "name": bool(draft.name),
            "phone": bool(draft.phone),
            "location": draft.latitude is not None,
        }
        what = [t.consent_items[key]() for key, there in present.items() if there]
        ctx.reply(
            t.ask_consent(
                what=", ".join(what) or t.consent_default(),
                days=ctx.services.personal_data_retention_days,
            ),
            buttons=[
                ctx.button(t.btn_agree(), "yes"),
                ctx.button(t.btn_disagree(), "no"),
                self.cancel_button(ctx),
            ],
        )

    async def on_consent(self, ctx: Context, value: str | None) -> None:
        t = IntakeTexts.of(ctx.texts)
        if value == "yes":
            draft = self.draft(ctx)
            named = bool(draft.name or draft.phone)
            self.update(ctx, consent_at=ctx.now.isoformat(), anonymous=not named)
        elif value == "no":
            self.update(
                ctx,
                name=None,
                phone=None,
                latitude=None,
                longitude=None,
                anonymous=True,
                consent_at=None,
            )
            ctx.reply(t.consent_refused())
        else:
            await self.reprompt(ctx, t.consent_help())
            return
        await self.goto(ctx, Step.SUMMARY)
