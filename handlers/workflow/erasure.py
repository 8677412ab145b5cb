"""Erasing a citizen's personal data: what goes, and how it is found in free text.

Decree 13/2023/NĐ-CP gives the data subject the right to withdraw consent and have their data
deleted (``/xoadulieu`` in chat, or Zalo's "withdraw consent" event). ``erase_identity``:

* blanks the citizen row (name, phone, consent) and unlinks every chat identity from it;
* every petition filed from this identity or by this citizen loses its contact snapshot, shared
  location, attachments and links (identity, citizen) and is marked anonymised; its version is
  bumped so a staff page opened before cannot write the data back;
* the name and phone are scrubbed from those petitions' texts and timeline notes, from messages
  about them and from the unanswered-questions list — a citizen writes "tôi là Vũ Thị Hoa, số
  0934 567 890", staff note "đã gọi chị Hoa 0934567890" — and, in the citizen's own words, every
  phone-shaped number too;
* the identity stops following petitions and its message history is removed, the words of its
  hand-off conversations with staff too (an open one is closed; the counts stay for reports);
* the petitions' content stays, anonymous, for statistics.

Storage only runs the queries (``storage.citizens``); the rules are here.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy.ext.asyncio import AsyncSession

from storage import citizens as store
from storage import handoff as handoff_store
from storage import reach
from storage.models import ChannelIdentity

REDACTED = "[đã xóa]"
REDACTED_NORM = "***"  # in normalised copies (no diacritics, no brackets)
_SEP = r"[\s.\-]?"
# A Vietnamese phone number as people type it: 0912345678, 0912 345 678, +84 912.345.678, 024…
# (A bare "84…" is left alone: "8.400.000.000 đồng" is an amount, not a phone.)
PHONE_SHAPED = re.compile(r"(?<![\d])(?:\+\s?84|0)(?:[\s.\-]?\d){8,10}(?![\d])")


def _fold(char: str) -> str:
    """A letter without its Vietnamese marks, lower case ('Ữ' → 'u', 'Đ' → 'd')."""
    if char in "đĐ":
        return "d"
    return unicodedata.normalize("NFD", char)[0].lower()


@lru_cache(maxsize=1)
def _variants() -> dict[str, str]:
    """For each base letter, a regex class of every Latin letter that folds to it."""
    table: dict[str, set[str]] = {}
    for code in itertools.chain(
        range(0x41, 0x5B), range(0x61, 0x7B), range(0xC0, 0x250), range(0x1E00, 0x1F00)
    ):
        char = chr(code)
        if char.isalpha():
            table.setdefault(_fold(char), set()).add(char)
    return {base: "[" + "".join(sorted(chars)) + "]" for base, chars in table.items()}


def name_pattern(name: str) -> re.Pattern[str] | None:
    """The full name, with or without diacritics, in any case; None for a one-word name
    (scrubbing "Hoa" alone would also eat "hoa màu")."""
    words = unicodedata.normalize("NFC", name).split()
    if len(words) < 2 or sum(len(w) for w in words) < 5:
        return None
    variants = _variants()
    parts = ["".join(variants.get(_fold(c), re.escape(c)) for c in word) for word in words]
    return re.compile(r"(?<!\w)" + r"\s+".join(parts) + r"(?!\w)")


def phone_pattern(phone: str) -> re.Pattern[str] | None:
    """This number in the ways people write it (0934567890, 0934 567 890, +84 934.567.890)."""
    digits = re.sub(r"\D", "", phone)
    if digits.startswith("84") and len(digits) >= 11:
        digits = digits[2:]
    digits = digits.removeprefix("0")
    if len(digits) < 8:
        return None
    body = _SEP.join(digits)
    return re.compile(rf"(?<![\d])(?:(?:\+\s?84|84|0){_SEP})?{body}(?![\d])")


class Redactor:
    """Takes one person's name and phone numbers out of texts."""

    def __init__(self, names: Iterable[str | None], phones: Iterable[str | None]) -> None:
        names = [n for n in names if n and name_pattern(n)]
        phones = [p for p in phones if p and phone_pattern(p)]
        self.patterns = [name_pattern(n) for n in names] + [phone_pattern(p) for p in phones]
        # Substrings every normalised (lower-case, unaccented) text that matches must contain:
        # a cheap SQL pre-filter before the regexes.
        self.hints = sorted(
            {"".join(_fold(c) for c in n.split()[-1]) for n in names}
            | {re.sub(r"\D", "", p)[-4:] for p in phones}
        )

    def __call__(self, text: str | None, *, any_phone: bool = False, norm: bool = False) -> str:
        """``any_phone``: also every phone-shaped number (for what the citizen wrote)."""
        if not text:
            return text or ""
        mark = REDACTED_NORM if norm else REDACTED
        out = unicodedata.normalize("NFC", text)
        for pattern in self.patterns:
            out = pattern.sub(mark, out)  # type: ignore[union-attr]
        if any_phone:
            out = PHONE_SHAPED.sub(mark, out)
        return out if out != unicodedata.normalize("NFC", text) else text


@dataclass(frozen=True)
class Erasure:
    """What one erasure touched (counts only: nothing personal)."""

    citizens: int
    petitions: int
    follows: int
    messages: int
    attachments: int = 0
    texts: int = 0  # petition, event, outbox and unanswered-question texts scrubbed or dropped


async def holdings(session: AsyncSession, identity: ChannelIdentity) -> tuple[bool, int, int]:
    """(has contact details, petitions filed, petitions followed) — shown before deleting."""
    has_contact = await store.get_active(session, identity.citizen_id) is not None
    filed, follows = await store.count_filed_and_followed(session, identity.id)
    return has_contact, filed, follows


async def erase_identity(
    session: AsyncSession, identity: ChannelIdentity, now: dt.datetime
) -> Erasure:
    """Delete one chat user's personal data; keep their petitions' content, anonymised."""
    citizen_ids = await store.citizens_of(session, identity)
    match = store.petitions_of(identity.id, citizen_ids)
    # Who the person is, read before it is wiped: what must be scrubbed from texts.
    affected = await store.petition_contacts(session, match)
    petition_ids = [row.id for row in affected]
    names = {row.contact_name for row in affected}
    phones = {row.contact_phone for row in affected}
    linked: list[int] = []
    if citizen_ids:
        for name, phone in await store.citizen_contacts(session, citizen_ids):
            names.add(name)
            phones.add(phone)
        linked = await store.other_identities(session, citizen_ids, but=identity.id)
    redact = Redactor(names, phones)

    petitions = await store.anonymise_petitions(session, match, now)
    await store.unlink_petitions(session, identity.id)
    follows = await store.delete_follows(session, identity.id)
    erased = await store.erase_citizens(session, citizen_ids, now)
    identity.citizen_id = None
    messages = await store.delete_messages(session, identity.id)
    messages += await handoff_store.forget_identity(session, identity.id, now)
    await reach.forget_prefs(session, identity.id)  # the village they named, their opt-out
    attachments = await store.delete_attachments(session, petition_ids)
    texts = await scrub_petitions(session, petition_ids, redact)
    texts += await _scrub_messages(session, petition_ids, linked, redact)
    texts += await _forget_unanswered(session, identity.commune_id, redact)
    return Erasure(
        citizens=erased,
        petitions=petitions,
        follows=follows,
        messages=messages,
        attachments=attachments,
        texts=texts,
    )


async def scrub_petitions(
    session: AsyncSession, petition_ids: Sequence[int], redact: Redactor
) -> int:
    """The name and phone out of the petitions and their timelines; in the citizen's own words
    (content, place, their answers and comments) every phone-shaped number too."""
    if not petition_ids:
        return 0
    changed = 0
    for pid, content, content_norm, place, answer in await store.petition_texts(
        session, petition_ids
    ):
        old = {
            "content": content,
            "content_norm": content_norm,
            "place_text": place,
            "answer": answer,
        }
        new = {
            "content": redact(content, any_phone=True),
            "content_norm": redact(content_norm, any_phone=True, norm=True),
            "place_text": redact(place, any_phone=True) or place,
            "answer": redact(answer) or answer,
        }
        values = {k: v for k, v in new.items() if v != old[k]}
        if values:
            changed += 1
            await store.set_petition_texts(session, pid, **values)
    for eid, actor_kind, public_note, internal_note in await store.event_notes(
        session, petition_ids
    ):
        public = redact(public_note, any_phone=actor_kind == "citizen")
        internal = redact(internal_note)
        if public != (public_note or "") or internal != (internal_note or ""):
            changed += 1
            await store.set_event_notes(session, eid, public, internal)
    return changed


async def _scrub_messages(
    session: AsyncSession, petition_ids: list[int], identity_ids: list[int], redact: Redactor
) -> int:
    """Messages about those petitions (to followers) and to the person's other chat accounts."""
    if not redact.patterns:
        return 0
    changed = 0
    for mid, body in await store.message_bodies(session, petition_ids, identity_ids):
        text = (body or {}).get("text")
        if not isinstance(text, str):
            continue
        clean = redact(text)
        if clean != text:
            changed += 1
            await store.set_message_body(session, mid, {**body, "text": clean})
    return changed


async def _forget_unanswered(session: AsyncSession, commune_id: str, redact: Redactor) -> int:
    """Questions that repeat the name or phone are dropped (they are counts, linked to nobody:
    rewriting one could collide with another question's unique text)."""
    if not redact.patterns:
        return 0
    rows = await store.unanswered_containing(session, commune_id, redact.hints)
    doomed = [qid for qid, text in rows if redact(text, norm=True) != text]
    await store.delete_unanswered(session, doomed)
    return len(doomed)
