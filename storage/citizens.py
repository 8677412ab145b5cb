"""Citizens' contact details (name, phone) given with consent, and their erasure on request.

Decree 13/2023/NĐ-CP: personal data is kept only with consent and deleted when the person asks.
Contact details live in ``citizens`` (linked from the chat identity) and are snapshotted on each
petition so staff can call back; ``erase_identity`` removes both, unlinks the chat account from
every petition it filed or follows, and keeps the petition content, now anonymous, for statistics.

"Anonymous" is what the citizen is promised, so the name and phone are also taken out of every
text that repeats them — a citizen writes "tôi là Vũ Thị Hoa, số 0934 567 890" into a petition or
an answer, staff note "đã gọi chị Hoa 0934567890" — and, in what the citizen wrote themselves,
any phone-shaped number too. Their photos, files and voice messages go with the rest.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import (
    ChannelIdentity,
    Citizen,
    OutboxMessage,
    Petition,
    PetitionAttachment,
    PetitionEvent,
    PetitionFollower,
    UnansweredQuestion,
)

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
            out = pattern.sub(mark, out)
        if any_phone:
            out = PHONE_SHAPED.sub(mark, out)
        return out if out != unicodedata.normalize("NFC", text) else text


async def get_active(session: AsyncSession, citizen_id: int | None) -> Citizen | None:
    """The citizen row unless it is missing or erased."""
    if citizen_id is None:
        return None
    citizen = await session.get(Citizen, citizen_id)
    if citizen is None or citizen.erased_at is not None:
        return None
    return citizen


async def save_contact(
    session: AsyncSession,
    identity: ChannelIdentity,
    *,
    name: str | None,
    phone: str | None,
    consent_at: dt.datetime,
    now: dt.datetime,
) -> Citizen:
    """Store (or update) the person behind this chat identity and link them."""
    citizen = await get_active(session, identity.citizen_id)
    if citizen is None:
        citizen = Citizen(commune_id=identity.commune_id, created_at=now)
        session.add(citizen)
    citizen.name = name
    citizen.phone = phone
    citizen.consent_at = consent_at
    await session.flush()
    identity.citizen_id = citizen.id
    return citizen


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
    has_contact = await get_active(session, identity.citizen_id) is not None
    filed = len(
        (
            await session.execute(select(Petition.id).where(Petition.identity_id == identity.id))
        ).all()
    )
    follows = len(
        (
            await session.execute(
                select(PetitionFollower.id).where(PetitionFollower.identity_id == identity.id)
            )
        ).all()
    )
    return has_contact, filed, follows


async def erase_identity(
    session: AsyncSession, identity: ChannelIdentity, now: dt.datetime
) -> Erasure:
    """Delete one chat user's personal data; keep their petitions' content, anonymised.

    * the citizen row (name, phone, consent) is blanked and marked erased; every chat identity
      linked to it is unlinked;
    * every petition filed from this identity or by this citizen loses its contact snapshot,
      shared location, attachments and links (identity, citizen) and gets ``anonymized_at``; the
      petition version is bumped so a staff page opened before the erasure cannot write the data
      back;
    * the name and phone are scrubbed from those petitions' texts and timeline notes, from
      messages about them, and from the unanswered-questions list (see the module docstring);
    * the identity stops following petitions, and its message history in the outbox is removed
      (summaries there repeat the name and phone).
    """
    citizen_ids = set()
    if identity.citizen_id is not None:
        citizen_ids.add(identity.citizen_id)
    rows = await session.execute(
        select(Petition.citizen_id).where(
            Petition.identity_id == identity.id, Petition.citizen_id.is_not(None)
        )
    )
    citizen_ids.update(cid for (cid,) in rows.all())

    match = Petition.identity_id == identity.id
    if citizen_ids:
        match = or_(match, Petition.citizen_id.in_(citizen_ids))
    # Who the person is, read before it is wiped: what must be scrubbed from texts.
    affected = (
        await session.execute(
            select(Petition.id, Petition.contact_name, Petition.contact_phone).where(match)
        )
    ).all()
    petition_ids = [row.id for row in affected]
    names = {row.contact_name for row in affected}
    phones = {row.contact_phone for row in affected}
    linked_identities: list[int] = []
    if citizen_ids:
        people = await session.execute(
            select(Citizen.name, Citizen.phone).where(Citizen.id.in_(citizen_ids))
        )
        for name, phone in people.all():
            names.add(name)
            phones.add(phone)
        linked_identities = [
            iid
            for (iid,) in (
                await session.execute(
                    select(ChannelIdentity.id).where(
                        ChannelIdentity.citizen_id.in_(citizen_ids),
                        ChannelIdentity.id != identity.id,
                    )
                )
            ).all()
        ]
    redact = Redactor(names, phones)

    petitions = await session.execute(
        update(Petition)
        .where(match)
        .values(
            contact_name=None,
            contact_phone=None,
            consent_at=None,
            latitude=None,
            longitude=None,
            citizen_id=None,
            anonymized_at=now,
            updated_at=now,
            version=Petition.version + 1,
        )
        .execution_options(synchronize_session=False)
    )
    await session.execute(
        update(Petition)
        .where(Petition.identity_id == identity.id)
        .values(identity_id=None)
        .execution_options(synchronize_session=False)
    )
    follows = await session.execute(
        delete(PetitionFollower).where(PetitionFollower.identity_id == identity.id)
    )
    erased = 0
    if citizen_ids:
        result = await session.execute(
            update(Citizen)
            .where(Citizen.id.in_(citizen_ids))
            .values(name=None, phone=None, consent_at=None, erased_at=now)
        )
        erased = result.rowcount or 0
        await session.execute(
            update(ChannelIdentity)
            .where(ChannelIdentity.citizen_id.in_(citizen_ids))
            .values(citizen_id=None)
            .execution_options(synchronize_session=False)
        )
    identity.citizen_id = None
    messages = await session.execute(
        delete(OutboxMessage).where(OutboxMessage.identity_id == identity.id)
    )
    attachments = 0
    if petition_ids:
        dropped = await session.execute(
            delete(PetitionAttachment).where(PetitionAttachment.petition_id.in_(petition_ids))
        )
        attachments = dropped.rowcount or 0
    texts = await scrub_petitions(session, petition_ids, redact)
    texts += await _scrub_outbox(session, petition_ids, linked_identities, redact)
    texts += await _forget_unanswered(session, identity.commune_id, redact)
    return Erasure(
        citizens=erased,
        petitions=petitions.rowcount or 0,
        follows=follows.rowcount or 0,
        messages=messages.rowcount or 0,
        attachments=attachments,
        texts=texts,
    )


async def scrub_petitions(session: AsyncSession, petition_ids: list[int], redact: Redactor) -> int:
    """The name and phone out of the petitions and their timelines; in the citizen's own words
    (content, place, their answers and comments) every phone-shaped number too."""
    if not petition_ids:
        return 0
    changed = 0
    rows = await session.execute(
        select(
            Petition.id,
            Petition.content,
            Petition.content_norm,
            Petition.place_text,
            Petition.answer,
        ).where(Petition.id.in_(petition_ids))
    )
    for pid, content, content_norm, place, answer in rows.all():
        values = {
            "content": redact(content, any_phone=True),
            "content_norm": redact(content_norm, any_phone=True, norm=True),
            "place_text": redact(place, any_phone=True) or place,
            "answer": redact(answer) or answer,
        }
        old = {
            "content": content,
            "content_norm": content_norm,
            "place_text": place,
            "answer": answer,
        }
        values = {k: v for k, v in values.items() if v != old[k]}
        if values:
            changed += 1
            await session.execute(
                update(Petition)
                .where(Petition.id == pid)
                .values(**values)
                .execution_options(synchronize_session=False)
            )
    events = await session.execute(
        select(
            PetitionEvent.id,
            PetitionEvent.actor_kind,
            PetitionEvent.public_note,
            PetitionEvent.internal_note,
        ).where(PetitionEvent.petition_id.in_(petition_ids))
    )
    for eid, actor_kind, public_note, internal_note in events.all():
        own_words = actor_kind == "citizen"
        public = redact(public_note, any_phone=own_words)
        internal = redact(internal_note)
        if public != (public_note or "") or internal != (internal_note or ""):
            changed += 1
            await session.execute(
                update(PetitionEvent)
                .where(PetitionEvent.id == eid)
                .values(public_note=public, internal_note=internal)
                .execution_options(synchronize_session=False)
            )
    return changed


async def _scrub_outbox(
    session: AsyncSession, petition_ids: list[int], identity_ids: list[int], redact: Redactor
) -> int:
    """Messages about those petitions (to followers) and to the person's other chat accounts."""
    conditions = []
    if petition_ids:
        conditions.append(OutboxMessage.petition_id.in_(petition_ids))
    if identity_ids:
        conditions.append(OutboxMessage.identity_id.in_(identity_ids))
    if not conditions or not redact.patterns:
        return 0
    changed = 0
    rows = await session.execute(
        select(OutboxMessage.id, OutboxMessage.body).where(or_(*conditions))
    )
    for mid, body in rows.all():
        text = (body or {}).get("text")
        if not isinstance(text, str):
            continue
        clean = redact(text)
        if clean != text:
            changed += 1
            await session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == mid)
                .values(body={**body, "text": clean})
                .execution_options(synchronize_session=False)
            )
    return changed


async def _forget_unanswered(session: AsyncSession, commune_id: str, redact: Redactor) -> int:
    """Questions that repeat the name or phone are dropped (they are counts, linked to nobody:
    rewriting one could collide with another question's unique text)."""
    if not redact.patterns:
        return 0
    rows = await session.execute(
        select(UnansweredQuestion.id, UnansweredQuestion.text).where(
            UnansweredQuestion.commune_id == commune_id,
            or_(
                *(UnansweredQuestion.text.contains(hint, autoescape=True) for hint in redact.hints)
            ),
        )
    )
    doomed = [qid for qid, text in rows.all() if redact(text, norm=True) != text]
    if doomed:
        await session.execute(delete(UnansweredQuestion).where(UnansweredQuestion.id.in_(doomed)))
    return len(doomed)
