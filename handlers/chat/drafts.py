"""Petition drafts: the intake flow's typed draft, and a draft kept when the citizen leaves.

A draft with the citizen's words is never thrown away on a timeout or a detour to the menu: its
words and choices (never contact details or a map location — those need consent, asked again on
resuming) are kept for ``DRAFT_KEEP`` and offered again with a "continue" button.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import secrets
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from handlers.context import Context
from handlers.flow import FlowDraft
from handlers.memory import Remembered
from handlers.payloads import Payload
from handlers.texts import Texts
from handlers.texts.intake import IntakeTexts
from handlers.types import Button

DRAFT_KEEP = dt.timedelta(days=7)
KEPT_FIELDS = ("category", "parts", "attachments", "village", "place_text")


class IntakeStep(StrEnum):
    """The petition flow's questions, in order (contact, phone and consent are asked by
    ``intake_contact``)."""

    CATEGORY = "category"
    CONTENT = "content"
    PLACE = "place"
    SIMILAR = "similar"
    CONTACT = "contact"
    PHONE = "phone"
    CONSENT = "consent"
    SUMMARY = "summary"
    EDIT = "edit"


@dataclass
class IntakeDraft(FlowDraft):
    """Everything the petition flow collects before filing."""

    category: str | None = None
    parts: list[str] = field(default_factory=list)  # the content, one item per message
    attachments: list[dict[str, Any]] = field(default_factory=list)
    village: str | None = None
    place_text: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    name: str | None = None
    phone: str | None = None
    anonymous: bool = False
    consent_at: str | None = None  # ISO time of the consent to store the contact details
    editing: bool = False  # changing one part from the summary: go back to it afterwards
    replace_content: bool = False
    contact_fresh: bool = False  # do not offer the contact details kept from last time
    similar: list[dict[str, str]] = field(default_factory=list)  # offered similar petitions
    place_asked: bool = False  # asked which village the typed place means; keep its words

    @property
    def content(self) -> str:
        return "\n".join(self.parts)


@dataclass(frozen=True)
class ParkedDraft:
    """A draft kept after its flow ended: an id carried by its buttons, when, what."""

    id: str
    at: str
    data: dict[str, Any]

    @property
    def draft(self) -> IntakeDraft:
        return IntakeDraft.load(self.data)


PARKED = Remembered("draft", ParkedDraft)


@dataclass(frozen=True)
class DraftChoice(Payload, prefix="pdraft"):
    """Continue or drop a kept draft: ``pdraft:<draft id>:resume|new``."""

    draft_id: str
    choice: str

    def answers(self) -> str | None:
        return "yes" if self.choice == "resume" else None


def park(ctx: Context, draft: IntakeDraft) -> ParkedDraft | None:
    """Keep the draft's words for ``DRAFT_KEEP``; None if it had none."""
    values = dataclasses.asdict(draft)
    kept = {key: values[key] for key in KEPT_FIELDS if values.get(key)}
    if not kept.get("parts") and not kept.get("attachments"):
        return None
    parked = ParkedDraft(secrets.token_hex(4), ctx.now.isoformat(), kept)
    ctx.remember(PARKED, parked)
    return parked


def parked(ctx: Context) -> ParkedDraft | None:
    """The kept draft while it is fresh; an old one is forgotten here."""
    found = ctx.recall(PARKED)
    if found is None:
        return None
    if ctx.now - dt.datetime.fromisoformat(str(found.at)) > DRAFT_KEEP:
        ctx.forget(PARKED)
        return None
    return found


def resume_button(texts: Texts, kept: ParkedDraft) -> Button:
    return Button(
        text=IntakeTexts.of(texts).btn_resume(), payload=DraftChoice(kept.id, "resume").encode()
    )


def new_draft_button(texts: Texts, kept: ParkedDraft) -> Button:
    return Button(
        text=IntakeTexts.of(texts).btn_new_draft(), payload=DraftChoice(kept.id, "new").encode()
    )
