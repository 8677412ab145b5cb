"""Filing a petition in chat: category → content → place → (similar ones?) → contact → consent →
summary → tracking code.

The draft is the flow's data in the conversation row, so it survives a restart and is shared by
every process; an untouched draft expires after ``petitions.draft_expiry_hours`` with a message.
Every finite choice is a button bound to this flow instance and step, so an old, foreign or
double-tapped button (a second "confirm") changes nothing — exactly one petition is stored.

Contact details are optional. When given, the Decree 13/2023/NĐ-CP notice is shown and consent
recorded; refusing files the petition anonymously. Nothing personal goes to the staff group.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Mapping
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from handlers import texts as common
from handlers.context import Context, Services
from handlers.flow import Flow
from handlers.petitions import texts as t
from handlers.petitions.calendar import vn_date
from handlers.petitions.contact import (
    PhoneError,
    clean_name,
    format_phone,
    normalize_phone,
    split_contact,
)
from handlers.petitions.duplicates import excerpt, norm_content, rank_similar
from handlers.petitions.lifecycle import INTAKE_CHANNELS, OPEN_STATES, status_label
from handlers.petitions.ui import (
    MAX_MEDIA,
    accepts_media,
    media_items,
    preview,
    reply_choices,
)
from handlers.types import Button, Reply
from knowledge.normalize import fold
from knowledge.profile import Category, CommuneProfile, Village
from storage import citizens, outbox
from storage import petitions as repo
from storage.models import Petition

# Typed equivalents of the buttons older users may write instead of pressing (folded forms).
DONE_WORDS = {
    "xong",
    "xong roi",
    "da xong",
    "du roi",
    "het roi",
    "vay thoi",
    "the thoi",
    "ok",
    "oke",
    "okay",
    "roi",
    "duoc roi",
    "gui",
    "gui di",
    "het",
}
SKIP_WORDS = {
    "bo qua",
    "khong",
    "ko",
    "k",
    "khong co",
    "khong muon",
    "thoi",
    "an danh",
    "gui an danh",
    "khong can",
}
# Short replies that answer some other question: never anyone's name.
NOT_NAMES = DONE_WORDS | {"co", "vang", "da", "u", "uh", "dong y", "xac nhan", "tiep", "tiep tuc"}

MIN_CONTENT_CHARS = 15
MIN_CONTENT_WORDS = 3
MAX_CONTENT = 4000
MAX_PLACE = 300
DRAFT_KEY = "_draft"
DRAFT_KEEP = dt.timedelta(days=7)
# What a parked draft keeps: the citizen's words and choices, never contact details or a map
# location (those need consent, asked again on resuming).
KEPT_FIELDS = ("category", "parts", "attachments", "village", "place_text")


def content_problem(text: str) -> str | None:
    """Why ``text`` cannot be a petition's content yet (a message to show), or None."""
    text = text.strip()
    if not text:
        return t.CONTENT_EMPTY
    if len(text) > MAX_CONTENT:
        return t.CONTENT_TOO_LONG.format(
            length=f"{len(text):,}".replace(",", "."), max=f"{MAX_CONTENT:,}".replace(",", ".")
        )
    if len(text) < MIN_CONTENT_CHARS or len(text.split()) < MIN_CONTENT_WORDS:
        return t.CONTENT_TOO_SHORT.format(words=MIN_CONTENT_WORDS)
    return None


def said(text: str, words: set[str]) -> bool:
    """Did the citizen type one of these short answers (accents and punctuation ignored)?"""
    return fold(text) in words


def _words(text: str) -> str:
    return f" {fold(text)} "


def category_from_text(profile: CommuneProfile, text: str) -> Category | None:
    """A category typed instead of pressed: its number, name or a distinctive part of it."""
    folded = fold(text)
    if not folded:
        return None
    if folded.isdigit():
        index = int(folded) - 1
        return profile.categories[index] if 0 <= index < len(profile.categories) else None
    exact = [c for c in profile.categories if fold(c.name) == folded or c.id == text.strip()]
    if exact:
        return exact[0]
    if len(folded) < 3:
        return None
    hits = [c for c in profile.categories if f" {folded} " in _words(c.name)]
    return hits[0] if len(hits) == 1 else None


def village_in_text(profile: CommuneProfile, text: str) -> Village | None:
    """The village a typed place names ("cầu Đá thôn 3" → Thôn 3), the longest name winning."""
    words = _words(text)
    found = [v for v in profile.villages if _words(v.name) in words]
    return max(found, key=lambda v: len(v.name)) if found else None


def queue_staff_notice(
    session: AsyncSession, services: Services, petition: Petition, now: dt.datetime
) -> int:
    """Tell the staff group(s) a petition arrived: code, category, village — nothing personal.

    The targets are ``services.settings["staff_notices"]``: (channel, recipient) pairs that a
    channel adds when it is configured for it (TELEGRAM_STAFF_CHAT_ID). Returns how many notices
    were queued.
    """
    profile = services.profile
    category = profile.category(petition.category)
    village = profile.village(petition.village) if petition.village else None
    text = t.STAFF_NOTICE.format(
        code=petition.code,
        category=category.name if category else petition.category,
        village=village.name if village else (petition.village or "chưa nêu"),
        channel=INTAKE_CHANNELS.get(petition.intake_channel, petition.intake_channel),
    )
    targets = services.settings.get("staff_notices", [])
    for channel, recipient in targets:
        session.add(
            outbox.new_message(
                commune_id=petition.commune_id,
                channel=channel,
                recipient=recipient,
                body=Reply(text=text, meta={"petition_code": petition.code}).to_dict(),
                now=now,
                kind="notice",
                petition_id=petition.id,
            )
        )
    return len(targets)


def add_media(ctx: Context) -> tuple[int, bool]:
    """Keep the message's photos/files in the draft: (number added, whether some did not fit)."""
    items = media_items(ctx, ctx.inbound.attachments)
    if not items:
        return 0, False
    kept = list(ctx.data.get("attachments") or [])
    room = max(0, MAX_MEDIA - len(kept))
    ctx.update_data(attachments=kept + items[:room])
    return min(room, len(items)), len(items) > room


def _media_note(data: Mapping[str, Any]) -> str:
    count = len(data.get("attachments") or [])
    return t.MEDIA_ONLY.format(count=count) if count else ""


class IntakeFlow(Flow):
    """The petition draft, one question per message."""

    name = "petition"
    first_step = "category"

    # --- framework hooks ------------------------------------------------------------------

    async def on_cancel(self, ctx: Context) -> None:
        ctx.end_flow()
        ctx.reply(t.CANCELLED, buttons=common.main_menu_buttons())

    async def on_expire(self, ctx: Context) -> str:
        hours = ctx.profile.petitions.draft_expiry_hours
        draft = park_draft(ctx)
        ctx.end_flow()
        if draft is None:
            return t.EXPIRED.format(hours=hours)
        ctx.reply(
            t.EXPIRED_KEPT.format(hours=hours, days=DRAFT_KEEP.days),
            buttons=[resume_button(draft), common.menu_button()],
        )
        return ""

    async def on_menu(self, ctx: Context) -> str:
        """The citizen asked for the menu mid-draft: keep what they wrote, then show it."""
        draft = park_draft(ctx)
        ctx.end_flow()
        return t.PAUSED if draft else t.PAUSED_EMPTY

    async def handle(self, ctx: Context, value: str | None) -> None:
        """Photos sent at any step are kept for the petition, never dropped."""
        msg = ctx.inbound
        if value is None and msg.attachments and ctx.step != "content":
            ctx.touch_flow(self.ttl(ctx))
            added, overflow = add_media(ctx)
            if not msg.clean_text and msg.location is None and msg.contact is None:
                if added:
                    ctx.reply(t.MEDIA_RECEIVED.format(count=added))
                if overflow:
                    ctx.reply(t.MEDIA_FULL.format(max=MAX_MEDIA))
                await self.prompt(ctx)
                return
        await super().handle(ctx, value)

    async def _next(self, ctx: Context, step: str) -> None:
        """Move on; while editing from the summary, go straight back to it."""
        if ctx.data.get("editing"):
            await self.goto(ctx, "summary")
        elif step == "similar":
            await self._offer_similar(ctx)
        else:
            await self.goto(ctx, step)

    # --- 1. category ------------------------------------------------------------------------

    async def prompt_category(self, ctx: Context) -> None:
        buttons = [ctx.button(c.name, c.id) for c in ctx.profile.categories]
        reply_choices(ctx, t.ASK_CATEGORY, buttons, tail=[self.cancel_button()])

    async def on_category(self, ctx: Context, value: str | None) -> None:
        profile = ctx.profile
        text = ctx.inbound.clean_text
        category = profile.category(value) if value else category_from_text(profile, text)
        if category is None:
            story = value is None and text and not ctx.data.get("parts")
            if story and content_problem(text) is None:
                # The citizen told the story first: keep it for the next step.
                ctx.update_data(parts=[text])
                await self.reprompt(ctx, t.CONTENT_KEPT_FOR_LATER)
                return
            await self.reprompt(ctx, t.CATEGORY_HELP)
            return
        ctx.update_data(category=category.id)
        await self._next(ctx, "content")

    # --- 2. content ---------------------------------------------------------------------------

    async def prompt_content(self, ctx: Context) -> None:
        data = ctx.data
        parts = list(data.get("parts") or [])
        media = _media_note(data)
        cancel = self.cancel_button()
        photos = accepts_media(ctx)
        if not parts:
            lead = t.MEDIA_RECEIVED.format(count=len(data["attachments"])) + "\n" if media else ""
            ask = t.ASK_CONTENT + (t.ASK_CONTENT_MEDIA if photos and not media else "")
            ctx.reply(lead + ask, buttons=[cancel])
            return
        content = "\n".join(parts)
        shown = preview(content, 500)
        if data.get("replace_content"):
            replace = t.CONTENT_REPLACE_MEDIA if photos else t.CONTENT_REPLACE
            ctx.reply(
                replace.format(preview=shown, media=media),
                buttons=[ctx.button(t.BTN_KEEP, "done"), cancel],
            )
        elif content_problem(content) is None:
            more = t.CONTENT_ADD_MORE_MEDIA if photos else t.CONTENT_ADD_MORE
            if parts == [ctx.inbound.clean_text]:
                head = t.CONTENT_NOTED.format(media=media)
            else:
                head = t.CONTENT_SO_FAR.format(preview=shown, media=media)
            ctx.reply(head + more, buttons=[ctx.button(t.BTN_DONE, "done"), cancel])
        else:
            ctx.reply(
                t.CONTENT_SO_FAR.format(preview=shown, media=media) + t.CONTENT_NEEDS_MORE,
                buttons=[cancel],
            )

    async def on_content(self, ctx: Context, value: str | None) -> None:
        data = ctx.data
        parts = list(data.get("parts") or [])
        if value is None and parts and said(ctx.inbound.clean_text, DONE_WORDS):
            value = "done"
        if value == "done":
            problem = content_problem("\n".join(parts))
            if problem is not None:
                await self.reprompt(ctx, problem)
                return
            ctx.update_data(replace_content=False)
            await self._next(ctx, "place")
            return
        if value is not None:
            await self.prompt(ctx)
            return
        msg = ctx.inbound
        text = msg.clean_text
        if not text and not msg.attachments:
            await self.reprompt(ctx, t.CONTENT_EMPTY)
            return
        problem = None
        if text:
            base = [] if data.get("replace_content") else parts
            combined = "\n".join([*base, text])
            problem = content_problem(combined)
            if problem is not None and len(combined) > MAX_CONTENT:
                await self.reprompt(ctx, problem)  # nothing of this message is kept
                return
            if problem is None:
                ctx.update_data(parts=[*base, text], replace_content=False)
        if msg.attachments:
            _added, overflow = add_media(ctx)
            if overflow:
                ctx.reply(t.MEDIA_FULL.format(max=MAX_MEDIA))
        if problem is not None:
            await self.reprompt(ctx, problem)
            return
        await self.prompt(ctx)

    # --- 3. place -----------------------------------------------------------------------------

    async def prompt_place(self, ctx: Context) -> None:
        profile = ctx.profile
        # The village the story names comes first; else the one of the citizen's QR code.
        told = village_in_text(profile, "\n".join(ctx.data.get("parts") or []))
        mine = told or profile.village(str(ctx.data.get("_village") or ""))
        buttons = []
        if mine is not None:
            buttons.append(ctx.button(t.MY_VILLAGE.format(name=mine.name), "v:" + mine.id))
        buttons += [ctx.button(v.name, "v:" + v.id) for v in profile.villages if v is not mine]
        tail = [
            Button(text=t.BTN_SHARE_LOCATION, request="location"),
            ctx.button(t.BTN_SKIP, "skip"),
            self.cancel_button(),
        ]
        reply_choices(ctx, t.ASK_PLACE, buttons, tail)

    async def on_place(self, ctx: Context, value: str | None) -> None:
        msg = ctx.inbound
        cleared = {"village": None, "place_text": None, "latitude": None, "longitude": None}
        if value is None and said(msg.clean_text, SKIP_WORDS):
            value = "skip"
        if value == "skip":
            ctx.update_data(**cleared)
        elif value is not None and value.startswith("v:"):
            village = ctx.profile.village(value[2:])
            if village is None:
                await self.reprompt(ctx, t.PLACE_HELP)
                return
            ctx.update_data(**{**cleared, "village": village.id})
        elif value is not None:
            await self.reprompt(ctx, t.PLACE_HELP)
            return
        elif msg.location is not None:
            mine = ctx.profile.village(str(ctx.data.get("_village") or ""))
            ctx.update_data(
                **{
                    **cleared,
                    "village": mine.id if mine else None,
                    "latitude": float(msg.location.latitude),
                    "longitude": float(msg.location.longitude),
                }
            )
            if ctx.data.get("editing"):  # shared after the consent step: ask it again
                ctx.update_data(consent_at=None)
                await self.goto(ctx, "consent")
                return
        else:
            text = msg.clean_text
            if len(text) < 2:
                await self.reprompt(ctx, t.PLACE_HELP)
                return
            if len(text) > MAX_PLACE:
                await self.reprompt(ctx, t.PLACE_TOO_LONG.format(max=MAX_PLACE))
                return
            village = village_in_text(ctx.profile, text)
            ctx.update_data(
                **{**cleared, "place_text": text, "village": village.id if village else None}
            )
        await self._next(ctx, "similar")

    # --- 3b. similar open petitions -----------------------------------------------------------

    async def _offer_similar(self, ctx: Context) -> None:
        data = ctx.data
        content = "\n".join(data.get("parts") or [])
        candidates = await repo.similar_candidates(ctx.session, ctx.commune_id, OPEN_STATES)
        found = rank_similar(
            norm_content(content), data.get("category"), data.get("village"), candidates
        )
        if not found:
            await self.goto(ctx, "contact")
            return
        profile = ctx.profile
        items = []
        for n, hit in enumerate(found, start=1):
            c = hit.candidate
            category = profile.category(c.category)
            village = profile.village(c.village) if c.village else None
            items.append(
                {
                    "code": c.code,
                    "text": t.SIMILAR_ITEM.format(
                        n=n,
                        category=category.name if category else c.category,
                        village=f", {village.name}" if village else "",
                        status=status_label(c.status).lower(),
                        date=vn_date(c.created_at),
                        excerpt=excerpt(c.content),
                    ),
                }
            )
        ctx.update_data(similar=items)
        await self.goto(ctx, "similar")

    async def prompt_similar(self, ctx: Context) -> None:
        items = ctx.data.get("similar") or []
        buttons = [
            ctx.button(t.BTN_FOLLOW.format(n=n), "follow:" + item["code"])
            for n, item in enumerate(items, start=1)
        ]
        buttons.append(ctx.button(t.BTN_FILE_ANYWAY, "new"))
        reply_choices(
            ctx,
            t.SIMILAR_INTRO.format(items="\n".join(item["text"] for item in items)),
            buttons,
            tail=[self.cancel_button()],
        )

    async def on_similar(self, ctx: Context, value: str | None) -> None:
        if value == "new":
            await self.goto(ctx, "contact")
            return
        codes = [item["code"] for item in ctx.data.get("similar") or []]
        code = value[len("follow:") :] if value and value.startswith("follow:") else None
        petition = await repo.get_by_code(ctx.session, code) if code in codes else None
        if petition is None or petition.commune_id != ctx.commune_id:
            await self.reprompt(ctx, t.SIMILAR_HELP)
            return
        self.finish(ctx)
        buttons = [
            Button(text=t.BTN_TRACK_THIS, payload=f"ptrack:{petition.code}"),
            common.menu_button(),
        ]
        if petition.identity_id == ctx.identity.id:
            ctx.reply(t.OWN_PETITION.format(code=petition.code), buttons=buttons)
            return
        await repo.add_follower(ctx.session, petition.id, ctx.identity.id, ctx.now)
        ctx.reply(
            t.FOLLOWING.format(code=petition.code),
            buttons=buttons,
            meta={"followed_code": petition.code},
        )

    # --- 4. contact ---------------------------------------------------------------------------

    async def prompt_contact(self, ctx: Context) -> None:
        citizen = None
        if not ctx.data.get("contact_fresh"):
            citizen = await citizens.get_active(ctx.session, ctx.identity.citizen_id)
        if citizen is not None and (citizen.name or citizen.phone):
            phone = format_phone(citizen.phone) if citizen.phone else ""
            ctx.reply(
                t.ASK_REUSE.format(
                    name=citizen.name or "", phone=(", " if citizen.name else "") + phone
                ),
                buttons=[
                    ctx.button(t.BTN_REUSE, "reuse"),
                    ctx.button(t.BTN_OTHER_CONTACT, "other"),
                    ctx.button(t.BTN_ANONYMOUS, "anon"),
                    self.cancel_button(),
                ],
            )
            return
        ctx.reply(
            t.ASK_NAME,
            buttons=[
                Button(text=t.BTN_SHARE_CONTACT, request="contact"),
                ctx.button(t.BTN_ANONYMOUS, "anon"),
                self.cancel_button(),
            ],
        )

    def _clear_contact(self, ctx: Context) -> None:
        ctx.update_data(name=None, phone=None, anonymous=False, consent_at=None)

    async def on_contact(self, ctx: Context, value: str | None) -> None:
        msg = ctx.inbound
        if value is None and said(msg.clean_text, SKIP_WORDS):
            value = "anon"
        if value == "anon":
            # The summary's "Người gửi: ẩn danh (…không thể gọi điện lại…)" says what it means.
            ctx.update_data(name=None, phone=None, anonymous=True, consent_at=None)
            await self.goto(ctx, "consent" if self._has_location(ctx) else "summary")
            return
        if value == "reuse":
            citizen = await citizens.get_active(ctx.session, ctx.identity.citizen_id)
            if citizen is None or citizen.consent_at is None:
                ctx.update_data(contact_fresh=True)
                await self.prompt(ctx)
                return
            ctx.update_data(
                name=citizen.name,
                phone=citizen.phone,
                anonymous=False,
                consent_at=citizen.consent_at.isoformat(),
            )
            if self._has_location(ctx):  # consent given before did not cover a map location
                ctx.update_data(consent_at=None)
                await self.goto(ctx, "consent")
                return
            await self.goto(ctx, "summary")
            return
        if value == "other":
            ctx.update_data(contact_fresh=True)
            await self.prompt(ctx)
            return
        if value is not None:
            await self.prompt(ctx)
            return
        if msg.contact is not None:
            try:
                phone = normalize_phone(msg.contact.phone)
            except PhoneError:
                await self.reprompt(ctx, t.PHONE_INVALID)
                return
            self._clear_contact(ctx)
            ctx.update_data(name=clean_name(msg.contact.name or ""), phone=phone)
            await self.goto(ctx, "consent")
            return
        if said(msg.clean_text, NOT_NAMES):
            ctx.reply(
                t.ASK_NAME_AGAIN,
                buttons=[
                    Button(text=t.BTN_SHARE_CONTACT, request="contact"),
                    ctx.button(t.BTN_ANONYMOUS, "anon"),
                    self.cancel_button(),
                ],
            )
            return
        try:
            parsed = split_contact(msg.clean_text)
        except PhoneError as err:
            await self.reprompt(ctx, t.PHONE_HAS_LETTERS if err.letters else t.PHONE_INVALID)
            return
        if parsed.name is None and parsed.phone is None:
            await self.reprompt(ctx, t.NAME_INVALID.format(max=100))
            return
        self._clear_contact(ctx)
        ctx.update_data(name=parsed.name, phone=parsed.phone)
        await self.goto(ctx, "consent" if parsed.phone else "phone")

    async def prompt_phone(self, ctx: Context) -> None:
        ctx.reply(
            t.ASK_PHONE,
            buttons=[
                Button(text=t.BTN_SHARE_CONTACT, request="contact"),
                ctx.button(t.BTN_NO_PHONE, "skip"),
                self.cancel_button(),
            ],
        )

    async def on_phone(self, ctx: Context, value: str | None) -> None:
        msg = ctx.inbound
        if value is None and said(msg.clean_text, SKIP_WORDS):
            value = "skip"
        if value == "skip":
            ctx.update_data(phone=None)
            await self.goto(ctx, "consent")
            return
        if value is not None:
            await self.prompt(ctx)
            return
        raw = msg.contact.phone if msg.contact is not None else msg.clean_text
        try:
            phone = normalize_phone(raw)
        except PhoneError as err:
            await self.reprompt(ctx, t.PHONE_HAS_LETTERS if err.letters else t.PHONE_INVALID)
            return
        ctx.update_data(phone=phone)
        await self.goto(ctx, "consent")

    # --- 4b. consent (Decree 13/2023/NĐ-CP) ------------------------------------------------

    async def prompt_consent(self, ctx: Context) -> None:
        data = ctx.data
        what = [
            w
            for w, present in (
                ("họ tên", data.get("name")),
                ("số điện thoại", data.get("phone")),
                ("vị trí trên bản đồ", data.get("latitude") is not None),
            )
            if present
        ]
        ctx.reply(
            t.ASK_CONSENT.format(what=", ".join(what) or "họ tên, số điện thoại"),
            buttons=[
                ctx.button(t.BTN_AGREE, "yes"),
                ctx.button(t.BTN_DISAGREE, "no"),
                self.cancel_button(),
            ],
        )

    @staticmethod
    def _has_location(ctx: Context) -> bool:
        """A shared map location is personal data too: it needs the same consent."""
        return ctx.data.get("latitude") is not None

    async def on_consent(self, ctx: Context, value: str | None) -> None:
        if value == "yes":
            data = ctx.data
            named = bool(data.get("name") or data.get("phone"))
            ctx.update_data(consent_at=ctx.now.isoformat(), anonymous=not named)
        elif value == "no":
            ctx.update_data(
                name=None,
                phone=None,
                latitude=None,
                longitude=None,
                anonymous=True,
                consent_at=None,
            )
            ctx.reply(t.CONSENT_REFUSED)
        else:
            await self.reprompt(ctx, t.CONSENT_HELP)
            return
        await self.goto(ctx, "summary")

    # --- 5. summary, edit, file ---------------------------------------------------------------

    def _contact_line(self, data: Mapping[str, Any]) -> str:
        if data.get("anonymous") or not (data.get("name") or data.get("phone")):
            return t.ANONYMOUS
        phone = format_phone(data["phone"]) if data.get("phone") else ""
        return ", ".join(p for p in (data.get("name"), phone) if p)

    def _place_line(self, profile: CommuneProfile, data: Mapping[str, Any]) -> str:
        village = profile.village(data["village"]) if data.get("village") else None
        parts = []
        if data.get("place_text"):
            parts.append(str(data["place_text"]))
        elif village is not None:
            parts.append(village.name)
        if data.get("latitude") is not None:
            parts.append(t.SHARED_LOCATION)
        return ", ".join(parts) or t.NO_PLACE

    async def prompt_summary(self, ctx: Context) -> None:
        data = ctx.data
        if data.get("editing"):
            ctx.update_data(editing=False)
        category = ctx.profile.category(str(data.get("category") or ""))
        ctx.reply(
            t.SUMMARY.format(
                category=category.name if category else "?",
                content=preview("\n".join(data.get("parts") or []), 600),
                media=_media_note(data),
                place=self._place_line(ctx.profile, data),
                contact=self._contact_line(data),
            ),
            buttons=[
                ctx.button(t.BTN_CONFIRM, "confirm"),
                ctx.button(t.BTN_EDIT, "edit"),
                self.cancel_button(),
            ],
        )

    async def on_summary(self, ctx: Context, value: str | None) -> None:
        if value == "confirm":
            await self._file(ctx)
        elif value == "edit":
            await self.goto(ctx, "edit")
        else:
            await self.reprompt(ctx, t.SUMMARY_HELP)

    async def prompt_edit(self, ctx: Context) -> None:
        ctx.reply(
            t.ASK_EDIT,
            buttons=[
                ctx.button(t.BTN_EDIT_CATEGORY, "category"),
                ctx.button(t.BTN_EDIT_CONTENT, "content"),
                ctx.button(t.BTN_EDIT_PLACE, "place"),
                ctx.button(t.BTN_EDIT_CONTACT, "contact"),
                ctx.button(t.BTN_BACK, "back"),
            ],
        )

    async def on_edit(self, ctx: Context, value: str | None) -> None:
        if value == "back":
            await self.goto(ctx, "summary")
        elif value in ("category", "place"):
            ctx.update_data(editing=True)
            await self.goto(ctx, value)
        elif value == "content":
            ctx.update_data(editing=True, replace_content=True)
            await self.goto(ctx, "content")
        elif value == "contact":
            ctx.update_data(editing=True, contact_fresh=False)
            self._clear_contact(ctx)
            await self.goto(ctx, "contact")
        else:
            await self.reprompt(ctx, t.EDIT_HELP)

    async def _file(self, ctx: Context) -> None:
        data = ctx.data
        profile = ctx.profile
        category = profile.category(str(data.get("category") or ""))
        if category is None:  # the profile changed while the draft waited
            ctx.update_data(editing=True)
            await self.reprompt_at(ctx, "category", t.CATEGORY_GONE)
            return
        content = "\n".join(data.get("parts") or [])
        problem = content_problem(content)
        if problem is not None:
            ctx.update_data(editing=True)
            await self.reprompt_at(ctx, "content", problem)
            return
        consent_at = None
        if data.get("consent_at"):  # anonymous too: a shared map location needs it
            consent_at = dt.datetime.fromisoformat(data["consent_at"])
        name = data.get("name") if consent_at else None
        phone = data.get("phone") if consent_at else None
        anonymous = not (name or phone)
        has_location = consent_at is not None and data.get("latitude") is not None
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
        village = profile.village(str(data.get("village") or ""))
        petition = await repo.create_petition(
            ctx.session,
            now=ctx.now,
            event_actor=("citizen", None, "Người dân gửi qua chat"),
            attachments=list(data.get("attachments") or []),
            commune_id=ctx.commune_id,
            category=category.id,
            committee=category.committee,
            village=village.id if village else None,
            place_text=(data.get("place_text") or None),
            latitude=data.get("latitude") if consent_at else None,
            longitude=data.get("longitude") if consent_at else None,
            content=content,
            content_norm=norm_content(content),
            intake_channel=ctx.identity.channel,
            identity_id=ctx.identity.id,
            citizen_id=citizen_id,
            anonymous=anonymous,
            contact_name=name,
            contact_phone=phone,
            consent_at=consent_at if not anonymous or has_location else None,
        )
        queue_staff_notice(ctx.session, ctx.services, petition, ctx.now)
        self.finish(ctx, done=t.ALREADY_FILED.format(code=petition.code))
        ctx.reply(
            t.FILED.format(code=petition.code, days=profile.petitions.due_working_days),
            buttons=[
                Button(text=t.BTN_TRACK_THIS, payload=f"ptrack:{petition.code}"),
                common.menu_button(),
            ],
            meta={"petition_code": petition.code, "status": petition.status},
        )

    async def reprompt_at(self, ctx: Context, step: str, problem: str) -> None:
        ctx.reply(problem)
        await self.goto(ctx, step)


# --- starting points ------------------------------------------------------------------------


def _intake(ctx: Context) -> IntakeFlow:
    flow = ctx.registry.flows[IntakeFlow.name]
    assert isinstance(flow, IntakeFlow)
    return flow


async def start_intake(ctx: Context, args: str = "") -> None:
    """/kiennghi [nội dung]; during a draft the router re-asks where it stands instead.

    A draft kept from before (a timeout, a detour to the menu) is offered first, so nothing the
    citizen wrote is lost; new words given with the command start a new petition right away.
    """
    if ctx.flow == IntakeFlow.name:
        return
    text = args.strip()
    draft = parked_draft(ctx)
    if draft is not None and not text:
        content = "\n".join(draft["data"].get("parts") or []) or "(chỉ có ảnh/tệp)"
        ctx.reply(
            t.DRAFT_FOUND.format(
                date=vn_date(dt.datetime.fromisoformat(draft["at"])), preview=preview(content, 300)
            ),
            buttons=[
                resume_button(draft),
                Button(text=t.BTN_NEW_DRAFT, payload=f"poffer:{draft['id']}:new"),
                common.menu_button(),
            ],
        )
        return
    data: dict[str, Any] = {}
    if text and len(text) <= MAX_CONTENT:
        data["parts"] = [text]
    await _intake(ctx).start(ctx, data)


def park_draft(ctx: Context) -> dict[str, Any] | None:
    """Keep the open draft's words in the sticky data for ``DRAFT_KEEP``; None if it had none."""
    data = ctx.data
    kept = {key: data[key] for key in KEPT_FIELDS if data.get(key)}
    if not kept.get("parts") and not kept.get("attachments"):
        return None
    draft = {"id": secrets.token_hex(4), "at": ctx.now.isoformat(), "data": kept}
    ctx.remember(DRAFT_KEY, draft)
    return draft


def parked_draft(ctx: Context) -> dict[str, Any] | None:
    """The kept draft while it is fresh; an old one is forgotten here."""
    draft = (ctx.state.data or {}).get(DRAFT_KEY)
    if not isinstance(draft, dict) or not isinstance(draft.get("data"), dict):
        return None
    if ctx.now - dt.datetime.fromisoformat(str(draft.get("at"))) > DRAFT_KEEP:
        _forget(ctx, DRAFT_KEY)
        return None
    return draft


def resume_button(draft: Mapping[str, Any]) -> Button:
    return Button(text=t.BTN_RESUME, payload=f"poffer:{draft['id']}:resume")


async def on_draft_choice(ctx: Context, nonce: str, choice: str) -> None:
    """poffer:<id>:resume|new for a kept draft."""
    draft = (ctx.state.data or {}).get(DRAFT_KEY)
    if not isinstance(draft, dict) or draft.get("id") != nonce:
        ctx.reply(common.STALE_BUTTON, buttons=common.main_menu_buttons())
        return
    if parked_draft(ctx) is None:
        ctx.reply(t.DRAFT_GONE.format(days=DRAFT_KEEP.days), buttons=common.main_menu_buttons())
        return
    if ctx.flow:
        return  # something is open: the router shows where it stands; the draft stays kept
    _forget(ctx, DRAFT_KEY)
    if choice == "new":
        await _intake(ctx).start(ctx, {})
        return
    data = dict(draft["data"])
    step = "content" if data.get("category") else "category"
    await _intake(ctx).start(ctx, data, step=step)


OFFER_KEY = "_offer"


async def offer_petition(ctx: Context, match: Any) -> None:
    """The matcher thinks the message reports a problem: offer to file it as it is.

    The text waits in the conversation's sticky data under a fresh id carried by the buttons; the
    citizen's next message is routed as usual (an offer is not a flow and captures nothing), and
    only a press of this offer's own "Gửi" button uses the text.
    """
    text = ctx.inbound.clean_text
    nonce = secrets.token_hex(4)
    ctx.remember(
        OFFER_KEY,
        {
            "id": nonce,
            "text": text if len(text) <= MAX_CONTENT else "",
            "too_long": len(text) > MAX_CONTENT,
            "at": ctx.now.isoformat(),
        },
    )
    ctx.reply(
        t.OFFER,
        buttons=[
            Button(text=t.BTN_OFFER_YES, payload=f"poffer:{nonce}:yes"),
            Button(text=t.BTN_OFFER_NO, payload=f"poffer:{nonce}:no"),
            common.menu_button(),
        ],
        meta={"intent": "petition", "score": round(float(getattr(match, "score", 0.0)), 3)},
    )


def _forget(ctx: Context, key: str) -> None:
    ctx.state.data = {k: v for k, v in (ctx.state.data or {}).items() if k != key}


async def on_offer_payload(ctx: Context, argument: str) -> None:
    """poffer:<id>:yes|no — only the latest, unexpired offer of this user counts.

    The same prefix carries the choice about a kept draft (``resume``/``new``).
    """
    nonce, _, choice = argument.partition(":")
    if choice in ("resume", "new"):
        await on_draft_choice(ctx, nonce, choice)
        return
    offer = (ctx.state.data or {}).get(OFFER_KEY)
    fresh = False
    if isinstance(offer, dict) and offer.get("id") == nonce and choice in ("yes", "no"):
        made = dt.datetime.fromisoformat(str(offer.get("at")))
        fresh = ctx.now - made <= ctx.services.flow_ttl
    if not fresh:
        ctx.reply(common.STALE_BUTTON, buttons=common.main_menu_buttons())
        return
    _forget(ctx, OFFER_KEY)
    if choice == "no":
        ctx.reply(t.OFFER_DECLINED, buttons=common.main_menu_buttons())
        return
    if ctx.flow == IntakeFlow.name:
        return  # a draft is open: the router shows where it stands
    data: dict[str, Any] = {}
    if offer.get("text"):
        data["parts"] = [offer["text"]]
    if offer.get("too_long"):
        ctx.reply(t.OFFER_TOO_LONG.format(max=f"{MAX_CONTENT:,}".replace(",", ".")))
    await _intake(ctx).start(ctx, data)
