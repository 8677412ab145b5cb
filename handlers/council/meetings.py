"""Entering a whole meeting at once: its record and every opinion raised there, in one
transaction — from the grid page, an uploaded XLSX or the staff API.

Everything is checked before anything is written: a meeting with one bad row is refused whole
with a Vietnamese message per row, so the office corrects and saves again. An opinion answered on
the spot is stored as answered, with who answered and what. An ``Idempotency-Key`` (the API) or
the file's hash (XLSX) makes a repeated save return the first one's result and create nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from handlers.context import Txn
from handlers.phones import PhoneError, normalize_phone
from handlers.texts import Texts
from handlers.texts.council import CouncilTexts
from handlers.workflow import ANSWERED, Actor, InvalidChange
from handlers.workflow.calendar import parse_day
from handlers.workflow.similar import norm_content
from knowledge.normalize import fold
from knowledge.profile import CommuneProfile
from storage import council as repo
from storage import petitions as petitions_repo
from storage.models import CouncilMeeting, Petition, PetitionEvent

KINDS = ("voter_meeting", "voter_meeting_after", "citizen_reception", "thematic")
INTAKE_FOR_KIND = {
    "voter_meeting": "voter_meeting",
    "voter_meeting_after": "voter_meeting",
    "citizen_reception": "citizen_reception",
    "thematic": "voter_meeting",
}
MAX_ROWS = 200
MAX_CONTENT = 4000
MAX_FIELD = 300


class MeetingRefused(InvalidChange):
    """The meeting is not saved; ``errors`` lists every problem (one per row or field)."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__(" ".join(errors))
        self.errors = errors


@dataclass
class Opinion:
    """One opinion raised at the meeting (a grid row, an XLSX row, an API item)."""

    content: str
    summary: str = ""
    category: str = ""
    village: str = ""
    name: str = ""
    phone: str = ""
    consent: bool = False
    spot_by: str = ""
    spot_answer: str = ""


@dataclass
class MeetingInput:
    kind: str
    date: Any
    venue: str = ""
    unit: str = ""
    villages: list[str] = field(default_factory=list)
    delegates: list[str] = field(default_factory=list)
    organiser: str = ""
    attendance: Any = 0
    session_id: int | None = None
    notes: str = ""
    opinions: list[Opinion] = field(default_factory=list)


def village_id(profile: CommuneProfile, value: str) -> str | None:
    """A village by id or by name (accents and case ignored)."""
    text = value.strip()
    if not text:
        return None
    if profile.village(text) is not None:
        return text
    folded = fold(text)
    return next((v.id for v in profile.villages if fold(v.name) == folded), None)


def category_id(profile: CommuneProfile, value: str) -> str | None:
    text = value.strip()
    if profile.category(text) is not None:
        return text
    folded = fold(text)
    return next((c.id for c in profile.categories if fold(c.name) == folded), None)


def suggest_category(profile: CommuneProfile, text: str) -> str:
    """The category whose name shares most words with the opinion ("đường" → giao thông…)."""
    words = set(fold(text).split())
    best, best_score = profile.categories[-1].id, 0
    for category in profile.categories:
        name_words = {w for w in fold(category.name).replace(",", " ").split() if len(w) >= 3}
        score = len(words & name_words)
        if score > best_score:
            best, best_score = category.id, score
    return best


def _check_opinion(
    profile: CommuneProfile, t: CouncilTexts, row: Opinion, n: int, default_village: str | None
) -> tuple[Opinion, list[str]]:
    problems: list[str] = []
    content = row.content.strip()
    if not content:
        problems.append(t.row_empty())
    elif len(content) > MAX_CONTENT:
        problems.append(t.row_long(max=MAX_CONTENT))
    category = category_id(profile, row.category) if row.category.strip() else None
    if row.category.strip() and category is None:
        problems.append(t.row_category(category=row.category.strip()[:60]))
    village = village_id(profile, row.village) if row.village.strip() else default_village
    if row.village.strip() and village is None:
        problems.append(t.row_village(village=row.village.strip()[:60]))
    phone = ""
    if row.phone.strip():
        try:
            phone = normalize_phone(row.phone)
        except PhoneError:
            problems.append(t.row_phone(phone=row.phone.strip()[:30]))
    name = " ".join(row.name.split())[:200]
    if (name or row.phone.strip()) and not row.consent:
        problems.append(t.row_consent())
    if bool(row.spot_by.strip()) != bool(row.spot_answer.strip()):
        problems.append(t.row_spot())
    clean = Opinion(
        content=content,
        summary=" ".join(row.summary.split())[:1000],
        category=category or suggest_category(profile, content),
        village=village or "",
        name=name,
        phone=phone,
        consent=row.consent,
        spot_by=row.spot_by.strip()[:200],
        spot_answer=row.spot_answer.strip()[:MAX_CONTENT],
    )
    return clean, [t.row(row=n, problem=p) for p in problems]


def row_problems(
    profile: CommuneProfile, texts: Texts, rows: list[Opinion], villages: list[str]
) -> list[list[str]]:
    """Every row's problems (for the XLSX preview), the meeting's village as default."""
    t = CouncilTexts.of(texts)
    ids = [v for v in (village_id(profile, raw) for raw in villages) if v]
    default = ids[0] if len(ids) == 1 else None
    return [_check_opinion(profile, t, row, n, default)[1] for n, row in enumerate(rows, 1)]


def check_meeting(
    profile: CommuneProfile, texts: Texts, data: MeetingInput, today: dt.date
) -> MeetingInput:
    """The meeting with ids resolved and rows cleaned; MeetingRefused lists every problem."""
    t = CouncilTexts.of(texts)
    errors: list[str] = []
    if data.kind not in KINDS:
        errors.append(t.meeting_kind_unknown(kind=str(data.kind)[:40], kinds=", ".join(KINDS)))
    day = data.date
    if not isinstance(day, dt.date):
        day = parse_day(str(day or ""))
        if day is None:
            errors.append(t.meeting_date(value=str(data.date)[:40]))
    if isinstance(day, dt.date) and day > today:
        errors.append(t.meeting_future(date=day.strftime("%d/%m/%Y")))
    attendance = data.attendance
    if isinstance(attendance, str) and attendance.strip().isdigit():
        attendance = int(attendance)
    if attendance in (None, ""):
        attendance = 0
    if isinstance(attendance, bool) or not isinstance(attendance, int) or attendance < 0:
        errors.append(t.meeting_attendance())
        attendance = 0
    villages: list[str] = []
    for raw in data.villages:
        found = village_id(profile, str(raw))
        if found is None:
            errors.append(t.meeting_village(village=str(raw)[:60]))
        elif found not in villages:
            villages.append(found)
    for label, value in (
        ("venue", data.venue),
        ("unit", data.unit),
        ("organiser", data.organiser),
    ):
        if len(value) > MAX_FIELD:
            errors.append(t.meeting_field_long(field=label, max=MAX_FIELD))
    if not data.opinions:
        errors.append(t.meeting_empty())
    if len(data.opinions) > MAX_ROWS:
        errors.append(t.meeting_too_many(max=MAX_ROWS))
    default_village = villages[0] if len(villages) == 1 else None
    rows = []
    for n, row in enumerate(data.opinions[:MAX_ROWS], 1):
        clean, problems = _check_opinion(profile, t, row, n, default_village)
        rows.append(clean)
        errors.extend(problems)
    if errors:
        raise MeetingRefused(errors)
    return MeetingInput(
        kind=data.kind,
        date=day,
        venue=data.venue.strip(),
        unit=data.unit.strip(),
        villages=villages,
        delegates=[" ".join(d.split())[:200] for d in data.delegates if d.strip()],
        organiser=data.organiser.strip(),
        attendance=attendance,
        session_id=data.session_id,
        notes=data.notes.strip()[:4000],
        opinions=rows,
    )


async def enter_meeting(
    txn: Txn,
    actor: Actor,
    data: MeetingInput,
    *,
    key: str | None = None,
    staff_id: int | None = None,
) -> tuple[CouncilMeeting, list[Petition]]:
    """Store a checked meeting and its opinions (one petition each), in ``txn``."""
    t = CouncilTexts.of(txn.texts)
    meeting = CouncilMeeting(
        commune_id=txn.profile.id,
        kind=data.kind,
        date=data.date,
        venue=data.venue,
        unit=data.unit,
        villages=data.villages,
        delegates=data.delegates,
        organiser=data.organiser,
        attendance=data.attendance,
        session_id=data.session_id,
        notes=data.notes,
        idempotency_key=key,
        created_by_staff_id=staff_id,
        created_at=txn.now,
    )
    txn.session.add(meeting)
    await txn.session.flush()
    created: list[Petition] = []
    for row in data.opinions:
        # Not file_petition: fifty notices to the staff group for one meeting would be noise.
        found = txn.profile.category(row.category)
        petition = await petitions_repo.create_petition(
            txn.session,
            now=txn.now,
            event_actor=(actor.kind, actor.id, actor.label[:100]),
            commune_id=txn.profile.id,
            category=row.category,
            committee=found.committee if found else None,
            village=row.village or None,
            content=row.content,
            content_norm=norm_content(row.content),
            intake_channel=INTAKE_FOR_KIND[data.kind],
            anonymous=not (row.name or row.phone),
            contact_name=row.name or None,
            contact_phone=row.phone or None,
            consent_at=txn.now if row.consent and (row.name or row.phone) else None,
            created_by_staff_id=staff_id,
            meeting_id=meeting.id,
            session_id=data.session_id,
            summary=row.summary or None,
        )
        if row.spot_answer:
            _answer_on_spot(txn, petition, actor, row, t)
        created.append(petition)
    await txn.session.flush()
    return meeting, created


def _answer_on_spot(
    txn: Txn, petition: Petition, actor: Actor, row: Opinion, t: CouncilTexts
) -> None:
    """Answered at the meeting: recorded as answered, with that answer and who gave it."""
    petition.status = ANSWERED
    petition.answer = row.spot_answer
    petition.answered_at = txn.now
    petition.spot_answered_by = row.spot_by
    petition.resolution = "explained"
    txn.session.add(
        PetitionEvent(
            petition_id=petition.id,
            at=txn.now,
            actor_kind=actor.kind,
            actor_id=actor.id,
            actor_label=actor.label[:100],
            action="answer",
            from_status="received",
            to_status=ANSWERED,
            public_note=row.spot_answer,
            internal_note=t.event_spot(by=row.spot_by),
            data={"on_spot": True, "by": row.spot_by},
        )
    )


def response_body(meeting: CouncilMeeting, petitions: list[Petition]) -> dict[str, Any]:
    """What the staff API answers (and answers again for the same Idempotency-Key)."""
    return {
        "id": meeting.id,
        "petitions": [{"code": p.code, "status": p.status} for p in petitions],
    }


async def already_entered(txn: Txn, key: str) -> dict[str, Any] | None:
    found = await repo.meeting_by_key(txn.session, txn.profile.id, key)
    return found.response if found is not None else None
